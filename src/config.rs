//! Typed settings read from the environment (or the equivalent command-line
//! flags), validated once at start-up.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Args;
use secrecy::SecretString;

use crate::db::DatabaseUrl;

/// Server settings. Every field has an environment variable and a default, listed
/// in README.md.
///
/// Secrets (`JWT_SECRET`, `OUTREACH_ADMIN_PASSWORD`, `METRICS_TOKEN`) are
/// [`SecretString`]s: `{:?}` prints them as `[REDACTED]`, so logging the
/// configuration cannot leak them, and they are zeroed when dropped. The database
/// URL's password is hidden the same way by [`DatabaseUrl`]'s `Debug` and
/// `Display`. `hide_env_values` keeps them out of `--help` too.
#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Database to use: `sqlite://PATH` (embedded, the default) or
    /// `postgres://USER@HOST:PORT/DB`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/outreach.db",
        hide_env_values = true,
        global = true
    )]
    pub database_url: DatabaseUrl,

    /// Optional PostgreSQL streaming replica of `DATABASE_URL` for the reports.
    #[arg(long, env = "DATABASE_READ_URL", hide_env_values = true, global = true)]
    pub database_read_url: Option<DatabaseUrl>,

    /// How far (in seconds) the read replica may lag behind the primary before
    /// reports go to the primary instead.
    #[arg(long, env = "DATABASE_READ_MAX_LAG_SECONDS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(0..=3600), global = true)]
    pub read_max_lag_seconds: u64,

    /// Address and port the HTTP server listens on.
    #[arg(long, env = "BIND_ADDR", default_value = "127.0.0.1:8080", global = true)]
    pub bind_addr: SocketAddr,

    /// Maximum number of pooled database connections (2x the cores is a good value).
    #[arg(long, env = "DATABASE_POOL_SIZE", default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=256), global = true)]
    pub pool_size: u32,

    /// Directory for local state (the embedded database by default, the generated
    /// JWT secret). Created on start.
    #[arg(long, env = "DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,

    /// Comma-separated list of origins allowed by CORS (`*` allows any origin).
    /// Empty: no cross-origin access.
    #[arg(long, env = "CORS_ALLOWED_ORIGINS", default_value = "", global = true)]
    pub cors_allowed_origins: String,

    /// Log filter, e.g. `info` or `outreach=debug,actix_web=info`.
    #[arg(long, env = "LOG_LEVEL", default_value = "info", global = true)]
    pub log_level: String,

    /// Log format: `text` for people, `json` for log collectors.
    #[arg(long, env = "LOG_FORMAT", default_value = "text", value_parser = ["text", "json"], global = true)]
    pub log_format: String,

    /// Secret for signing access tokens (at least 32 bytes). When unset, one is
    /// generated on first start and kept in `DATA_DIR/jwt_secret`; set it when
    /// several instances serve the same database.
    #[arg(long, env = "JWT_SECRET", hide_env_values = true, value_parser = secret, global = true)]
    pub jwt_secret: Option<SecretString>,

    /// The signing secret before a rotation (at least 32 bytes): for one
    /// access-token lifetime after start, access tokens it signed are still
    /// accepted, so a rotation logs nobody out. Remove it after the rotation.
    #[arg(long, env = "JWT_PREVIOUS_SECRET", hide_env_values = true, value_parser = secret, global = true)]
    pub jwt_previous_secret: Option<SecretString>,

    /// Email of the first admin, created at start when no admin exists.
    #[arg(long, env = "OUTREACH_ADMIN_EMAIL", default_value = "admin@outreach.local", global = true)]
    pub admin_email: String,

    /// Password of that first admin. When unset, a one-time password is generated,
    /// printed once in the log, and must be changed at first login.
    #[arg(long, env = "OUTREACH_ADMIN_PASSWORD", hide_env_values = true, value_parser = secret, global = true)]
    pub admin_password: Option<SecretString>,

    /// Comma-separated addresses of reverse proxies / load balancers whose
    /// `X-Forwarded-For` is believed for the client address (throttling).
    #[arg(long, env = "TRUSTED_PROXIES", value_delimiter = ',', global = true)]
    pub trusted_proxies: Vec<std::net::IpAddr>,

    /// When set, `GET /metrics` requires `Authorization: Bearer <this token>`;
    /// when unset it is open (serve it on a private network then).
    #[arg(long, env = "METRICS_TOKEN", hide_env_values = true, value_parser = secret, global = true)]
    pub metrics_token: Option<SecretString>,

    /// Number of HTTP worker threads (0: one per core).
    #[arg(long, env = "HTTP_WORKERS", default_value_t = 0, global = true)]
    pub http_workers: usize,

    /// The address clients reach the API at, e.g. `https://outreach.example.kz`,
    /// for the absolute URLs the API hands out (calendar feeds). When unset, they
    /// are built from the request's own scheme and host.
    #[arg(long, env = "PUBLIC_URL", value_parser = public_url, global = true)]
    pub public_url: Option<String>,

    /// Polling day (`YYYY-MM-DD`): the reports count the days left to it; the
    /// retention period of volunteers' personal data runs from it.
    #[arg(long, env = "POLLING_DAY", global = true)]
    pub polling_day: Option<chrono::NaiveDate>,

    /// Days volunteers' personal data is kept after polling day (or after the
    /// volunteer's record last changed, if later); see `outreach retention`.
    #[arg(long, env = "RETENTION_DAYS", default_value_t = 180, global = true)]
    pub retention_days: u32,

    /// Days the change feed keeps each change (`GET /api/v1/changes`); a cursor
    /// older than that answers 410 and the client resyncs from the lists.
    #[arg(long, env = "CHANGE_RETENTION_DAYS", default_value_t = 90, value_parser = clap::value_parser!(u32).range(1..=3650), global = true)]
    pub change_retention_days: u32,
    /// How often (milliseconds) each server's webhook dispatcher looks for new
    /// changes and due deliveries.
    #[arg(long, env = "WEBHOOK_POLL_INTERVAL_MS", default_value_t = 1000, value_parser = clap::value_parser!(u64).range(10..=60_000), global = true)]
    pub webhook_poll_interval_ms: u64,

    /// Seconds a webhook receiver has to answer one attempt.
    #[arg(long, env = "WEBHOOK_TIMEOUT_SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=120), global = true)]
    pub webhook_timeout_secs: u64,

    /// Attempts of one delivery before it is given up (`failed`).
    #[arg(long, env = "WEBHOOK_MAX_ATTEMPTS", default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=50), global = true)]
    pub webhook_max_attempts: u32,

    /// Wait (milliseconds) after a first failed attempt; doubled after each
    /// further one, up to `WEBHOOK_RETRY_MAX_MS`, a random part of up to half
    /// taken off (jitter).
    #[arg(long, env = "WEBHOOK_RETRY_BASE_MS", default_value_t = 30_000, value_parser = clap::value_parser!(u64).range(1..=86_400_000), global = true)]
    pub webhook_retry_base_ms: u64,

    /// The longest wait (milliseconds) between two attempts.
    #[arg(long, env = "WEBHOOK_RETRY_MAX_MS", default_value_t = 3_600_000, value_parser = clap::value_parser!(u64).range(1..=86_400_000), global = true)]
    pub webhook_retry_max_ms: u64,

    /// Deliveries in a row that ran out of attempts after which a subscription
    /// is turned off (and the turning off audited).
    #[arg(long, env = "WEBHOOK_DISABLE_AFTER", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=10_000), global = true)]
    pub webhook_disable_after: u32,

    /// Allow webhook targets on loopback addresses (127.0.0.0/8, ::1): for tests
    /// and a receiver on the same host.
    #[arg(long, env = "WEBHOOK_ALLOW_LOOPBACK", default_value_t = false, action = clap::ArgAction::Set, value_parser = clap::builder::BoolishValueParser::new(), global = true)]
    pub webhook_allow_loopback: bool,

    /// Allow webhook targets on private networks (10/8, 172.16/12, 192.168/16,
    /// 100.64/10, fc00::/7): for a receiver on the same LAN.
    #[arg(long, env = "WEBHOOK_ALLOW_PRIVATE", default_value_t = false, action = clap::ArgAction::Set, value_parser = clap::builder::BoolishValueParser::new(), global = true)]
    pub webhook_allow_private: bool,

    /// Requests to `/api/` one caller (an account signed in, or an API token)
    /// may make per `RATE_LIMIT_WINDOW_SECS`, in this process; 0 turns the limit off.
    #[arg(long, env = "RATE_LIMIT_PER_CALLER", default_value_t = 1_200_000, global = true)]
    pub rate_limit_per_caller: u32,

    /// Requests to `/api/` one client address may make per window without an
    /// access token (public reads, sign-ins, API tokens too); 0 turns it off.
    #[arg(long, env = "RATE_LIMIT_PER_ADDRESS", default_value_t = 120_000, global = true)]
    pub rate_limit_per_address: u32,

    /// The window of both rate limits, in seconds (1 to 3600).
    #[arg(long, env = "RATE_LIMIT_WINDOW_SECS", default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..=3600), global = true)]
    pub rate_limit_window_secs: u32,

    /// Comma-separated account ids and API token ids exempt from the rate limits
    /// (trusted integrations).
    #[arg(long, env = "RATE_LIMIT_EXEMPT", value_delimiter = ',', global = true)]
    pub rate_limit_exempt: Vec<String>,
}

