use serde_json::{Value, json};

use crate::factories::{OTHER_BRANCH, OWN_BRANCH, id, visit, visit_every_stop};
use crate::helpers::TestApp;

fn stop_ids(route: &Value) -> Vec<String> {
    route["stops"].as_array().unwrap().iter().map(|stop| stop["id"].as_str().unwrap().to_owned()).collect()
}

on_both_databases!(assigning_a_volunteer_moves_a_planned_route_to_assigned);
async fn assigning_a_volunteer_moves_a_planned_route_to_assigned(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let village = app.locality(&coordinator, OWN_BRANCH, "village").await;
    let volunteer = app.volunteer(&coordinator, OWN_BRANCH).await;
    let route = app.route(&coordinator, &village, 30, &[]).await;
    assert_eq!(route["status"], "planned");
    let assigned = app
        .post(&format!("/api/v1/routes/{}/assignees", id(&route)))
        .bearer(&coordinator.token)
        .json(&json!({"volunteer_id": volunteer["id"]}))
        .send()
        .await
        .assert_status(200)
        .json();
    assert_eq!(assigned["status"], "assigned");
}

on_both_databases!(the_offline_pack_is_not_sent_again_until_the_route_changes);
async fn the_offline_pack_is_not_sent_again_until_the_route_changes(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let (route, walker) = app.assigned_route(&coordinator, OWN_BRANCH, 30).await;
    let path = format!("/api/v1/routes/{}/pack", id(&route));
    let pack = app.get(&path).bearer(&walker.token).send().await;
    let tag = pack.header("etag").unwrap().to_owned();
    let body = pack.assert_status(200).json();
    assert_eq!(body["route"]["stops"].as_array().unwrap().len(), 30);
    assert!(body["question_topics"].as_array().unwrap().contains(&json!("voting_procedure")));
    app.get(&path).bearer(&walker.token).header("if-none-match", &tag).send().await.assert_status(304);

    app.sync_visits(&walker, &route, &visit_every_stop(&route)).await;
    app.get(&path).bearer(&walker.token).header("if-none-match", &tag).send().await.assert_status(200);
}

on_both_databases!(a_batch_replayed_stores_nothing_twice_and_answers_with_the_stored_visits);
async fn a_batch_replayed_stores_nothing_twice_and_answers_with_the_stored_visits(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let (route, walker) = app.assigned_route(&coordinator, OWN_BRANCH, 30).await;
    let batch = visit_every_stop(&route);
    let result = app.sync_visits(&walker, &route, &batch).await;
    assert_eq!((result["created"].as_u64(), result["rejected"].as_u64()), (Some(30), Some(0)), "{result}");
    for _ in 0..2 {
        let replay = app.sync_visits(&walker, &route, &batch).await;
        assert_eq!((replay["created"].as_u64(), replay["duplicates"].as_u64()), (Some(0), Some(30)));
        assert_eq!(replay["items"][0]["visit"]["note"], "Подъезд закрыт, код 12");
    }
    // A replay with one new visit at its end (its first item stored) stores that one.
    let mut grown = batch.clone();
    grown.push(visit(id(&route["stops"][0])));
    let result = app.sync_visits(&walker, &route, &grown).await;
    assert_eq!((result["created"].as_u64(), result["duplicates"].as_u64()), (Some(1), Some(30)), "{result}");
    let visits = app
        .get(&format!("/api/v1/visits?route_id={}&limit=200", id(&route)))
        .bearer(&coordinator.token)
        .send()
        .await
        .json();
    assert_eq!(visits["items"].as_array().unwrap().len(), 31);
}

on_both_databases!(a_route_with_every_stop_visited_is_completed_with_totals_that_match_its_visits);
async fn a_route_with_every_stop_visited_is_completed_with_totals_that_match_its_visits(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let (route, walker) = app.assigned_route(&coordinator, OWN_BRANCH, 30).await;
    app.sync_visits(&walker, &route, &visit_every_stop(&route)).await;

    let walked =
        app.get(&format!("/api/v1/routes/{}", id(&route))).bearer(&walker.token).send().await.assert_status(200).json();
    assert_eq!(walked["status"], "completed");
    assert_eq!(walked["progress"]["percent"], 100.0);
    assert_eq!(walked["progress"]["doors_knocked"], 300);
    assert_eq!(walked["progress"]["materials_left"], 180);

    // The maintained counters agree with the raw rows.
    let route_id = id(&route).to_owned();
    let raw = app
        .state
        .db
        .run(move |conn| {
            use diesel::prelude::*;
            use outreach::db::schema::visits;
            let rows: Vec<(i32, i32)> = visits::table
                .filter(visits::route_id.eq(&route_id))
                .select((visits::doors_knocked, visits::conversations))
                .load(conn)?;
            Ok((rows.len(), rows.iter().map(|r| r.0).sum::<i32>(), rows.iter().map(|r| r.1).sum::<i32>()))
        })
        .await
        .unwrap();
    assert_eq!(raw, (30, 300, 120));
}

