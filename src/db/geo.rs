//! `distance_km(lat1, lng1, lat2, lng2)` in SQL: the haversine distance in km.
//! PostgreSQL defines it in a migration; SQLite's bundled build has no
//! trigonometry, so [`register`] gives every SQLite connection the Rust one.

use diesel::QueryResult;
use diesel::sql_types::{Double, Nullable};
use diesel::sqlite::SqliteConnection;

use crate::domain::geo::haversine_km;

diesel::define_sql_function! {
    /// Great-circle distance in km; `NULL` when the first point has no coordinates.
    fn distance_km(lat1: Nullable<Double>, lng1: Nullable<Double>, lat2: Double, lng2: Double) -> Nullable<Double>;
}

/// Registers `distance_km` on a SQLite connection.
pub fn register(conn: &mut SqliteConnection) -> QueryResult<()> {
    distance_km_utils::register_impl(conn, |lat1: Option<f64>, lng1: Option<f64>, lat2: f64, lng2: f64| {
        lat1.zip(lng1).map(|(lat1, lng1)| haversine_km(lat1, lng1, lat2, lng2))
    })
}
