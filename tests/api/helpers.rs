//! The test harness: a fresh database per test, the app built exactly as `main`
//! builds it, and a small request builder that reads like the API docs.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError};

use actix_http::Request;
use actix_service::boxed::{self, BoxService};
use actix_web::body::{BoxBody, to_bytes};
use actix_web::dev::ServiceResponse;
use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::test::{TestRequest, init_service};
use actix_web::web::Bytes;
use diesel::Connection;
use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use outreach::auth::bootstrap::create_admin;
use outreach::config::Config;
use outreach::db::DatabaseUrl;
use outreach::startup::{AppState, build_app, prepare};
use serde_json::Value;

use crate::test_databases;

/// Runs the test function of the same name once per backend: `<name>::sqlite`
/// always, `<name>::postgres` when `TEST_DATABASE_URL` is set (and fails when
/// `TEST_REQUIRE_POSTGRES=1` but it is not, so CI cannot skip it silently).
///
/// It only names the test; the body stays a plain `async fn name(app: TestApp)`
/// at module level, so rustfmt formats it:
///
/// ```ignore
/// on_both_databases!(branches_are_listed);
/// async fn branches_are_listed(app: TestApp) { ... }
/// ```
macro_rules! on_both_databases {
    ($name:ident, configured by $configure:ident) => {
        mod $name {
            #[actix_web::test]
            async fn sqlite() {
                super::$name($crate::helpers::TestApp::sqlite_with(super::$configure).await).await
            }

            #[actix_web::test]
            async fn postgres() {
                if let Some(app) = $crate::helpers::TestApp::postgres_with(super::$configure).await {
                    super::$name(app).await
                }
            }
        }
    };
    ($name:ident) => {
        mod $name {
            #[actix_web::test]
            async fn sqlite() {
                super::$name($crate::helpers::TestApp::sqlite().await).await
            }

            #[actix_web::test]
            async fn postgres() {
                if let Some(app) = $crate::helpers::TestApp::postgres().await {
                    super::$name(app).await
                }
            }
        }
    };
}

pub const ADMIN_EMAIL: &str = "hq-admin@outreach.test";
pub const ADMIN_PASSWORD: &str = "admin password for tests";

/// A running application over its own database, dropped with the test.
pub struct TestApp {
    service: BoxService<Request, ServiceResponse<BoxBody>, actix_web::Error>,
    pub state: AppState,
    /// Shared by [`TestApp::second_instance`]s: removed with the last of them.
    database: Arc<TestDatabase>,
}

/// What a test created outside its own memory; removed on drop, panicking or not.
enum TestDatabase {
    Sqlite { dir: PathBuf },
    Postgres { admin_url: String, name: String, data_dir: PathBuf },
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match self {
            Self::Sqlite { dir } => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Self::Postgres { admin_url, name, data_dir } => {
                let _ = std::fs::remove_dir_all(data_dir);
                if let Ok(mut conn) = PgConnection::establish(admin_url) {
                    let _ = conn.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
                }
            }
        }
    }
}

/// `outreach_test_<pid>_<n>`: unique within the process, and the process id keeps
/// concurrent runs apart and lets the reaper find what a killed run left.
fn unique_name() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!("{}{}", test_databases::process_prefix(), NEXT.fetch_add(1, Ordering::Relaxed))
}

impl TestApp {
    /// A fresh SQLite database in its own temporary directory.
    pub async fn sqlite() -> Self {
        Self::sqlite_with(|_| ()).await
    }

    /// A fresh SQLite database, with `configure` applied to the app's settings.
    pub async fn sqlite_with(configure: impl FnOnce(&mut Config)) -> Self {
        let dir = std::env::temp_dir().join(unique_name());
        std::fs::create_dir_all(&dir).expect("create test directory");
        let mut config = Config::for_database(DatabaseUrl::Sqlite(dir.join("outreach.db")), dir.clone());
        configure(&mut config);
        Self::start_with(config, TestDatabase::Sqlite { dir }).await
    }

    /// An app over a copy of an existing SQLite file (a restored backup): its
    /// accounts are the file's, so no admin is created.
    pub async fn sqlite_restored_from(file: &std::path::Path) -> Self {
        let dir = std::env::temp_dir().join(unique_name());
        std::fs::create_dir_all(&dir).expect("create test directory");
        std::fs::copy(file, dir.join("outreach.db")).expect("restore the backup");
        let config = Config::for_database(DatabaseUrl::Sqlite(dir.join("outreach.db")), dir.clone());
        let state = actix_web::web::block(move || prepare(config)).await.expect("blocking pool").expect("prepare app");
        let service = boxed::service(init_service(build_app(state.clone())).await);
        Self { service, state, database: Arc::new(TestDatabase::Sqlite { dir }) }
    }

