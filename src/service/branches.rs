use crate::auth::{AuthUser, SessionUser};
use crate::db::audit::{self, AuditEvent};
use crate::db::branches::{self, Branch, BranchChanges, BranchFilter};
use crate::db::{Db, write_transaction};
use crate::domain::role::Role;
use crate::domain::time::now;
use crate::domain::version::ExpectedVersion;
use crate::dto::branch::UpdateBranch;
use crate::error::ApiError;

/// One page of branches (`limit` rows).
pub async fn list(db: &Db, filter: BranchFilter, limit: i64) -> Result<Vec<Branch>, ApiError> {
    db.run(move |conn| Ok(branches::list(conn, &filter, limit)?)).await
}

/// One branch by code; 404 when there is none.
pub async fn get(db: &Db, code: String) -> Result<Branch, ApiError> {
    db.run(move |conn| branches::find(conn, &code)?.ok_or_else(|| ApiError::not_found(format!("branch {code}")))).await
}

/// Updates a branch's contact data: admins, or that branch's coordinators.
pub async fn update(
    db: &Db,
    actor: &AuthUser,
    code: String,
    input: UpdateBranch,
    expected: ExpectedVersion,
) -> Result<Branch, ApiError> {
    let actor = SessionUser::clone(actor);
    db.run(move |conn| {
        write_transaction(conn, |conn| {
            let what = format!("branch {code}");
            let current = branches::find(conn, &code)?.ok_or_else(|| ApiError::not_found(&what))?;
            // Every branch is public, so another branch's coordinator is refused
            // (403), not told it does not exist.
            let manages =
                actor.is_admin() || (actor.role == Role::Coordinator && actor.branch.as_deref() == Some(&current.code));
            if !manages {
                return Err(ApiError::Forbidden("only admins and the branch's own coordinators edit a branch".into()));
            }
            let version = expected.check(input.version, current.version)?;
            let trim = |value: Option<Option<String>>| {
                value.map(|inner| inner.map(|text| text.trim().to_owned()).filter(|text| !text.is_empty()))
            };
            let changes = BranchChanges {
                office_address: trim(input.office_address),
                phone: trim(input.phone),
                head_coordinator: trim(input.head_coordinator),
            };
            if !branches::update(conn, &code, version, &changes, now())? {
                return Err(ApiError::PreconditionFailed("the branch changed meanwhile; reload it".into()));
            }
            audit::record(
                conn,
                AuditEvent {
                    actor_id: Some(&actor.account_id),
                    action: "branch_updated",
                    record_type: "branch",
                    record_id: Some(&code),
                    request_id: actor.request_id.as_deref(),
                    details: Some(format!("{changes:?}")),
                },
            )?;
            branches::find(conn, &code)?.ok_or_else(|| ApiError::internal("branch vanished after update"))
        })
    })
    .await
}
