//! Hits → the answer the bot posts: the quoted passage, its citation, one or two related
//! sections, and whether the match is good enough to call an answer.
//!
//! Confidence is judged by coverage, not by the raw BM25 score (which has no fixed scale): the
//! share of the question's content words, weighted by how rare each is in the notes (IDF), that
//! occur in the top section's text and headings, or that the section has another word for
//! (thesaurus, loanwords) or names as part of a service the question names. A section about
//! another service than the one asked about counts half. Below [`MIN_COVERAGE`] the bot says it
//! found no clear answer and offers the closest titles; a question about a service the notes
//! never mention is told so, with the closest titles.

use std::collections::HashSet;

use serde::Serialize;

pub mod asked;

use crate::corpus::{Citation, SectionKind};
use crate::search::analyzer::{bigram_analyzer, normalize, terms};
use crate::search::snippet::{self, Excerpt, ANSWER_CHARS};
use crate::search::{Analyzed, Hit, QueryError, Searcher, SectionRef};

/// Weighted share of the question's content words the top section must cover to be called an
/// answer. Chosen on the tuning sets' precision/coverage curve (`cargo run --release --example
/// eval -- --curve`): at 0.6 about one confident answer in ten is wrong across the tuning sets
/// (0.5: one in 7.5; 0.7: one in 11, with a fifth fewer right answers).
pub const MIN_COVERAGE: f32 = 0.6;
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
    /// The confidence score `confident` was decided on (0 to 1; [`MIN_COVERAGE`] and above is
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
    let confidence = coverage(analyzed, top);
    let confident = confidence >= MIN_COVERAGE;
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

/// Credit for a question word the section does not have but has another word for (thesaurus).
const BRIDGED_CREDIT: f32 = 0.6;
/// Factor on the score of a section that mentions none of the services the question names.
const OTHER_SERVICE: f32 = 0.5;

/// How well the hit covers the question: the IDF-weighted share of the question's content words
/// (morphological terms, particles and question words already dropped) that occur in the hit's
/// headings or text, a word the thesaurus relates counting [`BRIDGED_CREDIT`]; bigrams when
/// there are no words. A section about another service than the one asked about scores less.
pub fn coverage(analyzed: &Analyzed, hit: &Hit) -> f32 {
    let haystack = normalize(&format!("{}\n{}", hit.section.path.join(" "), hit.text));
    let folded = crate::search::aliases::fold(&haystack);
    let service_factor =
        if analyzed.services.is_empty() || analyzed.services.iter().any(|s| s.named_in(&haystack, &folded)) {
            1.0
        } else {
            OTHER_SERVICE
        };
    if !analyzed.typed_morph.is_empty() {
        // A typed word is covered when the section has it, or names a service the question
        // names with that word in one of its spellings (ラムダ in ラムダエッジ → Lambda@Edge);
        // it counts [`BRIDGED_CREDIT`] when the section has another word for it.
        let named_here: Vec<&crate::search::gazetteer::Service> =
            analyzed.services.iter().copied().filter(|s| s.named_in(&haystack, &folded)).collect();
        let mut found = 0.0;
        let mut total = 0.0;
        for (i, t) in analyzed.typed_morph.iter().enumerate() {
            let weight = analyzed.idf.get(i).copied().unwrap_or(1.0);
            total += weight;
            let credit = if haystack.contains(t.as_str())
                || named_here.iter().any(|s| s.spellings().any(|sp| sp.text.contains(t.as_str())))
            {
                1.0
            } else if analyzed
                .bridged
                .iter()
                .any(|(typed, others)| typed == t && others.iter().any(|o| haystack.contains(o.as_str())))
            {
                BRIDGED_CREDIT
            } else {
                0.0
            };
            found += weight * credit;
        }
        return service_factor * found / total.max(f32::EPSILON);
    }
    if analyzed.bigrams.is_empty() {
        return 0.0;
    }
    let present: HashSet<String> = terms(&mut bigram_analyzer(), &haystack).into_iter().collect();
    let found = analyzed.bigrams.iter().filter(|b| present.contains(*b)).count();
    service_factor * found as f32 / analyzed.bigrams.len() as f32
}
