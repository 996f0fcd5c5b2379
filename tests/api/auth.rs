use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use outreach::auth::jwt::Claims;
use serde_json::json;

use crate::factories::{OTHER_BRANCH, OWN_BRANCH};
use crate::helpers::{ADMIN_EMAIL, TestApp};

fn claims_for(sub: &str, exp_offset_secs: i64) -> Claims {
    let now = chrono::Utc::now().timestamp();
    Claims {
        sub: sub.to_owned(),
        role: "admin".into(),
        branch: None,
        iat: now - 10,
        exp: now + exp_offset_secs,
        jti: uuid::Uuid::now_v7().to_string(),
        epoch: 0,
    }
}

fn unsigned_token(header: serde_json::Value, claims: &Claims) -> String {
    let header = URL_SAFE_NO_PAD.encode(header.to_string());
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_string(claims).unwrap());
    format!("{header}.{payload}.")
}

on_both_databases!(refresh_tokens_rotate_and_a_reused_one_revokes_the_whole_login);
async fn refresh_tokens_rotate_and_a_reused_one_revokes_the_whole_login(app: TestApp) {
    let admin = app.admin().await;
    let first = app.post("/api/v1/auth/refresh").json(&json!({"refresh_token": admin.refresh_token})).send().await;
    let rotated = first.assert_status(200).json();
    assert_ne!(rotated["refresh_token"], admin.refresh_token.as_str());
    assert_eq!(rotated["token_type"], "Bearer");
    assert_eq!(rotated["expires_in"], 900);
    app.get("/api/v1/me").bearer(rotated["access_token"].as_str().unwrap()).send().await.assert_status(200);

    // A retry whose answer was lost, within the grace window: the same successor
    // again, and the access token it gives works.
    let retried = app.post("/api/v1/auth/refresh").json(&json!({"refresh_token": admin.refresh_token})).send().await;
    let retried = retried.assert_status(200).json();
    assert_eq!(retried["refresh_token"], rotated["refresh_token"]);
    app.get("/api/v1/me").bearer(retried["access_token"].as_str().unwrap()).send().await.assert_status(200);

    // After the window the spent token presented again is theft: both it and its
    // successor die, and so does every access token of the account.
    spend_before_the_grace_window(&app, &admin.refresh_token);
    let problem =
        app.post("/api/v1/auth/refresh").json(&json!({"refresh_token": admin.refresh_token})).send().await.problem(401);
    assert_eq!(problem["code"], "refresh_token_reused");
    assert!(problem["detail"].as_str().unwrap().contains("already used"));
    app.get("/api/v1/me").bearer(retried["access_token"].as_str().unwrap()).send().await.problem(401);
    app.post("/api/v1/auth/refresh")
        .json(&json!({"refresh_token": rotated["refresh_token"]}))
        .send()
        .await
        .problem(401);

    // Another login of the same account is a separate family and survives.
    let other = app.admin().await;
    app.post("/api/v1/auth/refresh")
        .json(&json!({"refresh_token": other.refresh_token}))
        .send()
        .await
        .assert_status(200);

    let audit = app
        .get("/api/v1/audit?action=refresh_token_reused")
        .bearer(&other.token)
        .send()
        .await
        .assert_status(200)
        .json();
    assert_eq!(audit["items"].as_array().unwrap().len(), 1);
    assert_eq!(audit["items"][0]["record_id"], admin.id.as_str());
}

/// Moves the time `refresh_token` was spent a minute back, past the grace window.
fn spend_before_the_grace_window(app: &TestApp, refresh_token: &str) {
    use diesel::RunQueryDsl;
    let hash = outreach::auth::secret::token_hash(refresh_token);
    let earlier = (chrono::Utc::now() - chrono::Duration::minutes(1)).naive_utc();
    app.state
        .db
        .run_blocking(|conn| {
            diesel::sql_query("UPDATE refresh_tokens SET rotated_at = $1 WHERE token_hash = $2")
                .bind::<diesel::sql_types::Timestamp, _>(earlier)
                .bind::<diesel::sql_types::Text, _>(&hash)
                .execute(conn)
                .map_err(|err| err.to_string())
        })
        .unwrap();
}

on_both_databases!(logout_ends_the_session_and_is_idempotent);
async fn logout_ends_the_session_and_is_idempotent(app: TestApp) {
    let admin = app.admin().await;
    app.get("/api/v1/me").bearer(&admin.token).send().await.assert_status(200);
    app.post("/api/v1/auth/logout")
        .json(&json!({"refresh_token": admin.refresh_token}))
        .send()
        .await
        .assert_status(204);
    app.post("/api/v1/auth/logout")
        .json(&json!({"refresh_token": admin.refresh_token}))
        .send()
        .await
        .assert_status(204);
    app.post("/api/v1/auth/refresh").json(&json!({"refresh_token": admin.refresh_token})).send().await.problem(401);
    app.post("/api/v1/auth/refresh").json(&json!({"refresh_token": "ort_made_up"})).send().await.problem(401);
    // The access token of the ended session stops working at once too.
    app.get("/api/v1/me").bearer(&admin.token).send().await.problem(401);
}

