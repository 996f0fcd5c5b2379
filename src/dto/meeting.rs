use crate::domain::ids::{EventId, LocalityId, MemberOrganisationId, OrganisationId, VolunteerId};
pub use crate::domain::meeting::{FigureKind, MeetingKind, MeetingStatus, Sector, SpeakerRole};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::db::meetings::{FollowUp, Organisation, Report, Speaker};
use crate::domain::time::utc;
use crate::domain::visibility::Visibility;
use crate::dto::bilingual::Bilingual;
use crate::dto::member_organisation::valid_bin;
use crate::dto::route::QuestionTopic;

/// A work collective (employer or institution) to meet.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationOut {
    pub id: OrganisationId,
    pub branch: String,
    pub locality_id: Option<LocalityId>,
    pub name: Bilingual,
    pub bin: String,
    pub sector: Sector,
    pub employee_count: i32,
    pub address: Option<String>,
    /// Personal data: absent for observers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_phone: Option<String>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl OrganisationOut {
    /// The organisation as a caller with `visibility` sees it.
    pub fn new(row: Organisation, visibility: Visibility) -> Self {
        Self {
            id: row.id,
            branch: row.branch_code,
            locality_id: row.locality_id,
            name: Bilingual::new(row.name_kk, row.name_ru),
            bin: row.bin,
            sector: row.sector,
            employee_count: row.employee_count,
            address: row.address,
            contact_name: visibility.personal(row.contact_name),
            contact_phone: visibility.personal(row.contact_phone),
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
            version: row.version,
        }
    }
}

#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrganisation {
    /// Defaults to the coordinator's branch; admins name it.
    pub branch: Option<String>,
    pub locality_id: Option<LocalityId>,
    #[validate(nested)]
    pub name: Bilingual,
    #[validate(custom(function = "valid_bin"))]
    #[schema(example = "041140001239")]
    pub bin: String,
    pub sector: Sector,
    #[schema(minimum = 1, maximum = 1000000)]
    #[validate(range(min = 1, max = 1_000_000))]
    pub employee_count: i32,
    #[schema(max_length = 300)]
    #[validate(length(max = 300))]
    pub address: Option<String>,
    #[schema(max_length = 200)]
    #[validate(length(max = 200))]
    pub contact_name: Option<String>,
    /// Any usual spelling; stored as E.164.
    pub contact_phone: Option<String>,
}

#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateOrganisation {
    /// Both languages, replacing the current name.
    #[validate(nested)]
    pub name: Option<Bilingual>,
    pub sector: Option<Sector>,
    #[schema(minimum = 1, maximum = 1000000)]
    #[validate(range(min = 1, max = 1_000_000))]
    pub employee_count: Option<i32>,
    #[serde(default, deserialize_with = "crate::dto::account::double_option")]
    #[schema(value_type = Option<String>, max_length = 300)]
    #[validate(length(max = 300))]
    pub address: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::dto::account::double_option")]
    #[schema(value_type = Option<String>, max_length = 200)]
    #[validate(length(max = 200))]
    pub contact_name: Option<Option<String>>,
    pub version: Option<i32>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrganisationFilterQuery {
    #[serde(default, deserialize_with = "crate::dto::query_values::branch")]
    #[param(value_type = Option<String>, pattern = "^KZ-[0-9]{2}$")]
    pub branch: Option<String>,
    pub sector: Option<Sector>,
    #[serde(default, deserialize_with = "crate::dto::query_values::id")]
    #[param(value_type = Option<uuid::Uuid>)]
    pub locality_id: Option<String>,
    /// Part of the name (Kazakh or Russian) or of the BIN.
    pub q: Option<String>,
    /// Only organisations never met (no held meeting).
    pub never_met: Option<bool>,
}

#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateMeeting {
    pub kind: MeetingKind,
    /// Required for work-collective meetings.
    pub organisation_id: Option<OrganisationId>,
    /// Defaults to the coordinator's branch; admins name it.
    pub branch: Option<String>,
    pub locality_id: Option<LocalityId>,
    #[schema(min_length = 1, max_length = 200)]
    #[validate(length(min = 1, max = 200))]
    pub title: String,
    #[schema(max_length = 300)]
    #[validate(length(max = 300))]
    pub venue: Option<String>,
    #[schema(max_length = 300)]
    #[validate(length(max = 300))]
    pub address: Option<String>,
    // Serialized only for an `Idempotency-Key`'s request hash.
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub proposed_starts_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub proposed_ends_at: DateTime<Utc>,
}

