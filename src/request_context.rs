//! The outermost middleware: gives every request an id, logs it, and makes sure
//! every error response is a complete problem document.
//!
//! - `X-Request-Id` is echoed when the client sent a sensible one, generated
//!   (UUID v7) otherwise, and returned on every response.
//! - Error responses built by [`ApiError`] get the request id and path filled in;
//!   any other 4xx/5xx (from actix itself or a library) is replaced by a generic
//!   problem of the same status, so no client ever sees a plain-text error.
//! - Internal errors are logged here, with their cause, under the request id.

use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};
use tracing::Instrument;

use crate::error::{ApiError, ErrorCode, PROBLEM_JSON, Problem};

pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// The id of the current request, available to handlers as request data.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

impl actix_web::FromRequest for RequestId {
    type Error = Error;
    type Future = std::future::Ready<Result<Self, Error>>;

    fn from_request(req: &actix_web::HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let id =
            req.extensions().get::<RequestId>().cloned().unwrap_or_else(|| RequestId(uuid::Uuid::now_v7().to_string()));
        std::future::ready(Ok(id))
    }
}

/// The address a request came from, for throttling: the TCP peer, or, when the
/// peer is a trusted proxy, the nearest untrusted hop of `X-Forwarded-For`.
/// IPv6 clients are keyed by their /64, which one subscriber usually holds whole.
pub fn client_address(req: &actix_web::HttpRequest) -> String {
    use std::net::IpAddr;
    let trusted: &[IpAddr] = req
        .app_data::<actix_web::web::Data<crate::config::Config>>()
        .map(|config| config.trusted_proxies.as_slice())
        .unwrap_or(&[]);
    let mut address = req.peer_addr().map(|addr| addr.ip());
    if address.is_some_and(|peer| trusted.contains(&peer)) {
        let forwarded = req.headers().get("x-forwarded-for").and_then(|value| value.to_str().ok()).unwrap_or_default();
        let hops = forwarded.rsplit(',').filter_map(|hop| hop.trim().parse::<IpAddr>().ok());
        if let Some(client) = hops.into_iter().find(|hop| !trusted.contains(hop)) {
            address = Some(client);
        }
    }
    match address {
        Some(IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Some(v4) => v4.to_string(),
        None => "unknown".into(),
    }
}

/// An id from the client is kept only when it is short and plain, so it can be
/// logged and echoed safely.
fn client_request_id(req: &ServiceRequest) -> Option<String> {
    let value = req.headers().get(&REQUEST_ID_HEADER)?.to_str().ok()?;
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':');
    (!value.is_empty() && value.len() <= 128 && value.chars().all(plain)).then(|| value.to_owned())
}

pub async fn request_context(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let request_id = client_request_id(&req).unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    req.extensions_mut().insert(RequestId(request_id.clone()));
    // The request must not be cloned before routing (actix needs sole ownership
    // to record path parameters), so keep what the log and the problem need.
    let method = req.method().clone();
    let path = req.path().to_owned();
    let span = tracing::info_span!("request", request_id = %request_id);
    let metrics = req.app_data::<actix_web::web::Data<crate::metrics::Metrics>>().cloned();
    let started = Instant::now();

    let response = if let Some(err) = refused(&req) {
        req.into_response(actix_web::ResponseError::error_response(&err)).map_into_boxed_body()
    } else if let Err(err) = check_url(&req) {
        req.into_response(actix_web::ResponseError::error_response(&err)).map_into_boxed_body()
    } else {
        match next.call(req).instrument(span.clone()).await {
            Ok(response) => response.map_into_boxed_body(),
            // Only a middleware (CORS) fails this way; actix renders the error itself.
            Err(err) => {
                let status = err.as_response_error().status_code();
                return Err(ApiError::from_status(status, err.to_string()).into());
            }
        }
    };
    let mut response = complete_problem(response, &path, &request_id);
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }

    let elapsed = started.elapsed();
    if let Some(metrics) = metrics {
        let route = response.request().match_pattern();
        metrics.observe(method.as_str(), route.as_deref(), response.status().as_u16(), elapsed);
    }
    let _entered = span.enter();
    tracing::info!(
        method = %method,
        path = %path,
        status = response.status().as_u16(),
        elapsed_ms = elapsed.as_secs_f64() * 1000.0,
        "request handled"
    );
    Ok(response)
}

