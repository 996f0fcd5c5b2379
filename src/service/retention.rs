//! Retention: `outreach retention --dry-run|--apply` anonymises the volunteers
//! whose personal data is past the retention period (see
//! [`RetentionPolicy`]) with the same rule as `POST /volunteers/{id}/anonymise`,
//! and erases the personal fields of their accounts. Statistics stay (the
//! volunteer records, their shifts, visits and counts). Each volunteer is one
//! transaction, audited as `volunteer_anonymised` and `account_erased` with
//! no actor (the server) and the reason in the details.

use chrono::NaiveDateTime;

use crate::auth::SessionUser;
use crate::db::audit::{self, AuditEvent};
use crate::db::{Db, accounts, volunteers, write_transaction};
use crate::domain::ids::VolunteerId;
use crate::domain::retention::RetentionPolicy;
use crate::error::ApiError;

/// Volunteers read per query.
const BATCH: i64 = 500;

/// What a run found, and did when applied.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RetentionOutcome {
    /// The last-change instant before which volunteers are past the period;
    /// `None` while polling day plus the period is still to come.
    pub cutoff: Option<NaiveDateTime>,
    /// The volunteers past the period (anonymised when applied), in id order.
    pub volunteers: Vec<VolunteerId>,
    /// Accounts whose personal fields were erased (applied runs only).
    pub accounts_erased: usize,
}

/// Finds the volunteers past the retention period at `now`; with `apply`,
/// anonymises each and erases its accounts' personal fields. A dry run
/// changes nothing.
pub async fn run(
    db: &Db,
    policy: RetentionPolicy,
    now: NaiveDateTime,
    apply: bool,
) -> Result<RetentionOutcome, ApiError> {
    let Some(cutoff) = policy.cutoff(now) else {
        return Ok(RetentionOutcome::default());
    };
    let mut outcome = RetentionOutcome { cutoff: Some(cutoff), ..RetentionOutcome::default() };
    let mut after: Option<VolunteerId> = None;
    loop {
        let from = after.clone();
        let batch = db.run(move |conn| Ok(volunteers::past_retention(conn, cutoff, from.as_ref(), BATCH)?)).await?;
        let Some(last) = batch.last() else { break };
        after = Some(last.id.clone());
        for volunteer in batch {
            outcome.volunteers.push(volunteer.id.clone());
            if apply {
                outcome.accounts_erased += anonymise_past_retention(db, volunteer.id, policy, cutoff).await?;
            }
        }
    }
    Ok(outcome)
}

/// Anonymises one volunteer (if still past the period when locked) and erases
/// its accounts' personal fields; returns how many accounts were erased.
async fn anonymise_past_retention(
    db: &Db,
    id: VolunteerId,
    policy: RetentionPolicy,
    cutoff: NaiveDateTime,
) -> Result<usize, ApiError> {
    db.run(move |conn| {
        write_transaction(conn, |conn| {
            let Some(current) = volunteers::find(conn, &id)? else { return Ok(0) };
            if current.anonymised_at.is_some() || current.updated_at >= cutoff {
                return Ok(0);
            }
            let system = SessionUser::system();
            crate::service::volunteers::anonymise_loaded(conn, &system, current)?;
            let reason = format!("retention: {} days after polling day {}", policy.days, policy.polling_day);
            let at = crate::domain::time::now();
            let linked = accounts::linked_to_volunteer(conn, &id)?;
            for account in &linked {
                accounts::erase_personal(conn, &account.id, at)?;
                audit::record(
                    conn,
                    AuditEvent {
                        actor_id: None,
                        action: "account_erased",
                        record_type: "account",
                        record_id: Some(account.id.as_str()),
                        request_id: None,
                        details: Some(reason.clone()),
                    },
                )?;
            }
            Ok(linked.len())
        })
    })
    .await
}
