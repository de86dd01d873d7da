//! Builds the IPADIC dictionary that shiori embeds, from local sources only.
//!
//! lindera's own `embed-ipadic` feature downloads the IPADIC sources at build time, which fails on
//! machines that reach only the package registries. Debian's `mecab-ipadic` package ships the same
//! sources (EUC-JP CSVs plus `matrix.def`, `char.def`, `unk.def`), so this script feeds them to
//! `lindera_dictionary`'s builder and writes the binary dictionary into `OUT_DIR/lindera-ipadic`;
//! `src/search/dictionary.rs` embeds it with `lindera_dictionary::embedded_dictionary!`.
//!
//! The metadata (`dict/ipadic-metadata.json`) is lindera-ipadic 5.3.0's, with the encoding set to
//! EUC-JP so the builder decodes Debian's files itself. The digest of the sources is checked
//! against the one Debian bookworm ships, so a different dictionary never slips in silently.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

#[path = "src/search/kana.rs"]
mod kana;

use lindera_dictionary::builder::DictionaryBuilder;
use lindera_dictionary::dictionary::metadata::Metadata;
use sha2::{Digest, Sha256};

/// Where Debian's `mecab-ipadic` package puts the sources.
const DEFAULT_SOURCE_DIR: &str = "/usr/share/mecab/dic/ipadic";
/// SHA-256 over the sorted `*.csv` and `*.def` files of mecab-ipadic 2.7.0-20070801+main-3.
const EXPECTED_DIGEST: &str = "c566114d8103a203210f7054b253d224f78b84d8b435a838a0ba2a184119fd4c";

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=dict/ipadic-metadata.json");
    println!("cargo:rerun-if-env-changed=SHIORI_IPADIC_DIR");

    let source = env::var_os("SHIORI_IPADIC_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(DEFAULT_SOURCE_DIR));
    if !source.join("matrix.def").is_file() {
        panic!(
            "IPADIC sources not found in {}: install Debian's package with \
             `apt-get install mecab-ipadic`, or point SHIORI_IPADIC_DIR at a directory holding \
             the mecab-ipadic 2.7.0 CSV and .def files",
            source.display()
        );
    }
    println!("cargo:rerun-if-changed={}", source.display());

    let digest = source_digest(&source);
    if digest != EXPECTED_DIGEST {
        println!(
            "cargo:warning=IPADIC sources in {} differ from mecab-ipadic 2.7.0-20070801 \
             (digest {digest}); tokenization may differ from the measured numbers",
            source.display()
        );
    }
    println!("cargo:rustc-env=SHIORI_IPADIC_DIGEST={digest}");

    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let dict_dir = out_dir.join("lindera-ipadic");
    let stamp = dict_dir.join("source.sha256");
    let metadata_json = include_str!("dict/ipadic-metadata.json");
    let wanted_stamp = format!("{digest}\n{:x}\n", Sha256::digest(metadata_json.as_bytes()));
    if fs::read_to_string(&stamp).ok().as_deref() != Some(wanted_stamp.as_str()) {
        let metadata: Metadata =
            serde_json::from_str(metadata_json).expect("dict/ipadic-metadata.json is valid");
        let _ = fs::remove_dir_all(&dict_dir);
        DictionaryBuilder::new(metadata)
            .build_dictionary(&source, &dict_dir)
            .unwrap_or_else(|e| panic!("building IPADIC from {}: {e}", source.display()));
        fs::write(&stamp, wanted_stamp).expect("write dictionary stamp");
    }
    println!("cargo:rustc-env=LINDERA_WORKDIR={}", out_dir.display());
    loanwords(&out_dir);
    analysis_digest(&out_dir);
}

