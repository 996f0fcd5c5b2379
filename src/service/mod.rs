//! Workflows behind the handlers: authorize against the loaded record, apply the
//! rules, write in one transaction together with the audit entry.

pub mod accounts;
pub mod api_tokens;
pub mod branches;
pub mod localities;
pub mod member_organisations;
