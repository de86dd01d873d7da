//! What makes a generated question unfit to ask, checked on every question before it enters the
//! pool (and over the whole pool by the tests):
//!
//! - **a giveaway**: a word that only the right choice has appears in the stem — after NFKC,
//!   katakana folding and English↔katakana loanwords, so `Redirect HTTP to HTTPS` is given away by
//!   a stem that says リダイレクト; or only the right choice carries the 〇〇 mask;
//! - **markup** left from the notes: `※`, `【】`, `[参考…]` labels, table pipes, an unbalanced
//!   bracket;
//! - **a cut choice**: a choice shortened with `…`, which may hide exactly where it differs.

use std::collections::{HashMap, HashSet};

use tantivy::tokenizer::TextAnalyzer;

use super::Question;
use crate::search::analyzer::{self, normalize};
use crate::search::{gazetteer, kana, loanwords};

/// The blank that stands for the asked term.
pub const MASK: &str = "〇〇";

/// Why a question is not asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Flaw {
    /// The stem has a word that only the right choice has.
    Giveaway(String),
    /// Only the right choice carries the mask.
    MaskedAnswer,
    /// Note markup is left in the stem or a choice.
    Markup(String),
    /// A choice was cut with `…`.
    CutChoice,
}

/// Content words of texts, compared across spellings: the morphological analyzer's terms (base
/// forms, katakana stems, no particles), each English word also as its katakana loanwords.
pub struct Words {
    analyzer: TextAnalyzer,
    /// Words of the fixed phrasing of questions (どれ, 説明, 正しい…), which say nothing.
    boilerplate: HashSet<String>,
    /// Texts already analyzed: sibling questions share their choices, so a pool asks for the
    /// same few hundred texts thousands of times.
    analyzed: HashMap<String, HashSet<String>>,
}

/// The fixed phrasing the generator puts around what it asks.
const BOILERPLATE: &str = "次の説明に当てはまるものはどれ？ の説明として正しいものはどれ？ \
    空欄に入るのはどれ？ について正しいものはどれ？ なのはどれ？ 次のような場合に選ぶのはどれ？ が特徴のものはどれ？ 項目 \
    AWSのサービスのうち";

impl Words {
    pub fn new() -> Result<Words, lindera::error::LinderaError> {
        let mut words = Words {
            analyzer: analyzer::morph_analyzer()?,
            boilerplate: HashSet::new(),
            analyzed: HashMap::new(),
        };
        words.boilerplate = words.of(BOILERPLATE);
        Ok(words)
    }

    /// The folded content words of `text`.
    pub fn of(&mut self, text: &str) -> HashSet<String> {
        if let Some(words) = self.analyzed.get(text) {
            return words.clone();
        }
        let words = self.analyze(text);
        self.analyzed.insert(text.to_owned(), words.clone());
        words
    }

    fn analyze(&mut self, text: &str) -> HashSet<String> {
        let mut out = HashSet::new();
        for term in analyzer::terms(&mut self.analyzer, &normalize(&split_camel_case(text))) {
            if term.chars().count() < 2 || term.chars().all(|c| c.is_ascii_digit()) {
                continue;
            }
            if term.chars().all(|c| c.is_ascii_alphabetic()) {
                out.extend(loanwords::katakana_for(&term).into_iter().map(normalize));
            }
            // A katakana compound (`クロスリージョンリダイレクト`) also stands for its parts
            // (リダイレクト), so a stem that says one part gives it away.
            let parts = loanwords::english_parts(&term);
            if parts.len() > 1 {
                for english in parts.iter().flatten() {
                    out.extend(loanwords::katakana_for(english).into_iter().map(normalize));
                }
            }
            out.insert(term);
        }
        out
    }

    /// Every flaw of `q`.
    pub fn flaws(&mut self, q: &Question) -> Vec<Flaw> {
        let mut flaws = Vec::new();
        if let Some(word) = self.giveaway(q) {
            flaws.push(Flaw::Giveaway(word));
        }
        let masked: Vec<bool> = q.choices.iter().map(|c| c.contains(MASK)).collect();
        if masked[q.answer_index] && masked.iter().filter(|m| **m).count() == 1 {
            flaws.push(Flaw::MaskedAnswer);
        }
        for text in std::iter::once(&q.question).chain(&q.choices) {
            if let Some(mark) = markup(text) {
                flaws.push(Flaw::Markup(mark));
                break;
            }
        }
        if q.choices.iter().any(|c| c.contains('…')) {
            flaws.push(Flaw::CutChoice);
        }
        flaws
    }

