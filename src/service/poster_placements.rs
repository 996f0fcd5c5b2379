//! Posters put up on poster sites, and their status history.
//!
//! Every placement locks its site (`SELECT ... FOR UPDATE` on PostgreSQL; SQLite's
//! `BEGIN IMMEDIATE` serialises writers anyway), checks the site's free capacity
//! and debits the stock with a `placement` movement in the same transaction, so
//! parallel placements on one site never exceed its capacity nor overdraw the
//! stock. Status changes (one at a time, or a round of inspections synced
//! offline in a batch: see [`super::batch`]) lock the sites they touch and keep
//! each site's count of current posters and its last inspection.

use std::collections::{BTreeSet, HashMap};

use chrono::{NaiveDateTime, TimeDelta, Utc};
use serde_json::value::RawValue;

use crate::auth::{AuthUser, SessionUser};
use crate::db::audit::{self, AuditEvent};
use crate::db::poster_placements::{self, Placement, PlacementChange, PlacementFilter, PlacementWithName};
use crate::db::poster_sites::{self, PosterSite};
use crate::db::stock_movements::StockMovement;
use crate::db::{Db, DbConn, events, volunteers};
use crate::domain::event::EventKind;
use crate::domain::ids::{EventId, MaterialId, MovementId, PlacementChangeId, PlacementId, PosterSiteId, VolunteerId};
use crate::domain::material::{MaterialKind, MovementKind};
use crate::domain::poster::{PlacementStatus, SiteStatus};
use crate::domain::role::Role;
use crate::domain::time::now;
use crate::dto::poster::{
    ChangeOut, CreateChange, CreatePlacement, InspectionBatchResult, InspectionIn, InspectionResult,
};
use crate::error::{ApiError, ErrorCode, FieldError};
use crate::service::batch::{self, BatchItem, ParsedBatch};
use crate::service::{materials, poster_sites as sites, stock_movements};

/// How far ahead of the server's clock a phone's clock may run.
const CLOCK_SKEW: TimeDelta = TimeDelta::minutes(5);

/// A placement with its history, oldest first.
pub type PlacementView = (PlacementWithName, Vec<PlacementChange>);

/// What to put up on a locked, visible site.
struct PutUp {
    material_id: MaterialId,
    quantity: i32,
    volunteer_id: Option<VolunteerId>,
    event_id: Option<EventId>,
    placed_at: NaiveDateTime,
    note: Option<String>,
    photo_ref: Option<String>,
    replaces_id: Option<PlacementId>,
}

fn in_future(field: &str, at: chrono::DateTime<Utc>) -> Result<(), ApiError> {
    if at > Utc::now() + CLOCK_SKEW {
        return Err(ApiError::invalid(field, ErrorCode::InFuture, "the time is in the future"));
    }
    Ok(())
}

/// A volunteer named on a placement or change must be one of the site's branch.
fn ensure_volunteer(conn: &mut DbConn, field: &str, branch: &str, id: &VolunteerId) -> Result<(), ApiError> {
    match volunteers::find(conn, id)? {
        Some(volunteer) if volunteer.branch_code == branch => Ok(()),
        _ => {
            Err(ApiError::invalid(field, ErrorCode::UnknownVolunteer, format!("no volunteer {id} in branch {branch}")))
        }
    }
}

