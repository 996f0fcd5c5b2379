use serde_json::{Value, json};

use crate::factories::{OTHER_BRANCH, OWN_BRANCH, TestUser, consent, fresh_phone};
use crate::helpers::TestApp;

fn ids(page: &Value) -> Vec<String> {
    page["items"].as_array().unwrap().iter().map(|item| item["id"].as_str().unwrap().to_owned()).collect()
}

/// Records Aigerim, whose name is sent decomposed and padded, her phone and email
/// in local spellings; returns the 201 body.
async fn record_aigerim(app: &TestApp, coordinator: &TestUser) -> Value {
    // "й" written decomposed (и + combining breve) is stored composed (NFC).
    let decomposed = "Айгерім Серікқызы Жа\u{438}\u{306}лаубаева";
    let res = app
        .post("/api/v1/volunteers")
        .bearer(&coordinator.token)
        .json(&json!({
            "full_name": format!("  {decomposed}  "),
            "phone": "8 701 234 56 78",
            "email": "Aigerim@Example.KZ",
            "birth_date": "2001-03-15",
            "languages": ["kk", "ru"],
            "skills": ["Design", "SMM"],
            "youth_wing": true,
            "consent": consent(),
        }))
        .send()
        .await;
    res.assert_status(201).json()
}

on_both_databases!(a_volunteer_is_recorded_with_name_phone_and_email_normalised);
async fn a_volunteer_is_recorded_with_name_phone_and_email_normalised(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let volunteer = record_aigerim(&app, &coordinator).await;
    assert_eq!(volunteer["full_name"], "Айгерім Серікқызы Жайлаубаева");
    assert_eq!(volunteer["phone"], "+77012345678");
    assert_eq!(volunteer["email"], "aigerim@example.kz");
    assert_eq!(volunteer["branch"], OWN_BRANCH);
    assert_eq!(volunteer["status"], "active");
    assert_eq!(volunteer["skills"], json!(["design", "smm"]));
    assert_eq!(volunteer["consent_version"], "2026-10");
}

on_both_databases!(a_phone_is_unique_in_any_spelling_and_other_branches_learn_nothing_more);
async fn a_phone_is_unique_in_any_spelling_and_other_branches_learn_nothing_more(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let other_coordinator = app.user("coordinator", Some(OTHER_BRANCH)).await;
    let volunteer = record_aigerim(&app, &coordinator).await;
    let id = volunteer["id"].as_str().unwrap();
    // The same person written differently is a duplicate.
    for phone in ["+7 (701) 234-56-78", "87012345678"] {
        let problem = app
            .post("/api/v1/volunteers")
            .bearer(&coordinator.token)
            .json(&json!({"full_name": "Someone Else", "phone": phone, "consent": consent()}))
            .send()
            .await
            .problem(409);
        assert_eq!(problem["existing_id"], id);
    }
    // ...and another branch learns only that the phone is taken.
    let problem = app
        .post("/api/v1/volunteers")
        .bearer(&other_coordinator.token)
        .json(&json!({"full_name": "Someone Else", "phone": "87012345678", "consent": consent()}))
        .send()
        .await
        .problem(409);
    assert!(problem.get("existing_id").is_none(), "{problem}");
    app.get(&format!("/api/v1/volunteers/{id}")).bearer(&other_coordinator.token).send().await.problem(404);
    app.patch(&format!("/api/v1/volunteers/{id}"))
        .bearer(&other_coordinator.token)
        .json(&json!({"youth_wing": false}))
        .send()
        .await
        .problem(404);
    app.post(&format!("/api/v1/volunteers/{id}/anonymise")).bearer(&other_coordinator.token).send().await.problem(404);
}

