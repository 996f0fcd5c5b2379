//! The campaign reports (summary, series, branches, CSV): every figure
//! recomputed here from the raw rows, with each branch's own time zone, for a
//! branch and the nation, including the local-day boundaries in Aktobe (UTC+5).

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeDelta, TimeZone};
use chrono_tz::Tz;
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::factories::{OWN_BRANCH, TestUser, id, visit};
use crate::helpers::TestApp;
use crate::stock::{issue, receipt};
use outreach::db::report_days::{self, ReportDay};

const AKTOBE: &str = "KZ-15";

/// An event: id, branch, kind, status, start, locality.
type EventRow = (String, String, String, String, NaiveDateTime, Option<String>);

/// The raw rows the reports are made of, as the database holds them.
#[derive(Default)]
struct Raw {
    zones: HashMap<String, Tz>,
    names: Vec<(String, String, String, String)>,
    volunteers: Vec<(String, String, NaiveDateTime)>,
    events: Vec<EventRow>,
    shifts: Vec<(String, String, NaiveDateTime, i32, Option<NaiveDateTime>)>,
    assignments: Vec<(String, String)>,
    visits: Vec<(String, NaiveDateTime, i32, i32)>,
    routes: Vec<(String, String, String, i32, i32)>,
    movements: Vec<(String, String, String, i32, Option<String>, NaiveDateTime)>,
    materials: HashMap<String, (String, String)>,
    meetings: Vec<(String, Option<String>, String)>,
    reports: HashMap<String, i32>,
    placements: Vec<(String, i32, NaiveDateTime)>,
    sites: Vec<(String, String, String, i32)>,
    posts: Vec<(String, NaiveDateTime, Option<NaiveDateTime>, Option<i64>)>,
    localities: Vec<(String, String, String)>,
}

async fn raw(app: &TestApp) -> Raw {
    app.state
        .db
        .run(|conn| {
            use outreach::db::schema::*;
            let branch_rows: Vec<(String, String, String, String, String)> = branches::table
                .order(branches::code)
                .select((branches::code, branches::timezone, branches::name_kk, branches::name_ru, branches::name_en))
                .load(conn)?;
            Ok(Raw {
                zones: branch_rows.iter().map(|row| (row.0.clone(), row.1.parse().unwrap())).collect(),
                names: branch_rows.into_iter().map(|row| (row.0, row.2, row.3, row.4)).collect(),
                volunteers: volunteers::table
                    .select((volunteers::branch_code, volunteers::status, volunteers::created_at))
                    .load(conn)?,
                events: events::table
                    .select((
                        events::id,
                        events::branch_code,
                        events::kind,
                        events::status,
                        events::starts_at,
                        events::locality_id,
                    ))
                    .load(conn)?,
                shifts: shifts::table
                    .select((shifts::id, shifts::event_id, shifts::starts_at, shifts::capacity, shifts::cancelled_at))
                    .load(conn)?,
                assignments: assignments::table.select((assignments::shift_id, assignments::status)).load(conn)?,
                visits: visits::table
                    .select((visits::route_id, visits::visited_at, visits::doors_knocked, visits::conversations))
                    .load(conn)?,
                routes: routes::table
                    .select((
                        routes::id,
                        routes::branch_code,
                        routes::locality_id,
                        routes::stops_total,
                        routes::stops_visited,
                    ))
                    .load(conn)?,
                movements: stock_movements::table
                    .filter(stock_movements::kind.eq("hand_out"))
                    .select((
                        stock_movements::branch_code,
                        stock_movements::material_id,
                        stock_movements::kind,
                        stock_movements::quantity,
                        stock_movements::reverses_id,
                        stock_movements::created_at,
                    ))
                    .load(conn)?,
                materials: materials::table
                    .select((materials::id, materials::title_kk, materials::title_ru))
                    .load::<(String, String, String)>(conn)?
                    .into_iter()
                    .map(|(id, kk, ru)| (id, (kk, ru)))
                    .collect(),
                meetings: meetings::table
                    .select((meetings::event_id, meetings::organisation_id, meetings::status))
                    .load(conn)?,
                reports: meeting_reports::table
                    .select((meeting_reports::meeting_id, meeting_reports::attendance))
                    .load::<(String, i32)>(conn)?
                    .into_iter()
                    .collect(),
                placements: poster_placements::table
                    .select((poster_placements::branch_code, poster_placements::quantity, poster_placements::placed_at))
                    .load(conn)?,
                sites: poster_sites::table
                    .select((
                        poster_sites::branch_code,
                        poster_sites::locality_id,
                        poster_sites::status,
                        poster_sites::current_posters,
                    ))
                    .load(conn)?,
                posts: social_posts::table
                    .select((
                        social_posts::branch_code,
                        social_posts::published_at,
                        social_posts::removed_at,
                        social_posts::views,
                    ))
                    .load(conn)?,
                localities: localities::table
                    .select((localities::id, localities::branch_code, localities::kind))
                    .load(conn)?,
            })
        })
        .await
        .unwrap()
}

fn ratio(part: i64, whole: i64) -> f64 {
    if whole == 0 { 0.0 } else { (part as f64 / whole as f64 * 10_000.0).round() / 10_000.0 }
}

impl Raw {
    fn day(&self, branch: &str, at: NaiveDateTime) -> NaiveDate {
        self.zones[branch].from_utc_datetime(&at).date_naive()
    }

