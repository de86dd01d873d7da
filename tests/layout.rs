//! The house rules of `src/` that a reader relies on (README "Layout"), checked on the source:
//!
//! - every arrow points down: `main → cli → serve → config → server → chat → bot → eval →
//!   quiz/answer → search → corpus/store/metrics`; a module names only modules below it (or itself);
//! - a platform folder under `chat/` never reaches into another platform's;
//! - `server.rs` and `serve/` name no platform (they know platforms through the trait; the one
//!   registry line is `chat::configured`);
//! - no file over 400 lines and no function over 60 lines without a comment saying why
//!   (`Long:` in the file's or the function's doc comment).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Layers from the top; a module may use modules of a higher number (or its own).
const LAYERS: &[(&str, u8)] = &[
    ("main", 0),
    ("cli", 1),
    ("serve", 2),
    ("config", 3),
    ("server", 4),
    ("chat", 5),
    ("bot", 6),
    ("eval", 7),
    ("quiz", 8),
    ("answer", 8),
    ("search", 9),
    ("corpus", 10),
    ("store", 10),
    ("metrics", 10),
];

const PLATFORMS: &[&str] = &["discord", "slack"];

fn sources() -> BTreeMap<PathBuf, String> {
    fn walk(dir: &Path, out: &mut BTreeMap<PathBuf, String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.insert(path.clone(), std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut out);
    assert!(out.len() > 40, "found only {} source files", out.len());
    out
}

/// `src/chat/slack/app.rs` → ["chat", "slack", "app"].
fn module_path(path: &Path) -> Vec<String> {
    let rel = path.strip_prefix(Path::new(env!("CARGO_MANIFEST_DIR")).join("src")).unwrap();
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let last = parts.pop().unwrap();
    let stem = last.trim_end_matches(".rs");
    if stem != "mod" && stem != "lib" {
        parts.push(stem.to_owned());
    }
    parts
}

fn layer(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(name, _)| *name == module).map(|(_, n)| *n)
}

/// Code lines: comments and doc comments left out (a doc link is not an import).
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().filter(|(_, l)| !l.trim_start().starts_with("//")).map(|(i, l)| (i + 1, l))
}

/// The top-level modules a line names as `crate::x`.
fn crate_refs(line: &str) -> Vec<&str> {
    line.match_indices("crate::")
        .filter(|(at, _)| !line[..*at].ends_with(|c: char| c.is_alphanumeric() || c == '_'))
        .map(|(at, _)| {
            let rest = &line[at + "crate::".len()..];
            let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len());
            &rest[..end]
        })
        .collect()
}

#[test]
fn every_import_points_down() {
    let mut wrong = Vec::new();
    let mut arrows = 0;
    for (path, text) in sources() {
        let module = module_path(&path);
        let Some(top) = module.first() else { continue };
        let Some(own) = layer(top) else {
            wrong.push(format!("{}: module `{top}` has no layer in LAYERS", path.display()));
            continue;
        };
        for (n, line) in code_lines(&text) {
            for used in crate_refs(line) {
                arrows += 1;
                match layer(used) {
                    _ if used == top => {}
                    Some(l) if l > own => {}
                    _ => {
                        wrong.push(format!("{}:{n}: `{top}` uses `{used}`: {}", path.display(), line.trim()))
                    }
                }
            }
        }
    }
    assert!(arrows > 100, "the scan found only {arrows} crate:: paths; is it reading the code?");
    assert!(wrong.is_empty(), "imports that point up or sideways:\n{}", wrong.join("\n"));
}

