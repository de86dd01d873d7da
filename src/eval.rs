//! Retrieval quality over question sets (`tests/questions/*.toml`): recall@1, recall@3, MRR and
//! what the bot's confidence is worth.
//!
//! A question is answered at rank k when the k-th result's section holds one of the question's
//! answer lines and is narrow (at most [`MAX_SECTION_LINES`] lines): a whole chapter that happens
//! to contain the line is not an answer. A question with no lines is one the notes do not answer:
//! the bot must not be confident about it.

use std::collections::BTreeMap;

use serde::Deserialize;

/// Widest section that counts as an answer.
pub const MAX_SECTION_LINES: usize = 40;
/// Ranks looked at for MRR.
pub const MRR_DEPTH: usize = 10;

/// One question and the lines that answer it (none: the notes do not answer it).
#[derive(Debug, Clone, Deserialize)]
pub struct Question {
    pub text: String,
    #[serde(default)]
    pub lines: Vec<usize>,
    pub kind: String,
}

impl Question {
    /// Whether the notes answer this question.
    pub fn in_notes(&self) -> bool {
        !self.lines.is_empty()
    }

    /// Whether a section spanning `lines` answers it.
    pub fn answered_by(&self, (start, end): Lines) -> bool {
        end + 1 - start <= MAX_SECTION_LINES && self.lines.iter().any(|&l| start <= l && l <= end)
    }
}

#[derive(Debug, Deserialize)]
struct QuestionFile {
    question: Vec<Question>,
}

/// Parses a question set.
pub fn parse_questions(toml_text: &str) -> Result<Vec<Question>, toml::de::Error> {
    Ok(toml::from_str::<QuestionFile>(toml_text)?.question)
}

/// A ranked result's line range.
pub type Lines = (usize, usize);

/// What the bot did with one question: the ranking, and the answer it would post.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub ranked: Vec<Lines>,
    /// The section the answer cites when the bot is confident; `None` when it says it found no
    /// clear answer.
    pub cited: Option<Lines>,
    /// The confidence score behind that decision (for precision/coverage curves).
    pub confidence: f32,
}

impl Outcome {
    /// An outcome from a ranking alone (baselines that have no notion of confidence).
    pub fn ranking(ranked: Vec<Lines>) -> Outcome {
        Outcome { ranked, cited: None, confidence: 0.0 }
    }
}

/// Quality over a set, overall and per kind.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub total: Score,
    pub by_kind: BTreeMap<String, Score>,
    /// In-notes questions not answered at rank 1, with the rank they were answered at (if within
    /// depth); out-of-notes questions answered with confidence.
    pub misses: Vec<(Question, Option<usize>)>,
    /// Every question's confidence score and whether a confident answer would be right (always
    /// false for out-of-notes questions), for choosing a threshold.
    pub scored: Vec<(f32, bool)>,
}

/// Sums for one group of questions.
#[derive(Debug, Clone, Copy, Default)]
pub struct Score {
    pub questions: usize,
    /// Questions the notes answer (the rest are out-of-notes questions).
    pub in_notes: usize,
    pub at1: usize,
    pub at3: usize,
    pub reciprocal_rank: f64,
    /// In-notes questions answered with confidence, citing a section that answers / does not.
    pub confident_right: usize,
    pub confident_wrong: usize,
    /// Out-of-notes questions answered with confidence (each one a wrong citation).
    pub confident_outside: usize,
}

fn share(n: usize, of: usize) -> f64 {
    n as f64 / of.max(1) as f64
}

impl Score {
    pub fn outside(&self) -> usize {
        self.questions - self.in_notes
    }
    pub fn recall_at_1(&self) -> f64 {
        share(self.at1, self.in_notes)
    }
    pub fn recall_at_3(&self) -> f64 {
        share(self.at3, self.in_notes)
    }
    pub fn mrr(&self) -> f64 {
        self.reciprocal_rank / self.in_notes.max(1) as f64
    }
    /// Share of in-notes questions answered with confidence and a right citation.
    pub fn confident_right_rate(&self) -> f64 {
        share(self.confident_right, self.in_notes)
    }
    /// Share of in-notes questions answered with confidence and a wrong citation.
    pub fn confident_wrong_rate(&self) -> f64 {
        share(self.confident_wrong, self.in_notes)
    }
    /// Share of out-of-notes questions answered with confidence.
    pub fn confident_outside_rate(&self) -> f64 {
        share(self.confident_outside, self.outside())
    }

    fn add(&mut self, question: &Question, rank: Option<usize>, outcome: &Outcome) {
        self.questions += 1;
        if !question.in_notes() {
            self.confident_outside += usize::from(outcome.cited.is_some());
            return;
        }
        self.in_notes += 1;
        if let Some(r) = rank {
            self.at1 += usize::from(r == 1);
            self.at3 += usize::from(r <= 3);
            self.reciprocal_rank += 1.0 / r as f64;
        }
        match outcome.cited {
            Some(lines) if question.answered_by(lines) => self.confident_right += 1,
            Some(_) => self.confident_wrong += 1,
            None => {}
        }
    }
}

