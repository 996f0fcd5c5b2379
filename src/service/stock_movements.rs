//! The stock ledger: recording movements and their counter-movements, and
//! reading them back. Every movement changes its balances in the transaction
//! that records it; a debit is one conditional UPDATE, so no interleaving of
//! concurrent movements can take a balance below zero (see `db::stock_balances`).

use crate::auth::SessionUser;
use crate::db::materials::Material;
use crate::db::stock_movements::{self, MovementFilter, MovementWithName, StockMovement};
use crate::db::{Db, DbConn, audit, branches, stock_balances, volunteer_holdings, volunteers};
use crate::domain::ids::{MaterialId, MovementId};
use crate::domain::material::{Effect, Holder, MovementKind};
use crate::domain::role::Role;
use crate::domain::time::now;
use crate::dto::stock::{CreateMovement, ReverseMovement};
use crate::error::{ApiError, ErrorCode};
use crate::service::materials;

/// Records one movement (inside the caller's write transaction: see
/// `service::idempotency::once`).
pub fn record(conn: &mut DbConn, actor: &SessionUser, input: CreateMovement) -> Result<MovementWithName, ApiError> {
    if input.kind == MovementKind::HandOut {
        return Err(ApiError::invalid(
            "kind",
            ErrorCode::NotAllowed,
            "hand-outs are recorded with a visit, a meeting report or an event's materials",
        ));
    }
    if input.kind == MovementKind::Placement {
        return Err(ApiError::invalid(
            "kind",
            ErrorCode::NotAllowed,
            "posters put up are recorded as placements: POST /poster-sites/{id}/placements",
        ));
    }
    if input.kind == MovementKind::Receipt && actor.role != Role::Admin {
        return Err(ApiError::Forbidden("only admins record receipts from a print run".into()));
    }
    let branch = actor.branch_for_new_record(input.branch)?;
    ensure_branch_exists(conn, "branch", &branch)?;
    let material = materials::find_for_movement(conn, &input.material_id)?;
    let kind = input.kind;
    let to_branch = only_for(kind, MovementKind::Transfer, "to_branch", input.to_branch)?;
    if let Some(to) = &to_branch {
        if to == &branch {
            return Err(ApiError::invalid("to_branch", ErrorCode::Invalid, "a transfer goes to another branch"));
        }
        ensure_branch_exists(conn, "to_branch", to)?;
    }
    let with_volunteer = matches!(kind, MovementKind::Issue | MovementKind::Return);
    let volunteer_id = match input.volunteer_id {
        Some(_) if !with_volunteer => return Err(not_for_kind("volunteer_id", kind)),
        Some(id) => match volunteers::find(conn, &id)? {
            Some(volunteer) if volunteer.branch_code == branch => Some(id),
            _ => {
                return Err(ApiError::invalid(
                    "volunteer_id",
                    ErrorCode::UnknownVolunteer,
                    format!("no volunteer {id} in branch {branch}"),
                ));
            }
        },
        None if with_volunteer => return Err(required("volunteer_id", kind)),
        None => None,
    };
    let direction = only_for(kind, MovementKind::Adjustment, "direction", input.direction)?;
    let needs_reason = matches!(kind, MovementKind::WriteOff | MovementKind::Adjustment);
    if needs_reason && input.reason.is_none() {
        return Err(required("reason", kind));
    }
    let row = StockMovement {
        id: MovementId::new(),
        kind,
        material_id: material.id.clone(),
        branch_code: branch,
        to_branch_code: to_branch,
        volunteer_id,
        quantity: input.quantity,
        direction,
        reason: input.reason,
        note: input.note,
        reverses_id: None,
        recorded_by: actor.account_id.clone(),
        created_at: now(),
        visit_id: None,
        meeting_id: None,
        event_id: None,
        placement_id: None,
    };
    book(conn, actor, &material, row)
}

