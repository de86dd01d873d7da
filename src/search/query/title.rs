//! How much a section is the thing a definition question asks about, from its title's bigrams.
//! A title's bigrams are worked out when the index is built and stored with the section, so a
//! fresh process does not redo them for every candidate of its first question.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::search::aliases;
use crate::search::analyzer::{self, normalize, terms};

/// What a definition question asks about, as bigrams with and without the alias spellings.
pub(super) struct Subject<'a> {
    expanded: HashSet<&'a str>,
    typed: HashSet<&'a str>,
}

impl<'a> Subject<'a> {
    /// The subject from its bigrams with the alias spellings (`expanded`) and as typed.
    pub(super) fn new(expanded: &'a [String], typed: &'a [String]) -> Subject<'a> {
        let set = |v: &'a [String]| v.iter().map(String::as_str).collect();
        Subject { expanded: set(expanded), typed: set(typed) }
    }
}

/// A title's bigrams, as written and in any of its spellings ([`aliases::expand`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TitleBigrams {
    bigrams: HashSet<String>,
    spellings: HashSet<String>,
}

impl TitleBigrams {
    pub fn new(title: &str) -> TitleBigrams {
        let mut analyzer = analyzer::bigram_analyzer();
        let normalized = normalize(title);
        TitleBigrams {
            bigrams: terms(&mut analyzer, &normalized).into_iter().collect(),
            spellings: terms(&mut analyzer, &aliases::expand(&normalized)).into_iter().collect(),
        }
    }

    /// How much this section is the thing a definition question asks about, from 0 to 1: the
    /// share of the title the subject covers times the share of the subject (as typed) the title
    /// accounts for, in any of the title's spellings. For `スポットインスタンスとは何か` the item
    /// `スポットインスタンス` scores 1.0 and `スポットフリート` about 0.2. Questions that are not
    /// definition questions have no subject and boost nothing: there a name in the question is
    /// usually context (`Transfer Familyで選べる認証方式` asks about a child of Transfer Family).
    pub(super) fn named_by(&self, subject: &Subject) -> f32 {
        if subject.typed.is_empty() || self.bigrams.is_empty() {
            return 0.0;
        }
        let title_covered =
            self.bigrams.iter().filter(|b| subject.expanded.contains(String::as_str(b))).count();
        let subject_covered = subject.typed.iter().filter(|b| self.spellings.contains(**b)).count();
        (title_covered as f32 / self.bigrams.len() as f32)
            * (subject_covered as f32 / subject.typed.len() as f32)
    }
}
