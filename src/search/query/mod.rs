//! Questions → ranked sections.
//!
//! The question is normalized and analyzed with the same analyzers as the notes, and each term
//! becomes a weighted `SHOULD` clause on the title, heading-path and body fields (morphological and
//! bigram). Queries are never handed to tantivy's query parser: `"`, `:`, `(`, `AND`, `*` in a
//! question are just text, not syntax.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{IndexReader, ReloadPolicy};

mod analyze;
mod coverage;
mod rank;
mod title;

pub use coverage::{coverage, Coverage, Haystack};
pub use rank::Signals;

use super::analyzer;
use super::gazetteer::Service;
use super::index::{IndexError, OpenIndex};
use super::thesaurus::{self, Thesaurus};
use crate::corpus::Section;
pub use title::TitleBigrams;

/// Longest question accepted, in characters. Longer input is refused, not truncated: a pasted
/// page is not a question, and silently answering its first sentence would mislead.
pub const MAX_QUERY_CHARS: usize = 500;
/// Most hits one search returns.
pub const MAX_LIMIT: usize = 50;

/// Field weights, tuned on the tuning sets `tests/questions/tuning*.toml` (never on the held-out
/// ones): `cargo run --release --example eval -- --tune`.
#[derive(Debug, Clone, Copy)]
pub struct Weights {
    pub title: f32,
    pub path: f32,
    pub body: f32,
    pub title_bigram: f32,
    pub body_bigram: f32,
    pub path_bigram: f32,
    /// Factor on terms that come only from another spelling of a name (aliases), not from the
    /// question as typed.
    pub alias: f32,
    /// Score factor for a section that is only a heading line (no text of its own to answer with).
    pub heading_only: f32,
    /// Weight of adjacent question words found next to each other in the body.
    pub phrase: f32,
    /// Boost for a section the question names: the score is multiplied by `1 + title_coverage × n²`,
    /// where `n` ([`naming`]) is near 1 when the question is mostly the section's title.
    pub title_coverage: f32,
    /// Factor on words that come from the thesaurus (another word for what the member typed).
    pub related: f32,
    /// Factor on the bigrams of those words.
    pub related_bigram: f32,
    /// How much the rerank trusts [`coverage`]: the score is multiplied by
    /// `1 − coverage + coverage × c³` for a section that covers a share `c` of the question. At 1
    /// a section with half the question's words keeps an eighth of its BM25 score. The cube was
    /// chosen on the tuning sets over c, c^1.5, c², c⁴ and c⁶.
    pub coverage: f32,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            title: 0.5,
            path: 0.5,
            body: 1.0,
            title_bigram: 0.0,
            body_bigram: 0.5,
            path_bigram: 0.5,
            heading_only: 0.5,
            phrase: 0.25,
            title_coverage: 2.0,
            alias: 0.5,
            related: 0.6,
            related_bigram: 0.3,
            coverage: 1.0,
        }
    }
}

/// Ways a question is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// Nothing but white space.
    #[error("empty question: ask about the notes, e.g. `ハイバネーションとは`")]
    Empty,
    /// Longer than [`MAX_QUERY_CHARS`].
    #[error("question too long: {chars} characters (at most {MAX_QUERY_CHARS})")]
    TooLong { chars: usize },
    /// The index could not be searched or read (a damaged file, an I/O error): not the
    /// question's fault, and never reported as "nothing found".
    #[error("the search failed: {0}")]
    Failed(String),
}

impl QueryError {
    fn failed(what: &str, e: impl std::fmt::Display) -> QueryError {
        QueryError::Failed(format!("{what}: {e}"))
    }
}

/// One ranked section: DESIGN.md's `Hit` (the section without its text, a score and a snippet).
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    #[serde(flatten)]
    pub section: SectionRef,
    pub score: f32,
    pub snippet: String,
    /// The full section text, for composing answers (not part of the JSON shape).
    #[serde(skip)]
    pub text: String,
    /// How much of the question the section covers, as the rerank measured it: the answer
    /// decides `confident` on the same figure (not part of the JSON shape).
    #[serde(skip)]
    pub coverage: Coverage,
    /// What else the rerank weighed (not part of the JSON shape).
    #[serde(skip)]
    pub signals: Signals,
}

/// A section's identity and place, without its text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SectionRef {
    pub id: String,
    pub source: String,
    pub path: Vec<String>,
    pub title: String,
    pub line_start: usize,
    pub line_end: usize,
    pub kind: crate::corpus::SectionKind,
}

impl From<&Section> for SectionRef {
    fn from(s: &Section) -> Self {
        SectionRef {
            id: s.id.clone(),
            source: s.source.clone(),
            path: s.path.clone(),
            title: s.title.clone(),
            line_start: s.line_start,
            line_end: s.line_end,
            kind: s.kind,
        }
    }
}

impl SectionRef {
    pub fn citation(&self) -> crate::corpus::Citation {
        crate::corpus::Citation {
            source: self.source.clone(),
            path: self.path.clone(),
            line_start: self.line_start,
            line_end: self.line_end,
        }
    }
}