    /// A word of the stem that the right choice has and no other choice has.
    pub fn giveaway(&mut self, q: &Question) -> Option<String> {
        // In 「〈X〉について誤っているものはどれ？」 the answer is the one choice not true of X: a word
        // of X in it makes it look true and hides it (ホストコンピューター in the false choice about
        // Dedicated Host). The check turned round (a word of X every true choice has and the answer
        // lacks) found only the kind's own word in the pool (インスタンス of Dedicated Instance,
        // スポット of Spot Fleet), in two questions session 18's readers passed on all six criteria.
        if q.kind == "negation" {
            return None;
        }
        let mut others = HashSet::new();
        for choice in q.wrong_choices() {
            others.extend(self.of(choice));
        }
        let answer = self.of(q.answer());
        // What the stem quotes (the description, the term, the cell): the context around it
        // names the heading all choices share.
        let stem = self.of(quoted(&q.question));
        let mut given: Vec<&String> = answer
            .iter()
            .filter(|w| !others.contains(*w) && stem.contains(*w) && !self.boilerplate.contains(*w))
            .collect();
        given.sort();
        if let Some(w) = given.first() {
            return Some((*w).clone());
        }
        // The frame around the quote counts here: `EC2のクラスター構成のうち、` gives away
        // クラスタープレイスメントグループ when no other choice says クラスター.
        let whole = self.of(&q.question);
        self.inside_a_compound(q, &whole).or_else(|| translated(q))
    }

    /// A katakana or English word that the stem and only the right choice share as a part of a
    /// longer word the analyzer keeps whole: `データ` in a stem, `インスタンスメタデータ` or
    /// `データレジデンシー` the answer, or the other way round.
    fn inside_a_compound(&mut self, q: &Question, stem: &HashSet<String>) -> Option<String> {
        let mut others = String::new();
        for choice in q.wrong_choices() {
            others.push_str(&normalize(choice).to_lowercase());
            others.push('\n');
            for w in self.of(choice) {
                others.push_str(&w);
                others.push('\n');
            }
        }
        let answer_text = normalize(q.answer()).to_lowercase();
        let stem_text: String = stem.iter().map(|w| format!("{w}\n")).collect();
        let answer = self.of(q.answer());
        let mut given: Vec<&String> = stem
            .iter()
            .filter(|w| answer_text.contains(w.as_str()))
            .chain(answer.iter().filter(|w| stem_text.contains(w.as_str())))
            .filter(|w| is_part_word(w) && !self.boilerplate.contains(*w) && !others.contains(w.as_str()))
            .collect();
        given.sort();
        given.first().map(|w| (*w).clone())
    }
}

/// A word that the right choice and the stem share across languages, and no other choice has in
/// either: a stem about 動画 for `Interactive Video Service`, `lowestPrice` asked with 最も低い価格,
/// 集合体 for EC2 フリート, コンテナレジストリ for ECR. A word is translated through EDICT's common
/// kanji words, the AWS glosses (`dict/glosses-aws.tsv`, which also glosses katakana words EDICT
/// lacks) and, for an English word, its katakana; a katakana word is also read as its English,
/// and a service's abbreviation as the words of its full name.
fn translated(q: &Question) -> Option<String> {
    let stem = quoted(&q.question);
    let others: Vec<&String> = q.wrong_choices().collect();
    let others_words: HashSet<String> = others.iter().flat_map(|c| glossed_words(c)).collect();
    // What the other choices say, in either language.
    let mut others_text: Vec<String> = others.iter().map(|c| normalize(c)).collect();
    others_text.extend(others_words.iter().flat_map(|w| japanese_for(w)));
    for (from, into) in [(q.answer(), stem), (stem, q.answer())] {
        let (from_text, into_text) = (normalize(from), normalize(into));
        for word in glossed_words(from).into_iter().filter(|w| !others_words.contains(w)) {
            for j in japanese_for(&word) {
                if into_text.contains(&j)
                    && !from_text.contains(&j)
                    && !others_text.iter().any(|o| o.contains(&j))
                {
                    return Some(format!("{word}→{j}"));
                }
            }
        }
    }
    None
}

/// Whether `japanese` says a word of `english` in translation (`実行中` for `running`): asked
/// one for the other, the question is a vocabulary test.
pub fn translates(english: &str, japanese: &str) -> bool {
    let japanese = normalize(japanese);
    glossed_words(english).iter().flat_map(|w| japanese_for(w)).any(|j| japanese.contains(&j))
}

