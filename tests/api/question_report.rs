//! "What people ask": the questions of visits and meeting reports, counted per
//! topic, week and branch, recomputed here from the raw rows.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde_json::{Value, json};

use crate::factories::{OTHER_BRANCH, OWN_BRANCH, TestUser, id, visit};
use crate::helpers::TestApp;

/// `[questions, from_visits, from_meetings]`.
type Counts = [i64; 3];

fn add(counts: &mut Counts, from_visit: bool) {
    counts[0] += 1;
    counts[usize::from(!from_visit) + 1] += 1;
}

fn counts_of(row: &Value) -> Counts {
    [row["questions"].as_i64().unwrap(), row["from_visits"].as_i64().unwrap(), row["from_meetings"].as_i64().unwrap()]
}

fn visit_asking(stop: &str, topics: &[&str], text: Option<&str>) -> Value {
    let mut body = visit(stop);
    body["questions"] = json!(topics);
    body["question_text"] = json!(text);
    body
}

/// The Monday of the local week of `at` in `zone`.
fn week_start(at: &str, zone: chrono_tz::Tz) -> NaiveDate {
    let day = DateTime::parse_from_rfc3339(at).unwrap().with_timezone(&zone).date_naive();
    day - chrono::Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// What the report must hold, recomputed from visits and reports as read back.
#[derive(Default, Debug)]
struct Expected {
    per_topic: BTreeMap<String, Counts>,
    per_week: BTreeMap<(String, String), Counts>,
    per_branch: BTreeMap<(String, String), Counts>,
}

impl Expected {
    fn add(&mut self, topic: &str, branch: &str, week: NaiveDate, from_visit: bool) {
        add(self.per_topic.entry(topic.to_owned()).or_default(), from_visit);
        add(self.per_week.entry((week.to_string(), topic.to_owned())).or_default(), from_visit);
        add(self.per_branch.entry((branch.to_owned(), topic.to_owned())).or_default(), from_visit);
    }
}

impl TestApp {
    async fn zone(&self, branch: &str) -> chrono_tz::Tz {
        let branch: Value = self.get(&format!("/api/v1/branches/{branch}")).send().await.assert_status(200).json();
        branch["timezone"].as_str().unwrap().parse().unwrap()
    }

    /// Recomputes the report of `branches` from every visit and held meeting's report.
    async fn recount(&self, admin: &TestUser, branches: &[&str], route_branch: &BTreeMap<String, String>) -> Expected {
        let mut expected = Expected::default();
        for visit in self.all_items(admin, "/api/v1/visits").await {
            let branch = &route_branch[visit["route_id"].as_str().unwrap()];
            if !branches.contains(&branch.as_str()) {
                continue;
            }
            let week = week_start(visit["visited_at"].as_str().unwrap(), self.zone(branch).await);
            for topic in visit["questions"].as_array().unwrap() {
                expected.add(topic.as_str().unwrap(), branch, week, true);
            }
        }
        for meeting in self.all_items(admin, "/api/v1/meetings?status=held").await {
            let branch = meeting["branch"].as_str().unwrap();
            if !branches.contains(&branch) {
                continue;
            }
            let week = week_start(meeting["starts_at"].as_str().unwrap(), self.zone(branch).await);
            let path = format!("/api/v1/meetings/{}/report", id(&meeting));
            let report = self.get(&path).bearer(&admin.token).send().await.assert_status(200).json();
            for question in report["questions"].as_array().unwrap() {
                expected.add(question["topic"].as_str().unwrap(), branch, week, false);
            }
        }
        expected
    }

    async fn question_report(&self, user: &TestUser, query: &str) -> Value {
        let path = format!("/api/v1/reports/questions?{query}");
        self.get(&path).bearer(&user.token).send().await.assert_status(200).json()
    }
}

fn assert_report_matches(report: &Value, expected: &Expected) {
    let per_topic: BTreeMap<String, Counts> = report["top_topics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| (row["topic"].as_str().unwrap().to_owned(), counts_of(row)))
        .collect();
    assert_eq!(per_topic, expected.per_topic, "{report}");
    let per_week: BTreeMap<(String, String), Counts> = report["per_week"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            let start = row["week_start"].as_str().unwrap();
            let monday: NaiveDate = start.parse().unwrap();
            let iso = monday.iso_week();
            assert_eq!(row["week"], format!("{}-W{:02}", iso.year(), iso.week()));
            ((start.to_owned(), row["topic"].as_str().unwrap().to_owned()), counts_of(row))
        })
        .collect();
    assert_eq!(per_week, expected.per_week, "{report}");
    let per_branch: BTreeMap<(String, String), Counts> = report["per_branch"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            ((row["branch"].as_str().unwrap().to_owned(), row["topic"].as_str().unwrap().to_owned()), counts_of(row))
        })
        .collect();
    assert_eq!(per_branch, expected.per_branch, "{report}");
    let mut totals = [0; 3];
    for counts in expected.per_topic.values() {
        for (total, count) in totals.iter_mut().zip(counts) {
            *total += count;
        }
    }
    assert_eq!(counts_of(&report["totals"]), totals, "{report}");
    // Most asked first.
    let questions: Vec<i64> =
        report["top_topics"].as_array().unwrap().iter().map(|row| row["questions"].as_i64().unwrap()).collect();
    assert!(questions.windows(2).all(|pair| pair[0] >= pair[1]), "{questions:?}");
}