/// Accepts an absolute `http://` or `https://` URL with a host; drops a trailing `/`.
fn public_url(value: &str) -> Result<String, String> {
    let host = value.strip_prefix("https://").or_else(|| value.strip_prefix("http://"));
    match host {
        Some(rest) if !rest.is_empty() && !rest.starts_with('/') && !rest.contains(['?', '#']) => {
            Ok(value.trim_end_matches('/').to_owned())
        }
        _ => Err("must be an absolute http:// or https:// URL with a host, e.g. https://outreach.example.kz".into()),
    }
}

/// Parses a secret setting straight into a [`SecretString`], so no plain copy
/// outlives parsing.
fn secret(value: &str) -> Result<SecretString, std::convert::Infallible> {
    Ok(SecretString::from(value))
}

impl Config {
    /// A configuration for an embedded database at `database_url`, everything else
    /// at its default. Used by tests and tools.
    pub fn for_database(database_url: DatabaseUrl, data_dir: PathBuf) -> Self {
        Self {
            database_url,
            database_read_url: None,
            read_max_lag_seconds: 10,
            bind_addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            pool_size: 4,
            data_dir,
            cors_allowed_origins: String::new(),
            log_level: "info".into(),
            log_format: "text".into(),
            http_workers: 0,
            jwt_secret: None,
            jwt_previous_secret: None,
            admin_email: "admin@outreach.local".into(),
            admin_password: None,
            trusted_proxies: Vec::new(),
            metrics_token: None,
            public_url: None,
            polling_day: None,
            change_retention_days: 90,
            retention_days: 180,
            rate_limit_per_caller: 1_200_000,
            rate_limit_per_address: 120_000,
            rate_limit_window_secs: 60,
            rate_limit_exempt: Vec::new(),
            webhook_poll_interval_ms: 1000,
            webhook_timeout_secs: 10,
            webhook_max_attempts: 8,
            webhook_retry_base_ms: 30_000,
            webhook_retry_max_ms: 3_600_000,
            webhook_disable_after: 5,
            webhook_allow_loopback: false,
            webhook_allow_private: false,
        }
    }

