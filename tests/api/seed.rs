//! `outreach seed-demo`: the demo data follows the API's own rules and can be
//! used at once by the demo accounts.

use diesel::prelude::*;
use outreach::db::DbConn;
use outreach::db::schema::{member_organisations, volunteers};
use outreach::domain::bin::is_valid_bin;
use outreach::domain::phone::normalize_phone;
use outreach::seed::{self, DEMO_PASSWORD, VOLUNTEERS_PER_SCALE, coordinator_email};

use crate::helpers::TestApp;

/// Name, phone, guardian, guardian's consent, birth date.
type SeededPerson =
    (Option<String>, Option<String>, Option<String>, Option<chrono::NaiveDateTime>, Option<chrono::NaiveDate>);

fn seed_demo(app: &TestApp, force: bool) -> Result<(), String> {
    seed::run(&app.state.config.database_url, 1, force)
}

fn stored<T>(app: &TestApp, query: impl FnOnce(&mut DbConn) -> QueryResult<T>) -> T {
    app.state.db.run_blocking(|conn| query(conn).map_err(|err| err.to_string())).unwrap()
}

on_both_databases! {
    async fn seeded_volunteers_have_unique_kazakh_mobiles_nfc_names_and_consents(app: TestApp) {
        seed_demo(&app, false).unwrap();
        let rows: Vec<SeededPerson> =
            stored(&app, |conn| {
                volunteers::table
                    .select((
                        volunteers::full_name,
                        volunteers::phone,
                        volunteers::guardian_name,
                        volunteers::guardian_consent_at,
                        volunteers::birth_date,
                    ))
                    .load(conn)
            });
        assert_eq!(rows.len() as u64, VOLUNTEERS_PER_SCALE);
        let mut phones = std::collections::HashSet::new();
        let mut minors = 0;
        for (name, phone, guardian, guardian_consent, birth_date) in &rows {
            let name = name.as_deref().unwrap();
            assert!(unicode_normalization::is_nfc(name), "{name}");
            let phone = phone.as_deref().unwrap();
            assert_eq!(normalize_phone(phone, false).as_deref(), Ok(phone));
            assert!(phones.insert(phone.to_owned()), "{phone} twice");
            let today = chrono::Utc::now().date_naive();
            if let Some(age) = birth_date.and_then(|born| outreach::domain::volunteer::age_on(born, today))
                && age < 18
            {
                minors += 1;
                assert!(guardian.is_some() && guardian_consent.is_some(), "{name} is a minor without guardian consent");
            }
        }
        assert!(minors > 0, "some volunteers are minors");
        let bins: Vec<String> = stored(&app, |conn| member_organisations::table.select(member_organisations::bin).load(conn));
        assert!(bins.len() > 20 && bins.iter().all(|bin| is_valid_bin(bin)), "{bins:?}");
    }

    async fn a_seeded_coordinator_signs_in_and_reads_their_branch(app: TestApp) {
        seed_demo(&app, false).unwrap();
        let session = app.sign_in(&coordinator_email("KZ-35"), DEMO_PASSWORD).await;
        let token = session["access_token"].as_str().unwrap();
        let page = app.get("/api/v1/volunteers?limit=50").bearer(token).send().await;
        page.assert_status(200);
        let items = page.json()["items"].as_array().unwrap().clone();
        assert_eq!(items.len(), 50);
        assert!(items.iter().all(|item| item["branch"] == "KZ-35"));
        let id = items[0]["id"].as_str().unwrap();
        app.get(&format!("/api/v1/volunteers/{id}")).bearer(token).send().await.assert_status(200);
    }

    async fn seeding_refuses_a_filled_database_unless_forced(app: TestApp) {
        seed_demo(&app, false).unwrap();
        let refused = seed_demo(&app, false).unwrap_err();
        assert!(refused.contains("--force"), "{refused}");
        seed_demo(&app, true).unwrap();
        let count: i64 = stored(&app, |conn| volunteers::table.count().get_result(conn));
        assert_eq!(count as u64, VOLUNTEERS_PER_SCALE);
    }
}