fn unanswered(report: &Value) -> BTreeSet<String> {
    report["unanswered_topics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["topic"].as_str().unwrap().to_owned())
        .collect()
}

on_both_databases!(question_counts_per_topic_week_and_branch_equal_the_raw_rows);
async fn question_counts_per_topic_week_and_branch_equal_the_raw_rows(app: TestApp) {
    let admin = app.admin().await;
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let other = app.user("coordinator", Some(OTHER_BRANCH)).await;
    let observer = app.user("observer", None).await;

    // Visits in two branches: one with two topics and a question, one whose text
    // names no topic (counted nowhere), one with a topic and no text.
    let (route, walker) = app.assigned_route(&coordinator, OWN_BRANCH, 4).await;
    let stops: Vec<&str> = route["stops"].as_array().unwrap().iter().map(|stop| stop["id"].as_str().unwrap()).collect();
    let synced = app
        .sync_visits(
            &walker,
            &route,
            &[
                visit_asking(stops[0], &["voting_procedure", "economy"], Some("Где мой участок?")),
                visit_asking(stops[1], &["economy"], Some("Что будет с ценами?")),
                visit_asking(stops[2], &[], Some("Без темы")),
                visit_asking(stops[3], &["healthcare"], None),
            ],
        )
        .await;
    assert_eq!(synced["created"], 4, "{synced}");
    let (other_route, other_walker) = app.assigned_route(&other, OTHER_BRANCH, 1).await;
    let other_stop = other_route["stops"][0]["id"].as_str().unwrap().to_owned();
    app.sync_visits(&other_walker, &other_route, &[visit_asking(&other_stop, &["economy"], Some("Налоги?"))]).await;
    let route_branch: BTreeMap<String, String> =
        [(id(&route).to_owned(), OWN_BRANCH.to_owned()), (id(&other_route).to_owned(), OTHER_BRANCH.to_owned())].into();

    // Two held meetings in different weeks; a requested one's questions do not exist yet.
    let organisation = app.organisation(&coordinator, "041140001239", 120).await;
    app.reported_meeting(&coordinator, &organisation).await;
    let later = app.meeting(&coordinator, &organisation, "2027-02-17T06:00:00Z", "2027-02-17T07:00:00Z").await;
    app.hold_meeting(&coordinator, id(&later)).await;
    let mut report = crate::factories::meeting_report();
    report["questions"] = json!([{"topic": "healthcare", "text": "Поликлиника"}, {"topic": "economy"}]);
    app.file_report(&coordinator, id(&later), report).await;
    app.meeting(&coordinator, &organisation, "2027-02-24T06:00:00Z", "2027-02-24T07:00:00Z").await;

    let from = (Utc::now() - chrono::Duration::days(7)).date_naive();
    let period = format!("from={from}&to=2027-02-28");
    let national = app.question_report(&admin, &period).await;
    let expected = app.recount(&admin, &[OWN_BRANCH, OTHER_BRANCH], &route_branch).await;
    assert_eq!(expected.per_topic["economy"], [5, 3, 2], "the recount itself: {expected:?}");
    assert_report_matches(&national, &expected);
    assert_eq!(national["top_topics"][0]["topic"], "economy");
    // The newest texts first, without who asked or where.
    let economy = &national["top_topics"][0]["samples"];
    // The meeting of 10 February 2027 is the newest; then the visits, the last synced first.
    let texts: Vec<&str> = economy.as_array().unwrap().iter().map(|sample| sample["text"].as_str().unwrap()).collect();
    assert_eq!(texts, ["Зарплаты", "Налоги?", "Что будет с ценами?"], "{economy}");
    for sample in economy.as_array().unwrap() {
        let keys: BTreeSet<&str> = sample.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["branch", "source", "text", "week"].into(), "{sample}");
    }
    assert_eq!(economy[0]["source"], "meeting");
    assert_eq!(economy[1]["source"], "visit");
    assert_eq!(economy[1]["branch"], OTHER_BRANCH);

    // One branch: only its rows; a coordinator reads the nation's counts but only
    // their own branch's texts, an observer no texts.
    let own = app.question_report(&other, &format!("branch={OWN_BRANCH}&{period}")).await;
    assert_report_matches(&own, &app.recount(&admin, &[OWN_BRANCH], &route_branch).await);
    assert!(own["top_topics"].as_array().unwrap().iter().all(|topic| topic["samples"] == json!([])), "{own}");
    let seen_by_other = app.question_report(&other, &period).await;
    assert_report_matches(&seen_by_other, &expected);
    let economy = seen_by_other["top_topics"][0]["samples"].as_array().unwrap().clone();
    assert_eq!(economy.len(), 1, "{economy:?}");
    assert_eq!(economy[0]["text"], "Налоги?");
    let observed = app.question_report(&observer, &period).await;
    assert_report_matches(&observed, &expected);
    assert!(observed["top_topics"].as_array().unwrap().iter().all(|topic| topic["samples"] == json!([])));
    app.get("/api/v1/reports/questions").bearer(&walker.token).send().await.problem(403);

    // `top` and `samples` bound the detail.
    let short = app.question_report(&admin, &format!("{period}&top=1&samples=1")).await;
    assert_eq!(short["top_topics"].as_array().unwrap().len(), 1);
    assert_eq!(short["top_topics"][0]["samples"].as_array().unwrap().len(), 1);

    // Nothing is answered yet; publishing a talking point on economy answers it,
    // retiring it takes the answer back.
    let every_topic = unanswered(&national);
    assert_eq!(every_topic.len(), 10, "{national}");
    assert_eq!(national["unanswered_topics"][0]["topic"], "economy", "most asked first");
    assert_eq!(national["unanswered_topics"][0]["questions"], 5);
    assert_eq!(national["top_topics"][0]["has_published_answer"], false);
    let point = app.published_talking_point(&admin, &["economy"]).await;
    let after = app.question_report(&admin, &period).await;
    assert_eq!(after["top_topics"][0]["has_published_answer"], true);
    let mut left = every_topic.clone();
    left.remove("economy");
    assert_eq!(unanswered(&after), left);
    // A draft answers nothing.
    let draft = app.write_talking_point(&admin, &crate::talking_points::talking_point_body("question")).await;
    draft.assert_status(201);
    assert_eq!(unanswered(&app.question_report(&admin, &period).await), left);
    let retire = format!("/api/v1/talking-points/{}/retire", id(&point));
    app.post(&retire).bearer(&admin.token).send().await.assert_status(200);
    assert_eq!(unanswered(&app.question_report(&admin, &period).await), every_topic);
}

on_both_databases!(the_questions_report_refuses_periods_it_cannot_bound);
async fn the_questions_report_refuses_periods_it_cannot_bound(app: TestApp) {
    let admin = app.admin().await;
    let report = app.question_report(&admin, "").await;
    let from: NaiveDate = report["from"].as_str().unwrap().parse().unwrap();
    let to: NaiveDate = report["to"].as_str().unwrap().parse().unwrap();
    assert_eq!((to - from).num_days(), 83, "twelve weeks by default: {report}");
    assert_eq!(report["totals"]["questions"], 0);
    for query in ["from=2026-01-01&to=2027-01-31", "to=2026-01-01&from=2026-02-01", "top=0", "top=11", "samples=21"] {
        let answer = app.get(&format!("/api/v1/reports/questions?{query}")).bearer(&admin.token).send().await;
        answer.problem(422);
    }
    let problem = app.get("/api/v1/reports/questions?branch=KZ-99").bearer(&admin.token).send().await.problem(422);
    assert_eq!(problem["errors"][0]["field"], "query.branch");
}
