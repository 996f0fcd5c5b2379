//! The default service: 405 with `Allow` when the path exists under another
//! method, 404 when no route matches (see [`crate::openapi::route_table`]).

use actix_web::{HttpRequest, HttpResponse, web};

use crate::error::ApiError;
use crate::openapi::ApiDocs;

/// The default service of the app.
pub async fn no_route(req: HttpRequest, docs: web::Data<ApiDocs>) -> Result<HttpResponse, ApiError> {
    Err(match docs.routes.allowed_methods(req.path()) {
        Some(allowed) => ApiError::MethodNotAllowed { allowed },
        None => ApiError::NotFound(format!("no resource at {}", req.path())),
    })
}
