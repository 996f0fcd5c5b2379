//! Random tokens and their stored form.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::error::ApiError;

/// Prefix of integrator API tokens, so a bearer token is recognisably one of them
/// (JWTs start with `eyJ`).
pub const API_TOKEN_PREFIX: &str = "otk_";
/// Prefix of refresh tokens.
pub const REFRESH_TOKEN_PREFIX: &str = "ort_";

/// `bytes` random bytes from the operating system, base64url-encoded.
pub fn random_string(bytes: usize) -> Result<String, ApiError> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|err| ApiError::internal(format!("no randomness available: {err}")))?;
    Ok(URL_SAFE_NO_PAD.encode(buf))
}

/// A new secret token: the prefix and 256 random bits.
pub fn new_token(prefix: &str) -> Result<String, ApiError> {
    Ok(format!("{prefix}{}", random_string(32)?))
}

/// The form in which tokens are stored and looked up: SHA-256, hex. Tokens carry
/// 256 random bits, so a fast hash is enough (unlike passwords).
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|byte| format!("{byte:02x}")).collect()
}

/// A one-time password people can read aloud and type: 20 characters from an
/// alphabet without look-alikes (no 0/O, 1/l/I), about 115 bits.
pub fn one_time_password() -> Result<String, ApiError> {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    let mut password = String::with_capacity(20);
    while password.len() < 20 {
        let mut buf = [0u8; 32];
        getrandom::fill(&mut buf).map_err(|err| ApiError::internal(format!("no randomness available: {err}")))?;
        // Rejection sampling keeps every character equally likely.
        let limit = u8::MAX - (u8::MAX % ALPHABET.len() as u8);
        for byte in buf.into_iter().filter(|byte| *byte < limit) {
            if password.len() < 20 {
                password.push(char::from(ALPHABET[usize::from(byte) % ALPHABET.len()]));
            }
        }
    }
    Ok(password)
}
