//! CSV export and import of volunteers.
//!
//! The export is UTF-8 with a byte-order mark, so spreadsheet programs show
//! Kazakh and Russian text correctly. The import checks each row on its own and
//! stores each in its own transaction: a bad row never stops the good ones and
//! never leaves anything half-written.

use crate::domain::ids::{LocalityId, MemberOrganisationId};
use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};

use crate::auth::{AuthUser, SessionUser};
use crate::db::audit::{self, AuditEvent};
use crate::db::volunteers::{self, Volunteer, VolunteerFilter, decode_list};
use crate::db::{Db, write_transaction};
use crate::domain::volunteer::{VolunteerSource, VolunteerStatus};
use crate::dto::volunteer::{Consent, GuardianConsent, Language};
use crate::dto::volunteer_import::{ImportReport, RowResult, RowStatus};
use crate::error::{ApiError, ErrorCode, FieldError};
use crate::service::csv_import::{self, Record, field_errors, parse_id, stops_the_import, tally};
use crate::service::volunteers::{DraftInput, Inserted, check_draft, draft, insert_draft, target_branch};

/// Columns of the export, and the columns the import understands.
pub const COLUMNS: [&str; 15] = [
    "id",
    "branch",
    "locality_id",
    "full_name",
    "phone",
    "email",
    "birth_date",
    "languages",
    "skills",
    "member_organisation_id",
    "youth_wing",
    "status",
    "consent_at",
    "consent_version",
    "created_at",
];

/// The volunteers `actor` may see (with the list's filters), as CSV.
pub async fn export(db: &Db, actor: &AuthUser, mut filter: VolunteerFilter) -> Result<Vec<u8>, ApiError> {
    if let Some(own) = actor.branch.clone() {
        filter.branch = Some(own);
    }
    let actor = SessionUser::clone(actor);
    let rows = db
        .run(move |conn| {
            let mut rows: Vec<Volunteer> = Vec::new();
            loop {
                let page = volunteers::list(conn, &filter, 1000)?;
                let done = page.len() < 1000;
                filter.after = page.last().map(|row| row.id.to_string());
                rows.extend(page);
                if done {
                    break;
                }
            }
            audit::record(
                conn,
                AuditEvent {
                    actor_id: Some(&actor.account_id),
                    action: "volunteers_exported",
                    record_type: "volunteer",
                    record_id: None,
                    request_id: actor.request_id.as_deref(),
                    details: Some(format!("{} volunteers", rows.len())),
                },
            )?;
            Ok(rows)
        })
        .await?;
    let date = |at: chrono::NaiveDateTime| at.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    csv_import::write(
        &COLUMNS,
        rows.into_iter().map(|row| {
            vec![
                row.id.into(),
                row.branch_code,
                row.locality_id.map(String::from).unwrap_or_default(),
                row.full_name.unwrap_or_default(),
                row.phone.unwrap_or_default(),
                row.email.unwrap_or_default(),
                row.birth_date.map(|d| d.to_string()).unwrap_or_default(),
                decode_list(&row.languages).join(";"),
                decode_list(&row.skills).join(";"),
                row.member_organisation_id.map(String::from).unwrap_or_default(),
                row.youth_wing.to_string(),
                row.status.as_str().to_owned(),
                date(row.consent_at),
                row.consent_version,
                date(row.created_at),
            ]
        }),
    )
}

/// The length limits of the JSON API, for the columns an import reads.
fn check_lengths(get: &dyn Fn(&str) -> Option<String>, errors: &mut Vec<FieldError>) {
    let limits =
        [("full_name", 200), ("email", 254), ("consent_version", 50), ("guardian_name", 200), ("skills", 1100)];
    for (column, max) in limits {
        if get(column).is_some_and(|value| value.chars().count() > max) {
            errors.push(FieldError::new(column, ErrorCode::Length, format!("at most {max} characters")));
        }
    }
    if let Some(email) = get("email")
        && !validator::ValidateEmail::validate_email(&email)
    {
        errors.push(FieldError::new("email", ErrorCode::Email, "not an email address"));
    }
}

