//! The authorization matrix: every operation of the generated spec, called by
//! every kind of caller, with the status each must get. An operation added
//! without an entry here fails the test.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::factories::{OTHER_BRANCH, OWN_BRANCH, TestUser, fresh_phone, id};
use crate::helpers::TestApp;

/// The callers, in the order of the expected-status columns.
const CALLERS: [&str; 6] = ["anonymous", "admin", "coordinator", "other-branch coordinator", "volunteer", "observer"];

/// One operation: how to call it and what each caller gets. Records the
/// operation touches belong to the coordinator's and volunteer's branch.
struct Case {
    method: &'static str,
    path: &'static str,
    /// Which fixture `{id}` in the path stands for.
    id: Target,
    body: Option<Value>,
    expect: [u16; 6],
}

#[derive(Clone, Copy)]
enum Target {
    /// A volunteer account of the own branch.
    Account,
    /// An observer account (integrator tokens).
    Observer,
    /// An integrator token.
    ApiToken,
    /// A locality of the own branch.
    Locality,
    /// A new locality of the own branch for each call (deletions).
    FreshLocality,
    MemberOrganisation,
    /// A new member organisation for each call (deletions).
    FreshMemberOrganisation,
    /// No id; the own branch as the `branch` query parameter.
    BranchQuery,
    /// A volunteer of the own branch.
    Volunteer,
    /// A new volunteer of the own branch for each call (anonymising).
    FreshVolunteer,
    /// A new applicant of the own branch for each call (decisions).
    FreshApplicant,
    /// No id; a CSV body checked in a dry run.
    CsvDryRun,
    /// A scheduled event of the own branch.
    Event,
    /// A new draft event with one shift for each call (status changes).
    FreshDraftEvent,
    /// A shift of the scheduled event.
    Shift,
    /// A new shift of a new scheduled event for each call (cancellations).
    FreshShift,
    /// A new sign-up for each call (cancellations).
    FreshAssignment,
    /// A new sign-up on a shift that has started, for each call (attendance).
    FreshStartedAssignment,
    /// A calendar feed token.
    CalendarToken,
    /// A route of the own branch, assigned to the volunteer caller.
    Route,
    /// A new route for each call (stop replacement).
    FreshRoute,
    /// A new route with a new assignee for each call (`{volunteer_id}` too).
    FreshRouteWithAssignee,
    /// A work collective of the own branch.
    Organisation,
    /// A requested meeting of the own branch.
    Meeting,
    /// A new requested meeting for each call (status changes).
    FreshMeeting,
    /// A held meeting of the own branch, with a report.
    HeldMeeting,
    /// A new open follow-up of a new reported meeting, for each call.
    FreshFollowUp,
    /// A material of the catalogue.
    Material,
    /// A stock movement of the own branch.
    Movement,
    /// A new stock movement of the own branch for each call (reversals).
    FreshMovement,
    /// No id; a CSV of poster sites checked in a dry run.
    SiteCsvDryRun,
    /// A poster site of the own branch.
    PosterSite,
    /// A placement on the poster site.
    Placement,
    /// A new placement on the poster site for each call (status changes).
    FreshPlacement,
    /// A social-media post of the own branch, written by the volunteer caller.
    SocialPost,
    /// A new social-media post of the own branch for each call (removals).
    FreshSocialPost,
    /// A published talking point.
    TalkingPoint,
    /// A new draft talking point for each call (publishing, retiring).
    FreshTalkingPoint,
    /// A webhook subscription.
    Webhook,
    /// A new webhook subscription for each call (deletions).
    FreshWebhook,
    /// The webhook with one (pending) delivery (`{delivery_id}` too).
    WebhookDelivery,
}

fn case(method: &'static str, path: &'static str, body: Option<Value>, expect: [u16; 6]) -> Case {
    Case { method, path, id: Target::Account, body, expect }
}

fn case_on(target: Target, method: &'static str, path: &'static str, body: Option<Value>, expect: [u16; 6]) -> Case {
    Case { id: target, ..case(method, path, body, expect) }
}