/// The 1-based rank of the first result that answers the question.
pub fn rank_of(question: &Question, results: &[Lines]) -> Option<usize> {
    results.iter().take(MRR_DEPTH).position(|&lines| question.answered_by(lines)).map(|i| i + 1)
}

/// What shiori does with a question: its ranking to [`MRR_DEPTH`] and the answer it composes.
/// A question the searcher refuses (empty, too long) or fails on is an empty outcome.
pub fn outcome(searcher: &crate::search::Searcher, question: &str) -> Outcome {
    let Ok((answer, hits)) = crate::answer::ask_ranked(searcher, question, MRR_DEPTH) else {
        return Outcome::default();
    };
    Outcome {
        ranked: hits.iter().map(|h| (h.section.line_start, h.section.line_end)).collect(),
        cited: answer.citations.first().filter(|_| answer.confident).map(|c| (c.line_start, c.line_end)),
        confidence: answer.confidence,
    }
}

/// Runs every question through `ask` and scores the outcomes.
pub fn evaluate(questions: &[Question], mut ask: impl FnMut(&str) -> Outcome) -> Report {
    let mut report = Report::default();
    for q in questions {
        let outcome = ask(&q.text);
        let r = rank_of(q, &outcome.ranked);
        report.total.add(q, r, &outcome);
        report.by_kind.entry(q.kind.clone()).or_default().add(q, r, &outcome);
        let right = outcome.ranked.first().is_some_and(|&top| q.answered_by(top));
        report.scored.push((outcome.confidence, right));
        let missed = if q.in_notes() { r != Some(1) } else { outcome.cited.is_some() };
        if missed {
            report.misses.push((q.clone(), r));
        }
    }
    report
}

/// One point of a precision/coverage curve: with confidence at least `threshold`, the share of
/// all questions answered with a right citation (coverage) and the share of confident answers
/// that were wrong (including every confident answer to an out-of-notes question).
#[derive(Debug, Clone, Copy)]
pub struct CurvePoint {
    pub threshold: f32,
    pub right: f64,
    pub wrong_among_confident: f64,
}

/// The curve over `scored` (confidence, top hit right) at each threshold.
pub fn curve(scored: &[(f32, bool)], thresholds: &[f32]) -> Vec<CurvePoint> {
    thresholds
        .iter()
        .map(|&threshold| {
            let confident: Vec<bool> =
                scored.iter().filter(|(c, _)| *c >= threshold).map(|&(_, right)| right).collect();
            let right = confident.iter().filter(|r| **r).count();
            CurvePoint {
                threshold,
                right: share(right, scored.len()),
                wrong_among_confident: share(confident.len() - right, confident.len()),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(lines: &[usize]) -> Question {
        Question { text: "q".into(), lines: lines.to_vec(), kind: "k".into() }
    }

    #[test]
    fn rank_needs_the_line_and_a_narrow_section() {
        assert_eq!(rank_of(&q(&[138]), &[(100, 120), (138, 138)]), Some(2));
        assert_eq!(rank_of(&q(&[138]), &[(1, 536)]), None, "a whole file is not an answer");
        assert_eq!(rank_of(&q(&[5, 6]), &[(6, 9)]), Some(1));
    }

    #[test]
    fn scores_add_up() {
        let questions = vec![q(&[1]), q(&[2]), q(&[3])];
        let report = evaluate(&questions, |_| Outcome::ranking(vec![(1, 1), (2, 2), (9, 9)]));
        assert_eq!(report.total.at1, 1);
        assert_eq!(report.total.at3, 2);
        assert!((report.total.mrr() - (1.0 + 0.5) / 3.0).abs() < 1e-9);
        assert_eq!(report.misses.len(), 2);
    }

    #[test]
    fn confidence_is_scored_against_the_citation() {
        let questions = vec![q(&[1]), q(&[2]), q(&[]), q(&[])];
        let report =
            evaluate(&questions, |_| Outcome { ranked: vec![(1, 1)], cited: Some((1, 1)), confidence: 0.9 });
        let t = report.total;
        assert_eq!((t.in_notes, t.confident_right, t.confident_wrong, t.confident_outside), (2, 1, 1, 2));
        assert!((t.confident_outside_rate() - 1.0).abs() < 1e-9);
        // Out-of-notes questions answered with confidence are misses too.
        assert_eq!(report.misses.len(), 3);
        let points = curve(&report.scored, &[0.5, 1.0]);
        assert!(
            (points[0].right - 0.25).abs() < 1e-9 && (points[0].wrong_among_confident - 0.75).abs() < 1e-9
        );
        assert_eq!(points[1].right, 0.0);
    }
}