on_both_databases!(volunteers_are_found_by_name_phone_and_filters_within_their_branch);
async fn volunteers_are_found_by_name_phone_and_filters_within_their_branch(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let other_coordinator = app.user("coordinator", Some(OTHER_BRANCH)).await;
    let volunteer = record_aigerim(&app, &coordinator).await;
    let id = volunteer["id"].as_str().unwrap();
    // Search by name in any case, and by phone in any spelling.
    for q in ["айгерім", "ЖАЙЛАУБАЕВА", "8 701 234", "7012345678"] {
        let page = app
            .get(&format!("/api/v1/volunteers?q={}", urlencode(q)))
            .bearer(&coordinator.token)
            .send()
            .await
            .assert_status(200)
            .json();
        assert_eq!(ids(&page), [id], "q={q}");
    }
    for filter in ["skill=design", "language=kk", "youth_wing=true", "status=active"] {
        let page = app
            .get(&format!("/api/v1/volunteers?{filter}"))
            .bearer(&coordinator.token)
            .send()
            .await
            .assert_status(200)
            .json();
        assert_eq!(ids(&page), [id], "{filter}");
    }
    for filter in ["skill=des", "language=en", "youth_wing=false", "status=paused"] {
        let page = app
            .get(&format!("/api/v1/volunteers?{filter}"))
            .bearer(&coordinator.token)
            .send()
            .await
            .assert_status(200)
            .json();
        assert!(ids(&page).is_empty(), "{filter}");
    }
    let foreign = app.get("/api/v1/volunteers").bearer(&other_coordinator.token).send().await.assert_status(200).json();
    assert!(ids(&foreign).is_empty(), "coordinators see their own branch only");
}

on_both_databases!(volunteer_status_moves_and_versioned_updates_are_synced_and_audited);
async fn volunteer_status_moves_and_versioned_updates_are_synced_and_audited(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let volunteer = record_aigerim(&app, &coordinator).await;
    let id = volunteer["id"].as_str().unwrap();
    // Status moves follow the lifecycle; updates are versioned.
    let path = format!("/api/v1/volunteers/{id}");
    let res = app.get(&path).bearer(&coordinator.token).send().await;
    assert_eq!(res.header("etag"), Some("\"1\""));
    app.patch(&path).bearer(&coordinator.token).json(&json!({"status": "applicant"})).send().await.problem(409);
    app.patch(&path)
        .bearer(&coordinator.token)
        .header("if-match", "\"1\"")
        .json(&json!({"status": "paused"}))
        .send()
        .await
        .assert_status(200);
    app.patch(&path)
        .bearer(&coordinator.token)
        .header("if-match", "\"1\"")
        .json(&json!({"status": "active"}))
        .send()
        .await
        .problem(412);
    app.patch(&path)
        .bearer(&coordinator.token)
        .json(&json!({"status": "active", "version": 2}))
        .send()
        .await
        .assert_status(200);
    let updated = app
        .patch(&path)
        .bearer(&coordinator.token)
        .json(&json!({"status": "left", "phone": "+7 702 000 00 01", "email": null}))
        .send()
        .await
        .assert_status(200)
        .json();
    assert_eq!(updated["version"], 4);
    assert_eq!(updated["phone"], "+77020000001");
    assert!(updated.get("email").is_none());
    let problem =
        app.patch(&path).bearer(&coordinator.token).json(&json!({"status": "active"})).send().await.problem(409);
    assert_eq!(problem["errors"][0]["code"], "illegal_transition");

    // Sync: only what changed since a moment.
    let since = updated["updated_at"].as_str().unwrap();
    let changed =
        app.get(&format!("/api/v1/volunteers?updated_since={since}")).bearer(&coordinator.token).send().await.json();
    assert_eq!(ids(&changed), [id]);
    let later =
        app.get("/api/v1/volunteers?updated_since=2999-01-01T00:00:00Z").bearer(&coordinator.token).send().await.json();
    assert!(ids(&later).is_empty());

    let audit = app.get(&format!("/api/v1/audit?record_id={id}")).bearer(&app.admin().await.token).send().await.json();
    let actions: Vec<&str> =
        audit["items"].as_array().unwrap().iter().map(|entry| entry["action"].as_str().unwrap()).collect();
    assert!(
        actions.contains(&"volunteer_created")
            && actions.contains(&"volunteer_viewed")
            && actions.contains(&"volunteer_updated"),
        "{actions:?}"
    );
    let updated_entry =
        audit["items"].as_array().unwrap().iter().find(|entry| entry["action"] == "volunteer_updated").unwrap();
    assert!(!updated_entry["details"].as_str().unwrap().contains("+7702"), "the audit log names fields, not values");
}