/// A question after analysis: what it searches for and what it highlights.
#[derive(Debug, Clone, Default)]
pub struct Analyzed {
    pub normalized: String,
    /// Morphological terms and bigrams of the question as typed (no alias spellings added).
    pub typed_morph: Vec<String>,
    pub typed_bigrams: Vec<String>,
    /// For a question that asks what something is (「Xとは？」「Xって何」, or just a name), the
    /// character bigrams of X as typed and with its other spellings; empty otherwise.
    pub subject_typed: Vec<String>,
    pub subject_expanded: Vec<String>,
    /// The subject with an everyday word replaced by another word for it (`ec2の休止状態` →
    /// `ec2のハイバネーション`), as (typed, expanded) bigrams: a section titled with the other
    /// word is named too, a little less ([`REWRITE_NAMING`]).
    pub subject_rewrites: Vec<(Vec<String>, Vec<String>)>,
    pub morph: Vec<String>,
    pub bigrams: Vec<String>,
    /// Morphological terms of the thesaurus words related to the question (not already in
    /// `morph`): searched at a lower weight, never highlighted.
    pub related: Vec<String>,
    /// Each typed term the thesaurus knows, with the normalized words it relates it to: a section
    /// that has one of them covers that term ([`coverage`]).
    pub bridged: Vec<(String, Vec<String>)>,
    /// The part of `bridged` that is the same word in the other script (`metadata` ↔
    /// メタデータ, from the loanword dictionary), part by part for a katakana compound, each
    /// part with its spellings: a section that has every part has the word.
    pub other_scripts: Vec<(String, Vec<Vec<String>>)>,
    /// The question's verbs, adjectives and adverbs (base forms, see `analyze.rs`):
    /// weaker evidence than its nouns and names when they are missing from a section.
    pub predicates: Vec<String>,
    /// Character bigrams of those related words (Japanese only), for compounds the morphological
    /// analyzer keeps whole.
    pub related_bigrams: Vec<String>,
    /// How much each term of `typed_morph` says about which section answers: its inverse
    /// document frequency over the sections (a word the notes never use weighs the most).
    pub idf: Vec<f32>,
    /// The services the question names ([`gazetteer::named`]), and those of them the notes never
    /// mention: a question about those is not answered from some other section.
    pub services: Vec<&'static Service>,
    /// Related terms searched at full weight: the other words for a typed word the notes never
    /// use (`metadata` → メタデータ when the notes only write it in katakana).
    pub promoted: Vec<String>,
    pub absent: Vec<&'static Service>,
}

/// The live, searchable index: one reader for the process, a new searcher per question.
pub struct Searcher {
    open: OpenIndex,
    reader: IndexReader,
    morph: TextAnalyzer,
    bigram: TextAnalyzer,
    segmenter: lindera::segmenter::Segmenter,
    thesaurus: Thesaurus,
    /// Each candidate's stored section, read and parsed once (by segment and document, which
    /// name one stored document for good): reading and parsing them was a tenth of search time.
    sections: Mutex<HashMap<(tantivy::index::SegmentId, tantivy::DocId), Arc<Stored>>>,
    pub weights: Weights,
}

impl Searcher {
    pub fn new(open: OpenIndex) -> Result<Searcher, IndexError> {
        let reader = open
            .index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|source| IndexError::Tantivy { path: open.dir.clone(), source })?;
        let morph = analyzer::morph_analyzer()?;
        let thesaurus = Thesaurus::parse(thesaurus::BUNDLED);
        Ok(Searcher {
            reader,
            thesaurus,
            sections: Default::default(),
            morph,
            bigram: analyzer::bigram_analyzer(),
            segmenter: analyzer::segmenter()?,
            open,
            weights: Weights::default(),
        })
    }

    /// The manifest of the generation being searched.
    pub fn manifest(&self) -> &super::index::Manifest {
        &self.open.manifest
    }

    /// Ranks sections for a question; at most `limit` (capped at [`MAX_LIMIT`]) hits.
    pub fn search(&self, question: &str, limit: usize) -> Result<(Analyzed, Vec<Hit>), QueryError> {
        let mut analyzed = self.analyze(question)?;
        self.weigh(&mut analyzed)?;
        // tantivy panics on some kinds of damaged index files instead of returning an error; the
        // member gets "the search failed" rather than a dropped request.
        let hits =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.search_analyzed(&analyzed, limit)))
                .map_err(|panic| {
                    let message = panic
                        .downcast_ref::<String>()
                        .map(String::as_str)
                        .or_else(|| panic.downcast_ref::<&str>().copied())
                        .unwrap_or("a panic");
                    QueryError::failed("the index", message)
                })??;
        Ok((analyzed, hits))
    }
}

/// What the rerank works out from a section, done once when the index is built and stored with
/// it: working it out for the candidates of a fresh process's first question took longer than
/// the search itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Derived {
    pub haystack: Haystack,
    pub title: TitleBigrams,
    /// A heading or a table's header with nothing under it ([`rank::is_heading_only`]).
    pub heading_only: bool,
}