on_both_databases!(forged_expired_and_foreign_tokens_are_401_with_www_authenticate);
async fn forged_expired_and_foreign_tokens_are_401_with_www_authenticate(app: TestApp) {
    let admin = app.admin().await;
    let secret = std::fs::read_to_string(app.state.config.data_dir.join("jwt_secret")).unwrap();

    let expired = app.state.keys.sign(&claims_for(&admin.id, -120)).unwrap();
    let alg_none = unsigned_token(json!({"alg": "none", "typ": "JWT"}), &claims_for(&admin.id, 600));
    let hs512 = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS512),
        &claims_for(&admin.id, 600),
        &jsonwebtoken::EncodingKey::from_secret(secret.trim().as_bytes()),
    )
    .unwrap();
    let other_secret = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims_for(&admin.id, 600),
        &jsonwebtoken::EncodingKey::from_secret(b"another secret that is long enough to be accepted"),
    )
    .unwrap();
    let mut tampered = admin.token.clone();
    tampered.insert_str(tampered.rfind('.').unwrap() + 1, "AAAA");
    let valid_for_nobody = app.state.keys.sign(&claims_for(&uuid::Uuid::now_v7().to_string(), 600)).unwrap();

    let rejected = [
        (expired, "token_expired"),
        (alg_none, "invalid_token"),
        (hs512, "invalid_token"),
        (other_secret, "invalid_token"),
        (tampered, "invalid_token"),
        (valid_for_nobody, "session_revoked"),
        ("garbage".into(), "invalid_token"),
        ("otk_unknown".into(), "session_revoked"),
    ];
    for (token, code) in rejected {
        let res = app.get("/api/v1/me").bearer(&token).send().await;
        let problem = res.problem(401);
        assert_eq!(problem["code"], code, "token {token}");
        // RFC 6750: a token was sent and is at fault.
        let challenge = format!("Bearer error=\"invalid_token\", error_description=\"{code}\"");
        assert_eq!(res.header("www-authenticate"), Some(challenge.as_str()), "token {token}");
        assert!(!problem["detail"].as_str().unwrap().contains("Signature"), "no library names: {problem}");
    }
    let res = app.get("/api/v1/me").send().await;
    assert_eq!(res.problem(401)["code"], "missing_token");
    assert_eq!(res.header("www-authenticate"), Some("Bearer"));
    let basic = app.get("/api/v1/me").header("authorization", "Basic YWRtaW46YWRtaW4=").send().await;
    assert_eq!(basic.problem(401)["code"], "missing_token");

    // A properly signed, fresh token works.
    let fresh = app.state.keys.sign(&claims_for(&admin.id, 600)).unwrap();
    app.get("/api/v1/me").bearer(&fresh).send().await.assert_status(200);
}

on_both_databases!(correctly_signed_tokens_living_longer_than_the_server_issues_are_refused);
async fn correctly_signed_tokens_living_longer_than_the_server_issues_are_refused(app: TestApp) {
    let admin = app.admin().await;
    let now = chrono::Utc::now().timestamp();
    let signed = |iat: i64, exp: i64| app.state.keys.sign(&Claims { iat, exp, ..claims_for(&admin.id, 0) }).unwrap();
    let year = 365 * 24 * 3600;
    let refused = [
        // Issued in the future beyond the 60 s leeway, with an ordinary lifetime.
        signed(now + 3600, now + 3600 + 900),
        // Ten years out.
        signed(now - 10, now + 10 * year),
        // Sixteen minutes: one more than the server issues.
        signed(now - 10, now - 10 + 16 * 60),
    ];
    for token in refused {
        let problem = app.get("/api/v1/me").bearer(&token).send().await.problem(401);
        assert_eq!(problem["code"], "invalid_token", "{problem}");
    }
    // Within the leeway and the lifetime: accepted.
    app.get("/api/v1/me").bearer(&signed(now + 30, now + 30 + 900)).send().await.assert_status(200);
    app.get("/api/v1/me").bearer(&signed(now - 10, now - 10 + 900)).send().await.assert_status(200);
}

