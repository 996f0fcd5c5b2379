use actix_web::{get, web};

use crate::api::paging::{Listed, Paging};
use crate::api::query::Query;
use crate::api::stock_balances::StockReaders;
use crate::auth::Authorized;
use crate::db::Db;
use crate::dto::Page;
use crate::dto::page::paginate;
use crate::dto::stock::{HandedOutQuery, HandedOutRow};
use crate::error::ApiError;
use crate::service;

/// Materials handed out per day
///
/// What each branch handed out of each material on each of its local days (in
/// the branch's time zone; `from` and `to` are such days, inclusive): visits,
/// meeting reports and events together, net of counter-movements (a corrected
/// report counts on the day it was corrected). Rows with a net of zero are left
/// out. Ordered by day, branch, material. Coordinators see their branch, admins
/// and observers every branch.
#[utoipa::path(
    tag = "materials",
    security(("bearer" = [])),
    params(HandedOutQuery),
    responses(
        (status = 200, description = "A page of rows, one per day, branch and material", body = Page<HandedOutRow>),
        (status = 422, description = "`to` before `from`"),
    )
)]
#[get("/reports/materials-handed-out")]
pub async fn materials_handed_out(
    db: web::Data<Db>,
    user: Authorized<StockReaders>,
    query: Query<HandedOutQuery>,
    page: Paging,
) -> Result<Listed<HandedOutRow>, ApiError> {
    let limit = page.limit()?;
    let rows =
        service::materials_report::handed_out(&db, &user, query.into_inner(), page.after()?, i64::from(limit) + 1)
            .await?;
    let key = |row: &HandedOutRow| format!("{}|{}|{}", row.day, row.branch, row.material_id);
    Ok(page.respond(paginate(rows, limit, key, |row| row)))
}
