use crate::auth::{AuthUser, SessionUser};
use crate::db::audit::{self, AuditEvent};
use crate::db::member_organisations::{self, MemberOrganisation, MemberOrganisationChanges, MemberOrganisationFilter};
use crate::db::{Db, DbConn, branches, write_transaction};
use crate::domain::ids::MemberOrganisationId;
use crate::domain::time::now;
use crate::domain::version::ExpectedVersion;
use crate::dto::member_organisation::{CreateMemberOrganisation, UpdateMemberOrganisation};
use crate::error::{ApiError, ErrorCode, FieldError};

/// One page of coalition member organisations (`limit` rows).
pub async fn list(db: &Db, filter: MemberOrganisationFilter, limit: i64) -> Result<Vec<MemberOrganisation>, ApiError> {
    db.run(move |conn| Ok(member_organisations::list(conn, &filter, limit)?)).await
}

fn ensure_unique_bin(conn: &mut DbConn, bin: &str, except: Option<&str>) -> Result<(), ApiError> {
    match member_organisations::find_by_bin(conn, bin)? {
        Some(existing) if Some(existing.id.as_str()) != except => Err(ApiError::Conflict {
            detail: format!("a member organisation with BIN {bin} already exists"),
            errors: vec![FieldError::new("bin", ErrorCode::Duplicate, "this BIN is registered already")],
            existing_id: Some(existing.id.to_string()),
        }),
        _ => Ok(()),
    }
}

fn ensure_branch(conn: &mut DbConn, branch: Option<&str>) -> Result<(), ApiError> {
    match branch {
        Some(code) if branches::find(conn, code)?.is_none() => {
            Err(ApiError::invalid("branch", ErrorCode::UnknownBranch, format!("there is no branch {code}")))
        }
        _ => Ok(()),
    }
}

pub fn create(
    conn: &mut DbConn,
    admin: &SessionUser,
    input: CreateMemberOrganisation,
) -> Result<MemberOrganisation, ApiError> {
    ensure_branch(conn, input.branch.as_deref())?;
    ensure_unique_bin(conn, &input.bin, None)?;
    let at = now();
    let row = MemberOrganisation {
        id: MemberOrganisationId::new(),
        name: input.name.trim().to_owned(),
        kind: input.kind,
        branch_code: input.branch,
        bin: input.bin,
        created_at: at,
        updated_at: at,
        version: 1,
    };
    member_organisations::insert(conn, &row)?;
    audit::record(conn, event(admin, "member_organisation_created", &row.id))?;
    Ok(row)
}

pub async fn get(db: &Db, id: MemberOrganisationId) -> Result<MemberOrganisation, ApiError> {
    db.run(move |conn| {
        member_organisations::find(conn, &id)?.ok_or_else(|| ApiError::not_found(format!("member organisation {id}")))
    })
    .await
}

pub async fn update(
    db: &Db,
    admin: &AuthUser,
    id: MemberOrganisationId,
    input: UpdateMemberOrganisation,
    expected: ExpectedVersion,
) -> Result<MemberOrganisation, ApiError> {
    let admin = SessionUser::clone(admin);
    db.run(move |conn| {
        write_transaction(conn, |conn| {
            let current = member_organisations::find(conn, &id)?
                .ok_or_else(|| ApiError::not_found(format!("member organisation {id}")))?;
            let version = expected.check(input.version, current.version)?;
            if let Some(branch) = &input.branch {
                ensure_branch(conn, branch.as_deref())?;
            }
            if let Some(bin) = &input.bin {
                ensure_unique_bin(conn, bin, Some(&id))?;
            }
            let changes = MemberOrganisationChanges {
                name: input.name.map(|name| name.trim().to_owned()),
                kind: input.kind,
                branch_code: input.branch,
                bin: input.bin,
            };
            if !member_organisations::update(conn, &id, version, &changes, now())? {
                return Err(ApiError::PreconditionFailed("the organisation changed meanwhile; reload it".into()));
            }
            audit::record(conn, event(&admin, "member_organisation_updated", &id))?;
            member_organisations::find(conn, &id)?
                .ok_or_else(|| ApiError::internal("organisation vanished after update"))
        })
    })
    .await
}

pub async fn delete(db: &Db, admin: &AuthUser, id: MemberOrganisationId) -> Result<(), ApiError> {
    let admin = SessionUser::clone(admin);
    db.run(move |conn| {
        write_transaction(conn, |conn| {
            member_organisations::find(conn, &id)?
                .ok_or_else(|| ApiError::not_found(format!("member organisation {id}")))?;
            if member_organisations::has_members(conn, &id)? {
                return Err(ApiError::Conflict {
                    detail: "volunteers still belong to this organisation".into(),
                    errors: vec![],
                    existing_id: None,
                });
            }
            member_organisations::delete(conn, &id)?;
            Ok(audit::record(conn, event(&admin, "member_organisation_deleted", &id))?)
        })
    })
    .await
}

fn event<'a>(actor: &'a SessionUser, action: &'a str, id: &'a str) -> AuditEvent<'a> {
    super::audit(actor, action, "member_organisation", id, None)
}