on_both_databases!(failed_logins_are_throttled_per_account_and_per_address_only_when_spraying);
async fn failed_logins_are_throttled_per_account_and_per_address_only_when_spraying(app: TestApp) {
    let login = |email: &str, password: &str, ip: &str| {
        app.post("/api/v1/auth/login").sent_from(ip).json(&json!({"email": email, "password": password})).send()
    };
    let observer = app.user("observer", None).await;
    let colleagues = [observer.clone(), app.user("observer", None).await, app.user("observer", None).await];
    // An unknown email and a wrong password get the same answer.
    let wrong_password = login(ADMIN_EMAIL, "wrong password!", "10.0.0.1").await.problem(401);
    let unknown_email = login("nobody@outreach.test", "wrong password!", "10.0.0.1").await.problem(401);
    assert_eq!(wrong_password["detail"], unknown_email["detail"]);

    // Per account: five failures from five addresses lock the account, even
    // for the right password from a fresh address.
    for ip in ["10.0.1.1", "10.0.1.2", "10.0.1.3", "10.0.1.4"] {
        login(ADMIN_EMAIL, "wrong password!", ip).await.problem(401);
    }
    let res = login(ADMIN_EMAIL, crate::helpers::ADMIN_PASSWORD, "10.0.1.9").await;
    res.problem(429);
    let retry_after: u64 = res.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry_after), "{retry_after}");

    // An office: one colleague locks their own account from the shared address;
    // the others still sign in from it.
    for _ in 0..5 {
        login(&colleagues[1].email, "forgot it again!", "10.0.2.1").await.problem(401);
    }
    login(&colleagues[1].email, &colleagues[1].password, "10.0.2.1").await.problem(429);
    login(&colleagues[2].email, &colleagues[2].password, "10.0.2.1").await.assert_status(200);

    // Password spraying: failures on ten different accounts from one address (the
    // colleague's and nine guesses) lock the address for every account, while
    // other addresses still get in.
    for n in 0..8 {
        login(&format!("guess{n}@outreach.test"), "wrong password!", "10.0.2.1").await.problem(401);
    }
    login(&observer.email, &observer.password, "10.0.2.1").await.assert_status(200);
    login("guess8@outreach.test", "wrong password!", "10.0.2.1").await.problem(401);
    let sprayed = login(&observer.email, &observer.password, "10.0.2.1").await;
    assert_eq!(sprayed.problem(429)["code"], "throttled");
    login(&observer.email, &observer.password, "10.0.2.2").await.assert_status(200);

    // Many people behind one address signing in at once are not failures.
    // (Not the colleague locked out above: that account's own throttle holds.)
    let signing_in = [&colleagues[0], &colleagues[2]];
    let attempts =
        signing_in.iter().flat_map(|user| [user, user]).map(|user| login(&user.email, &user.password, "10.0.3.1"));
    for res in futures_util::future::join_all(attempts).await {
        res.assert_status(200);
    }
    // One account on four devices at once (the limit is five in flight): the
    // counts of concurrent successes are cleared without a deadlock.
    let devices =
        (0..4).map(|n| login(&observer.email, &observer.password, if n % 2 == 0 { "10.0.4.1" } else { "10.0.4.2" }));
    for res in futures_util::future::join_all(devices).await {
        res.assert_status(200);
    }

    let audit_failures = app
        .state
        .db
        .run(|conn| {
            use diesel::prelude::*;
            use outreach::db::schema::audit_log;
            Ok(audit_log::table.filter(audit_log::action.eq("login_failed")).count().get_result::<i64>(conn)?)
        })
        .await
        .unwrap();
    assert_eq!(audit_failures, 2 + 4 + 5 + 9);
}

on_both_databases!(a_one_time_password_must_be_changed_before_anything_else);
async fn a_one_time_password_must_be_changed_before_anything_else(app: TestApp) {
    let admin = app.admin().await;
    let created = app.account(&admin, "coordinator", Some(OWN_BRANCH)).await;
    let one_time = created["one_time_password"].as_str().unwrap();
    assert_eq!(created["must_change_password"], true);
    let session = app.sign_in(created["email"].as_str().unwrap(), one_time).await;
    assert_eq!(session["must_change_password"], true);
    let token = session["access_token"].as_str().unwrap();

    app.get("/api/v1/accounts").bearer(token).send().await.problem(403);
    app.get("/api/v1/me").bearer(token).send().await.assert_status(200);
    let problem = app
        .post("/api/v1/me/password")
        .bearer(token)
        .json(&json!({"current_password": one_time, "new_password": "short"}))
        .send()
        .await
        .problem(422);
    assert_eq!(problem["errors"][0]["field"], "new_password");
    assert_eq!(problem["errors"][0]["code"], "too_short");
    let problem = app
        .post("/api/v1/me/password")
        .bearer(token)
        .json(&json!({"current_password": one_time, "new_password": created["email"]}))
        .send()
        .await
        .problem(422);
    assert_eq!(problem["errors"][0]["code"], "equals_email");
    let problem = app
        .post("/api/v1/me/password")
        .bearer(token)
        .json(&json!({"current_password": "not the password", "new_password": "a much better password"}))
        .send()
        .await
        .problem(422);
    assert_eq!(problem["errors"][0]["field"], "current_password");

    app.post("/api/v1/me/password")
        .bearer(token)
        .json(&json!({"current_password": one_time, "new_password": "a much better password"}))
        .send()
        .await
        .assert_status(204);
    // The old sessions are gone; the new password works and nothing is blocked.
    app.post("/api/v1/auth/refresh")
        .json(&json!({"refresh_token": session["refresh_token"]}))
        .send()
        .await
        .problem(401);
    app.get("/api/v1/me").bearer(token).send().await.problem(401);
    let session = app.sign_in(created["email"].as_str().unwrap(), "a much better password").await;
    assert_eq!(session["must_change_password"], false);
    app.get("/api/v1/accounts").bearer(session["access_token"].as_str().unwrap()).send().await.assert_status(200);

    // Staff reset other people's passwords, never their own (that would end
    // their own session and skip the current-password check).
    let own = format!("/api/v1/accounts/{}/password-reset", admin.id);
    let problem = app.post(&own).bearer(&admin.token).json(&json!({})).send().await.problem(403);
    assert!(problem["detail"].as_str().unwrap().contains("/me/password"), "{problem}");
    app.get("/api/v1/me").bearer(&admin.token).send().await.assert_status(200);
}

