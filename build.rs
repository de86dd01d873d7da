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
