//! Volunteers: recording, reading with privacy, updating, anonymising, and the
//! public recruitment form.

use crate::domain::ids::{LocalityId, MemberOrganisationId, VolunteerId};
use crate::domain::visibility::Visibility;
use chrono::{NaiveDate, NaiveDateTime, TimeDelta, Utc};
use unicode_normalization::UnicodeNormalization;

use crate::auth::{AuthUser, SessionUser};
use crate::db::accounts::{self, AccountChanges};
use crate::db::audit::{self, AuditEvent};
use crate::db::volunteers::{self, Volunteer, VolunteerChanges, VolunteerFilter, encode_list};
use crate::db::{Db, DbConn, branches, localities, member_organisations, refresh_tokens, write_transaction};
use crate::domain::phone::normalize_phone;
use crate::domain::role::Role;
use crate::domain::time::now;
use crate::domain::version::ExpectedVersion;
use crate::domain::volunteer::{ADULT_AGE, MAX_AGE, MIN_AGE, VolunteerSource, VolunteerStatus, age_on};
use crate::dto::volunteer::{Consent, CreateVolunteer, GuardianConsent, Language, UpdateVolunteer, VolunteerOut};
use crate::error::{ApiError, ErrorCode, FieldError};

/// How far in the future a client clock may be before a time is refused.
const CLOCK_SKEW: TimeDelta = TimeDelta::minutes(5);

/// A name as stored: NFC, trimmed, inner whitespace collapsed.
pub fn normalize_name(name: &str) -> String {
    name.nfc().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text searched by `q`: lower-cased name and the phone's digits.
pub fn search_text(full_name: &str, phone: &str) -> String {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    format!("{} {digits}", full_name.to_lowercase())
}

/// Validated, normalised input shared by staff creation, applications and import.
#[derive(Debug, Clone)]
pub struct VolunteerDraft {
    pub branch: String,
    pub locality_id: Option<LocalityId>,
    pub full_name: String,
    pub phone: String,
    pub email: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub languages: Vec<String>,
    pub skills: Vec<String>,
    pub member_organisation_id: Option<MemberOrganisationId>,
    pub youth_wing: bool,
    pub availability: Option<String>,
    pub status: VolunteerStatus,
    pub consent_at: NaiveDateTime,
    pub consent_version: String,
    pub guardian_name: Option<String>,
    pub guardian_consent_at: Option<NaiveDateTime>,
    pub source: VolunteerSource,
}

fn normalize_skills(skills: &[String], errors: &mut Vec<FieldError>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (index, skill) in skills.iter().enumerate() {
        let skill = normalize_name(skill).to_lowercase();
        if skill.is_empty() || skill.chars().count() > 50 || skill.contains(',') {
            errors.push(FieldError::new(
                format!("skills[{index}]"),
                ErrorCode::Format,
                "a skill is 1 to 50 characters without commas",
            ));
        } else if !out.contains(&skill) {
            out.push(skill);
        }
    }
    out
}

fn check_birth_date(birth_date: Option<NaiveDate>, has_guardian_consent: bool, errors: &mut Vec<FieldError>) {
    let Some(birth_date) = birth_date else { return };
    let today = Utc::now().date_naive();
    if birth_date > today {
        errors.push(FieldError::new("birth_date", ErrorCode::InFuture, "the birth date is in the future"));
        return;
    }
    match age_on(birth_date, today) {
        Some(age) if (MIN_AGE..MAX_AGE).contains(&age) => {
            if age < ADULT_AGE && !has_guardian_consent {
                errors.push(FieldError::new(
                    "guardian_consent",
                    ErrorCode::Required,
                    "a volunteer under 18 needs a recorded parent's or guardian's consent",
                ));
            }
        }
        _ => errors.push(FieldError::new(
            "birth_date",
            ErrorCode::ImplausibleAge,
            format!("volunteers are {MIN_AGE} to {} years old", MAX_AGE - 1),
        )),
    }
}

fn check_not_future(field: &str, at: chrono::DateTime<Utc>, errors: &mut Vec<FieldError>) {
    if at > Utc::now() + CLOCK_SKEW {
        errors.push(FieldError::new(field, ErrorCode::InFuture, "this time is in the future"));
    }
}

/// Everything about a new volunteer that can be checked without the database.
pub struct DraftInput<'a> {
    pub branch: String,
    pub locality_id: Option<LocalityId>,
    pub full_name: &'a str,
    pub phone: &'a str,
    pub foreign_phone: bool,
    pub email: Option<&'a str>,
    pub birth_date: Option<NaiveDate>,
    pub languages: &'a [Language],
    pub skills: &'a [String],
    pub member_organisation_id: Option<MemberOrganisationId>,
    pub youth_wing: bool,
    pub availability: Option<&'a str>,
    pub status: VolunteerStatus,
    pub consent: &'a Consent,
    pub guardian_consent: Option<&'a GuardianConsent>,
    pub source: VolunteerSource,
}

