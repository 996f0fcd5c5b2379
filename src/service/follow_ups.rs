//! Meeting follow-ups as records of their own: listed across meetings (who owes
//! what, what is overdue) and marked done one by one. Reports create and
//! correct them (see [`super::meetings`]), keeping their ids.

use chrono::Utc;

use crate::auth::{AuthUser, SessionUser};
use crate::db::audit;
use crate::db::follow_ups::{self, FollowUpFilter};
use crate::db::{Db, write_transaction};
use crate::domain::ids::EventId;
use crate::domain::time::now;
use crate::dto::meeting::FollowUpOut;
use crate::error::ApiError;

/// The follow-up as `actor` may see it: owners may name people, so observers
/// get them blank (as in a report).
fn out(actor: &SessionUser, row: crate::db::meetings::FollowUp) -> FollowUpOut {
    let mut out = FollowUpOut::from(row);
    if !actor.visibility().shows_personal_data() {
        out.owner = String::new();
    }
    out
}

/// A page of follow-ups the caller may read: those of meetings it may read
/// (coordinators and volunteers their branch, admins and observers every branch).
pub async fn list(
    db: &Db,
    actor: &AuthUser,
    mut filter: FollowUpFilter,
    limit: i64,
) -> Result<Vec<FollowUpOut>, ApiError> {
    if filter.owner.is_some() && !actor.visibility().shows_personal_data() {
        return Err(ApiError::Forbidden("observers cannot search personal data".into()));
    }
    if actor.role.is_branch_bound() {
        let Some(branch) = actor.list_branch(filter.branch.take()) else { return Ok(Vec::new()) };
        filter.branch = branch;
    }
    filter.today = Some(Utc::now().date_naive());
    let rows = db.run(move |conn| Ok(follow_ups::list(conn, &filter, limit)?)).await?;
    Ok(rows.into_iter().map(|(row, _)| out(actor, row)).collect())
}

/// Marks a follow-up done (staff of the meeting's branch). Marking it again
/// changes nothing. The meeting's version moves on, as for a report change.
pub async fn mark_done(db: &Db, actor: &AuthUser, id: String) -> Result<FollowUpOut, ApiError> {
    let actor = SessionUser::clone(actor);
    db.run(move |conn| {
        write_transaction(conn, |conn| {
            let not_found = || ApiError::not_found(format!("follow-up {id}"));
            let (follow_up, branch) = follow_ups::find(conn, &id)?.ok_or_else(not_found)?;
            if !actor.sees_branch(&branch) {
                return Err(not_found());
            }
            actor.ensure_manages_branch(&branch, format!("follow-up {id}"))?;
            if follow_up.done {
                return Ok(out(&actor, follow_up));
            }
            let meeting: EventId = follow_up.meeting_id.clone();
            crate::db::lock_row(conn, "events", &meeting)?;
            follow_ups::mark_done(conn, &id)?;
            crate::db::meetings::touch(conn, std::slice::from_ref(&meeting), now())?;
            audit::record(conn, super::audit(&actor, "follow_up_done", "follow_up", &id, None))?;
            let (row, _) = follow_ups::find(conn, &id)?.ok_or_else(not_found)?;
            Ok(out(&actor, row))
        })
    })
    .await
}
