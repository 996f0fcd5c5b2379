//! Work collectives (employers and institutions) to meet.

use crate::auth::{AuthUser, SessionUser};
use crate::db::meetings::{self, Organisation, OrganisationChanges, OrganisationFilter};
use crate::db::{Db, DbConn, branches, localities, write_transaction};
use crate::domain::ids::OrganisationId;
use crate::domain::phone::normalize_phone;
use crate::domain::role::Role;
use crate::domain::time::now;
use crate::domain::version::ExpectedVersion;
use crate::dto::meeting::{CreateOrganisation, UpdateOrganisation};
use crate::error::{ApiError, ErrorCode, FieldError};
use crate::service::volunteers::normalize_name;

/// What organisation search matches: lower-cased names and the BIN.
pub fn search_text(name_kk: &str, name_ru: &str, bin: &str) -> String {
    format!("{} {} {bin}", name_kk.to_lowercase(), name_ru.to_lowercase())
}

fn event<'a>(actor: &'a SessionUser, action: &'a str, id: &'a str) -> crate::db::audit::AuditEvent<'a> {
    super::audit(actor, action, "organisation", id, None)
}

pub fn load_visible(conn: &mut DbConn, actor: &SessionUser, id: &OrganisationId) -> Result<Organisation, ApiError> {
    meetings::find_organisation(conn, id)?
        .filter(|organisation| actor.role == Role::Observer || actor.sees_branch(&organisation.branch_code))
        .ok_or_else(|| ApiError::not_found(format!("organisation {id}")))
}

pub fn create(conn: &mut DbConn, actor: &SessionUser, input: CreateOrganisation) -> Result<Organisation, ApiError> {
    let branch = actor.branch_for_new_record(input.branch.clone())?;
    let contact_phone = input
        .contact_phone
        .as_deref()
        .map(|phone| {
            normalize_phone(phone, true).map_err(|err| ApiError::invalid("contact_phone", err.code, err.message))
        })
        .transpose()?;
    if branches::find(conn, &branch)?.is_none() {
        return Err(ApiError::invalid("branch", ErrorCode::UnknownBranch, format!("there is no branch {branch}")));
    }
    if let Some(id) = &input.locality_id
        && localities::find(conn, id)?.is_none_or(|locality| locality.branch_code != branch)
    {
        return Err(ApiError::invalid(
            "locality_id",
            ErrorCode::UnknownLocality,
            "not a locality of the organisation's branch",
        ));
    }
    if let Some(existing) = meetings::organisation_by_bin(conn, &input.bin)? {
        return Err(ApiError::Conflict {
            detail: format!("an organisation with BIN {} is registered already", input.bin),
            errors: vec![FieldError::new("bin", ErrorCode::Duplicate, "this BIN is registered already")],
            existing_id: actor.sees_branch(&existing.branch_code).then(|| existing.id.to_string()),
        });
    }
    let at = now();
    let (name_kk, name_ru) = (normalize_name(&input.name.kk), normalize_name(&input.name.ru));
    let row = Organisation {
        id: OrganisationId::new(),
        branch_code: branch,
        locality_id: input.locality_id,
        search_text: search_text(&name_kk, &name_ru, &input.bin),
        name_kk,
        name_ru,
        bin: input.bin,
        sector: input.sector,
        employee_count: input.employee_count,
        address: input.address,
        contact_name: input.contact_name.map(|name| normalize_name(&name)),
        contact_phone,
        created_at: at,
        updated_at: at,
        version: 1,
    };
    meetings::insert_organisation(conn, &row)?;
    crate::db::audit::record(conn, event(actor, "organisation_created", &row.id))?;
    Ok(row)
}

pub async fn get(db: &Db, actor: &AuthUser, id: OrganisationId) -> Result<Organisation, ApiError> {
    let actor = SessionUser::clone(actor);
    db.run(move |conn| load_visible(conn, &actor, &id)).await
}

pub async fn list(
    db: &Db,
    actor: &AuthUser,
    mut filter: OrganisationFilter,
    limit: i64,
) -> Result<Vec<Organisation>, ApiError> {
    if matches!(actor.role, Role::Coordinator | Role::Volunteer) {
        let Some(branch) = actor.list_branch(filter.branch.take()) else { return Ok(Vec::new()) };
        filter.branch = branch;
    }
    db.run(move |conn| Ok(meetings::list_organisations(conn, &filter, limit)?)).await
}

pub async fn update(
    db: &Db,
    actor: &AuthUser,
    id: OrganisationId,
    input: UpdateOrganisation,
    expected: ExpectedVersion,
) -> Result<Organisation, ApiError> {
    let actor = SessionUser::clone(actor);
    db.run(move |conn| {
        write_transaction(conn, |conn| {
            let current = load_visible(conn, &actor, &id)?;
            actor.ensure_manages_branch(&current.branch_code, format!("organisation {id}"))?;
            let version = expected.check(input.version, current.version)?;
            let name_kk = input.name.as_ref().map(|name| normalize_name(&name.kk));
            let name_ru = input.name.as_ref().map(|name| normalize_name(&name.ru));
            let changes = OrganisationChanges {
                search_text: (name_kk.is_some() || name_ru.is_some()).then(|| {
                    search_text(
                        name_kk.as_deref().unwrap_or(&current.name_kk),
                        name_ru.as_deref().unwrap_or(&current.name_ru),
                        &current.bin,
                    )
                }),
                name_kk,
                name_ru,
                sector: input.sector,
                employee_count: input.employee_count,
                address: input.address,
                contact_name: input.contact_name,
                ..Default::default()
            };
            if !meetings::update_organisation(conn, &id, version, &changes, now())? {
                return Err(ApiError::PreconditionFailed("the organisation changed meanwhile; reload it".into()));
            }
            crate::db::audit::record(conn, event(&actor, "organisation_updated", &id))?;
            meetings::find_organisation(conn, &id)?.ok_or_else(|| ApiError::internal("organisation vanished"))
        })
    })
    .await
}