    /// The summary, recomputed (without the polling-day header).
    fn summary(&self, branch: Option<&str>, from: NaiveDate, to: NaiveDate) -> Value {
        let keep = |code: &str| branch.is_none_or(|wanted| wanted == code);
        let in_range = |code: &str, at: NaiveDateTime| keep(code) && (from..=to).contains(&self.day(code, at));
        let count_status =
            |status: &str| self.volunteers.iter().filter(|(code, s, _)| keep(code) && s == status).count() as i64;
        let event_branch: HashMap<&str, &str> =
            self.events.iter().map(|event| (event.0.as_str(), event.1.as_str())).collect();
        let event_status: HashMap<&str, &str> =
            self.events.iter().map(|event| (event.0.as_str(), event.3.as_str())).collect();
        let mut by_kind: BTreeMap<String, i64> = [
            "door_to_door",
            "poster_placement",
            "materials_distribution",
            "street_stand",
            "work_collective_meeting",
            "expert_meeting",
            "residents_meeting",
            "social_media",
            "training",
            "other",
        ]
        .iter()
        .map(|kind| (kind.to_string(), 0))
        .collect();
        let mut by_status: BTreeMap<String, i64> =
            ["draft", "scheduled", "completed", "cancelled"].iter().map(|s| (s.to_string(), 0)).collect();
        for (_, code, kind, status, starts, _) in &self.events {
            if in_range(code, *starts) {
                *by_kind.get_mut(kind).unwrap() += 1;
                *by_status.get_mut(status).unwrap() += 1;
            }
        }
        let live_shifts: HashMap<&str, (i32,)> = self
            .shifts
            .iter()
            .filter(|(_, event, starts, _, cancelled)| {
                let code = event_branch[event.as_str()];
                cancelled.is_none()
                    && ["scheduled", "completed"].contains(&event_status[event.as_str()])
                    && in_range(code, *starts)
            })
            .map(|(shift, _, _, capacity, _)| (shift.as_str(), (*capacity,)))
            .collect();
        let capacity: i64 = live_shifts.values().map(|(capacity,)| i64::from(*capacity)).sum();
        let places = |statuses: &[&str]| {
            self.assignments
                .iter()
                .filter(|(shift, status)| {
                    live_shifts.contains_key(shift.as_str()) && statuses.contains(&status.as_str())
                })
                .count() as i64
        };
        let signed_up = places(&["signed_up", "attended", "no_show"]);
        let (attended, no_show) = (places(&["attended"]), places(&["no_show"]));
        let route_branch: HashMap<&str, &str> =
            self.routes.iter().map(|route| (route.0.as_str(), route.1.as_str())).collect();
        let visits: Vec<&(String, NaiveDateTime, i32, i32)> =
            self.visits.iter().filter(|visit| in_range(route_branch[visit.0.as_str()], visit.1)).collect();
        let routes: Vec<_> = self.routes.iter().filter(|route| keep(&route.1)).collect();
        let mut handed: BTreeMap<String, i64> = BTreeMap::new();
        for (code, material, _, quantity, reverses, at) in &self.movements {
            if in_range(code, *at) {
                *handed.entry(material.clone()).or_default() +=
                    if reverses.is_none() { i64::from(*quantity) } else { -i64::from(*quantity) };
            }
        }
        let mut materials: Vec<(String, i64)> = handed.into_iter().filter(|(_, q)| *q != 0).collect();
        materials.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let held: Vec<_> = self
            .meetings
            .iter()
            .filter(|(event, _, status)| {
                let starts = self.events.iter().find(|e| &e.0 == event).unwrap().4;
                status == "held" && in_range(event_branch[event.as_str()], starts)
            })
            .collect();
        let attendance = |only_collectives: bool| -> i64 {
            held.iter()
                .filter(|(_, organisation, _)| !only_collectives || organisation.is_some())
                .map(|(event, _, _)| i64::from(self.reports.get(event).copied().unwrap_or(0)))
                .sum()
        };
        let mut organisations: Vec<&String> =
            held.iter().filter_map(|(_, organisation, _)| organisation.as_ref()).collect();
        organisations.sort();
        organisations.dedup();
        let active_sites: Vec<_> = self.sites.iter().filter(|site| keep(&site.0) && site.2 == "active").collect();
        let posts: Vec<_> = self.posts.iter().filter(|post| post.2.is_none() && in_range(&post.0, post.1)).collect();
        let rural: Vec<_> = self
            .localities
            .iter()
            .filter(|(_, code, kind)| keep(code) && ["village", "rural_district"].contains(&kind.as_str()))
            .collect();
        let reached = rural
            .iter()
            .filter(|(locality, _, _)| {
                self.routes.iter().any(|route| &route.2 == locality && route.4 > 0)
                    || self.events.iter().any(|event| {
                        event.5.as_ref() == Some(locality)
                            && (event.3 == "completed" || self.meetings.iter().any(|m| m.0 == event.0 && m.2 == "held"))
                    })
                    || self.sites.iter().any(|site| &site.1 == locality && site.2 == "active" && site.3 > 0)
            })
            .count() as i64;
        json!({
            "volunteers": {
                "total": self.volunteers.iter().filter(|v| keep(&v.0)).count(),
                "applicant": count_status("applicant"), "active": count_status("active"),
                "paused": count_status("paused"), "left": count_status("left"),
                "new_in_range": self.volunteers.iter().filter(|v| in_range(&v.0, v.2)).count(),
            },
            "events": {"by_kind": by_kind, "by_status": by_status},
            "shifts": {
                "shifts": live_shifts.len(), "capacity": capacity, "signed_up": signed_up,
                "fill_rate": ratio(signed_up, capacity), "attended": attended, "no_show": no_show,
                "attendance_rate": ratio(attended, attended + no_show), "no_show_rate": ratio(no_show, attended + no_show),
            },
            "door_to_door": {
                "routes": routes.len(),
                "stops": routes.iter().map(|r| i64::from(r.3)).sum::<i64>(),
                "stops_visited": routes.iter().map(|r| i64::from(r.4)).sum::<i64>(),
                "visits": visits.len(),
                "doors_knocked": visits.iter().map(|v| i64::from(v.2)).sum::<i64>(),
                "conversations": visits.iter().map(|v| i64::from(v.3)).sum::<i64>(),
            },
            "materials_handed_out": materials.iter().map(|(material, quantity)| {
                let (kk, ru) = &self.materials[material];
                json!({"material_id": material, "title": {"kk": kk, "ru": ru}, "quantity": quantity})
            }).collect::<Vec<_>>(),
            "meetings": {
                "held": held.len(), "attendance": attendance(false),
                "organisations_met": organisations.len(), "employees_reached": attendance(true),
            },
            "posters": {
                "sites": active_sites.len(),
                "sites_with_current_poster": active_sites.iter().filter(|site| site.3 > 0).count(),
            },
            "social_media": {
                "posts": posts.len(),
                "views": posts.iter().map(|post| post.3.unwrap_or(0)).sum::<i64>(),
            },
            "localities": {
                "rural_settlements": rural.len(), "rural_settlements_reached": reached,
                "share_reached": ratio(reached, rural.len() as i64),
            },
        })
    }

