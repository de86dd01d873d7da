//! A small table of AWS names that members write in different ways: katakana for English names
//! (クラウドフロント / CloudFront), spaced and joined spellings (Cloud Front / CloudFront), and
//! long names for the abbreviations the notes use (Elastic Kubernetes Service → EKS).
//!
//! A question that contains one spelling is searched with the others added, so the notes' own
//! spelling is found whichever one the member typed.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use super::analyzer::normalize;

/// Spellings of one name; any one of them brings in all the others.
const SAME: &[&[&str]] = &[
    &["cloudfront", "cloud front", "クラウドフロント"],
    &["スポットフリート", "spot fleet"],
    &["スポットブロック", "spot block"],
    &["スポットインスタンス", "spot instance"],
    &["オンデマンド", "on-demand", "on demand"],
    &["リザーブドインスタンス", "reserved instance"],
    &["カナリア", "canary"],
    &["リニア", "linear"],
    &["ブルーグリーン", "ブルー/グリーン", "blue/green", "blue / green"],
    &["オールアットワンス", "all-at-once", "all at once"],
    &["トラフィックミラーリング", "traffic mirroring"],
    &["マーケットプレイス", "marketplace", "market place"],
    &["サービスカタログ", "service catalog"],
    &["appstream", "app stream", "アップストリーム"],
    &["ワークスペース", "workspaces"],
    &["ハイバネーション", "hibernation"],
    &["ファーゲート", "fargate"],
    &["クバネティス", "クーバネティス", "kubernetes", "k8s"],
    &["ドッカー", "docker"],
    &["route 53", "route53", "ルート53"],
    &["ローカルゾーン", "local zones", "local zone"],
    &["アウトポスト", "outposts", "outpost"],
    &["トランスファーファミリー", "transfer family"],
    &["クラウドサーチ", "cloudsearch", "cloud search"],
    &["アマゾンコネクト", "amazon connect"],
    &["プレイスメントグループ", "placement group"],
    &["インスタンスストア", "instance store"],
    &["ユーザーデータ", "user data", "userdata"],
    &["アベイラビリティーゾーン", "アベイラビリティゾーン", "アベイラリティゾーン", "availability zone"],
    &["フェイルオーバー", "failover", "fail over"],
    &["ライフサイクルポリシー", "lifecycle policy"],
    &["プルスルーキャッシュ", "pull through cache", "pull-through cache"],
    &["署名付きurl", "presigned url", "signed url"],
    &["ゴールデンイメージ", "golden image"],
    &["イメージビルダー", "image builder"],
    &["ベアメタル", "bare metal", "baremetal"],
    &["テナンシー", "tenancy"],
    &["エッジロケーション", "edge location"],
    &["責任共有モデル", "shared responsibility model"],
    &["セキュアブラウザ", "secure browser"],
];

/// Long names and the abbreviations the notes use; only the long form brings in the short one
/// (an abbreviation's expansion would match every section that says "Elastic" or "Cloud").
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("elastic compute cloud", "ec2"),
    ("elastic kubernetes service", "eks"),
    ("elastic container service", "ecs"),
    ("elastic container registry", "ecr"),
    ("virtual private cloud", "vpc"),
    ("amazon machine image", "ami"),
    ("elastic network interface", "eni"),
    ("elastic fabric adapter", "efa"),
    ("horizontal pod autoscaler", "hpa"),
    ("interactive video service", "ivs"),
    ("contact control panel", "ccp"),
    ("origin access identity", "oai"),
    ("origin access control", "oac"),
    ("web application firewall", "waf"),
    ("simple notification service", "sns"),
    ("リザーブドインスタンス", "ri"),
];

/// One spelling, normalized, and with long-vowel marks removed for matching Japanese.
#[derive(Debug, Clone)]
pub struct Spelling {
    pub text: String,
    folded: String,
}

impl Spelling {
    pub fn new(raw: &str) -> Spelling {
        let text = normalize(raw);
        Spelling { folded: fold(&text), text }
    }

    /// Whether the spelling occurs in `text` (`folded` is `fold(text)`, computed once per text).
    pub fn found_in(&self, text: &str, folded: &str) -> bool {
        if self.text.is_ascii() {
            mentions(text, &self.text)
        } else {
            folded.match_indices(self.folded.as_str()).any(|(at, _)| self.is_at(folded, at))
        }
    }

    /// Whether the spelling occurs in `folded` at byte `at` as a word of it: a Latin spelling as
    /// a whole word (`ri` not inside `priority`); a Japanese spelling of one or two characters
    /// once folded (`ポリー`, Polly, is `ポリ`) as a katakana word of its own, not inside a longer
    /// one (`ポリシー`); a longer one also inside compounds (`ラムダ` in `ラムダ関数`).
    fn is_at(&self, folded: &str, at: usize) -> bool {
        if !folded[at..].starts_with(&self.folded) {
            return false;
        }
        let end = at + self.folded.len();
        let (before, after) = (folded[..at].chars().next_back(), folded[end..].chars().next());
        if self.text.is_ascii() {
            !before.is_some_and(|c| c.is_ascii_alphanumeric())
                && !after.is_some_and(|c| c.is_ascii_alphanumeric())
        } else if self.folded.chars().count() < MIN_INSIDE {
            !before.is_some_and(super::kana::is_katakana) && !after.is_some_and(super::kana::is_katakana)
        } else {
            true
        }
    }
}

/// Shortest folded Japanese spelling found inside a longer word.
const MIN_INSIDE: usize = 3;

