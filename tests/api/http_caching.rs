//! Conditional reads and compression: what a polling web client and a phone on
//! mobile data rely on.

use crate::helpers::TestApp;

on_both_databases!(an_unchanged_read_is_304_and_a_change_gives_a_new_tag);
async fn an_unchanged_read_is_304_and_a_change_gives_a_new_tag(app: TestApp) {
    let admin = app.admin().await;
    let list = "/api/v1/volunteers?branch=KZ-71";
    app.volunteer(&admin, "KZ-71").await;

    let first = app.get(list).bearer(&admin.token).send().await;
    first.assert_status(200);
    let tag = first.header("etag").expect("a list carries an ETag").to_owned();
    let unchanged = app.get(list).bearer(&admin.token).header("if-none-match", &tag).send().await;
    unchanged.assert_status(304);
    assert!(unchanged.body.is_empty());
    assert_eq!(unchanged.header("etag"), Some(tag.as_str()));
    // Weak comparison: the weak and strong forms of one tag match, a list of tags matches.
    let strong = tag.trim_start_matches("W/");
    let listed = format!("\"other\", {strong}");
    app.get(list).bearer(&admin.token).header("if-none-match", &listed).send().await.assert_status(304);

    app.volunteer(&admin, "KZ-71").await;
    let changed = app.get(list).bearer(&admin.token).header("if-none-match", &tag).send().await;
    changed.assert_status(200);
    assert_ne!(changed.header("etag"), Some(tag.as_str()));
    assert_eq!(changed.json()["items"].as_array().unwrap().len(), 2);

    // A record's own tag is its version; the weak form of it matches too.
    let volunteer = app.volunteer(&admin, "KZ-71").await;
    let path = format!("/api/v1/volunteers/{}", volunteer["id"].as_str().unwrap());
    let read = app.get(&path).bearer(&admin.token).send().await;
    assert_eq!(read.header("etag"), Some("\"1\""));
    app.get(&path).bearer(&admin.token).header("if-none-match", "W/\"1\"").send().await.assert_status(304);
    // Errors and writes are never answered 304.
    app.get("/api/v1/volunteers/nope").bearer(&admin.token).header("if-none-match", "*").send().await.problem(404);
}

#[actix_web::test]
async fn responses_are_compressed_when_the_client_asks() {
    let app = TestApp::sqlite().await;
    let admin = app.admin().await;
    let plain = app.get("/api/v1/branches?limit=20").bearer(&admin.token).send().await;
    plain.assert_status(200);
    assert_eq!(plain.header("content-encoding"), None);
    for encoding in ["gzip", "br"] {
        let compressed =
            app.get("/api/v1/branches?limit=20").bearer(&admin.token).header("accept-encoding", encoding).send().await;
        compressed.assert_status(200);
        assert_eq!(compressed.header("content-encoding"), Some(encoding));
        assert!(
            compressed.body.len() * 2 < plain.body.len(),
            "{encoding}: {} of {} bytes",
            compressed.body.len(),
            plain.body.len()
        );
    }
    // Problems are compressed too and stay complete documents.
    let problem = app.get("/api/v1/nothing").header("accept-encoding", "gzip").send().await;
    assert_eq!(problem.status, 404);
    assert_eq!(problem.header("content-type"), Some("application/problem+json"));
}