on_both_databases!(disabling_an_account_or_changing_its_role_takes_effect_at_once);
async fn disabling_an_account_or_changing_its_role_takes_effect_at_once(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let volunteer = app.user_created_by(&coordinator, "volunteer", Some(OWN_BRANCH)).await;
    app.get("/api/v1/me").bearer(&volunteer.token).send().await.assert_status(200);

    let res = app
        .patch(&format!("/api/v1/accounts/{}", volunteer.id))
        .bearer(&coordinator.token)
        .json(&json!({"active": false}))
        .send()
        .await;
    let account = res.assert_status(200).json();
    assert_eq!(account["active"], false);
    assert_eq!(account["version"], 2);
    assert_eq!(res.header("etag"), Some("\"2\""));
    app.get("/api/v1/me").bearer(&volunteer.token).send().await.problem(401);
    app.post("/api/v1/auth/refresh").json(&json!({"refresh_token": volunteer.refresh_token})).send().await.problem(401);
    app.post("/api/v1/auth/login")
        .json(&json!({"email": volunteer.email, "password": volunteer.password}))
        .send()
        .await
        .problem(401);

    // An admin demotes the coordinator: their current token loses staff rights.
    let admin = app.admin().await;
    app.get("/api/v1/accounts").bearer(&coordinator.token).send().await.assert_status(200);
    app.patch(&format!("/api/v1/accounts/{}", coordinator.id))
        .bearer(&admin.token)
        .json(&json!({"role": "volunteer"}))
        .send()
        .await
        .assert_status(200);
    // A role change ends the account's sessions; signing in again gives the new role.
    app.get("/api/v1/accounts").bearer(&coordinator.token).send().await.problem(401);
    let again = app.sign_in(&coordinator.email, &coordinator.password).await;
    app.get("/api/v1/accounts").bearer(again["access_token"].as_str().unwrap()).send().await.problem(403);
}

on_both_databases!(coordinators_cannot_escalate_or_reach_another_branch);
async fn coordinators_cannot_escalate_or_reach_another_branch(app: TestApp) {
    let admin = app.admin().await;
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let peer = app.account(&admin, "coordinator", Some(OWN_BRANCH)).await;
    let foreign_volunteer = app.account(&admin, "volunteer", Some(OTHER_BRANCH)).await;
    let own_volunteer = app.account(&admin, "volunteer", Some(OWN_BRANCH)).await;
    let token = coordinator.token.as_str();

    for body in [
        json!({"email": "boss@outreach.test", "role": "admin"}),
        json!({"email": "boss@outreach.test", "role": "coordinator", "branch": OWN_BRANCH}),
        json!({"email": "boss@outreach.test", "role": "volunteer", "branch": OTHER_BRANCH}),
    ] {
        app.post("/api/v1/accounts").bearer(token).json(&body).send().await.problem(403);
    }
    // Defaulting to their own branch is fine.
    let created = app
        .post("/api/v1/accounts")
        .bearer(token)
        .json(&json!({"email": "new-volunteer@outreach.test", "role": "volunteer"}))
        .send()
        .await
        .assert_status(201)
        .json();
    assert_eq!(created["branch"], OWN_BRANCH);

    let own = format!("/api/v1/accounts/{}", own_volunteer["id"].as_str().unwrap());
    app.patch(&own).bearer(token).json(&json!({"role": "coordinator"})).send().await.problem(403);
    app.patch(&own).bearer(token).json(&json!({"branch": OTHER_BRANCH})).send().await.problem(403);
    app.patch(&format!("/api/v1/accounts/{}", coordinator.id))
        .bearer(token)
        .json(&json!({"role": "admin"}))
        .send()
        .await
        .problem(403);
    app.patch(&format!("/api/v1/accounts/{}", peer["id"].as_str().unwrap()))
        .bearer(token)
        .json(&json!({"active": false}))
        .send()
        .await
        .problem(403);

    let foreign = format!("/api/v1/accounts/{}", foreign_volunteer["id"].as_str().unwrap());
    app.get(&foreign).bearer(token).send().await.problem(404);
    app.patch(&foreign).bearer(token).json(&json!({"active": false})).send().await.problem(404);
    app.post(&format!("{foreign}/password-reset")).bearer(token).json(&json!({})).send().await.problem(404);
    app.get(&format!("/api/v1/accounts/{}", admin.id)).bearer(token).send().await.problem(404);

    let listed = app
        .get(&format!("/api/v1/accounts?branch={OTHER_BRANCH}"))
        .bearer(token)
        .send()
        .await
        .assert_status(200)
        .json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 0);
    let listed = app.get("/api/v1/accounts?limit=200").bearer(token).send().await.assert_status(200).json();
    assert!(listed["items"].as_array().unwrap().iter().all(|account| account["branch"] == OWN_BRANCH));

    // Nobody locks themselves out.
    app.patch(&format!("/api/v1/accounts/{}", admin.id))
        .bearer(&admin.token)
        .json(&json!({"active": false}))
        .send()
        .await
        .problem(403);
}