/// Records the counter-movement of `id`: the same movement with its effects
/// negated. A movement is undone at most once, and a counter-movement is never
/// undone itself (record a new movement instead). It is authorized as the
/// movement it makes: undoing a transfer sends the stock back from the receiver.
pub fn reverse(
    conn: &mut DbConn,
    actor: &SessionUser,
    id: &MovementId,
    input: ReverseMovement,
) -> Result<MovementWithName, ApiError> {
    let original = load_visible(conn, actor, id)?;
    let acting_branch = original.to_branch_code.as_deref().unwrap_or(&original.branch_code);
    let allowed = match actor.role {
        Role::Admin => true,
        Role::Coordinator => original.kind != MovementKind::Receipt && actor.branch.as_deref() == Some(acting_branch),
        Role::Volunteer | Role::Observer => false,
    };
    if !allowed {
        return Err(ApiError::Forbidden(format!("the {} role may not undo this movement", actor.role)));
    }
    if original.kind == MovementKind::Placement {
        return Err(ApiError::field_conflict(
            "posters put up are not undone in the ledger; record the placement's status instead",
            "id",
            ErrorCode::NotAllowed,
            None,
        ));
    }
    if original.reverses_id.is_some() {
        return Err(ApiError::field_conflict(
            "a counter-movement cannot be undone; record a new movement instead",
            "id",
            ErrorCode::NotAllowed,
            None,
        ));
    }
    if original.visit_id.is_some() || original.meeting_id.is_some() {
        return Err(ApiError::field_conflict(
            "a hand-out at a visit or a meeting follows its record: a visit stands as synced, a meeting's \
             report is corrected by filing it again",
            "id",
            ErrorCode::NotAllowed,
            None,
        ));
    }
    if let Some(existing) = stock_movements::reversal_of(conn, id)? {
        return Err(ApiError::field_conflict(
            format!("movement {id} was undone already"),
            "id",
            ErrorCode::Duplicate,
            Some(existing.to_string()),
        ));
    }
    let material = materials::load(conn, &original.material_id)?;
    let row = StockMovement {
        id: MovementId::new(),
        reason: Some(input.reason),
        note: input.note,
        reverses_id: Some(original.id.clone()),
        recorded_by: actor.account_id.clone(),
        created_at: now(),
        ..original
    };
    book(conn, actor, &material, row)
}

/// Applies the movement's effects to the balances, then stores it with its audit
/// entry (inside the caller's write transaction). A balance that would go below
/// zero is a 409 `insufficient_stock` naming the material, balance and quantity
/// and changes nothing (the caller's transaction rolls back).
pub fn book(
    conn: &mut DbConn,
    actor: &SessionUser,
    material: &Material,
    row: StockMovement,
) -> Result<MovementWithName, ApiError> {
    let effects = row
        .as_movement()
        .effects()
        .map_err(|missing| ApiError::invalid(missing.0, ErrorCode::Required, "this kind of movement needs it"))?;
    for effect in effects {
        apply(conn, material, &effect, row.created_at)?;
    }
    stock_movements::insert(conn, &row)?;
    let details = format!("{} {} x{}", row.kind, material.code, row.quantity);
    audit::record(conn, super::audit(actor, "stock_movement_recorded", "stock_movement", &row.id, Some(details)))?;
    let volunteer_name = match &row.volunteer_id {
        Some(id) => volunteers::find(conn, id)?.and_then(|volunteer| volunteer.full_name),
        None => None,
    };
    Ok(MovementWithName { movement: row, volunteer_name })
}

fn apply(conn: &mut DbConn, material: &Material, effect: &Effect, at: chrono::NaiveDateTime) -> Result<(), ApiError> {
    let id: &MaterialId = &material.id;
    let (quantity, credit) = (effect.delta.abs(), effect.delta > 0);
    let debited = match (&effect.holder, credit) {
        (Holder::Branch(branch), true) => stock_balances::credit(conn, branch, id, quantity, at).map(|()| true)?,
        (Holder::Branch(branch), false) => stock_balances::debit(conn, branch, id, quantity, at)?,
        (Holder::Volunteer(volunteer), true) => {
            let branch = volunteers::find(conn, volunteer)?
                .map(|volunteer| volunteer.branch_code)
                .ok_or_else(|| ApiError::internal("a movement names a volunteer that is gone"))?;
            volunteer_holdings::credit(conn, volunteer, id, &branch, quantity, at).map(|()| true)?
        }
        (Holder::Volunteer(volunteer), false) => volunteer_holdings::debit(conn, volunteer, id, quantity, at)?,
    };
    if debited {
        return Ok(());
    }
    let (balance, whose) = match &effect.holder {
        Holder::Branch(branch) => (stock_balances::quantity(conn, branch, id)?, format!("branch {branch}")),
        Holder::Volunteer(volunteer) => {
            (volunteer_holdings::quantity(conn, volunteer, id)?, format!("volunteer {volunteer}"))
        }
    };
    let detail = format!(
        "not enough of material {} ({}) with {whose}: balance {balance}, asked {quantity}",
        material.code, material.id
    );
    Err(ApiError::field_conflict(detail, "quantity", ErrorCode::InsufficientStock, None))
}

