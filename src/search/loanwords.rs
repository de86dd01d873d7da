//! English ↔ katakana for loanwords, from JMdict/EDICT (Debian's `edict` package, read and
//! checksummed by `build.rs` the way mecab-ipadic is): `metadata` ↔ メタデータ, `template` ↔
//! テンプレート. A member who writes `instance metadata` finds インスタンスメタデータ, and one who
//! writes デディケイテッドホスト finds `Dedicated Host`.
//!
//! The tables are two `english\tkatakana` / `katakana\tenglish` texts sorted by key (within a
//! key, earlier glosses and common words first), embedded in the binary; lookups are binary
//! searches over byte offsets. A third, `english\tword`, holds the common words EDICT writes with
//! kanji (`video` → 動画), for [`translations`].

/// SHA-256 of the EDICT file the table was made from.
pub const SOURCE_DIGEST: &str = env!("SHIORI_EDICT_DIGEST");

static EN: &str = include_str!(concat!(env!("OUT_DIR"), "/loanwords-en.tsv"));
static JA: &str = include_str!(concat!(env!("OUT_DIR"), "/loanwords-ja.tsv"));
static GLOSSES: &str = include_str!(concat!(env!("OUT_DIR"), "/glosses-en.tsv"));

/// Most spellings one word brings in: a common word (`data`, `set`) has many loanwords.
const MOST: usize = 3;
/// Shortest katakana part looked up when a compound is split.
const MIN_PART: usize = 3;

/// One sorted table: `key\tvalue` lines, looked up by binary search over byte offsets (no
/// index to build: a one-shot `shiori search` would spend milliseconds making one).
struct Table {
    text: &'static str,
}

impl Table {
    /// The start of the line holding byte `at` (which may fall inside a character).
    fn line_start(&self, mut at: usize) -> usize {
        while !self.text.is_char_boundary(at) {
            at -= 1;
        }
        self.text[..at].rfind('\n').map_or(0, |i| i + 1)
    }

    /// The line starting at `start`: its key, value and the start of the next line.
    fn line(&self, start: usize) -> (&'static str, &'static str, usize) {
        let rest = &self.text[start..];
        let (line, next) = match rest.find('\n') {
            Some(i) => (&rest[..i], start + i + 1),
            None => (rest, self.text.len()),
        };
        let (key, value) = line.split_once('\t').unwrap_or((line, ""));
        (key, value, next)
    }

    /// The start of the first line whose key is not less than `key`: bisect over byte offsets,
    /// each probe moved back to the start of its line.
    fn first_at_least(&self, key: &str) -> usize {
        let (mut lo, mut hi) = (0, self.text.len());
        while lo < hi {
            let start = self.line_start(lo + (hi - lo) / 2);
            let (k, _, next) = self.line(start);
            if k < key {
                lo = next;
            } else {
                hi = start;
            }
        }
        lo
    }

    /// The lines whose key starts with `prefix`, as `(key, value)`.
    fn prefixed(&self, prefix: &str) -> Vec<(&'static str, &'static str)> {
        let mut out = Vec::new();
        let mut at = self.first_at_least(prefix);
        while at < self.text.len() {
            let (k, v, next) = self.line(at);
            if !k.starts_with(prefix) {
                break;
            }
            out.push((k, v));
            at = next;
        }
        out
    }

    /// The values stored under `key`, in table order.
    fn get(&self, key: &str) -> Vec<&'static str> {
        let mut out = Vec::new();
        let mut at = self.first_at_least(key);
        while at < self.text.len() && out.len() < MOST {
            let (k, v, next) = self.line(at);
            if k != key {
                break;
            }
            out.push(v);
            at = next;
        }
        out
    }
}

static EN_TABLE: Table = Table { text: EN };
static JA_TABLE: Table = Table { text: JA };

fn en() -> &'static Table {
    &EN_TABLE
}

fn ja() -> &'static Table {
    &JA_TABLE
}