on_both_databases!(account_rules_are_checked_field_by_field);
async fn account_rules_are_checked_field_by_field(app: TestApp) {
    let admin = app.admin().await;
    let cases = [
        (json!({"email": "not-an-email", "role": "observer"}), "email", "email"),
        (json!({"email": "a@outreach.test", "role": "volunteer"}), "branch", "required"),
        (json!({"email": "a@outreach.test", "role": "observer", "branch": OWN_BRANCH}), "branch", "not_allowed"),
        (json!({"email": "a@outreach.test", "role": "volunteer", "branch": "KZ-00"}), "branch", "unknown_branch"),
        (json!({"email": "a@outreach.test", "role": "observer", "password": "short"}), "password", "too_short"),
        (
            json!({"email": "a-long-address@outreach.test", "role": "observer", "password": "A-Long-Address@outreach.test"}),
            "password",
            "equals_email",
        ),
        (json!({"email": "a@outreach.test", "role": "superuser"}), "role", "unknown_value"),
        (json!({"email": "a@outreach.test", "role": "observer", "rol": "x"}), "rol", "unknown_field"),
    ];
    for (body, field, code) in cases {
        let problem = app.post("/api/v1/accounts").bearer(&admin.token).json(&body).send().await.problem(422);
        assert_eq!(problem["errors"][0]["field"], field, "{body}: {problem}");
        assert_eq!(problem["errors"][0]["code"], code, "{body}: {problem}");
    }
}

on_both_databases!(account_emails_are_unique_ignoring_case);
async fn account_emails_are_unique_ignoring_case(app: TestApp) {
    let admin = app.admin().await;
    let first = app
        .post("/api/v1/accounts")
        .bearer(&admin.token)
        .json(&json!({"email": "Same@Outreach.test", "role": "observer"}))
        .send()
        .await
        .assert_status(201)
        .json();
    let problem = app
        .post("/api/v1/accounts")
        .bearer(&admin.token)
        .json(&json!({"email": "same@outreach.TEST", "role": "observer"}))
        .send()
        .await
        .problem(409);
    assert_eq!(problem["existing_id"], first["id"]);
}

on_both_databases!(account_updates_need_the_current_version);
async fn account_updates_need_the_current_version(app: TestApp) {
    let admin = app.admin().await;
    let first = app
        .post("/api/v1/accounts")
        .bearer(&admin.token)
        .json(&json!({"email": "Same@Outreach.test", "role": "observer"}))
        .send()
        .await
        .assert_status(201)
        .json();
    let path = format!("/api/v1/accounts/{}", first["id"].as_str().unwrap());
    app.patch(&path)
        .bearer(&admin.token)
        .header("if-match", "\"1\"")
        .json(&json!({"active": false}))
        .send()
        .await
        .assert_status(200);
    app.patch(&path)
        .bearer(&admin.token)
        .header("if-match", "\"1\"")
        .json(&json!({"active": true}))
        .send()
        .await
        .problem(412);
    app.patch(&path).bearer(&admin.token).json(&json!({"active": true, "version": 1})).send().await.problem(412);
    app.patch(&path)
        .bearer(&admin.token)
        .header("if-match", "W/\"2\"")
        .json(&json!({"active": true}))
        .send()
        .await
        .problem(412);
    let problem = app
        .patch(&path)
        .bearer(&admin.token)
        .header("if-match", "\"2\"")
        .json(&json!({"active": true, "version": 1}))
        .send()
        .await
        .problem(422);
    assert_eq!(problem["errors"][0]["field"], "version");
    app.patch(&path)
        .bearer(&admin.token)
        .header("if-match", "\"7\", \"2\"")
        .json(&json!({"active": true}))
        .send()
        .await
        .assert_status(200);
    app.patch(&path).bearer(&admin.token).json(&json!({"active": true, "version": 3})).send().await.assert_status(200);
}

