//! Social-media posts as CSV, for spreadsheets: one row per post with its
//! latest reach. Observers get no author columns.

use crate::auth::AuthUser;
use crate::db::social_posts::{self, PostFilter};
use crate::db::{Db, audit};
use crate::dto::social::PostOut;
use crate::error::ApiError;
use crate::service::csv_import;

const COLUMNS: [&str; 17] = [
    "id",
    "branch",
    "platform",
    "url",
    "published_at",
    "language",
    "topics",
    "author_volunteer_id",
    "author_name",
    "reach_taken_at",
    "views",
    "reactions",
    "shares",
    "comments",
    "created_at",
    "updated_at",
    "version",
];

/// Rows read per query while exporting.
const PAGE: i64 = 1000;

/// The posts `actor` may see (with the list's filters), in id order, as UTF-8
/// CSV with a byte-order mark.
pub async fn export(db: &Db, actor: &AuthUser, filter: PostFilter) -> Result<Vec<u8>, ApiError> {
    super::social_posts::ensure_author_filter(actor, &filter)?;
    let Some(mut filter) = super::social_posts::scoped(actor, filter) else {
        return csv_import::write(&COLUMNS, Vec::new());
    };
    let visibility = actor.visibility();
    let actor = crate::auth::SessionUser::clone(actor);
    let rows = db
        .run(move |conn| {
            let mut rows = Vec::new();
            loop {
                let page = social_posts::list(conn, &filter, PAGE)?;
                let done = page.len() < usize::try_from(PAGE).unwrap_or(usize::MAX);
                filter.after = page.last().map(|row| row.post.id.to_string());
                rows.extend(page.into_iter().map(|row| PostOut::new(row, visibility)));
                if done {
                    break;
                }
            }
            let event = audit::AuditEvent {
                actor_id: Some(&actor.account_id),
                action: "social_posts_exported",
                record_type: "social_post",
                record_id: None,
                request_id: actor.request_id.as_deref(),
                details: Some(format!("{} posts", rows.len())),
            };
            audit::record(conn, event)?;
            Ok(rows)
        })
        .await?;
    let time = |at: chrono::DateTime<chrono::Utc>| at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let text = |value: Option<String>| value.unwrap_or_default();
    csv_import::write(
        &COLUMNS,
        rows.into_iter().map(|row| {
            let reach = row.reach.as_ref();
            let count = |value: Option<i64>| value.map(|value| value.to_string()).unwrap_or_default();
            vec![
                row.id.into(),
                row.branch,
                row.platform.as_str().to_owned(),
                row.url,
                time(row.published_at),
                row.language.as_str().to_owned(),
                row.topics.iter().map(|topic| topic.as_str()).collect::<Vec<_>>().join(" "),
                text(row.author_volunteer_id.map(String::from)),
                text(row.author_name),
                reach.map(|reach| time(reach.taken_at)).unwrap_or_default(),
                count(reach.map(|reach| reach.views)),
                count(reach.map(|reach| reach.reactions)),
                count(reach.map(|reach| reach.shares)),
                count(reach.map(|reach| reach.comments)),
                time(row.created_at),
                time(row.updated_at),
                row.version.to_string(),
            ]
        }),
    )
}
