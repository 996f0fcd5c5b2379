//! The HTTP layer: handlers, one file per resource. Each handler is registered here together
//! with its OpenAPI description, so the spec cannot drift from the routes.

pub mod accounts;
pub mod api_tokens;
pub mod applications;
pub mod audit;
pub mod auth;
pub mod branches;
pub mod calendar;
pub mod changes;
pub mod conditional;
pub mod dashboard;
pub mod door_routes;
pub mod event_materials;
pub mod events;
pub mod fallback;
pub mod follow_ups;
pub mod health;
pub mod hot_pages;
pub mod idempotency;
pub mod json;
pub mod localities;
pub mod materials;
pub mod materials_report;
pub mod me;
pub mod meetings;
pub mod member_organisations;
pub mod metrics;
pub mod organisations;
pub mod paging;
pub mod poster_coverage;
pub mod poster_placements;
pub mod poster_sites;
pub mod problems;
pub mod query;
pub mod question_report;
pub mod reports;
pub mod shifts;
pub mod signups;
pub mod social_posts;
pub mod social_report;
pub mod stock_balances;
pub mod stock_movements;
pub mod talking_points;
pub mod visits;
pub mod volunteer_csv;
pub mod volunteers;
pub mod webhooks;

use utoipa_actix_web::scope;

