//! What events of the distributing kinds (`materials_distribution`,
//! `street_stand`) handed out: hand-out movements naming the event.

use crate::auth::SessionUser;
use crate::db::stock_movements::{self, MovementFilter, MovementWithName};
use crate::db::{Db, DbConn};
use crate::domain::event::EventKind;
use crate::domain::ids::EventId;
use crate::dto::stock::EventMaterialIn;
use crate::error::{ApiError, ErrorCode};
use crate::service::{events, hand_outs};

/// Whether events of `kind` hand materials out.
pub fn distributes(kind: EventKind) -> bool {
    matches!(kind, EventKind::MaterialsDistribution | EventKind::StreetStand)
}

/// Records one hand-out at the event (inside the caller's write transaction:
/// see `service::idempotency::once`). The event's branch's staff only.
pub fn record(
    conn: &mut DbConn,
    actor: &SessionUser,
    id: &EventId,
    input: EventMaterialIn,
) -> Result<MovementWithName, ApiError> {
    let event = events::load_visible(conn, actor, id)?;
    actor.ensure_manages_branch(&event.branch_code, format!("event {id}"))?;
    if !distributes(event.kind) {
        return Err(ApiError::field_conflict(
            format!(
                "a {} event hands no materials out; only materials_distribution and street_stand events do",
                event.kind
            ),
            "kind",
            ErrorCode::NotDistributing,
            None,
        ));
    }
    hand_outs::at_event(conn, actor, &event, input)
}

/// One page of the event's hand-outs (and their counter-movements), in
/// recording order: staff of its branch, admins and observers.
pub async fn list(
    db: &Db,
    actor: &SessionUser,
    id: EventId,
    after: Option<String>,
    limit: i64,
) -> Result<Vec<MovementWithName>, ApiError> {
    let actor = actor.clone();
    db.run(move |conn| {
        events::load_visible(conn, &actor, &id)?;
        let filter = MovementFilter { event_id: Some(id), after, ..MovementFilter::default() };
        Ok(stock_movements::list(conn, &filter, limit)?)
    })
    .await
}
