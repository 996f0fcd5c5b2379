//! The social-media report of a branch or the nation: posts and reach per
//! platform, per branch-local day of publication, and the top posts. Each part
//! is one grouped query (see `db::social_report`).

use crate::auth::SessionUser;
use crate::db::Db;
use crate::db::branches;
use crate::db::social_report::{self, ReachGroup, ReportFilter};
use crate::domain::role::Role;
use crate::domain::time::utc;
use crate::dto::social::{DayReach, PlatformReach, ReachTotals, SocialReport, SocialReportQuery, TopPostOut};
use crate::error::{ApiError, ErrorCode};
use crate::service::local_days;

/// Top posts unless asked otherwise, and at most.
const DEFAULT_TOP: u32 = 10;
const MAX_TOP: u32 = 100;

fn totals(group: &ReachGroup) -> ReachTotals {
    ReachTotals {
        posts: group.posts,
        posts_with_reach: group.posts_with_reach,
        views: group.views,
        reactions: group.reactions,
        shares: group.shares,
        comments: group.comments,
    }
}

/// The report for `query`: staff and observers, any branch or the nation (the
/// report carries no personal data).
pub async fn report(db: &Db, actor: &SessionUser, query: SocialReportQuery) -> Result<SocialReport, ApiError> {
    if actor.role == Role::Volunteer {
        return Err(ApiError::Forbidden("volunteers do not read the social-media report".into()));
    }
    local_days::ensure_in_order(query.from, query.to)?;
    let top = query.top.unwrap_or(DEFAULT_TOP);
    if !(1..=MAX_TOP).contains(&top) {
        return Err(ApiError::invalid("query.top", ErrorCode::Range, format!("top must be between 1 and {MAX_TOP}")));
    }
    let branch = query.branch.clone();
    db.run_report(move |conn| {
        if let Some(code) = &branch
            && branches::find(conn, code)?.is_none()
        {
            return Err(ApiError::not_found(format!("branch {code}")));
        }
        let branches = local_days::branch_offsets(conn, branch.as_deref())?;
        let filter = ReportFilter { branches, platform: query.platform, from: query.from, to: query.to };
        let platforms = social_report::per_platform(conn, &filter)?;
        let days = social_report::per_day(conn, &filter)?;
        let top_posts = social_report::top_posts(conn, &filter, i64::from(top))?;
        let mut sum = ReachTotals::default();
        for group in &platforms {
            sum.posts += group.posts;
            sum.posts_with_reach += group.posts_with_reach;
            sum.views += group.views;
            sum.reactions += group.reactions;
            sum.shares += group.shares;
            sum.comments += group.comments;
        }
        let per_day = days
            .iter()
            .map(|group| {
                let day = group.day.as_deref().unwrap_or_default();
                let day =
                    day.parse().map_err(|_| ApiError::internal(format!("the report's day {day:?} is not a date")))?;
                Ok(DayReach { day, platform: group.platform, totals: totals(group) })
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        Ok(SocialReport {
            branch,
            from: query.from,
            to: query.to,
            totals: sum,
            per_platform: platforms
                .iter()
                .map(|group| PlatformReach { platform: group.platform, totals: totals(group) })
                .collect(),
            per_day,
            top_posts: top_posts
                .into_iter()
                .map(|post| TopPostOut {
                    id: post.id,
                    branch: post.branch_code,
                    platform: post.platform,
                    url: post.url,
                    published_at: utc(post.published_at),
                    views: post.views,
                    reactions: post.reactions,
                    shares: post.shares,
                    comments: post.comments,
                })
                .collect(),
        })
    })
    .await
}