use crate::domain::version::ExpectedVersion;
use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every documented route.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health::live).service(health::ready).service(metrics::metrics).service(problems::problem_type);
    cfg.service(
        scope::scope("/api/v1")
            .service(auth::login)
            .service(auth::refresh)
            .service(auth::logout)
            .service(me::me)
            .service(me::change_password)
            .service(me::my_data)
            .service(calendar::my_schedule)
            .service(calendar::create_calendar_feed)
            .service(calendar::revoke_calendar_feed)
            .service(calendar::volunteer_calendar)
            .service(calendar::branch_calendar)
            .service(events::public_branch_events)
            .service(branches::list_branches)
            .service(branches::get_branch)
            .service(branches::update_branch)
            .service(accounts::create_account)
            .service(accounts::list_accounts)
            .service(accounts::get_account)
            .service(accounts::update_account)
            .service(accounts::reset_password)
            .service(api_tokens::create_api_token)
            .service(api_tokens::list_api_tokens)
            .service(api_tokens::revoke_api_token)
            .service(audit::list_audit)
            .service(localities::create_locality)
            .service(localities::list_localities)
            .service(localities::locality_tree)
            .service(localities::get_locality)
            .service(localities::update_locality)
            .service(localities::delete_locality)
            .service(member_organisations::create_member_organisation)
            .service(member_organisations::list_member_organisations)
            .service(member_organisations::get_member_organisation)
            .service(member_organisations::update_member_organisation)
            .service(member_organisations::delete_member_organisation)
            .service(applications::apply)
            .service(volunteer_csv::export_volunteers)
            .service(volunteer_csv::import_volunteers)
            .service(volunteers::create_volunteer)
            .service(volunteers::list_volunteers)
            .service(volunteers::get_volunteer)
            .service(calendar::volunteer_schedule)
            .service(volunteers::update_volunteer)
            .service(volunteers::anonymise_volunteer)
            .service(volunteers::approve_application)
            .service(volunteers::reject_application)
            .service(events::create_event)
            .service(events::list_events)
            .service(events::get_event)
            .service(events::update_event)
            .service(events::change_event_status)
            .service(events::add_shift)
            .service(events::add_shift_series)
            .service(shifts::get_shift)
            .service(shifts::update_shift)
            .service(shifts::cancel_shift)
            .service(signups::sign_up)
            .service(signups::list_signups)
            .service(signups::get_signup)
            .service(signups::cancel_signup)
            .service(signups::mark_attendance)
            .service(door_routes::create_route)
            .service(door_routes::list_routes)
            .service(door_routes::get_route)
            .service(door_routes::replace_stops)
            .service(door_routes::assign_route)
            .service(door_routes::unassign_route)
            .service(door_routes::route_pack)
            .service(door_routes::sync_visits)
            .service(visits::list_visits)
            .service(visits::national_progress)
            .service(visits::branch_progress)
            .service(organisations::create_organisation)
            .service(organisations::list_organisations)
            .service(organisations::get_organisation)
            .service(organisations::update_organisation)
            .service(meetings::create_meeting)
            .service(meetings::list_meetings)
            .service(meetings::get_meeting)
            .service(meetings::get_meeting_brief)
            .service(meetings::add_speaker)
            .service(meetings::change_meeting_status)
            .service(meetings::save_report)
            .service(meetings::get_report)
            .service(meetings::meeting_coverage)
            .service(follow_ups::list_follow_ups)
            .service(follow_ups::mark_follow_up_done)
            .service(materials::create_material)
            .service(materials::list_materials)
            .service(materials::get_material)
            .service(materials::update_material)
            .service(stock_movements::create_movement)
            .service(stock_movements::export_movements)
            .service(stock_movements::list_movements)
            .service(stock_movements::get_movement)
            .service(stock_movements::reverse_movement)
            .service(stock_balances::list_balances)
            .service(stock_balances::list_holdings)
            .service(stock_balances::stock_totals)
            .service(event_materials::record_event_materials)
            .service(event_materials::list_event_materials)
            .service(materials_report::materials_handed_out)
            .service(poster_sites::export_sites)
            .service(poster_sites::import_sites)
            .service(poster_sites::create_site)
            .service(poster_sites::list_sites)
            .service(poster_sites::get_site)
            .service(poster_sites::update_site)
            .service(poster_placements::create_placement)
            .service(poster_placements::list_placements)
            .service(poster_placements::get_placement)
            .service(poster_placements::change_placement)
            .service(poster_placements::sync_inspections)
            .service(poster_coverage::poster_coverage)
            .service(social_posts::create_post)
            .service(social_posts::list_posts)
            .service(social_posts::export_posts)
            .service(social_posts::get_post)
            .service(social_posts::update_post)
            .service(social_posts::remove_post)
            .service(social_posts::add_reach)
            .service(social_posts::list_reach)
            .service(social_report::social_report)
            .service(reports::report_summary)
            .service(reports::report_summary_csv)
            .service(reports::report_series)
            .service(reports::report_series_csv)
            .service(reports::report_branches)
            .service(reports::report_branches_csv)
            .service(talking_points::create_point)
            .service(talking_points::list_points)
            .service(talking_points::get_point)
            .service(talking_points::update_point)
            .service(talking_points::publish_point)
            .service(talking_points::retire_point)
            .service(changes::list_changes)
            .service(webhooks::create_webhook)
            .service(webhooks::list_webhooks)
            .service(webhooks::get_webhook)
            .service(webhooks::update_webhook)
            .service(webhooks::rotate_webhook_secret)
            .service(webhooks::delete_webhook)
            .service(webhooks::list_webhook_deliveries)
            .service(webhooks::redeliver_webhook_delivery)
            .service(question_report::question_report),
    );
}

/// The `ETag` of a record: its version, quoted.
pub fn etag(version: i32) -> actix_web::http::header::ETag {
    use actix_web::http::header::{ETag, EntityTag};
    ETag(EntityTag::new_strong(version.to_string()))
}

/// `If-Match`, read into the versions an update may apply to (see
/// [`ExpectedVersion`]): `*` or no header is any version. Weak tags never match
/// (RFC 9110 requires strong comparison), nor does anything that is not one of
/// our versions.
impl actix_web::FromRequest for ExpectedVersion {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Self, actix_web::Error>>;

    fn from_request(req: &actix_web::HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let Some(value) = req.headers().get(actix_web::http::header::IF_MATCH) else {
            return std::future::ready(Ok(Self::Any));
        };
        let value = value.to_str().unwrap_or_default().trim();
        if value == "*" {
            return std::future::ready(Ok(Self::Any));
        }
        let versions = value
            .split(',')
            .map(str::trim)
            .map(|tag| match tag.strip_prefix('"').and_then(|tag| tag.strip_suffix('"')) {
                Some(version) => version.parse().unwrap_or(-1),
                None => -1,
            })
            .collect();
        std::future::ready(Ok(Self::OneOf(versions)))
    }
}