on_both_databases!(stops_keep_their_visit_count_and_earliest_visit_as_visits_add_up);
async fn stops_keep_their_visit_count_and_earliest_visit_as_visits_add_up(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let (route, walker) = app.assigned_route(&coordinator, OWN_BRANCH, 30).await;
    app.sync_visits(&walker, &route, &visit_every_stop(&route)).await;

    // A second walk.
    let stops = stop_ids(&route);
    let mut earlier = visit(&stops[0]);
    earlier["visited_at"] = json!((chrono::Utc::now() - chrono::Duration::minutes(4)).to_rfc3339());
    let result = app.sync_visits(&walker, &route, &[earlier, visit(&stops[0]), visit(&stops[1])]).await;
    assert_eq!((result["created"].as_u64(), result["progress"]["stops_visited"].as_u64()), (Some(3), Some(30)));
    let route_id = id(&route).to_owned();
    let (stored, raw) = app
        .state
        .db
        .run(move |conn| {
            use diesel::dsl::{count_star, min};
            use diesel::prelude::*;
            use outreach::db::schema::{route_stops, visits};
            let stored: Vec<(String, i32, Option<chrono::NaiveDateTime>)> = route_stops::table
                .filter(route_stops::route_id.eq(&route_id))
                .select((route_stops::id, route_stops::visits_count, route_stops::first_visited_at))
                .order(route_stops::id)
                .load(conn)?;
            let raw: Vec<(String, i64, Option<chrono::NaiveDateTime>)> = visits::table
                .filter(visits::route_id.eq(&route_id))
                .group_by(visits::stop_id)
                .select((visits::stop_id, count_star(), min(visits::visited_at)))
                .order(visits::stop_id)
                .load(conn)?;
            Ok((stored, raw))
        })
        .await
        .unwrap();
    let stored: Vec<_> = stored.into_iter().map(|(id, count, first)| (id, i64::from(count), first)).collect();
    assert_eq!(stored, raw);
    assert_eq!(stored.iter().find(|stop| stop.0 == stops[0]).unwrap().1, 3);
}

on_both_databases!(branch_progress_counts_completed_routes_and_covered_rural_settlements);
async fn branch_progress_counts_completed_routes_and_covered_rural_settlements(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let (route, walker) = app.assigned_route(&coordinator, OWN_BRANCH, 30).await;
    app.sync_visits(&walker, &route, &visit_every_stop(&route)).await;
    let progress = app
        .get(&format!("/api/v1/progress/branches/{OWN_BRANCH}"))
        .bearer(&coordinator.token)
        .send()
        .await
        .assert_status(200)
        .json();
    assert_eq!(progress["completed_routes"], 1);
    assert_eq!(progress["stops_visited"], 30);
    assert_eq!(progress["rural_settlements"], 1);
    assert_eq!(progress["rural_covered_percent"], 100.0);
    assert_eq!(progress["by_locality"][0]["locality_id"], route["locality_id"]);
}

on_both_databases!(national_progress_lists_every_branch_to_observers_and_nothing_to_volunteers);
async fn national_progress_lists_every_branch_to_observers_and_nothing_to_volunteers(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let (_, walker) = app.volunteer_user(&coordinator, OWN_BRANCH).await;
    let observer = app.user("observer", None).await;
    let national = app.get("/api/v1/progress").bearer(&observer.token).send().await.assert_status(200).json();
    assert_eq!(national["items"].as_array().unwrap().len(), 20);
    assert!(national["next_cursor"].is_null());
    app.get("/api/v1/progress").bearer(&walker.token).send().await.problem(403);
}

