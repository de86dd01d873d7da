//! Building, opening and swapping the on-disk index.
//!
//! Layout of the index directory:
//!
//! ```text
//! index/CURRENT          the name of the live generation (replaced atomically by rename)
//! index/gen-<n>/         one complete tantivy index plus manifest.json
//! index/.tmp-<pid>-<n>/  a build in progress; renamed to gen-<n> only once committed
//! ```
//!
//! A build never touches the live generation, so a crash mid-build leaves the old index usable,
//! and a reader holding an old generation open keeps working (its files stay mapped until closed).
//! The manifest records the corpus digest, so a stale or foreign index is rebuilt, not trusted.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use tantivy::store::Compressor;
use tantivy::{doc, Index, IndexSettings, IndexWriter};

use super::analyzer::{self, normalize};
use super::dictionary;
use super::query::Derived;
use super::schema::{Fields, SCHEMA_VERSION};
use crate::corpus::Section;

/// SHA-256 of the service names, loanword tables and version this binary analyses text with
/// (see `build.rs`).
pub const ANALYSIS_DIGEST: &str = env!("SHIORI_ANALYSIS_DIGEST");

const CURRENT: &str = "CURRENT";
const MANIFEST: &str = "manifest.json";
/// Heap for the index writer; tantivy needs at least 15 MB per thread.
const WRITER_HEAP_BYTES: usize = 64 * 1024 * 1024;

/// Ways building or opening the index fails.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// A file or directory of the index could not be read or written.
    #[error("{action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// tantivy failed to write or open the index.
    #[error("index error in {path}: {source}")]
    Tantivy {
        path: PathBuf,
        #[source]
        source: tantivy::TantivyError,
    },
    /// The embedded dictionary could not be loaded (a build problem, not a user one).
    #[error("loading the Japanese dictionary: {0}")]
    Dictionary(#[from] lindera::error::LinderaError),
    /// A section or the manifest could not be written as JSON.
    #[error("encoding {what} for the index: {source}")]
    Encode {
        what: String,
        #[source]
        source: serde_json::Error,
    },
    /// There is no usable index: missing, from another version, or for other notes.
    #[error("no usable index in {path}: {reason}")]
    Unusable { path: PathBuf, reason: String },
}

/// What the manifest of a generation records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub schema_version: u32,
    pub dictionary_digest: String,
    /// [`ANALYSIS_DIGEST`] of the binary that built it.
    pub analysis_digest: String,
    pub corpus_digest: String,
    pub sections: usize,
    pub build_millis: u64,
    pub built_at_unix: u64,
}

/// An opened generation.
pub struct OpenIndex {
    pub index: Index,
    pub fields: Fields,
    pub manifest: Manifest,
    pub dir: PathBuf,
}

fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> IndexError {
    let path = path.to_owned();
    move |source| IndexError::Io { action, path, source }
}

fn tantivy_err(path: &Path) -> impl FnOnce(tantivy::TantivyError) -> IndexError {
    let path = path.to_owned();
    move |source| IndexError::Tantivy { path, source }
}

fn now_nanos() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO).as_nanos()
}

/// Builds a new generation from `sections` beside the live one and makes it live.
pub fn build(root: &Path, sections: &[Section], corpus_digest: &str) -> Result<OpenIndex, IndexError> {
    let started = Instant::now();
    fs::create_dir_all(root).map_err(io("creating", root))?;
    let stamp = now_nanos();
    let tmp = root.join(format!(".tmp-{}-{stamp}", std::process::id()));
    fs::create_dir_all(&tmp).map_err(io("creating", &tmp))?;
    let result = write_generation(&tmp, sections);
    if let Err(e) = result {
        let _ = fs::remove_dir_all(&tmp);
        return Err(e);
    }
    let manifest = Manifest {
        schema_version: SCHEMA_VERSION,
        dictionary_digest: dictionary::SOURCE_DIGEST.to_owned(),
        analysis_digest: ANALYSIS_DIGEST.to_owned(),
        corpus_digest: corpus_digest.to_owned(),
        sections: sections.len(),
        build_millis: started.elapsed().as_millis() as u64,
        built_at_unix: (stamp / 1_000_000_000) as u64,
    };
    let manifest_path = tmp.join(MANIFEST);
    let json = serde_json::to_vec_pretty(&manifest)
        .map_err(|source| IndexError::Encode { what: "the manifest".into(), source })?;
    fs::write(&manifest_path, json).map_err(io("writing", &manifest_path))?;

    let name = format!("gen-{stamp}");
    let live = root.join(&name);
    fs::rename(&tmp, &live).map_err(io("renaming", &tmp))?;
    let pointer_tmp = root.join(format!("{CURRENT}.{}.tmp", std::process::id()));
    fs::write(&pointer_tmp, &name).map_err(io("writing", &pointer_tmp))?;
    fs::rename(&pointer_tmp, root.join(CURRENT)).map_err(io("renaming", &pointer_tmp))?;
    remove_stale_generations(root, &name);
    open_generation(&live)
}

