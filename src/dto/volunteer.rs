use crate::domain::ids::{LocalityId, MemberOrganisationId, ShiftId, VolunteerId};
pub use crate::domain::language::Language;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::db::volunteers::{Volunteer, decode_list, decode_values};
use crate::domain::time::utc;
use crate::domain::visibility::Visibility;
use crate::domain::volunteer::{VolunteerSource, VolunteerStatus};

/// Consent to the processing of personal data: when, and which version of the text.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Consent {
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub given_at: DateTime<Utc>,
    /// Version of the consent text the person agreed to.
    #[validate(length(min = 1, max = 50))]
    #[schema(example = "2026-10", min_length = 1, max_length = 50)]
    pub text_version: String,
}

/// A parent's or guardian's consent, required under 18.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GuardianConsent {
    #[schema(min_length = 1, max_length = 200)]
    #[validate(length(min = 1, max = 200))]
    pub guardian_name: String,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub given_at: DateTime<Utc>,
}

/// A volunteer's skill: 1 to 50 characters without commas. The server trims
/// and lower-cases it and drops repeats. (Only the spec uses this type; the
/// service checks the same rule on the strings.)
#[derive(ToSchema)]
#[schema(value_type = String, min_length = 1, max_length = 50, pattern = "^[^,]+$", example = "driving")]
#[allow(dead_code)]
pub struct Skill(String);

/// A volunteer. For observers, and once anonymised, the personal fields
/// (`full_name`, `phone`, `email`, `birth_date`, `guardian_name`,
/// `availability`) are absent.
#[derive(Debug, Serialize, ToSchema)]
pub struct VolunteerOut {
    pub id: VolunteerId,
    pub branch: String,
    pub locality_id: Option<LocalityId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
    /// E.164.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "+77012345678")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guardian_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub availability: Option<String>,
    pub languages: Vec<Language>,
    pub skills: Vec<String>,
    pub member_organisation_id: Option<MemberOrganisationId>,
    pub youth_wing: bool,
    pub status: VolunteerStatus,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub consent_at: DateTime<Utc>,
    pub consent_version: String,
    #[serde(serialize_with = "crate::dto::timestamp::option_micros")]
    pub guardian_consent_at: Option<DateTime<Utc>>,
    /// How the record came in: `staff`, `application` or `import`.
    pub source: VolunteerSource,
    /// When the personal fields were erased, if they were.
    #[serde(serialize_with = "crate::dto::timestamp::option_micros")]
    pub anonymised_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub updated_at: DateTime<Utc>,
    pub version: i32,
    /// The shift an applicant asked for in the public application, until the
    /// application is decided (approving signs the volunteer up for it). Staff
    /// see it on `GET /volunteers/{id}` and the list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requested_shift_id: Option<ShiftId>,
}

impl VolunteerOut {
    /// The record as a caller with `visibility` sees it.
    pub fn new(row: Volunteer, visibility: Visibility) -> Self {
        let personal = |value: Option<String>| visibility.personal(value);
        Self {
            id: row.id,
            branch: row.branch_code,
            locality_id: row.locality_id,
            full_name: personal(row.full_name),
            phone: personal(row.phone),
            email: personal(row.email),
            birth_date: visibility.personal(row.birth_date),
            guardian_name: personal(row.guardian_name),
            availability: personal(row.availability),
            languages: decode_values(&row.languages),
            skills: decode_list(&row.skills),
            member_organisation_id: row.member_organisation_id,
            youth_wing: row.youth_wing,
            status: row.status,
            consent_at: utc(row.consent_at),
            consent_version: row.consent_version,
            // Its presence alone says the volunteer is a minor: personal.
            guardian_consent_at: visibility.personal(row.guardian_consent_at).map(utc),
            source: row.source,
            anonymised_at: row.anonymised_at.map(utc),
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
            version: row.version,
            requested_shift_id: None,
        }
    }
}

/// A new volunteer, recorded by staff.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateVolunteer {
    /// Defaults to the coordinator's own branch.
    #[schema(example = "KZ-71")]
    pub branch: Option<String>,
    pub locality_id: Option<LocalityId>,
    #[validate(length(min = 2, max = 200))]
    #[schema(example = "Әлия Нұрланқызы Сейітова", min_length = 2, max_length = 200)]
    pub full_name: String,
    /// Any usual spelling; stored as E.164. Kazakh mobile numbers only, unless
    /// `foreign_phone` is set.
    #[schema(example = "8 701 234 56 78")]
    pub phone: String,
    #[serde(default)]
    pub foreign_phone: bool,
    #[schema(max_length = 254)]
    #[validate(email, length(max = 254))]
    pub email: Option<String>,
    pub birth_date: Option<NaiveDate>,
    #[serde(default)]
    pub languages: Vec<Language>,
    #[serde(default)]
    #[schema(value_type = Vec<Skill>, max_items = 20)]
    #[validate(length(max = 20))]
    pub skills: Vec<String>,
    pub member_organisation_id: Option<MemberOrganisationId>,
    #[serde(default)]
    pub youth_wing: bool,
    /// Free text, e.g. "weekday evenings, weekends".
    #[schema(max_length = 500)]
    #[validate(length(max = 500))]
    pub availability: Option<String>,
    /// Defaults to `active` for staff, `applicant` for applications.
    pub status: Option<VolunteerStatus>,
    #[validate(nested)]
    pub consent: Consent,
    #[validate(nested)]
    pub guardian_consent: Option<GuardianConsent>,
}

