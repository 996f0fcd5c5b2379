//! The offline batch-sync contract, shared by every batch a phone syncs (visits
//! of a door-to-door route, poster inspection rounds):
//!
//! - each item carries the id the phone generated for it; each is decided on its
//!   own: `created`, `duplicate` (that id is stored already; the stored record
//!   stands, `conflicting` says whether the item says something else) or
//!   `rejected` (with its field errors; nothing of it is stored);
//! - a batch that creates nothing (a replay, or only refused items) is decided
//!   without a write transaction, so a replay does not queue behind other writers;
//! - otherwise the batch is decided again inside one write transaction, after
//!   the records it changes are locked and the stored items re-read: a replay
//!   sent twice at once stores nothing twice.

use std::collections::HashMap;
use std::fmt::Display;
use std::hash::Hash;

use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use validator::Validate;

use crate::db::{DbConn, write_transaction};
use crate::dto::batch::ItemStatus;
use crate::dto::json::parse_json;
use crate::error::{ApiError, ErrorCode, FieldError};

/// Most items one batch carries.
pub const MAX_BATCH: usize = 500;

/// An item of a batch: it names itself with the id its phone generated.
pub trait BatchItem: DeserializeOwned + Validate {
    type Id: Clone + Eq + Hash + Display;

    fn id(&self) -> &Self::Id;
}

/// An item read from the batch, or why it cannot be.
pub type ParsedItem<T> = Result<T, Vec<FieldError>>;
/// Each item of a batch: the id it carried (when readable) and what it parsed to.
pub type ParsedBatch<T> = Vec<(Option<String>, ParsedItem<T>)>;

/// A batch over [`MAX_BATCH`] items is refused whole (`field` names the list).
pub fn check_size(items: usize, field: &str) -> Result<(), ApiError> {
    if items > MAX_BATCH {
        return Err(ApiError::invalid(field, ErrorCode::TooMany, format!("at most {MAX_BATCH} items per batch")));
    }
    Ok(())
}

/// The field errors an item's failure comes to.
pub fn errors_of(err: ApiError) -> Vec<FieldError> {
    match err {
        ApiError::Validation(errors) | ApiError::BadRequest { errors, .. } => errors,
        other => vec![FieldError::new("item", ErrorCode::Refused, other.problem().detail)],
    }
}

/// Reads every item: shape (serde), rules (validator), and `check`, the rules
/// that need no database (it may also complete the item, e.g. a derived total).
pub fn parse<T: BatchItem>(items: &[Box<RawValue>], check: impl Fn(&mut T) -> Vec<FieldError>) -> ParsedBatch<T> {
    items
        .iter()
        .map(|raw| match parse_item(raw, &check) {
            Ok(item) => (Some(item.id().to_string()), Ok(item)),
            Err(errors) => (id_of_unreadable(raw), Err(errors)),
        })
        .collect()
}

fn parse_item<T: BatchItem>(raw: &RawValue, check: &impl Fn(&mut T) -> Vec<FieldError>) -> ParsedItem<T> {
    // Named as in a body of its own, but a fault of the whole item is the item's.
    let mut item: T = parse_json(raw.get().as_bytes()).map_err(|err| {
        let mut errors = errors_of(err);
        errors.iter_mut().filter(|error| error.field == "body").for_each(|error| error.field = "item".into());
        errors
    })?;
    item.validate().map_err(|err| errors_of(ApiError::from(err)))?;
    let errors = check(&mut item);
    if errors.is_empty() { Ok(item) } else { Err(errors) }
}

/// The id an item carried, read apart from the rest so that a refused item can
/// still be matched to the phone's record.
fn id_of_unreadable(raw: &RawValue) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct IdOnly {
        id: Option<String>,
    }
    serde_json::from_str::<IdOnly>(raw.get()).ok().and_then(|item| item.id)
}

/// The ids of the readable items.
pub fn ids<T: BatchItem>(parsed: &ParsedBatch<T>) -> Vec<T::Id> {
    parsed.iter().filter_map(|(_, item)| item.as_ref().ok().map(|item| item.id().clone())).collect()
}

/// What became of one item.
#[derive(Debug)]
pub struct Decision<S> {
    /// Position in the batch.
    pub index: usize,
    /// The item's id, when it had a readable one.
    pub id: Option<String>,
    pub status: ItemStatus,
    pub conflicting: bool,
    /// For a duplicate: the record stored under its id.
    pub existing: Option<S>,
    pub errors: Vec<FieldError>,
}