fn write_generation(dir: &Path, sections: &[Section]) -> Result<(), IndexError> {
    let fields = Fields::new();
    // Stored sections uncompressed: the notes are small (a few hundred KB stored), and
    // decompressing the candidates' blocks was a third of reading them in a fresh process.
    let settings = IndexSettings { docstore_compression: Compressor::None, ..IndexSettings::default() };
    let index = Index::builder()
        .schema(fields.schema.clone())
        .settings(settings)
        .create_in_dir(dir)
        .map_err(tantivy_err(dir))?;
    analyzer::register(&index)?;
    let mut writer: IndexWriter =
        index.writer_with_num_threads(1, WRITER_HEAP_BYTES).map_err(tantivy_err(dir))?;
    for section in sections {
        let parents = section.path[..section.path.len().saturating_sub(1)].join(" ");
        let title = normalize(&section.title);
        let body = normalize(&section.text);
        let parents = normalize(&parents);
        let encode = |source| IndexError::Encode { what: format!("section {}", section.id), source };
        let json = serde_json::to_string(section).map_err(encode)?;
        let derived = serde_json::to_string(&Derived::new(section)).map_err(encode)?;
        writer
            .add_document(doc!(
                fields.id => section.id.as_str(),
                fields.section => json,
                fields.derived => derived,
                fields.title => title.as_str(),
                fields.path => parents.as_str(),
                fields.path_bigram => parents.as_str(),
                fields.body => body.as_str(),
                fields.title_bigram => title.as_str(),
                fields.body_bigram => body.as_str(),
            ))
            .map_err(tantivy_err(dir))?;
    }
    writer.commit().map_err(tantivy_err(dir))?;
    writer.wait_merging_threads().map_err(tantivy_err(dir))?;
    Ok(())
}

/// Removes generations other than `keep`, and builds left behind by processes that died.
fn remove_stale_generations(root: &Path, keep: &str) {
    let Ok(entries) = fs::read_dir(root) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let stale_gen = name.starts_with("gen-") && name != keep;
        let old_tmp = name.starts_with(".tmp-")
            && entry
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| t.elapsed().unwrap_or(Duration::ZERO) > Duration::from_secs(3600));
        if stale_gen || old_tmp {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// Opens the live generation, if there is one this binary can use.
pub fn open(root: &Path) -> Result<OpenIndex, IndexError> {
    let pointer = root.join(CURRENT);
    let name = fs::read_to_string(&pointer).map_err(|e| IndexError::Unusable {
        path: root.to_owned(),
        reason: format!("cannot read {}: {e}", pointer.display()),
    })?;
    let name = name.trim();
    if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
        return Err(IndexError::Unusable {
            path: root.to_owned(),
            reason: format!("{CURRENT} names {name:?}"),
        });
    }
    open_generation(&root.join(name))
}