on_both_databases!(unreadable_oversized_and_nul_carrying_requests_are_refused);
async fn unreadable_oversized_and_nul_carrying_requests_are_refused(app: TestApp) {
    let admin = app.admin().await;
    app.post("/api/v1/accounts")
        .bearer(&admin.token)
        .header("content-type", "text/plain")
        .body("email=x")
        .send()
        .await
        .problem(415);
    app.post("/api/v1/accounts")
        .bearer(&admin.token)
        .header("content-type", "application/json")
        .body("{\"email\": ")
        .send()
        .await
        .problem(400);
    app.post("/api/v1/accounts")
        .bearer(&admin.token)
        .header("content-type", "application/json")
        .body(vec![b' '; 300 * 1024])
        .send()
        .await
        .problem(413);
    // NUL characters never reach the database (PostgreSQL would refuse them).
    let problem = app
        .post("/api/v1/accounts")
        .bearer(&admin.token)
        .json(&json!({"email": "nul\u{0}@outreach.test", "role": "observer"}))
        .send()
        .await
        .problem(422);
    assert_eq!(problem["errors"][0]["code"], "nul_character");
    app.post("/api/v1/auth/login").json(&json!({"email": "a\u{0}b", "password": "x"})).send().await.problem(422);
    app.get("/api/v1/accounts?email=a%00b").bearer(&admin.token).send().await.problem(400);
    app.get("/api/v1/accounts/a%00b").bearer(&admin.token).send().await.problem(400);
    app.get("/api/v1/branches?cursor=AA").send().await.problem(422);
}

on_both_databases!(integrator_tokens_are_shown_once_and_recorded_when_used);
async fn integrator_tokens_are_shown_once_and_recorded_when_used(app: TestApp) {
    let admin = app.admin().await;
    let observer = app.account(&admin, "observer", None).await;
    let observer_id = observer["id"].as_str().unwrap();

    let created = app
        .post(&format!("/api/v1/accounts/{observer_id}/api-tokens"))
        .bearer(&admin.token)
        .json(&json!({"name": "regional dashboard"}))
        .send()
        .await
        .assert_status(201)
        .json();
    let secret = created["token"].as_str().unwrap();
    assert!(secret.starts_with("otk_"));

    let me = app.get("/api/v1/me").bearer(secret).send().await.assert_status(200).json();
    assert_eq!(me["role"], "observer");
    app.get("/api/v1/accounts").bearer(secret).send().await.problem(403);

    let listed = app
        .get(&format!("/api/v1/accounts/{observer_id}/api-tokens"))
        .bearer(&admin.token)
        .send()
        .await
        .assert_status(200)
        .json();
    let listed = &listed["items"];
    assert_eq!(listed[0]["name"], "regional dashboard");
    assert!(listed[0]["last_used_at"].is_string());
    assert!(listed[0].get("token").is_none(), "the secret is never listed");
}

on_both_databases!(integrator_tokens_do_not_carry_a_promoted_role);
async fn integrator_tokens_do_not_carry_a_promoted_role(app: TestApp) {
    let admin = app.admin().await;
    let observer = app.account(&admin, "observer", None).await;
    let observer_id = observer["id"].as_str().unwrap();
    let created = app
        .post(&format!("/api/v1/accounts/{observer_id}/api-tokens"))
        .bearer(&admin.token)
        .json(&json!({"name": "regional dashboard"}))
        .send()
        .await
        .assert_status(201)
        .json();
    let secret = created["token"].as_str().unwrap();
    app.get("/api/v1/me").bearer(secret).send().await.assert_status(200);
    // Should the observer ever be promoted, its tokens do not carry the new role.
    app.patch(&format!("/api/v1/accounts/{observer_id}"))
        .bearer(&admin.token)
        .json(&json!({"role": "admin"}))
        .send()
        .await
        .assert_status(200);
    app.get("/api/v1/me").bearer(secret).send().await.problem(401);
    app.patch(&format!("/api/v1/accounts/{observer_id}"))
        .bearer(&admin.token)
        .json(&json!({"role": "observer"}))
        .send()
        .await
        .assert_status(200);
    app.get("/api/v1/me").bearer(secret).send().await.problem(401);
}

