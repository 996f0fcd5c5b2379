//! Builds the application from a [`Config`]: the one path used by `main` and by
//! the tests.

use std::sync::Arc;

use actix_cors::Cors;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::{Compress, Next, from_fn};
use actix_web::{App, Error, HttpResponse, web};
use secrecy::ExposeSecret;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::api::conditional::conditional_get;
use crate::api::events::EventPages;
use crate::api::fallback::no_route;
use crate::auth::account_cache::AccountCache;
use crate::auth::password::PasswordHasher;
use crate::auth::{JwtKeys, bootstrap, jwt};
use crate::config::Config;
use crate::db::{self, Db};
use crate::edge::Edge;
use crate::error::ApiError;
use crate::metrics::Metrics;
use crate::openapi::ApiDocs;
use crate::rate_limit::{RateLimiter, rate_limit};
use crate::request_context::request_context;
use crate::security_headers::security_headers;

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
    pub limiter: Arc<RateLimiter>,
    /// The events pages kept serialised while current (`api::hot_pages`).
    pub event_pages: Arc<EventPages>,
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
    if let Ok(Some(collation)) = db::slow_text_collation(&mut conn) {
        tracing::warn!(
            %collation,
            "the database compares text by a locale, not byte by byte (C): slower writes and key lookups; \
             docs/deploy.md says how to create it with the C collation"
        );
    }
    drop(conn);
    let configured_secret = config.jwt_secret.as_ref().map(ExposeSecret::expose_secret);
    let secret = jwt::load_or_create_secret(configured_secret, &config.data_dir)?;
    let keys = jwt_keys(&secret, config.jwt_previous_secret.as_ref().map(ExposeSecret::expose_secret))?;
    let mut db = Db::new(pool)?;
    if let Some(url) = &config.database_read_url {
        let max_lag = std::time::Duration::from_secs(config.read_max_lag_seconds);
        db = db.with_read_replica(db::replica::ReadReplica::open(url, config.pool_size, max_lag)?);
    }
    Ok(AppState {
        accounts: Arc::new(AccountCache::new(db.account_changes())),
        passwords: Arc::default(),
        db,
        keys: Arc::new(keys),
        metrics: Arc::new(Metrics::new().map_err(|err| format!("cannot register the metrics: {err}"))?),
        docs: Arc::new(ApiDocs::build()?),
        limiter: Arc::new(RateLimiter::new(&config)),
        event_pages: Arc::default(),
        config: Arc::new(config),
    })
}

/// The signing keys: `secret`, and the secret before a rotation
/// (`JWT_PREVIOUS_SECRET`) honoured for one access-token lifetime from now
/// (and the clock skew allowed between instances).
fn jwt_keys(secret: &[u8], previous: Option<&str>) -> Result<JwtKeys, String> {
    let keys = JwtKeys::new(secret);
    let Some(previous) = previous else { return Ok(keys) };
    if previous.len() < jwt::MIN_SECRET_BYTES {
        return Err(format!("JWT_PREVIOUS_SECRET must be at least {} bytes long", jwt::MIN_SECRET_BYTES));
    }
    if previous.as_bytes() == secret {
        return Err("JWT_PREVIOUS_SECRET is the current secret: set JWT_SECRET to the new one".into());
    }
    let until = chrono::Utc::now().timestamp() + jwt::ACCESS_TOKEN_TTL_SECS + jwt::ISSUED_AT_LEEWAY_SECS;
    tracing::info!(until = %chrono::DateTime::from_timestamp(until, 0).unwrap_or_default(), "access tokens signed with JWT_PREVIOUS_SECRET are accepted until then");
    Ok(keys.with_previous(previous.as_bytes(), until))
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
        .app_data(web::Data::from(state.limiter.clone()))
        .app_data(web::Data::from(state.event_pages.clone()))
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
        // Inside CORS, so a 429 carries its headers; inside the request context,
        // so it is a complete problem document.
        .wrap(from_fn(rate_limit))
        .wrap(cors(&state.config))
        .wrap(from_fn(request_context))
        .wrap(from_fn(security_headers))
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
        .expose_headers(["etag", "x-request-id", "retry-after", "ratelimit", "ratelimit-policy"])
        .max_age(3600);
    if origins.iter().any(|origin| origin == "*") {
        return cors.allow_any_origin();
    }
    origins.iter().fold(cors, |cors, origin| cors.allowed_origin(origin))
}

