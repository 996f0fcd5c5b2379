//! Social-media posts, their reach snapshots, and the report on them.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeZone, Utc};
use serde_json::{Value, json};

use crate::factories::{OTHER_BRANCH, OWN_BRANCH, TestUser, id};
use crate::helpers::{TestApp, TestResponse};

impl TestApp {
    /// Logs a post as `user` and returns the answer.
    pub async fn log_post(&self, user: &TestUser, body: &Value) -> TestResponse {
        self.post("/api/v1/social-posts").bearer(&user.token).json(body).send().await
    }

    /// Adds a reach snapshot to `post` as `user` and returns the answer.
    pub async fn add_reach(&self, user: &TestUser, post: &str, body: &Value) -> TestResponse {
        self.post(&format!("/api/v1/social-posts/{post}/reach")).bearer(&user.token).json(body).send().await
    }
}

/// A post body on `platform` with a URL nobody has logged.
pub fn post_body(platform: &str, published_at: &str) -> Value {
    let unique = uuid::Uuid::now_v7().simple().to_string();
    let url = match platform {
        "instagram" => format!("https://www.instagram.com/p/{unique}/"),
        "telegram" => format!("https://t.me/campaign/{unique}"),
        "youtube" => format!("https://youtu.be/{unique}"),
        "x" => format!("https://twitter.com/campaign/status/{unique}"),
        _ => format!("https://news.example.kz/{unique}"),
    };
    json!({"platform": platform, "url": url, "published_at": published_at, "language": "kk", "topics": ["constitution", "economy"]})
}

