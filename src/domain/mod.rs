//! Rules and types with no actix in them; diesel appears only where a type says how it is stored (see `text_enum`).

pub mod audit_chain;
pub mod bin;
pub mod branch;
pub mod change;
pub mod event;
pub mod geo;
pub mod ids;
pub mod language;
pub mod locality;
pub mod material;
pub mod meeting;
pub mod member_organisation;
pub mod password;
pub mod phone;
pub mod poster;
pub mod retention;
pub mod role;
pub mod route;
pub mod social;
pub mod talking_point;
pub mod text_enum;
pub mod time;
pub mod version;
pub mod visibility;
pub mod volunteer;
