//! Resolving a webhook target and checking every address it resolves to (see
//! [`crate::domain::webhook_target`]), off the async workers (the system
//! resolver blocks).

use std::net::{SocketAddr, ToSocketAddrs};

use crate::domain::webhook_target::{AddressPolicy, Refusal, TargetUrl, check_address, parse_url};
use crate::error::{ApiError, ErrorCode};

/// The parsed URL and the address to connect to, once every address the host
/// resolves to passed the check.
pub async fn resolve(url: &str, policy: AddressPolicy) -> Result<(TargetUrl, SocketAddr), Refusal> {
    let target = parse_url(url)?;
    let (host, port) = (target.host.clone(), target.port);
    let resolved = tokio::task::spawn_blocking(move || (host.as_str(), port).to_socket_addrs().map(Vec::from_iter))
        .await
        .map_err(|_| Refusal::Unresolvable(target.host.clone()))?
        .map_err(|_| Refusal::Unresolvable(target.host.clone()))?;
    let Some(first) = resolved.first().copied() else { return Err(Refusal::Unresolvable(target.host.clone())) };
    for address in &resolved {
        check_address(address.ip(), policy)?;
    }
    Ok((target, first))
}

/// A refused target as the 422 that names the field and the rule.
pub fn invalid(field: &str, refusal: &Refusal) -> ApiError {
    let code = match refusal {
        Refusal::NotHttp => ErrorCode::Format,
        Refusal::Credentials => ErrorCode::NotAllowed,
        Refusal::Unresolvable(_) => ErrorCode::Unresolvable,
        Refusal::Address(..) => ErrorCode::ForbiddenAddress,
    };
    ApiError::invalid(field, code, refusal.to_string())
}
