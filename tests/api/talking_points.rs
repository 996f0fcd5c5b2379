//! The talking-points library: drafts, versions, publication and retirement.

use serde_json::{Value, json};

use crate::factories::{OWN_BRANCH, TestUser, id};
use crate::helpers::{TestApp, TestResponse};

impl TestApp {
    /// Writes a talking point as `user` and returns the answer.
    pub async fn write_talking_point(&self, user: &TestUser, body: &Value) -> TestResponse {
        self.post("/api/v1/talking-points").bearer(&user.token).json(body).send().await
    }

    /// Writes and publishes a talking point as the admin `user`; returns it.
    pub async fn published_talking_point(&self, user: &TestUser, topics: &[&str]) -> Value {
        let mut body = talking_point_body("question");
        body["topics"] = json!(topics);
        let point = self.write_talking_point(user, &body).await.assert_status(201).json();
        let path = format!("/api/v1/talking-points/{}/publish", id(&point));
        self.post(&path).bearer(&user.token).send().await.assert_status(200).json()
    }
}

/// A talking point body of `kind` (`question` or `article`).
pub fn talking_point_body(kind: &str) -> Value {
    let mut body = json!({
        "kind": kind,
        "question": {"kk": "Референдум қашан өтеді?", "ru": "Когда пройдёт референдум?"},
        "answer": {"kk": "Референдум күні жарияланды.", "ru": "Дата референдума объявлена.", "en": "The date is announced."},
        "topics": ["referendum_question", "voting_procedure"],
    });
    if kind == "article" {
        body["article"] = json!("26");
    }
    body
}

fn ids(items: &[Value]) -> Vec<&str> {
    items.iter().map(id).collect()
}

