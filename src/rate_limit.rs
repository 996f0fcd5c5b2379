//! Request rate limits for the whole API (`/api/...`), per caller and per
//! client address, in this process (see README, "Rate limits").
//!
//! - A request with a valid access token counts against its account
//!   (`caller` policy); one with an API token against that token and against the
//!   client address; anything else (no token, a bad one) against the client
//!   address (`address` policy; the address as throttling sees it, so
//!   `TRUSTED_PROXIES` applies).
//! - Each key has a GCRA bucket (the generic cell rate algorithm: one
//!   timestamp per key): `limit` requests per `window`, all of them available at
//!   once, refilled evenly over the window.
//! - Accounts and API tokens named in `RATE_LIMIT_EXEMPT` are not limited.
//! - Answers carry `RateLimit-Policy` and `RateLimit` (the IETF draft
//!   `draft-ietf-httpapi-ratelimit-headers`); a refusal is a 429 problem with
//!   `Retry-After`.
//! - Memory is bounded: a key whose bucket is full again is worth nothing and
//!   is dropped when its shard grows past [`MAX_KEYS_PER_SHARD`].

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, RandomState};
use std::sync::{Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, ResponseError, web};

use crate::auth::JwtKeys;
use crate::auth::jwt::Claims;
use crate::auth::secret::{API_TOKEN_PREFIX, token_hash};
use crate::config::Config;
use crate::error::ApiError;

const SHARDS: usize = 16;
/// Keys kept per shard before idle ones are evicted.
pub const MAX_KEYS_PER_SHARD: usize = 8192;

pub const RATELIMIT: HeaderName = HeaderName::from_static("ratelimit");
pub const RATELIMIT_POLICY: HeaderName = HeaderName::from_static("ratelimit-policy");

/// `limit` requests per `window`.
#[derive(Debug, Clone, Copy)]
struct Quota {
    limit: u32,
    window: u64,
    /// Nanoseconds one request costs: `window / limit`.
    interval: u64,
}

impl Quota {
    fn new(limit: u32, window: Duration) -> Option<Self> {
        let window = u64::try_from(window.as_nanos()).unwrap_or(u64::MAX);
        (limit > 0).then(|| Self { limit, window, interval: (window / u64::from(limit)).max(1) })
    }
}

/// What a request was told.
#[derive(Debug, Clone, Copy)]
pub struct Decision {
    policy: &'static str,
    quota: Quota,
    remaining: u64,
    /// Seconds until the bucket is full again.
    reset_secs: u64,
    /// Seconds until the next request is allowed, when this one was refused.
    retry_after_secs: Option<u64>,
}

impl Decision {
    fn headers(&self) -> [(HeaderName, Option<HeaderValue>); 2] {
        let window = self.quota.window.div_ceil(1_000_000_000);
        let policy = format!("\"{}\";q={};w={window}", self.policy, self.quota.limit);
        let state = format!("\"{}\";r={};t={}", self.policy, self.remaining, self.reset_secs);
        [(RATELIMIT_POLICY, HeaderValue::from_str(&policy).ok()), (RATELIMIT, HeaderValue::from_str(&state).ok())]
    }
}

/// The limiter of one process.
pub struct RateLimiter {
    per_caller: Option<Quota>,
    per_address: Option<Quota>,
    /// Account ids and API token ids from `RATE_LIMIT_EXEMPT`, and the hashes
    /// of API tokens found to be exempt when they authenticated.
    exempt: RwLock<HashSet<String>>,
    shards: Vec<Mutex<HashMap<String, u64>>>,
    hasher: RandomState,
    started: Instant,
}

impl RateLimiter {
    pub fn new(config: &Config) -> Self {
        let window = Duration::from_secs(u64::from(config.rate_limit_window_secs));
        Self {
            per_caller: Quota::new(config.rate_limit_per_caller, window),
            per_address: Quota::new(config.rate_limit_per_address, window),
            exempt: RwLock::new(config.rate_limit_exempt.iter().map(|entry| entry.trim().to_owned()).collect()),
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
            hasher: RandomState::new(),
            started: Instant::now(),
        }
    }

    /// Whether an account id, API token id or API token hash is exempt.
    pub fn is_exempt(&self, id: &str) -> bool {
        self.exempt.read().unwrap_or_else(PoisonError::into_inner).contains(id)
    }

    /// Exempts an account id, API token id or API token hash (the configured
    /// list is loaded at start; authentication adds the hashes of exempt tokens).
    pub fn exempt(&self, id: &str) {
        self.exempt.write().unwrap_or_else(PoisonError::into_inner).insert(id.to_owned());
    }