#[rustfmt::skip]
fn matrix() -> Vec<Case> {
    vec![
        case("GET", "/health/live", None, [200, 200, 200, 200, 200, 200]),
        case("GET", "/health/ready", None, [200, 200, 200, 200, 200, 200]),
        case("GET", "/metrics", None, [200, 200, 200, 200, 200, 200]),
        case("GET", "/problems/{slug}", None, [200, 200, 200, 200, 200, 200]),
        case("POST", "/api/v1/auth/login", Some(json!({"email": "{target_email}", "password": "{target_password}"})), [200, 200, 200, 200, 200, 200]),
        case("POST", "/api/v1/auth/refresh", Some(json!({"refresh_token": "ort_not_a_token"})), [401, 401, 401, 401, 401, 401]),
        case("POST", "/api/v1/auth/logout", Some(json!({"refresh_token": "ort_not_a_token"})), [204, 204, 204, 204, 204, 204]),
        case("GET", "/api/v1/me", None, [401, 200, 200, 200, 200, 200]),
        // A wrong current password: 422 proves the caller got past authorization.
        case("POST", "/api/v1/me/password", Some(json!({"current_password": "not it", "new_password": "a new long password"})), [401, 422, 422, 422, 422, 422]),
        case("GET", "/api/v1/branches", None, [200, 200, 200, 200, 200, 200]),
        case("GET", "/api/v1/branches/{code}", None, [200, 200, 200, 200, 200, 200]),
        case("PATCH", "/api/v1/branches/{code}", Some(json!({"phone": "+7 7172 55 55 55"})), [401, 200, 200, 403, 403, 403]),
        case("POST", "/api/v1/accounts", Some(json!({"email": "{unique_email}", "role": "volunteer", "branch": OWN_BRANCH})), [401, 201, 201, 403, 403, 403]),
        case("GET", "/api/v1/accounts", None, [401, 200, 200, 200, 403, 403]),
        case("GET", "/api/v1/accounts/{id}", None, [401, 200, 200, 404, 403, 403]),
        case("PATCH", "/api/v1/accounts/{id}", Some(json!({"active": true})), [401, 200, 200, 404, 403, 403]),
        case("POST", "/api/v1/accounts/{id}/password-reset", Some(json!({})), [401, 200, 200, 404, 403, 403]),
        case_on(Target::Observer, "POST", "/api/v1/accounts/{id}/api-tokens", Some(json!({"name": "matrix"})), [401, 201, 403, 403, 403, 403]),
        case_on(Target::Observer, "GET", "/api/v1/accounts/{id}/api-tokens", None, [401, 200, 403, 403, 403, 403]),
        case_on(Target::ApiToken, "DELETE", "/api/v1/api-tokens/{id}", None, [401, 204, 403, 403, 403, 403]),
        case("GET", "/api/v1/audit", None, [401, 200, 403, 403, 403, 403]),
        case("POST", "/api/v1/localities", Some(json!({"branch": OWN_BRANCH, "kind": "village", "name": {"kk": "Ауыл", "ru": "Село"}})), [401, 201, 201, 403, 403, 403]),
        case("GET", "/api/v1/localities", None, [401, 200, 200, 200, 200, 200]),
        case_on(Target::BranchQuery, "GET", "/api/v1/localities/tree", None, [401, 200, 200, 200, 200, 200]),
        case_on(Target::Locality, "GET", "/api/v1/localities/{id}", None, [401, 200, 200, 200, 200, 200]),
        case_on(Target::Locality, "PATCH", "/api/v1/localities/{id}", Some(json!({"population": 1200})), [401, 200, 200, 404, 403, 403]),
        case_on(Target::FreshLocality, "DELETE", "/api/v1/localities/{id}", None, [401, 204, 204, 404, 403, 403]),
        case("POST", "/api/v1/member-organisations", Some(json!({"name": "Matrix union", "kind": "trade_union", "bin": "{fresh_bin}"})), [401, 201, 403, 403, 403, 403]),
        case("GET", "/api/v1/member-organisations", None, [401, 200, 200, 200, 200, 200]),
        case_on(Target::MemberOrganisation, "GET", "/api/v1/member-organisations/{id}", None, [401, 200, 200, 200, 200, 200]),
        case_on(Target::MemberOrganisation, "PATCH", "/api/v1/member-organisations/{id}", Some(json!({"name": "Renamed"})), [401, 200, 403, 403, 403, 403]),
        case_on(Target::FreshMemberOrganisation, "DELETE", "/api/v1/member-organisations/{id}", None, [401, 204, 403, 403, 403, 403]),
        case("GET", "/api/v1/me/data", None, [401, 200, 200, 200, 200, 200]),
        case("GET", "/api/v1/volunteers.csv", None, [401, 200, 200, 200, 403, 403]),
        case_on(Target::CsvDryRun, "POST", "/api/v1/volunteers/import", None, [401, 200, 200, 200, 403, 403]),
        case("POST", "/api/v1/events", Some(json!({"branch": OWN_BRANCH, "kind": "training", "title": "Matrix", "starts_at": "2027-01-10T04:00:00Z", "ends_at": "2027-01-10T08:00:00Z"})), [401, 201, 201, 403, 403, 403]),
        case("GET", "/api/v1/events", None, [401, 200, 200, 200, 200, 200]),
        case_on(Target::Event, "GET", "/api/v1/events/{id}", None, [401, 200, 200, 404, 200, 200]),
        case_on(Target::Event, "PATCH", "/api/v1/events/{id}", Some(json!({"title": "Renamed"})), [401, 200, 200, 404, 403, 403]),
        case_on(Target::FreshDraftEvent, "POST", "/api/v1/events/{id}/status", Some(json!({"status": "scheduled"})), [401, 200, 200, 404, 403, 403]),
        case_on(Target::Event, "POST", "/api/v1/events/{id}/shifts", Some(json!({"starts_at": "2027-01-10T05:{fresh_minute}:00Z", "ends_at": "2027-01-10T06:00:00Z", "capacity": 3})), [401, 201, 201, 404, 403, 403]),
        // The admin's call creates the day's shift; the coordinator's repeats it: nothing new, 200.
        case_on(Target::Event, "POST", "/api/v1/events/{id}/shifts/series", Some(json!({"from_date": "2027-01-10", "to_date": "2027-01-10", "start_time": "12:00", "end_time": "13:00", "capacity": 3})), [401, 201, 200, 404, 403, 403]),
        case_on(Target::Shift, "GET", "/api/v1/shifts/{id}", None, [401, 200, 200, 404, 200, 200]),
        case_on(Target::Shift, "PATCH", "/api/v1/shifts/{id}", Some(json!({"capacity": 100})), [401, 200, 200, 404, 403, 403]),
        case_on(Target::FreshShift, "POST", "/api/v1/shifts/{id}/cancel", None, [401, 200, 200, 404, 403, 403]),
        case_on(Target::Shift, "POST", "/api/v1/shifts/{id}/signups", Some(json!({"volunteer_id": "{fresh_volunteer_id}"})), [401, 201, 201, 404, 403, 403]),
        case_on(Target::Shift, "GET", "/api/v1/shifts/{id}/signups", None, [401, 200, 200, 404, 403, 200]),
        case_on(Target::FreshAssignment, "GET", "/api/v1/assignments/{id}", None, [401, 200, 200, 404, 404, 200]),
        case_on(Target::FreshAssignment, "POST", "/api/v1/assignments/{id}/cancel", None, [401, 200, 200, 404, 404, 403]),
        case_on(Target::FreshStartedAssignment, "POST", "/api/v1/assignments/{id}/attendance", Some(json!({"status": "attended"})), [401, 200, 200, 404, 403, 403]),
        case("GET", "/api/v1/me/schedule", None, [401, 200, 200, 200, 200, 200]),
        case("POST", "/api/v1/me/calendar-feed", None, [401, 403, 403, 403, 201, 403]),
        case("DELETE", "/api/v1/me/calendar-feed", None, [401, 204, 204, 204, 204, 204]),
        case_on(Target::CalendarToken, "GET", "/api/v1/calendar/{token}.ics", None, [200, 200, 200, 200, 200, 200]),
        case("GET", "/api/v1/branches/{code}/events.ics", None, [200, 200, 200, 200, 200, 200]),
        case("GET", "/api/v1/branches/{code}/events", None, [200, 200, 200, 200, 200, 200]),
        case("POST", "/api/v1/routes", Some(json!({"locality_id": "{locality_id}", "name": "Matrix route", "stops": [{"street": "S", "building": "1", "doors": 10}]})), [401, 201, 201, 403, 403, 403]),
        case("GET", "/api/v1/routes", None, [401, 200, 200, 200, 200, 200]),
        case_on(Target::Route, "GET", "/api/v1/routes/{id}", None, [401, 200, 200, 404, 200, 200]),
        case_on(Target::FreshRoute, "PUT", "/api/v1/routes/{id}/stops", Some(json!({"stops": [{"street": "S", "building": "2", "doors": 5}]})), [401, 200, 200, 404, 403, 403]),
        case_on(Target::Route, "POST", "/api/v1/routes/{id}/assignees", Some(json!({"volunteer_id": "{fresh_volunteer_id}"})), [401, 200, 200, 404, 403, 403]),
        case_on(Target::FreshRouteWithAssignee, "DELETE", "/api/v1/routes/{id}/assignees/{volunteer_id}", None, [401, 200, 200, 404, 403, 403]),
        case_on(Target::Route, "GET", "/api/v1/routes/{id}/pack", None, [401, 200, 200, 404, 200, 200]),
        case_on(Target::Route, "POST", "/api/v1/routes/{id}/visits:batch", Some(json!({"visits": []})), [401, 200, 200, 404, 200, 403]),
        case("GET", "/api/v1/visits", None, [401, 200, 200, 200, 200, 200]),
        case("GET", "/api/v1/progress", None, [401, 200, 200, 200, 403, 200]),
        case("GET", "/api/v1/progress/branches/{code}", None, [401, 200, 200, 200, 403, 200]),
        case("POST", "/api/v1/organisations", Some(json!({"branch": OWN_BRANCH, "name": {"kk": "Ұйым", "ru": "Организация"}, "bin": "{fresh_bin}", "sector": "trade", "employee_count": 50})), [401, 201, 201, 403, 403, 403]),
        case("GET", "/api/v1/organisations", None, [401, 200, 200, 200, 200, 200]),
        case_on(Target::Organisation, "GET", "/api/v1/organisations/{id}", None, [401, 200, 200, 404, 200, 200]),
        case_on(Target::Organisation, "PATCH", "/api/v1/organisations/{id}", Some(json!({"employee_count": 99})), [401, 200, 200, 404, 403, 403]),
        case("POST", "/api/v1/meetings", Some(json!({"kind": "residents_meeting", "branch": OWN_BRANCH, "title": "Matrix", "proposed_starts_at": "2027-05-01T06:00:00Z", "proposed_ends_at": "2027-05-01T07:00:00Z"})), [401, 201, 201, 403, 403, 403]),
        case("GET", "/api/v1/meetings", None, [401, 200, 200, 200, 200, 200]),
        case_on(Target::Meeting, "GET", "/api/v1/meetings/{id}", None, [401, 200, 200, 404, 200, 200]),
        case_on(Target::Meeting, "POST", "/api/v1/meetings/{id}/speakers", Some(json!({"figure_name": "Профессор", "figure_kind": "scientist", "role": "speaker"})), [401, 201, 201, 404, 403, 403]),
        case_on(Target::FreshMeeting, "POST", "/api/v1/meetings/{id}/status", Some(json!({"status": "agreed"})), [401, 200, 200, 404, 403, 403]),
        case_on(Target::HeldMeeting, "PUT", "/api/v1/meetings/{id}/report", Some(json!({"attendance": 10})), [401, 200, 200, 404, 403, 403]),
        case_on(Target::HeldMeeting, "GET", "/api/v1/meetings/{id}/report", None, [401, 200, 200, 404, 200, 200]),
        case("GET", "/api/v1/follow-ups", None, [401, 200, 200, 200, 200, 200]),
        case_on(Target::FreshFollowUp, "POST", "/api/v1/follow-ups/{id}/done", None, [401, 200, 200, 404, 403, 403]),
        case("GET", "/api/v1/meeting-coverage", None, [401, 200, 200, 200, 403, 200]),
        case("POST", "/api/v1/materials", Some(json!({"code": "{unique_email}", "title": {"kk": "Парақша", "ru": "Листовка"}, "kind": "leaflet", "language": "kk"})), [401, 201, 403, 403, 403, 403]),
        case("GET", "/api/v1/materials", None, [401, 200, 200, 200, 200, 200]),
        case_on(Target::Material, "GET", "/api/v1/materials/{id}", None, [401, 200, 200, 200, 200, 200]),
        case_on(Target::Material, "PATCH", "/api/v1/materials/{id}", Some(json!({"reorder_level": 100})), [401, 200, 403, 403, 403, 403]),
        case("POST", "/api/v1/stock-movements", Some(json!({"kind": "adjustment", "material_id": "{material_id}", "branch": OWN_BRANCH, "direction": "increase", "quantity": 1, "reason": "count"})), [401, 201, 201, 403, 403, 403]),
        case("GET", "/api/v1/stock-movements", None, [401, 200, 200, 200, 200, 200]),
        case("GET", "/api/v1/stock-movements.csv", None, [401, 200, 200, 200, 200, 200]),
        case_on(Target::Movement, "GET", "/api/v1/stock-movements/{id}", None, [401, 200, 200, 404, 404, 200]),
        case_on(Target::FreshMovement, "POST", "/api/v1/stock-movements/{id}/reversal", Some(json!({"reason": "matrix"})), [401, 201, 201, 404, 403, 403]),
        case("GET", "/api/v1/stock-balances", None, [401, 200, 200, 200, 403, 200]),
        case("GET", "/api/v1/volunteer-holdings", None, [401, 200, 200, 200, 200, 200]),
        case("GET", "/api/v1/stock-totals", None, [401, 200, 200, 200, 403, 200]),
        case_on(Target::Event, "POST", "/api/v1/events/{id}/materials", Some(json!({"material_id": "{material_id}", "quantity": 1})), [401, 201, 201, 404, 403, 403]),
        case_on(Target::Event, "GET", "/api/v1/events/{id}/materials", None, [401, 200, 200, 404, 403, 200]),
        case("GET", "/api/v1/reports/materials-handed-out", None, [401, 200, 200, 200, 403, 200]),
        case("POST", "/api/v1/poster-sites", Some(json!({"branch": OWN_BRANCH, "locality_id": "{locality_id}", "address": "Абай 1", "kind": "board", "capacity": 4, "decision_body": "Akimat", "decision_number": "12", "decision_date": "2026-10-01"})), [401, 201, 201, 403, 403, 403]),
        case("GET", "/api/v1/poster-sites", None, [401, 200, 200, 200, 200, 200]),
        case("GET", "/api/v1/poster-sites.csv", None, [401, 200, 200, 200, 200, 200]),
        case_on(Target::SiteCsvDryRun, "POST", "/api/v1/poster-sites.csv", None, [401, 200, 200, 200, 403, 403]),
        case_on(Target::PosterSite, "GET", "/api/v1/poster-sites/{id}", None, [401, 200, 200, 404, 200, 200]),
        case_on(Target::PosterSite, "PATCH", "/api/v1/poster-sites/{id}", Some(json!({"address": "Абай 2"})), [401, 200, 200, 404, 403, 403]),
        case_on(Target::PosterSite, "POST", "/api/v1/poster-sites/{id}/placements", Some(json!({"material_id": "{poster_id}", "quantity": 1})), [401, 201, 201, 404, 403, 403]),
        case("GET", "/api/v1/poster-placements", None, [401, 200, 200, 200, 200, 200]),
        case_on(Target::Placement, "GET", "/api/v1/poster-placements/{id}", None, [401, 200, 200, 404, 200, 200]),
        case_on(Target::FreshPlacement, "POST", "/api/v1/poster-placements/{id}/changes", Some(json!({"status": "checked"})), [401, 201, 201, 404, 201, 403]),
        case("POST", "/api/v1/poster-inspections/batch", Some(json!({"inspections": []})), [401, 200, 200, 200, 200, 403]),
        case("GET", "/api/v1/reports/poster-coverage", None, [401, 200, 200, 200, 403, 200]),
        case("POST", "/api/v1/social-posts", Some(json!({"branch": OWN_BRANCH, "platform": "telegram", "url": "https://t.me/matrix/{unique}", "published_at": "2026-11-01T09:00:00Z", "language": "kk"})), [401, 201, 201, 403, 201, 403]),
        case("GET", "/api/v1/social-posts", None, [401, 200, 200, 200, 200, 200]),
        case("GET", "/api/v1/social-posts.csv", None, [401, 200, 200, 200, 200, 200]),
        case_on(Target::SocialPost, "GET", "/api/v1/social-posts/{id}", None, [401, 200, 200, 404, 200, 200]),
        case_on(Target::SocialPost, "PATCH", "/api/v1/social-posts/{id}", Some(json!({"language": "ru"})), [401, 200, 200, 404, 403, 403]),
        case_on(Target::FreshSocialPost, "DELETE", "/api/v1/social-posts/{id}", None, [401, 204, 204, 404, 403, 403]),
        case_on(Target::SocialPost, "POST", "/api/v1/social-posts/{id}/reach", Some(json!({"views": 10, "reactions": 1, "shares": 0, "comments": 0})), [401, 201, 201, 404, 201, 403]),
        case_on(Target::SocialPost, "GET", "/api/v1/social-posts/{id}/reach", None, [401, 200, 200, 404, 200, 200]),
        case("GET", "/api/v1/reports/social-media", None, [401, 200, 200, 200, 403, 200]),
        case_on(Target::BranchQuery, "GET", "/api/v1/reports/summary", None, [401, 200, 200, 200, 200, 200]),
        case("GET", "/api/v1/reports/summary.csv", None, [401, 200, 200, 200, 200, 200]),
        case_on(Target::BranchQuery, "GET", "/api/v1/reports/series", None, [401, 200, 200, 200, 200, 200]),
        case("GET", "/api/v1/reports/series.csv", None, [401, 200, 200, 200, 200, 200]),
        case("GET", "/api/v1/reports/branches", None, [401, 200, 200, 200, 200, 200]),
        case("GET", "/api/v1/reports/branches.csv", None, [401, 200, 200, 200, 200, 200]),
        case("GET", "/api/v1/reports/questions", None, [401, 200, 200, 200, 403, 200]),
        case_on(Target::Meeting, "GET", "/api/v1/meetings/{id}/brief", None, [401, 200, 200, 404, 200, 200]),
        case("POST", "/api/v1/talking-points", Some(crate::talking_points::talking_point_body("question")), [401, 201, 403, 403, 403, 403]),
        case("GET", "/api/v1/talking-points", None, [401, 200, 200, 200, 200, 200]),
        case("GET", "/api/v1/changes", None, [401, 200, 200, 200, 200, 200]),
        case_on(Target::TalkingPoint, "GET", "/api/v1/talking-points/{id}", None, [401, 200, 200, 200, 200, 200]),
        case_on(Target::TalkingPoint, "PATCH", "/api/v1/talking-points/{id}", Some(json!({"topics": ["economy"]})), [401, 200, 403, 403, 403, 403]),
        case_on(Target::FreshTalkingPoint, "POST", "/api/v1/talking-points/{id}/publish", None, [401, 200, 403, 403, 403, 403]),
        case_on(Target::FreshTalkingPoint, "POST", "/api/v1/talking-points/{id}/retire", None, [401, 200, 403, 403, 403, 403]),
        case("POST", "/api/v1/volunteer-applications", Some(json!({"branch": OWN_BRANCH, "full_name": "Matrix Applicant", "phone": "{fresh_phone}", "consent": {"given_at": "2026-11-01T09:00:00Z", "text_version": "1"}, "shift_id": "{event_shift_id}"})), [202, 202, 202, 202, 202, 202]),
        case("POST", "/api/v1/volunteers", Some(json!({"branch": OWN_BRANCH, "full_name": "Matrix Volunteer", "phone": "{fresh_phone}", "consent": {"given_at": "2026-11-01T09:00:00Z", "text_version": "1"}})), [401, 201, 201, 403, 403, 403]),
        case("GET", "/api/v1/volunteers", None, [401, 200, 200, 200, 403, 200]),
        case_on(Target::Volunteer, "GET", "/api/v1/volunteers/{id}", None, [401, 200, 200, 404, 404, 200]),
        case_on(Target::Volunteer, "GET", "/api/v1/volunteers/{id}/schedule", None, [401, 200, 200, 404, 404, 200]),
        case_on(Target::Volunteer, "PATCH", "/api/v1/volunteers/{id}", Some(json!({"youth_wing": true})), [401, 200, 200, 404, 403, 403]),
        case_on(Target::FreshVolunteer, "POST", "/api/v1/volunteers/{id}/anonymise", None, [401, 200, 200, 404, 403, 403]),
        case_on(Target::FreshApplicant, "POST", "/api/v1/volunteers/{id}/approve", Some(json!({})), [401, 200, 200, 404, 403, 403]),
        case_on(Target::FreshApplicant, "POST", "/api/v1/volunteers/{id}/reject", Some(json!({"reason": "matrix"})), [401, 200, 200, 404, 403, 403]),
        case("POST", "/api/v1/webhooks", Some(json!({"url": "https://93.184.216.34/hook", "event_types": ["volunteer.created"]})), [401, 201, 403, 403, 403, 403]),
        case("GET", "/api/v1/webhooks", None, [401, 200, 403, 403, 403, 403]),
        case_on(Target::Webhook, "GET", "/api/v1/webhooks/{id}", None, [401, 200, 403, 403, 403, 403]),
        case_on(Target::Webhook, "PATCH", "/api/v1/webhooks/{id}", Some(json!({"description": "matrix"})), [401, 200, 403, 403, 403, 403]),
        case_on(Target::Webhook, "POST", "/api/v1/webhooks/{id}/rotate-secret", None, [401, 200, 403, 403, 403, 403]),
        case_on(Target::FreshWebhook, "DELETE", "/api/v1/webhooks/{id}", None, [401, 204, 403, 403, 403, 403]),
        case_on(Target::Webhook, "GET", "/api/v1/webhooks/{id}/deliveries", None, [401, 200, 403, 403, 403, 403]),
        // The delivery is still pending (no dispatcher runs here): 409 proves the admin got past authorization.
        case_on(Target::WebhookDelivery, "POST", "/api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver", None, [401, 409, 403, 403, 403, 403]),
    ]
}

