//! Social-media posts: the platforms, and what makes a post's URL acceptable
//! (https, a host of its platform where the platform is known), decided here once.

use diesel::sql_types::Text;
use diesel::{AsExpression, FromSqlRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where a post was published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    Instagram,
    Facebook,
    Telegram,
    Tiktok,
    Youtube,
    Vk,
    /// X (formerly Twitter).
    X,
    Threads,
    /// Any other site: its host is not checked.
    Other,
}

crate::text_enum!(Platform {
    Instagram = "instagram",
    Facebook = "facebook",
    Telegram = "telegram",
    Tiktok = "tiktok",
    Youtube = "youtube",
    Vk = "vk",
    X = "x",
    Threads = "threads",
    Other = "other",
});

impl Platform {
    /// The hosts of the platform's posts (their subdomains too); empty for `other`.
    pub fn hosts(self) -> &'static [&'static str] {
        match self {
            Self::Instagram => &["instagram.com", "instagr.am"],
            Self::Facebook => &["facebook.com", "fb.com", "fb.watch"],
            Self::Telegram => &["t.me", "telegram.me"],
            Self::Tiktok => &["tiktok.com"],
            Self::Youtube => &["youtube.com", "youtu.be"],
            Self::Vk => &["vk.com", "vk.ru", "vkvideo.ru"],
            Self::X => &["x.com", "twitter.com"],
            Self::Threads => &["threads.net", "threads.com"],
            Self::Other => &[],
        }
    }

    /// Whether `host` (lower case) is one of the platform's; any host for `other`.
    pub fn accepts_host(self, host: &str) -> bool {
        let hosts = self.hosts();
        hosts.is_empty()
            || hosts
                .iter()
                .any(|known| host == *known || host.strip_suffix(known).is_some_and(|sub| sub.ends_with('.')))
    }
}

/// Why a URL is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlProblem {
    /// Not an absolute URL with a host.
    Malformed,
    /// Another scheme than https.
    NotHttps,
    /// The host is not one of the platform's.
    WrongPlatform { host: String },
}

/// The URL of a post on `platform`, normalised so that the same post is the
/// same text: https only, host in lower case (a leading `www.` or `m.` dropped),
/// no user info, no default port, no fragment, no trailing slash.
pub fn normalise_url(text: &str, platform: Platform) -> Result<String, UrlProblem> {
    let parsed = url::Url::parse(text.trim()).map_err(|_| UrlProblem::Malformed)?;
    if parsed.scheme() != "https" {
        return Err(UrlProblem::NotHttps);
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(UrlProblem::Malformed);
    }
    let host = match parsed.host() {
        Some(url::Host::Domain(domain)) => domain.to_ascii_lowercase(),
        _ => return Err(UrlProblem::Malformed),
    };
    let host = host.strip_prefix("www.").or_else(|| host.strip_prefix("m.")).unwrap_or(&host).to_owned();
    if !platform.accepts_host(&host) {
        return Err(UrlProblem::WrongPlatform { host });
    }
    let port = parsed.port().map(|port| format!(":{port}")).unwrap_or_default();
    let path = parsed.path().trim_end_matches('/');
    let query = parsed.query().map(|query| format!("?{query}")).unwrap_or_default();
    Ok(format!("https://{host}{port}{path}{query}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_is_normalised_so_the_same_post_is_the_same_text() {
        let url = normalise_url("https://WWW.Instagram.com/p/Cx1/#comments", Platform::Instagram).unwrap();
        assert_eq!(url, "https://instagram.com/p/Cx1");
        let url = normalise_url("https://m.youtube.com/watch?v=abc", Platform::Youtube).unwrap();
        assert_eq!(url, "https://youtube.com/watch?v=abc");
        assert_eq!(normalise_url("https://youtu.be/abc", Platform::Youtube).unwrap(), "https://youtu.be/abc");
        assert_eq!(normalise_url("https://fb.com/x/1", Platform::Facebook).unwrap(), "https://fb.com/x/1");
        assert_eq!(
            normalise_url("https://twitter.com/a/status/1", Platform::X).unwrap(),
            "https://twitter.com/a/status/1"
        );
    }

    #[test]
    fn only_https_urls_of_the_platform_are_accepted() {
        assert_eq!(normalise_url("http://t.me/channel/1", Platform::Telegram), Err(UrlProblem::NotHttps));
        assert_eq!(normalise_url("not a url", Platform::Telegram), Err(UrlProblem::Malformed));
        assert_eq!(normalise_url("https://user@t.me/c/1", Platform::Telegram), Err(UrlProblem::Malformed));
        assert_eq!(
            normalise_url("https://vk.com/wall1_2", Platform::Instagram),
            Err(UrlProblem::WrongPlatform { host: "vk.com".into() })
        );
        // A host that merely ends like a platform's is not one of its subdomains.
        assert!(matches!(normalise_url("https://notx.com/a", Platform::X), Err(UrlProblem::WrongPlatform { .. })));
        assert!(normalise_url("https://news.example.kz/post/1", Platform::Other).is_ok());
    }
}
