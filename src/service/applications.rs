//! The public recruitment form and the coordinators' decisions on it.

use crate::auth::password::PasswordHasher;
use crate::domain::ids::{ShiftId, VolunteerId};
use crate::domain::visibility::Visibility;
use chrono::TimeDelta;

use crate::auth::{AuthUser, SessionUser};
use crate::db::audit::{self, AuditEvent};
use crate::db::{Db, DbConn, events, shifts, throttle_events, write_transaction};
use crate::domain::event::EventStatus;
use crate::domain::role::Role;
use crate::domain::time::{now, utc};
use crate::domain::volunteer::{VolunteerSource, VolunteerStatus};
use crate::dto::account::AccountWithPassword;
use crate::dto::volunteer::{ApplicationReceipt, ApprovalOut, ApproveApplication, VolunteerApplication, VolunteerOut};
use crate::error::{ApiError, ErrorCode};
use crate::service::accounts::{NewAccountSpec, insert_new_account, one_time_credentials};
use crate::service::signups;
use crate::service::volunteers::{DraftInput, Inserted, decide_application, draft, insert_draft};

/// Applications accepted per client address within the window.
pub const MAX_APPLICATIONS_PER_ADDRESS: usize = 10;
pub const APPLICATION_WINDOW: TimeDelta = TimeDelta::hours(1);

/// Records an application as an `applicant` in the chosen branch. The answer is
/// the same whether or not the phone was known (a known phone stores nothing),
/// so the form cannot be used to find out who volunteers. Runs in the caller's
/// write transaction: the idempotent request's, with its key's claim and stored
/// response.
pub fn apply(
    conn: &mut DbConn,
    input: VolunteerApplication,
    client_address: &str,
    request_id: Option<&str>,
) -> Result<ApplicationReceipt, ApiError> {
    let draft = draft(DraftInput {
        branch: input.branch.clone(),
        locality_id: input.locality_id.clone(),
        full_name: &input.full_name,
        phone: &input.phone,
        foreign_phone: false,
        email: input.email.as_deref(),
        birth_date: input.birth_date,
        languages: &input.languages,
        skills: &input.skills,
        member_organisation_id: None,
        youth_wing: input.youth_wing,
        availability: input.availability.as_deref(),
        status: VolunteerStatus::Applicant,
        consent: &input.consent,
        guardian_consent: input.guardian_consent.as_ref(),
        source: VolunteerSource::Application,
    })?;
    if let Some(shift_id) = &input.shift_id {
        ensure_requestable(conn, &input.branch, shift_id)?;
    }
    let throttle_key = format!("application:{client_address}");
    let at = now();
    throttle_events::lock_key(conn, &throttle_key)?;
    let recent = throttle_events::recent(conn, &throttle_key, at - APPLICATION_WINDOW)?;
    if recent.len() >= MAX_APPLICATIONS_PER_ADDRESS {
        let oldest = recent[recent.len() - MAX_APPLICATIONS_PER_ADDRESS];
        return Err(ApiError::TooManyRequests {
            detail: "too many applications from this address; try again later".into(),
            retry_after_secs: (oldest + APPLICATION_WINDOW - at).num_seconds().max(1).unsigned_abs(),
        });
    }
    throttle_events::record(conn, &throttle_key, at)?;
    let (reference, action, record_id) = match insert_draft(conn, draft)? {
        Inserted::Created(volunteer) => {
            if let Some(shift_id) = &input.shift_id {
                shifts::request(conn, &volunteer.id, shift_id, at)?;
            }
            (volunteer.id.clone(), "application_received", Some(volunteer.id))
        }
        Inserted::Duplicate(existing) => (VolunteerId::new(), "application_duplicate", Some(existing.id)),
    };
    audit::record(
        conn,
        AuditEvent {
            action,
            record_type: "volunteer",
            record_id: record_id.as_deref(),
            request_id,
            ..Default::default()
        },
    )?;
    Ok(ApplicationReceipt { reference: reference.into(), received_at: utc(at) })
}

