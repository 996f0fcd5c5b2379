//! The dashboard: one static page and its assets for HQ and the branches, served
//! from the binary at `/dashboard` (the files under `dashboard/` are compiled in;
//! nothing is fetched from elsewhere, at run time or build time).
//!
//! Like `/docs` it lives outside `/api/v1` and outside the OpenAPI document: it is
//! a client of the API, not part of it. The page itself needs no token; it signs
//! in through `POST /api/v1/auth/login` (or takes a pasted API token) and reads
//! the reports with it.
//!
//! Every answer carries a strict Content-Security-Policy: the page has no inline
//! script or style, so a script injected through data could not run.

use actix_web::http::header;
use actix_web::{HttpResponse, web};

use crate::error::ApiError;

/// The policy sent with the page and its assets: only this server's own files,
/// no inline code, never framed.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

/// One file of the dashboard, as compiled in.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

const HTML: &str = "text/html; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";

/// Every file under `/dashboard/`; the page is also served at `/dashboard` itself.
const ASSETS: &[Asset] = &[
    Asset { name: "index.html", content_type: HTML, body: include_bytes!("../../dashboard/index.html") },
    Asset { name: "app.css", content_type: "text/css; charset=utf-8", body: include_bytes!("../../dashboard/app.css") },
    Asset { name: "app.js", content_type: JS, body: include_bytes!("../../dashboard/app.js") },
    Asset { name: "api.js", content_type: JS, body: include_bytes!("../../dashboard/api.js") },
    Asset { name: "charts.js", content_type: JS, body: include_bytes!("../../dashboard/charts.js") },
    Asset { name: "dom.js", content_type: JS, body: include_bytes!("../../dashboard/dom.js") },
    Asset { name: "i18n.js", content_type: JS, body: include_bytes!("../../dashboard/i18n.js") },
    Asset { name: "icon.svg", content_type: "image/svg+xml", body: include_bytes!("../../dashboard/icon.svg") },
];

/// Registers `/dashboard`, `/dashboard/` and `/dashboard/{file}` (plain routes,
/// like `/docs`: not in the spec).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/dashboard", web::get().to(page))
        .route("/dashboard/", web::get().to(page))
        .route("/dashboard/{file}", web::get().to(asset));
}

async fn page() -> Result<HttpResponse, ApiError> {
    serve("index.html")
}

async fn asset(file: web::Path<String>) -> Result<HttpResponse, ApiError> {
    serve(&file)
}

fn serve(name: &str) -> Result<HttpResponse, ApiError> {
    let asset = ASSETS
        .iter()
        .find(|asset| asset.name == name)
        .ok_or_else(|| ApiError::NotFound(format!("no resource at /dashboard/{name}")))?;
    Ok(HttpResponse::Ok()
        .content_type(asset.content_type)
        .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        // Revalidated on every load (the conditional-GET layer answers 304 while
        // unchanged), so an upgraded server's page is never mixed with old scripts.
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(asset.body))
}