pub fn draft(input: DraftInput<'_>) -> Result<VolunteerDraft, ApiError> {
    let mut errors = Vec::new();
    let phone = normalize_phone(input.phone, input.foreign_phone).unwrap_or_else(|err| {
        errors.push(FieldError::new("phone", err.code, err.message));
        String::new()
    });
    let full_name = normalize_name(input.full_name);
    if full_name.chars().count() < 2 {
        errors.push(FieldError::new("full_name", ErrorCode::Length, "a name has at least 2 characters"));
    }
    let skills = normalize_skills(input.skills, &mut errors);
    check_birth_date(input.birth_date, input.guardian_consent.is_some(), &mut errors);
    check_not_future("consent.given_at", input.consent.given_at, &mut errors);
    if let Some(guardian) = input.guardian_consent {
        check_not_future("guardian_consent.given_at", guardian.given_at, &mut errors);
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let mut languages: Vec<String> = input.languages.iter().map(|language| language.as_str().to_owned()).collect();
    languages.dedup();
    Ok(VolunteerDraft {
        branch: input.branch,
        locality_id: input.locality_id,
        full_name,
        phone,
        email: input.email.map(|email| email.trim().to_lowercase()),
        birth_date: input.birth_date,
        languages,
        skills,
        member_organisation_id: input.member_organisation_id,
        youth_wing: input.youth_wing,
        availability: input.availability.map(|text| text.trim().to_owned()).filter(|text| !text.is_empty()),
        status: input.status,
        consent_at: input.consent.given_at.naive_utc(),
        consent_version: input.consent.text_version.trim().to_owned(),
        guardian_name: input.guardian_consent.map(|guardian| normalize_name(&guardian.guardian_name)),
        guardian_consent_at: input.guardian_consent.map(|guardian| guardian.given_at.naive_utc()),
        source: input.source,
    })
}

/// The references a volunteer makes must exist and fit its branch.
fn check_references(
    conn: &mut DbConn,
    branch: &str,
    locality_id: Option<&LocalityId>,
    member_organisation_id: Option<&MemberOrganisationId>,
) -> Result<(), ApiError> {
    if branches::find(conn, branch)?.is_none() {
        return Err(ApiError::invalid("branch", ErrorCode::UnknownBranch, format!("there is no branch {branch}")));
    }
    if let Some(id) = locality_id
        && localities::find(conn, id)?.is_none_or(|locality| locality.branch_code != branch)
    {
        return Err(ApiError::invalid(
            "locality_id",
            ErrorCode::UnknownLocality,
            "not a locality of the volunteer's branch",
        ));
    }
    if let Some(id) = member_organisation_id
        && member_organisations::find(conn, id)?
            .is_none_or(|organisation| organisation.branch_code.as_deref().is_some_and(|own| own != branch))
    {
        return Err(ApiError::invalid(
            "member_organisation_id",
            ErrorCode::UnknownMemberOrganisation,
            "not a national member organisation nor one of the volunteer's branch",
        ));
    }
    Ok(())
}

/// What inserting a draft did.
pub enum Inserted {
    Created(Box<Volunteer>),
    /// The phone belongs to this volunteer already.
    Duplicate(Box<Volunteer>),
}

/// Checks the draft against the database: references valid, and the volunteer
/// already registered under its phone, if any.
pub fn check_draft(conn: &mut DbConn, draft: &VolunteerDraft) -> Result<Option<Volunteer>, ApiError> {
    check_references(conn, &draft.branch, draft.locality_id.as_ref(), draft.member_organisation_id.as_ref())?;
    Ok(volunteers::find_by_phone(conn, &draft.phone)?)
}

/// Inserts the draft unless its phone is known; the caller's transaction decides
/// what a duplicate means.
pub fn insert_draft(conn: &mut DbConn, draft: VolunteerDraft) -> Result<Inserted, ApiError> {
    if let Some(existing) = check_draft(conn, &draft)? {
        return Ok(Inserted::Duplicate(Box::new(existing)));
    }
    let at = now();
    let volunteer = Volunteer {
        id: VolunteerId::new(),
        branch_code: draft.branch,
        locality_id: draft.locality_id,
        search_text: Some(search_text(&draft.full_name, &draft.phone)),
        full_name: Some(draft.full_name),
        phone: Some(draft.phone),
        email: draft.email,
        birth_date: draft.birth_date,
        guardian_name: draft.guardian_name,
        languages: encode_list(&draft.languages),
        skills: encode_list(&draft.skills),
        member_organisation_id: draft.member_organisation_id,
        youth_wing: draft.youth_wing,
        availability: draft.availability,
        status: draft.status,
        consent_at: draft.consent_at,
        consent_version: draft.consent_version,
        guardian_consent_at: draft.guardian_consent_at,
        source: draft.source,
        anonymised_at: None,
        created_at: at,
        updated_at: at,
        version: 1,
    };
    volunteers::insert(conn, &volunteer)?;
    Ok(Inserted::Created(Box::new(volunteer)))
}

/// The 409 for a phone that is taken, naming the record when the caller may see it.
pub fn duplicate_phone(actor: &SessionUser, existing: &Volunteer) -> ApiError {
    ApiError::Conflict {
        detail: "a volunteer with this phone number is registered already".into(),
        errors: vec![FieldError::new("phone", ErrorCode::Duplicate, "this phone number is taken")],
        existing_id: (actor.role != Role::Observer && actor.sees_branch(&existing.branch_code))
            .then(|| existing.id.to_string()),
    }
}

/// The branch a staff member records volunteers in: their own, for coordinators.
pub fn target_branch(actor: &SessionUser, requested: Option<String>) -> Result<String, ApiError> {
    actor.branch_for_new_record(requested)
}

/// Records a volunteer, in the caller's write transaction: the idempotent
/// create runs it together with its key's claim and stored response.
pub fn create(conn: &mut DbConn, actor: &SessionUser, input: CreateVolunteer) -> Result<Volunteer, ApiError> {
    let branch = target_branch(actor, input.branch.clone())?;
    let draft = draft(DraftInput {
        branch,
        locality_id: input.locality_id.clone(),
        full_name: &input.full_name,
        phone: &input.phone,
        foreign_phone: input.foreign_phone,
        email: input.email.as_deref(),
        birth_date: input.birth_date,
        languages: &input.languages,
        skills: &input.skills,
        member_organisation_id: input.member_organisation_id.clone(),
        youth_wing: input.youth_wing,
        availability: input.availability.as_deref(),
        status: input.status.unwrap_or(VolunteerStatus::Active),
        consent: &input.consent,
        guardian_consent: input.guardian_consent.as_ref(),
        source: VolunteerSource::Staff,
    })?;
    match insert_draft(conn, draft)? {
        Inserted::Created(volunteer) => {
            audit::record(conn, event(actor, "volunteer_created", &volunteer.id, None))?;
            Ok(*volunteer)
        }
        Inserted::Duplicate(existing) => Err(duplicate_phone(actor, &existing)),
    }
}

/// Whether `actor` may read this volunteer at all.
pub(crate) fn sees(actor: &SessionUser, volunteer: &Volunteer) -> bool {
    match actor.role {
        Role::Volunteer => actor.volunteer_id.as_deref() == Some(volunteer.id.as_str()),
        _ => actor.sees_branch(&volunteer.branch_code),
    }
}

fn load_visible(conn: &mut DbConn, actor: &SessionUser, id: &VolunteerId) -> Result<Volunteer, ApiError> {
    volunteers::find(conn, id)?
        .filter(|volunteer| sees(actor, volunteer))
        .ok_or_else(|| ApiError::not_found(format!("volunteer {id}")))
}

fn load_managed(conn: &mut DbConn, actor: &SessionUser, id: &VolunteerId) -> Result<Volunteer, ApiError> {
    let volunteer = load_visible(conn, actor, id)?;
    actor.ensure_manages_branch(&volunteer.branch_code, format!("volunteer {id}"))?;
    Ok(volunteer)
}

/// One volunteer. Reads of personal data are recorded in the audit log.
/// The volunteer as the caller sees it, with the shift an applicant asked for
/// (staff only).
pub async fn get(db: &Db, actor: &AuthUser, id: VolunteerId) -> Result<VolunteerOut, ApiError> {
    let reader = SessionUser::clone(actor);
    let staff = matches!(actor.role, Role::Admin | Role::Coordinator);
    let (volunteer, requested) = db
        .run(move |conn| {
            let volunteer = load_visible(conn, &reader, &id)?;
            let requested = if staff { crate::db::shifts::requested(conn, &volunteer.id)? } else { None };
            Ok((volunteer, requested))
        })
        .await?;
    if actor.visibility().shows_personal_data() {
        db.record_read(event(actor, "volunteer_viewed", &volunteer.id, None)).await?;
    }
    Ok(VolunteerOut { requested_shift_id: requested, ..VolunteerOut::new(volunteer, actor.visibility()) })
}

pub async fn list(
    db: &Db,
    actor: &AuthUser,
    mut filter: VolunteerFilter,
    limit: i64,
) -> Result<Vec<VolunteerOut>, ApiError> {
    if !actor.visibility().shows_personal_data() && filter.search.is_some() {
        return Err(ApiError::Forbidden("observers cannot search personal data".into()));
    }
    if actor.role == Role::Coordinator {
        let Some(branch) = actor.list_branch(filter.branch.take()) else { return Ok(Vec::new()) };
        filter.branch = branch;
    }
    let staff = matches!(actor.role, Role::Admin | Role::Coordinator);
    let (rows, mut requested) = db
        .run(move |conn| {
            let rows = volunteers::list(conn, &filter, limit)?;
            let applicants: Vec<VolunteerId> = rows
                .iter()
                .filter(|row| staff && row.status == VolunteerStatus::Applicant)
                .map(|row| row.id.clone())
                .collect();
            Ok((rows, crate::db::shifts::requested_by(conn, &applicants)?))
        })
        .await?;
    if actor.visibility().shows_personal_data() && !rows.is_empty() {
        let details = format!("{} volunteers listed", rows.len().min(usize::try_from(limit).unwrap_or(usize::MAX)));
        db.record_read(AuditEvent {
            actor_id: Some(&actor.account_id),
            action: "volunteers_listed",
            record_type: "volunteer",
            record_id: None,
            request_id: actor.request_id.as_deref(),
            details: Some(details),
        })
        .await?;
    }
    let visibility = actor.visibility();
    Ok(rows
        .into_iter()
        .map(|row| VolunteerOut { requested_shift_id: requested.remove(&row.id), ..VolunteerOut::new(row, visibility) })
        .collect())
}

pub async fn update(
    db: &Db,
    actor: &AuthUser,
    id: VolunteerId,
    input: UpdateVolunteer,
    expected: ExpectedVersion,
) -> Result<Volunteer, ApiError> {
    let mut errors = Vec::new();
    let phone = input.phone.as_deref().map(|raw| {
        normalize_phone(raw, input.foreign_phone).unwrap_or_else(|err| {
            errors.push(FieldError::new("phone", err.code, err.message));
            String::new()
        })
    });
    let full_name = input.full_name.as_deref().map(normalize_name);
    let skills = input.skills.as_deref().map(|skills| normalize_skills(skills, &mut errors));
    if let Some(guardian) = &input.guardian_consent {
        check_not_future("guardian_consent.given_at", guardian.given_at, &mut errors);
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let actor = SessionUser::clone(actor);
    db.run(move |conn| {
        write_transaction(conn, |conn| {
            let current = load_managed(conn, &actor, &id)?;
            let version = expected.check(input.version, current.version)?;
            let personal_change = full_name.is_some()
                || phone.is_some()
                || input.email.is_some()
                || input.birth_date.is_some()
                || input.availability.is_some()
                || input.guardian_consent.is_some();
            if current.anonymised_at.is_some() && personal_change {
                return Err(ApiError::Conflict {
                    detail: "this volunteer was anonymised; personal data cannot be added back".into(),
                    errors: vec![],
                    existing_id: None,
                });
            }
            let current_status = current.status;
            if let Some(next) = input.status
                && !current_status.can_become(next)
            {
                return Err(ApiError::Conflict {
                    detail: format!("a volunteer cannot go from {} to {}", current_status.as_str(), next.as_str()),
                    errors: vec![FieldError::new(
                        "status",
                        ErrorCode::IllegalTransition,
                        "applicant → active ↔ paused → left",
                    )],
                    existing_id: None,
                });
            }
            // The minor rule holds for the record as it will be.
            let birth_date = input.birth_date.unwrap_or(current.birth_date);
            let has_guardian = input.guardian_consent.is_some() || current.guardian_consent_at.is_some();
            let mut errors = Vec::new();
            if input.birth_date.is_some() {
                check_birth_date(birth_date, has_guardian, &mut errors);
            }
            if !errors.is_empty() {
                return Err(ApiError::Validation(errors));
            }
            let locality = input.locality_id.clone().unwrap_or_else(|| current.locality_id.clone());
            let organisation =
                input.member_organisation_id.clone().unwrap_or_else(|| current.member_organisation_id.clone());
            check_references(conn, &current.branch_code, locality.as_ref(), organisation.as_ref())?;
            if let Some(phone) = &phone
                && let Some(existing) = volunteers::find_by_phone(conn, phone)?
                && existing.id != current.id
            {
                return Err(duplicate_phone(&actor, &existing));
            }
            let name_for_search = full_name.clone().or_else(|| current.full_name.clone()).unwrap_or_default();
            let phone_for_search = phone.clone().or_else(|| current.phone.clone()).unwrap_or_default();
            let changes = VolunteerChanges {
                locality_id: input.locality_id.clone(),
                full_name: full_name.clone().map(Some),
                phone: phone.clone().map(Some),
                email: input.email.clone().map(|email| email.map(|email| email.trim().to_lowercase())),
                birth_date: input.birth_date,
                guardian_name: input
                    .guardian_consent
                    .as_ref()
                    .map(|guardian| Some(normalize_name(&guardian.guardian_name))),
                search_text: (full_name.is_some() || phone.is_some())
                    .then(|| Some(search_text(&name_for_search, &phone_for_search))),
                languages: input.languages.as_ref().map(|languages| {
                    encode_list(&languages.iter().map(|language| language.as_str().to_owned()).collect::<Vec<_>>())
                }),
                skills: skills.as_ref().map(|skills| encode_list(skills)),
                member_organisation_id: input.member_organisation_id.clone(),
                youth_wing: input.youth_wing,
                availability: input.availability.clone(),
                status: input.status,
                guardian_consent_at: input
                    .guardian_consent
                    .as_ref()
                    .map(|guardian| Some(guardian.given_at.naive_utc())),
                anonymised_at: None,
            };
            if !volunteers::update(conn, &current.id, version, &changes, now())? {
                return Err(ApiError::PreconditionFailed("the volunteer changed meanwhile; reload it".into()));
            }
            if matches!(input.status, Some(VolunteerStatus::Paused | VolunteerStatus::Left))
                && current_status == VolunteerStatus::Active
            {
                crate::service::signups::release_volunteer(conn, &actor, &current.id)?;
            }
            audit::record(conn, event(&actor, "volunteer_updated", &current.id, Some(changed_fields(&changes))))?;
            volunteers::find(conn, &current.id)?.ok_or_else(|| ApiError::internal("volunteer vanished after update"))
        })
    })
    .await
}

/// The names (never the values) of the fields a change sets, for the audit log.
fn changed_fields(changes: &VolunteerChanges) -> String {
    let fields = [
        ("locality_id", changes.locality_id.is_some()),
        ("full_name", changes.full_name.is_some()),
        ("phone", changes.phone.is_some()),
        ("email", changes.email.is_some()),
        ("birth_date", changes.birth_date.is_some()),
        ("guardian_consent", changes.guardian_name.is_some()),
        ("languages", changes.languages.is_some()),
        ("skills", changes.skills.is_some()),
        ("member_organisation_id", changes.member_organisation_id.is_some()),
        ("youth_wing", changes.youth_wing.is_some()),
        ("availability", changes.availability.is_some()),
        ("status", changes.status.is_some()),
    ];
    let set: Vec<&str> = fields.iter().filter(|(_, set)| *set).map(|(name, _)| *name).collect();
    format!("fields: {}", set.join(", "))
}

/// Erases the personal fields for good, keeps what statistics need (branch,
/// locality, languages, skills, status history), and closes the linked account.
pub async fn anonymise(db: &Db, actor: &AuthUser, id: VolunteerId) -> Result<Volunteer, ApiError> {
    let actor = SessionUser::clone(actor);
    db.run(move |conn| {
        write_transaction(conn, |conn| {
            let current = load_managed(conn, &actor, &id)?;
            anonymise_loaded(conn, &actor, current)
        })
    })
    .await
}

/// The anonymising rule, on a volunteer loaded in the caller's transaction:
/// the personal fields erased, status `left`, upcoming shifts and routes
/// released, linked accounts closed and their sessions ended, audited. Used by
/// the endpoint and by the retention command alike. An anonymised volunteer is
/// returned unchanged.
pub fn anonymise_loaded(conn: &mut DbConn, actor: &SessionUser, current: Volunteer) -> Result<Volunteer, ApiError> {
    if current.anonymised_at.is_some() {
        return Ok(current);
    }
    let at = now();
    let changes = VolunteerChanges {
        full_name: Some(None),
        phone: Some(None),
        email: Some(None),
        birth_date: Some(None),
        guardian_name: Some(None),
        search_text: Some(None),
        availability: Some(None),
        status: Some(VolunteerStatus::Left),
        anonymised_at: Some(Some(at)),
        ..Default::default()
    };
    if !volunteers::update(conn, &current.id, current.version, &changes, at)? {
        return Err(ApiError::PreconditionFailed("the volunteer changed meanwhile; try again".into()));
    }
    crate::service::signups::release_volunteer(conn, actor, &current.id)?;
    for account in accounts::linked_to_volunteer(conn, &current.id)? {
        let close = AccountChanges { active: Some(false), ..Default::default() };
        accounts::update(conn, &account.id, account.version, &close, at)?;
        refresh_tokens::revoke_all_for_account(conn, &account.id, at)?;
        accounts::bump_token_epoch(conn, &account.id)?;
    }
    audit::record(conn, event(actor, "volunteer_anonymised", &current.id, None))?;
    volunteers::find(conn, &current.id)?.ok_or_else(|| ApiError::internal("volunteer vanished after anonymising"))
}

/// Moves an applicant on (`active` when approved, `left` when rejected).
pub fn decide_application(
    conn: &mut DbConn,
    actor: &SessionUser,
    id: &VolunteerId,
    next: VolunteerStatus,
    action: &str,
    details: Option<String>,
) -> Result<Volunteer, ApiError> {
    let current = load_managed(conn, actor, id)?;
    if current.status != VolunteerStatus::Applicant {
        return Err(ApiError::Conflict {
            detail: format!("only applicants can be decided on; this volunteer is {}", current.status),
            errors: vec![FieldError::new("status", ErrorCode::IllegalTransition, "not an applicant")],
            existing_id: None,
        });
    }
    let changes = VolunteerChanges { status: Some(next), ..Default::default() };
    if !volunteers::update(conn, &current.id, current.version, &changes, now())? {
        return Err(ApiError::PreconditionFailed("the volunteer changed meanwhile; reload it".into()));
    }
    audit::record(conn, event(actor, action, &current.id, details))?;
    volunteers::find(conn, &current.id)?.ok_or_else(|| ApiError::internal("volunteer vanished after update"))
}

pub fn event<'a>(actor: &'a SessionUser, action: &'a str, id: &'a str, details: Option<String>) -> AuditEvent<'a> {
    super::audit(actor, action, "volunteer", id, details)
}

/// Everything stored about the caller: account, linked volunteer, audit entries.
pub async fn my_data(db: &Db, user: &SessionUser) -> Result<crate::dto::volunteer::MyDataOut, ApiError> {
    // The entries list who read the caller's data: include the queued ones.
    db.flush_read_audit().await;
    let user = user.clone();
    let (account, volunteer, entries) = db
        .run(move |conn| {
            let account = accounts::find(conn, &user.account_id)?.ok_or_else(|| ApiError::not_found("account"))?;
            let volunteer = match &account.volunteer_id {
                Some(id) => volunteers::find(conn, id)?,
                None => None,
            };
            let mut records = vec![account.id.to_string()];
            records.extend(volunteer.as_ref().map(|volunteer| volunteer.id.to_string()));
            let entries = audit::about_records(conn, &records, 500)?;
            audit::record(conn, event(&user, "personal_data_exported", &account.id, None))?;
            Ok((account, volunteer, entries))
        })
        .await?;
    Ok(crate::dto::volunteer::MyDataOut {
        account: account.try_into()?,
        volunteer: volunteer.map(|volunteer| crate::dto::volunteer::VolunteerOut::new(volunteer, Visibility::Full)),
        audit: entries.into_iter().map(Into::into).collect(),
    })
}