/// One parsed row of an import, before the database is asked anything.
fn parse_row(actor: &SessionUser, record: &Record) -> Result<DraftRow, Vec<FieldError>> {
    let get = |name: &str| record.get(name);
    let mut errors = Vec::new();
    check_lengths(&|name: &str| get(name).map(str::to_owned), &mut errors);
    let mut required = |name: &str| {
        get(name).map(str::to_owned).unwrap_or_else(|| {
            errors.push(FieldError::new(name, ErrorCode::Required, format!("the {name} column is empty")));
            String::new()
        })
    };
    let full_name = required("full_name");
    let phone = required("phone");
    let consent_version = required("consent_version");
    let consent_at = required("consent_at");
    let consent_at = DateTime::parse_from_rfc3339(&consent_at).map(|at| at.with_timezone(&Utc)).unwrap_or_else(|_| {
        if !consent_at.is_empty() {
            errors.push(FieldError::new(
                "consent_at",
                ErrorCode::Format,
                "an RFC 3339 time, e.g. 2026-11-01T09:00:00Z",
            ));
        }
        Utc::now()
    });
    let birth_date = get("birth_date").and_then(|text| {
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_err(|_| errors.push(FieldError::new("birth_date", ErrorCode::Format, "a date, e.g. 2004-05-17")))
            .ok()
    });
    let languages: Vec<Language> = get("languages")
        .map(|text| {
            text.split([';', ',', '|'])
                .map(str::trim)
                .filter(|code| !code.is_empty())
                .filter_map(|code| match code {
                    "kk" => Some(Language::Kk),
                    "ru" => Some(Language::Ru),
                    "en" => Some(Language::En),
                    _ => {
                        errors.push(FieldError::new("languages", ErrorCode::UnknownValue, "languages are kk, ru, en"));
                        None
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let skills: Vec<String> = get("skills")
        .map(|text| text.split([';', '|']).map(str::to_owned).filter(|s| !s.trim().is_empty()).collect())
        .unwrap_or_default();
    let youth_wing = match get("youth_wing").map(str::to_lowercase).as_deref() {
        None | Some("false" | "0" | "no") => false,
        Some("true" | "1" | "yes") => true,
        Some(_) => {
            errors.push(FieldError::new("youth_wing", ErrorCode::Format, "true or false"));
            false
        }
    };
    let status = match get("status") {
        None => VolunteerStatus::Active,
        Some(text) => text.parse().unwrap_or_else(|_| {
            errors.push(FieldError::new("status", ErrorCode::UnknownValue, "applicant, active, paused or left"));
            VolunteerStatus::Active
        }),
    };
    let guardian = match (get("guardian_name"), get("guardian_consent_at")) {
        (Some(name), Some(at)) => match DateTime::parse_from_rfc3339(at) {
            Ok(at) => Some(GuardianConsent { guardian_name: name.to_owned(), given_at: at.with_timezone(&Utc) }),
            Err(_) => {
                errors.push(FieldError::new("guardian_consent_at", ErrorCode::Format, "an RFC 3339 time"));
                None
            }
        },
        _ => None,
    };
    let locality_id = parse_id::<LocalityId>("locality_id", get("locality_id"), &mut errors);
    let member_organisation_id =
        parse_id::<MemberOrganisationId>("member_organisation_id", get("member_organisation_id"), &mut errors);
    let branch = target_branch(actor, get("branch").map(str::to_owned))
        .map_err(|err| errors.push(FieldError::new("branch", ErrorCode::NotAllowed, err.to_string())))
        .unwrap_or_default();
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(DraftRow {
        branch,
        locality_id,
        full_name,
        phone,
        email: get("email").map(str::to_owned),
        birth_date,
        languages,
        skills,
        member_organisation_id,
        youth_wing,
        status,
        consent: Consent { given_at: consent_at, text_version: consent_version },
        guardian,
    })
}

/// What became of one well-formed row.
enum RowOutcome {
    Created(String),
    /// A dry run found nothing against storing it.
    Valid,
    Duplicate(Box<Volunteer>),
}

struct DraftRow {
    branch: String,
    locality_id: Option<LocalityId>,
    full_name: String,
    phone: String,
    email: Option<String>,
    birth_date: Option<NaiveDate>,
    languages: Vec<Language>,
    skills: Vec<String>,
    member_organisation_id: Option<MemberOrganisationId>,
    youth_wing: bool,
    status: VolunteerStatus,
    consent: Consent,
    guardian: Option<GuardianConsent>,
}

/// Imports volunteers from CSV (with a header row), reporting on every row.
pub async fn import(db: &Db, actor: &AuthUser, csv_bytes: Vec<u8>, dry_run: bool) -> Result<ImportReport, ApiError> {
    let rows = csv_import::read(csv_bytes, &["full_name", "phone", "consent_at", "consent_version"])?;
    let actor = SessionUser::clone(actor);
    let mut parsed = Vec::new();
    for (row, record) in rows {
        let outcome = record.and_then(|record| {
            parse_row(&actor, &record).and_then(|row| {
                draft(DraftInput {
                    branch: row.branch,
                    locality_id: row.locality_id,
                    full_name: &row.full_name,
                    phone: &row.phone,
                    foreign_phone: false,
                    email: row.email.as_deref(),
                    birth_date: row.birth_date,
                    languages: &row.languages,
                    skills: &row.skills,
                    member_organisation_id: row.member_organisation_id,
                    youth_wing: row.youth_wing,
                    availability: None,
                    status: row.status,
                    consent: &row.consent,
                    guardian_consent: row.guardian.as_ref(),
                    source: VolunteerSource::Import,
                })
                .map_err(field_errors)
            })
        });
        parsed.push((row, outcome));
    }
    db.run(move |conn| {
        let mut report = ImportReport { dry_run, created: 0, valid: 0, duplicates: 0, errors: 0, rows: Vec::new() };
        let mut phones_in_file: HashMap<String, usize> = HashMap::new();
        for (row, outcome) in parsed {
            let mut result =
                RowResult { row, status: RowStatus::Error, volunteer_id: None, existing_id: None, errors: vec![] };
            match outcome {
                Err(errors) => result.errors = errors,
                Ok(draft) if phones_in_file.contains_key(&draft.phone) => {
                    result.status = RowStatus::Duplicate;
                    result.errors.push(FieldError::new(
                        "phone",
                        ErrorCode::DuplicateInFile,
                        format!("the same phone is on row {}", phones_in_file[&draft.phone]),
                    ));
                }
                Ok(draft) => {
                    phones_in_file.insert(draft.phone.clone(), row);
                    // Each row in its own transaction; a dry run only checks.
                    let attempt = if dry_run {
                        check_draft(conn, &draft).map(|existing| match existing {
                            Some(existing) => RowOutcome::Duplicate(Box::new(existing)),
                            None => RowOutcome::Valid,
                        })
                    } else {
                        write_transaction(conn, |conn| match insert_draft(conn, draft)? {
                            Inserted::Created(volunteer) => {
                                let event = crate::service::volunteers::event(
                                    &actor,
                                    "volunteer_imported",
                                    &volunteer.id,
                                    None,
                                );
                                audit::record(conn, event)?;
                                Ok(RowOutcome::Created(volunteer.id.into()))
                            }
                            Inserted::Duplicate(existing) => Ok(RowOutcome::Duplicate(existing)),
                        })
                    };
                    match attempt {
                        Ok(RowOutcome::Valid) => result.status = RowStatus::Valid,
                        Ok(RowOutcome::Created(id)) => {
                            result.status = RowStatus::Created;
                            result.volunteer_id = Some(id);
                        }
                        Ok(RowOutcome::Duplicate(existing)) => {
                            result.status = RowStatus::Duplicate;
                            result.existing_id =
                                actor.sees_branch(&existing.branch_code).then(|| existing.id.to_string());
                        }
                        Err(err) if stops_the_import(&err) => return Err(err),
                        Err(err) => result.errors = field_errors(err),
                    }
                }
            }
            report.rows.push(result);
        }
        (report.created, report.valid, report.duplicates, report.errors) =
            tally(report.rows.iter().map(|row| row.status));
        Ok(report)
    })
    .await
}
