//! Hits → the answer the bot posts: the quoted passage, its citation, one or two related
//! sections, and whether the match is good enough to call an answer.
//!
//! Confidence is judged by evidence that the top section answers the question, not by the raw
//! BM25 score (which has no fixed scale). The main piece is coverage: the share of the
//! question's content words, weighted by how rare each is in the notes (IDF), that occur in the
//! top section's text and headings, or that the section has another word for (thesaurus,
//! loanwords) or names as part of a service the question names; verbs and adjectives count
//! half, and a section without the thing asked about (the question's last noun) scores less. A
//! section about another service than the one asked about counts half. [`confidence`] weighs it
//! with how far the top section leads the runner-up and what kind of question it is. Below
//! [`MIN_CONFIDENCE`] the bot says it found no clear answer and offers the closest titles; a
//! question about a service the notes never mention is told so, with the closest titles.

use std::collections::HashSet;

use serde::Serialize;

pub mod asked;
pub mod confidence;

pub use confidence::{Evidence, MIN_CONFIDENCE, MIN_COVERAGE};

use crate::corpus::{Citation, SectionKind};
use crate::search::snippet::{self, Excerpt, ANSWER_CHARS};
use crate::search::{Analyzed, Hit, QueryError, Searcher, SectionRef};

/// How many hits are looked at to compose an answer.
const CANDIDATES: usize = 6;
/// Related sections shown under an answer.
const RELATED: usize = 2;

/// DESIGN.md's `Answer` JSON shape, plus the title, excerpt marks and related sections.
#[derive(Debug, Clone, Serialize)]
pub struct Answer {
    pub query: String,
    /// The quoted passage (tables rendered as lines); a "no clear answer" note when not confident.
    pub answer: String,
    pub confident: bool,
    /// The confidence `confident` was decided on (0 to 1; [`MIN_CONFIDENCE`] and above is
    /// confident). Not part of the JSON shape.
    #[serde(skip)]
    pub confidence: f32,
    pub citations: Vec<Citation>,
    /// The answering section's title and id.
    pub title: Option<String>,
    pub section_id: Option<String>,
    /// Byte ranges of `answer` that matched the question, for highlighting.
    #[serde(skip)]
    pub highlights: Vec<std::ops::Range<usize>>,
    /// Other sections worth a look (when confident) or the closest titles (when not).
    pub related: Vec<SectionRef>,
}

impl Answer {
    /// An answer that cites nothing: `text` says why, `related` offers the closest titles.
    fn unanswered(question: &str, text: String, related: Vec<SectionRef>) -> Answer {
        Answer {
            query: question.to_owned(),
            answer: text,
            confident: false,
            confidence: 0.0,
            citations: Vec::new(),
            title: None,
            section_id: None,
            highlights: Vec::new(),
            related,
        }
    }

    /// The passage with matched words wrapped in `open`/`close`.
    pub fn marked(&self, open: &str, close: &str) -> String {
        Excerpt { text: self.answer.clone(), highlights: self.highlights.clone() }.marked(open, close)
    }
}

/// Answers a question from the index.
pub fn ask(searcher: &Searcher, question: &str) -> Result<Answer, QueryError> {
    Ok(ask_ranked(searcher, question, CANDIDATES)?.0)
}

/// Answers a question and returns the `limit` hits it was composed from.
pub fn ask_ranked(
    searcher: &Searcher,
    question: &str,
    limit: usize,
) -> Result<(Answer, Vec<Hit>), QueryError> {
    let (analyzed, hits) = searcher.search(question, limit.max(1))?;
    Ok((compose(question.trim(), &analyzed, &hits), hits))
}

/// Composes the answer from ranked hits.
pub fn compose(question: &str, analyzed: &Analyzed, hits: &[Hit]) -> Answer {
    let Some(top) = hits.first() else {
        return Answer::unanswered(
            question,
            "ノートに該当する記述が見つかりませんでした。別の言葉で聞いてみてください。".into(),
            Vec::new(),
        );
    };
    if !analyzed.absent.is_empty() {
        let names: Vec<String> = analyzed.absent.iter().map(|s| format!("「{}」", s.name)).collect();
        let text = format!("ノートには{}の記述がありません。", names.join("・"));
        return Answer::unanswered(question, text, distinct_titles(hits.iter(), 3));
    }
    let confidence = Evidence::of(analyzed, hits).map_or(0.0, |e| e.confidence());
    let confident = confidence >= MIN_CONFIDENCE;
    if !confident {
        let answer = Answer::unanswered(
            question,
            "ノートにはっきりした答えが見つかりませんでした。".into(),
            distinct_titles(hits.iter(), 3),
        );
        return Answer { confidence, ..answer };
    }
    let excerpt = snippet::excerpt(own_text(top), analyzed, ANSWER_CHARS);
    let related = distinct_titles(hits[1..].iter().filter(|h| h.section.title != top.section.title), RELATED);
    Answer {
        query: question.to_owned(),
        answer: excerpt.text,
        confident,
        confidence,
        citations: vec![top.section.citation()],
        title: Some(top.section.title.clone()),
        section_id: Some(top.section.id.clone()),
        highlights: excerpt.highlights,
        related,
    }
}

/// The section's text without its heading line, which the answer shows as its title; a row or
/// a heading with nothing under it keeps its line.
fn own_text(hit: &Hit) -> &str {
    if hit.section.kind == SectionKind::Row {
        return &hit.text;
    }
    match hit.text.split_once('\n') {
        Some((_, rest)) if !rest.trim().is_empty() => rest,
        _ => &hit.text,
    }
}

fn distinct_titles<'a>(hits: impl Iterator<Item = &'a Hit>, n: usize) -> Vec<SectionRef> {
    let mut seen = HashSet::new();
    hits.filter(|h| seen.insert(h.section.title.clone())).take(n).map(|h| h.section.clone()).collect()
}

/// Factor on the confidence when the section has nothing for the thing the question asks about
/// (`CloudWatchアラームの設定方法` against a row that mentions CloudWatch alarms but not how to
/// set one). Chosen on the tuning sets: 0.9 halves the confident out-of-notes answers there
/// (6.1 % → 1.5 %) and the confident wrong ones (3.5 % → 2.8 %) at the cost of 6 points of
/// confident right answers on the first set. Only the answer uses it: in the rerank it cost
/// recall.
const FOCUS_MISSING: f32 = 0.9;

/// How well the hit covers the question (measured by the rerank, [`Hit::coverage`]), less when
/// it lacks the question's focus ([`FOCUS_MISSING`]).
pub fn coverage(hit: &Hit) -> f32 {
    let c = hit.coverage;
    if c.focus_missing {
        FOCUS_MISSING * c.share
    } else {
        c.share
    }
}
