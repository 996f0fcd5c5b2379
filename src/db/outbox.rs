//! The transactional outbox: one row per change a replica cares about, written
//! in the transaction of the change itself, read by the change feed
//! (`GET /api/v1/changes`).
//!
//! Every change that is audited goes through [`super::audit::record`], which
//! calls [`append`]: no write path can forget its outbox row. [`change_of`] maps
//! an audit entry to the change it stands for, or to none (reads, exports,
//! logins, and records the feed does not carry). A few changes are not audited
//! under the record a replica holds (a sign-up changes its event, a volunteer
//! released from every route changes those routes, a cancelled shift cancels
//! its sign-ups): their queries append here themselves
//! ([`super::events::touch`], [`super::meetings::touch`],
//! [`super::routes::unassign_everywhere`], [`super::shifts::cancel_all_for_shift`]
//! and its kin).
//!
//! The row's `seq`, the feed's order, is commit order on both backends: see the
//! migration `2026-12-07-000060_outbox`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::audit::AuditEvent;
use super::schema::{outbox, outbox_state};
use crate::domain::change::{ChangeOperation, ChangeType};
use crate::domain::time::now;

/// One change as stored, with its place in the feed.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct OutboxRow {
    pub seq: Option<i64>,
    pub resource_type: ChangeType,
    pub resource_id: String,
    pub operation: ChangeOperation,
    pub subject_id: Option<String>,
    pub at: NaiveDateTime,
    /// The audit action behind the change, when it was audited (webhooks name
    /// finer events by it).
    pub action: Option<String>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = outbox)]
struct NewChange<'a> {
    resource_type: ChangeType,
    resource_id: &'a str,
    operation: ChangeOperation,
    subject_id: Option<&'a str>,
    at: NaiveDateTime,
    action: Option<&'a str>,
}

/// The change an audit entry stands for: the record's type and id, what
/// happened, and whom it concerns besides the record's readers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change<'a> {
    pub resource_type: ChangeType,
    pub resource_id: &'a str,
    pub operation: ChangeOperation,
    pub subject_id: Option<&'a str>,
    /// The audit action behind it, when there is one.
    pub action: Option<&'a str>,
}

/// The change behind an audit entry, or `None` when a replica has nothing to do
/// with it (a read, an export, a login, a record the feed does not carry).
pub fn change_of<'a>(event: &'a AuditEvent<'a>) -> Option<Change<'a>> {
    let resource_id = event.record_id?;
    let action = event.action;
    if action.ends_with("_listed") || action.ends_with("_viewed") || action.ends_with("_exported") {
        return None;
    }
    let (resource_type, operation) = match event.record_type {
        "volunteer" => (
            ChangeType::Volunteer,
            match action {
                "volunteer_created" | "volunteer_imported" | "application_received" => ChangeOperation::Create,
                "volunteer_anonymised" => ChangeOperation::Anonymise,
                // A repeated application changes nothing.
                "application_duplicate" => return None,
                _ => ChangeOperation::Update,
            },
        ),
        // Shifts added: the event's own touch (`events::touch`) appends it.
        "event" if action == "shifts_added" => return None,
        "event" => (ChangeType::Event, created_or_updated(action, "event_created")),
        "meeting" => (ChangeType::Meeting, created_or_updated(action, "meeting_requested")),
        "route" => (ChangeType::Route, created_or_updated(action, "route_created")),
        "locality" => (ChangeType::Locality, created_updated_or_deleted(action)),
        "member_organisation" => (ChangeType::MemberOrganisation, created_updated_or_deleted(action)),
        "organisation" => (ChangeType::Organisation, created_updated_or_deleted(action)),
        "material" => (ChangeType::Material, created_updated_or_deleted(action)),
        "poster_site" => (ChangeType::PosterSite, created_updated_or_deleted(action)),
        // A status change of a placement is appended by the one query that
        // makes it (`poster_placements::set_status`), inspections included.
        "poster_placement" if action == "poster_placement_created" => {
            (ChangeType::PosterPlacement, ChangeOperation::Create)
        }
        "poster_placement" => return None,
        // A removed post is gone for its readers.
        "social_post" if action == "social_post_removed" => (ChangeType::SocialPost, ChangeOperation::Delete),
        "social_post" => (ChangeType::SocialPost, created_updated_or_deleted(action)),
        "talking_point" => (ChangeType::TalkingPoint, created_updated_or_deleted(action)),
        // A sign-up is a record of its own (`GET /assignments/{id}`) and also
        // changes its event's counts, which `events::touch` appends. Only a
        // first sign-up creates the row: signing up again after a
        // cancellation (`signed_up_again`) takes the same row back.
        "assignment" => (ChangeType::Assignment, created_or_updated(action, "signed_up")),
        // Shifts are part of their event (`events::touch`), a
        // site's posters part of the site (`poster_sites::add_posters`);
        // follow-ups (no `GET` of their own) part of their meeting's report,
        // accounts are no replica's records.
        _ => return None,
    };
    let subject_id = match action {
        "route_unassigned" => event.details.as_deref().and_then(|details| details.strip_prefix("volunteer=")),
        _ => None,
    };
    Some(Change { resource_type, resource_id, operation, subject_id, action: Some(action) })
}

