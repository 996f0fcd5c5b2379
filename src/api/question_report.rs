use actix_web::{get, web};

use crate::api::query::Query;
use crate::auth::AuthUser;
use crate::db::Db;
use crate::dto::question_report::{QuestionReport, QuestionReportQuery};
use crate::error::ApiError;
use crate::service;

/// What people ask
///
/// The questions raised in door-to-door visits (each question topic of a
/// visit) and in held meetings' reports (each question), for one branch or
/// without `branch` for the nation, over the branch-local days `from` to `to`
/// (inclusive; by default the twelve weeks up to today; at most 53 weeks):
/// counted per topic, per ISO week and topic, per branch and topic; the `top`
/// topics with their newest free-text questions (`samples` each: the text,
/// where it was asked (visit or meeting), the branch and the week; never who
/// asked or the address) and whether a published talking point answers them;
/// and every topic no published talking point answers yet. Each part is one
/// grouped query. Admins, coordinators (every branch) and observers read the
/// counts, like the other national reports; volunteers 403. Free text may
/// name people (like a meeting report's question texts), so observers get no
/// samples and a coordinator only those of their own branch.
#[utoipa::path(
    tag = "talking points",
    security(("bearer" = [])),
    params(QuestionReportQuery),
    responses(
        (status = 200, description = "The report", body = QuestionReport),
        (status = 404, description = "No such branch"),
        (status = 422, description = "`to` before `from`, a period over 53 weeks, or `top`/`samples` out of range"),
    )
)]
#[get("/reports/questions")]
pub async fn question_report(
    db: web::Data<Db>,
    user: AuthUser,
    query: Query<QuestionReportQuery>,
) -> Result<web::Json<QuestionReport>, ApiError> {
    Ok(web::Json(service::question_report::report(&db, &user, query.into_inner()).await?))
}