on_both_databases!(integrator_tokens_are_revocable_and_audited);
async fn integrator_tokens_are_revocable_and_audited(app: TestApp) {
    let admin = app.admin().await;
    let observer = app.account(&admin, "observer", None).await;
    let observer_id = observer["id"].as_str().unwrap();
    let _first = app
        .post(&format!("/api/v1/accounts/{observer_id}/api-tokens"))
        .bearer(&admin.token)
        .json(&json!({"name": "regional dashboard"}))
        .send()
        .await
        .assert_status(201)
        .json();
    let second = app
        .post(&format!("/api/v1/accounts/{observer_id}/api-tokens"))
        .bearer(&admin.token)
        .json(&json!({"name": "second"}))
        .send()
        .await
        .assert_status(201)
        .json();
    let second_secret = second["token"].as_str().unwrap();
    app.get("/api/v1/me").bearer(second_secret).send().await.assert_status(200);
    app.delete(&format!("/api/v1/api-tokens/{}", second["id"].as_str().unwrap()))
        .bearer(&admin.token)
        .send()
        .await
        .assert_status(204);
    app.get("/api/v1/me").bearer(second_secret).send().await.problem(401);

    let actions: Vec<String> = app.get("/api/v1/audit?record_type=api_token").bearer(&admin.token).send().await.json()
        ["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["action"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(actions, ["api_token_revoked", "api_token_created", "api_token_created"]);
}

on_both_databases!(only_observers_get_integrator_tokens_and_none_already_expired);
async fn only_observers_get_integrator_tokens_and_none_already_expired(app: TestApp) {
    let admin = app.admin().await;
    let observer = app.account(&admin, "observer", None).await;
    let observer_id = observer["id"].as_str().unwrap();
    let coordinator = app.account(&admin, "coordinator", Some(OWN_BRANCH)).await;
    app.post(&format!("/api/v1/accounts/{}/api-tokens", coordinator["id"].as_str().unwrap()))
        .bearer(&admin.token)
        .json(&json!({"name": "not for coordinators"}))
        .send()
        .await
        .problem(409);
    let problem = app
        .post(&format!("/api/v1/accounts/{observer_id}/api-tokens"))
        .bearer(&admin.token)
        .json(&json!({"name": "expired", "expires_at": "2020-01-01T00:00:00Z"}))
        .send()
        .await
        .problem(422);
    assert_eq!(problem["errors"][0]["field"], "expires_at");
}

on_both_databases!(branch_contact_data_is_edited_by_admins_and_its_own_coordinators);
async fn branch_contact_data_is_edited_by_admins_and_its_own_coordinators(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let path = format!("/api/v1/branches/{OWN_BRANCH}");
    let res = app
        .patch(&path)
        .bearer(&coordinator.token)
        .header("if-match", "\"1\"")
        .json(&json!({"office_address": "Астана, пр. Мәңгілік Ел, 8", "phone": "+7 7172 00 00 00"}))
        .send()
        .await;
    let branch = res.assert_status(200).json();
    assert_eq!(branch["office_address"], "Астана, пр. Мәңгілік Ел, 8");
    assert_eq!(branch["version"], 2);
    assert_eq!(branch["name"]["kk"], "Астана", "reference data is untouched");

    app.patch(&path)
        .bearer(&coordinator.token)
        .header("if-match", "\"1\"")
        .json(&json!({"phone": null}))
        .send()
        .await
        .problem(412);
    let cleared = app
        .patch(&path)
        .bearer(&coordinator.token)
        .json(&json!({"phone": null, "version": 2}))
        .send()
        .await
        .assert_status(200)
        .json();
    assert_eq!(cleared["phone"], serde_json::Value::Null);
    assert_eq!(cleared["office_address"], "Астана, пр. Мәңгілік Ел, 8");

    app.patch(&format!("/api/v1/branches/{OTHER_BRANCH}"))
        .bearer(&coordinator.token)
        .json(&json!({"phone": "1"}))
        .send()
        .await
        .problem(403);
    let problem =
        app.patch(&path).bearer(&coordinator.token).json(&json!({"name_en": "Nur-Sultan"})).send().await.problem(422);
    assert_eq!(problem["errors"][0]["field"], "name_en");
    let read = app.get(&path).send().await;
    assert_eq!(read.header("etag"), Some("\"3\""));
}

on_both_databases!(the_audit_log_pages_newest_first);
async fn the_audit_log_pages_newest_first(app: TestApp) {
    let admin = app.admin().await;
    for _ in 0..3 {
        app.account(&admin, "observer", None).await;
    }
    let first = app
        .get("/api/v1/audit?action=account_created&limit=2")
        .bearer(&admin.token)
        .send()
        .await
        .assert_status(200)
        .json();
    let second_path =
        format!("/api/v1/audit?action=account_created&limit=2&cursor={}", first["next_cursor"].as_str().unwrap());
    let second = app.get(&second_path).bearer(&admin.token).send().await.assert_status(200).json();
    let ids: Vec<&str> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["items"].as_array().unwrap())
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    // Three accounts plus the first admin.
    assert_eq!(ids.len(), 4);
    assert!(ids.windows(2).all(|pair| pair[0] > pair[1]), "newest first: {ids:?}");
    assert_eq!(second["next_cursor"], serde_json::Value::Null);
    assert!(first["items"][0]["request_id"].is_string());
}

const ROTATED_SECRET: &str = "the secret after the rotation, 32+ bytes long";
const PREVIOUS_SECRET: &str = "the secret before the rotation, 32+ bytes long";

fn rotated(config: &mut outreach::config::Config) {
    config.jwt_secret = Some(ROTATED_SECRET.into());
    config.jwt_previous_secret = Some(PREVIOUS_SECRET.into());
}