on_both_databases!(a_talking_point_is_drafted_published_edited_republished_and_retired);
async fn a_talking_point_is_drafted_published_edited_republished_and_retired(app: TestApp) {
    let admin = app.admin().await;
    let volunteer = app.user("volunteer", Some(OWN_BRANCH)).await;
    let observer = app.user("observer", None).await;

    let point = app.write_talking_point(&admin, &talking_point_body("article")).await.assert_status(201).json();
    let point_id = id(&point).to_owned();
    let path = format!("/api/v1/talking-points/{point_id}");
    assert_eq!(point["status"], "draft");
    assert_eq!(point["version"], 1);
    assert!(point["published"].is_null() && point["published_version"].is_null());
    assert_eq!(point["draft"]["article"], "26");
    assert_eq!(point["draft"]["answer"]["en"], "The date is announced.");
    assert_eq!(point["draft"]["topics"], json!(["referendum_question", "voting_procedure"]));

    // A draft is the admins' only.
    app.get(&path).bearer(&volunteer.token).send().await.problem(404);
    assert!(app.all_items(&volunteer, "/api/v1/talking-points").await.is_empty());
    assert_eq!(ids(&app.all_items(&admin, "/api/v1/talking-points").await), [point_id.as_str()]);

    // Editing the draft makes the next version; a stale If-Match is 412.
    let edit = json!({"answer": {"kk": "Жаңа жауап", "ru": "Новый ответ"}});
    let edited = app.patch(&path).bearer(&admin.token).header("If-Match", "\"1\"").json(&edit).send().await;
    let edited = edited.assert_status(200).json();
    assert_eq!(edited["version"], 2);
    assert_eq!(edited["draft"]["answer"]["ru"], "Новый ответ");
    assert!(edited["draft"]["answer"]["en"].is_null());
    assert_eq!(edited["draft"]["article"], "26", "absent fields stay");
    app.patch(&path).bearer(&admin.token).header("If-Match", "\"1\"").json(&edit).send().await.problem(412);

    // Publishing version 2 (named by If-Match) makes it what the field sees.
    let publish = format!("{path}/publish");
    app.post(&publish).bearer(&admin.token).header("If-Match", "\"1\"").send().await.problem(412);
    let published = app.post(&publish).bearer(&admin.token).header("If-Match", "\"2\"").send().await;
    let published = published.assert_status(200).json();
    assert_eq!(published["status"], "published");
    assert_eq!(published["version"], 3);
    assert_eq!(published["published_version"], 3);
    assert!(published["published_at"].is_string());
    assert_eq!(published["published"], edited["draft"]);
    // Publishing again changes nothing.
    let again = app.post(&publish).bearer(&admin.token).send().await.assert_status(200).json();
    assert_eq!(again["version"], 3);

    for reader in [&volunteer, &observer] {
        let seen = app.get(&path).bearer(&reader.token).send().await;
        assert_eq!(seen.header("etag"), Some("\"3\""));
        let seen = seen.assert_status(200).json();
        assert_eq!(seen["published"]["answer"]["kk"], "Жаңа жауап");
        assert!(seen["draft"].is_null(), "only admins see the draft: {seen}");
        assert_eq!(ids(&app.all_items(reader, "/api/v1/talking-points").await), [point_id.as_str()]);
    }

    // A new draft version does not reach the field until it is published.
    let next = json!({"kind": "question", "question": {"kk": "Сұрақ", "ru": "Вопрос"}, "version": 3});
    let drafted = app.patch(&path).bearer(&admin.token).json(&next).send().await.assert_status(200).json();
    assert_eq!(drafted["version"], 4);
    assert!(drafted["draft"]["article"].is_null(), "a question item drops the article");
    assert_eq!(drafted["published_version"], 3);
    let seen = app.get(&path).bearer(&volunteer.token).send().await.assert_status(200).json();
    assert_eq!(seen["published"]["kind"], "article");
    let republished = app.post(&publish).bearer(&admin.token).send().await.assert_status(200).json();
    assert_eq!(republished["published_version"], 5);
    let seen = app.get(&path).bearer(&volunteer.token).send().await.assert_status(200).json();
    assert_eq!(seen["published"]["kind"], "question");
    assert_eq!(seen["published"]["question"]["ru"], "Вопрос");

    // Retired: gone for the field, kept for admins, final.
    let retire = format!("{path}/retire");
    let retired = app.post(&retire).bearer(&admin.token).send().await.assert_status(200).json();
    assert_eq!(retired["status"], "retired");
    app.get(&path).bearer(&volunteer.token).send().await.problem(404);
    assert!(app.all_items(&volunteer, "/api/v1/talking-points").await.is_empty());
    assert_eq!(app.get(&path).bearer(&admin.token).send().await.assert_status(200).json()["status"], "retired");
    let problem = app.post(&retire).bearer(&admin.token).send().await.problem(409);
    assert_eq!(problem["code"], "illegal_status_change");
    app.post(&publish).bearer(&admin.token).send().await.problem(409);
    app.patch(&path).bearer(&admin.token).json(&edit).send().await.problem(409);
}

on_both_databases!(the_library_filters_by_topic_and_pages_in_change_order);
async fn the_library_filters_by_topic_and_pages_in_change_order(app: TestApp) {
    let admin = app.admin().await;
    let volunteer = app.user("volunteer", Some(OWN_BRANCH)).await;
    let economy = app.published_talking_point(&admin, &["economy"]).await;
    let both = app.published_talking_point(&admin, &["economy", "education"]).await;
    let education = app.published_talking_point(&admin, &["education"]).await;
    // A draft tagged economy: the admins' only.
    let mut body = talking_point_body("question");
    body["topics"] = json!(["economy"]);
    let draft = app.write_talking_point(&admin, &body).await.assert_status(201).json();

    let listed = app.all_items(&volunteer, "/api/v1/talking-points?topic=economy").await;
    assert_eq!(ids(&listed), [id(&economy), id(&both)]);
    let listed = app.all_items(&admin, "/api/v1/talking-points?topic=economy").await;
    assert_eq!(ids(&listed), [id(&economy), id(&both), id(&draft)]);
    let listed = app.all_items(&volunteer, "/api/v1/talking-points?topic=education").await;
    assert_eq!(ids(&listed), [id(&both), id(&education)]);
    // Keyset pages of one item follow each other.
    let first = app.get("/api/v1/talking-points?topic=economy&limit=1").bearer(&volunteer.token).send().await;
    let first = first.assert_status(200).json();
    assert_eq!(ids(first["items"].as_array().unwrap()), [id(&economy)]);
    let next =
        format!("/api/v1/talking-points?topic=economy&limit=1&cursor={}", first["next_cursor"].as_str().unwrap());
    let second = app.get(&next).bearer(&volunteer.token).send().await.assert_status(200).json();
    assert_eq!(ids(second["items"].as_array().unwrap()), [id(&both)]);
    app.get("/api/v1/talking-points?topic=weather").bearer(&volunteer.token).send().await.problem(422);

    // In change order a point edited and republished comes last.
    let path = format!("/api/v1/talking-points/{}", id(&economy));
    let edit = json!({"topics": ["economy", "healthcare"]});
    app.patch(&path).bearer(&admin.token).json(&edit).send().await.assert_status(200);
    app.post(&format!("{path}/publish")).bearer(&admin.token).send().await.assert_status(200);
    let synced = app.all_items(&volunteer, "/api/v1/talking-points?updated_since=2000-01-01T00:00:00Z").await;
    assert_eq!(ids(&synced), [id(&both), id(&education), id(&economy)]);
    let healthcare = app.all_items(&volunteer, "/api/v1/talking-points?topic=healthcare").await;
    assert_eq!(ids(&healthcare), [id(&economy)]);
}

