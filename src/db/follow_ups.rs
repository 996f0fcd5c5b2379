//! Queries on meeting follow-ups as records of their own: the cross-meeting
//! list and marking one done. (A report writes them in [`super::meetings`].)

use chrono::NaiveDate;
use diesel::prelude::*;

use super::DbConn;
use super::meetings::FollowUp;
use super::schema::{events, follow_ups, meetings};

/// Filters of the follow-up list; every one optional.
#[derive(Debug, Default)]
pub struct FollowUpFilter {
    pub branch: Option<String>,
    pub meeting_id: Option<String>,
    /// Exactly this owner.
    pub owner: Option<String>,
    pub done: Option<bool>,
    /// `Some(true)`: open and due before `today`; `Some(false)`: not that.
    pub overdue: Option<bool>,
    pub today: Option<NaiveDate>,
    /// Keyset cursor: after this (due_date, id).
    pub after: Option<(NaiveDate, String)>,
}

/// A page of follow-ups with their meeting's branch, by due date then id.
pub fn list(conn: &mut DbConn, filter: &FollowUpFilter, limit: i64) -> QueryResult<Vec<(FollowUp, String)>> {
    let mut query = follow_ups::table
        .inner_join(meetings::table.inner_join(events::table))
        .order((follow_ups::due_date, follow_ups::id))
        .select((FollowUp::as_select(), events::branch_code))
        .limit(limit)
        .into_boxed();
    if let Some(branch) = &filter.branch {
        query = query.filter(events::branch_code.eq(branch.clone()));
    }
    if let Some(meeting) = &filter.meeting_id {
        query = query.filter(follow_ups::meeting_id.eq(meeting.clone()));
    }
    if let Some(owner) = &filter.owner {
        query = query.filter(follow_ups::owner.eq(owner.clone()));
    }
    if let Some(done) = filter.done {
        query = query.filter(follow_ups::done.eq(done));
    }
    if let (Some(overdue), Some(today)) = (filter.overdue, filter.today) {
        query = if overdue {
            query.filter(follow_ups::done.eq(false).and(follow_ups::due_date.lt(today)))
        } else {
            query.filter(follow_ups::done.eq(true).or(follow_ups::due_date.ge(today)))
        };
    }
    if let Some((due, id)) = &filter.after {
        query = query
            .filter(follow_ups::due_date.gt(*due).or(follow_ups::due_date.eq(*due).and(follow_ups::id.gt(id.clone()))));
    }
    query.load(conn)
}

/// The follow-up and its meeting's branch.
pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<(FollowUp, String)>> {
    follow_ups::table
        .inner_join(meetings::table.inner_join(events::table))
        .filter(follow_ups::id.eq(id))
        .select((FollowUp::as_select(), events::branch_code))
        .first(conn)
        .optional()
}

pub fn mark_done(conn: &mut DbConn, id: &str) -> QueryResult<()> {
    diesel::update(follow_ups::table.find(id)).set(follow_ups::done.eq(true)).execute(conn).map(drop)
}