    /// The non-public webhook targets this deployment allows.
    pub fn webhook_address_policy(&self) -> crate::domain::webhook_target::AddressPolicy {
        crate::domain::webhook_target::AddressPolicy {
            allow_loopback: self.webhook_allow_loopback,
            allow_private: self.webhook_allow_private,
        }
    }

    /// The allowed CORS origins, trimmed, empty entries dropped.
    pub fn cors_origins(&self) -> Vec<String> {
        self.cors_allowed_origins
            .split(',')
            .map(str::trim)
            .filter(|origin| !origin.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_url_is_absolute_without_a_trailing_slash() {
        assert_eq!(public_url("https://outreach.example.kz/").unwrap(), "https://outreach.example.kz");
        assert_eq!(public_url("http://10.0.0.5:8080/api-gw").unwrap(), "http://10.0.0.5:8080/api-gw");
        for bad in ["outreach.example.kz", "ftp://x", "https://", "https:///path", "https://x?a=1"] {
            assert!(public_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn debug_output_shows_no_secret() {
        let url = "postgres://outreach:db-password-6ac1@127.0.0.1:5432/outreach".parse().unwrap();
        let mut config = Config::for_database(url, PathBuf::from("data"));
        config.jwt_secret = Some("jwt-secret-0123456789abcdef0123456789".into());
        config.jwt_previous_secret = Some("jwt-previous-5e1c0123456789abcdef01".into());
        config.admin_password = Some("admin-password-0d5e".into());
        config.metrics_token = Some("metrics-token-77f1".into());
        let debug = format!("{config:?}");
        for secret in
            ["db-password-6ac1", "jwt-secret-0123", "jwt-previous-5e1c", "admin-password-0d5e", "metrics-token-77f1"]
        {
            assert!(!debug.contains(secret), "{secret} in {debug}");
        }
        assert!(debug.contains("postgres://outreach:***@127.0.0.1:5432/outreach"), "{debug}");
        assert!(debug.contains("REDACTED"), "{debug}");
    }
}
