//! The OpenAPI 3.1 document, generated from the handlers' `#[utoipa::path]`
//! attributes as they are registered (see [`crate::api::configure`]).

use actix_web::App;
use actix_web::web::Bytes;
use utoipa::OpenApi;
use utoipa::openapi::path::ParameterIn;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Content, OpenApi as OpenApiDoc, Ref, RefOr, Response};
use utoipa_actix_web::AppExt;

use crate::error::{FieldError, PROBLEM_JSON, Problem};

pub mod pages;
pub mod required;
pub mod route_table;

use route_table::RouteTable;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "outreach API",
        description = "Coordinates the volunteers and outreach work of a nationwide civic campaign: \
volunteers, events and shifts, door-to-door routes, meetings with work collectives, printed materials \
and reporting across the 20 regional branches of Kazakhstan.\n\n\
Every error is an RFC 9457 `application/problem+json` document (schema `Problem`). Its `code` \
(schema `ErrorCode`) is what programs branch on; its `type` resolves to `GET /problems/{slug}`, \
which says what the problem means and what to do about it.",
        license(name = "MIT", identifier = "MIT"),
    ),
    tags(
        (name = "auth", description = "Sign in, token rotation, the caller's own account"),
        (name = "accounts", description = "Logins and their roles (admins; coordinators for volunteer accounts of their branch)"),
        (name = "api tokens", description = "Long-lived tokens for integrators (observer accounts)"),
        (name = "branches", description = "The 20 regional branches"),
        (name = "localities", description = "Districts, towns, rural districts and villages of each branch"),
        (name = "member organisations", description = "Coalition members: parties, associations, unions, the youth wing"),
        (name = "volunteers", description = "Volunteers, their applications and their personal data"),
        (name = "events", description = "Outreach events of every kind, their shifts and calendars"),
        (name = "shifts", description = "Sign-ups, waitlists, attendance, schedules and calendar feeds"),
        (name = "door-to-door", description = "«От двери к двери»: routes, offline packs, batch sync of visits, coverage"),
        (name = "meetings", description = "Work collectives and meetings with them, experts and residents; reports and coverage"),
        (name = "materials", description = "Printed materials: the catalogue, the per-branch stock ledger and its balances"),
        (name = "posters", description = "Poster sites designated by local executive bodies: placements, their status history, offline inspection rounds, coverage"),
        (name = "social media", description = "The campaign's social-media posts, their reach over time, and the report on them"),
        (name = "reports", description = "The campaign at a glance over time: summary, daily or weekly series, the branches side by side, as JSON or CSV"),
        (name = "talking points", description = "The explanatory library (kk/ru, en optional) HQ writes, versions and publishes for the field"),
        (name = "changes", description = "The change feed: every change a replica needs, tombstones included"),
        (name = "webhooks", description = "Signed HTTP callbacks for the change feed's events, their delivery log and redelivery (admins)"),
        (name = "audit", description = "Who did what, when (admins)"),
        (name = "operations", description = "Health probes"),
    ),
    components(schemas(Problem, FieldError))
)]
struct ApiDoc;

/// The spec of everything [`crate::api::configure`] registers.
pub fn spec() -> OpenApiDoc {
    let (_, spec) = App::new().into_utoipa_app().openapi(base()).configure(crate::api::configure).split_for_parts();
    finish(spec)
}

/// The part of the spec that is not collected from the handlers.
pub fn base() -> OpenApiDoc {
    let mut spec = ApiDoc::openapi();
    let bearer = HttpBuilder::new()
        .scheme(HttpAuthScheme::Bearer)
        .bearer_format("JWT")
        .description(Some("An access token from `POST /api/v1/auth/login`, or an integrator API token (`otk_...`)."))
        .build();
    spec.components.get_or_insert_with(Default::default).add_security_scheme("bearer", SecurityScheme::Http(bearer));
    spec
}