fn created_or_updated(action: &str, created: &str) -> ChangeOperation {
    if action == created { ChangeOperation::Create } else { ChangeOperation::Update }
}

fn created_updated_or_deleted(action: &str) -> ChangeOperation {
    if action.ends_with("_created") || action.ends_with("_imported") {
        ChangeOperation::Create
    } else if action.ends_with("_deleted") {
        ChangeOperation::Delete
    } else {
        ChangeOperation::Update
    }
}

/// Appends the change behind `event`, if any: one INSERT (two for a meeting,
/// which `GET /events` lists as an event too).
pub fn append_audited(conn: &mut DbConn, event: &AuditEvent<'_>) -> QueryResult<()> {
    let Some(change) = change_of(event) else { return Ok(()) };
    append(conn, &change)?;
    if change.resource_type == ChangeType::Meeting {
        append(conn, &Change { resource_type: ChangeType::Event, ..change })?;
    }
    Ok(())
}

/// Appends one change, in the caller's transaction: one INSERT (its seq is
/// given by the database, at commit on PostgreSQL).
pub fn append(conn: &mut DbConn, change: &Change<'_>) -> QueryResult<()> {
    let row = NewChange {
        resource_type: change.resource_type,
        resource_id: change.resource_id,
        operation: change.operation,
        subject_id: change.subject_id,
        at: now(),
        action: change.action,
    };
    diesel::insert_into(outbox::table).values(&row).execute(conn).map(drop)
}

/// Appends an update of each record of `ids`.
pub fn append_updates(conn: &mut DbConn, resource_type: ChangeType, ids: &[&str]) -> QueryResult<()> {
    append_updates_as(conn, resource_type, ids, None)
}

/// Appends an update of each record of `ids`, named by `action` as an audited
/// change would be (webhooks send finer events by it: a sign-up cancelled
/// with its shift is `assignment.cancelled` like one cancelled on its own).
pub fn append_updates_as(
    conn: &mut DbConn,
    resource_type: ChangeType,
    ids: &[&str],
    action: Option<&str>,
) -> QueryResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let at = now();
    let rows: Vec<NewChange<'_>> = ids
        .iter()
        .map(|id| NewChange {
            resource_type,
            resource_id: id,
            operation: ChangeOperation::Update,
            subject_id: None,
            at,
            action,
        })
        .collect();
    insert_many(conn, &rows)
}

/// Appends an update of each route of `route_ids` that concerns `subject`.
pub fn append_route_unassignments(conn: &mut DbConn, route_ids: &[String], subject: &str) -> QueryResult<()> {
    let at = now();
    let rows: Vec<NewChange<'_>> = route_ids
        .iter()
        .map(|id| NewChange {
            resource_type: ChangeType::Route,
            resource_id: id,
            operation: ChangeOperation::Update,
            subject_id: Some(subject),
            at,
            action: Some("route_unassigned"),
        })
        .collect();
    insert_many(conn, &rows)
}

