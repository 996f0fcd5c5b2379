//! Short-lived access tokens: HS256 JWTs with a secret of at least 32 bytes.

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::secret::REFRESH_TOKEN_PREFIX;

use crate::error::{ApiError, ErrorCode};

/// Lifetime of an access token.
pub const ACCESS_TOKEN_TTL_SECS: i64 = 15 * 60;
/// How far ahead of the server's clock a token's `iat` may be (clock skew
/// between instances).
pub const ISSUED_AT_LEEWAY_SECS: i64 = 60;
pub const MIN_SECRET_BYTES: usize = 32;
const SECRET_FILE: &str = "jwt_secret";

/// The claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// Account id.
    pub sub: String,
    pub role: String,
    pub branch: Option<String>,
    pub iat: i64,
    pub exp: i64,
    /// Token id, unique per token.
    pub jti: String,
    /// The account's token epoch when issued; a bumped epoch ends the token.
    pub epoch: i32,
}

pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    /// HMAC-SHA256 keyed with the same secret, for [`Self::refresh_successor`].
    successor: Hmac<Sha256>,
    /// The secret before a rotation (`JWT_PREVIOUS_SECRET`), honoured for a while.
    previous: Option<PreviousKey>,
}

/// A previous signing secret: tokens it signed are still accepted until
/// `until` (Unix seconds), one access-token lifetime after the rotation.
struct PreviousKey {
    decoding: DecodingKey,
    successor: Hmac<Sha256>,
    until: i64,
}

impl JwtKeys {
    pub fn new(secret: &[u8]) -> Self {
        // Only HS256 is accepted: `alg: none` or any other algorithm fails to verify.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 5;
        validation.set_required_spec_claims(&["exp", "iat", "sub"]);
        // HMAC takes a key of any length; the secret has at least 32 bytes.
        let successor = <Hmac<Sha256> as Mac>::new_from_slice(secret).unwrap_or_else(|_| unreachable!());
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            successor,
            previous: None,
        }
    }

    /// Also accepts access tokens signed with `previous` (the secret before a
    /// rotation) while the clock is at most `until` (Unix seconds): the server
    /// passes its start plus one access-token lifetime, so every token issued
    /// before the rotation can live out its life and no token signed with the
    /// old secret is accepted after that, however it was made. Tokens are
    /// always signed with the current secret.
    pub fn with_previous(mut self, previous: &[u8], until: i64) -> Self {
        let successor = <Hmac<Sha256> as Mac>::new_from_slice(previous).unwrap_or_else(|_| unreachable!());
        self.previous = Some(PreviousKey { decoding: DecodingKey::from_secret(previous), successor, until });
        self
    }

    /// A signed token for the claims.
    pub fn sign(&self, claims: &Claims) -> Result<String, ApiError> {
        encode(&Header::new(Algorithm::HS256), claims, &self.encoding).map_err(ApiError::internal)
    }

    /// The refresh token that succeeds `spent` on rotation: derived, not random,
    /// so that a retried rotation gets the same one again without the server
    /// keeping it. Only the server's secret can derive it, so a stolen spent
    /// token does not give away its successor.
    pub fn refresh_successor(&self, spent: &str) -> String {
        successor_with(&self.successor, spent)
    }

    /// The successors `spent` may have been given: by this secret, and by the
    /// previous one while it is honoured (a rotation retried across a secret
    /// rotation gets the successor it was first given).
    pub fn refresh_successors(&self, spent: &str) -> Vec<String> {
        let mut successors = vec![self.refresh_successor(spent)];
        if let Some(previous) =
            self.previous.as_ref().filter(|previous| chrono::Utc::now().timestamp() <= previous.until)
        {
            successors.push(successor_with(&previous.successor, spent));
        }
        successors
    }

    /// The claims of a valid token; 401 for anything else.
    ///
    /// The server bounds a token's life, not the token: one issued in the
    /// future (beyond [`ISSUED_AT_LEEWAY_SECS`]) or living longer than the
    /// server issues ([`ACCESS_TOKEN_TTL_SECS`]) is refused even when correctly
    /// signed, so a leaked secret cannot mint tokens that outlive its rotation.
    ///
    /// A token that verifies only with the previous secret (see
    /// [`Self::with_previous`]) is accepted while that secret is honoured, with
    /// the same bounds.
    pub fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        let now = chrono::Utc::now().timestamp();
        let decoded = match decode::<Claims>(token, &self.decoding, &self.validation) {
            Err(err) if matches!(err.kind(), ErrorKind::InvalidSignature) => {
                match self.previous.as_ref().filter(|previous| now <= previous.until) {
                    Some(previous) => decode::<Claims>(token, &previous.decoding, &self.validation),
                    None => Err(err),
                }
            }
            decoded => decoded,
        };
        let claims = decoded.map(|data| data.claims).map_err(|err| match err.kind() {
            ErrorKind::ExpiredSignature => {
                ApiError::unauthorized(ErrorCode::TokenExpired, "the access token has expired; refresh the session")
            }
            _ => ApiError::unauthorized(ErrorCode::InvalidToken, "the access token is not valid"),
        })?;
        if claims.iat > now.saturating_add(ISSUED_AT_LEEWAY_SECS) {
            return Err(ApiError::unauthorized(ErrorCode::InvalidToken, "the access token is issued in the future"));
        }
        if claims.exp.saturating_sub(claims.iat) > ACCESS_TOKEN_TTL_SECS {
            return Err(ApiError::unauthorized(
                ErrorCode::InvalidToken,
                "the access token lives longer than the server issues tokens for",
            ));
        }
        Ok(claims)
    }
}

fn successor_with(key: &Hmac<Sha256>, spent: &str) -> String {
    let mut mac = key.clone();
    mac.update(b"outreach refresh successor\0");
    mac.update(spent.as_bytes());
    format!("{REFRESH_TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()))
}

/// The signing secret: `JWT_SECRET` when set (at least 32 bytes), else the one
/// stored in the data directory, generated there on first start.
pub fn load_or_create_secret(configured: Option<&str>, data_dir: &Path) -> Result<Vec<u8>, String> {
    if let Some(secret) = configured {
        if secret.len() < MIN_SECRET_BYTES {
            return Err(format!("JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes long"));
        }
        return Ok(secret.as_bytes().to_vec());
    }
    let path = data_dir.join(SECRET_FILE);
    match std::fs::read_to_string(&path) {
        Ok(secret) if secret.trim().len() >= MIN_SECRET_BYTES => return Ok(secret.trim().as_bytes().to_vec()),
        Ok(_) => return Err(format!("{} holds a secret shorter than {MIN_SECRET_BYTES} bytes", path.display())),
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
            return Err(format!("cannot read {}: {err}", path.display()));
        }
        Err(_) => {}
    }
    let secret = super::secret::random_string(48).map_err(|err| err.to_string())?;
    std::fs::create_dir_all(data_dir).map_err(|err| format!("cannot create {}: {err}", data_dir.display()))?;
    write_private(&path, &secret).map_err(|err| format!("cannot write {}: {err}", path.display()))?;
    tracing::warn!(path = %path.display(), "JWT_SECRET not set: generated a signing secret and stored it; set JWT_SECRET to share one across instances");
    Ok(secret.into_bytes())
}

fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(contents.as_bytes())
}
