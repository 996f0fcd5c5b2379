//! Integration tests: the real application, real databases, HTTP in and out.
//!
//! Every test written with [`on_both_databases!`] runs on a fresh SQLite file and,
//! when `TEST_DATABASE_URL` names a PostgreSQL server, on a fresh PostgreSQL
//! database too.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod helpers;

mod audit_chain;
mod auth;
mod authorization;
mod backup;
mod branches;
mod changes;
mod dashboard;
mod distribution;
mod door_to_door;
mod edge;
mod errors;
mod events;
mod factories;
mod follow_ups;
mod http_caching;
mod idempotency;
mod impossible_filters;
mod lists;
mod materials;
mod meetings;
mod migrations;
mod near;
mod openapi;
mod operations;
mod posters;
mod public_feed;
mod question_report;
mod rate_limits;
mod read_replica;
mod reports;
mod retention;
mod security_headers;
mod seed;
mod shifts;
mod social_posts;
mod spec_limits;
mod stock;
mod stored_values;
mod sync_contract;
mod talking_points;
mod test_databases;
mod visit_references;
mod volunteers;
mod webhooks;