fn open_generation(dir: &Path) -> Result<OpenIndex, IndexError> {
    let unusable = |reason: String| IndexError::Unusable { path: dir.to_owned(), reason };
    let manifest_path = dir.join(MANIFEST);
    let bytes =
        fs::read(&manifest_path).map_err(|e| unusable(format!("{}: {e}", manifest_path.display())))?;
    let manifest: Manifest =
        serde_json::from_slice(&bytes).map_err(|e| unusable(format!("{}: {e}", manifest_path.display())))?;
    if manifest.schema_version != SCHEMA_VERSION {
        return Err(unusable(format!(
            "schema version {} (this binary uses {SCHEMA_VERSION})",
            manifest.schema_version
        )));
    }
    if manifest.dictionary_digest != dictionary::SOURCE_DIGEST {
        return Err(unusable("built with another dictionary".into()));
    }
    if manifest.analysis_digest != ANALYSIS_DIGEST {
        return Err(unusable("built with other service names or loanwords".into()));
    }
    let index = Index::open_in_dir(dir).map_err(tantivy_err(dir))?;
    analyzer::register(&index)?;
    let fields = Fields::from_schema(&index.schema()).map_err(tantivy_err(dir))?;
    Ok(OpenIndex { index, fields, manifest, dir: dir.to_owned() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::text;

    fn sections() -> Vec<Section> {
        text::parse("n.txt", "EC2\n品質改善\n| ハイバネーション | メモリを保持して停止する。 |\n")
    }

    #[test]
    fn build_then_open_round_trips_the_manifest() {
        let dir = tempfile::tempdir().unwrap();
        let built = build(dir.path(), &sections(), "digest-a").unwrap();
        let opened = open(dir.path()).unwrap();
        assert_eq!(built.manifest, opened.manifest);
        assert_eq!(opened.manifest.sections, 3);
        assert_eq!(opened.manifest.corpus_digest, "digest-a");
    }

    #[test]
    fn rebuild_swaps_generation_and_removes_the_old_one() {
        let dir = tempfile::tempdir().unwrap();
        let first = build(dir.path(), &sections(), "a").unwrap();
        let second = build(dir.path(), &sections(), "b").unwrap();
        assert_ne!(first.dir, second.dir);
        assert!(!first.dir.exists());
        assert_eq!(open(dir.path()).unwrap().manifest.corpus_digest, "b");
    }

    #[test]
    fn an_index_made_with_other_service_names_or_loanwords_is_not_used() {
        let dir = tempfile::tempdir().unwrap();
        let built = build(dir.path(), &sections(), "a").unwrap();
        let manifest = built.dir.join(MANIFEST);
        let json = fs::read_to_string(&manifest).unwrap().replace(ANALYSIS_DIGEST, "0123");
        fs::write(&manifest, json).unwrap();
        let Err(IndexError::Unusable { reason, .. }) = open(dir.path()) else {
            panic!("opened a stale index")
        };
        assert!(reason.contains("service names"), "{reason}");
    }

    #[test]
    fn each_section_is_stored_with_what_the_rerank_works_out_from_it() {
        let dir = tempfile::tempdir().unwrap();
        let sections = sections();
        let built = build(dir.path(), &sections, "a").unwrap();
        let searcher = built.index.reader().unwrap().searcher();
        let mut stored = Vec::new();
        for (ord, reader) in searcher.segment_readers().iter().enumerate() {
            for doc in 0..reader.max_doc() {
                let doc: tantivy::TantivyDocument =
                    searcher.doc(tantivy::DocAddress::new(ord as u32, doc)).unwrap();
                let text = |f| tantivy::schema::Value::as_str(&doc.get_first(f).unwrap()).unwrap().to_owned();
                let section: Section = serde_json::from_str(&text(built.fields.section)).unwrap();
                let derived: Derived = serde_json::from_str(&text(built.fields.derived)).unwrap();
                stored.push((section.id.clone(), derived == Derived::new(&section)));
            }
        }
        stored.sort();
        let mut ids: Vec<(String, bool)> = sections.iter().map(|s| (s.id.clone(), true)).collect();
        ids.sort();
        assert_eq!(stored, ids);
    }

    #[test]
    fn missing_or_garbage_index_is_unusable_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(open(dir.path()), Err(IndexError::Unusable { .. })));
        fs::write(dir.path().join(CURRENT), "../../etc").unwrap();
        assert!(matches!(open(dir.path()), Err(IndexError::Unusable { .. })));
        fs::write(dir.path().join(CURRENT), "gen-1").unwrap();
        fs::create_dir(dir.path().join("gen-1")).unwrap();
        fs::write(dir.path().join("gen-1").join(MANIFEST), "{not json").unwrap();
        assert!(matches!(open(dir.path()), Err(IndexError::Unusable { .. })));
    }
}
