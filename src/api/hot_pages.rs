//! Serialised pages kept in memory while the database says they are current.
//!
//! At peak, thousands of phones open their branch's events at once. Such a page
//! costs a page of events, their shifts, their counts and the JSON of it all; a
//! page kept here costs one primary-key read of the branch's change counter
//! (which the database bumps in the transaction of every write the page depends
//! on) and a copy of the bytes. The counter lives in the database, so every
//! instance behind a load balancer sees a write on its very next read; the
//! `ETag` is made of the counter too, so a client holding the current one gets
//! `304` without the page being built at all.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use actix_web::HttpResponse;
use actix_web::http::header::{self, HeaderValue};
use actix_web::web::Bytes;

use crate::api::conditional::weakly_matches;

/// Pages kept at most; when full, the oldest half is dropped. A page of 50
/// events with their shifts is 30–60 kB, so this bounds the cache to a few MB.
const CAPACITY: usize = 128;

/// A serialised page and what it was valid for.
#[derive(Debug)]
struct Kept {
    version: i64,
    body: Bytes,
    link: Option<HeaderValue>,
    /// Insertion order, for dropping the oldest when full.
    stamp: u64,
}

/// The pages of one kind of list, by their key (what the page depends on
/// besides the version: scope, filters, cursor).
#[derive(Debug, Default)]
pub struct HotPages {
    kept: Mutex<(u64, HashMap<String, Arc<Kept>>)>,
}

/// A page to be answered: from the cache or freshly serialised.
pub struct HotPage {
    pub key: String,
    pub version: i64,
}

impl HotPage {
    /// A weak tag of this page at this version: the counter and the key's hash.
    pub fn etag(&self) -> HeaderValue {
        let key = xxhash_rust::xxh3::xxh3_64(self.key.as_bytes());
        HeaderValue::from_str(&format!("W/\"p{}-{key:016x}\"", self.version))
            .unwrap_or_else(|_| HeaderValue::from_static("W/\"p\""))
    }

    /// Whether the request's `If-None-Match` names this page's tag.
    pub fn not_modified_for(&self, if_none_match: Option<&HeaderValue>) -> bool {
        let Some(sent) = if_none_match.and_then(|value| value.to_str().ok()) else { return false };
        weakly_matches(sent, self.etag().to_str().unwrap_or_default())
    }

    /// `304 Not Modified` with this page's tag.
    pub fn not_modified(&self) -> HttpResponse {
        HttpResponse::NotModified().insert_header((header::ETAG, self.etag())).finish()
    }
}

impl HotPages {
    /// The kept answer for `page`, if it was kept at the same version.
    pub fn answer(&self, page: &HotPage) -> Option<HttpResponse> {
        let kept = {
            let kept = self.kept.lock().ok()?;
            kept.1.get(&page.key).filter(|kept| kept.version == page.version).cloned()
        }?;
        Some(respond(page, kept.body.clone(), kept.link.clone()))
    }

    /// Keeps `body` (and its `Link`) as `page`, and answers it.
    pub fn keep(&self, page: HotPage, body: Bytes, link: Option<HeaderValue>) -> HttpResponse {
        let response = respond(&page, body.clone(), link.clone());
        if let Ok(mut kept) = self.kept.lock() {
            let (stamp, pages) = &mut *kept;
            *stamp += 1;
            if pages.len() >= CAPACITY && !pages.contains_key(&page.key) {
                let mut stamps: Vec<u64> = pages.values().map(|kept| kept.stamp).collect();
                let (_, median, _) = stamps.select_nth_unstable(CAPACITY / 2);
                let median = *median;
                pages.retain(|_, kept| kept.stamp > median);
            }
            pages.insert(page.key, Arc::new(Kept { version: page.version, body, link, stamp: *stamp }));
        }
        response
    }
}

fn respond(page: &HotPage, body: Bytes, link: Option<HeaderValue>) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    response.insert_header(header::ContentType::json()).insert_header((header::ETAG, page.etag()));
    if let Some(link) = link {
        response.insert_header((header::LINK, link));
    }
    response.body(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(key: &str, version: i64) -> HotPage {
        HotPage { key: key.into(), version }
    }

    #[test]
    fn answers_only_the_version_it_kept() {
        let pages = HotPages::default();
        pages.keep(page("a", 3), Bytes::from_static(b"[]"), None);
        assert!(pages.answer(&page("a", 3)).is_some());
        assert!(pages.answer(&page("a", 4)).is_none());
        assert!(pages.answer(&page("b", 3)).is_none());
    }

    #[test]
    fn stays_within_its_capacity() {
        let pages = HotPages::default();
        for n in 0..(CAPACITY * 3) {
            pages.keep(page(&n.to_string(), 1), Bytes::from_static(b"[]"), None);
        }
        let kept = pages.kept.lock().unwrap().1.len();
        assert!(kept <= CAPACITY, "{kept}");
        let last = (CAPACITY * 3 - 1).to_string();
        assert!(pages.answer(&page(&last, 1)).is_some());
    }

    #[test]
    fn if_none_match_compares_weakly() {
        let page = page("a", 7);
        let tag = page.etag();
        let strong = HeaderValue::from_str(tag.to_str().unwrap().trim_start_matches("W/")).unwrap();
        assert!(page.not_modified_for(Some(&tag)));
        assert!(page.not_modified_for(Some(&strong)));
        assert!(!page.not_modified_for(Some(&HeaderValue::from_static("W/\"p6-0\""))));
        assert!(!page.not_modified_for(None));
    }
}
