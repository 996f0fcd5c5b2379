//! The dashboard (`/dashboard`): a static page served from the binary, without a
//! token, under a strict Content-Security-Policy. The page itself runs in a real
//! browser in `tests/browser/` (run by `.ci/run`); these tests check what the server
//! sends and what the files hold. Static, so SQLite is enough.

use std::collections::BTreeSet;

use outreach::api::dashboard::CONTENT_SECURITY_POLICY;
use outreach::domain::event::EventKind;
use outreach::domain::locality::LocalityKind;
use outreach::domain::role::Role;

use crate::helpers::TestApp;

const FILES: &[(&str, &str)] = &[
    ("index.html", "text/html; charset=utf-8"),
    ("app.css", "text/css; charset=utf-8"),
    ("app.js", "text/javascript; charset=utf-8"),
    ("api.js", "text/javascript; charset=utf-8"),
    ("charts.js", "text/javascript; charset=utf-8"),
    ("dom.js", "text/javascript; charset=utf-8"),
    ("i18n.js", "text/javascript; charset=utf-8"),
    ("icon.svg", "image/svg+xml"),
];

fn source(name: &str) -> String {
    std::fs::read_to_string(format!("{}/dashboard/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[test]
fn the_policy_is_the_strict_one() {
    assert_eq!(
        CONTENT_SECURITY_POLICY,
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; \
         frame-ancestors 'none'"
    );
}

#[actix_web::test]
async fn the_page_and_its_assets_are_served_without_a_token_with_their_types_and_the_csp() {
    let app = TestApp::sqlite().await;
    let paths = ["/dashboard", "/dashboard/"].map(|path| (path.to_owned(), "text/html; charset=utf-8"));
    let assets = FILES.iter().map(|(name, content_type)| (format!("/dashboard/{name}"), *content_type));
    for (path, content_type) in paths.into_iter().chain(assets) {
        let res = app.get(&path).send().await;
        res.assert_status(200);
        assert_eq!(res.header("content-type"), Some(content_type), "{path}");
        assert_eq!(res.header("content-security-policy"), Some(CONTENT_SECURITY_POLICY), "{path}");
        assert_eq!(res.header("x-content-type-options"), Some("nosniff"), "{path}");
        assert_eq!(res.header("cache-control"), Some("no-cache"), "{path}");
        assert!(!res.body.is_empty(), "{path}");
    }
    let page = app.get("/dashboard").send().await;
    assert_eq!(page.body, source("index.html").as_bytes(), "the page is the file compiled in");
}

#[actix_web::test]
async fn an_unknown_dashboard_file_is_a_404_problem() {
    let app = TestApp::sqlite().await;
    app.get("/dashboard/missing.js").send().await.problem(404);
    app.get("/dashboard/..%2FCargo.toml").send().await.problem(404);
}

#[actix_web::test]
async fn the_page_revalidates_with_its_etag() {
    let app = TestApp::sqlite().await;
    let first = app.get("/dashboard/app.js").send().await;
    let tag = first.header("etag").unwrap().to_owned();
    app.get("/dashboard/app.js").header("if-none-match", &tag).send().await.assert_status(304);
}

/// Every file the page or a script names is served; no script or style is inline
/// (the CSP would block it) and nothing comes from another origin.
#[actix_web::test]
async fn everything_the_page_loads_is_its_own_and_served() {
    let app = TestApp::sqlite().await;
    let page = source("index.html");
    let mut named = BTreeSet::new();
    for attribute in ["src=\"", "href=\""] {
        for part in page.split(attribute).skip(1) {
            named.insert(part[..part.find('"').unwrap()].to_owned());
        }
    }
    for script in FILES.iter().filter(|(name, _)| name.ends_with(".js")) {
        for part in source(script.0).split("from './").skip(1) {
            named.insert(format!("/dashboard/{}", &part[..part.find('\'').unwrap()]));
        }
    }
    assert!(named.len() >= 7, "{named:?}");
    for path in &named {
        assert!(path.starts_with("/dashboard/"), "{path} is not the dashboard's own");
        app.get(path).send().await.assert_status(200);
    }
    assert!(!page.contains("<style"), "no inline style element");
    assert!(!page.contains("style="), "no style attribute");
    assert_eq!(
        page.matches("<script").count(),
        page.matches("<script type=\"module\" src=").count(),
        "no inline script"
    );
    for (name, _) in FILES.iter().filter(|(name, _)| name.ends_with(".js")) {
        // The SVG namespace is a name, not an address.
        let script = source(name).replace("'http://www.w3.org/2000/svg'", "");
        for forbidden in [
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "document.write",
            "eval(",
            "'style'",
            "http://",
            "https://",
        ] {
            assert!(!script.contains(forbidden), "{name} uses {forbidden}");
        }
    }
}

/// The keys of one language's block of `LABELS` in i18n.js.
fn label_keys(language: &str) -> BTreeSet<String> {
    let dictionary = source("i18n.js");
    let start = dictionary.find(&format!("\n  {language}: {{\n")).unwrap();
    let block = &dictionary[start..];
    let block = &block[..block.find("\n  },").unwrap()];
    block
        .lines()
        .filter_map(|line| line.strip_prefix("    ")?.split_once(": '"))
        .map(|(key, _)| key.to_owned())
        .collect()
}

/// Kazakh and Russian have the same labels, and every label the scripts ask for
/// (literally, or by an API value: roles, event kinds and statuses, locality kinds)
/// exists.
#[test]
fn every_label_is_in_kazakh_and_russian() {
    let kazakh = label_keys("kk");
    let russian = label_keys("ru");
    assert!(kazakh.len() > 50, "{kazakh:?}");
    assert_eq!(kazakh, russian, "the two languages have different labels");
    let mut wanted = BTreeSet::new();
    for (name, _) in FILES.iter().filter(|(name, _)| name.ends_with(".js")) {
        let script = source(name);
        // Calls of `t('key')`, not of `get('...')` or `params.set('...')`.
        for (at, _) in script.match_indices("t('") {
            if script[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '.') {
                continue;
            }
            let key = &script[at + 3..];
            wanted.insert(key[..key.find('\'').unwrap()].to_owned());
        }
    }
    // The charts' titles and series, and the branch table's column labels.
    let app = source("app.js");
    let charts = &app[app.find("const CHARTS = [").unwrap()..];
    let charts = &charts[..charts.find("];").unwrap()];
    wanted.extend(charts.split('\'').skip(1).step_by(2).map(str::to_owned));
    let columns = &app[app.find("const BRANCH_COLUMNS = [").unwrap()..];
    let columns = &columns[..columns.find("];").unwrap()];
    wanted.extend(columns.lines().filter_map(|line| Some(line.split('\'').nth(3)?.to_owned())));
    wanted.extend(Role::ALL.iter().map(|role| format!("role_{}", role.as_str())));
    wanted.extend(EventKind::ALL.iter().map(|kind| format!("ek_{}", kind.as_str())));
    wanted.extend(LocalityKind::ALL.iter().map(|kind| format!("kind_{}", kind.as_str())));
    let missing: Vec<_> = wanted.difference(&kazakh).collect();
    assert!(missing.is_empty(), "labels missing from i18n.js: {missing:?}");
}