fn insert_many(conn: &mut DbConn, rows: &[NewChange<'_>]) -> QueryResult<()> {
    // One row at a time: SQLite's multi-row insert through the MultiConnection
    // needs a batch form per backend, and these lists are short.
    for row in rows {
        diesel::insert_into(outbox::table).values(row).execute(conn)?;
    }
    Ok(())
}

/// Committed changes after `after` in feed order, at most `limit`, of `types`
/// (all when empty).
pub fn page(conn: &mut DbConn, after: i64, types: &[ChangeType], limit: i64) -> QueryResult<Vec<OutboxRow>> {
    let mut query = outbox::table
        .filter(outbox::seq.gt(after))
        .order(outbox::seq)
        .limit(limit)
        .select(OutboxRow::as_select())
        .into_boxed();
    if !types.is_empty() {
        query = query.filter(outbox::resource_type.eq_any(types.to_vec()));
    }
    query.load(conn)
}

/// The last seq given to a committed change, and the highest that retention removed.
pub fn state(conn: &mut DbConn) -> QueryResult<(i64, i64)> {
    outbox_state::table.find(1).select((outbox_state::last_seq, outbox_state::pruned_through)).first(conn)
}

/// Removes the changes recorded before `before`, remembering the highest seq
/// removed (a cursor below it missed changes: 410). Returns how many went.
pub fn prune(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    conn.transaction(|conn| {
        let newest: Option<i64> =
            outbox::table.filter(outbox::at.lt(before)).select(diesel::dsl::max(outbox::seq)).first(conn)?;
        let Some(newest) = newest else { return Ok(0) };
        let removed = diesel::delete(outbox::table.filter(outbox::seq.le(newest))).execute(conn)?;
        diesel::update(outbox_state::table.find(1).filter(outbox_state::pruned_through.lt(newest)))
            .set(outbox_state::pruned_through.eq(newest))
            .execute(conn)?;
        Ok(removed)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn audited<'a>(action: &'a str, record_type: &'a str, details: Option<&str>) -> AuditEvent<'a> {
        AuditEvent {
            action,
            record_type,
            record_id: Some("id-1"),
            details: details.map(str::to_owned),
            ..Default::default()
        }
    }

    #[test]
    fn reads_exports_and_logins_are_no_changes() {
        for (action, record_type) in [
            ("volunteers_exported", "volunteer"),
            ("volunteer_viewed", "volunteer"),
            ("login", "account"),
            ("account_created", "account"),
            ("application_duplicate", "volunteer"),
            ("poster_placement_changed", "poster_placement"),
            ("poster_inspections_synced", "poster_placement"),
        ] {
            assert_eq!(change_of(&audited(action, record_type, None)), None, "{action}");
        }
    }

    #[test]
    fn anonymisation_deletion_and_unassignment_are_named() {
        let anonymised = audited("volunteer_anonymised", "volunteer", None);
        assert_eq!(change_of(&anonymised).map(|change| change.operation), Some(ChangeOperation::Anonymise));
        let deleted = audited("locality_deleted", "locality", None);
        assert_eq!(change_of(&deleted).map(|change| change.operation), Some(ChangeOperation::Delete));
        let removed = audited("social_post_removed", "social_post", None);
        assert_eq!(change_of(&removed).map(|change| change.operation), Some(ChangeOperation::Delete));
        let imported = audited("poster_site_imported", "poster_site", None);
        assert_eq!(change_of(&imported).map(|change| change.operation), Some(ChangeOperation::Create));
        let unassigned = audited("route_unassigned", "route", Some("volunteer=v-9"));
        let change = change_of(&unassigned).unwrap();
        assert_eq!((change.operation, change.subject_id), (ChangeOperation::Update, Some("v-9")));
    }

    #[test]
    fn a_first_sign_up_creates_an_assignment_and_the_rest_update_it() {
        let signed_up = audited("signed_up", "assignment", Some("waitlisted"));
        let change = change_of(&signed_up).unwrap();
        assert_eq!((change.resource_type, change.operation), (ChangeType::Assignment, ChangeOperation::Create));
        for action in ["signed_up_again", "promoted_from_waitlist", "signup_cancelled", "attendance_marked"] {
            let event = audited(action, "assignment", None);
            let change = change_of(&event).unwrap();
            assert_eq!((change.resource_type, change.operation), (ChangeType::Assignment, ChangeOperation::Update));
            assert_eq!(change.action, Some(action));
        }
    }
}
