//! How much of a question a section covers: the evidence that it answers the question. The
//! rerank orders candidates by it and the answer decides `confident` on it.

use std::collections::HashSet;

use super::Analyzed;
use crate::search::analyzer::{bigram_analyzer, normalize, terms};
use crate::search::gazetteer::Service;

/// Credit for a question word the section does not have but has another word for (thesaurus).
const BRIDGED_CREDIT: f32 = 0.6;
/// Weight of a verb, adjective or adverb of the question against a noun of the same IDF: how a
/// member says what they want (止めたい, 安くしたい) is rarely how the notes say it. Chosen on the
/// tuning sets (1.0, 0.5, 0.3, 0.15 tried; 0.5 ranked best, 0.3 and 0.15 made more confident
/// answers wrong).
const PREDICATE_WEIGHT: f32 = 0.5;
/// Factor on the score of a section that mentions none of the services the question names.
const OTHER_SERVICE: f32 = 0.5;

/// The IDF-weighted share of the question's content words (morphological terms, particles and
/// question words already dropped) that occur in the section's headings or text, a word the
/// thesaurus relates counting [`BRIDGED_CREDIT`]; bigrams when there are no words. A section
/// about another service than the one asked about scores less ([`OTHER_SERVICE`]).
pub fn coverage(analyzed: &Analyzed, path: &[String], text: &str) -> Coverage {
    Haystack::new(path, text).coverage(analyzed)
}

/// What [`coverage`] found.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Coverage {
    /// The weighted share of the question's words the section has, 0 to 1.
    pub share: f32,
    /// The section has nothing for the question's focus, the thing asked about (its last word
    /// that is not a verb, adjective or adverb), not even another word for it.
    pub focus_missing: bool,
}

/// A section's headings and text, normalized and alias-folded once, when the index is built
/// ([`super::Derived`]): about twice the section's size.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Haystack {
    normalized: String,
    folded: String,
}

impl Haystack {
    pub fn new(path: &[String], text: &str) -> Haystack {
        let normalized = normalize(&format!("{}\n{}", path.join(" "), text));
        let folded = crate::search::aliases::fold(&normalized);
        Haystack { normalized, folded }
    }

    /// [`coverage`] of this section.
    pub fn coverage(&self, analyzed: &Analyzed) -> Coverage {
        let (haystack, folded) = (self.normalized.as_str(), self.folded.as_str());
        let named_here: Vec<&Service> =
            analyzed.services.iter().copied().filter(|s| s.named_in(haystack, folded)).collect();
        let service_factor =
            if analyzed.services.is_empty() || !named_here.is_empty() { 1.0 } else { OTHER_SERVICE };
        if !analyzed.typed_morph.is_empty() {
            let words = word_share(analyzed, haystack, &named_here);
            return Coverage { share: service_factor * words.share, ..words };
        }
        if analyzed.bigrams.is_empty() {
            return Coverage { share: 0.0, focus_missing: false };
        }
        // Only for a question with no words (rare): its bigrams are not kept per section.
        let present: HashSet<String> = terms(&mut bigram_analyzer(), haystack).into_iter().collect();
        let found = analyzed.bigrams.iter().filter(|b| present.contains(*b)).count();
        let share = service_factor * found as f32 / analyzed.bigrams.len() as f32;
        Coverage { share, focus_missing: false }
    }
}