on_both_databases!(every_rule_on_a_new_volunteer_names_its_field);
async fn every_rule_on_a_new_volunteer_names_its_field(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let base = json!({"full_name": "Test Person", "phone": fresh_phone(), "consent": consent()});
    let with = |patch: Value| {
        let mut body = base.clone();
        for (key, value) in patch.as_object().unwrap() {
            if value.is_null() {
                body.as_object_mut().unwrap().remove(key);
            } else {
                body[key] = value.clone();
            }
        }
        body
    };
    let cases = [
        (json!({"consent": null}), "consent", "required"),
        (
            json!({"consent": {"given_at": "2999-01-01T00:00:00Z", "text_version": "1"}}),
            "consent.given_at",
            "in_future",
        ),
        (json!({"phone": "+7 7172 55 55 55"}), "phone", "phone_not_kazakh_mobile"),
        (json!({"phone": "call me"}), "phone", "phone_format"),
        (json!({"birth_date": "2999-01-01"}), "birth_date", "in_future"),
        (json!({"birth_date": "2020-01-01"}), "birth_date", "implausible_age"),
        (json!({"birth_date": "1900-01-01"}), "birth_date", "implausible_age"),
        (json!({"birth_date": "2011-06-01"}), "guardian_consent", "required"),
        (json!({"full_name": "x".repeat(201)}), "full_name", "length"),
        (json!({"email": "not an email"}), "email", "email"),
        (json!({"languages": ["de"]}), "languages[0]", "unknown_value"),
        (json!({"skills": ["a,b"]}), "skills[0]", "format"),
        // Ids are parsed where they arrive: a malformed one is refused as such, a
        // well-formed one that names no locality of the branch as unknown.
        (json!({"locality_id": "nowhere"}), "locality_id", "invalid_type"),
        (json!({"locality_id": "0192f3a4-5b6c-7d8e-9f00-112233445566"}), "locality_id", "unknown_locality"),
        (json!({"member_organisation_id": "nothing"}), "member_organisation_id", "invalid_type"),
        (
            json!({"member_organisation_id": "0192f3a4-5b6c-7d8e-9f00-112233445566"}),
            "member_organisation_id",
            "unknown_member_organisation",
        ),
        (json!({"nickname": "x"}), "nickname", "unknown_field"),
    ];
    for (patch, field, code) in cases {
        let problem = app
            .post("/api/v1/volunteers")
            .bearer(&coordinator.token)
            .json(&with(patch.clone()))
            .send()
            .await
            .problem(422);
        assert_eq!(problem["errors"][0]["field"], field, "{patch}: {problem}");
        assert_eq!(problem["errors"][0]["code"], code, "{patch}: {problem}");
    }
    // A minor with a guardian's consent, and a foreign number with the override, are fine.
    let minor = with(
        json!({"birth_date": "2011-06-01", "guardian_consent": {"guardian_name": "Ерлан Әбенов", "given_at": "2026-11-01T09:00:00Z"}}),
    );
    let created =
        app.post("/api/v1/volunteers").bearer(&coordinator.token).json(&minor).send().await.assert_status(201).json();
    assert_eq!(created["guardian_name"], "Ерлан Әбенов");
    let foreign = with(json!({"phone": "+49 30 1234567", "foreign_phone": true}));
    app.post("/api/v1/volunteers").bearer(&coordinator.token).json(&foreign).send().await.assert_status(201);
    // Nothing was stored by the refused requests.
    let page = app.get("/api/v1/volunteers").bearer(&coordinator.token).send().await.json();
    assert_eq!(ids(&page).len(), 2);
}

