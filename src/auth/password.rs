//! argon2id password hashing. Callers run these on the blocking pool: a hash costs
//! tens of milliseconds of CPU by design.

use std::sync::OnceLock;
use std::time::Duration;

use tokio::sync::Semaphore;

use argon2::password_hash::phc::PasswordHash;
use argon2::{Argon2, PasswordHasher, PasswordVerifier};

use crate::error::ApiError;

pub fn hash(password: &str) -> Result<String, ApiError> {
    let hash: PasswordHash = Argon2::default()
        .hash_password(password.as_bytes())
        .map_err(|err| ApiError::internal(format!("argon2: {err}")))?;
    Ok(hash.to_string())
}

/// At most this many hashes run at once, whatever the request load: each needs
/// about 19 MiB and tens of milliseconds of a core.
static HASHING_SLOTS: Semaphore = Semaphore::const_new(4);
/// How long a request waits for a hashing slot before answering 503.
const HASHING_WAIT: Duration = Duration::from_secs(10);

/// Runs `work` (a hash or a verification) on the blocking pool once a hashing
/// slot is free.
async fn with_hashing_slot<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, ApiError> {
    let _slot = tokio::time::timeout(HASHING_WAIT, HASHING_SLOTS.acquire())
        .await
        .map_err(|_| ApiError::unavailable("every password-hashing slot stayed busy"))?
        .map_err(ApiError::internal)?;
    actix_web::web::block(work).await.map_err(ApiError::internal)
}

/// [`hash`], bounded and off the async workers.
pub async fn hash_bounded(password: String) -> Result<String, ApiError> {
    with_hashing_slot(move || hash(&password)).await?
}

/// [`verify`], bounded and off the async workers.
pub async fn verify_bounded(password: String, stored: Option<String>) -> Result<bool, ApiError> {
    with_hashing_slot(move || verify(&password, stored.as_deref())).await
}

/// Whether `password` matches `stored`. With no stored hash (unknown account) a
/// dummy hash is checked anyway, so both failures take the same time.
pub fn verify(password: &str, stored: Option<&str>) -> bool {
    static DUMMY: OnceLock<String> = OnceLock::new();
    match stored {
        Some(stored) => matches(password, stored),
        None => {
            let dummy = DUMMY.get_or_init(|| hash("outreach-dummy-password-for-timing").unwrap_or_default());
            let _ = matches(password, dummy);
            false
        }
    }
}

fn matches(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let stored = hash("correct horse battery").unwrap();
        assert!(stored.starts_with("$argon2id$"), "{stored}");
        assert!(verify("correct horse battery", Some(&stored)));
        assert!(!verify("correct horse battery!", Some(&stored)));
        assert!(!verify("correct horse battery", None));
    }
}