on_both_databases!(a_mixed_batch_stores_exactly_its_valid_items_even_when_sent_twice_at_once);
async fn a_mixed_batch_stores_exactly_its_valid_items_even_when_sent_twice_at_once(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let town = app.locality(&coordinator, OWN_BRANCH, "town").await;
    let route = app.route(&coordinator, &town, 5, &[]).await;
    let other_route = app.route(&coordinator, &town, 1, &[]).await;
    let stops = stop_ids(&route);
    let path = format!("/api/v1/routes/{}/visits:batch", route["id"].as_str().unwrap());
    let earlier = visit(&stops[0]);
    app.post(&path).bearer(&coordinator.token).json(&json!({"visits": [earlier]})).send().await.assert_status(200);

    let mut future = visit(&stops[2]);
    future["visited_at"] = json!("2999-01-01T00:00:00Z");
    let mut inconsistent = visit(&stops[3]);
    inconsistent["doors_knocked"] = json!(2);
    let mut opinion = visit(&stops[4]);
    opinion["voting_intention"] = json!("yes");
    let batch = json!({"visits": [
        visit(&stops[1]),
        earlier,
        visit(&stop_ids(&other_route)[0]),
        {"id": "not-a-uuid", "stop_id": stops[1]},
        future,
        inconsistent,
        opinion,
        visit(&stops[4]),
    ]});
    let (first, second) = futures_util::future::join(
        app.post(&path).bearer(&coordinator.token).json(&batch).send(),
        app.post(&path).bearer(&coordinator.token).json(&batch).send(),
    )
    .await;
    let (first, second) = (first.assert_status(200).json(), second.assert_status(200).json());
    assert_eq!(
        first["created"].as_u64().unwrap() + second["created"].as_u64().unwrap(),
        2,
        "each new visit stored once: {first} {second}"
    );
    let statuses: Vec<&str> =
        first["items"].as_array().unwrap().iter().map(|item| item["status"].as_str().unwrap()).collect();
    assert_eq!(statuses[1], "duplicate");
    assert_eq!(&statuses[2..7], ["rejected"; 5]);
    let code = |index: usize| first["items"][index]["errors"][0]["code"].as_str().unwrap().to_owned();
    let field = |index: usize| first["items"][index]["errors"][0]["field"].as_str().unwrap().to_owned();
    assert_eq!((field(2), code(2)), ("stop_id".into(), "not_on_route".into()));
    assert_eq!(field(3), "id");
    assert_eq!((field(4), code(4)), ("visited_at".into(), "in_future".into()));
    assert_eq!((field(5), code(5)), ("doors_knocked".into(), "inconsistent".into()));
    assert!(field(6).contains("voting_intention"), "no field for opinions exists: {}", first["items"][6]);

    let visits = app
        .get(&format!("/api/v1/visits?route_id={}", route["id"].as_str().unwrap()))
        .bearer(&coordinator.token)
        .send()
        .await
        .json();
    assert_eq!(visits["items"].as_array().unwrap().len(), 3, "the earlier visit and the two valid ones");
    let route = app
        .get(&format!("/api/v1/routes/{}", route["id"].as_str().unwrap()))
        .bearer(&coordinator.token)
        .send()
        .await
        .json();
    assert_eq!(route["progress"]["visits"], 3);
    assert_eq!(route["progress"]["stops_visited"], 3);
}

on_both_databases!(routes_take_only_active_volunteers_of_their_branch);
async fn routes_take_only_active_volunteers_of_their_branch(app: TestApp) {
    let admin = app.admin().await;
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let outsider = app.user("coordinator", Some(OTHER_BRANCH)).await;
    let village = app.locality(&coordinator, OWN_BRANCH, "village").await;
    let foreign_volunteer = app.volunteer(&admin, OTHER_BRANCH).await;
    let body = json!({"locality_id": village, "name": "R", "stops": [], "volunteer_ids": [foreign_volunteer["id"]]});
    let problem = app.post("/api/v1/routes").bearer(&coordinator.token).json(&body).send().await.problem(422);
    assert_eq!(problem["errors"][0]["code"], "unknown_volunteer", "another branch's volunteer is not revealed");
    let paused = app.volunteer(&coordinator, OWN_BRANCH).await;
    app.pause(&coordinator, &paused).await;
    let body = json!({"locality_id": village, "name": "R", "stops": [], "volunteer_ids": [paused["id"]]});
    assert_eq!(
        app.post("/api/v1/routes").bearer(&coordinator.token).json(&body).send().await.problem(409)["errors"][0]["code"],
        "volunteer_not_active"
    );
    let body = json!({"locality_id": village, "name": "R", "stops": []});
    app.post("/api/v1/routes").bearer(&outsider.token).json(&body).send().await.problem(403);
}

