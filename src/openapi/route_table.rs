//! The documented routes, taken from the generated spec, and what they decide
//! before any handler runs: 405 with `Allow` when the path exists under another
//! method, 404 when no route matches, 400 for a query parameter the operation
//! does not document (a misspelt filter must not silently list everything).

use actix_web::dev::ResourceDef;
use actix_web::http::Method;
use actix_web::web;
use utoipa::openapi::path::ParameterIn;
use utoipa::openapi::{OpenApi, RefOr};

use crate::error::{ApiError, ErrorCode, FieldError};

/// The documented paths, taken from the generated spec.
pub struct RouteTable(Vec<DocumentedPath>);

struct DocumentedPath {
    route: ResourceDef,
    /// How many `{parameters}` the path has: the fewer, the more specific.
    path_parameters: usize,
    operations: Vec<DocumentedOperation>,
}

struct DocumentedOperation {
    method: Method,
    query_parameters: Vec<String>,
}

impl RouteTable {
    pub fn from_spec(spec: &OpenApi) -> Self {
        let routes = spec
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let operations = [
                    (Method::GET, &item.get),
                    (Method::POST, &item.post),
                    (Method::PUT, &item.put),
                    (Method::PATCH, &item.patch),
                    (Method::DELETE, &item.delete),
                ];
                let operations = operations
                    .into_iter()
                    .filter_map(|(method, operation)| {
                        let operation = operation.as_ref()?;
                        let query_parameters = operation
                            .parameters
                            .iter()
                            .chain(&item.parameters)
                            .flatten()
                            .filter_map(|parameter| match parameter {
                                RefOr::T(parameter) => Some(parameter),
                                RefOr::Ref(_) => None, // the code generates none
                            })
                            .filter(|parameter| matches!(parameter.parameter_in, ParameterIn::Query))
                            .map(|parameter| parameter.name.clone())
                            .collect();
                        Some(DocumentedOperation { method, query_parameters })
                    })
                    .collect();
                DocumentedPath {
                    route: ResourceDef::new(path.as_str()),
                    path_parameters: path.matches('{').count(),
                    operations,
                }
            })
            .collect();
        Self(routes)
    }

    /// The operations of the documented path that matches, if any. Like the
    /// router, the most specific route wins: `/localities/tree` is not
    /// `/localities/{id}`.
    fn operations(&self, path: &str) -> impl Iterator<Item = &DocumentedOperation> {
        let matching: Vec<_> = self.0.iter().filter(|documented| documented.route.is_match(path)).collect();
        let fewest = matching.iter().map(|documented| documented.path_parameters).min();
        matching
            .into_iter()
            .filter(move |documented| Some(documented.path_parameters) == fewest)
            .flat_map(|documented| &documented.operations)
    }

    /// The methods the path accepts, when some documented route matches it.
    pub fn allowed_methods(&self, path: &str) -> Option<Vec<Method>> {
        let mut allowed: Vec<Method> = self.operations(path).map(|operation| operation.method.clone()).collect();
        allowed.dedup();
        (!allowed.is_empty()).then_some(allowed)
    }

    /// A 400 naming the first query parameter the operation does not document.
    /// Paths and methods the spec does not know are left to the router.
    pub fn check_query(&self, method: &Method, path: &str, query: &str) -> Result<(), ApiError> {
        if query.is_empty() {
            return Ok(());
        }
        let Some(operation) = self.operations(path).find(|operation| operation.method == method) else {
            return Ok(());
        };
        let Ok(pairs) = web::Query::<Vec<(String, String)>>::from_query(query) else {
            return Ok(()); // the handler's own extractor reports a malformed query
        };
        match pairs.0.into_iter().find(|(name, _)| !operation.query_parameters.contains(name)) {
            None => Ok(()),
            Some((name, _)) => {
                let known = operation.query_parameters.join(", ");
                let known = if known.is_empty() { "none".to_owned() } else { known };
                Err(ApiError::BadRequest {
                    detail: format!("unknown query parameter `{name}`; this operation accepts: {known}"),
                    errors: vec![FieldError::new(
                        if name.is_empty() { "query".to_owned() } else { format!("query.{name}") },
                        ErrorCode::UnknownParameter,
                        format!("not a query parameter of this operation (accepted: {known})"),
                    )],
                })
            }
        }
    }
}