/// A request the connection layer refused before routing ([`crate::edge`]): it
/// stands for the refused one and is answered without being routed.
fn refused(req: &ServiceRequest) -> Option<ApiError> {
    use crate::edge::{MAX_REQUEST_HEAD, MAX_REQUEST_LINE, REFUSED_HEADER};
    use actix_web::http::StatusCode;
    let status = req.headers().get(REFUSED_HEADER)?;
    Some(match status.as_bytes() {
        b"414" => ApiError::Refused {
            status: StatusCode::URI_TOO_LONG,
            detail: format!("the request line is longer than {MAX_REQUEST_LINE} bytes"),
            errors: vec![crate::error::FieldError::new(
                "url",
                ErrorCode::Length,
                format!("at most {MAX_REQUEST_LINE} bytes for the method, URL and version"),
            )],
        },
        b"431" => ApiError::Refused {
            status: StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            detail: format!("the request's header fields exceed {MAX_REQUEST_HEAD} bytes or 96 fields"),
            errors: vec![crate::error::FieldError::new(
                "headers",
                ErrorCode::Length,
                format!("at most {MAX_REQUEST_HEAD} bytes and 96 fields"),
            )],
        },
        _ => ApiError::BadRequest {
            detail: "the request head cannot be parsed (request line, header fields or message framing)".into(),
            errors: Vec::new(),
        },
    })
}

/// What is wrong with the URL whatever the route: a NUL character can reach no
/// stored text (PostgreSQL refuses it), and a query parameter the operation does
/// not document would be silently ignored by its handler.
fn check_url(req: &ServiceRequest) -> Result<(), ApiError> {
    if req.uri().to_string().to_ascii_lowercase().contains("%00") {
        return Err(ApiError::BadRequest {
            detail: "the request URL contains a NUL character (%00)".into(),
            errors: vec![crate::error::FieldError::new("url", ErrorCode::NulCharacter, "%00 is not allowed")],
        });
    }
    match req.app_data::<actix_web::web::Data<crate::openapi::ApiDocs>>() {
        Some(docs) => docs.routes.check_query(req.method(), req.path(), req.query_string()),
        None => Ok(()),
    }
}

fn complete_problem(response: ServiceResponse<BoxBody>, path: &str, request_id: &str) -> ServiceResponse<BoxBody> {
    let status = response.status();
    if !status.is_client_error() && !status.is_server_error() {
        return response;
    }
    let mut problem = response.response().extensions().get::<Problem>().cloned().unwrap_or_else(|| {
        let detail = response.response().error().map(ToString::to_string).unwrap_or_default();
        let mut problem = Problem::for_status(status, status.canonical_reason().unwrap_or("error"));
        if status.is_server_error() {
            problem.internal_cause = Some(detail);
        } else if !detail.is_empty() {
            problem.detail = detail;
        }
        problem
    });
    if status.is_server_error() {
        tracing::error!(
            request_id,
            status = status.as_u16(),
            cause = problem.internal_cause.as_deref().unwrap_or("unknown"),
            "request failed"
        );
        if status == actix_web::http::StatusCode::INTERNAL_SERVER_ERROR {
            // Whatever produced it, a 500 says nothing about its cause.
            problem = Problem::for_status(status, "an internal error occurred; quote the request id when reporting it");
        }
    }
    problem.instance = path.to_owned();
    problem.request_id = request_id.to_owned();
    let body = serde_json::to_vec(&problem).unwrap_or_default();
    response.map_body(|head, _| {
        head.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        head.headers.remove(header::CONTENT_LENGTH);
        BoxBody::new(body)
    })
}