/// Where the server listens: an address to bind, or a listener bound already
/// (tests bind port 0 and read the port back).
pub enum Listen {
    Address(std::net::SocketAddr),
    Listener(std::net::TcpListener),
}

/// The HTTP server for `state`: actix-http's HTTP/1 service over connections
/// wrapped in [`Edge`] (refusals before routing become problem documents), with
/// actix-web's `HttpServer` defaults (5 s keep-alive, 5 s to send a request head,
/// graceful shutdown closing idle connections). `HttpServer` itself cannot wrap
/// its connections, hence the assembly by hand.
pub fn http_server(state: AppState, listen: Listen) -> Result<actix_server::Server, String> {
    use actix_http::{HttpService, KeepAlive};
    use actix_service::{ServiceFactoryExt, fn_service, map_config};
    use actix_web::dev::AppConfig;
    use actix_web::rt::net::TcpStream;

    let workers = state.config.http_workers;
    // Database work runs on threads of its own, one per pooled connection of the
    // primary and of the replica (`db::threads`). tokio's blocking threads are
    // left with DNS lookups of webhook targets and start-up and shutdown work. The
    // limit is per worker (each worker runtime has its own blocking pool); without
    // one tokio allows 512 per worker.
    let blocking_threads = 2;
    let mut builder =
        actix_server::Server::build().backlog(1024).shutdown_timeout(30).worker_max_blocking_threads(blocking_threads);
    if workers > 0 {
        builder = builder.workers(workers);
    }
    let shutdown = builder.graceful_shutdown_signal();
    let local_addr = match &listen {
        Listen::Address(addr) => *addr,
        Listen::Listener(listener) => {
            listener.local_addr().map_err(|err| format!("cannot read the listener's address: {err}"))?
        }
    };
    let factory = move || {
        let shutdown = shutdown.clone();
        let host = local_addr.to_string();
        let app = map_config(build_app(state.clone()), move |()| {
            // The public constructor actix-web's own test server uses.
            AppConfig::__priv_test_new(false, host.clone(), local_addr)
        });
        let http = HttpService::build()
            .keep_alive(KeepAlive::default())
            .client_request_timeout(std::time::Duration::from_secs(5))
            .client_disconnect_timeout(std::time::Duration::from_secs(1))
            .h1_allow_half_closed(true)
            .local_addr(local_addr)
            .graceful_shutdown_signal(move || {
                let shutdown = shutdown.clone();
                async move { shutdown.notified().await }
            })
            .h1(app);
        fn_service(|io: TcpStream| async move {
            let _ = io.set_nodelay(true);
            let peer = io.peer_addr().ok();
            Ok::<_, actix_http::error::DispatchError>((Edge::new(io), peer))
        })
        .and_then(http)
    };
    let builder = match listen {
        Listen::Address(addr) => builder.bind("outreach", addr, factory),
        Listen::Listener(listener) => builder.listen("outreach", listener, factory),
    }
    .map_err(|err| format!("cannot listen on {local_addr}: {err}"))?;
    Ok(builder.run())
}

/// Runs the HTTP server until SIGTERM or Ctrl-C; in-flight requests finish first.
pub async fn serve(config: Config) -> Result<(), String> {
    let bind_addr = config.bind_addr;
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
    let settings = crate::service::webhook_dispatcher::Settings::from(&*state.config);
    let dispatcher = crate::service::webhook_dispatcher::Dispatcher::start(db.clone(), settings)?;
    let server = http_server(state, Listen::Address(bind_addr))?;
    tracing::info!(address = %bind_addr, "listening; API docs at http://{bind_addr}/docs");
    let served = server.await.map_err(|err| format!("server error: {err}"));
    // Lets the attempts in flight finish and record their outcome.
    web::block(move || dispatcher.stop()).await.map_err(|err| err.to_string())?;
    db.flush_read_audit().await;
    served
}