    /// Counts one request against `key` (GCRA): allowed while the bucket's
    /// theoretical arrival time stays within one window of now.
    fn charge(&self, policy: &'static str, quota: Quota, key: String) -> Decision {
        let now = u64::try_from(self.started.elapsed().as_nanos()).unwrap_or(u64::MAX);
        let shard = usize::try_from(self.hasher.hash_one(&key) % SHARDS as u64).unwrap_or(0);
        let mut shard = self.shards[shard].lock().unwrap_or_else(PoisonError::into_inner);
        let arrival = shard.get(&key).copied().unwrap_or(now).max(now);
        let next = arrival.saturating_add(quota.interval);
        let secs = |nanos: u64| nanos.div_ceil(1_000_000_000);
        if next - now > quota.window {
            let reset_secs = secs(arrival - now);
            return Decision {
                policy,
                quota,
                remaining: 0,
                reset_secs,
                retry_after_secs: Some(secs(next - quota.window - now).max(1)),
            };
        }
        if !shard.contains_key(&key) && shard.len() >= MAX_KEYS_PER_SHARD {
            // A full bucket needs no entry.
            shard.retain(|_, arrival| *arrival > now);
        }
        if shard.contains_key(&key) || shard.len() < MAX_KEYS_PER_SHARD {
            shard.insert(key, next);
        }
        Decision {
            policy,
            quota,
            remaining: (quota.window - (next - now)) / quota.interval,
            reset_secs: secs(next - now),
            retry_after_secs: None,
        }
    }
}

/// The claims of a request's access token, verified by the rate limiter, so
/// that authentication does not verify the same token again.
#[derive(Debug, Clone)]
pub struct VerifiedClaims(pub Claims);

/// The middleware: counts each `/api/` request and refuses it with 429 when
/// its caller or address is over the limit.
pub async fn rate_limit(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let limiter = req.app_data::<web::Data<RateLimiter>>().cloned();
    let Some(limiter) = limiter.filter(|_| req.path().starts_with("/api/")) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let mut decisions: Vec<Decision> = Vec::with_capacity(2);
    let token = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim().to_owned())
        .filter(|token| !token.is_empty());
    let mut exempt = false;
    let mut by_address = true;
    if let Some(token) = token {
        if token.starts_with(API_TOKEN_PREFIX) {
            let hash = token_hash(&token);
            exempt = limiter.is_exempt(&hash);
            if let (false, Some(quota)) = (exempt, limiter.per_caller) {
                decisions.push(limiter.charge("caller", quota, format!("token:{hash}")));
            }
        } else if let Some(claims) = req.app_data::<web::Data<JwtKeys>>().and_then(|keys| keys.verify(&token).ok()) {
            exempt = limiter.is_exempt(&claims.sub);
            by_address = false;
            if let (false, Some(quota)) = (exempt, limiter.per_caller) {
                decisions.push(limiter.charge("caller", quota, format!("account:{}", claims.sub)));
            }
            req.extensions_mut().insert(VerifiedClaims(claims));
        }
    }
    if by_address
        && !exempt
        && let Some(quota) = limiter.per_address
    {
        let address = crate::request_context::client_address(req.request());
        decisions.insert(0, limiter.charge("address", quota, format!("address:{address}")));
    }
    // The most constraining answer is the one reported.
    let reported =
        decisions.iter().copied().min_by_key(|decision| (decision.retry_after_secs.is_none(), decision.remaining));
    if let Some(refused) = reported.filter(|decision| decision.retry_after_secs.is_some()) {
        let retry_after_secs = refused.retry_after_secs.unwrap_or(1);
        let error = ApiError::TooManyRequests {
            detail: format!(
                "too many requests from this {}; wait {retry_after_secs} s",
                if refused.policy == "caller" { "caller" } else { "address" }
            ),
            retry_after_secs,
        };
        let mut response = req.into_response(error.error_response());
        add_headers(&mut response, &refused);
        return Ok(response.map_into_boxed_body());
    }
    let mut response = next.call(req).await?.map_into_boxed_body();
    if let Some(decision) = reported {
        add_headers(&mut response, &decision);
    }
    Ok(response)
}

fn add_headers<B>(response: &mut ServiceResponse<B>, decision: &Decision) {
    for (name, value) in decision.headers() {
        if let Some(value) = value {
            response.headers_mut().insert(name, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_allows_its_limit_at_once_then_refills_evenly() {
        let limiter = RateLimiter {
            per_caller: None,
            per_address: None,
            exempt: RwLock::default(),
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
            hasher: RandomState::new(),
            started: Instant::now(),
        };
        let quota = Quota::new(3, Duration::from_secs(60)).unwrap();
        let remaining: Vec<u64> = (0..3).map(|_| limiter.charge("caller", quota, "k".into()).remaining).collect();
        assert_eq!(remaining, [2, 1, 0]);
        let refused = limiter.charge("caller", quota, "k".into());
        assert!(matches!(refused.retry_after_secs, Some(19..=20)), "{refused:?}");
        assert_eq!(limiter.charge("caller", quota, "other".into()).remaining, 2);
    }
}