/// Puts posters up on `site` (locked, and the caller allowed to change it):
/// checks the site is active, the material a poster, the free capacity, and
/// debits the stock. Returns the stored placement.
fn put_up(conn: &mut DbConn, actor: &SessionUser, site: &PosterSite, spec: PutUp) -> Result<Placement, ApiError> {
    if site.status != SiteStatus::Active {
        return Err(ApiError::field_conflict(
            format!("poster site {} is retired; nothing new is placed there", site.id),
            "site_id",
            ErrorCode::NotOpen,
            None,
        ));
    }
    let material = materials::find_for_movement(conn, &spec.material_id)?;
    if material.kind != MaterialKind::Poster {
        return Err(ApiError::invalid(
            "material_id",
            ErrorCode::NotAPoster,
            format!("material {} is a {}, not a poster", material.code, material.kind),
        ));
    }
    if let Some(volunteer) = &spec.volunteer_id {
        ensure_volunteer(conn, "volunteer_id", &site.branch_code, volunteer)?;
    }
    if let Some(event) = &spec.event_id {
        match events::find(conn, event)? {
            Some(found) if found.branch_code == site.branch_code && found.kind == EventKind::PosterPlacement => {}
            _ => {
                return Err(ApiError::invalid(
                    "event_id",
                    ErrorCode::UnknownEvent,
                    format!("no poster_placement event {event} in branch {}", site.branch_code),
                ));
            }
        }
    }
    let free = (site.capacity - site.current_posters).max(0);
    if spec.quantity > free {
        return Err(ApiError::field_conflict(
            format!(
                "poster site {} has {free} free places (capacity {}, {} posters hanging); asked {}",
                site.id, site.capacity, site.current_posters, spec.quantity
            ),
            "quantity",
            ErrorCode::CapacityExceeded,
            None,
        ));
    }
    let at = now();
    let placement = Placement {
        id: PlacementId::new(),
        site_id: site.id.clone(),
        branch_code: site.branch_code.clone(),
        material_id: material.id.clone(),
        quantity: spec.quantity,
        placed_at: spec.placed_at,
        placed_by: spec.volunteer_id.clone(),
        event_id: spec.event_id,
        status: PlacementStatus::Placed,
        replaces_id: spec.replaces_id,
        replaced_by_id: None,
        recorded_by: actor.account_id.clone(),
        created_at: at,
        updated_at: at,
        version: 1,
    };
    poster_placements::insert(conn, &placement)?;
    // The stock moves once, in this transaction: short is a 409 and undoes all.
    let movement = StockMovement {
        id: MovementId::new(),
        kind: MovementKind::Placement,
        material_id: material.id.clone(),
        branch_code: site.branch_code.clone(),
        to_branch_code: None,
        volunteer_id: spec.volunteer_id.clone(),
        quantity: spec.quantity,
        direction: None,
        reason: None,
        note: None,
        reverses_id: None,
        recorded_by: actor.account_id.clone(),
        created_at: at,
        placement_id: Some(placement.id.clone()),
        visit_id: None,
        meeting_id: None,
        event_id: None,
    };
    stock_movements::book(conn, actor, &material, movement)?;
    let change = PlacementChange {
        id: PlacementChangeId::new(),
        placement_id: placement.id.clone(),
        status: PlacementStatus::Placed,
        at: spec.placed_at,
        volunteer_id: spec.volunteer_id,
        recorded_by: actor.account_id.clone(),
        note: spec.note,
        photo_ref: spec.photo_ref,
        received_at: at,
    };
    poster_placements::insert_changes(conn, std::slice::from_ref(&change))?;
    poster_sites::add_posters(conn, &site.id, spec.quantity, None, at)?;
    let details = format!("{} x{} on site {}", material.code, spec.quantity, site.id);
    audit::record(
        conn,
        super::audit(actor, "poster_placement_created", "poster_placement", &placement.id, Some(details)),
    )?;
    Ok(placement)
}

/// The site, locked for the rest of the transaction, when the caller may change it.
fn lock_site(conn: &mut DbConn, actor: &SessionUser, id: &PosterSiteId) -> Result<PosterSite, ApiError> {
    poster_sites::lock(conn, id)?;
    let site = sites::load_visible(conn, actor, id)?;
    actor.ensure_manages_branch(&site.branch_code, format!("poster site {id}"))?;
    Ok(site)
}

/// Puts posters up on a site (inside the caller's write transaction: see
/// `service::idempotency::once`).
pub fn place(
    conn: &mut DbConn,
    actor: &SessionUser,
    site_id: &PosterSiteId,
    input: CreatePlacement,
) -> Result<PlacementView, ApiError> {
    let placed_at = input.placed_at.unwrap_or_else(Utc::now);
    in_future("placed_at", placed_at)?;
    let site = lock_site(conn, actor, site_id)?;
    let spec = PutUp {
        material_id: input.material_id,
        quantity: input.quantity,
        volunteer_id: input.volunteer_id,
        event_id: input.event_id,
        placed_at: truncate(placed_at.naive_utc()),
        note: input.note,
        photo_ref: input.photo_ref,
        replaces_id: None,
    };
    let placement = put_up(conn, actor, &site, spec)?;
    view(conn, &placement.id)
}

/// An instant as the databases keep it (microseconds).
fn truncate(at: NaiveDateTime) -> NaiveDateTime {
    let micros = at.and_utc().timestamp_micros();
    chrono::DateTime::from_timestamp_micros(micros).map_or(at, |at| at.naive_utc())
}

