//! Questions → ranked sections.
//!
//! The question is normalized and analyzed with the same analyzers as the notes, and each term
//! becomes a weighted `SHOULD` clause on the title, heading-path and body fields (morphological and
//! bigram). Queries are never handed to tantivy's query parser: `"`, `:`, `(`, `AND`, `*` in a
//! question are just text, not syntax.

use std::collections::HashSet;

use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{IndexReader, ReloadPolicy, TantivyDocument, Term};

use super::analyzer::{self, normalize, terms};
use super::index::{IndexError, OpenIndex};
use super::snippet;
use crate::corpus::Section;

/// Longest question accepted, in characters. Longer input is refused, not truncated: a pasted
/// page is not a question, and silently answering its first sentence would mislead.
pub const MAX_QUERY_CHARS: usize = 500;
/// Most hits one search returns.
pub const MAX_LIMIT: usize = 50;

/// Field weights, tuned on the question set in `tests/questions.toml`.
#[derive(Debug, Clone, Copy)]
pub struct Weights {
    pub title: f32,
    pub path: f32,
    pub body: f32,
    pub title_bigram: f32,
    pub body_bigram: f32,
}

impl Default for Weights {
    fn default() -> Self {
        Weights { title: 3.0, path: 1.0, body: 1.0, title_bigram: 1.5, body_bigram: 0.5 }
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
    pub morph: Vec<String>,
    pub bigrams: Vec<String>,
}

/// The live, searchable index: one reader for the process, a new searcher per question.
pub struct Searcher {
    open: OpenIndex,
    reader: IndexReader,
    morph: TextAnalyzer,
    bigram: TextAnalyzer,
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
        Ok(Searcher {
            reader,
            morph: analyzer::morph_analyzer()?,
            bigram: analyzer::bigram_analyzer(),
            open,
            weights: Weights::default(),
        })
    }

    /// The manifest of the generation being searched.
    pub fn manifest(&self) -> &super::index::Manifest {
        &self.open.manifest
    }

    /// Checks and analyzes a question.
    pub fn analyze(&self, question: &str) -> Result<Analyzed, QueryError> {
        let question = question.trim();
        if question.is_empty() {
            return Err(QueryError::Empty);
        }
        let chars = question.chars().count();
        if chars > MAX_QUERY_CHARS {
            return Err(QueryError::TooLong { chars });
        }
        let normalized = normalize(question);
        let dedup = |v: Vec<String>| {
            let mut seen = HashSet::new();
            v.into_iter().filter(|t| seen.insert(t.clone())).collect::<Vec<_>>()
        };
        Ok(Analyzed {
            morph: dedup(terms(&mut self.morph.clone(), &normalized)),
            bigrams: dedup(terms(&mut self.bigram.clone(), &normalized)),
            normalized,
        })
    }

    /// Ranks sections for a question; at most `limit` (capped at [`MAX_LIMIT`]) hits.
    pub fn search(&self, question: &str, limit: usize) -> Result<(Analyzed, Vec<Hit>), QueryError> {
        let analyzed = self.analyze(question)?;
        let hits = self.search_analyzed(&analyzed, limit);
        Ok((analyzed, hits))
    }

    /// Ranks sections for an analyzed question. A question with no searchable terms (only
    /// punctuation, say) finds nothing rather than everything.
    pub fn search_analyzed(&self, analyzed: &Analyzed, limit: usize) -> Vec<Hit> {
        let limit = limit.clamp(1, MAX_LIMIT);
        let f = &self.open.fields;
        let w = self.weights;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut add = |field: Field, term: &str, weight: f32| {
            if weight > 0.0 {
                let q = TermQuery::new(Term::from_field_text(field, term), IndexRecordOption::WithFreqs);
                clauses.push((Occur::Should, Box::new(BoostQuery::new(Box::new(q), weight))));
            }
        };
        for t in &analyzed.morph {
            add(f.title, t, w.title);
            add(f.path, t, w.path);
            add(f.body, t, w.body);
        }
        for t in &analyzed.bigrams {
            add(f.title_bigram, t, w.title_bigram);
            add(f.body_bigram, t, w.body_bigram);
        }
        if clauses.is_empty() {
            return Vec::new();
        }
        let query = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        let Ok(top) = searcher.search(&query, &TopDocs::with_limit(limit).order_by_score()) else {
            return Vec::new();
        };
        top.into_iter()
            .filter_map(|(score, address)| {
                let doc: TantivyDocument = searcher.doc(address).ok()?;
                let json = doc.get_first(f.section)?.as_str()?;
                let section: Section = serde_json::from_str(json).ok()?;
                let snippet = snippet::excerpt(&section.text, analyzed, snippet::SNIPPET_CHARS).text;
                Some(Hit { section: SectionRef::from(&section), score, snippet, text: section.text })
            })
            .collect()
    }
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
