use crate::helpers::TestApp;
use serde_json::Value;

on_both_databases!(the_twenty_branches_are_listed_with_names_in_three_languages);
async fn the_twenty_branches_are_listed_with_names_in_three_languages(app: TestApp) {
    let res = app.get("/api/v1/branches?limit=200").send().await;
    res.assert_status(200);
    let body = res.json();
    let items = body["items"].as_array().unwrap();
    assert_eq!(items.len(), 20);
    assert_eq!(body["next_cursor"], Value::Null);
    let codes: Vec<&str> = items.iter().map(|b| b["code"].as_str().unwrap()).collect();
    let mut sorted = codes.clone();
    sorted.sort();
    assert_eq!(codes, sorted, "branches come in a stable order");
    // The filters' check of a branch code (`query.branch`) reads a copy of the list.
    assert_eq!(codes, outreach::domain::branch::BRANCH_CODES, "BRANCH_CODES matches the seeded branches");
    assert_eq!(items.iter().filter(|b| b["kind"] == "city").count(), 3);

    let astana = items.iter().find(|b| b["code"] == "KZ-71").unwrap();
    assert_eq!(astana["name"]["en"], "Astana");
    let wko = items.iter().find(|b| b["code"] == "KZ-27").unwrap();
    assert_eq!(wko["name"]["kk"], "Батыс Қазақстан облысы");
    assert_eq!(wko["name"]["ru"], "Западно-Казахстанская область");
    assert_eq!(wko["centre"]["ru"], "Уральск");
    assert_eq!(wko["timezone"], "Asia/Oral");
    assert!(wko["created_at"].as_str().unwrap().ends_with('Z'));
}

on_both_databases!(branch_pages_follow_the_cursor_without_gaps_or_repeats);
async fn branch_pages_follow_the_cursor_without_gaps_or_repeats(app: TestApp) {
    let mut seen = Vec::new();
    let mut path = "/api/v1/branches?limit=7".to_owned();
    loop {
        let page = app.get(&path).send().await.assert_status(200).json();
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 7);
        seen.extend(items.iter().map(|b| b["code"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/branches?limit=7&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 20);
    seen.dedup();
    assert_eq!(seen.len(), 20);

    let cities = app.get("/api/v1/branches?kind=city").send().await.assert_status(200).json();
    assert_eq!(cities["items"].as_array().unwrap().len(), 3);
    let future = app.get("/api/v1/branches?updated_since=2999-01-01T00:00:00Z").send().await.assert_status(200).json();
    assert_eq!(future["items"].as_array().unwrap().len(), 0);
}

on_both_databases!(one_branch_is_read_by_code_and_unknown_codes_are_404);
async fn one_branch_is_read_by_code_and_unknown_codes_are_404(app: TestApp) {
    let res = app.get("/api/v1/branches/KZ-75").send().await;
    res.assert_status(200);
    assert_eq!(res.header("etag"), Some("\"1\""));
    let almaty = res.json();
    assert_eq!(almaty["name"]["kk"], "Алматы");
    assert_eq!(almaty["kind"], "city");

    for code in ["KZ-99", "kz-71", "not%20a%20code", "%D0%90"] {
        let problem = app.get(&format!("/api/v1/branches/{code}")).send().await.problem(404);
        assert!(problem["detail"].as_str().unwrap().contains("not found"), "{problem}");
    }
}

on_both_databases!(bad_paging_parameters_name_the_field);
async fn bad_paging_parameters_name_the_field(app: TestApp) {
    let problem = app.get("/api/v1/branches?limit=0").send().await.problem(422);
    assert_eq!(problem["errors"][0]["field"], "query.limit");
    let problem = app.get("/api/v1/branches?limit=201").send().await.problem(422);
    assert_eq!(problem["errors"][0]["code"], "range");
    let problem = app.get("/api/v1/branches?cursor=***").send().await.problem(422);
    assert_eq!(problem["errors"][0]["field"], "query.cursor");
    // A value that cannot be read, or names nothing that can exist, is 422 naming the parameter.
    for (query, field, code) in [
        ("limit=many", "query.limit", "invalid_type"),
        ("kind=village", "query.kind", "unknown_value"),
        ("updated_since=yesterday", "query.updated_since", "invalid_type"),
    ] {
        let problem = app.get(&format!("/api/v1/branches?{query}")).send().await.problem(422);
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
        assert_eq!(problem["errors"][0]["code"], code, "{problem}");
    }
}