fn view(conn: &mut DbConn, id: &PlacementId) -> Result<PlacementView, ApiError> {
    let placement = poster_placements::find(conn, id)?
        .ok_or_else(|| ApiError::internal("a placement vanished within its transaction"))?;
    let changes = poster_placements::changes_of(conn, std::slice::from_ref(id))?;
    Ok((placement, changes))
}

/// The placement, when the caller may see it (another branch's is a 404).
fn load_visible(conn: &mut DbConn, actor: &SessionUser, id: &PlacementId) -> Result<PlacementWithName, ApiError> {
    let found =
        poster_placements::find(conn, id)?.ok_or_else(|| ApiError::not_found(format!("poster placement {id}")))?;
    actor.ensure_branch(&found.placement.branch_code, format!("poster placement {id}"))?;
    Ok(found)
}

/// Who records status changes: staff of the branch, and its volunteers (who do
/// the inspection rounds), as themselves. Observers never.
fn changer(actor: &SessionUser) -> Result<Option<VolunteerId>, ApiError> {
    match actor.role {
        Role::Admin | Role::Coordinator => Ok(None),
        Role::Volunteer => Ok(actor.volunteer_id.clone()),
        Role::Observer => Err(ApiError::Forbidden("observers do not change placements".into())),
    }
}

fn illegal(from: PlacementStatus, to: PlacementStatus) -> String {
    format!("a {from} placement cannot become {to}")
}

/// Records the next status of a placement (inside the caller's write
/// transaction). `replaced` with a `replacement` also puts the new posters up.
pub fn change_status(
    conn: &mut DbConn,
    actor: &SessionUser,
    id: &PlacementId,
    input: CreateChange,
) -> Result<PlacementView, ApiError> {
    let own_volunteer = changer(actor)?;
    let at = input.at.unwrap_or_else(Utc::now);
    in_future("at", at)?;
    let at = truncate(at.naive_utc());
    let site_id = load_visible(conn, actor, id)?.placement.site_id;
    poster_sites::lock(conn, &site_id)?;
    let current = load_visible(conn, actor, id)?.placement;
    let volunteer_id = match (actor.role, input.volunteer_id) {
        (Role::Volunteer, Some(_)) => {
            return Err(ApiError::invalid(
                "volunteer_id",
                ErrorCode::NotAllowed,
                "volunteers record changes as themselves",
            ));
        }
        (Role::Volunteer, None) => own_volunteer,
        (_, Some(volunteer)) => {
            ensure_volunteer(conn, "volunteer_id", &current.branch_code, &volunteer)?;
            Some(volunteer)
        }
        (_, None) => None,
    };
    if !current.status.may_become(input.status) {
        return Err(ApiError::field_conflict(
            illegal(current.status, input.status),
            "status",
            ErrorCode::IllegalStatusChange,
            None,
        ));
    }
    if input.replacement.is_some() && input.status != PlacementStatus::Replaced {
        return Err(ApiError::invalid(
            "replacement",
            ErrorCode::NotAllowed,
            "only a `replaced` change takes a replacement",
        ));
    }
    let received_at = now();
    let change = PlacementChange {
        id: PlacementChangeId::new(),
        placement_id: current.id.clone(),
        status: input.status,
        at,
        volunteer_id,
        recorded_by: actor.account_id.clone(),
        note: input.note,
        photo_ref: input.photo_ref,
        received_at,
    };
    poster_placements::insert_changes(conn, std::slice::from_ref(&change))?;
    let freed = if current.status.is_current() && !input.status.is_current() { -current.quantity } else { 0 };
    let checked_at = input.status.is_inspection().then_some(at);
    poster_sites::add_posters(conn, &site_id, freed, checked_at, received_at)?;
    let replacement = match input.replacement {
        Some(replacement) => {
            // Locked above; read again for the posters just taken down.
            let site = sites::load_visible(conn, actor, &site_id)?;
            let spec = PutUp {
                material_id: replacement.material_id.unwrap_or_else(|| current.material_id.clone()),
                quantity: replacement.quantity.unwrap_or(current.quantity),
                volunteer_id: replacement.volunteer_id,
                event_id: None,
                placed_at: at,
                note: None,
                photo_ref: None,
                replaces_id: Some(current.id.clone()),
            };
            Some(put_up(conn, actor, &site, spec)?.id)
        }
        None => None,
    };
    poster_placements::set_status(conn, &current.id, input.status, replacement.as_ref(), received_at)?;
    let details = format!("{} -> {}", current.status, input.status);
    audit::record(
        conn,
        super::audit(actor, "poster_placement_changed", "poster_placement", &current.id, Some(details)),
    )?;
    view(conn, &current.id)
}