/// The Japanese a word may be translated as (normalized, two characters or more): EDICT's and
/// the AWS glosses' words and, for an English word, its katakana.
fn japanese_for(word: &str) -> Vec<String> {
    thread_local!(static SEEN: crate::quiz::Memo<String, Vec<String>> = Default::default());
    crate::quiz::memoized(&SEEN, word.to_owned(), || japanese_for_uncached(word))
}

fn japanese_for_uncached(word: &str) -> Vec<String> {
    let mut japanese = loanwords::translations(word);
    if word.is_ascii() {
        japanese.extend(loanwords::katakana_for(word));
    }
    japanese.into_iter().filter(|j| j.chars().count() >= 2).map(normalize).collect()
}

/// The words of `text` to look up in another language: its English words ([`english_words`]),
/// its katakana words of three or more (normalized) and their English, and the English words of
/// the full names of the services it names by abbreviation (`ECR` → elastic, container, registry).
fn glossed_words(text: &str) -> Vec<String> {
    // Sibling questions share their choices: a pool asks for the same few hundred texts
    // thousands of times, and finding the services a text names is the costly part.
    thread_local!(static SEEN: crate::quiz::Memo<String, Vec<String>> = Default::default());
    crate::quiz::memoized(&SEEN, text.to_owned(), || glossed_words_uncached(text))
}

fn glossed_words_uncached(text: &str) -> Vec<String> {
    let mut out = english_words(text);
    let normalized = normalize(text);
    let mut run = String::new();
    for c in normalized.chars().chain(std::iter::once(' ')) {
        if kana::is_katakana(c) {
            run.push(c);
            continue;
        }
        if run.chars().count() >= 3 {
            out.extend(loanwords::english_for(&run).iter().flat_map(|e| english_words(e)));
            out.push(std::mem::take(&mut run));
        }
        run.clear();
    }
    // Only a service the text names by its abbreviation: `WorkSpaces Pools` is one of the names
    // of WorkSpaces, whose other names (WorkSpaces Personal) it does not say.
    for service in gazetteer::named(&normalized) {
        if service.names.iter().any(|s| normalized.contains(&normalize(&s.text))) {
            continue;
        }
        for spelling in service.names.iter().filter(|s| s.text.is_ascii()) {
            out.extend(english_words(&spelling.text));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The English words of `text` worth translating: four letters or more, camel case split,
/// lowercased, without function words.
fn english_words(text: &str) -> Vec<String> {
    const FUNCTION: &[&str] = &[
        "with", "from", "that", "this", "into", "over", "only", "other", "than", "when", "what", "which",
        "each",
    ];
    split_camel_case(text)
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 4)
        .map(str::to_ascii_lowercase)
        .filter(|w| !FUNCTION.contains(&w.as_str()))
        .collect()
}

/// A word that can stand as a part of a compound: three or more katakana, or three or more
/// ASCII letters and digits.
fn is_part_word(word: &str) -> bool {
    word.chars().count() >= 3
        && (word.chars().all(kana::is_katakana) || word.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// `SrcDestCheck` → `Src Dest Check`, `lowestPrice` → `lowest Price`: a setting name's words
/// are words (`Check` is チェック), not one token no stem can share.
fn split_camel_case(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut previous = ' ';
    for c in text.chars() {
        if c.is_ascii_uppercase() && previous.is_ascii_lowercase() {
            out.push(' ');
        }
        out.push(c);
        previous = c;
    }
    out
}

/// The part of a stem from its first 「 to its last 」, or all of it.
fn quoted(stem: &str) -> &str {
    match (stem.find('「'), stem.rfind('」')) {
        (Some(a), Some(b)) if a < b => &stem[a..b + '」'.len_utf8()],
        _ => stem,
    }
}

/// The first piece of note markup in `text`, if any.
pub fn markup(text: &str) -> Option<String> {
    for mark in ["※", "【", "】", "[参考", "|", "｜", "▲", "■"] {
        if text.contains(mark) {
            return Some(mark.to_owned());
        }
    }
    for (open, close) in [('(', ')'), ('（', '）'), ('[', ']'), ('「', '」')] {
        let opened = text.matches(open).count();
        let closed = text.matches(close).count();
        if opened != closed {
            return Some(format!("{open}…{close} unbalanced"));
        }
    }
    None
}

#[cfg(test)]
mod tests;
