//! Retrieval quality over a question set (`tests/questions.toml`): recall@1, recall@3 and MRR.
//!
//! A question is answered at rank k when the k-th result's section holds one of the question's
//! answer lines and is narrow (at most [`MAX_SECTION_LINES`] lines): a whole chapter that happens
//! to contain the line is not an answer.

use std::collections::BTreeMap;

use serde::Deserialize;

/// Widest section that counts as an answer.
pub const MAX_SECTION_LINES: usize = 40;
/// Ranks looked at for MRR.
pub const MRR_DEPTH: usize = 10;

/// One question and the lines that answer it.
#[derive(Debug, Clone, Deserialize)]
pub struct Question {
    pub text: String,
    pub lines: Vec<usize>,
    pub kind: String,
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

/// Quality over a set, overall and per kind.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub total: Score,
    pub by_kind: BTreeMap<String, Score>,
    /// Questions not answered at rank 1, with the rank they were answered at (if within depth).
    pub misses: Vec<(Question, Option<usize>)>,
}

/// Sums for one group of questions.
#[derive(Debug, Clone, Copy, Default)]
pub struct Score {
    pub questions: usize,
    pub at1: usize,
    pub at3: usize,
    pub reciprocal_rank: f64,
}

impl Score {
    pub fn recall_at_1(&self) -> f64 {
        self.at1 as f64 / self.questions.max(1) as f64
    }
    pub fn recall_at_3(&self) -> f64 {
        self.at3 as f64 / self.questions.max(1) as f64
    }
    pub fn mrr(&self) -> f64 {
        self.reciprocal_rank / self.questions.max(1) as f64
    }
    fn add(&mut self, rank: Option<usize>) {
        self.questions += 1;
        if let Some(r) = rank {
            self.at1 += usize::from(r == 1);
            self.at3 += usize::from(r <= 3);
            self.reciprocal_rank += 1.0 / r as f64;
        }
    }
}

/// The 1-based rank of the first result that answers the question.
pub fn rank_of(question: &Question, results: &[Lines]) -> Option<usize> {
    results
        .iter()
        .take(MRR_DEPTH)
        .position(|&(start, end)| {
            end + 1 - start <= MAX_SECTION_LINES && question.lines.iter().any(|&l| start <= l && l <= end)
        })
        .map(|i| i + 1)
}

/// Runs every question through `rank` (question → ranked line ranges) and scores the results.
pub fn evaluate(questions: &[Question], mut rank: impl FnMut(&str) -> Vec<Lines>) -> Report {
    let mut report = Report::default();
    for q in questions {
        let r = rank_of(q, &rank(&q.text));
        report.total.add(r);
        report.by_kind.entry(q.kind.clone()).or_default().add(r);
        if r != Some(1) {
            report.misses.push((q.clone(), r));
        }
    }
    report
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
        let report = evaluate(&questions, |_| vec![(1, 1), (2, 2), (9, 9)]);
        assert_eq!(report.total.at1, 1);
        assert_eq!(report.total.at3, 2);
        assert!((report.total.mrr() - (1.0 + 0.5) / 3.0).abs() < 1e-9);
        assert_eq!(report.misses.len(), 2);
    }
}