/// The data the index's stored terms and derived text are made with, besides the dictionary: the
/// service names and their spellings, the loanword tables, and the version. The index manifest
/// records this digest, so an index built by a binary with other data is rebuilt, not reused.
fn analysis_digest(out_dir: &Path) {
    let mut hasher = Sha256::new();
    hasher.update(env::var("CARGO_PKG_VERSION").expect("cargo sets CARGO_PKG_VERSION"));
    let sources = ["dict/aws-services.tsv", "dict/glosses-aws.tsv"].map(PathBuf::from);
    for source in &sources {
        println!("cargo:rerun-if-changed={}", source.display());
    }
    // The loanword tables are this script's own output, made from EDICT (already watched):
    // watching them made every build rerun the script, since they are newer than its start.
    let outputs = ["loanwords-en.tsv", "loanwords-ja.tsv", "glosses-en.tsv"].map(|name| out_dir.join(name));
    for file in sources.into_iter().chain(outputs) {
        let bytes = fs::read(&file).unwrap_or_else(|e| panic!("reading {}: {e}", file.display()));
        hasher.update(Sha256::digest(&bytes));
    }
    println!("cargo:rustc-env=SHIORI_ANALYSIS_DIGEST={:x}", hasher.finalize());
}

/// Where Debian's `edict` package puts JMdict/EDICT (EUC-JP).
const DEFAULT_EDICT: &str = "/usr/share/edict/edict";
/// SHA-256 of `/usr/share/edict/edict` in Debian bookworm's edict 2021.02.03-1.
const EDICT_DIGEST: &str = "59063c08240f096e6d22152a58c0c8ef3a84ff95ce8a59bbf3a3522aa097a526";

/// Writes the loanword table: every EDICT entry written in katakana alone (`メタデータ
/// /(n) (comp) metadata/`) with each of its glosses that is one or two plain English words, as
/// two sorted tab-separated files (`loanwords-en.tsv` English → katakana, `loanwords-ja.tsv`
/// katakana → English), both sides folded as shiori's analyzer folds them.
fn loanwords(out_dir: &Path) {
    println!("cargo:rerun-if-env-changed=SHIORI_EDICT");
    let path = env::var_os("SHIORI_EDICT").map(PathBuf::from).unwrap_or_else(|| PathBuf::from(DEFAULT_EDICT));
    println!("cargo:rerun-if-changed={}", path.display());
    let bytes = fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "EDICT not readable at {} ({e}): install Debian's package with `apt-get install edict` \
             (scripts/deps.sh does), or point SHIORI_EDICT at a copy of the edict file",
            path.display()
        )
    });
    let digest = format!("{:x}", Sha256::digest(&bytes));
    if digest != EDICT_DIGEST {
        println!(
            "cargo:warning=EDICT at {} differs from Debian's edict 2021.02.03 (digest {digest}); \
             the loanword table may differ from the measured one",
            path.display()
        );
    }
    println!("cargo:rustc-env=SHIORI_EDICT_DIGEST={digest}");
    let (text, _, had_errors) = encoding_rs::EUC_JP.decode(&bytes);
    if had_errors {
        println!(
            "cargo:warning=EDICT at {} has bytes that are not EUC-JP; they were replaced",
            path.display()
        );
    }
    // (key, rank, value): the entry's earlier glosses (its main sense) first, and among those an
    // entry marked as computing vocabulary `(comp)`, then common words `(P)`, then the rest.
    // Lookups take the first few values of a key, so `host` gives ホスト before ホスチア.
    let mut pairs: Vec<(String, (usize, u8), String)> = Vec::new();
    for line in text.lines() {
        let Some((head, rest)) = line.split_once(" /") else { continue };
        if head.chars().count() < 2 || !head.chars().all(|c| kana::is_katakana(c) || c == '・') {
            continue;
        }
        let katakana = kana::fold_katakana(&head.replace('・', ""));
        let class = if rest.contains("(comp)") {
            0
        } else if rest.contains("(P)") {
            1
        } else {
            2
        };
        for (i, gloss) in rest.trim_end_matches('/').split('/').enumerate() {
            if let Some(english) = plain_gloss(gloss) {
                pairs.push((english, (i, class), katakana.clone()));
            }
        }
    }
    let write = |name: &str, mut rows: Vec<(String, (usize, u8), String)>| {
        rows.sort();
        let mut seen = std::collections::HashSet::new();
        let body: String = rows
            .into_iter()
            .filter(|(k, _, v)| seen.insert((k.clone(), v.clone())))
            .map(|(k, _, v)| format!("{k}\t{v}\n"))
            .collect();
        fs::write(out_dir.join(name), body).unwrap_or_else(|e| panic!("writing {name}: {e}"));
    };
    let reversed = pairs.iter().map(|(e, rank, k)| (k.clone(), *rank, e.clone())).collect();
    write("loanwords-en.tsv", pairs);
    write("loanwords-ja.tsv", reversed);
    write("glosses-en.tsv", translations(&text));
}