on_both_databases!(observers_never_see_personal_data_and_volunteers_see_only_themselves);
async fn observers_never_see_personal_data_and_volunteers_see_only_themselves(app: TestApp) {
    let admin = app.admin().await;
    let observer = app.user("observer", None).await;
    let volunteer = app.volunteer(&admin, OWN_BRANCH).await;
    let id = volunteer["id"].as_str().unwrap();

    let seen =
        app.get(&format!("/api/v1/volunteers/{id}")).bearer(&observer.token).send().await.assert_status(200).json();
    for field in ["full_name", "phone", "email", "birth_date", "guardian_name", "availability"] {
        assert!(seen.get(field).is_none(), "{field} is personal: {seen}");
    }
    assert_eq!(seen["branch"], OWN_BRANCH);
    let listed = app.get("/api/v1/volunteers").bearer(&observer.token).send().await.assert_status(200).json();
    assert!(listed["items"][0].get("phone").is_none());
    app.get("/api/v1/volunteers?q=test").bearer(&observer.token).send().await.problem(403);

    // A volunteer approved with an account reads their own record and data, nobody else's.
    let applicant = app.applicant(OWN_BRANCH).await;
    let approval = app
        .post(&format!("/api/v1/volunteers/{applicant}/approve"))
        .bearer(&admin.token)
        .json(&json!({"account_email": "new.volunteer@outreach.test"}))
        .send()
        .await
        .assert_status(200)
        .json();
    assert_eq!(approval["volunteer"]["status"], "active");
    let one_time = approval["account"]["one_time_password"].as_str().unwrap();
    assert_eq!(approval["account"]["volunteer_id"], applicant.as_str());
    let session = app.sign_in("new.volunteer@outreach.test", one_time).await;
    let token = session["access_token"].as_str().unwrap();
    let data = app.get("/api/v1/me/data").bearer(token).send().await.assert_status(200).json();
    assert_eq!(data["volunteer"]["id"], applicant.as_str());
    assert_eq!(data["volunteer"]["full_name"], "Жаңа Өтініш");
    let actions: Vec<&str> =
        data["audit"].as_array().unwrap().iter().map(|entry| entry["action"].as_str().unwrap()).collect();
    assert!(actions.contains(&"application_approved") && actions.contains(&"application_received"), "{actions:?}");

    app.post("/api/v1/me/password")
        .bearer(token)
        .json(&json!({"current_password": one_time, "new_password": "my own long password"}))
        .send()
        .await
        .assert_status(204);
    let token = app.sign_in("new.volunteer@outreach.test", "my own long password").await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    app.get(&format!("/api/v1/volunteers/{applicant}")).bearer(&token).send().await.assert_status(200);
    app.get(&format!("/api/v1/volunteers/{id}")).bearer(&token).send().await.problem(404);
    app.get("/api/v1/volunteers").bearer(&token).send().await.problem(403);
    app.patch(&format!("/api/v1/volunteers/{applicant}"))
        .bearer(&token)
        .json(&json!({"youth_wing": true}))
        .send()
        .await
        .problem(403);
}

on_both_databases!(anonymising_erases_personal_data_for_good_and_closes_the_account);
async fn anonymising_erases_personal_data_for_good_and_closes_the_account(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let applicant = app.applicant(OWN_BRANCH).await;
    app.post(&format!("/api/v1/volunteers/{applicant}/approve"))
        .bearer(&coordinator.token)
        .json(&json!({"account_email": "leaving@outreach.test"}))
        .send()
        .await
        .assert_status(200);

    let path = format!("/api/v1/volunteers/{applicant}/anonymise");
    let other = app.user("coordinator", Some(OTHER_BRANCH)).await;
    app.post(&path).bearer(&other.token).send().await.problem(404);
    let erased = app.post(&path).bearer(&coordinator.token).send().await.assert_status(200).json();
    for field in ["full_name", "phone", "email", "birth_date"] {
        assert!(erased.get(field).is_none(), "{field}: {erased}");
    }
    assert_eq!(erased["status"], "left");
    assert!(erased["anonymised_at"].is_string());
    assert_eq!(erased["branch"], OWN_BRANCH, "statistics keep the branch");
    // Idempotent, and nothing personal can be written back.
    app.post(&path).bearer(&coordinator.token).send().await.assert_status(200);
    app.patch(&format!("/api/v1/volunteers/{applicant}"))
        .bearer(&coordinator.token)
        .json(&json!({"full_name": "Back Again"}))
        .send()
        .await
        .problem(409);
    let listed =
        app.get(&format!("/api/v1/volunteers?q={}", urlencode("жаңа"))).bearer(&coordinator.token).send().await.json();
    assert!(ids(&listed).is_empty(), "the search text is erased too");
    let accounts = app.get("/api/v1/accounts?email=leaving").bearer(&coordinator.token).send().await.json();
    assert_eq!(accounts["items"][0]["active"], false);
    // The phone is free again.
    let stored = app
        .state
        .db
        .run(move |conn| {
            use diesel::prelude::*;
            use outreach::db::schema::volunteers;
            Ok(volunteers::table.filter(volunteers::phone.is_not_null()).count().get_result::<i64>(conn)?)
        })
        .await
        .unwrap();
    assert_eq!(stored, 0);
}