/// Katakana spellings of an English word (normalized: lowercase). A plural EDICT does not list
/// is looked up as its singular (`workflows` → ワークフロ, `policies` → ポリシ, normalized): katakana has
/// no plural, and members write `managed workflows` as the console does.
pub fn katakana_for(english: &str) -> Vec<&'static str> {
    let found = en().get(english);
    if !found.is_empty() {
        return found;
    }
    singulars(english).into_iter().map(|s| en().get(&s)).find(|k| !k.is_empty()).unwrap_or_default()
}

/// The singulars an English plural may have, most specific first: `policies` → `policy`,
/// `boxes` → `box`, `rules` → `rule`. Nothing for a word without a plural ending or shorter
/// than four letters (`bus`, `gas` are not plurals of anything here).
fn singulars(word: &str) -> Vec<String> {
    if word.len() < 4 || !word.ends_with('s') || word.ends_with("ss") {
        return Vec::new();
    }
    let mut out = Vec::new();
    if let Some(stem) = word.strip_suffix("ies") {
        out.push(format!("{stem}y"));
    }
    if let Some(stem) = word.strip_suffix("es") {
        out.push(stem.to_owned());
    }
    out.push(word[..word.len() - 1].to_owned());
    out
}

static GLOSS_TABLE: Table = Table { text: GLOSSES };

/// Translations of words of AWS names that EDICT's common glosses lack (`spread` → 分散):
/// `dict/glosses-aws.tsv`, which says where they come from.
static AWS_GLOSSES: &str = include_str!("../../dict/glosses-aws.tsv");

fn aws_glosses() -> impl Iterator<Item = (&'static str, &'static str)> {
    static PAIRS: std::sync::OnceLock<Vec<(&'static str, &'static str)>> = std::sync::OnceLock::new();
    PAIRS
        .get_or_init(|| {
            AWS_GLOSSES
                .lines()
                .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
                .filter_map(|l| l.split_once('\t'))
                .collect()
        })
        .iter()
        .copied()
}

/// The common Japanese words written with kanji that EDICT glosses with `english` or another
/// form of it (`video` → 動画, `termination` → 終了, `prices` → 価格): what a stem that
/// translates an English name says. Empty for words shorter than four letters.
pub fn translations(english: &str) -> Vec<&'static str> {
    let english = english.to_ascii_lowercase();
    if english.len() < 4 {
        return Vec::new();
    }
    let root = stem(&english);
    let mut out: Vec<&str> =
        GLOSS_TABLE.prefixed(root).into_iter().filter(|(k, _)| stem(k) == root).map(|(_, v)| v).collect();
    out.extend(aws_glosses().filter(|(k, _)| stem(k) == root).map(|(_, v)| v));
    // A katakana word of an AWS name inside a compound (フリート in スポットフリート).
    if english.chars().all(crate::search::kana::is_katakana) {
        out.extend(aws_glosses().filter(|(k, _)| !k.is_ascii() && english.contains(k)).map(|(_, v)| v));
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// `english` without one inflectional or derivational ending, when four letters are left:
/// `prices` and `price` → `pric`, `terminations` → `terminat`. Crude, but the same on both sides.
fn stem(english: &str) -> &str {
    const ENDINGS: &[&str] = &[
        "ification",
        "ication",
        "ation",
        "ition",
        "ness",
        "ment",
        "ized",
        "ised",
        "ied",
        "ies",
        "ing",
        "ive",
        "ed",
        "es",
        "s",
        "y",
        "e",
    ];
    ENDINGS.iter().find_map(|e| english.strip_suffix(e).filter(|rest| rest.len() >= 4)).unwrap_or(english)
}

/// English for a katakana word (normalized): the word itself if EDICT has it, otherwise its
/// parts, longest first from the left (`デディケイテッドホスト` → `ホスト` …). Parts shorter than
/// three characters are skipped: `ド`, `スト` would match anything.
pub fn english_for(katakana: &str) -> Vec<&'static str> {
    english_parts(katakana).into_iter().flatten().collect()
}