/// English → Japanese for common words written with kanji: every EDICT entry marked common `(P)`
/// whose headword has a kanji (`動画 [どうが] /(n) moving picture/video/(P)/`), with each gloss
/// that is one plain English word of four letters or more (`video` → 動画), or one such word with
/// a particle (`searching for` → 検索, `to terminate`). The quiz uses it to see a stem that
/// translates the answer's English name (`Interactive Video Service`, 動画).
fn translations(text: &str) -> Vec<(String, (usize, u8), String)> {
    let mut pairs = Vec::new();
    for line in text.lines() {
        let Some((head, rest)) = line.split_once(" /") else { continue };
        let word = head.split(' ').next().unwrap_or(head);
        let has_kanji = word.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c));
        if !rest.contains("(P)") || word.chars().count() < 2 || !has_kanji {
            continue;
        }
        for (i, gloss) in rest.trim_end_matches('/').split('/').enumerate() {
            if let Some(english) = plain_gloss(gloss).and_then(|g| gloss_word(&g)).filter(|e| e.len() >= 4) {
                pairs.push((english, (i, 1), word.to_owned()));
            }
        }
    }
    pairs
}

/// The one content word of a plain gloss: `video`, `searching for` → `searching`, `to spread`
/// → `spread`; `None` for two content words (`moving picture`).
fn gloss_word(gloss: &str) -> Option<String> {
    const PARTICLES: &[&str] =
        &["for", "up", "out", "off", "on", "in", "to", "with", "at", "of", "into", "over", "down", "about"];
    match gloss.split_once(' ') {
        None => Some(gloss.to_owned()),
        Some(("to", word)) => Some(word.to_owned()),
        Some((word, particle)) if PARTICLES.contains(&particle) => Some(word.to_owned()),
        Some(_) => None,
    }
}

/// A gloss with its `(n)`, `(1)`, `(comp)`, `{comp}` notes removed, lowercased, when what is left
/// is one or two words of letters (and hyphens), 3 to 30 characters long.
fn plain_gloss(gloss: &str) -> Option<String> {
    if gloss.starts_with("EntL") {
        return None;
    }
    let mut out = String::new();
    let mut depth = 0usize;
    for c in gloss.chars() {
        match c {
            '(' | '{' => depth += 1,
            ')' | '}' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c.to_ascii_lowercase()),
            _ => {}
        }
    }
    let out = out.trim().to_owned();
    let words = out.split(' ').count();
    let plain = out.chars().all(|c| c.is_ascii_lowercase() || c == '-' || c == ' ')
        && out.starts_with(|c: char| c.is_ascii_lowercase())
        && out.ends_with(|c: char| c.is_ascii_lowercase());
    (plain && words <= 2 && (3..=30).contains(&out.len()) && !out.contains("  ")).then_some(out)
}

/// SHA-256 over the dictionary sources, in file-name order, so the same files give the same digest.
fn source_digest(dir: &Path) -> String {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("csv" | "def")))
        .collect();
    files.sort();
    let mut hasher = Sha256::new();
    for file in files {
        let bytes = fs::read(&file).unwrap_or_else(|e| panic!("reading {}: {e}", file.display()));
        hasher.update(&bytes);
    }
    format!("{:x}", hasher.finalize())
}