impl Derived {
    pub fn new(section: &Section) -> Derived {
        Derived {
            haystack: Haystack::new(&section.path, &section.text),
            title: TitleBigrams::new(&section.title),
            heading_only: rank::is_heading_only(section),
        }
    }
}

/// A candidate as the index stores it: what the rerank needs, parsed when first a candidate,
/// and the section itself, parsed only when it is a hit.
struct Stored {
    derived: Derived,
    json: String,
    section: std::sync::OnceLock<Section>,
}

impl Stored {
    fn section(&self) -> Result<&Section, QueryError> {
        if let Some(section) = self.section.get() {
            return Ok(section);
        }
        let parsed =
            serde_json::from_str(&self.json).map_err(|e| QueryError::failed("reading a section", e))?;
        Ok(self.section.get_or_init(|| parsed))
    }
}

/// A per-index cache: the value for `key`, made by `make` the first time. A failure is returned
/// and not kept; a poisoned lock (a panic in another search) only loses the cache: the value is
/// made again.
fn memo<K, Q, V, E>(
    cache: &Mutex<HashMap<K, Arc<V>>>,
    key: &Q,
    make: impl FnOnce() -> Result<V, E>,
) -> Result<Arc<V>, E>
where
    K: Borrow<Q> + Hash + Eq,
    Q: ToOwned<Owned = K> + Hash + Eq + ?Sized,
{
    if let Some(v) = cache.lock().ok().and_then(|c| c.get(key).cloned()) {
        return Ok(v);
    }
    let made = Arc::new(make()?);
    if let Ok(mut c) = cache.lock() {
        c.insert(key.to_owned(), made.clone());
    }
    Ok(made)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::text;
    use crate::search::index;

    fn searcher() -> (tempfile::TempDir, Searcher) {
        let notes = "EC2(Elastic Compute Cloud)\n\nAWSが仮想サーバーを提供するサービス。\n品質改善\n| 停止保護 | インスタンスの停止および手動削除を防ぐ機能。 |\n| ハイバネーション | 【停止しても継続できる】 メインメモリが保持する内容を待避させ、作業途中から再開できるようにする機能。 |\nCloud Front\n\nコンテンツ配信サービス。\nオリジン\n| オリジンフェイルオーバー | プライマリオリジンが使用できない場合にセカンダリに切り替える。 |\n";
        let dir = tempfile::tempdir().unwrap();
        let sections = text::parse("aws-notes.txt", notes);
        let open = index::build(dir.path(), &sections, "d").unwrap();
        (dir, Searcher::new(open).unwrap())
    }

    #[test]
    fn full_width_query_finds_the_row() {
        let (_d, s) = searcher();
        let (_, hits) = s.search("ＥＣ２　ハイバネーション", 3).unwrap();
        assert_eq!(hits[0].section.title, "ハイバネーション");
        assert!(hits[0].score > 0.0);
    }

    #[test]
    fn a_hit_keeps_what_the_rerank_weighed() {
        let (_d, s) = searcher();
        let (_, hits) = s.search("ハイバネーションとは", 5).unwrap();
        let top = &hits[0];
        assert_eq!(top.section.title, "ハイバネーション");
        assert_eq!(top.signals.named, 1.0, "the question is the title: {:?}", top.signals);
        // Not a heading, and boosted above its BM25 score as the section the question names.
        assert!(top.score > top.signals.bm25 && !top.signals.heading_only, "{top:?}");
        let heading = hits.iter().find(|h| h.section.title == "品質改善");
        assert!(heading.is_none_or(|h| h.signals.heading_only), "{heading:?}");
    }

    #[test]
    fn part_of_unknown_katakana_compound_is_found() {
        let (_d, s) = searcher();
        let (_, hits) = s.search("フェールオーバーの仕組み", 3).unwrap();
        assert_eq!(hits[0].section.title, "オリジンフェイルオーバー");
    }

    #[test]
    fn syntax_characters_are_plain_text() {
        let (_d, s) = searcher();
        for q in ["\"ハイバネーション", "title:停止", "(停止 AND 保護", "*", "OR NOT -", "::", "\\"]
        {
            assert!(s.search(q, 5).is_ok(), "{q}");
        }
        let (_, hits) = s.search("(停止保護) AND *", 1).unwrap();
        assert_eq!(hits[0].section.title, "停止保護");
    }

    #[test]
    fn empty_and_huge_questions_are_refused() {
        let (_d, s) = searcher();
        assert_eq!(s.search("  \u{3000} ", 5).unwrap_err(), QueryError::Empty);
        let huge = "あ".repeat(100 * 1024 / 3);
        assert!(matches!(s.search(&huge, 5).unwrap_err(), QueryError::TooLong { .. }));
    }

    #[test]
    fn punctuation_only_finds_nothing() {
        let (_d, s) = searcher();
        assert!(s.search("？！。", 5).unwrap().1.is_empty());
    }
}
