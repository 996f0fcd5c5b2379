use std::collections::HashMap;

use crate::auth::{AuthUser, SessionUser};
use crate::db::audit::{self, AuditEvent};
use crate::db::localities::{self, Locality, LocalityChanges, LocalityFilter};
use crate::db::{Db, DbConn, branches, write_transaction};
use crate::domain::ids::LocalityId;
use crate::domain::role::Role;
use crate::domain::time::now;
use crate::domain::version::ExpectedVersion;
use crate::dto::bilingual::Bilingual;
use crate::dto::locality::{CreateLocality, LocalityNode, UpdateLocality};
use crate::error::{ApiError, ErrorCode};

/// One page of localities (`limit` rows).
pub async fn list(db: &Db, filter: LocalityFilter, limit: i64) -> Result<Vec<Locality>, ApiError> {
    db.run(move |conn| Ok(localities::list(conn, &filter, limit)?)).await
}

/// Every locality of `branch`; 404 when the branch does not exist.
pub async fn all_in_branch(db: &Db, branch: String) -> Result<Vec<Locality>, ApiError> {
    db.run(move |conn| {
        branches::find(conn, &branch)?.ok_or_else(|| ApiError::not_found(format!("branch {branch}")))?;
        Ok(localities::all_in_branch(conn, &branch)?)
    })
    .await
}

/// Staff create localities: admins anywhere, coordinators in their own branch.
fn ensure_may_create_in(actor: &SessionUser, branch: &str) -> Result<(), ApiError> {
    match actor.role {
        Role::Admin => Ok(()),
        Role::Coordinator if actor.branch.as_deref() == Some(branch) => Ok(()),
        Role::Coordinator => Err(ApiError::Forbidden("coordinators work in their own branch only".into())),
        Role::Volunteer | Role::Observer => {
            Err(ApiError::Forbidden(format!("the {} role may not change localities", actor.role)))
        }
    }
}

/// The parent must exist in the same branch and must not be the locality itself
/// or one of its descendants.
fn check_parent(
    conn: &mut DbConn,
    branch: &str,
    parent_id: Option<&LocalityId>,
    child_id: Option<&LocalityId>,
) -> Result<(), ApiError> {
    let Some(mut cursor) = parent_id.cloned() else { return Ok(()) };
    let parent = localities::find(conn, &cursor)?.filter(|parent| parent.branch_code == branch).ok_or_else(|| {
        ApiError::invalid("parent_id", ErrorCode::UnknownLocality, "the parent is not a locality of this branch")
    })?;
    drop(parent);
    // Walk up from the parent: meeting the child means a cycle.
    for _ in 0..64 {
        if Some(&cursor) == child_id {
            return Err(ApiError::invalid("parent_id", ErrorCode::Cycle, "a locality cannot be inside itself"));
        }
        match localities::find(conn, &cursor)?.and_then(|locality| locality.parent_id) {
            Some(next) => cursor = next,
            None => return Ok(()),
        }
    }
    Err(ApiError::invalid("parent_id", ErrorCode::TooDeep, "localities nest at most 64 levels"))
}

pub fn create(conn: &mut DbConn, actor: &SessionUser, input: CreateLocality) -> Result<Locality, ApiError> {
    ensure_may_create_in(actor, &input.branch)?;
    if branches::find(conn, &input.branch)?.is_none() {
        return Err(ApiError::invalid(
            "branch",
            ErrorCode::UnknownBranch,
            format!("there is no branch {}", input.branch),
        ));
    }
    check_parent(conn, &input.branch, input.parent_id.as_ref(), None)?;
    let at = now();
    let locality = Locality {
        id: LocalityId::new(),
        branch_code: input.branch,
        parent_id: input.parent_id,
        kind: input.kind,
        name_kk: input.name.kk.trim().to_owned(),
        name_ru: input.name.ru.trim().to_owned(),
        population: input.population,
        created_at: at,
        updated_at: at,
        version: 1,
    };
    localities::insert(conn, &locality)?;
    audit::record(conn, event(actor, "locality_created", &locality.id))?;
    Ok(locality)
}

pub async fn get(db: &Db, id: LocalityId) -> Result<Locality, ApiError> {
    db.run(move |conn| localities::find(conn, &id)?.ok_or_else(|| ApiError::not_found(format!("locality {id}")))).await
}

pub async fn update(
    db: &Db,
    actor: &AuthUser,
    id: LocalityId,
    input: UpdateLocality,
    expected: ExpectedVersion,
) -> Result<Locality, ApiError> {
    let actor = SessionUser::clone(actor);
    db.run(move |conn| {
        write_transaction(conn, |conn| {
            let what = format!("locality {id}");
            let current = localities::find(conn, &id)?.ok_or_else(|| ApiError::not_found(&what))?;
            actor.ensure_manages_branch(&current.branch_code, &what)?;
            let version = expected.check(input.version, current.version)?;
            if let Some(parent) = &input.parent_id {
                check_parent(conn, &current.branch_code, parent.as_ref(), Some(&current.id))?;
            }
            let (name_kk, name_ru) =
                input.name.map(|name| (name.kk.trim().to_owned(), name.ru.trim().to_owned())).unzip();
            let changes = LocalityChanges {
                parent_id: input.parent_id,
                kind: input.kind,
                name_kk,
                name_ru,
                population: input.population,
            };
            if !localities::update(conn, &id, version, &changes, now())? {
                return Err(ApiError::PreconditionFailed("the locality changed meanwhile; reload it".into()));
            }
            audit::record(conn, event(&actor, "locality_updated", &id))?;
            localities::find(conn, &id)?.ok_or_else(|| ApiError::internal("locality vanished after update"))
        })
    })
    .await
}

pub async fn delete(db: &Db, actor: &AuthUser, id: LocalityId) -> Result<(), ApiError> {
    let actor = SessionUser::clone(actor);
    db.run(move |conn| {
        write_transaction(conn, |conn| {
            let what = format!("locality {id}");
            let current = localities::find(conn, &id)?.ok_or_else(|| ApiError::not_found(&what))?;
            actor.ensure_manages_branch(&current.branch_code, &what)?;
            if localities::is_referenced(conn, &id)? {
                return Err(ApiError::Conflict {
                    detail: "the locality still has sub-localities, volunteers, events, routes, work collectives or poster sites; move them first".into(),
                    errors: vec![],
                    existing_id: None,
                });
            }
            localities::delete(conn, &id)?;
            Ok(audit::record(conn, event(&actor, "locality_deleted", &id))?)
        })
    })
    .await
}

/// The branch's localities as a forest, children sorted by Russian name.
pub fn build_tree(rows: Vec<Locality>) -> Vec<LocalityNode> {
    let mut children: HashMap<Option<LocalityId>, Vec<Locality>> = HashMap::new();
    for row in rows {
        children.entry(row.parent_id.clone()).or_default().push(row);
    }
    fn attach(
        parent: Option<LocalityId>,
        children: &mut HashMap<Option<LocalityId>, Vec<Locality>>,
    ) -> Vec<LocalityNode> {
        children
            .remove(&parent)
            .unwrap_or_default()
            .into_iter()
            .map(|row| LocalityNode {
                children: attach(Some(row.id.clone()), children),
                kind: row.kind,
                id: row.id,
                name: Bilingual::new(row.name_kk, row.name_ru),
                population: row.population,
            })
            .collect()
    }
    attach(None, &mut children)
}

fn event<'a>(actor: &'a SessionUser, action: &'a str, id: &'a str) -> AuditEvent<'a> {
    super::audit(actor, action, "locality", id, None)
}
