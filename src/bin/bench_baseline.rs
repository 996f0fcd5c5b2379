//! The load benchmark's reference point: the same two reads as the API (one
//! volunteer by id, a keyset page of a branch's volunteers) straight from the
//! same database through the same pool, with no auth, no DTO layer, no
//! middleware, no audit. "Nothing could be faster with this stack." See
//! BENCHMARKS.md; started by `bench/run`, not meant for anything else.
//!
//! Configured like the server: `DATABASE_URL`, `BIND_ADDR`, `DATABASE_POOL_SIZE`,
//! `HTTP_WORKERS` (0: one per core).
#![forbid(unsafe_code)]

use std::process::ExitCode;

use actix_web::{App, HttpResponse, HttpServer, web};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use outreach::db::schema::volunteers;
use outreach::db::{DatabaseUrl, DbPool, build_pool};
use serde::{Deserialize, Serialize};

/// A row as stored, serialised as is.
#[derive(Queryable, Selectable, Serialize)]
#[diesel(table_name = volunteers)]
struct Row {
    id: String,
    branch_code: String,
    locality_id: Option<String>,
    full_name: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    birth_date: Option<NaiveDate>,
    guardian_name: Option<String>,
    search_text: Option<String>,
    languages: String,
    skills: String,
    member_organisation_id: Option<String>,
    youth_wing: bool,
    availability: Option<String>,
    status: String,
    consent_at: NaiveDateTime,
    consent_version: String,
    guardian_consent_at: Option<NaiveDateTime>,
    source: String,
    anonymised_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    version: i32,
}

#[derive(Deserialize)]
struct ListQuery {
    branch: String,
    limit: Option<i64>,
    after: Option<String>,
}

fn failure(err: impl std::fmt::Display) -> HttpResponse {
    HttpResponse::InternalServerError().body(err.to_string())
}

async fn get_one(pool: web::Data<DbPool>, id: web::Path<String>) -> HttpResponse {
    let pool = pool.into_inner();
    let found = web::block(move || {
        let mut conn = pool.get().map_err(|err| err.to_string())?;
        volunteers::table
            .find(id.into_inner())
            .select(Row::as_select())
            .first(&mut *conn)
            .optional()
            .map_err(|err| err.to_string())
    })
    .await;
    match found {
        Ok(Ok(Some(row))) => HttpResponse::Ok().json(row),
        Ok(Ok(None)) => HttpResponse::NotFound().finish(),
        Ok(Err(err)) => failure(err),
        Err(err) => failure(err),
    }
}

async fn list(pool: web::Data<DbPool>, query: web::Query<ListQuery>) -> HttpResponse {
    let pool = pool.into_inner();
    let query = query.into_inner();
    let rows = web::block(move || {
        let mut conn = pool.get().map_err(|err| err.to_string())?;
        let mut select = volunteers::table
            .filter(volunteers::branch_code.eq(query.branch))
            .select(Row::as_select())
            .order(volunteers::id)
            .limit(query.limit.unwrap_or(50).clamp(1, 1000))
            .into_boxed();
        if let Some(after) = query.after {
            select = select.filter(volunteers::id.gt(after));
        }
        select.load(&mut *conn).map_err(|err| err.to_string())
    })
    .await;
    match rows {
        Ok(Ok(rows)) => HttpResponse::Ok().json(rows),
        Ok(Err(err)) => failure(err),
        Err(err) => failure(err),
    }
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

fn run() -> Result<(), String> {
    let url: DatabaseUrl =
        env_or("DATABASE_URL", "sqlite://data/outreach.db").parse().map_err(|err| format!("DATABASE_URL: {err}"))?;
    let bind = env_or("BIND_ADDR", "127.0.0.1:8081");
    let pool_size: u32 =
        env_or("DATABASE_POOL_SIZE", "4").parse().map_err(|err| format!("DATABASE_POOL_SIZE: {err}"))?;
    let workers: usize = env_or("HTTP_WORKERS", "0").parse().map_err(|err| format!("HTTP_WORKERS: {err}"))?;
    let pool = build_pool(&url, pool_size)?;
    actix_web::rt::System::new().block_on(async move {
        let mut server = HttpServer::new(move || {
            App::new()
                .app_data(web::Data::new(pool.clone()))
                .route("/volunteers/{id}", web::get().to(get_one))
                .route("/volunteers", web::get().to(list))
        });
        if workers > 0 {
            server = server.workers(workers);
        }
        let server = server.bind(&bind).map_err(|err| format!("cannot listen on {bind}: {err}"))?;
        server.run().await.map_err(|err| format!("server error: {err}"))
    })
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("bench_baseline: {err}");
            ExitCode::FAILURE
        }
    }
}
