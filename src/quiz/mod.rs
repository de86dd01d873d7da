//! Quizzes from the notes: generated four-choice questions ([`generate`]), the per-channel deck
//! that keeps questions from repeating ([`deck`]), cron schedules with time zones ([`schedule`]),
//! and answers, reveals, scores and streaks over the store ([`game`]).

pub mod deck;
pub mod errata;
pub mod game;
pub mod generate;
pub mod kinds;
pub mod learning;
pub mod period;
pub mod quality;
pub mod retired;
pub mod review;
pub mod runner;
pub mod schedule;
pub mod spelling;

use serde::{Deserialize, Serialize};

use crate::corpus::Citation;

/// DESIGN.md's `Question` JSON shape, plus the kind of question and the section it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Question {
    /// Stable for unchanged notes: derived from the section id and the kind of question.
    pub id: String,
    pub question: String,
    pub choices: Vec<String>,
    pub answer_index: usize,
    /// The source passage, trimmed.
    pub explanation: String,
    pub source: Citation,
    /// How the question was made (`scenario`, `feature`, `term`, `item`, `definition`, `number`,
    /// `comparison`).
    pub kind: String,
    /// The section the question came from.
    pub section_id: String,
    /// For each choice (in order), what it actually is, cited: `capacityOptimized — … (L191)`;
    /// empty when the generator does not know (numbers, comparisons).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choice_notes: Vec<String>,
    /// A digest of the cited lines as they stood when the question was made: when the notes
    /// change under them, the question's open posts are retired ([`Question::is_stale`]).
    /// Empty for questions stored by versions before it existed.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source_digest: String,
}

/// A per-thread table of the values of a function of its key alone (and of data built into the
/// binary): generating a pool asks for the same few hundred names and texts thousands of times.
/// A reload adds only what the changed notes name.
pub(crate) type Memo<K, V> = std::cell::RefCell<std::collections::HashMap<K, V>>;

/// The value for `key` from `memo`, made by `make` the first time.
pub(crate) fn memoized<K, V>(
    memo: &'static std::thread::LocalKey<Memo<K, V>>,
    key: K,
    make: impl FnOnce() -> V,
) -> V
where
    K: std::hash::Hash + Eq,
    V: Clone,
{
    if let Some(found) = memo.with(|m| m.borrow().get(&key).cloned()) {
        return found;
    }
    let made = make();
    memo.with(|m| m.borrow_mut().insert(key, made.clone()));
    made
}

/// The digest [`Question::source_digest`] holds: SHA-256 of the text, 16 hex digits.
pub fn digest(text: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(text.as_bytes()).iter().take(8).map(|b| format!("{b:02x}")).collect()
}

impl crate::store::Stored for Question {
    fn id(&self) -> &str {
        &self.id
    }
}

impl Question {
    /// The correct choice's text.
    pub fn answer(&self) -> &str {
        &self.choices[self.answer_index]
    }

    /// The choices that are not the answer.
    pub fn wrong_choices(&self) -> impl Iterator<Item = &String> {
        self.choices.iter().enumerate().filter(move |(i, _)| *i != self.answer_index).map(|(_, c)| c)
    }

    /// The choices the question keys as false: a negation's answer (「誤っているもの」), any other
    /// question's wrong choices.
    pub fn false_choices(&self) -> impl Iterator<Item = &String> {
        let negation = self.kind == "negation";
        self.choices
            .iter()
            .enumerate()
            .filter(move |(i, _)| (*i == self.answer_index) == negation)
            .map(|(_, c)| c)
    }

    /// Whether the notes in `sections` no longer say, at the cited lines, what they said when
    /// the question was made (a question without a digest is never called stale).
    pub fn is_stale(&self, sections: &[crate::corpus::Section]) -> bool {
        !self.source_digest.is_empty()
            && crate::corpus::cited_text(sections, &self.source).map(|t| digest(&t))
                != Some(self.source_digest.clone())
    }

    /// A choice's label as members see it (on buttons and in the terminal): 1, 2, 3, 4.
    pub fn label(index: usize) -> usize {
        index + 1
    }
}