/// Dana's application form, as the public page sends it.
fn dana_s_application() -> Value {
    json!({"branch": OWN_BRANCH, "full_name": "Дана Омарова", "phone": "+7 707 111 22 33", "languages": ["kk"], "consent": consent()})
}

on_both_databases!(an_application_sent_again_with_its_key_gets_the_first_receipt);
async fn an_application_sent_again_with_its_key_gets_the_first_receipt(app: TestApp) {
    let receipt = app.apply_with_key(&dana_s_application(), "form-123").await.assert_status(202).json();
    let replay = app.apply_with_key(&dana_s_application(), "form-123").await;
    assert_eq!(replay.assert_status(202).json(), receipt);
    assert_eq!(replay.header("idempotent-replayed"), Some("true"));
}

on_both_databases!(a_key_sent_again_with_another_form_is_refused);
async fn a_key_sent_again_with_another_form_is_refused(app: TestApp) {
    app.apply_with_key(&dana_s_application(), "form-123").await.assert_status(202);
    let mut changed = dana_s_application();
    changed["full_name"] = json!("Другое Имя");
    app.apply_with_key(&changed, "form-123").await.problem(422);
}

on_both_databases!(an_application_with_a_known_phone_gets_a_receipt_like_any_other_and_stores_nothing);
async fn an_application_with_a_known_phone_gets_a_receipt_like_any_other_and_stores_nothing(app: TestApp) {
    let receipt = app.apply_with_key(&dana_s_application(), "form-123").await.assert_status(202).json();
    // The same phone again, without a key: the same kind of answer, nothing stored.
    let again = app
        .post("/api/v1/volunteer-applications")
        .sent_from("203.0.113.5")
        .json(&dana_s_application())
        .send()
        .await
        .assert_status(202)
        .json();
    assert_ne!(again["reference"], receipt["reference"]);
    assert!(again["reference"].is_string() && again["received_at"].is_string());
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let applicants = app.get("/api/v1/volunteers?status=applicant").bearer(&coordinator.token).send().await.json();
    assert_eq!(ids(&applicants), [receipt["reference"].as_str().unwrap()]);
}

on_both_databases!(one_address_may_send_ten_applications_an_hour);
async fn one_address_may_send_ten_applications_an_hour(app: TestApp) {
    let form = || json!({"branch": OWN_BRANCH, "full_name": "Flood", "phone": fresh_phone(), "consent": consent()});
    for _ in 0..10 {
        app.post("/api/v1/volunteer-applications")
            .sent_from("203.0.113.5")
            .json(&form())
            .send()
            .await
            .assert_status(202);
    }
    let body = form();
    let res = app.post("/api/v1/volunteer-applications").sent_from("203.0.113.5").json(&body).send().await;
    res.problem(429);
    assert!(res.header("retry-after").is_some());
    app.post("/api/v1/volunteer-applications").sent_from("203.0.113.6").json(&body).send().await.assert_status(202);
}

on_both_databases!(only_an_applicant_is_approved_or_rejected);
async fn only_an_applicant_is_approved_or_rejected(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let id = app.applicant(OWN_BRANCH).await;
    app.post(&format!("/api/v1/volunteers/{id}/reject"))
        .bearer(&coordinator.token)
        .json(&json!({"reason": "duplicate"}))
        .send()
        .await
        .assert_status(200);
    app.post(&format!("/api/v1/volunteers/{id}/approve"))
        .bearer(&coordinator.token)
        .json(&json!({}))
        .send()
        .await
        .problem(409);
}

on_both_databases!(an_application_to_an_unknown_branch_is_invalid);
async fn an_application_to_an_unknown_branch_is_invalid(app: TestApp) {
    app.post("/api/v1/volunteer-applications")
        .json(&json!({"branch": "KZ-00", "full_name": "X Y", "phone": fresh_phone(), "consent": consent()}))
        .send()
        .await
        .problem(422);
}

