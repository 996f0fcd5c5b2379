//! The OpenAPI 3.1 document, generated from the handlers' `#[utoipa::path]`
//! attributes as they are registered (see [`crate::routes::configure`]).

use actix_web::App;
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;

use crate::error::{FieldError, Problem};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "outreach API",
        description = "Coordinates the volunteers and outreach work of a nationwide civic campaign: \
volunteers, events and shifts, door-to-door routes, meetings with work collectives, printed materials \
and reporting across the 20 regional branches of Kazakhstan.\n\n\
Every error is an RFC 9457 `application/problem+json` document (schema `Problem`).",
        license(name = "MIT", identifier = "MIT"),
    ),
    tags(
        (name = "branches", description = "The 20 regional branches"),
        (name = "operations", description = "Health probes"),
    ),
    components(schemas(Problem, FieldError))
)]
struct ApiDoc;

/// The spec of everything [`crate::routes::configure`] registers.
pub fn spec() -> utoipa::openapi::OpenApi {
    let (_, spec) =
        App::new().into_utoipa_app().openapi(ApiDoc::openapi()).configure(crate::routes::configure).split_for_parts();
    spec
}

/// The spec as the pretty JSON committed in `openapi/openapi.json`.
pub fn spec_json() -> Result<String, serde_json::Error> {
    spec().to_pretty_json().map(|json| json + "\n")
}