/// A shift an applicant may ask for: not cancelled, not started, of a
/// scheduled event (not a meeting) of the branch applied to; else 422 on
/// `shift_id`, the same whatever the reason, as the public feed shows them.
fn ensure_requestable(conn: &mut DbConn, branch: &str, shift_id: &ShiftId) -> Result<(), ApiError> {
    let requestable = match shifts::find(conn, shift_id)? {
        Some(shift) if shift.cancelled_at.is_none() && shift.starts_at > now() => events::find(conn, &shift.event_id)?
            .is_some_and(|event| {
                event.branch_code == branch && event.status == EventStatus::Scheduled && !event.kind.is_meeting()
            }),
        _ => false,
    };
    if requestable {
        Ok(())
    } else {
        Err(ApiError::invalid(
            "shift_id",
            ErrorCode::UnknownShift,
            "not a shift of an upcoming scheduled event of the branch",
        ))
    }
}

/// Approves an applicant (→ `active`), optionally creating their volunteer account
/// with a one-time password, in one transaction.
pub async fn approve(
    db: &Db,
    passwords: &PasswordHasher,
    actor: &AuthUser,
    id: VolunteerId,
    input: ApproveApplication,
) -> Result<ApprovalOut, ApiError> {
    let ApproveApplication { account_email, confirm_shift } = input;
    let credentials = match &account_email {
        Some(_) => Some(one_time_credentials(passwords).await?),
        None => None,
    };
    let actor = SessionUser::clone(actor);
    let (volunteer, account, one_time_password, assignment) = db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let volunteer =
                    decide_application(conn, &actor, &id, VolunteerStatus::Active, "application_approved", None)?;
                let (account, one_time_password) = match (account_email, credentials) {
                    (Some(email), Some((password, hash))) => {
                        let spec = NewAccountSpec {
                            email: email.trim().to_lowercase(),
                            role: Role::Volunteer,
                            branch: Some(volunteer.branch_code.clone()),
                            volunteer_id: Some(volunteer.id.clone()),
                            hash,
                            must_change_password: true,
                        };
                        (Some(insert_new_account(conn, &actor, spec)?), Some(password))
                    }
                    _ => (None, None),
                };
                // The shift asked for in the application: confirmed by signing up
                // (a place, or the waitlist); a sign-up the rules refuse (409)
                // refuses the approval, which `confirm_shift: false` gets past.
                let assignment = match shifts::take_request(conn, &volunteer.id)? {
                    Some(shift) if confirm_shift.unwrap_or(true) => {
                        Some(signups::sign_up(conn, &actor, &shift, Some(volunteer.id.clone()))?.0)
                    }
                    _ => None,
                };
                Ok((volunteer, account, one_time_password, assignment))
            })
        })
        .await?;
    let account = match account {
        Some(account) => Some(AccountWithPassword { account: account.try_into()?, one_time_password }),
        None => None,
    };
    Ok(ApprovalOut {
        volunteer: VolunteerOut::new(volunteer, Visibility::Full),
        account,
        assignment: assignment.map(Into::into),
    })
}

/// Rejects an applicant (→ `left`), with the reason in the audit log.
pub async fn reject(
    db: &Db,
    actor: &AuthUser,
    id: VolunteerId,
    reason: Option<String>,
) -> Result<VolunteerOut, ApiError> {
    let actor = SessionUser::clone(actor);
    let volunteer = db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let volunteer = decide_application(
                    conn,
                    &actor,
                    &id,
                    VolunteerStatus::Left,
                    "application_rejected",
                    reason.map(|r| format!("reason: {r}")),
                )?;
                shifts::take_request(conn, &volunteer.id)?;
                Ok(volunteer)
            })
        })
        .await?;
    Ok(VolunteerOut::new(volunteer, Visibility::Full))
}