#[test]
fn a_platform_folder_uses_no_other_platform() {
    let mut wrong = Vec::new();
    for (path, text) in sources() {
        let module = module_path(&path);
        if module.first().map(String::as_str) != Some("chat") || module.len() < 2 {
            continue;
        }
        let own = module[1].as_str();
        if !PLATFORMS.contains(&own) {
            continue;
        }
        for (n, line) in code_lines(&text) {
            for other in PLATFORMS.iter().filter(|p| **p != own) {
                if line.contains(&format!("chat::{other}")) || line.contains(&format!("super::{other}")) {
                    wrong.push(format!("{}:{n}: {}", path.display(), line.trim()));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "a platform reaching into another:\n{}", wrong.join("\n"));
}

#[test]
fn the_server_and_serve_know_platforms_only_through_the_trait() {
    let mut wrong = Vec::new();
    for (path, text) in sources() {
        let module = module_path(&path);
        if !matches!(module.first().map(String::as_str), Some("server" | "serve")) {
            continue;
        }
        // Unit tests may use a platform's name as an example.
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        for (n, line) in code_lines(code) {
            // The registry call names each platform's config table once.
            if line.contains("chat::configured(") {
                continue;
            }
            let lower = line.to_lowercase();
            if PLATFORMS.iter().any(|p| lower.contains(p)) {
                wrong.push(format!("{}:{n}: {}", path.display(), line.trim()));
            }
        }
    }
    assert!(wrong.is_empty(), "platform names outside chat/:\n{}", wrong.join("\n"));
}

/// Functions longer than `max` lines, as (line, name, length); a function whose doc comment
/// or attributes above it say `Long:` is left out.
fn long_functions(text: &str, max: usize) -> Vec<(usize, String, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let signature = ["pub ", "pub(crate) ", "pub(super) ", "async ", "const ", "unsafe "]
            .iter()
            .fold(trimmed, |t, prefix| t.strip_prefix(prefix).unwrap_or(t));
        let signature = signature.strip_prefix("async ").unwrap_or(signature);
        let Some(rest) = signature.strip_prefix("fn ") else { continue };
        let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        let indent = &line[..line.len() - trimmed.len()];
        // Where the body opens: a declaration without one (`;`) or a one-line body is short.
        let Some(open) = (i..lines.len()).find(|&j| lines[j].trim_end().ends_with(['{', ';', '}'])) else {
            continue;
        };
        if !lines[open].trim_end().ends_with('{') {
            continue;
        }
        let close = (open + 1..lines.len()).find(|&j| lines[j] == format!("{indent}}}"));
        let Some(close) = close else { continue };
        let length = close - i + 1;
        let above = lines[..i].iter().rev().take_while(|l| {
            let l = l.trim_start();
            l.starts_with("//") || l.starts_with("#[")
        });
        let explained = above.into_iter().any(|l| l.contains("Long:"));
        if length > max && !explained {
            found.push((i + 1, name, length));
        }
    }
    found
}

#[test]
fn the_scanner_finds_a_long_function_and_honours_the_reason() {
    let body = "    let x = 1;\n".repeat(70);
    let long = format!("/// Adds.\npub fn add() {{\n{body}}}\n\nfn short() {{\n}}\n");
    assert_eq!(long_functions(&long, 60), vec![(2, "add".to_string(), 72)]);
    let explained = format!("/// Adds. Long: one table, read top to bottom.\npub fn add() {{\n{body}}}\n");
    assert!(long_functions(&explained, 60).is_empty());
    let method =
        format!("impl X {{\n    pub(crate) async fn go(\n        &self,\n    ) -> u8 {{\n{body}    }}\n}}\n");
    assert_eq!(long_functions(&method, 60).len(), 1);
}

#[test]
fn no_long_file_or_function_without_a_reason() {
    let mut wrong = Vec::new();
    for (path, text) in sources() {
        let lines = text.lines().count();
        let head: Vec<&str> = text.lines().take_while(|l| l.starts_with("//!")).collect();
        if lines > 400 && !head.iter().any(|l| l.contains("Long:")) {
            wrong.push(format!("{}: {lines} lines", path.display()));
        }
        for (line, name, length) in long_functions(&text, 60) {
            wrong.push(format!("{}:{line}: fn {name} is {length} lines", path.display()));
        }
    }
    assert!(wrong.is_empty(), "too long without a `Long:` comment saying why:\n{}", wrong.join("\n"));
}
