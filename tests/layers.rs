//! The layers of `src/` import only downwards: `domain` ← `db` ← `service` ← `api`
//! ← `startup`. A module that names a layer above it (or actix, below the HTTP
//! layer) fails this test, with the file and line.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

/// What each folder of `src/` may not name: higher layers, and the web framework
/// where HTTP has no business.
const RULES: &[(&str, &[&str])] = &[
    (
        "domain",
        &[
            "crate::db",
            "crate::dto",
            "crate::service",
            "crate::api",
            "crate::auth",
            "crate::seed",
            "crate::startup",
            "crate::openapi",
            "crate::cli",
            "actix",
        ],
    ),
    (
        "db",
        &[
            "crate::dto",
            "crate::service",
            "crate::api",
            "crate::seed",
            "crate::startup",
            "crate::openapi",
            "crate::cli",
            "actix",
        ],
    ),
    (
        "dto",
        &["crate::service", "crate::api", "crate::seed", "crate::startup", "crate::openapi", "crate::cli", "actix"],
    ),
    ("service", &["crate::api", "crate::seed", "crate::startup", "crate::openapi", "crate::cli", "actix"]),
    ("seed", &["crate::api", "crate::startup", "crate::openapi", "crate::cli", "actix"]),
    ("auth", &["crate::api", "crate::service", "crate::seed", "crate::startup", "crate::openapi", "crate::cli"]),
    // Handlers run no queries of their own: the services do. Query strings go
    // through `api::query::Query`, which names the parameter at fault.
    ("api", &["crate::startup", "crate::cli", "crate::seed", ".run(", "write_transaction", "web::Query<"]),
    ("openapi", &["crate::startup", "crate::cli"]),
];

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                files.push(path);
            }
        }
    }
    files
}

/// The files of one layer: `src/<layer>/**.rs` and `src/<layer>.rs`.
fn layer_files(src: &Path, layer: &str) -> Vec<PathBuf> {
    let mut files = rust_files(&src.join(layer));
    let single = src.join(format!("{layer}.rs"));
    if single.exists() {
        files.push(single);
    }
    files
}

/// Lines of code (not comments) in `files` naming one of `forbidden`.
fn violations(files: &[PathBuf], forbidden: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(file).unwrap();
        for (number, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            for name in forbidden {
                if code.contains(name) {
                    found.push(format!("{}:{}: names `{name}`: {}", file.display(), number + 1, code));
                }
            }
        }
    }
    found
}

#[test]
fn no_layer_imports_a_layer_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    for (layer, forbidden) in RULES {
        let files = layer_files(&src, layer);
        assert!(!files.is_empty(), "no files for layer {layer}: the rules are out of date");
        found.extend(violations(&files, forbidden));
    }
    assert!(found.is_empty(), "imports against the layering:\n{}", found.join("\n"));
}

#[test]
fn the_check_catches_a_service_importing_the_http_layer() {
    let dir = std::env::temp_dir().join(format!("outreach-layers-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad_service.rs");
    std::fs::write(&file, "// crate::api in a comment is fine\nuse crate::api::etag;\n").unwrap();
    let service_rules = RULES.iter().find(|(layer, _)| *layer == "service").unwrap().1;
    let found = violations(std::slice::from_ref(&file), service_rules);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("bad_service.rs:2"), "{found:?}");
}