on_both_databases!(a_secret_rotation_accepts_the_previous_secret_for_one_token_lifetime_and_keeps_refresh_tokens, configured by rotated);
async fn a_secret_rotation_accepts_the_previous_secret_for_one_token_lifetime_and_keeps_refresh_tokens(app: TestApp) {
    use outreach::auth::JwtKeys;
    let admin = app.admin().await;
    let app_ref = &app;
    let me = |token: String| async move { app_ref.get("/api/v1/me").bearer(&token).send().await };
    let claims = JwtKeys::new(ROTATED_SECRET.as_bytes()).verify(&admin.token).expect("signed with JWT_SECRET");
    let previous = JwtKeys::new(PREVIOUS_SECRET.as_bytes());

    // A token signed with the previous secret (by an instance not restarted yet) is accepted.
    me(previous.sign(&claims).unwrap()).await.assert_status(200);
    // One signed with a secret the server does not know is not.
    let unknown = JwtKeys::new(b"a secret nobody configured, 32+ bytes long");
    let refused = me(unknown.sign(&claims).unwrap()).await.problem(401);
    assert_eq!(refused["code"], "invalid_token");
    // Its own bounds still apply: one issued more than a lifetime ago is refused.
    let now = chrono::Utc::now().timestamp();
    let old = outreach::auth::jwt::Claims { iat: now - 16 * 60, exp: now - 60, ..claims.clone() };
    me(previous.sign(&old).unwrap()).await.problem(401);
    // After one lifetime from the rotation, the previous secret is not honoured at all.
    let later = JwtKeys::new(ROTATED_SECRET.as_bytes()).with_previous(PREVIOUS_SECRET.as_bytes(), now - 1);
    assert!(later.verify(&previous.sign(&claims).unwrap()).is_err());
    assert!(later.verify(&admin.token).is_ok());

    // Refresh tokens are rows of the database, not signed: they survive the
    // rotation. An instance still on the previous secret rotates one...
    let old_instance = outreach::auth::session::refresh(&app.state.db, &previous, admin.refresh_token.clone(), None);
    let issued = old_instance.await.unwrap();
    me(issued.access_token.clone()).await.assert_status(200);
    // ...the app's retry reaches a rotated instance within the grace window and
    // gets the same successor, not a reuse alarm...
    let retried = app.post("/api/v1/auth/refresh").json(&json!({"refresh_token": admin.refresh_token})).send().await;
    assert_eq!(retried.assert_status(200).json()["refresh_token"], issued.refresh_token.as_str());
    // ...and that successor refreshes on the rotated instance, into a token of the new secret.
    let next = app.post("/api/v1/auth/refresh").json(&json!({"refresh_token": issued.refresh_token})).send().await;
    let token = next.assert_status(200).json()["access_token"].as_str().unwrap().to_owned();
    assert!(JwtKeys::new(ROTATED_SECRET.as_bytes()).verify(&token).is_ok());
    me(token).await.assert_status(200);
}

/// `password` hashed at the cost used before (9 MiB, 4 passes), as stored then.
fn hash_of_the_older_cost(password: &str) -> String {
    use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
    use argon2::{Algorithm, Argon2, Params, Version};
    let params = Params::new(9 * 1024, 4, 1, Some(Params::DEFAULT_OUTPUT_LEN)).unwrap();
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    let salt = *b"a salt of before";
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    argon.hash_password_into(password.as_bytes(), &salt, &mut out).unwrap();
    PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(argon.params()).unwrap(),
        salt: Some(Salt::new(&salt).unwrap()),
        hash: Some(Output::new(&out).unwrap()),
    }
    .to_string()
}

on_both_databases!(a_password_hash_of_an_older_cost_is_made_anew_at_the_next_login);
async fn a_password_hash_of_an_older_cost_is_made_anew_at_the_next_login(app: TestApp) {
    use diesel::prelude::*;
    use outreach::db::schema::accounts;
    let user = app.user("coordinator", Some(OWN_BRANCH)).await;
    let older = hash_of_the_older_cost(&user.password);
    let stored = |app: &TestApp| -> (Option<String>, i32) {
        let id = user.id.clone();
        app.state
            .db
            .run_blocking(move |conn| {
                accounts::table
                    .find(&id)
                    .select((accounts::password_hash, accounts::version))
                    .first(conn)
                    .map_err(|err| err.to_string())
            })
            .unwrap()
    };
    let id = user.id.clone();
    let set = older.clone();
    app.state
        .db
        .run_blocking(move |conn| {
            diesel::update(accounts::table.find(&id))
                .set(accounts::password_hash.eq(&set))
                .execute(conn)
                .map_err(|err| err.to_string())
        })
        .unwrap();
    let (_, version) = stored(&app);
    // A wrong password changes nothing.
    let wrong = json!({"email": user.email, "password": "not the password at all"});
    app.post("/api/v1/auth/login").json(&wrong).send().await.problem(401);
    assert_eq!(stored(&app), (Some(older.clone()), version));
    // The right one signs in against the older hash, which is then made anew at
    // the current cost: not an edit of the account, and no session ends.
    app.sign_in(&user.email, &user.password).await;
    let (renewed, after) = stored(&app);
    let renewed = renewed.unwrap();
    assert!(renewed.starts_with("$argon2id$v=19$m=7168,t=5,p=1$"), "{renewed}");
    assert_eq!(after, version);
    app.get("/api/v1/me").bearer(&user.token).send().await.assert_status(200);
    // It signs in again, and a current hash is left as it is.
    app.sign_in(&user.email, &user.password).await;
    assert_eq!(stored(&app), (Some(renewed), version));
}
