//! Workflows behind the handlers: authorize against the loaded record, apply the
//! rules, write in one transaction together with the audit entry.

pub mod accounts;
pub mod api_tokens;
pub mod applications;
pub mod audit;
pub mod batch;
pub mod branches;
pub mod calendar;
pub mod changes;
pub mod csv_import;
pub mod event_materials;
pub mod events;
pub mod follow_ups;
pub mod hand_outs;
pub mod housekeeping;
pub mod idempotency;
pub mod local_days;
pub mod localities;
pub mod materials;
pub mod materials_report;
pub mod meetings;
pub mod member_organisations;
pub mod organisations;
pub mod poster_coverage;
pub mod poster_csv;
pub mod poster_placements;
pub mod poster_sites;
pub mod progress;
pub mod question_report;
pub mod reports;
pub mod reports_csv;
pub mod retention;
pub mod routes;
pub mod shifts;
pub mod signups;
pub mod social_csv;
pub mod social_posts;
pub mod social_report;
pub mod stock_balances;
pub mod stock_csv;
pub mod stock_movements;
pub mod talking_points;
pub mod visits;
pub mod volunteer_csv;
pub mod volunteers;
pub mod webhook_dispatcher;
pub mod webhook_target;
pub mod webhooks;

use crate::auth::SessionUser;
use crate::db::audit::AuditEvent;

/// The audit entry for `actor` doing `action` to a record.
pub fn audit<'a>(
    actor: &'a SessionUser,
    action: &'a str,
    record_type: &'a str,
    id: &'a str,
    details: Option<String>,
) -> AuditEvent<'a> {
    AuditEvent {
        actor_id: (!actor.is_system()).then_some(actor.account_id.as_str()),
        action,
        record_type,
        record_id: Some(id),
        request_id: actor.request_id.as_deref(),
        details,
    }
}