/// A speaker: a volunteer, or a figure from a member organisation.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SpeakerIn {
    pub volunteer_id: Option<VolunteerId>,
    #[schema(min_length = 1, max_length = 200)]
    #[validate(length(min = 1, max = 200))]
    pub figure_name: Option<String>,
    /// For figures: what kind of public figure.
    pub figure_kind: Option<FigureKind>,
    pub member_organisation_id: Option<MemberOrganisationId>,
    pub role: SpeakerRole,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SpeakerOut {
    pub id: String,
    pub volunteer_id: Option<VolunteerId>,
    pub figure_name: Option<String>,
    pub figure_kind: Option<FigureKind>,
    pub member_organisation_id: Option<MemberOrganisationId>,
    pub role: SpeakerRole,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub created_at: DateTime<Utc>,
}

impl From<Speaker> for SpeakerOut {
    fn from(row: Speaker) -> Self {
        Self {
            id: row.id,
            volunteer_id: row.volunteer_id,
            figure_name: row.figure_name,
            figure_kind: row.figure_kind,
            member_organisation_id: row.member_organisation_id,
            role: row.role,
            created_at: utc(row.created_at),
        }
    }
}

/// A meeting with a work collective, experts or residents.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingOut {
    /// Also the id of the meeting's event (schedules and calendars show it).
    pub id: EventId,
    pub kind: MeetingKind,
    pub branch: String,
    pub organisation_id: Option<OrganisationId>,
    pub locality_id: Option<LocalityId>,
    pub title: String,
    pub venue: Option<String>,
    pub address: Option<String>,
    pub status: MeetingStatus,
    pub cancel_reason: Option<String>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub proposed_starts_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub proposed_ends_at: DateTime<Utc>,
    /// The agreed (or, before that, proposed) time.
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub starts_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub ends_at: DateTime<Utc>,
    pub speakers: Vec<SpeakerOut>,
    pub has_report: bool,
    pub open_follow_ups: i64,
    pub overdue_follow_ups: i64,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingStatusChange {
    pub status: MeetingStatus,
    /// Required when cancelling.
    #[schema(min_length = 1, max_length = 500)]
    #[validate(length(min = 1, max = 500))]
    pub reason: Option<String>,
    /// When agreeing: the agreed time, if not the proposed one.
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub version: Option<i32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuestionIn {
    pub topic: QuestionTopic,
    #[schema(max_length = 1000)]
    #[validate(length(max = 1000))]
    pub text: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUpIn {
    /// The stored follow-up this entry corrects (its `id` in the report); a
    /// new follow-up has none and gets a new id. Follow-ups of the report left
    /// out of a correction are removed.
    pub id: Option<uuid::Uuid>,
    #[schema(min_length = 1, max_length = 500)]
    #[validate(length(min = 1, max = 500))]
    pub what: String,
    #[schema(min_length = 1, max_length = 200)]
    #[validate(length(min = 1, max = 200))]
    pub owner: String,
    pub due_date: NaiveDate,
    /// Absent: a new follow-up is open, a corrected one stays as it was.
    pub done: Option<bool>,
}

/// The report of a held meeting (creates or replaces it).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportIn {
    #[schema(minimum = 1, maximum = 100000)]
    #[validate(range(min = 1, max = 100_000))]
    pub attendance: i32,
    /// Needed when the attendance exceeds the organisation's employee count.
    #[serde(default)]
    pub attendance_confirmed: bool,
    /// How many printed items were handed out in all. With `materials` it may
    /// be left out (it is their sum); if sent, it must equal that sum.
    #[schema(minimum = 0, maximum = 1000000)]
    #[validate(range(min = 0, max = 1_000_000))]
    pub materials_handed_out: Option<i32>,
    /// What was handed out, per material (at most 20, each once), from the
    /// branch's stock. Filing the report again posts only what changed, so the
    /// ledger holds the latest report once; a report without `materials` hands
    /// nothing out (its earlier hand-outs are undone).
    #[serde(default)]
    #[schema(max_items = 20)]
    #[validate(length(max = 20), nested)]
    pub materials: Vec<crate::dto::stock::HandedOut>,
    #[schema(max_length = 4000)]
    #[validate(length(max = 4000))]
    pub notes: Option<String>,
    #[serde(default)]
    #[schema(max_items = 100)]
    #[validate(length(max = 100), nested)]
    pub questions: Vec<QuestionIn>,
    #[serde(default)]
    #[schema(max_items = 50)]
    #[validate(length(max = 50), nested)]
    pub follow_ups: Vec<FollowUpIn>,
    /// The report version the correction is based on (or `If-Match`).
    pub version: Option<i32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FollowUpOut {
    pub id: String,
    pub meeting_id: EventId,
    pub what: String,
    pub owner: String,
    pub due_date: NaiveDate,
    pub done: bool,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub created_at: DateTime<Utc>,
}

impl From<FollowUp> for FollowUpOut {
    fn from(row: FollowUp) -> Self {
        Self {
            id: row.id,
            meeting_id: row.meeting_id,
            what: row.what,
            owner: row.owner,
            due_date: row.due_date,
            done: row.done,
            created_at: utc(row.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportOut {
    pub meeting_id: EventId,
    pub attendance: i32,
    pub attendance_confirmed: bool,
    pub materials_handed_out: i32,
    /// The materials handed out, as the ledger holds them for this report.
    pub materials: Vec<crate::dto::stock::HandedOut>,
    pub notes: Option<String>,
    pub questions: Vec<QuestionIn>,
    pub follow_ups: Vec<FollowUpOut>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl ReportOut {
    pub fn new(
        report: Report,
        materials: Vec<crate::dto::stock::HandedOut>,
        questions: Vec<QuestionIn>,
        follow_ups: Vec<FollowUpOut>,
    ) -> Self {
        Self {
            meeting_id: report.meeting_id,
            attendance: report.attendance,
            attendance_confirmed: report.attendance_confirmed,
            materials_handed_out: report.materials_handed_out,
            materials,
            notes: report.notes,
            questions,
            follow_ups,
            updated_at: utc(report.updated_at),
            version: report.version,
        }
    }

    /// The report as a caller with `visibility` sees it: notes, question texts and
    /// follow-up owners may name people.
    pub fn seen_with(mut self, visibility: Visibility) -> Self {
        if !visibility.shows_personal_data() {
            self.notes = None;
            self.questions.iter_mut().for_each(|question| question.text = None);
            self.follow_ups.iter_mut().for_each(|follow_up| follow_up.owner = String::new());
        }
        self
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MeetingFilterQuery {
    #[serde(default, deserialize_with = "crate::dto::query_values::branch")]
    #[param(value_type = Option<String>, pattern = "^KZ-[0-9]{2}$")]
    pub branch: Option<String>,
    pub kind: Option<MeetingKind>,
    pub status: Option<MeetingStatus>,
    #[serde(default, deserialize_with = "crate::dto::query_values::id")]
    #[param(value_type = Option<uuid::Uuid>)]
    pub organisation_id: Option<String>,
    #[serde(default, deserialize_with = "crate::dto::query_values::id")]
    #[param(value_type = Option<uuid::Uuid>)]
    pub locality_id: Option<String>,
    /// Meetings starting at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Meetings starting before this instant.
    pub to: Option<DateTime<Utc>>,
    /// Only meetings with an open follow-up past its due date.
    pub has_overdue_follow_ups: Option<bool>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CoverageQuery {
    /// One branch; all branches when absent.
    #[serde(default, deserialize_with = "crate::dto::query_values::branch")]
    #[param(value_type = Option<String>, pattern = "^KZ-[0-9]{2}$")]
    pub branch: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CountByKey {
    pub key: String,
    pub count: i64,
}

/// Meetings coverage of a branch or of the nation.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingCoverage {
    /// The branch, or absent for the whole country.
    pub branch: Option<String>,
    pub organisations: i64,
    /// Organisations with at least one held meeting.
    pub organisations_met: i64,
    pub employees: i64,
    /// Sum of the attendance of held work-collective meetings.
    pub employees_reached: i64,
    /// `employees_reached` as a share (0-100) of `employees`.
    pub employees_reached_percent: f64,
    pub meetings_by_kind: Vec<CountByKey>,
    pub meetings_by_status: Vec<CountByKey>,
    pub open_follow_ups: i64,
    pub overdue_follow_ups: i64,
    /// Question topics, most frequent first.
    pub top_question_topics: Vec<CountByKey>,
}

/// The organisation a meeting is with, as a speaker needs it (no contacts).
#[derive(Debug, Serialize, ToSchema)]
pub struct BriefOrganisation {
    pub id: OrganisationId,
    pub name: Bilingual,
    pub sector: Sector,
    pub employee_count: i32,
    pub address: Option<String>,
}

impl From<Organisation> for BriefOrganisation {
    fn from(row: Organisation) -> Self {
        Self {
            id: row.id,
            name: Bilingual::new(row.name_kk, row.name_ru),
            sector: row.sector,
            employee_count: row.employee_count,
            address: row.address,
        }
    }
}

/// `GET /meetings/{id}/brief`: what a speaker reads before (and offline at) a meeting.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingBrief {
    /// The meeting: kind, title, time, venue, address and speakers.
    pub meeting: MeetingOut,
    /// The work collective met; absent for meetings with residents or experts.
    pub organisation: Option<BriefOrganisation>,
    /// The meeting's question topics (those of the questions its report
    /// records); empty when it has none, and then `talking_points` holds the
    /// whole published library.
    pub topics: Vec<crate::domain::route::QuestionTopic>,
    /// The published talking points for `topics` (their published copy), in id order.
    pub talking_points: Vec<crate::dto::talking_point::TalkingPointOut>,
    /// The materials recorded for the meeting (handed out, as its report holds
    /// them); empty before the report.
    pub materials: Vec<crate::dto::stock::HandedOut>,
}