/// Records a status change, in the caller's write transaction.
pub fn change(
    conn: &mut DbConn,
    actor: &SessionUser,
    id: &PlacementId,
    input: CreateChange,
) -> Result<PlacementView, ApiError> {
    change_status(conn, actor, id, input)
}

pub async fn get(db: &Db, actor: &AuthUser, id: PlacementId) -> Result<PlacementView, ApiError> {
    let actor = SessionUser::clone(actor);
    db.run(move |conn| {
        let placement = load_visible(conn, &actor, &id)?;
        let changes = poster_placements::changes_of(conn, std::slice::from_ref(&id))?;
        Ok((placement, changes))
    })
    .await
}

/// One page of placements as the caller may see them (`limit` rows), each with
/// its history (one query for the page).
pub async fn list(
    db: &Db,
    actor: &AuthUser,
    mut filter: PlacementFilter,
    limit: i64,
) -> Result<Vec<PlacementView>, ApiError> {
    let Some(branch) = actor.list_branch(filter.branch.take()) else { return Ok(Vec::new()) };
    filter.branch = branch;
    db.run(move |conn| {
        let rows = poster_placements::list(conn, &filter, limit)?;
        let ids: Vec<PlacementId> = rows.iter().map(|row| row.placement.id.clone()).collect();
        let mut changes: HashMap<PlacementId, Vec<PlacementChange>> = HashMap::new();
        for change in poster_placements::changes_of(conn, &ids)? {
            changes.entry(change.placement_id.clone()).or_default().push(change);
        }
        Ok(rows
            .into_iter()
            .map(|row| {
                let history = changes.remove(&row.placement.id).unwrap_or_default();
                (row, history)
            })
            .collect())
    })
    .await
}

impl BatchItem for InspectionIn {
    type Id = PlacementChangeId;

    fn id(&self) -> &PlacementChangeId {
        &self.id
    }
}

/// The rules of one inspection that need no database.
fn check_inspection(item: &InspectionIn) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if !item.status.is_inspection() {
        errors.push(FieldError::new(
            "status",
            ErrorCode::NotAllowed,
            "an inspection finds `checked`, `damaged` or `removed`",
        ));
    }
    if item.at > Utc::now() + CLOCK_SKEW {
        errors.push(FieldError::new("at", ErrorCode::InFuture, "the inspection time is in the future"));
    }
    errors
}

fn stored_changes(
    conn: &mut DbConn,
    ids: &[PlacementChangeId],
) -> Result<HashMap<PlacementChangeId, PlacementChange>, ApiError> {
    Ok(poster_placements::changes_by_ids(conn, ids)?.into_iter().map(|change| (change.id.clone(), change)).collect())
}

/// Whether a replayed inspection says what the stored change says.
fn same_inspection(stored: &PlacementChange, item: &InspectionIn) -> bool {
    stored.status == item.status
        && stored.at.and_utc().timestamp_micros() == item.at.timestamp_micros()
        && stored.note == item.note
        && stored.photo_ref == item.photo_ref
}

fn duplicate(item: &InspectionIn, existing: &PlacementChange) -> Result<bool, Vec<FieldError>> {
    if existing.placement_id == item.placement_id {
        Ok(!same_inspection(existing, item))
    } else {
        Err(vec![FieldError::new("id", ErrorCode::Taken, "this id belongs to a change of another placement")])
    }
}

fn inspection_result(decisions: Vec<batch::Decision<PlacementChange>>, actor: &SessionUser) -> InspectionBatchResult {
    let (created, duplicates, rejected) = batch::counts(&decisions);
    let visibility = actor.visibility();
    let items = decisions
        .into_iter()
        .map(|decision| InspectionResult {
            index: decision.index,
            id: decision.id,
            status: decision.status,
            conflicting: decision.conflicting,
            change: decision.existing.map(|change| ChangeOut::new(change, visibility)),
            errors: decision.errors,
        })
        .collect();
    InspectionBatchResult { created, duplicates, rejected, items }
}

/// The placements an inspection batch names, locked through their sites (in
/// site order, so two batches never deadlock) and read again under the locks;
/// only those the caller may see.
fn lock_placements(
    conn: &mut DbConn,
    actor: &SessionUser,
    ids: &[PlacementId],
) -> Result<HashMap<PlacementId, Placement>, ApiError> {
    let sites: BTreeSet<PosterSiteId> =
        poster_placements::find_many(conn, ids)?.into_iter().map(|placement| placement.site_id).collect();
    for site in &sites {
        poster_sites::lock(conn, site)?;
    }
    Ok(poster_placements::find_many(conn, ids)?
        .into_iter()
        .filter(|placement| actor.sees_branch(&placement.branch_code))
        .map(|placement| (placement.id.clone(), placement))
        .collect())
}

