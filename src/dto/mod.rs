//! Request and response shapes: serde for the wire, validator for the rules,
//! `ToSchema` for the OpenAPI spec. Row types never leave the data layer.

pub mod account;
pub mod api_token;
pub mod audit;
pub mod auth;
pub mod batch;
pub mod bilingual;
pub mod branch;
pub mod change;
pub mod event;
pub mod follow_up;
pub mod health;
pub mod json;
pub mod locality;
pub mod material;
pub mod meeting;
pub mod member_organisation;
pub mod page;
pub mod poster;
pub mod query_values;
pub mod question_report;
pub mod report;
pub mod route;
pub mod shift;
pub mod social;
pub mod stock;
pub mod talking_point;
pub mod timestamp;
pub mod volunteer;
pub mod volunteer_import;
pub mod webhook;

pub use page::{Page, PageQuery};