/// Long-vowel marks are optional in katakana names (ユーザーデータ / ユーザデータ).
pub fn fold(text: &str) -> String {
    text.replace('ー', "")
}

/// The tables with every spelling normalized and folded, built once: matching a question against
/// them then allocates nothing per spelling (it was an eighth of search time when it did).
struct Table {
    same: Vec<Vec<Spelling>>,
    abbreviations: Vec<(Spelling, Spelling)>,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| Table {
        same: SAME.iter().map(|group| group.iter().map(|v| Spelling::new(v)).collect()).collect(),
        abbreviations: ABBREVIATIONS.iter().map(|(l, s)| (Spelling::new(l), Spelling::new(s))).collect(),
    })
}

/// The spellings (of the alias table and of the gazetteer) a text mentions, found in one pass.
pub struct Found {
    spellings: HashSet<usize>,
}

impl Found {
    /// Whether the text mentions this spelling (one of the tables' own, by identity).
    pub fn has(&self, spelling: &Spelling) -> bool {
        self.spellings.contains(&(spelling as *const Spelling as usize))
    }
}

/// Every spelling of both tables, by its first character: a question is scanned once, and at
/// each character only the spellings starting with it are tried (matching 600 names one
/// `contains` at a time was a fifth of search time; an Aho-Corasick automaton took a one-shot
/// `shiori ask` milliseconds to build).
fn by_first_char() -> &'static HashMap<char, Vec<&'static Spelling>> {
    static INDEX: OnceLock<HashMap<char, Vec<&'static Spelling>>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let table = table();
        let mut index: HashMap<char, Vec<&'static Spelling>> = HashMap::new();
        let all = table
            .same
            .iter()
            .flatten()
            .chain(table.abbreviations.iter().flat_map(|(l, s)| [l, s]))
            .chain(super::gazetteer::services().iter().flat_map(|s| s.spellings()));
        for spelling in all {
            if let Some(first) = spelling.folded.chars().next() {
                index.entry(first).or_default().push(spelling);
            }
        }
        index
    })
}

/// The spellings `normalized` mentions, ignoring `ー`, each as [`Spelling::is_at`] finds it.
pub fn find(normalized: &str) -> Found {
    let index = by_first_char();
    let folded = fold(normalized);
    let mut spellings = HashSet::new();
    for (at, c) in folded.char_indices() {
        for spelling in index.get(&c).into_iter().flatten() {
            if spelling.is_at(&folded, at) {
                spellings.insert(*spelling as *const Spelling as usize);
            }
        }
    }
    Found { spellings }
}

/// The normalized text with the other spellings of every name it mentions appended.
pub fn expand(normalized: &str) -> String {
    let table = table();
    let found = find(normalized);
    let mut out = normalized.to_owned();
    let mut added: Vec<&str> = Vec::new();
    let mut add = |spelling: &'static Spelling, out: &mut String| {
        if !found.has(spelling) && !added.contains(&spelling.text.as_str()) {
            out.push(' ');
            out.push_str(&spelling.text);
            added.push(&spelling.text);
        }
    };
    for group in &table.same {
        if group.iter().any(|v| found.has(v)) {
            group.iter().for_each(|v| add(v, &mut out));
        }
    }
    for (long, short) in &table.abbreviations {
        if found.has(long) {
            add(short, &mut out);
        }
    }
    for service in super::gazetteer::services() {
        if service.names.iter().any(|v| found.has(v)) {
            service.spellings().for_each(|v| add(v, &mut out));
        }
    }
    out
}

/// Other spellings of a name, as the table writes them (empty when the name is not in it).
pub fn spellings(name: &str) -> Vec<String> {
    let normalized = normalize(name);
    let table = table();
    let mut out = Vec::new();
    for (variants, raw) in table.same.iter().zip(SAME) {
        if variants.iter().any(|v| normalize_eq(&normalized, &v.text)) {
            out.extend(raw.iter().map(|s| s.to_string()));
        }
    }
    for ((long, short), (raw_long, raw_short)) in table.abbreviations.iter().zip(ABBREVIATIONS) {
        if normalize_eq(&normalized, &long.text) || normalize_eq(&normalized, &short.text) {
            out.extend([raw_long.to_string(), raw_short.to_string()]);
        }
    }
    out
}

fn normalize_eq(a: &str, b: &str) -> bool {
    fold(a) == fold(b)
}

/// Whether `text` mentions `name`: as a substring for Japanese (ignoring `ー`), as whole words for
/// Latin names (`ri` must not match inside `priority`).
fn mentions(text: &str, name: &str) -> bool {
    if !name.is_ascii() {
        return fold(text).contains(&fold(name));
    }
    text.match_indices(name).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + name.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_alphanumeric())
            && !after.is_some_and(|c| c.is_ascii_alphanumeric())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn katakana_brings_in_english_and_back() {
        let e = expand(&normalize("クラウドフロントとは"));
        assert!(e.contains("cloudfront") && e.contains("cloud front"), "{e}");
        let e = expand(&normalize("Spot Fleet とは"));
        assert!(e.contains("スポットフリート"), "{e}");
    }

    #[test]
    fn long_names_bring_in_abbreviations_only_one_way() {
        assert!(expand("elastic kubernetes serviceとは").ends_with(" eks"));
        assert_eq!(expand("eksとは"), "eksとは");
    }

    #[test]
    fn latin_names_match_whole_words() {
        assert!(!mentions("priority", "ri"));
        assert!(mentions("riの割引", "ri"));
        assert!(!mentions("linearly", "linear"));
    }
}