    /// The SQLite file under the app, or `None` on PostgreSQL.
    pub fn sqlite_file(&self) -> Option<PathBuf> {
        match &*self.database {
            TestDatabase::Sqlite { dir } => Some(dir.join("outreach.db")),
            TestDatabase::Postgres { .. } => None,
        }
    }

    /// A fresh PostgreSQL database on the server named by `TEST_DATABASE_URL`:
    /// a copy of this process's migrated template (see [`test_databases`]).
    pub async fn postgres() -> Option<Self> {
        Self::postgres_with(|_| ()).await
    }

    /// A fresh PostgreSQL database, with `configure` applied to the app's settings.
    pub async fn postgres_with(configure: impl FnOnce(&mut Config)) -> Option<Self> {
        let Ok(admin_url) = std::env::var("TEST_DATABASE_URL") else {
            assert!(
                std::env::var("TEST_REQUIRE_POSTGRES").is_err(),
                "TEST_REQUIRE_POSTGRES is set but TEST_DATABASE_URL is not"
            );
            eprintln!("TEST_DATABASE_URL not set: PostgreSQL variant skipped");
            return None;
        };
        let name = unique_name();
        let data_dir = std::env::temp_dir().join(&name);
        // Registered before the database exists so a failure below still cleans up.
        let database =
            TestDatabase::Postgres { admin_url: admin_url.clone(), name: name.clone(), data_dir: data_dir.clone() };
        let template = test_databases::template(&admin_url);
        {
            // CREATE DATABASE .. TEMPLATE fails while any other session is
            // connected to the template, and cloning takes that very lock: one
            // clone at a time per process (other processes have their own template).
            let _one_at_a_time = test_databases::CLONING.lock().unwrap_or_else(PoisonError::into_inner);
            let mut admin = PgConnection::establish(&admin_url).expect("connect to TEST_DATABASE_URL");
            admin.batch_execute(&format!("CREATE DATABASE {name} TEMPLATE {template}")).expect("clone the template");
        }
        let url = DatabaseUrl::Postgres(format!("{}/{name}", test_databases::server_url(&admin_url)));
        let mut config = Config::for_database(url, data_dir);
        configure(&mut config);
        Some(Self::start_with(config, database).await)
    }

    async fn start_with(config: Config, database: TestDatabase) -> Self {
        let state = actix_web::web::block(move || {
            let state = prepare(config)?;
            state.db.run_blocking(|conn| create_admin(conn, &state.passwords, ADMIN_EMAIL, Some(ADMIN_PASSWORD)))?;
            Ok::<_, String>(state)
        })
        .await
        .expect("blocking pool")
        .expect("prepare app");
        let service = boxed::service(init_service(build_app(state.clone())).await);
        Self { service, state, database: Arc::new(database) }
    }

    /// Another instance of the API over this app's database, with its own pool
    /// and its own in-process state, as behind a load balancer.
    pub async fn second_instance(&self) -> Self {
        let config = Config::clone(&self.state.config);
        let state = actix_web::web::block(move || prepare(config)).await.expect("blocking pool").expect("prepare app");
        let service = boxed::service(init_service(build_app(state.clone())).await);
        Self { service, state, database: Arc::clone(&self.database) }
    }

    /// A second application instance over the same database (its own pool,
    /// settings as this one's), as a second server process would be.
    pub async fn another_instance(&self) -> AppState {
        self.second_instance().await.state
    }

