//! outreach: the REST API that coordinates the volunteers and outreach work of a
//! nationwide civic campaign across the 20 regional branches of Kazakhstan.
//!
//! The crate is a library so that the integration tests build exactly the same
//! application as the binary does (see [`startup`]).
#![forbid(unsafe_code)]

pub mod api;
pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod dto;
pub mod edge;
pub mod error;
pub mod metrics;
pub mod openapi;
pub mod rate_limit;
pub mod request_context;
pub mod security_headers;
pub mod seed;
pub mod service;
pub mod startup;
pub mod telemetry;