on_both_databases!(only_the_route_s_own_people_sync_its_visits);
async fn only_the_route_s_own_people_sync_its_visits(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let outsider = app.user("coordinator", Some(OTHER_BRANCH)).await;
    let village = app.locality(&coordinator, OWN_BRANCH, "village").await;
    let route = app.route(&coordinator, &village, 3, &[]).await;
    let id = route["id"].as_str().unwrap();
    let (_, stranger) = app.volunteer_user(&coordinator, OWN_BRANCH).await;
    let batch = json!({"visits": [visit(&stop_ids(&route)[0])]});
    app.post(&format!("/api/v1/routes/{id}/visits:batch"))
        .bearer(&stranger.token)
        .json(&batch)
        .send()
        .await
        .problem(404);
    app.post(&format!("/api/v1/routes/{id}/visits:batch"))
        .bearer(&outsider.token)
        .json(&batch)
        .send()
        .await
        .problem(404);
    app.post(&format!("/api/v1/routes/{id}/visits:batch"))
        .bearer(&app.user("observer", None).await.token)
        .json(&batch)
        .send()
        .await
        .problem(403);
    app.get(&format!("/api/v1/routes/{id}")).bearer(&stranger.token).send().await.problem(404);
    app.post(&format!("/api/v1/routes/{id}/visits:batch"))
        .bearer(&coordinator.token)
        .json(&batch)
        .send()
        .await
        .assert_status(200);
}

on_both_databases!(a_reorder_keeps_visited_stops_and_a_route_has_at_most_500);
async fn a_reorder_keeps_visited_stops_and_a_route_has_at_most_500(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let village = app.locality(&coordinator, OWN_BRANCH, "village").await;
    let route = app.route(&coordinator, &village, 3, &[]).await;
    let id = route["id"].as_str().unwrap();
    let batch = json!({"visits": [visit(&stop_ids(&route)[0])]});
    app.post(&format!("/api/v1/routes/{id}/visits:batch"))
        .bearer(&coordinator.token)
        .json(&batch)
        .send()
        .await
        .assert_status(200);

    // Reorder: keep the visited stop, drop one, add one; the visited one stays.
    let stops = stop_ids(&route);
    let keep = |stop: &str, n: &str| json!({"id": stop, "street": "Абай даңғылы", "building": n, "doors": 40});
    let body = json!({"stops": [keep(&stops[2], "3"), {"street": "Жаңа көше", "building": "7", "doors": 12}, keep(&stops[0], "1")]});
    let replaced = app
        .put(&format!("/api/v1/routes/{id}/stops"))
        .bearer(&coordinator.token)
        .json(&body)
        .send()
        .await
        .assert_status(200)
        .json();
    let new_order = stop_ids(&replaced);
    assert_eq!(new_order.len(), 3);
    assert_eq!((new_order[0].as_str(), new_order[2].as_str()), (stops[2].as_str(), stops[0].as_str()));
    assert_eq!(replaced["progress"]["stops_total"], 3);
    assert_eq!(replaced["progress"]["stops_visited"], 1);
    let body = json!({"stops": [keep(&stops[2], "3")]});
    let problem =
        app.put(&format!("/api/v1/routes/{id}/stops")).bearer(&coordinator.token).json(&body).send().await.problem(409);
    assert_eq!(problem["errors"][0]["code"], "stop_has_visits");
    let body = json!({"stops": [], "version": 1});
    app.put(&format!("/api/v1/routes/{id}/stops")).bearer(&coordinator.token).json(&body).send().await.problem(412);
    let too_many: Vec<Value> =
        (0..501).map(|n| json!({"street": "S", "building": format!("{n}"), "doors": 1})).collect();
    let problem = app
        .post("/api/v1/routes")
        .bearer(&coordinator.token)
        .json(&json!({"locality_id": village, "name": "Big", "stops": too_many}))
        .send()
        .await
        .problem(422);
    assert_eq!(problem["errors"][0]["field"], "stops");
}

