//! Everyday words and the technical words notes use for the same thing (`dict/thesaurus.txt`):
//! a member who asks `EC2を止めてもメモリを消したくない` is also searched for 停止, 削除 and
//! 保持, at a lower weight than what they typed ([`super::query::Weights::related`]).
//!
//! A word of a group matches a question when the question's morphemes contain the word's
//! morphemes in order (both analyzed the same way, so 消したくない matches 消す); a word that
//! analyzes to nothing (all particles and auxiliaries, like できない) matches as a substring.

use tantivy::tokenizer::TextAnalyzer;

use super::analyzer::{normalize, terms};

/// The bundled thesaurus.
pub const BUNDLED: &str = include_str!("../../dict/thesaurus.txt");

/// Most rewrites of one text.
pub const MOST_REWRITES: usize = 12;

/// One word of a group: its normalized text and, once a question could contain it, its
/// morphemes (analyzing all 600 words up front cost a one-shot `shiori search` milliseconds and
/// megabytes of dictionary pages).
#[derive(Debug, Clone)]
struct Word {
    text: String,
    first: char,
    morphemes: std::sync::OnceLock<Vec<String>>,
}

/// Groups of words that mean the same thing to someone asking.
#[derive(Debug, Clone, Default)]
pub struct Thesaurus {
    groups: Vec<Vec<Word>>,
}

impl Thesaurus {
    /// Parses the `|`-separated groups of `text` (`#` comments, blank lines skipped).
    pub fn parse(text: &str) -> Thesaurus {
        let groups = text
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .map(|line| {
                line.split('|')
                    .map(|w| normalize(w.trim()))
                    .filter(|w| !w.is_empty())
                    .filter_map(|text| {
                        let first = text.chars().next()?;
                        Some(Word { first, morphemes: std::sync::OnceLock::new(), text })
                    })
                    .collect::<Vec<_>>()
            })
            .filter(|group| group.len() > 1)
            .collect();
        Thesaurus { groups }
    }

    /// Number of groups.
    pub fn len(&self) -> usize {
        self.groups.len()
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// The words of every group the question touches, except those it already contains, joined
    /// by spaces. `morphemes` are the question's morphemes in order, `normalized` its text.
    pub fn related(&self, morph: &TextAnalyzer, morphemes: &[String], normalized: &str) -> String {
        let mut out: Vec<&str> = Vec::new();
        for bridge in self.bridges(morph, morphemes, normalized) {
            for w in bridge.others {
                if !out.contains(&w) {
                    out.push(w);
                }
            }
        }
        out.join(" ")
    }

    /// The text with one word of a group it contains replaced by each other word of the group
    /// (at most [`MOST_REWRITES`]); words of one character are not replaced.
    pub fn rewrites(&self, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for group in &self.groups {
            for word in group.iter().filter(|w| w.text.chars().count() >= 2 && text.contains(&w.text)) {
                for other in group.iter().filter(|o| o.text != word.text) {
                    let rewritten = text.replacen(&word.text, &other.text, 1);
                    if !out.contains(&rewritten) {
                        out.push(rewritten);
                    }
                    if out.len() >= MOST_REWRITES {
                        return out;
                    }
                }
            }
        }
        out
    }

    /// For each group the question touches: the question's morphemes that matched and the
    /// group's other words (those the question does not already contain). `morph` is the
    /// analyzer questions go through; a word is analyzed with it the first time a question has
    /// the word's first character.
    pub fn bridges<'a>(
        &'a self,
        morph: &TextAnalyzer,
        morphemes: &[String],
        normalized: &str,
    ) -> Vec<Bridge<'a>> {
        let mut out = Vec::new();
        for group in &self.groups {
            let matched: Vec<&Word> = group
                .iter()
                .filter(|w| normalized.contains(w.first) && matches(w, morph, morphemes, normalized))
                .collect();
            if matched.is_empty() {
                continue;
            }
            let typed = matched.iter().flat_map(|w| w.morphemes(morph).iter().map(String::as_str)).collect();
            let others =
                group.iter().filter(|w| !normalized.contains(&w.text)).map(|w| w.text.as_str()).collect();
            out.push(Bridge { typed, others });
        }
        out
    }
}

/// One thesaurus group a question touches.
#[derive(Debug, Clone)]
pub struct Bridge<'a> {
    /// The question's morphemes the group matched on.
    pub typed: Vec<&'a str>,
    /// The group's other words, normalized.
    pub others: Vec<&'a str>,
}

impl Word {
    fn morphemes(&self, morph: &TextAnalyzer) -> &[String] {
        self.morphemes.get_or_init(|| terms(&mut morph.clone(), &self.text))
    }
}

fn matches(word: &Word, morph: &TextAnalyzer, morphemes: &[String], normalized: &str) -> bool {
    let own = word.morphemes(morph);
    if own.is_empty() {
        return normalized.contains(&word.text);
    }
    morphemes.windows(own.len()).any(|w| w == own)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::analyzer::morph_analyzer;

    fn related(thesaurus: &Thesaurus, question: &str) -> String {
        let mut morph = morph_analyzer().unwrap();
        let normalized = normalize(question);
        thesaurus.related(&morph.clone(), &terms(&mut morph, &normalized), &normalized)
    }

    #[test]
    fn conjugated_everyday_verbs_bring_in_the_technical_words() {
        let t = Thesaurus::parse("# comment\n消す|削除|消去\n遅い|レイテンシー\n引っ越す|移行\n");
        assert_eq!(t.len(), 3);
        let r = related(&t, "EC2を消したくない");
        assert!(r.contains("削除") && r.contains("消去"), "{r}");
        assert!(related(&t, "画面が遅くて困る").contains("レイテンシ"));
        assert!(related(&t, "オンプレから引っ越したい").contains("移行"));
        assert_eq!(related(&t, "ハイバネーションとは"), "");
    }

    #[test]
    fn words_already_typed_are_not_added_again() {
        let t = Thesaurus::parse("削除|消去\n");
        assert_eq!(related(&t, "削除"), "消去");
    }

    #[test]
    fn a_word_of_particles_matches_as_text() {
        let t = Thesaurus::parse("できない|制限事項\n");
        assert_eq!(related(&t, "ECRでできないこと"), "制限事項");
    }

    #[test]
    fn the_bundled_thesaurus_parses() {
        let t = Thesaurus::parse(BUNDLED);
        assert!(t.len() >= 100, "{} groups", t.len());
        assert!(related(&t, "休止状態って何").contains("ハイバネーション"));
    }
}