/// The movement, when the caller may see it: admins and observers every one,
/// coordinators those out of or into their branch, volunteers their own.
fn load_visible(conn: &mut DbConn, actor: &SessionUser, id: &MovementId) -> Result<StockMovement, ApiError> {
    stock_movements::find(conn, id)?
        .filter(|movement| match actor.role {
            Role::Admin | Role::Observer => true,
            Role::Coordinator => actor
                .branch
                .as_deref()
                .is_some_and(|own| movement.branch_code == own || movement.to_branch_code.as_deref() == Some(own)),
            Role::Volunteer => actor.volunteer_id.is_some() && movement.volunteer_id == actor.volunteer_id,
        })
        .ok_or_else(|| ApiError::not_found(format!("stock movement {id}")))
}

/// Narrows `filter` to what the caller may see; `None` when nothing at all.
pub fn scoped(actor: &SessionUser, mut filter: MovementFilter) -> Option<MovementFilter> {
    match actor.role {
        Role::Admin | Role::Observer => Some(filter),
        Role::Coordinator => {
            filter.branch = actor.list_branch(filter.branch)?;
            Some(filter)
        }
        Role::Volunteer => {
            let own = actor.volunteer_id.clone()?;
            if filter.volunteer_id.as_ref().is_some_and(|requested| requested != &own) {
                return None;
            }
            filter.volunteer_id = Some(own);
            Some(filter)
        }
    }
}

/// One page of the ledger as the caller may see it (`limit` rows).
pub async fn list(
    db: &Db,
    actor: &SessionUser,
    filter: MovementFilter,
    limit: i64,
) -> Result<Vec<MovementWithName>, ApiError> {
    let Some(filter) = scoped(actor, filter) else { return Ok(Vec::new()) };
    db.run(move |conn| Ok(stock_movements::list(conn, &filter, limit)?)).await
}

pub async fn get(db: &Db, actor: &SessionUser, id: MovementId) -> Result<MovementWithName, ApiError> {
    let actor = actor.clone();
    db.run(move |conn| {
        let movement = load_visible(conn, &actor, &id)?;
        let volunteer_name = match &movement.volunteer_id {
            Some(id) => volunteers::find(conn, id)?.and_then(|volunteer| volunteer.full_name),
            None => None,
        };
        Ok(MovementWithName { movement, volunteer_name })
    })
    .await
}

fn ensure_branch_exists(conn: &mut DbConn, field: &str, code: &str) -> Result<(), ApiError> {
    if branches::find(conn, code)?.is_none() {
        return Err(ApiError::invalid(field, ErrorCode::UnknownBranch, format!("there is no branch {code}")));
    }
    Ok(())
}

fn required(field: &str, kind: MovementKind) -> ApiError {
    ApiError::invalid(field, ErrorCode::Required, format!("a {kind} movement needs {field}"))
}

fn not_for_kind(field: &str, kind: MovementKind) -> ApiError {
    ApiError::invalid(field, ErrorCode::NotAllowed, format!("a {kind} movement takes no {field}"))
}

/// `value`, which only movements of `kind` take (and need).
fn only_for<T>(kind: MovementKind, only: MovementKind, field: &str, value: Option<T>) -> Result<Option<T>, ApiError> {
    match (kind == only, value) {
        (true, None) => Err(required(field, kind)),
        (false, Some(_)) => Err(not_for_kind(field, kind)),
        (_, value) => Ok(value),
    }
}