on_both_databases!(localities_form_a_tree_without_cycles);
async fn localities_form_a_tree_without_cycles(app: TestApp) {
    let coordinator = app.user("coordinator", Some("KZ-35")).await;
    let create = |body: Value| app.post("/api/v1/localities").bearer(&coordinator.token).json(&body).send();
    let district =
        create(json!({"branch": "KZ-35", "kind": "district", "name": {"kk": "Шет ауданы", "ru": "Шетский район"}}))
            .await
            .assert_status(201)
            .json();
    let district_id = district["id"].as_str().unwrap();
    let rural = create(json!({"branch": "KZ-35", "parent_id": district_id, "kind": "rural_district", "name": {"kk": "Ақсу-Аюлы ауылдық округі", "ru": "Аксу-Аюлинский сельский округ"}})).await.assert_status(201).json();
    let village = create(json!({"branch": "KZ-35", "parent_id": rural["id"], "kind": "village", "name": {"kk": "Ақсу-Аюлы", "ru": "Аксу-Аюлы"}, "population": 3100})).await.assert_status(201).json();

    let tree = app
        .get("/api/v1/localities/tree?branch=KZ-35")
        .bearer(&coordinator.token)
        .send()
        .await
        .assert_status(200)
        .json();
    assert_eq!(tree[0]["name"]["kk"], "Шет ауданы");
    assert_eq!(tree[0]["children"][0]["kind"], "rural_district");
    assert_eq!(tree[0]["children"][0]["children"][0]["population"], 3100);
    let problem = app.get("/api/v1/localities/tree?branch=KZ-00").bearer(&coordinator.token).send().await.problem(422);
    assert_eq!(problem["errors"][0]["field"], "query.branch");

    let flat =
        app.get(&format!("/api/v1/localities?parent_id={district_id}")).bearer(&coordinator.token).send().await.json();
    assert_eq!(ids(&flat), [rural["id"].as_str().unwrap()]);

    let problem = app
        .patch(&format!("/api/v1/localities/{district_id}"))
        .bearer(&coordinator.token)
        .json(&json!({"parent_id": village["id"]}))
        .send()
        .await
        .problem(422);
    assert_eq!(problem["errors"][0]["code"], "cycle");
    let problem =
        create(json!({"branch": "KZ-35", "parent_id": "missing", "kind": "village", "name": {"kk": "А", "ru": "А"}}))
            .await
            .problem(422);
    assert_eq!(problem["errors"][0]["field"], "parent_id");
    create(json!({"branch": OTHER_BRANCH, "kind": "village", "name": {"kk": "А", "ru": "А"}})).await.problem(403);
    app.delete(&format!("/api/v1/localities/{district_id}")).bearer(&coordinator.token).send().await.problem(409);
    app.delete(&format!("/api/v1/localities/{}", village["id"].as_str().unwrap()))
        .bearer(&coordinator.token)
        .send()
        .await
        .assert_status(204);
    let other = app.user("coordinator", Some(OTHER_BRANCH)).await;
    app.patch(&format!("/api/v1/localities/{district_id}"))
        .bearer(&other.token)
        .json(&json!({"population": 1}))
        .send()
        .await
        .problem(404);
}

on_both_databases!(member_organisations_need_a_valid_unique_bin);
async fn member_organisations_need_a_valid_unique_bin(app: TestApp) {
    let admin = app.admin().await;
    let create = |body: Value| app.post("/api/v1/member-organisations").bearer(&admin.token).json(&body).send();
    let problem = create(json!({"name": "Жастар қанаты", "kind": "youth_organisation", "bin": "041140001231"}))
        .await
        .problem(422);
    assert_eq!(problem["errors"][0]["field"], "bin");
    let union = create(json!({"name": "Жастар қанаты", "kind": "youth_organisation", "bin": "041140001239"}))
        .await
        .assert_status(201)
        .json();
    let problem = create(json!({"name": "Copy", "kind": "other", "bin": "041140001239"})).await.problem(409);
    assert_eq!(problem["existing_id"], union["id"]);

    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let member = app.post("/api/v1/volunteers").bearer(&coordinator.token)
        .json(&json!({"full_name": "Member Person", "phone": fresh_phone(), "member_organisation_id": union["id"], "consent": consent()}))
        .send().await.assert_status(201).json();
    let page = app
        .get(&format!("/api/v1/volunteers?member_organisation_id={}", union["id"].as_str().unwrap()))
        .bearer(&coordinator.token)
        .send()
        .await
        .json();
    assert_eq!(ids(&page), [member["id"].as_str().unwrap()]);
    app.delete(&format!("/api/v1/member-organisations/{}", union["id"].as_str().unwrap()))
        .bearer(&admin.token)
        .send()
        .await
        .problem(409);
    app.post("/api/v1/member-organisations")
        .bearer(&coordinator.token)
        .json(&json!({"name": "X", "kind": "other", "bin": "041140001239"}))
        .send()
        .await
        .problem(403);
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|byte| if byte.is_ascii_alphanumeric() { (byte as char).to_string() } else { format!("%{byte:02X}") })
        .collect()
}