    /// The daily series, recomputed: one map of measures per day.
    fn daily(
        &self,
        branch: Option<&str>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> BTreeMap<NaiveDate, BTreeMap<&'static str, i64>> {
        let mut days: BTreeMap<NaiveDate, BTreeMap<&'static str, i64>> = BTreeMap::new();
        let mut day = from;
        while day <= to {
            days.insert(day, BTreeMap::new());
            day += TimeDelta::days(1);
        }
        let keep = |code: &str| branch.is_none_or(|wanted| wanted == code);
        let mut add = |code: &str, at: NaiveDateTime, measure: &'static str, value: i64| {
            if keep(code)
                && let Some(point) = days.get_mut(&self.day(code, at))
            {
                *point.entry(measure).or_default() += value;
            }
        };
        let events: HashMap<&str, &EventRow> = self.events.iter().map(|event| (event.0.as_str(), event)).collect();
        for v in &self.volunteers {
            add(&v.0, v.2, "volunteers_new", 1);
        }
        for e in &self.events {
            if e.3 == "completed" {
                add(&e.1, e.4, "events_held", 1);
            }
        }
        for (shift, status) in &self.assignments {
            let (_, event, starts, _, cancelled) = self.shifts.iter().find(|s| &s.0 == shift).unwrap();
            let event = events[event.as_str()];
            if status == "attended" && cancelled.is_none() && ["scheduled", "completed"].contains(&event.3.as_str()) {
                add(&event.1, *starts, "shifts_attended", 1);
            }
        }
        for (route, at, doors, conversations) in &self.visits {
            let code = self.routes.iter().find(|r| &r.0 == route).unwrap().1.clone();
            add(&code, *at, "visits", 1);
            add(&code, *at, "doors_knocked", i64::from(*doors));
            add(&code, *at, "conversations", i64::from(*conversations));
        }
        for (code, _, _, quantity, reverses, at) in &self.movements {
            let quantity = i64::from(*quantity);
            add(code, *at, "materials_handed_out", if reverses.is_none() { quantity } else { -quantity });
        }
        for (event, _, status) in &self.meetings {
            if status == "held" {
                let event = events[event.as_str()];
                add(&event.1, event.4, "meetings_held", 1);
                add(
                    &event.1,
                    event.4,
                    "meeting_attendance",
                    i64::from(self.reports.get(&event.0).copied().unwrap_or(0)),
                );
            }
        }
        for (code, quantity, at) in &self.placements {
            add(code, *at, "posters_placed", i64::from(*quantity));
        }
        for (code, at, removed, views) in &self.posts {
            if removed.is_none() {
                add(code, *at, "social_posts", 1);
                add(code, *at, "social_views", views.unwrap_or(0));
            }
        }
        days
    }
}

/// The measures of a served series point, zeros left out.
fn measures(point: &Value) -> BTreeMap<&'static str, i64> {
    outreach::service::reports_csv::SERIES_COLUMNS[1..]
        .iter()
        .filter_map(|measure| {
            let value = point[*measure].as_i64().unwrap();
            (value != 0).then_some((*measure, value))
        })
        .collect()
}

/// The served summary without its header, `social_media` cut to what is recomputed.
fn figures(mut summary: Value) -> Value {
    let object = summary.as_object_mut().unwrap();
    for header in ["branch", "from", "to", "polling_day", "days_to_polling_day"] {
        object.remove(header);
    }
    let social = object["social_media"].as_object_mut().unwrap();
    social.retain(|name, _| name == "posts" || name == "views");
    summary
}

