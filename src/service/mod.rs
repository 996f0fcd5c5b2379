//! Workflows behind the handlers: authorize against the loaded record, apply the
//! rules, write in one transaction together with the audit entry.

pub mod accounts;
pub mod api_tokens;
pub mod applications;
pub mod branches;
pub mod calendar;
pub mod events;
pub mod idempotency;
pub mod localities;
pub mod meetings;
pub mod member_organisations;
pub mod organisations;
pub mod progress;
pub mod routes;
pub mod signups;
pub mod visits;
pub mod volunteer_csv;
pub mod volunteers;