/// Seven rows: two new volunteers, a phone already recorded, a phone twice in the file,
/// a bad phone, no consent and a bad birth date.
const SEVEN_ROWS: &str = "\u{feff}full_name,phone,consent_at,consent_version,languages,skills,birth_date\n\
    Сәуле Жұмабаева,8 777 123 45 67,2026-11-01T09:00:00Z,2026-10,kk;ru,design;smm,1999-04-02\n\
    Duplicate Of Existing,+77050001122,2026-11-01T09:00:00Z,2026-10,,,\n\
    Same Phone Again,87771234567,2026-11-01T09:00:00Z,2026-10,,,\n\
    Bad Phone,12345,2026-11-01T09:00:00Z,2026-10,,,\n\
    No Consent,+77770000009,,2026-10,,,\n\
    Bad Date,+77770000010,2026-11-01T09:00:00Z,2026-10,,,32.13.2000\n\
    Ivan Petrov,+7 (747) 555-44-33,2026-11-01T09:00:00Z,2026-10,ru,,\n";

/// Bauyrzhan, recorded before any import, whose name would start a spreadsheet formula.
async fn record_bauyrzhan(app: &TestApp, coordinator: &TestUser) -> Value {
    app.post("/api/v1/volunteers").bearer(&coordinator.token)
        .json(&json!({"full_name": "=Бауыржан Момышұлы", "phone": "+7 705 000 11 22", "languages": ["kk", "ru"], "consent": consent()}))
        .send().await.assert_status(201).json()
}

on_both_databases!(a_dry_run_counts_the_rows_and_stores_nothing);
async fn a_dry_run_counts_the_rows_and_stores_nothing(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    record_bauyrzhan(&app, &coordinator).await;
    let dry = app.import_volunteers(&coordinator, SEVEN_ROWS, true).await.assert_status(200).json();
    assert_eq!(
        (dry["valid"].as_u64(), dry["duplicates"].as_u64(), dry["errors"].as_u64()),
        (Some(2), Some(2), Some(3)),
        "{dry}"
    );
    let before = app.get("/api/v1/volunteers").bearer(&coordinator.token).send().await.json();
    assert_eq!(ids(&before).len(), 1, "a dry run stores nothing");
}

on_both_databases!(an_import_creates_the_valid_rows_and_names_each_duplicate_and_bad_field);
async fn an_import_creates_the_valid_rows_and_names_each_duplicate_and_bad_field(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let existing = record_bauyrzhan(&app, &coordinator).await;
    let report = app.import_volunteers(&coordinator, SEVEN_ROWS, false).await.assert_status(200).json();
    let rows = report["rows"].as_array().unwrap();
    let status_of = |row: u64| rows.iter().find(|r| r["row"] == row).unwrap();
    assert_eq!(status_of(2)["status"], "created");
    assert_eq!(status_of(3)["status"], "duplicate");
    assert_eq!(status_of(3)["existing_id"], existing["id"]);
    assert_eq!(status_of(4)["status"], "duplicate");
    assert_eq!(status_of(4)["errors"][0]["code"], "duplicate_in_file");
    assert_eq!(status_of(5)["errors"][0]["field"], "phone");
    assert_eq!(status_of(6)["errors"][0]["field"], "consent_at");
    assert_eq!(status_of(7)["errors"][0]["field"], "birth_date");
    assert_eq!(status_of(8)["status"], "created");
    assert_eq!(report["created"], 2);
}

on_both_databases!(an_import_sent_again_creates_nothing_new);
async fn an_import_sent_again_creates_nothing_new(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    record_bauyrzhan(&app, &coordinator).await;
    app.import_volunteers(&coordinator, SEVEN_ROWS, false).await.assert_status(200);
    let again = app.import_volunteers(&coordinator, SEVEN_ROWS, false).await.assert_status(200).json();
    assert_eq!(again["created"], 0);
    assert_eq!(again["duplicates"], 4);
}