/// A small campaign in Astana (KZ-71) and Aktobe (KZ-15), built through the API.
async fn campaign(app: &TestApp) -> (TestUser, TestUser) {
    let admin = app.admin().await;
    let astana = app.user("coordinator", Some(OWN_BRANCH)).await;
    let aktobe = app.user("coordinator", Some(AKTOBE)).await;

    // Volunteers: active, paused, an applicant.
    let paused = app.volunteer(&astana, OWN_BRANCH).await;
    app.pause(&astana, &paused).await;
    app.applicant(AKTOBE).await;

    // Door to door in both branches, hand-outs from a volunteer's holding.
    let leaflet = app.material(&admin).await;
    let village = app.locality(&astana, OWN_BRANCH, "village").await;
    app.locality(&astana, OWN_BRANCH, "village").await;
    let (walker_record, walker) = app.volunteer_user(&astana, OWN_BRANCH).await;
    let route = app.route(&astana, &village, 3, &[id(&walker_record)]).await;
    app.movement(&admin, receipt(&leaflet, OWN_BRANCH, 50)).await.assert_status(201);
    app.movement(&astana, issue(&leaflet, &walker_record, 20)).await.assert_status(201);
    let mut visits: Vec<Value> =
        route["stops"].as_array().unwrap().iter().map(|stop| visit(stop["id"].as_str().unwrap())).collect();
    visits[0].as_object_mut().unwrap().remove("materials_left");
    visits[0]["materials"] = json!([{"material_id": leaflet, "quantity": 4}]);
    app.sync_visits(&walker, &route, &visits).await;
    let (far_route, far_walker) = app.assigned_route(&aktobe, AKTOBE, 2).await;
    let stop = far_route["stops"][0]["id"].as_str().unwrap();
    app.sync_visits(&far_walker, &far_route, &[visit(stop), visit(stop)]).await;

    // Aktobe events at 23:30 local on 1 March (18:30 UTC), completed, and at
    // 00:30 local on 2 March (19:30 UTC on 1 March).
    let late = app.scheduled_event(&aktobe, AKTOBE, "2027-03-01T18:30:00Z", "2027-03-01T19:00:00Z", 4).await;
    app.set_event_status(&aktobe, &late, json!({"status": "completed"})).await;
    app.scheduled_event(&aktobe, AKTOBE, "2027-03-01T19:30:00Z", "2027-03-01T20:00:00Z", 3).await;

    // A shift under way in Astana: one attended, one no-show, one still signed up.
    let now = chrono::Utc::now();
    let started = app
        .scheduled_event(
            &astana,
            OWN_BRANCH,
            &(now - TimeDelta::hours(1)).to_rfc3339(),
            &(now + TimeDelta::hours(2)).to_rfc3339(),
            10,
        )
        .await;
    let shift = started["shifts"][0]["id"].as_str().unwrap().to_owned();
    for status in ["attended", "no_show", ""] {
        let volunteer = app.volunteer(&astana, OWN_BRANCH).await;
        let place = app.sign_up_volunteer(&astana, &shift, &volunteer).await;
        if !status.is_empty() {
            app.post(&format!("/api/v1/assignments/{}/attendance", id(&place)))
                .bearer(&astana.token)
                .json(&json!({"status": status}))
                .send()
                .await
                .assert_status(200);
        }
    }

    // A held work-collective meeting with its report.
    let organisation = app.organisation(&astana, "041140001239", 120).await;
    app.reported_meeting(&astana, &organisation).await;

    // Posters in an Aktobe village.
    let poster = app.poster(&admin).await;
    app.receive(&admin, &poster, AKTOBE, 10).await;
    let far_village = app.locality(&aktobe, AKTOBE, "village").await;
    let site = app.poster_site(&aktobe, AKTOBE, &far_village, 4).await;
    app.placement(&aktobe, id(&site), &poster, 2).await;

    // Aktobe posts at 23:30 local on 1 December and 00:30 local on 2 December.
    let first = app
        .log_post(&aktobe, &crate::social_posts::post_body("telegram", "2026-12-01T18:30:00Z"))
        .await
        .assert_status(201)
        .json();
    let body = json!({"taken_at": "2026-12-02T09:00:00Z", "views": 700, "reactions": 5, "shares": 2, "comments": 1});
    app.add_reach(&aktobe, id(&first), &body).await.assert_status(201);
    app.log_post(&aktobe, &crate::social_posts::post_body("telegram", "2026-12-01T19:30:00Z")).await.assert_status(201);
    (admin, app.user("observer", None).await)
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

on_both_databases!(reports_equal_the_raw_rows_for_a_branch_and_the_nation_by_local_day);
async fn reports_equal_the_raw_rows_for_a_branch_and_the_nation_by_local_day(app: TestApp) {
    let (_admin, observer) = campaign(&app).await;
    let raw = raw(&app).await;
    let today = chrono::Utc::now().date_naive();
    let from = today.min(day("2026-12-01")) - TimeDelta::days(5);
    let to = today.max(day("2027-03-02")) + TimeDelta::days(3);
    let get = |path: String| {
        let token = observer.token.clone();
        let app = &app;
        async move { app.get(&path).bearer(&token).send().await.assert_status(200).json() }
    };

    for branch in [Some(OWN_BRANCH), Some(AKTOBE), None] {
        let query = branch.map(|code| format!("&branch={code}")).unwrap_or_default();
        let summary = get(format!("/api/v1/reports/summary?from={from}&to={to}{query}")).await;
        assert_eq!(summary["branch"], json!(branch));
        assert_eq!(
            (summary["from"].as_str(), summary["to"].as_str()),
            (Some(&*from.to_string()), Some(&*to.to_string()))
        );
        assert_eq!(figures(summary), raw.summary(branch, from, to), "summary of {branch:?}");

        let series = get(format!("/api/v1/reports/series?from={from}&to={to}{query}")).await;
        let expected = raw.daily(branch, from, to);
        let points = series["points"].as_array().unwrap();
        assert_eq!(points.len(), expected.len(), "one point a day");
        for (point, (date, measures_of_day)) in points.iter().zip(&expected) {
            assert_eq!(point["date"], date.to_string());
            let filtered: BTreeMap<&str, i64> =
                measures_of_day.iter().filter(|(_, v)| **v != 0).map(|(k, v)| (*k, *v)).collect();
            assert_eq!(measures(point), filtered, "{branch:?} on {date}");
        }

        // Weeks: Monday-dated, adding up to the days.
        let weekly = get(format!("/api/v1/reports/series?from={from}&to={to}&interval=week{query}")).await;
        assert_eq!(weekly["interval"], "week");
        let mut weeks: BTreeMap<NaiveDate, BTreeMap<&str, i64>> = BTreeMap::new();
        for (date, measures_of_day) in &expected {
            let monday = *date - TimeDelta::days(i64::from(date.weekday().num_days_from_monday()));
            let week = weeks.entry(monday).or_default();
            for (measure, value) in measures_of_day {
                *week.entry(measure).or_default() += value;
            }
        }
        let served: Vec<(NaiveDate, BTreeMap<&str, i64>)> = weekly["points"]
            .as_array()
            .unwrap()
            .iter()
            .map(|point| (point["date"].as_str().unwrap().parse().unwrap(), measures(point)))
            .collect();
        let weeks: Vec<(NaiveDate, BTreeMap<&str, i64>)> = weeks
            .into_iter()
            .map(|(monday, week)| (monday, week.into_iter().filter(|(_, v)| *v != 0).collect()))
            .collect();
        assert_eq!(served, weeks);
    }

    // The side-by-side table: every branch, by code, each row its branch's summary.
    let table = get(format!("/api/v1/reports/branches?from={from}&to={to}")).await;
    let items = table["items"].as_array().unwrap();
    assert_eq!(items.len(), 20);
    for (item, (code, kk, ru, en)) in items.iter().zip(&raw.names) {
        let expected = raw.summary(Some(code), from, to);
        assert_eq!(item["code"], *code);
        assert_eq!(item["name"], json!({"kk": kk, "ru": ru, "en": en}));
        let row = json!({
            "volunteers_active": expected["volunteers"]["active"], "visits": expected["door_to_door"]["visits"],
            "doors_knocked": expected["door_to_door"]["doors_knocked"], "meetings_held": expected["meetings"]["held"],
            "posters_current": expected["posters"]["sites_with_current_poster"], "social_posts": expected["social_media"]["posts"],
            "rural_settlements": expected["localities"]["rural_settlements"],
            "rural_settlements_reached": expected["localities"]["rural_settlements_reached"],
            "share_reached": expected["localities"]["share_reached"],
        });
        let mut served = item.clone();
        served.as_object_mut().unwrap().retain(|name, _| name != "code" && name != "name");
        assert_eq!(served, row, "{code}");
    }

    // The local-day boundary in Aktobe: 23:30 counts on its own day, 00:30 on the next.
    for (date, kind_count, completed) in [("2027-03-01", 1, 1), ("2027-03-02", 1, 0), ("2027-03-03", 0, 0)] {
        let summary = get(format!("/api/v1/reports/summary?branch={AKTOBE}&from={date}&to={date}")).await;
        assert_eq!(summary["events"]["by_kind"]["street_stand"], kind_count, "{date}");
        assert_eq!(summary["events"]["by_status"]["completed"], completed, "{date}");
    }
    for (date, posts, views) in [("2026-12-01", 1, 700), ("2026-12-02", 1, 0)] {
        let summary = get(format!("/api/v1/reports/summary?branch={AKTOBE}&from={date}&to={date}")).await;
        assert_eq!(
            (summary["social_media"]["posts"].as_i64(), summary["social_media"]["views"].as_i64()),
            (Some(posts), Some(views)),
            "{date}"
        );
    }
    let series = get(format!("/api/v1/reports/series?branch={AKTOBE}&from=2027-03-01&to=2027-03-02")).await;
    assert_eq!(series["points"][0]["events_held"], 1);
    assert_eq!(series["points"][1]["events_held"], 0);

    // The data set is not empty where it matters.
    let nation = raw.summary(None, from, to);
    assert_eq!(nation["door_to_door"]["visits"], 5);
    assert_eq!(nation["materials_handed_out"][0]["quantity"], 4);
    assert_eq!((nation["shifts"]["attended"].as_i64(), nation["shifts"]["no_show"].as_i64()), (Some(1), Some(1)));
    assert_eq!((nation["meetings"]["held"].as_i64(), nation["meetings"]["attendance"].as_i64()), (Some(1), Some(90)));
    assert_eq!(nation["posters"]["sites_with_current_poster"], 1);
    assert_eq!(nation["localities"]["rural_settlements_reached"], 3);
    assert_eq!(nation["volunteers"]["paused"], 1);

    // The maintained sums equal the raw visits and movements.
    let (visits, hand_outs) = app
        .state
        .db
        .run(|conn| {
            use outreach::db::reports;
            let offsets = outreach::service::local_days::branch_offsets(conn, None)?;
            Ok((
                (reports::visit_days(conn)?, reports::visit_days_from_visits(conn, &offsets)?),
                (reports::hand_out_days(conn)?, reports::hand_out_days_from_movements(conn, &offsets)?),
            ))
        })
        .await
        .unwrap();
    assert_eq!(visits.0, visits.1);
    assert_eq!(visits.0.iter().map(|day| day.visits).sum::<i64>(), 5);
    assert_eq!(hand_outs.0, hand_outs.1);
    assert_eq!(hand_outs.0.iter().map(|day| day.quantity).sum::<i64>(), 4);
}

on_both_databases!(corrected_meeting_hand_outs_keep_the_daily_sums_equal_to_the_movements);
async fn corrected_meeting_hand_outs_keep_the_daily_sums_equal_to_the_movements(app: TestApp) {
    let admin = app.admin().await;
    let astana = app.user("coordinator", Some(OWN_BRANCH)).await;
    let brochure = app.material(&admin).await;
    app.movement(&admin, receipt(&brochure, OWN_BRANCH, 100)).await.assert_status(201);
    let meeting = app.requested_meeting(&astana).await;
    app.hold_meeting(&astana, id(&meeting)).await;
    for quantity in [9, 5] {
        let report = json!({"attendance": 10, "materials": [{"material_id": brochure, "quantity": quantity}]});
        app.file_report(&astana, id(&meeting), report).await;
    }
    let (stored, recomputed) = app
        .state
        .db
        .run(|conn| {
            use outreach::db::reports;
            let offsets = outreach::service::local_days::branch_offsets(conn, None)?;
            Ok((reports::hand_out_days(conn)?, reports::hand_out_days_from_movements(conn, &offsets)?))
        })
        .await
        .unwrap();
    assert_eq!(stored, recomputed);
    assert_eq!(stored.iter().map(|day| day.quantity).sum::<i64>(), 5, "9 handed out, then corrected to 5");
    let observer = app.user("observer", None).await;
    let summary = app.get("/api/v1/reports/summary").bearer(&observer.token).send().await.assert_status(200).json();
    assert_eq!(summary["materials_handed_out"][0]["quantity"], 5);
    assert_eq!(summary["materials_handed_out"][0]["material_id"], brochure);
}

on_both_databases!(the_summary_counts_days_to_polling_day_and_defaults_to_thirty_days);
async fn the_summary_counts_days_to_polling_day_and_defaults_to_thirty_days(app: TestApp) {
    let volunteer = app.user("volunteer", Some(OWN_BRANCH)).await;
    let summary = app.get("/api/v1/reports/summary").bearer(&volunteer.token).send().await.assert_status(200).json();
    assert_eq!(summary["branch"], Value::Null);
    assert_eq!(summary["polling_day"], Value::Null);
    assert_eq!(summary["days_to_polling_day"], Value::Null);
    let (from, to) = (day(summary["from"].as_str().unwrap()), day(summary["to"].as_str().unwrap()));
    assert_eq!((to - from).num_days(), 29);
    let astana_today = (chrono::Utc::now() + TimeDelta::hours(5)).date_naive();
    assert_eq!(to, astana_today);

    let polling = TestApp::sqlite_with(|config| config.polling_day = Some(day("2027-03-15"))).await;
    let observer = polling.user("observer", None).await;
    let summary = polling.get("/api/v1/reports/summary").bearer(&observer.token).send().await.assert_status(200).json();
    assert_eq!(summary["polling_day"], "2027-03-15");
    let today = (chrono::Utc::now() + TimeDelta::hours(5)).date_naive();
    assert_eq!(summary["days_to_polling_day"], (day("2027-03-15") - today).num_days());
}

on_both_databases!(report_errors_name_the_parameter);
async fn report_errors_name_the_parameter(app: TestApp) {
    let observer = app.user("observer", None).await;
    let fail = |path: &'static str, status: u16| {
        let token = observer.token.clone();
        let app = &app;
        async move { app.get(path).bearer(&token).send().await.problem(status) }
    };
    for path in [
        "/api/v1/reports/summary?from=2026-12-02&to=2026-12-01",
        "/api/v1/reports/series?from=2026-12-02&to=2026-12-01",
        "/api/v1/reports/branches?from=2026-12-02&to=2026-12-01",
        "/api/v1/reports/summary.csv?from=2025-01-01&to=2026-01-02",
        "/api/v1/reports/branches?from=2025-01-01&to=2026-01-02",
    ] {
        let problem = fail(path, 422).await;
        assert_eq!(problem["errors"][0]["field"], "query.from", "{path}");
        assert_eq!(problem["errors"][0]["code"], "range", "{path}");
    }
    let problem = fail("/api/v1/reports/summary?from=2026-13-01", 422).await;
    assert_eq!(problem["errors"][0]["field"], "query.from");
    assert_eq!(problem["errors"][0]["code"], "invalid_type");
    let problem = fail("/api/v1/reports/series?interval=month", 422).await;
    assert_eq!(problem["errors"][0]["field"], "query.interval");
    assert_eq!(problem["errors"][0]["code"], "unknown_value");
    for path in ["/api/v1/reports/summary?branch=KZ-99", "/api/v1/reports/series.csv?branch=KZ-99"] {
        let problem = fail(path, 422).await;
        assert_eq!(problem["errors"][0]["field"], "query.branch", "{path}");
        assert_eq!(problem["errors"][0]["code"], "unknown_branch", "{path}");
    }
    let problem = fail("/api/v1/reports/branches?branch=KZ-71", 400).await;
    assert_eq!(problem["errors"][0]["code"], "unknown_parameter");
    // 366 days is the most.
    app.get("/api/v1/reports/summary?from=2026-01-01&to=2027-01-01")
        .bearer(&observer.token)
        .send()
        .await
        .assert_status(200);
}

