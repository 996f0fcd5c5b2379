use crate::helpers::TestApp;
use diesel::prelude::*;
use outreach::db::{self, build_pool};

on_both_databases!(every_migration_can_be_reverted_and_reapplied);
async fn every_migration_can_be_reverted_and_reapplied(app: TestApp) {
    let url = app.state.config.database_url.clone();
    actix_web::web::block(move || {
        let pool = build_pool(&url, 1).unwrap();
        let mut conn = pool.get().unwrap();
        db::revert_all_migrations(&mut conn).unwrap();
        let gone = diesel::sql_query("SELECT code FROM branches").execute(&mut *conn);
        assert!(gone.is_err(), "down.sql removes the branches table");
        db::run_migrations(&mut conn).unwrap();
        let count: i64 = db::schema::branches::table.count().get_result(&mut *conn).unwrap();
        assert_eq!(count, 20);
    })
    .await
    .unwrap();
}
