//! CSV import and export of poster sites, on the machinery every CSV shares
//! (`service::csv_import`): the local decisions designating sites arrive as
//! tables. Each row is checked and stored on its own, in its own transaction.

use chrono::NaiveDate;
use validator::Validate;

use crate::auth::{AuthUser, SessionUser};
use crate::db::poster_sites::{self, PosterSite, SiteFilter};
use crate::db::{Db, write_transaction};
use crate::domain::ids::LocalityId;
use crate::domain::poster::{SiteKind, SiteStatus};
use crate::dto::poster::{CreateSite, SiteImportReport, SiteRowResult};
use crate::dto::volunteer_import::RowStatus;
use crate::error::{ApiError, ErrorCode, FieldError};
use crate::service::csv_import::{self, Record, field_errors, parse_id, stops_the_import, tally};
use crate::service::poster_sites as sites;

/// Columns of the export; the import reads those a new site has.
pub const COLUMNS: [&str; 17] = [
    "id",
    "branch",
    "locality_id",
    "address",
    "latitude",
    "longitude",
    "kind",
    "capacity",
    "decision_body",
    "decision_number",
    "decision_date",
    "status",
    "current_posters",
    "last_checked_at",
    "created_at",
    "updated_at",
    "version",
];

/// Columns an import needs.
pub const REQUIRED: [&str; 7] =
    ["locality_id", "address", "kind", "capacity", "decision_body", "decision_number", "decision_date"];

/// One row as the form's body, or why it cannot be one.
fn parse_row(record: &Record) -> Result<CreateSite, Vec<FieldError>> {
    let mut errors = Vec::new();
    let address = record.required("address", &mut errors);
    let decision_body = record.required("decision_body", &mut errors);
    let decision_number = record.required("decision_number", &mut errors);
    let locality_id = match record.get("locality_id") {
        None => {
            errors.push(FieldError::new("locality_id", ErrorCode::Required, "the locality_id column is empty"));
            None
        }
        some => parse_id::<LocalityId>("locality_id", some, &mut errors),
    };
    let kind = match record.get("kind") {
        None => {
            errors.push(FieldError::new("kind", ErrorCode::Required, "the kind column is empty"));
            None
        }
        Some(text) => text
            .parse::<SiteKind>()
            .map_err(|_| {
                errors.push(FieldError::new("kind", ErrorCode::UnknownValue, "board, stand, billboard or other"))
            })
            .ok(),
    };
    let capacity = match record.get("capacity") {
        None => {
            errors.push(FieldError::new("capacity", ErrorCode::Required, "the capacity column is empty"));
            None
        }
        Some(text) => text
            .parse::<i32>()
            .map_err(|_| errors.push(FieldError::new("capacity", ErrorCode::Format, "a whole number, e.g. 4")))
            .ok(),
    };
    let decision_date = match record.get("decision_date") {
        None => {
            errors.push(FieldError::new("decision_date", ErrorCode::Required, "the decision_date column is empty"));
            None
        }
        Some(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_err(|_| errors.push(FieldError::new("decision_date", ErrorCode::Format, "a date, e.g. 2026-10-15")))
            .ok(),
    };
    let mut coordinate = |column: &str| {
        record.get(column).and_then(|text| {
            text.parse::<f64>()
                .map_err(|_| errors.push(FieldError::new(column, ErrorCode::Format, "a decimal number, e.g. 51.1282")))
                .ok()
        })
    };
    let latitude = coordinate("latitude");
    let longitude = coordinate("longitude");
    let status = record.get("status").and_then(|text| {
        text.parse::<SiteStatus>()
            .map_err(|_| errors.push(FieldError::new("status", ErrorCode::UnknownValue, "active or retired")))
            .ok()
    });
    let (Some(locality_id), Some(kind), Some(capacity), Some(decision_date), true) =
        (locality_id, kind, capacity, decision_date, errors.is_empty())
    else {
        return Err(errors);
    };
    let site = CreateSite {
        branch: record.get("branch").map(str::to_owned),
        locality_id,
        address,
        latitude,
        longitude,
        kind,
        capacity,
        decision_body,
        decision_number,
        decision_date,
        status,
    };
    site.validate().map_err(|err| field_errors(ApiError::from(err)))?;
    Ok(site)
}

/// Imports poster sites from CSV (with a header row), reporting on every row;
/// with `dry_run` nothing is stored.
pub async fn import(
    db: &Db,
    actor: &AuthUser,
    csv_bytes: Vec<u8>,
    dry_run: bool,
) -> Result<SiteImportReport, ApiError> {
    let rows = csv_import::read(csv_bytes, &REQUIRED)?;
    let parsed: Vec<(usize, Result<CreateSite, Vec<FieldError>>)> =
        rows.into_iter().map(|(row, record)| (row, record.and_then(|record| parse_row(&record)))).collect();
    let actor = SessionUser::clone(actor);
    db.run(move |conn| {
        let mut rows = Vec::with_capacity(parsed.len());
        for (row, outcome) in parsed {
            let mut result = SiteRowResult { row, status: RowStatus::Error, site_id: None, errors: vec![] };
            let attempt = outcome.map_err(ApiError::Validation).and_then(|input| {
                if dry_run {
                    sites::prepare(conn, &actor, input).map(|_| None)
                } else {
                    write_transaction(conn, |conn| {
                        let site = sites::prepare(conn, &actor, input)?;
                        sites::insert(conn, &actor, &site, "poster_site_imported")?;
                        Ok(Some(site.id))
                    })
                }
            });
            match attempt {
                Ok(None) => result.status = RowStatus::Valid,
                Ok(Some(id)) => {
                    result.status = RowStatus::Created;
                    result.site_id = Some(id);
                }
                Err(err) if stops_the_import(&err) => return Err(err),
                Err(err) => result.errors = field_errors(err),
            }
            rows.push(result);
        }
        let (created, valid, _, errors) = tally(rows.iter().map(|row| row.status));
        Ok(SiteImportReport { dry_run, created, valid, errors, rows })
    })
    .await
}

/// The sites `actor` may see (with the list's filters), as CSV.
pub async fn export(db: &Db, actor: &AuthUser, filter: SiteFilter) -> Result<Vec<u8>, ApiError> {
    let Some(mut filter) = sites::scoped(actor, filter) else { return csv_import::write(&COLUMNS, Vec::new()) };
    let rows = db
        .run(move |conn| {
            let mut rows: Vec<PosterSite> = Vec::new();
            loop {
                let page = poster_sites::list(conn, &filter, 1000)?;
                let done = page.len() < 1000;
                filter.after = page.last().map(|row| row.id.to_string());
                rows.extend(page);
                if done {
                    break;
                }
            }
            Ok(rows)
        })
        .await?;
    let time = |at: chrono::NaiveDateTime| at.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let number = |value: Option<f64>| value.map(|value| value.to_string()).unwrap_or_default();
    csv_import::write(
        &COLUMNS,
        rows.into_iter().map(|row| {
            vec![
                row.id.into(),
                row.branch_code,
                row.locality_id.into(),
                row.address,
                number(row.latitude),
                number(row.longitude),
                row.kind.as_str().to_owned(),
                row.capacity.to_string(),
                row.decision_body,
                row.decision_number,
                row.decision_date.to_string(),
                row.status.as_str().to_owned(),
                row.current_posters.to_string(),
                row.last_checked_at.map(time).unwrap_or_default(),
                time(row.created_at),
                time(row.updated_at),
                row.version.to_string(),
            ]
        }),
    )
}