/// A CSV answer's rows after checking its headers and byte-order mark.
fn csv_rows(response: &crate::helpers::TestResponse) -> Vec<Vec<String>> {
    assert_eq!(response.header("content-type"), Some("text/csv; charset=utf-8"));
    assert!(response.header("content-disposition").unwrap().starts_with("attachment"));
    let body = &response.body;
    assert!(body.starts_with("\u{feff}".as_bytes()), "a byte-order mark first");
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(&body[3..]);
    reader.records().map(|record| record.unwrap().iter().map(str::to_owned).collect()).collect()
}

on_both_databases!(reports_come_as_csv_with_cyrillic_intact);
async fn reports_come_as_csv_with_cyrillic_intact(app: TestApp) {
    let (admin, observer) = campaign(&app).await;
    let range = "from=2026-11-25&to=2027-03-05";
    let get = |path: String| {
        let token = observer.token.clone();
        let app = &app;
        async move {
            let response = app.get(&path).bearer(&token).send().await;
            response.assert_status(200);
            response
        }
    };

    let json = get(format!("/api/v1/reports/summary?{range}")).await.json();
    let rows = csv_rows(&get(format!("/api/v1/reports/summary.csv?{range}")).await);
    assert_eq!(rows[0], ["measure", "value", "title_kk", "title_ru"]);
    let value = |measure: &str| rows.iter().find(|row| row[0] == measure).map(|row| row[1].clone());
    assert_eq!(value("door_to_door.visits"), Some(json["door_to_door"]["visits"].to_string()));
    assert_eq!(value("events.by_kind.street_stand"), Some(json["events"]["by_kind"]["street_stand"].to_string()));
    assert_eq!(value("shifts.fill_rate"), Some(json["shifts"]["fill_rate"].to_string()));
    let material = &json["materials_handed_out"][0];
    let row = rows
        .iter()
        .find(|row| row[0] == format!("materials_handed_out.{}", material["material_id"].as_str().unwrap()))
        .unwrap();
    assert_eq!(
        (row[1].as_str(), row[3].as_str()),
        (&*material["quantity"].to_string(), material["title"]["ru"].as_str().unwrap())
    );
    assert!(row[2].chars().any(|c| ('\u{0400}'..='\u{04ff}').contains(&c)), "Cyrillic title: {row:?}");

    let json = get(format!("/api/v1/reports/branches?{range}")).await.json();
    let rows = csv_rows(&get(format!("/api/v1/reports/branches.csv?{range}")).await);
    assert_eq!(rows.len(), 21);
    assert_eq!(rows[0][..4], ["code", "name_kk", "name_ru", "name_en"]);
    for (row, item) in rows[1..].iter().zip(json["items"].as_array().unwrap()) {
        assert_eq!(row[0], item["code"].as_str().unwrap());
        assert_eq!(row[1], item["name"]["kk"].as_str().unwrap());
        assert_eq!(row[2], item["name"]["ru"].as_str().unwrap());
        assert_eq!(row[5], item["visits"].to_string());
    }
    assert!(rows.iter().any(|row| row[2] == "Астана"), "Cyrillic names: {rows:?}");

    let json = get(format!("/api/v1/reports/series?{range}&branch={AKTOBE}&interval=week")).await.json();
    let rows = csv_rows(&get(format!("/api/v1/reports/series.csv?{range}&branch={AKTOBE}&interval=week")).await);
    assert_eq!(rows[0], outreach::service::reports_csv::SERIES_COLUMNS);
    let points = json["points"].as_array().unwrap();
    assert_eq!(rows.len(), points.len() + 1);
    for (row, point) in rows[1..].iter().zip(points) {
        assert_eq!(row[0], point["date"].as_str().unwrap());
        assert_eq!(row[4], point["visits"].to_string());
    }
    drop(admin);
}

