//! Builds the application from a [`Config`]: the one path used by `main` and by
//! the tests.

use std::sync::Arc;

use actix_cors::Cors;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::{Compress, Next, from_fn};
use actix_web::{App, Error, HttpResponse, HttpServer, web};
use secrecy::ExposeSecret;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::api::conditional::conditional_get;
use crate::api::fallback::no_route;
use crate::auth::account_cache::AccountCache;
use crate::auth::password::PasswordHasher;
use crate::auth::{JwtKeys, bootstrap, jwt};
use crate::config::Config;
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::metrics::Metrics;
use crate::openapi::ApiDocs;
use crate::request_context::request_context;

/// Largest JSON body accepted by default. Endpoints that take batches raise it.
pub const DEFAULT_BODY_LIMIT: usize = 256 * 1024;

/// Everything the handlers share, cheap to clone into each worker.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub keys: Arc<JwtKeys>,
    pub accounts: Arc<AccountCache>,
    pub passwords: Arc<PasswordHasher>,
    pub metrics: Arc<Metrics>,
    pub docs: Arc<ApiDocs>,
}

async fn openapi_json(docs: web::Data<ApiDocs>) -> HttpResponse {
    HttpResponse::Ok().content_type("application/json").body(docs.json())
}

/// Opens the pool for `config`, applies pending migrations and loads the signing
/// secret.
pub fn prepare(config: Config) -> Result<AppState, String> {
    let pool = db::build_pool(&config.database_url, config.pool_size)?;
    let mut conn = pool.get().map_err(|err| format!("cannot connect to {}: {err}", config.database_url))?;
    db::run_migrations(&mut conn).map_err(|err| format!("migrations failed on {}: {err}", config.database_url))?;
    drop(conn);
    let configured_secret = config.jwt_secret.as_ref().map(ExposeSecret::expose_secret);
    let secret = jwt::load_or_create_secret(configured_secret, &config.data_dir)?;
    let mut db = Db::new(pool)?;
    if let Some(url) = &config.database_read_url {
        let max_lag = std::time::Duration::from_secs(config.read_max_lag_seconds);
        db = db.with_read_replica(db::replica::ReadReplica::open(url, config.pool_size, max_lag)?);
    }
    Ok(AppState {
        accounts: Arc::new(AccountCache::new(db.account_changes())),
        passwords: Arc::default(),
        db,
        config: Arc::new(config),
        keys: Arc::new(JwtKeys::new(&secret)),
        metrics: Arc::new(Metrics::new().map_err(|err| format!("cannot register the metrics: {err}"))?),
        docs: Arc::new(ApiDocs::build()?),
    })
}

/// The whole application: documented routes, docs, error mapping, middleware.
pub fn build_app(
    state: AppState,
) -> App<
    impl ServiceFactory<ServiceRequest, Config = (), Response = ServiceResponse<BoxBody>, Error = Error, InitError = ()>,
> {
    // The spec collected here (once per worker) is the same as the one built once
    // in `prepare`; only that one is kept (each worker holding its own copy for
    // Swagger UI cost several MB per worker).
    let (app, _) =
        App::new().into_utoipa_app().openapi(crate::openapi::base()).configure(crate::api::configure).split_for_parts();
    app.app_data(web::Data::new(state.db.clone()))
        .app_data(web::Data::from(state.config.clone()))
        .app_data(web::Data::from(state.keys.clone()))
        .app_data(web::Data::from(state.accounts.clone()))
        .app_data(web::Data::from(state.passwords.clone()))
        .app_data(web::Data::from(state.metrics.clone()))
        .app_data(web::Data::from(state.docs.clone()))
        .app_data(web::PayloadConfig::new(DEFAULT_BODY_LIMIT))
        .app_data(
            web::PathConfig::default()
                .error_handler(|_, req| ApiError::NotFound(format!("no resource at {}", req.path())).into()),
        )
        .route("/api-docs/openapi.json", web::get().to(openapi_json))
        .service(SwaggerUi::new("/docs/{_:.*}").config(utoipa_swagger_ui::Config::from("/api-docs/openapi.json")))
        .route(
            "/docs",
            web::get().to(|| async { HttpResponse::Found().insert_header(("Location", "/docs/")).finish() }),
        )
        .configure(crate::api::dashboard::configure)
        .default_service(web::to(no_route))
        .wrap(from_fn(conditional_get))
        .wrap(cors(&state.config))
        .wrap(from_fn(request_context))
        // Outside the others, so they see and tag the plain body.
        .wrap(Compress::default())
        .wrap(from_fn(boxed_body))
}

/// The compressed body, as the one body type the app's signature names.
async fn boxed_body(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    Ok(next.call(req).await?.map_into_boxed_body())
}

fn cors(config: &Config) -> Cors {
    let origins = config.cors_origins();
    let cors = Cors::default()
        .allow_any_method()
        .allow_any_header()
        .expose_headers(["etag", "x-request-id", "retry-after"])
        .max_age(3600);
    if origins.iter().any(|origin| origin == "*") {
        return cors.allow_any_origin();
    }
    origins.iter().fold(cors, |cors, origin| cors.allowed_origin(origin))
}

/// Runs the HTTP server until SIGTERM or Ctrl-C; in-flight requests finish first.
pub async fn serve(config: Config) -> Result<(), String> {
    let bind_addr = config.bind_addr;
    let blocking_threads = usize::try_from(config.pool_size).unwrap_or(usize::MAX).max(2);
    let workers = config.http_workers;
    let state = web::block(move || {
        let state = prepare(config)?;
        state.db.run_blocking(|conn| bootstrap::ensure_first_admin(conn, &state.passwords, &state.config))?;
        Ok::<_, String>(state)
    })
    .await
    .map_err(|err| err.to_string())??;
    tracing::info!(database = %state.config.database_url, "database ready, migrations applied");
    let db = state.db.clone();
    let change_retention = chrono::TimeDelta::days(i64::from(state.config.change_retention_days));
    crate::service::housekeeping::start(db.clone(), change_retention)?;
    let mut server = HttpServer::new(move || build_app(state.clone())).shutdown_timeout(30);
    if workers > 0 {
        server = server.workers(workers);
    }
    // Database work is all that runs on the blocking threads (password hashing has
    // threads of its own). This limit is per worker: each worker runtime has its
    // own blocking pool, so up to workers x pool size threads may exist. What
    // bounds the work is the `Db`'s semaphore, one slot per pooled connection and
    // shared by all workers: at most pool-size blocking threads run database work
    // at once, and requests beyond that wait as futures, not as threads. A worker
    // still needs up to pool-size threads of its own, since one worker may get
    // every slot; a thread it no longer needs ends after 10 s idle (tokio's
    // default), so the pool-size x workers bound is only reached briefly, when
    // the busy work moves from worker to worker. Without a limit tokio allows 512
    // per worker, each holding a stack and, with glibc, possibly its own heap.
    server = server.worker_max_blocking_threads(blocking_threads);
    let server = server.bind(bind_addr).map_err(|err| format!("cannot listen on {bind_addr}: {err}"))?;
    tracing::info!(address = %bind_addr, "listening; API docs at http://{bind_addr}/docs");
    let served = server.run().await.map_err(|err| format!("server error: {err}"));
    db.flush_read_audit().await;
    served
}