/// The records the cases act on.
struct Fixtures {
    /// A volunteer account of the own branch (target of account operations).
    account_id: String,
    observer_id: String,
    token_id: String,
    locality_id: String,
    member_organisation_id: String,
    volunteer_id: String,
    /// A scheduled event of the own branch, in the future, with one shift.
    event: Value,
    /// A scheduled event that has started, with one shift.
    started_event: Value,
    calendar_token: String,
    /// A route of the own branch that the volunteer caller is assigned to.
    route: Value,
    organisation_id: String,
    meeting_id: String,
    held_meeting_id: String,
    material_id: String,
    /// An adjustment of the own branch's stock.
    movement_id: String,
    /// A catalogue poster, with stock in the own branch.
    poster_id: String,
    /// A poster site of the own branch, with room for every call.
    site_id: String,
    placement_id: String,
    /// A social-media post of the own branch by the volunteer caller.
    social_post_id: String,
    /// A published talking point.
    talking_point_id: String,
    /// A webhook subscription with one pending delivery.
    webhook_id: String,
    delivery_id: String,
    /// An account that signs in during the login case.
    target: TestUser,
    admin: TestUser,
}

/// A valid BIN nobody has used: eleven random digits and their check digit.
/// A minute not used before in this process, so that each caller's new shift
/// is another slot (a shift at the same start and end as another is a 409).
fn fresh_minute() -> String {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    format!("{:02}", NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % 60)
}