on_both_databases!(only_admins_write_and_an_article_point_names_its_article);
async fn only_admins_write_and_an_article_point_names_its_article(app: TestApp) {
    let admin = app.admin().await;
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    app.write_talking_point(&coordinator, &talking_point_body("question")).await.problem(403);

    let mut no_article = talking_point_body("article");
    no_article.as_object_mut().unwrap().remove("article");
    let problem = app.write_talking_point(&admin, &no_article).await.problem(422);
    assert_eq!(problem["errors"][0]["field"], "article");
    assert_eq!(problem["errors"][0]["code"], "required");
    let mut with_article = talking_point_body("question");
    with_article["article"] = json!("5");
    let problem = app.write_talking_point(&admin, &with_article).await.problem(422);
    assert_eq!(problem["errors"][0]["field"], "article");
    let mut no_russian = talking_point_body("question");
    no_russian["question"] = json!({"kk": "Сұрақ"});
    app.write_talking_point(&admin, &no_russian).await.problem(422);
    let mut empty = talking_point_body("question");
    empty["answer"]["kk"] = json!("");
    let problem = app.write_talking_point(&admin, &empty).await.problem(422);
    assert!(problem["errors"][0]["field"].as_str().unwrap().contains("answer"), "{problem}");
}

on_both_databases!(a_meeting_brief_carries_the_published_talking_points_for_its_topics);
async fn a_meeting_brief_carries_the_published_talking_points_for_its_topics(app: TestApp) {
    let admin = app.admin().await;
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let other = app.user("coordinator", Some(crate::factories::OTHER_BRANCH)).await;
    let economy = app.published_talking_point(&admin, &["economy"]).await;
    let education = app.published_talking_point(&admin, &["education"]).await;
    let retired = app.published_talking_point(&admin, &["economy"]).await;
    app.post(&format!("/api/v1/talking-points/{}/retire", id(&retired)))
        .bearer(&admin.token)
        .send()
        .await
        .assert_status(200);
    let mut draft = talking_point_body("question");
    draft["topics"] = json!(["economy"]);
    app.write_talking_point(&admin, &draft).await.assert_status(201);

    // A meeting without topics: the whole published library, no drafts or retired items.
    let (meeting, speaker) = app.meeting_with_a_speaker(&coordinator, OWN_BRANCH).await;
    let path = format!("/api/v1/meetings/{}/brief", id(&meeting));
    let brief = app.get(&path).bearer(&speaker.token).send().await.assert_status(200).json();
    assert_eq!(brief["meeting"]["id"], meeting["id"]);
    assert_eq!(brief["meeting"]["speakers"].as_array().unwrap().len(), 1);
    assert!(brief["meeting"]["proposed_starts_at"].is_string());
    assert_eq!(brief["organisation"]["id"], meeting["organisation_id"]);
    assert!(brief["organisation"]["name"]["kk"].is_string());
    assert!(brief["organisation"].get("contact_phone").is_none(), "no contacts in a brief");
    assert_eq!(brief["topics"], json!([]));
    let points = brief["talking_points"].as_array().unwrap();
    assert_eq!(ids(points), [id(&economy), id(&education)]);
    assert!(points.iter().all(|point| point["draft"].is_null() && point["published"]["answer"]["kk"].is_string()));
    assert_eq!(brief["materials"], json!([]));
    // Same access as the meeting.
    app.get(&path).bearer(&other.token).send().await.problem(404);

    // A reported meeting's questions (voting procedure, economy) pick the points.
    let organisation = app.get(&format!("/api/v1/organisations/{}", brief["organisation"]["id"].as_str().unwrap()));
    let organisation = organisation.bearer(&coordinator.token).send().await.assert_status(200).json();
    let reported = app.reported_meeting(&coordinator, &organisation).await;
    let brief = app.get(&format!("/api/v1/meetings/{reported}/brief")).bearer(&coordinator.token).send().await;
    let brief = brief.assert_status(200).json();
    assert_eq!(brief["topics"], json!(["economy", "voting_procedure"]));
    assert_eq!(ids(brief["talking_points"].as_array().unwrap()), [id(&economy)]);
}