/// `report_days` as the triggers keep it, and as the raw rows give it.
async fn kept_and_recomputed(app: &TestApp) -> (Vec<ReportDay>, Vec<ReportDay>) {
    app.state.db.run(|conn| Ok((report_days::stored(conn)?, report_days::recomputed(conn)?))).await.unwrap()
}

on_both_databases!(the_kept_daily_figures_equal_the_raw_rows_through_every_kind_of_change);
async fn the_kept_daily_figures_equal_the_raw_rows_through_every_kind_of_change(app: TestApp) {
    let (_, observer) = campaign(&app).await;
    let aktobe = app.user("coordinator", Some(AKTOBE)).await;
    let (kept, recomputed) = kept_and_recomputed(&app).await;
    assert_eq!(kept, recomputed, "after the campaign");
    for measure in [
        "volunteers_new",
        "volunteers",
        "events",
        "shifts",
        "signups",
        "routes",
        "social",
        "posters",
        "poster_sites",
        "meetings",
        "organisations",
    ] {
        assert!(kept.iter().any(|row| row.measure.as_str() == measure), "{measure} is kept");
    }

    // A full shift with a waitlist: a cancellation promotes the first waiting.
    let event = app.scheduled_event(&aktobe, AKTOBE, "2027-03-05T15:00:00Z", "2027-03-06T12:00:00Z", 1).await;
    let shift = event["shifts"][0]["id"].as_str().unwrap().to_owned();
    let first = app.sign_up_volunteer(&aktobe, &shift, &app.volunteer(&aktobe, AKTOBE).await).await;
    let waiting = app.sign_up_volunteer(&aktobe, &shift, &app.volunteer(&aktobe, AKTOBE).await).await;
    assert_eq!(waiting["status"], "waitlisted");
    app.post(&format!("/api/v1/assignments/{}/cancel", id(&first)))
        .bearer(&aktobe.token)
        .send()
        .await
        .assert_status(200);
    // The shift grows and moves to the next local day (01:00 in Aktobe); its
    // sign-ups move with it.
    let moved = json!({"starts_at": "2027-03-05T20:00:00Z", "ends_at": "2027-03-06T02:00:00Z", "capacity": 3});
    app.patch(&format!("/api/v1/shifts/{shift}")).bearer(&aktobe.token).json(&moved).send().await.assert_status(200);
    let (kept, recomputed) = kept_and_recomputed(&app).await;
    assert_eq!(kept, recomputed, "after sign-ups, a promotion and a moved shift");

    // A second shift cancelled, then the whole event cancelled: its shifts and
    // sign-ups stop counting, the event counts as cancelled.
    let extra = json!({"starts_at": "2027-03-05T16:00:00Z", "ends_at": "2027-03-05T18:00:00Z", "capacity": 2});
    let added = app
        .post(&format!("/api/v1/events/{}/shifts", id(&event)))
        .bearer(&aktobe.token)
        .json(&extra)
        .send()
        .await
        .assert_status(201)
        .json();
    let second = added["shifts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|added| added["id"].as_str().unwrap().to_owned())
        .find(|added| *added != shift)
        .unwrap();
    app.sign_up_volunteer(&aktobe, &second, &app.volunteer(&aktobe, AKTOBE).await).await;
    app.post(&format!("/api/v1/shifts/{second}/cancel")).bearer(&aktobe.token).send().await.assert_status(200);
    let (kept, recomputed) = kept_and_recomputed(&app).await;
    assert_eq!(kept, recomputed, "after a cancelled shift");
    let before = app.get("/api/v1/reports/summary?from=2027-03-01&to=2027-03-31").bearer(&observer.token).send().await;
    let before = before.assert_status(200).json();
    app.set_event_status(&aktobe, &event, json!({"status": "cancelled", "reason": "Дождь"})).await;
    let (kept, recomputed) = kept_and_recomputed(&app).await;
    assert_eq!(kept, recomputed, "after a cancelled event");
    let after = app.get("/api/v1/reports/summary?from=2027-03-01&to=2027-03-31").bearer(&observer.token).send().await;
    let after = after.assert_status(200).json();
    assert_eq!(
        after["shifts"]["capacity"].as_i64().unwrap(),
        before["shifts"]["capacity"].as_i64().unwrap() - 3,
        "the cancelled event's live shift no longer counts"
    );

    // A held meeting whose report is filed, then corrected.
    let astana = app.user("coordinator", Some(OWN_BRANCH)).await;
    let organisation = app.organisation(&astana, "050240002349", 60).await;
    let meeting = app.meeting(&astana, &organisation, "2027-02-11T06:00:00Z", "2027-02-11T07:00:00Z").await;
    app.hold_meeting(&astana, id(&meeting)).await;
    for attendance in [40, 25] {
        let mut report = crate::factories::meeting_report();
        report["attendance"] = json!(attendance);
        app.file_report(&astana, id(&meeting), report).await;
    }
    let (kept, recomputed) = kept_and_recomputed(&app).await;
    assert_eq!(kept, recomputed, "after a meeting's report and its correction");

    // A removed post and a volunteer who left.
    let posts = app.get("/api/v1/social-posts").bearer(&aktobe.token).send().await.assert_status(200).json();
    let post = posts["items"][0]["id"].as_str().unwrap().to_owned();
    app.delete(&format!("/api/v1/social-posts/{post}")).bearer(&aktobe.token).send().await.assert_status(204);
    let leaving = app.volunteer(&aktobe, AKTOBE).await;
    app.patch(&format!("/api/v1/volunteers/{}", id(&leaving)))
        .bearer(&aktobe.token)
        .json(&json!({"status": "left", "version": leaving["version"]}))
        .send()
        .await
        .assert_status(200);
    let (kept, recomputed) = kept_and_recomputed(&app).await;
    assert_eq!(kept, recomputed, "after a removed post and a volunteer who left");

    // A rebuild (as after a change of a branch's UTC offset) gives the same rows.
    app.state.db.run(|conn| Ok(report_days::rebuild(conn)?)).await.unwrap();
    assert_eq!(kept_and_recomputed(&app).await.0, kept);
}