pub fn fresh_bin() -> String {
    loop {
        let digits: Vec<u32> =
            uuid::Uuid::now_v7().as_u128().to_string().chars().rev().take(11).filter_map(|c| c.to_digit(10)).collect();
        let weighted = |weights: [u32; 11]| digits.iter().zip(weights).map(|(d, w)| d * w).sum::<u32>() % 11;
        let mut check = weighted([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
        if check == 10 {
            check = weighted([3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]);
        }
        if check < 10 {
            return digits.iter().chain([&check]).map(ToString::to_string).collect();
        }
    }
}

impl Fixtures {
    /// The concrete path and body of one call of `case`.
    async fn resolve(&self, app: &TestApp, case: &Case) -> (String, Option<Value>) {
        let mut assignee = String::new();
        let id = match case.id {
            Target::Account => self.account_id.clone(),
            Target::Observer => self.observer_id.clone(),
            Target::ApiToken => self.token_id.clone(),
            Target::Locality => self.locality_id.clone(),
            Target::FreshLocality => {
                create_id(
                    app,
                    &self.admin,
                    "/api/v1/localities",
                    json!({"branch": OWN_BRANCH, "kind": "village", "name": {"kk": "Жаңа", "ru": "Новое"}}),
                )
                .await
            }
            Target::MemberOrganisation => self.member_organisation_id.clone(),
            Target::FreshMemberOrganisation => {
                create_id(
                    app,
                    &self.admin,
                    "/api/v1/member-organisations",
                    json!({"name": "Fresh", "kind": "other", "bin": fresh_bin()}),
                )
                .await
            }
            Target::BranchQuery | Target::CsvDryRun | Target::SiteCsvDryRun | Target::CalendarToken => String::new(),
            Target::PosterSite => self.site_id.clone(),
            Target::Placement => self.placement_id.clone(),
            Target::FreshPlacement => {
                app.placement(&self.admin, &self.site_id, &self.poster_id, 1).await["id"].as_str().unwrap().to_owned()
            }
            Target::SocialPost => self.social_post_id.clone(),
            Target::FreshSocialPost => {
                let body = crate::social_posts::post_body("instagram", "2026-11-02T09:00:00Z");
                let body = json!({"branch": OWN_BRANCH, "platform": body["platform"], "url": body["url"], "published_at": body["published_at"], "language": "ru"});
                create_id(app, &self.admin, "/api/v1/social-posts", body).await
            }
            Target::TalkingPoint => self.talking_point_id.clone(),
            Target::Webhook => self.webhook_id.clone(),
            Target::WebhookDelivery => {
                assignee = self.delivery_id.clone();
                self.webhook_id.clone()
            }
            Target::FreshWebhook => {
                let body = json!({"url": "https://93.184.216.34/hook", "event_types": ["event.created"]});
                create_id(app, &self.admin, "/api/v1/webhooks", body).await
            }
            Target::FreshTalkingPoint => {
                create_id(
                    app,
                    &self.admin,
                    "/api/v1/talking-points",
                    crate::talking_points::talking_point_body("question"),
                )
                .await
            }
            Target::Event => self.event["id"].as_str().unwrap().to_owned(),
            Target::Route => self.route["id"].as_str().unwrap().to_owned(),
            Target::Organisation => self.organisation_id.clone(),
            Target::Meeting => self.meeting_id.clone(),
            Target::HeldMeeting => self.held_meeting_id.clone(),
            Target::Material => self.material_id.clone(),
            Target::FreshFollowUp => {
                let id = create_id(app, &self.admin, "/api/v1/meetings", residents_meeting()).await;
                for status in ["agreed", "held"] {
                    let path = format!("/api/v1/meetings/{id}/status");
                    app.post(&path)
                        .bearer(&self.admin.token)
                        .json(&json!({"status": status}))
                        .send()
                        .await
                        .assert_status(200);
                }
                let report = json!({"attendance": 5, "follow_ups": [{"what": "Call back", "owner": "HQ", "due_date": "2099-01-01"}]});
                let report = app
                    .put(&format!("/api/v1/meetings/{id}/report"))
                    .bearer(&self.admin.token)
                    .json(&report)
                    .send()
                    .await;
                report.assert_status(200).json()["follow_ups"][0]["id"].as_str().unwrap().to_owned()
            }
            Target::Movement => self.movement_id.clone(),
            Target::FreshMovement => {
                create_id(app, &self.admin, "/api/v1/stock-movements", stock_count(&self.material_id)).await
            }
            Target::FreshMeeting => create_id(app, &self.admin, "/api/v1/meetings", residents_meeting()).await,
            Target::FreshRoute => {
                app.route(&self.admin, &self.locality_id, 1, &[]).await["id"].as_str().unwrap().to_owned()
            }
            Target::FreshRouteWithAssignee => {
                let volunteer = app.volunteer(&self.admin, OWN_BRANCH).await["id"].as_str().unwrap().to_owned();
                let route = app.route(&self.admin, &self.locality_id, 1, &[&volunteer]).await;
                assignee = volunteer;
                route["id"].as_str().unwrap().to_owned()
            }
            Target::Shift => self.event["shifts"][0]["id"].as_str().unwrap().to_owned(),
            Target::FreshShift => {
                let event = app
                    .scheduled_event(&self.admin, OWN_BRANCH, "2027-01-12T04:00:00Z", "2027-01-12T08:00:00Z", 2)
                    .await;
                event["shifts"][0]["id"].as_str().unwrap().to_owned()
            }
            Target::FreshDraftEvent => {
                let body = json!({"branch": OWN_BRANCH, "kind": "training", "title": "Draft", "starts_at": "2027-01-11T04:00:00Z", "ends_at": "2027-01-11T08:00:00Z", "shifts": [{"starts_at": "2027-01-11T04:00:00Z", "ends_at": "2027-01-11T08:00:00Z", "capacity": 2}]});
                create_id(app, &self.admin, "/api/v1/events", body).await
            }
            Target::FreshAssignment | Target::FreshStartedAssignment => {
                let event = if matches!(case.id, Target::FreshAssignment) { &self.event } else { &self.started_event };
                let volunteer = app.volunteer(&self.admin, OWN_BRANCH).await;
                let path = format!("/api/v1/shifts/{}/signups", event["shifts"][0]["id"].as_str().unwrap());
                create_id(app, &self.admin, &path, json!({"volunteer_id": volunteer["id"]})).await
            }
            Target::Volunteer => self.volunteer_id.clone(),
            Target::FreshVolunteer => app.volunteer(&self.admin, OWN_BRANCH).await["id"].as_str().unwrap().to_owned(),
            Target::FreshApplicant => app.applicant(OWN_BRANCH).await,
        };
        let mut path = case
            .path
            .replace("{code}", OWN_BRANCH)
            .replace("{id}", &id)
            .replace("{token}", &self.calendar_token)
            .replace("{volunteer_id}", &assignee)
            .replace("{delivery_id}", &assignee)
            .replace("{slug}", "validation-failed");
        match case.id {
            Target::BranchQuery => path.push_str(&format!("?branch={OWN_BRANCH}")),
            Target::CsvDryRun | Target::SiteCsvDryRun => path.push_str("?dry_run=true"),
            _ => {}
        }
        let fresh_volunteer = if case.body.as_ref().is_some_and(|body| body.to_string().contains(FRESH_VOLUNTEER)) {
            app.volunteer(&self.admin, OWN_BRANCH).await["id"].as_str().unwrap().to_owned()
        } else {
            String::new()
        };
        let body = case.body.as_ref().map(|body| {
            let text = body
                .to_string()
                .replace("{target_email}", &self.target.email)
                .replace("{target_password}", &self.target.password)
                .replace("{fresh_bin}", &fresh_bin())
                .replace("{fresh_minute}", &fresh_minute())
                .replace("{event_shift_id}", self.event["shifts"][0]["id"].as_str().unwrap())
                .replace("{fresh_phone}", &fresh_phone())
                .replace("{locality_id}", &self.locality_id)
                .replace("{material_id}", &self.material_id)
                .replace("{poster_id}", &self.poster_id)
                .replace("{unique}", &uuid::Uuid::now_v7().simple().to_string())
                .replace("{fresh_volunteer_id}", FRESH_VOLUNTEER)
                .replace("{unique_email}", &format!("matrix-{}@outreach.test", uuid::Uuid::now_v7().simple()));
            serde_json::from_str(&text.replace(FRESH_VOLUNTEER, &fresh_volunteer)).unwrap()
        });
        (path, body)
    }
}

/// An upward stock count of one item of `material` in the own branch.
fn stock_count(material: &str) -> Value {
    json!({"kind": "adjustment", "material_id": material, "branch": OWN_BRANCH, "direction": "increase", "quantity": 1, "reason": "count"})
}

fn residents_meeting() -> Value {
    json!({"kind": "residents_meeting", "branch": OWN_BRANCH, "title": "Fixture", "proposed_starts_at": "2027-05-02T06:00:00Z", "proposed_ends_at": "2027-05-02T07:00:00Z"})
}

/// Stands for a new volunteer of the own branch, created for the call.
const FRESH_VOLUNTEER: &str = "{fresh_volunteer_id}";

fn hours_from_now(hours: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::hours(hours)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

async fn create_id(app: &TestApp, admin: &TestUser, path: &str, body: Value) -> String {
    app.post(path).bearer(&admin.token).json(&body).send().await.assert_status(201).json()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn spec_operations(spec: &Value) -> BTreeSet<String> {
    let mut operations = BTreeSet::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            operations.insert(format!("{} {path}", method.to_uppercase()));
        }
    }
    operations
}

on_both_databases!(every_operation_answers_every_caller_as_the_matrix_says);
async fn every_operation_answers_every_caller_as_the_matrix_says(app: TestApp) {
    let spec = app.get("/api-docs/openapi.json").send().await.json();
    let cases = matrix();
    let covered: BTreeSet<String> = cases.iter().map(|case| format!("{} {}", case.method, case.path)).collect();
    assert_eq!(spec_operations(&spec), covered, "every operation in the spec needs exactly one matrix entry");

    let admin = app.admin().await;
    let (caller_volunteer, volunteer_caller) = app.volunteer_user(&admin, OWN_BRANCH).await;
    let callers: [Option<TestUser>; 6] = [
        None,
        Some(admin.clone()),
        Some(app.user("coordinator", Some(OWN_BRANCH)).await),
        Some(app.user("coordinator", Some(OTHER_BRANCH)).await),
        Some(volunteer_caller),
        Some(app.user("observer", None).await),
    ];
    let observer_id = app.account(&admin, "observer", None).await["id"].as_str().unwrap().to_owned();
    let token_id = app
        .post(&format!("/api/v1/accounts/{observer_id}/api-tokens"))
        .bearer(&admin.token)
        .json(&json!({"name": "fixture"}))
        .send()
        .await
        .assert_status(201)
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let locality_id = create_id(
        &app,
        &admin,
        "/api/v1/localities",
        json!({"branch": OWN_BRANCH, "kind": "district", "name": {"kk": "Аудан", "ru": "Район"}}),
    )
    .await;
    let route = app.route(&admin, &locality_id, 2, &[caller_volunteer["id"].as_str().unwrap()]).await;
    let material_id = app.material(&admin).await;
    let movement_id = create_id(&app, &admin, "/api/v1/stock-movements", stock_count(&material_id)).await;
    // Stock for the hand-outs at the fixture event.
    let receipt = json!({"kind": "receipt", "material_id": material_id, "branch": OWN_BRANCH, "quantity": 100});
    create_id(&app, &admin, "/api/v1/stock-movements", receipt).await;
    let poster_id = app.poster(&admin).await;
    app.receive(&admin, &poster_id, OWN_BRANCH, 1000).await;
    let site_id = id(&app.poster_site(&admin, OWN_BRANCH, &locality_id, 1000).await).to_owned();
    let placement_id = id(&app.placement(&admin, &site_id, &poster_id, 1).await).to_owned();
    let social_post_id = {
        let mut body = crate::social_posts::post_body("telegram", "2026-11-01T09:00:00Z");
        body["author_volunteer_id"] = caller_volunteer["id"].clone();
        create_id(&app, &admin, "/api/v1/social-posts", body).await
    };
    let talking_point_id = id(&app.published_talking_point(&admin, &["economy"]).await).to_owned();
    let (webhook_id, delivery_id) = {
        let body = json!({"url": "https://93.184.216.34/hook", "event_types": ["volunteer.created"]});
        let webhook_id = create_id(&app, &admin, "/api/v1/webhooks", body).await;
        app.volunteer(&admin, OWN_BRANCH).await;
        outreach::service::webhook_dispatcher::fan_out(&app.state.db).await.unwrap();
        let path = format!("/api/v1/webhooks/{webhook_id}/deliveries");
        let deliveries = app.get(&path).bearer(&admin.token).send().await.assert_status(200).json();
        (webhook_id, deliveries["items"][0]["id"].as_str().unwrap().to_owned())
    };
    let fixtures = Fixtures {
        webhook_id,
        delivery_id,
        talking_point_id,
        social_post_id,
        poster_id,
        site_id,
        placement_id,
        account_id: app.account(&admin, "volunteer", Some(OWN_BRANCH)).await["id"].as_str().unwrap().to_owned(),
        observer_id,
        token_id,
        locality_id,
        route,
        material_id,
        movement_id,
        organisation_id: create_id(&app, &admin, "/api/v1/organisations", json!({"branch": OWN_BRANCH, "name": {"kk": "Ұйым", "ru": "Организация"}, "bin": fresh_bin(), "sector": "trade", "employee_count": 50})).await,
        meeting_id: create_id(&app, &admin, "/api/v1/meetings", residents_meeting()).await,
        held_meeting_id: {
            let id = create_id(&app, &admin, "/api/v1/meetings", residents_meeting()).await;
            for status in ["agreed", "held"] {
                app.post(&format!("/api/v1/meetings/{id}/status")).bearer(&admin.token).json(&json!({"status": status})).send().await.assert_status(200);
            }
            app.put(&format!("/api/v1/meetings/{id}/report")).bearer(&admin.token).json(&json!({"attendance": 5})).send().await.assert_status(200);
            id
        },
        member_organisation_id: create_id(&app, &admin, "/api/v1/member-organisations", json!({"name": "Union", "kind": "trade_union", "bin": fresh_bin()})).await,
        volunteer_id: app.volunteer(&admin, OWN_BRANCH).await["id"].as_str().unwrap().to_owned(),
        event: app.scheduled_event(&admin, OWN_BRANCH, "2027-01-10T00:00:00Z", "2027-01-11T00:00:00Z", 100).await,
        started_event: app.scheduled_event(&admin, OWN_BRANCH, &hours_from_now(-1), &hours_from_now(3), 100).await,
        calendar_token: {
            let (_, owner) = app.volunteer_user(&admin, OWN_BRANCH).await;
            let feed = app.post("/api/v1/me/calendar-feed").bearer(&owner.token).send().await.assert_status(201).json();
            feed["url"].as_str().unwrap().split_once("/api/v1/calendar/").unwrap().1.trim_end_matches(".ics").to_owned()
        },
        target: app.user("observer", None).await,
        admin: admin.clone(),
    };

    let mut failures = Vec::new();
    for case in &cases {
        for (column, caller) in callers.iter().enumerate() {
            let (path, body) = fixtures.resolve(&app, case).await;
            let mut request = app.request(case.method.parse().unwrap(), &path);
            if let Some(caller) = caller {
                request = request.bearer(&caller.token);
            }
            if let Some(body) = &body {
                request = request.json(body);
            }
            if matches!(case.id, Target::SiteCsvDryRun) {
                request = request.header("content-type", "text/csv").body(format!(
                    "locality_id,address,kind,capacity,decision_body,decision_number,decision_date\n{},Абай 3,stand,2,Akimat,13,2026-10-02\n",
                    fixtures.locality_id
                ));
            }
            if matches!(case.id, Target::CsvDryRun) {
                request = request
                    .header("content-type", "text/csv")
                    .body("full_name,phone,consent_at,consent_version\nA B,+77770001111,2026-11-01T09:00:00Z,1\n");
            }
            let status = request.send().await.status.as_u16();
            if status != case.expect[column] {
                failures.push(format!(
                    "{} {} as {}: expected {}, got {status}",
                    case.method, case.path, CALLERS[column], case.expect[column]
                ));
            }
        }
    }
    assert!(failures.is_empty(), "authorization matrix mismatches:\n{}", failures.join("\n"));
}