on_both_databases!(a_replayed_visit_that_says_something_else_is_flagged_as_conflicting);
async fn a_replayed_visit_that_says_something_else_is_flagged_as_conflicting(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let (route, walker) = app.assigned_route(&coordinator, OWN_BRANCH, 2).await;
    let sent = visit(route["stops"][0]["id"].as_str().unwrap());
    app.sync_visits(&walker, &route, std::slice::from_ref(&sent)).await;

    let mut edited = sent.clone();
    edited["conversations"] = json!(3);
    let same = app.sync_visits(&walker, &route, std::slice::from_ref(&sent)).await;
    assert_eq!(same["items"][0]["status"], "duplicate", "{same}");
    assert_eq!(same["items"][0]["conflicting"], false, "the same visit again: {same}");
    let replay = app.sync_visits(&walker, &route, &[edited]).await;
    assert_eq!(replay["items"][0]["status"], "duplicate");
    assert_eq!(replay["items"][0]["conflicting"], true, "another count under the same id: {replay}");
    assert_eq!(replay["items"][0]["visit"]["conversations"], 4, "the stored visit stands");
    assert_eq!(replay["created"], 0);
}

on_both_databases!(visits_made_before_a_volunteer_was_taken_off_a_route_still_sync);
async fn visits_made_before_a_volunteer_was_taken_off_a_route_still_sync(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let (route, walker) = app.assigned_route(&coordinator, OWN_BRANCH, 3).await;
    let (route_id, volunteer_id) = (id(&route), route["assignees"][0].as_str().unwrap().to_owned());
    let stops = stop_ids(&route);
    // Recorded on the phone while still assigned, synced only later.
    let made_before = visit(&stops[0]);
    app.delete(&format!("/api/v1/routes/{route_id}/assignees/{volunteer_id}"))
        .bearer(&coordinator.token)
        .send()
        .await
        .assert_status(200);
    app.get(&format!("/api/v1/routes/{route_id}")).bearer(&walker.token).send().await.problem(404);
    let mut made_after = visit(&stops[1]);
    made_after["visited_at"] = json!(chrono::Utc::now().to_rfc3339());

    let result = app.sync_visits(&walker, &route, &[made_before.clone(), made_after]).await;
    assert_eq!((result["created"].as_u64(), result["rejected"].as_u64()), (Some(1), Some(1)), "{result}");
    assert_eq!(result["items"][0]["status"], "created");
    assert_eq!(result["items"][1]["errors"][0]["field"], "visited_at");
    assert_eq!(result["items"][1]["errors"][0]["code"], "assignment_ended");
    let replay = app.sync_visits(&walker, &route, &[made_before]).await;
    assert_eq!(replay["items"][0]["status"], "duplicate", "{replay}");
    let listed = app.get("/api/v1/routes").bearer(&walker.token).send().await.assert_status(200).json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 0, "no longer the volunteer's route: {listed}");

    // Assigned again, the volunteer works the route as before.
    app.post(&format!("/api/v1/routes/{route_id}/assignees"))
        .bearer(&coordinator.token)
        .json(&json!({"volunteer_id": volunteer_id}))
        .send()
        .await
        .assert_status(200);
    let again = app.sync_visits(&walker, &route, &[visit(&stops[2])]).await;
    assert_eq!(again["created"], 1, "{again}");
    // Someone never assigned still gets a 404, not a per-item refusal.
    let (_, stranger) = app.volunteer_user(&coordinator, OWN_BRANCH).await;
    app.post(&format!("/api/v1/routes/{route_id}/visits:batch"))
        .bearer(&stranger.token)
        .json(&json!({"visits": [visit(&stops[0])]}))
        .send()
        .await
        .problem(404);
}

on_both_databases!(a_locality_with_a_route_or_a_poster_site_is_not_deleted);
async fn a_locality_with_a_route_or_a_poster_site_is_not_deleted(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let town = app.locality(&coordinator, OWN_BRANCH, "town").await;
    app.route(&coordinator, &town, 1, &[]).await;
    app.delete(&format!("/api/v1/localities/{town}")).bearer(&coordinator.token).send().await.problem(409);
    let village = app.locality(&coordinator, OWN_BRANCH, "village").await;
    app.poster_site(&coordinator, OWN_BRANCH, &village, 2).await;
    let refused = app.delete(&format!("/api/v1/localities/{village}")).bearer(&coordinator.token).send().await;
    assert!(refused.problem(409)["detail"].as_str().unwrap().contains("poster sites"));
}