fn ago(minutes: i64) -> String {
    (Utc::now() - chrono::Duration::minutes(minutes)).to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

fn reach(taken_at: &str, views: i64, reactions: i64, shares: i64, comments: i64) -> Value {
    json!({"taken_at": taken_at, "views": views, "reactions": reactions, "shares": shares, "comments": comments})
}

fn instant(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
}

const COUNTERS: [&str; 4] = ["views", "reactions", "shares", "comments"];

/// The report's group shape, recomputed from posts and their raw snapshots.
#[derive(Default, Debug, PartialEq)]
struct Group {
    posts: i64,
    posts_with_reach: i64,
    counts: [i64; 4],
}

impl Group {
    fn add(&mut self, latest: Option<&Value>) {
        self.posts += 1;
        if let Some(snapshot) = latest {
            self.posts_with_reach += 1;
            for (sum, counter) in self.counts.iter_mut().zip(COUNTERS) {
                *sum += snapshot[counter].as_i64().unwrap();
            }
        }
    }

    fn of(row: &Value) -> Self {
        let mut counts = [0; 4];
        for (count, counter) in counts.iter_mut().zip(COUNTERS) {
            *count = row[counter].as_i64().unwrap();
        }
        Self {
            posts: row["posts"].as_i64().unwrap(),
            posts_with_reach: row["posts_with_reach"].as_i64().unwrap(),
            counts,
        }
    }
}

on_both_databases!(a_volunteer_logs_posts_and_reach_and_the_report_adds_up_the_raw_rows);
async fn a_volunteer_logs_posts_and_reach_and_the_report_adds_up_the_raw_rows(app: TestApp) {
    let admin = app.admin().await;
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let (volunteer, walker) = app.volunteer_user(&admin, OWN_BRANCH).await;

    // Three posts by the volunteer, one by staff; one published late in the UTC
    // day so that it falls on the next local day in the branch.
    let late_evening = {
        let yesterday = (Utc::now() - chrono::Duration::days(1)).date_naive();
        Utc.from_utc_datetime(&yesterday.and_hms_opt(21, 30, 0).unwrap())
            .to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
    };
    let mut posts = Vec::new();
    for (platform, published_at) in
        [("instagram", ago(3 * 24 * 60)), ("telegram", ago(2 * 24 * 60)), ("instagram", late_evening.clone())]
    {
        let created = app.log_post(&walker, &post_body(platform, &published_at)).await;
        let post = created.assert_status(201).json();
        assert_eq!(post["author_volunteer_id"], volunteer["id"]);
        assert_eq!(post["branch"], OWN_BRANCH);
        assert!(post["reach"].is_null());
        posts.push(post);
    }
    let staff_post = app.log_post(&coordinator, &post_body("youtube", &ago(60))).await.assert_status(201).json();
    assert!(staff_post["author_volunteer_id"].is_null());
    posts.push(staff_post);
    // The URL was normalised.
    assert!(posts[0]["url"].as_str().unwrap().starts_with("https://instagram.com/p/"));
    assert!(!posts[0]["url"].as_str().unwrap().ends_with('/'));

    // Reach grows; one snapshot comes late for an earlier time and must not
    // replace the latest. The staff post gets reach from the coordinator; one
    // post has none.
    let first = id(&posts[0]).to_owned();
    app.add_reach(&walker, &first, &reach(&ago(2 * 24 * 60), 100, 10, 1, 2)).await.assert_status(201);
    app.add_reach(&walker, &first, &reach(&ago(60), 900, 80, 12, 30)).await.assert_status(201);
    app.add_reach(&walker, &first, &reach(&ago(24 * 60), 500, 40, 5, 9)).await.assert_status(201);
    let second = id(&posts[1]).to_owned();
    app.add_reach(&walker, &second, &reach(&ago(30), 40, 4, 0, 1)).await.assert_status(201);
    let staff = id(&posts[3]).to_owned();
    app.add_reach(&coordinator, &staff, &reach(&ago(10), 2500, 300, 40, 70)).await.assert_status(201);

    let shown = app.get(&format!("/api/v1/social-posts/{first}")).bearer(&walker.token).send().await;
    let shown = shown.assert_status(200).json();
    assert_eq!(shown["reach"]["views"], 900, "the latest snapshot by taken_at: {shown}");
    assert_eq!(shown["version"], 4, "each snapshot moves the post's version on");
    let history = app.all_items(&walker, &format!("/api/v1/social-posts/{first}/reach")).await;
    let views: Vec<i64> = history.iter().map(|snapshot| snapshot["views"].as_i64().unwrap()).collect();
    assert_eq!(views, [100, 500, 900], "appended, listed oldest first");

    // Recompute from the raw rows: every post of the branch with its snapshots.
    let branch: Value = app.get(&format!("/api/v1/branches/{OWN_BRANCH}")).send().await.assert_status(200).json();
    let zone: chrono_tz::Tz = branch["timezone"].as_str().unwrap().parse().unwrap();
    let listed = app.all_items(&coordinator, "/api/v1/social-posts").await;
    assert_eq!(listed.len(), 4);
    let mut per_platform: BTreeMap<String, Group> = BTreeMap::new();
    let mut per_day: BTreeMap<(String, String), Group> = BTreeMap::new();
    let mut total = Group::default();
    for post in &listed {
        let snapshots = app.all_items(&admin, &format!("/api/v1/social-posts/{}/reach", id(post))).await;
        let latest = snapshots.iter().max_by_key(|snapshot| instant(snapshot["taken_at"].as_str().unwrap()));
        let platform = post["platform"].as_str().unwrap().to_owned();
        let day = instant(post["published_at"].as_str().unwrap()).with_timezone(&zone).date_naive().to_string();
        per_platform.entry(platform.clone()).or_default().add(latest);
        per_day.entry((day, platform)).or_default().add(latest);
        total.add(latest);
    }
    assert_eq!(per_day.len(), 4, "the late-evening post is on the next local day");

    for path in [format!("/api/v1/reports/social-media?branch={OWN_BRANCH}"), "/api/v1/reports/social-media".to_owned()]
    {
        let report = app.get(&path).bearer(&admin.token).send().await.assert_status(200).json();
        let platforms: BTreeMap<String, Group> = report["per_platform"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| (row["platform"].as_str().unwrap().to_owned(), Group::of(row)))
            .collect();
        assert_eq!(platforms, per_platform, "{path}: {report}");
        let days: BTreeMap<(String, String), Group> = report["per_day"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| {
                (
                    (row["day"].as_str().unwrap().to_owned(), row["platform"].as_str().unwrap().to_owned()),
                    Group::of(row),
                )
            })
            .collect();
        assert_eq!(days, per_day, "{path}: {report}");
        assert_eq!(Group::of(&report["totals"]), total);
        let top: Vec<&str> = report["top_posts"].as_array().unwrap().iter().map(id).collect();
        assert_eq!(top, [staff.as_str(), first.as_str(), second.as_str()], "by views, posts with reach only");
    }
    // Another branch's report is empty; a day range keeps the days asked for.
    let other =
        app.get(&format!("/api/v1/reports/social-media?branch={OTHER_BRANCH}")).bearer(&admin.token).send().await;
    assert_eq!(other.assert_status(200).json()["totals"]["posts"], 0);
    let late_day = instant(&late_evening).with_timezone(&zone).date_naive();
    let path = format!("/api/v1/reports/social-media?from={late_day}&to={late_day}");
    let one_day = app.get(&path).bearer(&coordinator.token).send().await.assert_status(200).json();
    let days: Vec<&str> =
        one_day["per_day"].as_array().unwrap().iter().map(|row| row["day"].as_str().unwrap()).collect();
    assert!(!days.is_empty() && days.iter().all(|day| *day == late_day.to_string()), "{one_day}");
    // Volunteers do not read the report.
    app.get("/api/v1/reports/social-media").bearer(&walker.token).send().await.problem(403);

    // The CSV export has a row per post, with its latest reach.
    let csv = app.get("/api/v1/social-posts.csv").bearer(&coordinator.token).send().await;
    let text = String::from_utf8(csv.assert_status(200).body.to_vec()).unwrap();
    assert_eq!(text.trim_start_matches('\u{feff}').lines().count(), 5, "{text}");
    assert!(text.lines().any(|line| line.starts_with(first.as_str()) && line.contains(",900,80,12,30,")), "{text}");
}

on_both_databases!(a_duplicate_url_a_wrong_platform_and_reach_before_publication_are_refused_naming_the_field);
async fn a_duplicate_url_a_wrong_platform_and_reach_before_publication_are_refused_naming_the_field(app: TestApp) {
    let admin = app.admin().await;
    let (_, walker) = app.volunteer_user(&admin, OWN_BRANCH).await;
    let body = json!({"platform": "instagram", "url": "https://www.instagram.com/p/Dup1/", "published_at": ago(120), "language": "ru"});
    let first = app.log_post(&walker, &body).await.assert_status(201).json();

    // The same post by another spelling of its URL.
    let again = json!({"platform": "instagram", "url": "https://INSTAGRAM.com/p/Dup1#c", "published_at": ago(100), "language": "ru"});
    let problem = app.log_post(&walker, &again).await.problem(409);
    assert_eq!(problem["code"], "duplicate");
    assert_eq!(problem["errors"][0]["field"], "url");
    assert_eq!(problem["existing_id"], first["id"]);

    let wrong =
        json!({"platform": "telegram", "url": "https://vk.com/wall-1_2", "published_at": ago(10), "language": "kk"});
    let problem = app.log_post(&walker, &wrong).await.problem(422);
    assert_eq!(problem["errors"][0]["field"], "url");
    assert_eq!(problem["errors"][0]["code"], "wrong_platform");
    let plain = json!({"platform": "telegram", "url": "http://t.me/c/1", "published_at": ago(10), "language": "kk"});
    let problem = app.log_post(&walker, &plain).await.problem(422);
    assert_eq!(problem["errors"][0]["field"], "url");
    assert_eq!(problem["errors"][0]["code"], "not_https");
    let future = json!({"platform": "x", "url": "https://x.com/a/status/1", "published_at": (Utc::now() + chrono::Duration::hours(1)).to_rfc3339(), "language": "kk"});
    let problem = app.log_post(&walker, &future).await.problem(422);
    assert_eq!(problem["errors"][0]["field"], "published_at");

    let problem = app.add_reach(&walker, id(&first), &reach(&ago(121), 1, 0, 0, 0)).await.problem(422);
    assert_eq!(problem["errors"][0]["field"], "taken_at");
    assert_eq!(problem["errors"][0]["code"], "before_publication");
    let negative = app.add_reach(&walker, id(&first), &reach(&ago(1), -1, 0, 0, 0)).await.problem(422);
    assert_eq!(negative["errors"][0]["field"], "views");

    // A correction cannot move the publication after a snapshot.
    app.add_reach(&walker, id(&first), &reach(&ago(60), 5, 0, 0, 0)).await.assert_status(201);
    let path = format!("/api/v1/social-posts/{}", id(&first));
    let later = app.patch(&path).bearer(&admin.token).json(&json!({"published_at": ago(30)})).send().await;
    assert_eq!(later.problem(422)["errors"][0]["field"], "published_at");
    // Nor make the URL and the platform disagree.
    let other = app.patch(&path).bearer(&admin.token).json(&json!({"platform": "tiktok"})).send().await;
    assert_eq!(other.problem(422)["errors"][0]["code"], "wrong_platform");
}

on_both_databases!(staff_correct_and_remove_posts_volunteers_only_their_own_observers_without_authors);
async fn staff_correct_and_remove_posts_volunteers_only_their_own_observers_without_authors(app: TestApp) {
    let admin = app.admin().await;
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let stranger = app.user("coordinator", Some(OTHER_BRANCH)).await;
    let observer = app.user("observer", None).await;
    let (volunteer, walker) = app.volunteer_user(&admin, OWN_BRANCH).await;
    let (_, colleague) = app.volunteer_user(&admin, OWN_BRANCH).await;
    let post = app.log_post(&walker, &post_body("telegram", &ago(90))).await.assert_status(201).json();
    let path = format!("/api/v1/social-posts/{}", id(&post));

    // Observers read without authors; another branch does not see it.
    let seen = app.get(&path).bearer(&observer.token).send().await.assert_status(200).json();
    assert!(seen["author_volunteer_id"].is_null() && seen["author_name"].is_null() && seen["recorded_by"].is_null());
    assert_eq!(app.get(&path).bearer(&coordinator.token).send().await.json()["author_name"], volunteer["full_name"]);
    app.get(&path).bearer(&stranger.token).send().await.problem(404);
    let by_author = format!("/api/v1/social-posts?author={}", volunteer["id"].as_str().unwrap());
    app.get(&by_author).bearer(&observer.token).send().await.problem(403);
    let empty = app.get(&format!("/api/v1/social-posts?branch={OWN_BRANCH}")).bearer(&stranger.token).send().await;
    assert_eq!(empty.json()["items"], json!([]));

    // Another volunteer of the branch reads it but adds no reach to it.
    app.add_reach(&colleague, id(&post), &reach(&ago(1), 1, 1, 1, 1)).await.problem(403);
    // Coordinators name an author of their branch only.
    let mut foreign = post_body("x", &ago(5));
    foreign["author_volunteer_id"] = app.volunteer(&admin, OTHER_BRANCH).await["id"].clone();
    assert_eq!(app.log_post(&coordinator, &foreign).await.problem(422)["errors"][0]["field"], "author_volunteer_id");

    // Corrections take If-Match; a stale one is 412.
    let topics = json!({"topics": ["voting_procedure"]});
    let stale = app.patch(&path).bearer(&coordinator.token).header("if-match", "\"7\"").json(&topics).send().await;
    stale.problem(412);
    let corrected = app.patch(&path).bearer(&coordinator.token).header("if-match", "\"1\"").json(&topics).send().await;
    let corrected = corrected.assert_status(200).json();
    assert_eq!(corrected["topics"], json!(["voting_procedure"]));
    assert_eq!(corrected["version"], 2);
    app.patch(&path).bearer(&walker.token).json(&topics).send().await.problem(403);

    // Lists filter by platform and author, and page.
    app.log_post(&walker, &post_body("instagram", &ago(80))).await.assert_status(201);
    app.log_post(&coordinator, &post_body("instagram", &ago(70))).await.assert_status(201);
    let author = volunteer["id"].as_str().unwrap();
    let mine = app.all_items(&coordinator, &format!("/api/v1/social-posts?author={author}")).await;
    assert_eq!(mine.len(), 2);
    let instagram = app.all_items(&coordinator, "/api/v1/social-posts?platform=instagram").await;
    assert_eq!(instagram.len(), 2);
    let first_page = app.get("/api/v1/social-posts?limit=2").bearer(&admin.token).send().await.json();
    let cursor = first_page["next_cursor"].as_str().unwrap();
    let next = app.get(&format!("/api/v1/social-posts?limit=2&cursor={cursor}")).bearer(&admin.token).send().await;
    assert_eq!(next.json()["items"].as_array().unwrap().len(), 1);

    // Removal is soft: gone from reads and lists, the URL free again.
    app.delete(&path).bearer(&stranger.token).send().await.problem(404);
    app.delete(&path).bearer(&coordinator.token).send().await.assert_status(204);
    app.get(&path).bearer(&admin.token).send().await.problem(404);
    assert_eq!(app.all_items(&coordinator, &format!("/api/v1/social-posts?author={author}")).await.len(), 1);
    let again = json!({"platform": "telegram", "url": post["url"], "published_at": ago(60), "language": "ru"});
    app.log_post(&walker, &again).await.assert_status(201);
}

on_both_databases!(a_retried_post_with_an_idempotency_key_is_logged_once);
async fn a_retried_post_with_an_idempotency_key_is_logged_once(app: TestApp) {
    let admin = app.admin().await;
    let (_, walker) = app.volunteer_user(&admin, OWN_BRANCH).await;
    let body = post_body("youtube", &ago(30));
    let send = || {
        app.post("/api/v1/social-posts").bearer(&walker.token).header("idempotency-key", "post-1").json(&body).send()
    };
    let first = send().await.assert_status(201).json();
    let replay = send().await;
    assert_eq!(replay.header("idempotent-replayed"), Some("true"));
    assert_eq!(replay.assert_status(201).json()["id"], first["id"]);
    let snapshot = reach(&ago(5), 10, 1, 0, 0);
    let path = format!("/api/v1/social-posts/{}/reach", id(&first));
    for _ in 0..2 {
        app.post(&path)
            .bearer(&walker.token)
            .header("idempotency-key", "reach-1")
            .json(&snapshot)
            .send()
            .await
            .assert_status(201);
    }
    assert_eq!(app.all_items(&walker, &path).await.len(), 1);
}