    /// Drops the PostgreSQL database under the running app (connections included).
    pub fn drop_database_now(&self) {
        if let TestDatabase::Postgres { admin_url, name, .. } = &*self.database {
            let mut conn = PgConnection::establish(admin_url).expect("connect to TEST_DATABASE_URL");
            conn.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).expect("drop database");
        }
    }

    /// Creates the PostgreSQL database again (a fresh copy of the template) after
    /// [`Self::drop_database_now`], under the same name: the database is back.
    pub fn restore_database_now(&self) {
        if let TestDatabase::Postgres { admin_url, name, .. } = &*self.database {
            let template = test_databases::template(admin_url);
            let _one_at_a_time = test_databases::CLONING.lock().unwrap_or_else(PoisonError::into_inner);
            let mut conn = PgConnection::establish(admin_url).expect("connect to TEST_DATABASE_URL");
            conn.batch_execute(&format!("CREATE DATABASE {name} TEMPLATE {template}")).expect("create database");
        }
    }

    pub fn get(&self, path: &str) -> RequestBuilder<'_> {
        self.request(Method::GET, path)
    }

    pub fn post(&self, path: &str) -> RequestBuilder<'_> {
        self.request(Method::POST, path)
    }

    pub fn patch(&self, path: &str) -> RequestBuilder<'_> {
        self.request(Method::PATCH, path)
    }

    pub fn put(&self, path: &str) -> RequestBuilder<'_> {
        self.request(Method::PUT, path)
    }

    pub fn delete(&self, path: &str) -> RequestBuilder<'_> {
        self.request(Method::DELETE, path)
    }

    pub fn request(&self, method: Method, path: &str) -> RequestBuilder<'_> {
        RequestBuilder { app: self, request: TestRequest::default().method(method).uri(path) }
    }
}

pub struct RequestBuilder<'a> {
    app: &'a TestApp,
    request: TestRequest,
}

impl RequestBuilder<'_> {
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.request = self.request.insert_header((name, value));
        self
    }

    /// A JSON body with `Content-Type: application/json`.
    pub fn json(mut self, body: &Value) -> Self {
        self.request = self.request.set_json(body);
        self
    }

    /// A raw body, with whatever content type the test sets.
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.request = self.request.set_payload(body.into());
        self
    }

    /// Sends the request as if from `ip` (the client address used for throttling).
    pub fn sent_from(mut self, ip: &str) -> Self {
        self.request = self.request.peer_addr(format!("{ip}:40000").parse().expect("an IP address"));
        self
    }

    pub fn bearer(self, token: &str) -> Self {
        self.header("authorization", &format!("Bearer {token}"))
    }

    pub async fn send(self) -> TestResponse {
        use actix_service::Service;
        let response = self.app.service.call(self.request.to_request()).await.expect("the app answers every request");
        let status = response.status();
        let headers = response.headers().clone();
        let body = to_bytes(response.into_body()).await.unwrap_or_default();
        TestResponse { status, headers, body }
    }
}

pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl TestResponse {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|err| panic!("body is not JSON ({err}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(HeaderName::from_bytes(name.as_bytes()).ok()?).and_then(|v: &HeaderValue| v.to_str().ok())
    }

    /// Asserts the status, showing the body when it differs.
    #[track_caller]
    pub fn assert_status(&self, expected: u16) -> &Self {
        assert_eq!(self.status.as_u16(), expected, "unexpected status; body: {}", String::from_utf8_lossy(&self.body));
        self
    }

    /// Asserts a complete problem document of `status` and returns it.
    #[track_caller]
    pub fn problem(&self, status: u16) -> Value {
        self.assert_status(status);
        assert_eq!(self.header("content-type"), Some("application/problem+json"));
        let problem = self.json();
        assert_eq!(problem["status"], status);
        for member in ["type", "title", "detail", "instance", "request_id", "code"] {
            assert!(problem[member].is_string(), "problem lacks {member}: {problem}");
        }
        let code = problem["code"].as_str().unwrap_or_default();
        assert!(documented_error_codes().contains(code), "code {code} is not in the spec's ErrorCode: {problem}");
        assert!(problem["errors"].is_array(), "problem lacks errors: {problem}");
        assert_eq!(Some(problem["request_id"].as_str().unwrap_or_default()), self.header("x-request-id"));
        problem
    }
}

/// The codes the committed spec lists in its `ErrorCode` schema: every problem a
/// test sees must carry one of them.
fn documented_error_codes() -> &'static std::collections::HashSet<String> {
    static CODES: std::sync::OnceLock<std::collections::HashSet<String>> = std::sync::OnceLock::new();
    CODES.get_or_init(|| {
        let spec: Value =
            serde_json::from_str(include_str!("../../openapi/openapi.json")).expect("the committed spec is JSON");
        spec["components"]["schemas"]["ErrorCode"]["enum"]
            .as_array()
            .expect("the spec lists ErrorCode")
            .iter()
            .map(|code| code.as_str().expect("codes are strings").to_owned())
            .collect()
    })
}