/// [`english_for`] part by part: each known part of the compound with its English glosses
/// (one part when EDICT has the whole word). `エラスティックファブリックアダプタ` → `[[elastic],
/// [fabric], [adapter]]`: a text that has the word has every part.
pub fn english_parts(katakana: &str) -> Vec<Vec<&'static str>> {
    let table = ja();
    let whole: Vec<&str> = table.get(katakana);
    if !whole.is_empty() {
        return vec![whole];
    }
    let chars: Vec<char> = katakana.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let found = (i + MIN_PART..=chars.len()).rev().find_map(|end| {
            let part: String = chars[i..end].iter().collect();
            let english: Vec<&str> = table.get(&part);
            (!english.is_empty()).then_some((end, english))
        });
        match found {
            Some((end, english)) => {
                out.push(english);
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
        // Plurals EDICT does not list are looked up as singulars.
        // (The table is normalized: a long katakana word has no final ー.)
        assert!(katakana_for("workflows").contains(&"ワークフロ"), "{:?}", katakana_for("workflows"));
        assert!(katakana_for("policies").contains(&"ポリシ"), "{:?}", katakana_for("policies"));
        assert!(katakana_for("templates").contains(&"テンプレート"));
        assert!(singulars("bus").is_empty() && singulars("address").is_empty());
        assert_eq!(singulars("boxes"), vec!["box", "boxe"]);
    }

    #[test]
    fn english_words_have_their_common_kanji_translations() {
        assert!(translations("Video").contains(&"動画"), "{:?}", translations("video"));
        assert!(translations("termination").contains(&"終了"), "{:?}", translations("termination"));
        assert!(translations("prices").contains(&"価格"), "{:?}", translations("prices"));
        assert!(
            translations("search").contains(&"検索"),
            "from `searching for`: {:?}",
            translations("search")
        );
        assert!(translations("set").is_empty(), "short words are too ambiguous");
        // EDICT has spread as 広がる, not as AWS's 分散 (dict/glosses-aws.tsv).
        assert!(translations("Spread").contains(&"分散"), "{:?}", translations("spread"));
        assert!(translations("diversified").contains(&"分散"), "{:?}", translations("diversified"));
        assert!(translations("zzzzword").is_empty());
        assert_eq!(stem("prices"), stem("price"));
    }

    #[test]
    fn every_line_of_the_aws_glosses_is_read() {
        // A line without its tab, with a capital or a space in its English, or with a katakana
        // key not normalized, would be skipped or never looked up: the bundled file has none.
        let data: Vec<&str> =
            AWS_GLOSSES.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).collect();
        assert_eq!(aws_glosses().count(), data.len(), "a line without a tab");
        for (english, japanese) in aws_glosses() {
            // A katakana key is a word of a name, normalized as the words it is looked up in.
            let katakana = english.chars().count() >= 3
                && english.chars().all(crate::search::kana::is_katakana)
                && crate::search::analyzer::normalize(english) == english;
            let lowercase = english.chars().all(|c| c.is_ascii_lowercase()) && english.len() >= 4;
            assert!(lowercase || katakana, "{english}");
            assert!(!japanese.trim().is_empty() && japanese == japanese.trim(), "{english}: {japanese:?}");
        }
    }

    #[test]
    fn katakana_compounds_are_split_into_known_words() {
        assert!(english_for("メタデータ").contains(&"metadata"));
        let parts = english_for("ファブリックアダプタ");
        assert!(parts.contains(&"fabric") && parts.contains(&"adapter"), "{parts:?}");
        let parts = english_parts("エラスティックファブリックアダプタ");
        assert_eq!(parts.len(), 3, "{parts:?}");
        assert!(parts[0].contains(&"elastic") && parts[2].contains(&"adapter"), "{parts:?}");
    }

    #[test]
    fn the_table_is_sorted_and_large() {
        let keys: Vec<&str> = EN.lines().map(|l| l.split_once('\t').map_or(l, |(k, _)| k)).collect();
        assert!(keys.len() > 20_000, "{} entries", keys.len());
        assert!(keys.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(
            en().get(keys[0]).first().copied(),
            EN.lines().next().and_then(|l| l.split_once('\t')).map(|(_, v)| v)
        );
        assert!(en().get("zzzz-not-a-word").is_empty() && en().get("").is_empty());
        assert_eq!(katakana_for("host").first(), Some(&"ホスト"), "the computing sense first");
    }
}
