//! English ↔ katakana for loanwords, from JMdict/EDICT (Debian's `edict` package, read and
//! checksummed by `build.rs` the way mecab-ipadic is): `metadata` ↔ メタデータ, `template` ↔
//! テンプレート. A member who writes `instance metadata` finds インスタンスメタデータ, and one who
//! writes デディケイテッドホスト finds `Dedicated Host`.
//!
//! The tables are two `english\tkatakana` / `katakana\tenglish` texts sorted by key (within a
//! key, computing vocabulary and common words first), embedded in the binary; lookups are binary
//! searches over an index of line starts built on first use.

use std::sync::OnceLock;

/// SHA-256 of the EDICT file the table was made from.
pub const SOURCE_DIGEST: &str = env!("SHIORI_EDICT_DIGEST");

static EN: &str = include_str!(concat!(env!("OUT_DIR"), "/loanwords-en.tsv"));
static JA: &str = include_str!(concat!(env!("OUT_DIR"), "/loanwords-ja.tsv"));

/// Most spellings one word brings in: a common word (`data`, `set`) has many loanwords.
const MOST: usize = 3;
/// Shortest katakana part looked up when a compound is split.
const MIN_PART: usize = 3;

/// One sorted table: its text and the byte offset of each line.
struct Table {
    text: &'static str,
    starts: Vec<usize>,
}

impl Table {
    fn new(text: &'static str) -> Table {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1).filter(|&i| i < text.len()));
        Table { text, starts }
    }

    fn line(&self, i: usize) -> (&'static str, &'static str) {
        let start = self.starts[i];
        let end = self.starts.get(i + 1).map_or(self.text.len(), |&e| e - 1);
        self.text[start..end].split_once('\t').unwrap_or((&self.text[start..end], ""))
    }

    /// The values stored under `key`, in table order.
    fn get<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'static str> + 'a {
        let first = self.starts.partition_point(|&s| {
            let line = &self.text[s..];
            line.split_once('\t').map_or(line, |(k, _)| k) < key
        });
        (first..self.starts.len()).map(|i| self.line(i)).take_while(move |(k, _)| *k == key).map(|(_, v)| v)
    }
}

fn en() -> &'static Table {
    static T: OnceLock<Table> = OnceLock::new();
    T.get_or_init(|| Table::new(EN))
}

fn ja() -> &'static Table {
    static T: OnceLock<Table> = OnceLock::new();
    T.get_or_init(|| Table::new(JA))
}

/// Katakana spellings of an English word (normalized: lowercase).
pub fn katakana_for(english: &str) -> Vec<&'static str> {
    en().get(english).take(MOST).collect()
}

/// English for a katakana word (normalized): the word itself if EDICT has it, otherwise its
/// parts, longest first from the left (`デディケイテッドホスト` → `ホスト` …). Parts shorter than
/// three characters are skipped: `ド`, `スト` would match anything.
pub fn english_for(katakana: &str) -> Vec<&'static str> {
    let table = ja();
    let whole: Vec<&str> = table.get(katakana).take(MOST).collect();
    if !whole.is_empty() {
        return whole;
    }
    let chars: Vec<char> = katakana.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let found = (i + MIN_PART..=chars.len()).rev().find_map(|end| {
            let part: String = chars[i..end].iter().collect();
            let english: Vec<&str> = table.get(&part).take(MOST).collect();
            (!english.is_empty()).then_some((end, english))
        });
        match found {
            Some((end, english)) => {
                out.extend(english);
                i = end;
            }
            None => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_words_have_their_katakana() {
        assert!(katakana_for("metadata").contains(&"メタデータ"), "{:?}", katakana_for("metadata"));
        assert!(katakana_for("template").contains(&"テンプレート"));
        assert!(katakana_for("no-such-word-here").is_empty());
    }

    #[test]
    fn katakana_compounds_are_split_into_known_words() {
        assert!(english_for("メタデータ").contains(&"metadata"));
        let parts = english_for("ファブリックアダプタ");
        assert!(parts.contains(&"fabric") && parts.contains(&"adapter"), "{parts:?}");
    }

    #[test]
    fn the_table_is_sorted_and_large() {
        let t = en();
        assert!(t.starts.len() > 20_000, "{} entries", t.starts.len());
        assert!((1..t.starts.len()).all(|i| t.line(i - 1).0 <= t.line(i).0));
        assert_eq!(katakana_for("host").first(), Some(&"ホスト"), "the computing sense first");
    }
}
