//! Social-media posts of every branch, most by its volunteers (logged by
//! themselves when they have a login, else by the coordinator), some by staff,
//! and their reach growing over a few snapshots, as the API would have stored
//! them: each post shows its latest snapshot.

use chrono::{NaiveDateTime, TimeDelta};

use super::clock::instant_between;
use super::context::{BranchContext, share};
use super::new_id;
use super::rng::Rng;
use crate::db::social_posts::{ReachSnapshot, SocialPost};
use crate::domain::ids::{ReachSnapshotId, SocialPostId};
use crate::domain::language::Language;
use crate::domain::route::QuestionTopic;
use crate::domain::social::Platform;

/// The posts and snapshots of the data set, written in one transaction.
#[derive(Default)]
pub struct SocialBatch {
    pub posts: Vec<SocialPost>,
    pub snapshots: Vec<ReachSnapshot>,
}

const PLATFORMS: [Platform; 9] = [
    Platform::Instagram,
    Platform::Telegram,
    Platform::Facebook,
    Platform::Tiktok,
    Platform::Youtube,
    Platform::Vk,
    Platform::X,
    Platform::Threads,
    Platform::Other,
];
/// How often each of [`PLATFORMS`] is used (Instagram and Telegram lead in Kazakhstan).
const PLATFORM_WEIGHTS: [u32; 9] = [30, 25, 10, 15, 6, 4, 3, 3, 4];

/// A URL of `platform` that no other post has.
fn url(platform: Platform, branch: &str, n: u64) -> String {
    let channel = format!("referendum_{}", branch.to_ascii_lowercase().replace('-', ""));
    match platform {
        Platform::Instagram => format!("https://instagram.com/p/{channel}{n}"),
        Platform::Telegram => format!("https://t.me/{channel}/{n}"),
        Platform::Facebook => format!("https://facebook.com/{channel}/posts/{n}"),
        Platform::Tiktok => format!("https://tiktok.com/@{channel}/video/{n}"),
        Platform::Youtube => format!("https://youtube.com/watch?v={channel}{n}"),
        Platform::Vk => format!("https://vk.com/wall-{channel}_{n}"),
        Platform::X => format!("https://x.com/{channel}/status/{n}"),
        Platform::Threads => format!("https://threads.net/@{channel}/post/{n}"),
        Platform::Other => format!("https://news.example.kz/{channel}/{n}"),
    }
}

/// About `total` posts over the month before `now`, shared by branch weight.
pub fn generate(contexts: &mut [BranchContext], total: u64, weights: u32, now: NaiveDateTime) -> SocialBatch {
    let mut rng = Rng::new(0x736f_6369_616c);
    let mut batch = SocialBatch::default();
    for branch in contexts.iter_mut() {
        let posts = share(total, branch.weight, weights);
        for n in 1..=posts {
            let published_at = instant_between(&mut rng, now - TimeDelta::days(30), now - TimeDelta::hours(2));
            let platform = PLATFORMS[rng.weighted(&PLATFORM_WEIGHTS)];
            let author =
                if rng.chance(75) { branch.roster.pick_registered_before(&mut rng, published_at) } else { None };
            let recorded_by =
                author.and_then(|member| branch.logins.existing(member)).unwrap_or_else(|| branch.coordinator.clone());
            let language = *rng.pick(&[Language::Kk, Language::Kk, Language::Ru, Language::Ru, Language::En]);
            let mut topics: Vec<&str> = (0..rng.between(1, 2)).map(|_| rng.pick(QuestionTopic::ALL).as_str()).collect();
            topics.sort_unstable();
            topics.dedup();
            let created_at = published_at + TimeDelta::minutes(rng.between(5, 600));
            let mut post = SocialPost {
                id: new_id::<SocialPostId>(&mut rng, created_at),
                branch_code: branch.code.clone(),
                author_volunteer_id: author.map(|member| branch.roster.members[member].id.clone()),
                recorded_by,
                platform,
                url: url(platform, &branch.code, n),
                published_at,
                language,
                topics: format!(",{},", topics.join(",")),
                reach_taken_at: None,
                views: None,
                reactions: None,
                shares: None,
                comments: None,
                removed_at: None,
                created_at,
                updated_at: created_at,
                version: 1,
            };
            if rng.chance(80) {
                // Reach grows quickly at first, then slowly.
                let mut taken_at = created_at;
                let mut views = 0;
                for _ in 0..rng.between(1, 4) {
                    taken_at = (taken_at + TimeDelta::hours(rng.between(6, 72))).min(now);
                    views += rng.between(50, 5_000);
                    let snapshot = ReachSnapshot {
                        id: new_id::<ReachSnapshotId>(&mut rng, taken_at),
                        post_id: post.id.clone(),
                        taken_at,
                        views,
                        reactions: views * rng.between(2, 12) / 100,
                        shares: views * rng.between(0, 3) / 100,
                        comments: views * rng.between(0, 4) / 100,
                        recorded_by: post.recorded_by.clone(),
                        created_at: taken_at,
                    };
                    post.reach_taken_at = Some(snapshot.taken_at);
                    post.views = Some(snapshot.views);
                    post.reactions = Some(snapshot.reactions);
                    post.shares = Some(snapshot.shares);
                    post.comments = Some(snapshot.comments);
                    post.updated_at = taken_at;
                    post.version += 1;
                    batch.snapshots.push(snapshot);
                }
            }
            batch.posts.push(post);
        }
    }
    batch
}
