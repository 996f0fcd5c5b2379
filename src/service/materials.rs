//! The catalogue of printed materials: admins manage it, everyone signed in reads it.

use crate::auth::{AuthUser, SessionUser};
use crate::db::materials::{self, Material, MaterialChanges, MaterialFilter};
use crate::db::{Db, DbConn, audit, write_transaction};
use crate::domain::ids::MaterialId;
use crate::domain::time::now;
use crate::domain::version::ExpectedVersion;
use crate::dto::material::{CreateMaterial, UpdateMaterial};
use crate::error::{ApiError, ErrorCode};

/// One page of the catalogue (`limit` rows).
pub async fn list(db: &Db, filter: MaterialFilter, limit: i64) -> Result<Vec<Material>, ApiError> {
    db.run(move |conn| Ok(materials::list(conn, &filter, limit)?)).await
}

pub async fn get(db: &Db, id: MaterialId) -> Result<Material, ApiError> {
    db.run(move |conn| load(conn, &id)).await
}

pub fn load(conn: &mut DbConn, id: &MaterialId) -> Result<Material, ApiError> {
    materials::find(conn, id)?.ok_or_else(|| ApiError::not_found(format!("material {id}")))
}

fn ensure_unique_code(conn: &mut DbConn, code: &str, except: Option<&MaterialId>) -> Result<(), ApiError> {
    match materials::find_by_code(conn, code)? {
        Some(existing) if Some(&existing.id) != except => Err(ApiError::field_conflict(
            format!("a material with code {code} already exists"),
            "code",
            ErrorCode::Duplicate,
            Some(existing.id.to_string()),
        )),
        _ => Ok(()),
    }
}

pub fn create(conn: &mut DbConn, admin: &SessionUser, input: CreateMaterial) -> Result<Material, ApiError> {
    let code = input.code.trim().to_owned();
    ensure_unique_code(conn, &code, None)?;
    let at = now();
    let row = Material {
        id: MaterialId::new(),
        code,
        title_kk: input.title.kk.trim().to_owned(),
        title_ru: input.title.ru.trim().to_owned(),
        kind: input.kind,
        language: input.language,
        format: input.format,
        pages: input.pages,
        print_run: input.print_run,
        active: input.active.unwrap_or(true),
        reorder_level: input.reorder_level,
        created_at: at,
        updated_at: at,
        version: 1,
    };
    materials::insert(conn, &row)?;
    audit::record(conn, super::audit(admin, "material_created", "material", &row.id, None))?;
    Ok(row)
}

pub async fn update(
    db: &Db,
    admin: &AuthUser,
    id: MaterialId,
    input: UpdateMaterial,
    expected: ExpectedVersion,
) -> Result<Material, ApiError> {
    let admin = SessionUser::clone(admin);
    db.run(move |conn| {
        write_transaction(conn, |conn| {
            let current = load(conn, &id)?;
            let version = expected.check(input.version, current.version)?;
            let code = input.code.map(|code| code.trim().to_owned());
            if let Some(code) = &code {
                ensure_unique_code(conn, code, Some(&id))?;
            }
            let (title_kk, title_ru) =
                input.title.map(|title| (title.kk.trim().to_owned(), title.ru.trim().to_owned())).unzip();
            let changes = MaterialChanges {
                code,
                title_kk,
                title_ru,
                kind: input.kind,
                language: input.language,
                format: input.format,
                pages: input.pages,
                print_run: input.print_run,
                active: input.active,
                reorder_level: input.reorder_level,
            };
            if !materials::update(conn, &id, version, &changes, now())? {
                return Err(ApiError::PreconditionFailed("the material changed meanwhile; reload it".into()));
            }
            audit::record(conn, super::audit(&admin, "material_updated", "material", &id, None))?;
            load(conn, &id)
        })
    })
    .await
}

/// The material a new movement names: an unknown one is a 422 on `material_id`.
pub fn find_for_movement(conn: &mut DbConn, id: &MaterialId) -> Result<Material, ApiError> {
    materials::find(conn, id)?
        .ok_or_else(|| ApiError::invalid("material_id", ErrorCode::UnknownMaterial, format!("no material {id}")))
}