on_both_databases!(the_route_pack_carries_the_published_library_and_its_etag_follows_it);
async fn the_route_pack_carries_the_published_library_and_its_etag_follows_it(app: TestApp) {
    let admin = app.admin().await;
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let (route, walker) = app.assigned_route(&coordinator, OWN_BRANCH, 2).await;
    let path = format!("/api/v1/routes/{}/pack", id(&route));
    let pack = |tag: Option<String>| {
        let (app, path, token) = (&app, path.clone(), walker.token.clone());
        async move {
            let request = app.get(&path).bearer(&token);
            let request = match tag {
                Some(tag) => request.header("if-none-match", &tag),
                None => request,
            };
            request.send().await
        }
    };
    let first = pack(None).await;
    let empty_tag = first.header("etag").unwrap().to_owned();
    assert_eq!(first.assert_status(200).json()["talking_points"], json!([]));

    // A draft changes nothing; publishing it changes the pack.
    let point = app.write_talking_point(&admin, &talking_point_body("question")).await.assert_status(201).json();
    let point_path = format!("/api/v1/talking-points/{}", id(&point));
    pack(Some(empty_tag.clone())).await.assert_status(304);
    app.post(&format!("{point_path}/publish")).bearer(&admin.token).send().await.assert_status(200);
    let published = pack(Some(empty_tag.clone())).await;
    let published_tag = published.header("etag").unwrap().to_owned();
    let body = published.assert_status(200).json();
    assert_eq!(ids(body["talking_points"].as_array().unwrap()), [id(&point)]);
    assert_eq!(body["talking_points"][0]["published"]["question"]["ru"], "Когда пройдёт референдум?");
    assert!(body["talking_points"][0]["draft"].is_null());

    // A new draft version stays out until published; then it replaces the old one.
    let edit = json!({"question": {"kk": "Жаңа сұрақ", "ru": "Новый вопрос"}});
    app.patch(&point_path).bearer(&admin.token).json(&edit).send().await.assert_status(200);
    pack(Some(published_tag.clone())).await.assert_status(304);
    app.post(&format!("{point_path}/publish")).bearer(&admin.token).send().await.assert_status(200);
    let republished = pack(Some(published_tag.clone())).await;
    let republished_tag = republished.header("etag").unwrap().to_owned();
    let body = republished.assert_status(200).json();
    assert_eq!(body["talking_points"][0]["published"]["question"]["ru"], "Новый вопрос");

    // Retiring takes it out.
    app.post(&format!("{point_path}/retire")).bearer(&admin.token).send().await.assert_status(200);
    let retired = pack(Some(republished_tag)).await;
    assert_eq!(retired.assert_status(200).json()["talking_points"], json!([]));
}