/// Decides every item against the records already stored under the items' ids:
/// a stored id is a duplicate when `duplicate` accepts it (`Ok(conflicting)`),
/// otherwise `create` makes the new record or refuses the item. `stored` gains
/// each new record, so an id repeated within the batch is a duplicate. Returns
/// the decisions and the new records, in batch order. Writes nothing.
pub fn decide<T: BatchItem, S: Clone>(
    parsed: ParsedBatch<T>,
    mut stored: HashMap<T::Id, S>,
    mut duplicate: impl FnMut(&T, &S) -> Result<bool, Vec<FieldError>>,
    mut create: impl FnMut(&T) -> Result<S, Vec<FieldError>>,
) -> (Vec<Decision<S>>, Vec<S>) {
    let mut decisions = Vec::with_capacity(parsed.len());
    let mut created = Vec::new();
    for (index, (raw_id, item)) in parsed.into_iter().enumerate() {
        let mut decision = Decision {
            index,
            id: raw_id,
            status: ItemStatus::Rejected,
            conflicting: false,
            existing: None,
            errors: vec![],
        };
        match item {
            Err(errors) => decision.errors = errors,
            Ok(item) => match stored.get(item.id()) {
                Some(existing) => match duplicate(&item, existing) {
                    Ok(conflicting) => {
                        decision.status = ItemStatus::Duplicate;
                        decision.conflicting = conflicting;
                        decision.existing = Some(existing.clone());
                    }
                    Err(errors) => decision.errors = errors,
                },
                None => match create(&item) {
                    Ok(record) => {
                        decision.status = ItemStatus::Created;
                        created.push(record.clone());
                        stored.insert(item.id().clone(), record);
                    }
                    Err(errors) => decision.errors = errors,
                },
            },
        }
        decisions.push(decision);
    }
    (decisions, created)
}

/// How many items were created, duplicates and rejected.
pub fn counts<S>(decisions: &[Decision<S>]) -> (usize, usize, usize) {
    let count = |status: ItemStatus| decisions.iter().filter(|decision| decision.status == status).count();
    (count(ItemStatus::Created), count(ItemStatus::Duplicate), count(ItemStatus::Rejected))
}

/// Runs a parsed batch under the contract: `load` reads the records stored under
/// the items' ids. When every readable item is stored already (or none is
/// readable), `replay` decides it without a transaction; a batch whose first
/// item is new goes straight to the transaction. Otherwise, in one write
/// transaction, `lock` locks what the batch changes (and re-reads it), the
/// stored records are read again under that lock, and `apply` decides and writes.
pub fn sync<T: BatchItem, S, C, R>(
    conn: &mut DbConn,
    parsed: ParsedBatch<T>,
    load: impl Fn(&mut DbConn, &[T::Id]) -> Result<HashMap<T::Id, S>, ApiError>,
    replay: impl FnOnce(&mut DbConn, ParsedBatch<T>, HashMap<T::Id, S>) -> Result<R, ApiError>,
    lock: impl FnOnce(&mut DbConn) -> Result<C, ApiError>,
    apply: impl FnOnce(&mut DbConn, C, ParsedBatch<T>, HashMap<T::Id, S>) -> Result<R, ApiError>,
) -> Result<R, ApiError> {
    let ids = ids(&parsed);
    // A new batch, the common case, is told by its first item alone: one lookup
    // instead of the whole batch's, which the transaction reads again anyway.
    let first_is_new = match ids.first() {
        Some(first) => load(conn, std::slice::from_ref(first))?.is_empty(),
        None => false,
    };
    if !first_is_new {
        let stored = load(conn, &ids)?;
        let writes_nothing =
            parsed.iter().all(|(_, item)| item.as_ref().map_or(true, |item| stored.contains_key(item.id())));
        if writes_nothing {
            return replay(conn, parsed, stored);
        }
    }
    write_transaction(conn, |conn| {
        let context = lock(conn)?;
        let stored = load(conn, &ids)?;
        apply(conn, context, parsed, stored)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Validate)]
    struct Item {
        id: String,
        #[validate(range(min = 0, max = 10))]
        n: i32,
    }

    impl BatchItem for Item {
        type Id = String;

        fn id(&self) -> &String {
            &self.id
        }
    }

    fn raw(items: &[&str]) -> Vec<Box<RawValue>> {
        items.iter().map(|item| RawValue::from_string((*item).to_owned()).unwrap()).collect()
    }

    #[test]
    fn each_item_is_decided_on_its_own_and_a_repeated_id_is_a_duplicate() {
        let items =
            raw(&[r#"{"id": "a", "n": 1}"#, r#"{"id": "b", "n": 11}"#, r#"{"id": "a", "n": 2}"#, r#"{"id": "c"}"#]);
        let parsed = parse(&items, |_: &mut Item| Vec::new());
        let stored: HashMap<String, i32> = HashMap::new();
        let (decisions, created) =
            decide(parsed, stored, |item: &Item, existing: &i32| Ok(item.n != *existing), |item: &Item| Ok(item.n));
        let statuses: Vec<ItemStatus> = decisions.iter().map(|decision| decision.status).collect();
        assert_eq!(
            statuses,
            vec![ItemStatus::Created, ItemStatus::Rejected, ItemStatus::Duplicate, ItemStatus::Rejected]
        );
        assert!(decisions[2].conflicting, "the repeat says something else");
        assert_eq!(decisions[1].errors[0].field, "n");
        assert_eq!(decisions[3].id.as_deref(), Some("c"), "an unreadable item keeps its id");
        assert_eq!(created, vec![1]);
        assert_eq!(counts(&decisions), (1, 1, 2));
    }
}