/// Syncs a round of inspections made offline: each item is a status change of
/// one placement (`checked`, `damaged` or `removed`), with the id the phone gave
/// it, decided on its own under the contract of every batch (see
/// [`super::batch`]): a replay, even sent twice at once, adds no history twice.
pub async fn sync_inspections(
    db: &Db,
    actor: &AuthUser,
    items: Vec<Box<RawValue>>,
) -> Result<InspectionBatchResult, ApiError> {
    batch::check_size(items.len(), "inspections")?;
    let actor = SessionUser::clone(actor);
    let volunteer_id = changer(&actor)?;
    db.run(move |conn| {
        let parsed: ParsedBatch<InspectionIn> = batch::parse(&items, |item| check_inspection(item));
        let placement_ids: Vec<PlacementId> =
            parsed.iter().filter_map(|(_, item)| item.as_ref().ok().map(|item| item.placement_id.clone())).collect();
        batch::sync(
            conn,
            parsed,
            stored_changes,
            |_, parsed, stored| {
                let (decisions, _) = batch::decide(parsed, stored, duplicate, |_| {
                    Err(vec![FieldError::new("item", ErrorCode::Refused, "not stored")])
                });
                Ok(inspection_result(decisions, &actor))
            },
            |conn| lock_placements(conn, &actor, &placement_ids),
            |conn, mut placements, parsed, stored| {
                let received_at = now();
                let before: HashMap<PlacementId, PlacementStatus> =
                    placements.iter().map(|(id, placement)| (id.clone(), placement.status)).collect();
                let create = |item: &InspectionIn| {
                    let Some(placement) = placements.get_mut(&item.placement_id) else {
                        return Err(vec![FieldError::new(
                            "placement_id",
                            ErrorCode::UnknownPlacement,
                            format!("no poster placement {} in the caller's scope", item.placement_id),
                        )]);
                    };
                    if !placement.status.may_become(item.status) {
                        return Err(vec![FieldError::new(
                            "status",
                            ErrorCode::IllegalStatusChange,
                            illegal(placement.status, item.status),
                        )]);
                    }
                    placement.status = item.status;
                    Ok(PlacementChange {
                        id: item.id.clone(),
                        placement_id: item.placement_id.clone(),
                        status: item.status,
                        at: item.at.naive_utc(),
                        volunteer_id: volunteer_id.clone(),
                        recorded_by: actor.account_id.clone(),
                        note: item.note.clone(),
                        photo_ref: item.photo_ref.clone(),
                        received_at,
                    })
                };
                let (decisions, created) = batch::decide(parsed, stored, duplicate, create);
                if !created.is_empty() {
                    poster_placements::insert_changes(conn, &created)?;
                    // Per site: the posters no longer hanging, and the latest inspection.
                    let mut per_site: HashMap<&PosterSiteId, (i32, Option<NaiveDateTime>)> = HashMap::new();
                    for change in &created {
                        let Some(placement) = placements.get(&change.placement_id) else { continue };
                        let entry = per_site.entry(&placement.site_id).or_insert((0, None));
                        entry.1 = entry.1.max(Some(change.at));
                    }
                    for (id, placement) in &placements {
                        let Some(was) = before.get(id) else { continue };
                        if *was == placement.status {
                            continue;
                        }
                        poster_placements::set_status(conn, id, placement.status, None, received_at)?;
                        if was.is_current() && !placement.status.is_current() {
                            per_site.entry(&placement.site_id).or_insert((0, None)).0 -= placement.quantity;
                        }
                    }
                    for (site, (delta, checked_at)) in per_site {
                        poster_sites::add_posters(conn, site, delta, checked_at, received_at)?;
                    }
                    audit::record(
                        conn,
                        AuditEvent {
                            actor_id: Some(&actor.account_id),
                            action: "poster_inspections_synced",
                            record_type: "poster_placement",
                            record_id: None,
                            request_id: actor.request_id.as_deref(),
                            details: Some(format!("{} inspections", created.len())),
                        },
                    )?;
                }
                Ok(inspection_result(decisions, &actor))
            },
        )
    })
    .await
}