/// A typed word is covered when the section has it, or names a service the question names with
/// that word in one of its spellings (ラムダ in ラムダエッジ → Lambda@Edge); it counts
/// [`BRIDGED_CREDIT`] when the section has another word for it. The focus is the question's
/// last word that is not a predicate: in Japanese the thing asked about comes last
/// (`EFSのパフォーマンスモード`, `CloudWatchアラームの設定方法`).
fn word_share(analyzed: &Analyzed, haystack: &str, named_here: &[&Service]) -> Coverage {
    let mut found = 0.0;
    let mut total = 0.0;
    let focus = analyzed.typed_morph.iter().rposition(|t| !analyzed.predicates.contains(t));
    let mut focus_missing = false;
    for (i, t) in analyzed.typed_morph.iter().enumerate() {
        let idf = analyzed.idf.get(i).copied().unwrap_or(1.0);
        let weight = if analyzed.predicates.contains(t) { PREDICATE_WEIGHT * idf } else { idf };
        total += weight;
        let credit = if haystack.contains(t.as_str())
            || named_here.iter().any(|s| s.spellings().any(|sp| sp.text.contains(t.as_str())))
        {
            1.0
        } else if let Some(share) = other_script_share(analyzed, t, haystack) {
            share
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
        focus_missing |= Some(i) == focus && credit == 0.0;
    }
    Coverage { share: found / f32::max(total, f32::EPSILON), focus_missing }
}

/// The share of the parts of typed word `t`, written in the other script, that the haystack has
/// (`elastic`, `fabric`, `adapter` for エラスティックファブリックアダプタ); `None` when the
/// loanword dictionary does not know the word or the haystack has none of its parts.
fn other_script_share(analyzed: &Analyzed, t: &str, haystack: &str) -> Option<f32> {
    let (_, parts) = analyzed.other_scripts.iter().find(|(typed, _)| typed == t)?;
    let found = parts.iter().filter(|part| part.iter().any(|w| haystack.contains(w.as_str()))).count();
    (found > 0).then(|| found as f32 / parts.len() as f32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn analyzed(words: &[&str], predicates: &[&str]) -> Analyzed {
        Analyzed {
            typed_morph: words.iter().map(|w| w.to_string()).collect(),
            idf: vec![1.0; words.len()],
            predicates: predicates.iter().map(|w| w.to_string()).collect(),
            ..Analyzed::default()
        }
    }

    fn of(a: &Analyzed, text: &str) -> Coverage {
        coverage(a, &["ノート".to_owned()], text)
    }

    #[test]
    fn a_missing_verb_costs_less_than_a_missing_noun() {
        let a = analyzed(&["ハイバネーション", "止める"], &["止める"]);
        let lacks_verb = of(&a, "ハイバネーション: メモリを待避させる").share;
        let b = analyzed(&["ハイバネーション", "メモリ"], &[]);
        let lacks_noun = of(&b, "ハイバネーション: 停止しても継続").share;
        assert!((lacks_verb - 1.0 / 1.5).abs() < 1e-6, "{lacks_verb}");
        assert!((lacks_noun - 0.5).abs() < 1e-6, "{lacks_noun}");
    }

    #[test]
    fn a_loanword_counts_by_the_share_of_its_parts_found() {
        let mut a = analyzed(&["エラスティックファブリックアダプタ"], &[]);
        let parts = [["elastic"], ["fabric"], ["adapter"]];
        a.other_scripts =
            vec![(a.typed_morph[0].clone(), parts.iter().map(|p| vec![p[0].to_owned()]).collect())];
        assert_eq!(of(&a, "Elastic Fabric Adapter (EFA)").share, 1.0);
        let one_of_three = of(&a, "Elastic Transcoder").share;
        assert!((one_of_three - 1.0 / 3.0).abs() < 1e-6, "{one_of_three}");
        assert_eq!(of(&a, "Amazon Connect").share, 0.0);
    }

    #[test]
    fn the_focus_is_the_last_word_that_is_not_a_predicate() {
        let a = analyzed(&["cloudwatch", "アラーム", "設定", "方法", "知る"], &["知る"]);
        let row = of(&a, "Cloud Watch アラームを設定すると自動で復旧できる");
        assert!(row.focus_missing, "方法 is not in the row: {row:?}");
        assert!(!of(&a, "cloudwatch アラームの設定方法").focus_missing);
        assert!(!of(&analyzed(&[], &[]), "何でも").focus_missing);
    }
}