on_both_databases!(the_export_is_spreadsheet_ready_csv_in_which_no_cell_starts_a_formula);
async fn the_export_is_spreadsheet_ready_csv_in_which_no_cell_starts_a_formula(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    record_bauyrzhan(&app, &coordinator).await;
    app.import_volunteers(&coordinator, SEVEN_ROWS, false).await.assert_status(200);
    let res = app.get("/api/v1/volunteers.csv").bearer(&coordinator.token).send().await;
    res.assert_status(200);
    assert!(res.header("content-type").unwrap().starts_with("text/csv"));
    assert!(res.body.starts_with("\u{feff}".as_bytes()), "UTF-8 with a byte-order mark");
    let text = String::from_utf8(res.body.to_vec()).unwrap();
    let mut lines = text.trim_start_matches('\u{feff}').lines();
    assert!(lines.next().unwrap().starts_with("id,branch,locality_id,full_name,phone"));
    assert_eq!(lines.clone().count(), 3);
    assert!(text.contains("Сәуле Жұмабаева") && text.contains("+77771234567") && text.contains("kk;ru"));

    assert!(text.contains(",'=Бауыржан") && !text.contains(",=Бауыржан"), "no cell starts a formula");
}

on_both_databases!(the_export_imported_back_is_all_duplicates);
async fn the_export_imported_back_is_all_duplicates(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    record_bauyrzhan(&app, &coordinator).await;
    app.import_volunteers(&coordinator, SEVEN_ROWS, false).await.assert_status(200);
    let export = app.get("/api/v1/volunteers.csv").bearer(&coordinator.token).send().await;
    let round_trip = app
        .import_volunteers(&coordinator, export.assert_status(200).body.clone(), true)
        .await
        .assert_status(200)
        .json();
    assert_eq!(
        (round_trip["duplicates"].as_u64(), round_trip["errors"].as_u64(), round_trip["valid"].as_u64()),
        (Some(3), Some(0), Some(0)),
        "{round_trip}"
    );
}

on_both_databases!(an_import_is_csv_with_the_required_columns);
async fn an_import_is_csv_with_the_required_columns(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    app.post("/api/v1/volunteers/import").bearer(&coordinator.token).json(&json!({})).send().await.problem(415);
    let problem = app.import_volunteers(&coordinator, "name,phone\nX,+77770000001\n", false).await.problem(422);
    assert_eq!(problem["errors"][0]["code"], "missing_column");
}

on_both_databases!(an_imported_row_of_another_branch_is_refused);
async fn an_imported_row_of_another_branch_is_refused(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let foreign = "full_name,phone,consent_at,consent_version,branch\nX Y,+77770000002,2026-11-01T09:00:00Z,1,KZ-75\n";
    let report = app.import_volunteers(&coordinator, foreign, false).await.assert_status(200).json();
    assert_eq!(report["rows"][0]["errors"][0]["field"], "branch");
}

on_both_databases!(a_sync_pages_in_change_order_so_no_update_is_missed);
async fn a_sync_pages_in_change_order_so_no_update_is_missed(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let first = app.volunteer(&coordinator, OWN_BRANCH).await;
    let second = app.volunteer(&coordinator, OWN_BRANCH).await;
    let page = app
        .get("/api/v1/volunteers?updated_since=2000-01-01T00:00:00Z&limit=1")
        .bearer(&coordinator.token)
        .send()
        .await
        .json();
    assert_eq!(ids(&page), [first["id"].as_str().unwrap()]);
    // The first volunteer changes while the phone is between pages.
    app.patch(&format!("/api/v1/volunteers/{}", first["id"].as_str().unwrap()))
        .bearer(&coordinator.token)
        .json(&json!({"youth_wing": true}))
        .send()
        .await
        .assert_status(200);
    let mut seen = Vec::new();
    let mut cursor = page["next_cursor"].as_str().unwrap().to_owned();
    loop {
        let page = app
            .get(&format!("/api/v1/volunteers?updated_since=2000-01-01T00:00:00Z&limit=1&cursor={cursor}"))
            .bearer(&coordinator.token)
            .send()
            .await
            .json();
        seen.extend(ids(&page));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(seen, [second["id"].as_str().unwrap(), first["id"].as_str().unwrap()], "the changed record comes again");
}