/// Completes the collected spec with the error responses every operation shares,
/// so each handler documents only the errors particular to it: 401/403 on
/// secured operations, 413/415/422 on those with a body, 412 on those taking
/// `If-Match`, 400 and 503 everywhere, and
/// the problem+json body on every error response.
pub fn finish(mut spec: OpenApiDoc) -> OpenApiDoc {
    spec.components
        .get_or_insert_with(utoipa::openapi::Components::new)
        .responses
        .insert(TOO_MANY_REQUESTS.to_owned(), RefOr::T(too_many_requests()));
    for (path, item) in spec.paths.paths.iter_mut() {
        // Every API operation is rate limited (see `crate::rate_limit`).
        let limited = path.starts_with("/api/");
        if let Some(get) = item.get.as_mut() {
            conditional_read(get);
        }
        let operations = [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete];
        for operation in operations.into_iter().flatten() {
            let secured = operation.security.as_ref().is_some_and(|security| !security.is_empty());
            let mut shared = vec![("503", "The database is unavailable; retry after `Retry-After` seconds")];
            if secured {
                shared.push(("401", "No, invalid or expired bearer token"));
                shared.push(("403", "The caller's role may not do this"));
            }
            let has_query = operation.parameters.as_ref().is_some_and(|parameters| {
                parameters.iter().any(|parameter| matches!(parameter, RefOr::T(parameter) if matches!(parameter.parameter_in, ParameterIn::Query)))
            });
            // Any URL may carry a query parameter the operation does not document,
            // or a NUL character: both are refused before the handler runs.
            shared.push(match operation.request_body {
                Some(_) => ("400", "Malformed JSON, an undocumented or malformed query parameter, or a NUL in the URL"),
                None => ("400", "An undocumented or malformed query parameter, or a NUL in the URL"),
            });
            if has_query {
                shared.push(("422", "A parameter breaks a rule; `errors` names it"));
            }
            let takes_if_match = operation.parameters.as_ref().is_some_and(|parameters| {
                parameters.iter().any(|parameter| matches!(parameter, RefOr::T(parameter) if matches!(parameter.parameter_in, ParameterIn::Header) && parameter.name.eq_ignore_ascii_case("If-Match")))
            });
            if takes_if_match {
                shared.push((
                    "412",
                    "The record changed since the version in `If-Match` (or `version`); reload and retry",
                ));
            }
            if operation.request_body.is_some() {
                shared.push(("413", "Body too large"));
                shared.push(("415", "Body is not JSON"));
                shared.push(("422", "A field breaks a rule; `errors` names each field and rule"));
            }
            let responses = &mut operation.responses.responses;
            if limited {
                responses
                    .entry("429".to_owned())
                    .or_insert_with(|| RefOr::Ref(Ref::from_response_name(TOO_MANY_REQUESTS)));
            }
            for (status, description) in shared {
                responses.entry(status.to_owned()).or_insert_with(|| RefOr::T(Response::new(description)));
            }
            for (status, response) in responses.iter_mut() {
                if let RefOr::T(response) = response
                    && (status.starts_with('4') || status.starts_with('5'))
                    && response.content.is_empty()
                {
                    let problem = Content::new(Some(Ref::from_schema_name("Problem")));
                    response.content.insert(PROBLEM_JSON.to_owned(), RefOr::T(problem));
                }
            }
        }
    }
    pages::refer_to_items(&mut spec);
    required::require_sent_fields(&mut spec);
    spec
}

/// The name of the shared 429 response.
const TOO_MANY_REQUESTS: &str = "TooManyRequests";

/// The 429 every API operation may answer, with its headers.
fn too_many_requests() -> Response {
    use utoipa::openapi::header::HeaderBuilder;
    use utoipa::openapi::{Object, ResponseBuilder, Type};
    let header = |kind: Type, description: &str| {
        HeaderBuilder::new().schema(Some(Object::with_type(kind))).description(Some(description)).build()
    };
    ResponseBuilder::new()
        .description(
            "Too many requests: the caller (account or API token) or the client address is over its rate limit \
             (or, where the operation says so, too many failed attempts); wait `Retry-After` seconds",
        )
        .header("Retry-After", header(Type::Integer, "Seconds to wait before the next request"))
        .header(
            "RateLimit-Policy",
            header(Type::String, "The limit applied (IETF draft-ietf-httpapi-ratelimit-headers): `\"caller\";q=<requests>;w=<seconds>` or `\"address\";...`"),
        )
        .header(
            "RateLimit",
            header(Type::String, "What is left of it: `\"caller\";r=<remaining>;t=<seconds until full>`; also sent on successful responses"),
        )
        .content(PROBLEM_JSON, Content::new(Some(Ref::from_schema_name("Problem"))))
        .build()
}

/// Every read answers `If-None-Match` (see [`crate::api::conditional`]).
fn conditional_read(operation: &mut utoipa::openapi::path::Operation) {
    use utoipa::openapi::path::ParameterBuilder;
    use utoipa::openapi::{Object, Required, Type};
    let parameters = operation.parameters.get_or_insert_with(Vec::new);
    let documented = parameters.iter().any(
        |parameter| matches!(parameter, RefOr::T(parameter) if parameter.name.eq_ignore_ascii_case("If-None-Match")),
    );
    if !documented {
        let parameter = ParameterBuilder::new()
            .name("If-None-Match")
            .parameter_in(ParameterIn::Header)
            .required(Required::False)
            .description(Some("The `ETag` of the copy the client holds; an unchanged response is `304`"))
            .schema(Some(Object::with_type(Type::String)))
            .build();
        parameters.push(RefOr::T(parameter));
    }
    operation.responses.responses.entry("304".to_owned()).or_insert_with(|| {
        RefOr::T(Response::new("Not modified: `If-None-Match` names the current `ETag` (weak comparison)"))
    });
}

/// The spec as the pretty JSON committed in `openapi/openapi.json`.
pub fn spec_json() -> Result<String, serde_json::Error> {
    spec().to_pretty_json().map(|json| json + "\n")
}

/// The OpenAPI document, built once: served as is, and the route table the
/// 404/405 fallback answers from.
pub struct ApiDocs {
    json: Bytes,
    pub routes: RouteTable,
}

impl ApiDocs {
    pub fn build() -> Result<Self, String> {
        let spec = spec();
        let json = serde_json::to_vec(&spec).map_err(|err| format!("cannot serialise the OpenAPI document: {err}"))?;
        Ok(Self { json: Bytes::from(json), routes: RouteTable::from_spec(&spec) })
    }

    /// The document as served at `/api-docs/openapi.json`.
    pub fn json(&self) -> Bytes {
        self.json.clone()
    }
}