/// Changes to a volunteer; absent fields stay, `null` clears an optional one.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateVolunteer {
    #[serde(default, deserialize_with = "crate::dto::account::double_option")]
    #[schema(value_type = Option<String>)]
    pub locality_id: Option<Option<LocalityId>>,
    #[schema(min_length = 2, max_length = 200)]
    #[validate(length(min = 2, max = 200))]
    pub full_name: Option<String>,
    pub phone: Option<String>,
    #[serde(default)]
    pub foreign_phone: bool,
    #[serde(default, deserialize_with = "crate::dto::account::double_option")]
    #[schema(value_type = Option<String>, max_length = 254)]
    #[validate(email, length(max = 254))]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::dto::account::double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub birth_date: Option<Option<NaiveDate>>,
    pub languages: Option<Vec<Language>>,
    #[schema(value_type = Option<Vec<Skill>>, max_items = 20)]
    #[validate(length(max = 20))]
    pub skills: Option<Vec<String>>,
    #[serde(default, deserialize_with = "crate::dto::account::double_option")]
    #[schema(value_type = Option<String>)]
    pub member_organisation_id: Option<Option<MemberOrganisationId>>,
    pub youth_wing: Option<bool>,
    #[serde(default, deserialize_with = "crate::dto::account::double_option")]
    #[schema(value_type = Option<String>, max_length = 500)]
    #[validate(length(max = 500))]
    pub availability: Option<Option<String>>,
    /// `applicant → active ↔ paused → left`; other moves answer 409.
    pub status: Option<VolunteerStatus>,
    #[validate(nested)]
    pub guardian_consent: Option<GuardianConsent>,
    pub version: Option<i32>,
}

/// Filters of the volunteer list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VolunteerFilterQuery {
    /// Coordinators always see their own branch only.
    #[serde(default, deserialize_with = "crate::dto::query_values::branch")]
    #[param(value_type = Option<String>, pattern = "^KZ-[0-9]{2}$")]
    pub branch: Option<String>,
    #[serde(default, deserialize_with = "crate::dto::query_values::id")]
    #[param(value_type = Option<uuid::Uuid>)]
    pub locality_id: Option<String>,
    pub status: Option<VolunteerStatus>,
    pub skill: Option<String>,
    pub language: Option<Language>,
    #[serde(default, deserialize_with = "crate::dto::query_values::id")]
    #[param(value_type = Option<uuid::Uuid>)]
    pub member_organisation_id: Option<String>,
    pub youth_wing: Option<bool>,
    /// Part of the name (any case, any script) or of the phone number. Not for observers.
    pub q: Option<String>,
}

/// A public application from the recruitment form.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VolunteerApplication {
    #[schema(example = "KZ-75")]
    pub branch: String,
    pub locality_id: Option<LocalityId>,
    #[schema(min_length = 2, max_length = 200)]
    #[validate(length(min = 2, max = 200))]
    pub full_name: String,
    #[schema(example = "+7 701 234 56 78")]
    pub phone: String,
    #[schema(max_length = 254)]
    #[validate(email, length(max = 254))]
    pub email: Option<String>,
    pub birth_date: Option<NaiveDate>,
    #[serde(default)]
    pub languages: Vec<Language>,
    #[serde(default)]
    #[schema(value_type = Vec<Skill>, max_items = 20)]
    #[validate(length(max = 20))]
    pub skills: Vec<String>,
    #[serde(default)]
    pub youth_wing: bool,
    #[schema(max_length = 500)]
    #[validate(length(max = 500))]
    pub availability: Option<String>,
    #[validate(nested)]
    pub consent: Consent,
    #[validate(nested)]
    pub guardian_consent: Option<GuardianConsent>,
    /// The shift the applicant would like to work: a shift of an upcoming
    /// scheduled event of `branch` (see `GET /branches/{code}/events`). A
    /// request a coordinator confirms when approving, not a sign-up.
    pub shift_id: Option<ShiftId>,
}

/// The answer to an application: the same whether or not the phone was known.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ApplicationReceipt {
    /// Quote this when contacting the branch.
    pub reference: String,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub received_at: DateTime<Utc>,
}

/// `POST /volunteers/{id}/approve`.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApproveApplication {
    /// When given, a volunteer account is created with this email and a one-time
    /// password, linked to the volunteer.
    #[schema(max_length = 254)]
    #[validate(email, length(max = 254))]
    pub account_email: Option<String>,
    /// Whether to sign the volunteer up for the shift they asked for, if any
    /// (default `true`). `false` approves without it; the request is dropped
    /// either way.
    pub confirm_shift: Option<bool>,
}

/// The approved volunteer, the account created for them if one was asked for,
/// and their sign-up for the shift they asked for (`null` when none).
#[derive(Debug, Serialize, ToSchema)]
pub struct ApprovalOut {
    pub volunteer: VolunteerOut,
    pub account: Option<crate::dto::account::AccountWithPassword>,
    pub assignment: Option<crate::dto::event::AssignmentOut>,
}

/// `POST /volunteers/{id}/reject`.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectApplication {
    #[schema(max_length = 500)]
    #[validate(length(max = 500))]
    pub reason: Option<String>,
}

/// Everything stored about the signed-in volunteer (`GET /me/data`).
#[derive(Debug, Serialize, ToSchema)]
pub struct MyDataOut {
    pub account: crate::dto::account::AccountOut,
    pub volunteer: Option<VolunteerOut>,
    /// What was done to these records, newest first.
    pub audit: Vec<crate::dto::audit::AuditEntryOut>,
}
