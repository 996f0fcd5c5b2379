//! What answers when no route matches: 405 with `Allow` when the path exists
//! under another method, 404 otherwise. Both as problem documents.

use actix_web::dev::ResourceDef;
use actix_web::http::Method;
use actix_web::{HttpRequest, HttpResponse, web};
use utoipa::openapi::OpenApi;

use crate::error::ApiError;

/// The documented paths and their methods, taken from the generated spec.
/// Each entry: the route, how many `{parameters}` it has, and its methods.
pub struct RouteTable(Vec<(ResourceDef, usize, Vec<Method>)>);

impl RouteTable {
    pub fn from_spec(spec: &OpenApi) -> Self {
        let routes = spec
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let operations = [
                    (Method::GET, item.get.is_some()),
                    (Method::POST, item.post.is_some()),
                    (Method::PUT, item.put.is_some()),
                    (Method::PATCH, item.patch.is_some()),
                    (Method::DELETE, item.delete.is_some()),
                ];
                let methods =
                    operations.into_iter().filter(|(_, present)| *present).map(|(method, _)| method).collect();
                (ResourceDef::new(path.as_str()), path.matches('{').count(), methods)
            })
            .collect();
        Self(routes)
    }

    /// The methods the path accepts, when some documented route matches it. Like
    /// the router, the most specific route wins: `/localities/tree` is not
    /// `/localities/{id}`.
    fn allowed_methods(&self, path: &str) -> Option<Vec<Method>> {
        let matching: Vec<_> = self.0.iter().filter(|(def, _, _)| def.is_match(path)).collect();
        let fewest = matching.iter().map(|(_, parameters, _)| *parameters).min()?;
        let mut allowed: Vec<Method> = matching
            .into_iter()
            .filter(|(_, parameters, _)| *parameters == fewest)
            .flat_map(|(_, _, methods)| methods.iter().cloned())
            .collect();
        allowed.dedup();
        (!allowed.is_empty()).then_some(allowed)
    }
}

/// The default service of the app.
pub async fn no_route(req: HttpRequest, docs: web::Data<crate::startup::ApiDocs>) -> Result<HttpResponse, ApiError> {
    Err(match docs.routes.allowed_methods(req.path()) {
        Some(allowed) => ApiError::MethodNotAllowed { allowed },
        None => ApiError::NotFound(format!("no resource at {}", req.path())),
    })
}
