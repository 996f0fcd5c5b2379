//! iCalendar (RFC 5545) feeds: a volunteer's shifts at a secret URL, and a
//! branch's public events. Times are UTC; UIDs are stable so calendar apps update
//! entries in place; cancelled entries carry `STATUS:CANCELLED`.

use std::collections::HashMap;

use crate::domain::ids::AccountId;
use chrono::TimeDelta;
use diesel::prelude::*;
use icalendar::{Calendar, Component, EventLike, EventStatus as IcalStatus};

use crate::auth::SessionUser;
use crate::auth::secret::{new_token, token_hash};
use crate::db::events::{self, EventFilter};
use crate::db::schema::calendar_tokens;
use crate::db::{Db, accounts, branches, shifts, write_transaction};
use crate::domain::event::{AssignmentStatus, EventStatus};
use crate::domain::role::Role;
use crate::domain::time::now;
use crate::error::ApiError;

pub const CALENDAR_TOKEN_PREFIX: &str = "oct_";

/// Creates (or replaces) the caller's feed token; returns the token.
pub async fn issue_token(db: &Db, user: &SessionUser) -> Result<String, ApiError> {
    if user.role != Role::Volunteer || user.volunteer_id.is_none() {
        return Err(ApiError::Forbidden("calendar feeds are for volunteers' own schedules".into()));
    }
    let token = new_token(CALENDAR_TOKEN_PREFIX)?;
    let (account_id, hash) = (user.account_id.clone(), token_hash(&token));
    db.run(move |conn| {
        write_transaction(conn, |conn| {
            diesel::delete(calendar_tokens::table.find(&account_id)).execute(conn)?;
            diesel::insert_into(calendar_tokens::table)
                .values((
                    calendar_tokens::account_id.eq(&account_id),
                    calendar_tokens::token_hash.eq(&hash),
                    calendar_tokens::created_at.eq(now()),
                ))
                .execute(conn)?;
            Ok(())
        })
    })
    .await?;
    Ok(token)
}

pub async fn revoke_token(db: &Db, user: &SessionUser) -> Result<(), ApiError> {
    let account_id = user.account_id.clone();
    db.run(move |conn| Ok(diesel::delete(calendar_tokens::table.find(&account_id)).execute(conn).map(drop)?)).await
}

fn ical_status(event_status: EventStatus, assignment_status: Option<AssignmentStatus>) -> IcalStatus {
    let cancelled = event_status == EventStatus::Cancelled || assignment_status == Some(AssignmentStatus::Cancelled);
    if cancelled {
        IcalStatus::Cancelled
    } else if assignment_status == Some(AssignmentStatus::Waitlisted) {
        IcalStatus::Tentative
    } else {
        IcalStatus::Confirmed
    }
}

/// The volunteer's shifts, as iCalendar text; 404 for an unknown or revoked token.
pub async fn volunteer_feed(db: &Db, token: String) -> Result<String, ApiError> {
    let hash = token_hash(&token);
    let rows = db
        .run(move |conn| {
            let not_found = || ApiError::not_found("calendar");
            let account_id: AccountId = calendar_tokens::table
                .filter(calendar_tokens::token_hash.eq(&hash))
                .select(calendar_tokens::account_id)
                .first(conn)
                .optional()?
                .ok_or_else(not_found)?;
            let account = accounts::find(conn, &account_id)?.filter(|account| account.active).ok_or_else(not_found)?;
            let volunteer_id = account.volunteer_id.ok_or_else(not_found)?;
            Ok(shifts::schedule_of(conn, &volunteer_id, Some(now() - TimeDelta::days(90)), None)?)
        })
        .await?;
    let mut calendar = Calendar::new();
    calendar.name("outreach: my shifts");
    for (assignment, shift, event) in rows {
        let mut entry = icalendar::Event::new();
        entry
            .uid(&format!("assignment-{}@outreach", assignment.id))
            .summary(&event.title)
            .starts(shift.starts_at.and_utc())
            .ends(shift.ends_at.and_utc())
            .timestamp(assignment.updated_at.and_utc())
            .status(ical_status(event.status, Some(assignment.status)));
        if let Some(place) = event.address.as_deref().or(event.venue.as_deref()) {
            entry.location(place);
        }
        if let Some(description) = &event.description {
            entry.description(description);
        }
        calendar.push(entry.done());
    }
    Ok(calendar.done().to_string())
}

/// A branch's scheduled, completed and cancelled events (from 30 days ago on),
/// one entry per shift: a long event staffed in daily shifts shows as those
/// shifts, not as one block across weeks.
pub async fn branch_feed(db: &Db, code: String) -> Result<String, ApiError> {
    let (branch, events, shifts) = db
        .run(move |conn| {
            let branch = branches::find(conn, &code)?.ok_or_else(|| ApiError::not_found(format!("branch {code}")))?;
            let filter = EventFilter {
                branch: Some(code.clone()),
                exclude_status: Some(EventStatus::Draft),
                from: Some(now() - TimeDelta::days(30)),
                ..Default::default()
            };
            let events = events::list(conn, &filter, 2000)?;
            let ids: Vec<_> = events.iter().map(|event| event.id.clone()).collect();
            let shifts = shifts::for_events(conn, &ids)?;
            Ok((branch, events, shifts))
        })
        .await?;
    let events: HashMap<_, _> = events.iter().map(|event| (&event.id, event)).collect();
    let mut calendar = Calendar::new();
    calendar.name(&format!("outreach: {}", branch.name_ru));
    for shift in &shifts {
        let Some(event) = events.get(&shift.event_id) else { continue };
        let mut entry = icalendar::Event::new();
        entry
            .uid(&format!("shift-{}@outreach", shift.id))
            .summary(&event.title)
            .starts(shift.starts_at.and_utc())
            .ends(shift.ends_at.and_utc())
            .timestamp(event.updated_at.max(shift.updated_at).and_utc())
            .status(if shift.cancelled_at.is_some() { IcalStatus::Cancelled } else { ical_status(event.status, None) });
        if let Some(place) = event.address.as_deref().or(event.venue.as_deref()) {
            entry.location(place);
        }
        calendar.push(entry.done());
    }
    Ok(calendar.done().to_string())
}
