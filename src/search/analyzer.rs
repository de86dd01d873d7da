//! Text analysis, defined once for indexing and querying.
//!
//! Every text goes through [`normalize`] first (NFKC, lowercase, katakana spelling variants), then
//! through two tokenizers that are indexed into separate fields and queried together:
//!
//! - [`MORPH`]: lindera with the embedded IPADIC, base forms, particles/auxiliaries/symbols and
//!   question boilerplate dropped. Precise for words the dictionary knows.
//! - [`BIGRAM`]: overlapping character bigrams over each run of Japanese text, whole words for
//!   Latin/digits. It finds the parts of compounds the dictionary keeps whole (IPADIC reads the
//!   unknown `オリジンフェイルオーバー` as one token, so `フェイルオーバー` alone would miss it).

use std::collections::HashSet;

use lindera::mode::Mode;
use lindera::segmenter::Segmenter;
use lindera_analysis::token_filter::japanese_base_form::JapaneseBaseFormTokenFilter;
use lindera_analysis::token_filter::stop_words::StopWordsTokenFilter;
use lindera_analysis::token_filter::{BoxTokenFilter, TokenFilter};
use lindera_tantivy::tokenizer::LinderaTokenizer;
use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};
use unicode_normalization::UnicodeNormalization;

use super::dictionary;

/// Tokenizer name of the morphological fields.
pub const MORPH: &str = "shiori_ja";
/// Tokenizer name of the character-bigram fields.
pub const BIGRAM: &str = "shiori_bigram";

/// Parts of speech that carry no meaning for retrieval: IPADIC tags, matched as prefixes of a
/// token's comma-joined part-of-speech fields (so `助詞` covers every kind of particle).
const STOP_TAGS: &[&str] = &[
    "助詞",
    "助動詞",
    "記号",
    "接続詞",
    "感動詞",
    "フィラー",
    "その他,間投",
    "非言語音",
    "名詞,非自立",
    "名詞,代名詞",
    "名詞,接尾,助動詞語幹",
    "動詞,非自立",
    "動詞,接尾",
    "形容詞,非自立",
];

/// Base forms that appear in questions and on every other line of the notes, and so say nothing
/// about which section answers: 「〜とは何？」「〜するにはどうすればいい？」.
const STOP_WORDS: &[&str] = &[
    "する",
    "できる",
    "ある",
    "いる",
    "なる",
    "れる",
    "られる",
    "せる",
    "させる",
    "ない",
    "いう",
    "何",
    "なに",
    "どう",
    "どの",
    "どれ",
    "どんな",
    "どこ",
    "いつ",
    "なぜ",
    "いい",
    "よい",
    "良い",
    "教える",
    "知る",
    "場合",
    "こと",
    "もの",
    "ため",
    "よう",
    "とき",
    "くださる",
    "ください",
    "いくつ",
    "どのくらい",
    "どれくらい",
    "どういう",
    "について",
    "とは",
];

/// Normalizes text before tokenizing: NFKC (full-width ＥＣ２ → EC2, half-width kana → full),
/// lowercase, `ェイ` → `ェー` (インターフェイス/インターフェース, フェイルオーバー/フェールオーバー),
/// and a katakana word of four or more characters loses its final `ー` (サーバー → サーバ).
pub fn normalize(text: &str) -> String {
    let nfkc: String = text.nfkc().flat_map(char::to_lowercase).collect();
    let mut out = String::with_capacity(nfkc.len());
    let chars: Vec<char> = nfkc.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if !is_katakana(chars[i]) {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && is_katakana(chars[i]) {
            i += 1;
        }
        let mut word: Vec<char> = chars[start..i].to_vec();
        for k in 1..word.len() {
            if word[k - 1] == 'ェ' && word[k] == 'イ' {
                word[k] = 'ー';
            }
        }
        if word.len() >= 4 && word.last() == Some(&'ー') {
            word.pop();
        }
        out.extend(word);
    }
    out
}

fn is_katakana(c: char) -> bool {
    matches!(c, '\u{30A1}'..='\u{30FA}' | 'ー' | '\u{30FD}'..='\u{30FF}')
}

/// Builds the morphological analyzer (lindera + IPADIC + filters).
pub fn morph_analyzer() -> Result<TextAnalyzer, lindera::error::LinderaError> {
    let dictionary = dictionary::ipadic()?;
    let segmenter = Segmenter::new(Mode::Normal, dictionary, None);
    let mut tokenizer = LinderaTokenizer::from_segmenter(segmenter);
    let words: HashSet<String> = STOP_WORDS.iter().map(|w| w.to_string()).collect();
    tokenizer
        .append_token_filter(BoxTokenFilter::from(StopTagPrefixes))
        .append_token_filter(BoxTokenFilter::from(JapaneseBaseFormTokenFilter::new()))
        .append_token_filter(BoxTokenFilter::from(StopWordsTokenFilter::new(words)));
    Ok(TextAnalyzer::builder(tokenizer).build())
}

/// Drops tokens whose part of speech starts with one of [`STOP_TAGS`], and tokens with no letter
/// or digit. lindera's own
/// `JapaneseStopTagsTokenFilter` matches the full four-level tag only, which would need every
/// particle subtype spelled out.
#[derive(Clone, Copy, Debug)]
struct StopTagPrefixes;

impl TokenFilter for StopTagPrefixes {
    fn name(&self) -> &'static str {
        "shiori_stop_tag_prefixes"
    }

    fn apply(&self, tokens: &mut Vec<lindera::token::Token<'_>>) -> lindera::LinderaResult<()> {
        tokens.retain_mut(|token| {
            // Punctuation the dictionary does not know (a half-width `?`) comes out as an unknown
            // token rather than 記号: anything without a letter or digit goes too.
            if !token.surface.chars().any(char::is_alphanumeric) {
                return false;
            }
            let tag = token.details().join(",");
            !STOP_TAGS.iter().any(|stop| {
                tag.strip_prefix(stop).is_some_and(|rest| rest.is_empty() || rest.starts_with(','))
            })
        });
        Ok(())
    }
}

/// Builds the bigram analyzer.
pub fn bigram_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(BigramTokenizer).build()
}

/// Registers both analyzers on an index under the names the schema uses.
pub fn register(index: &tantivy::Index) -> Result<(), lindera::error::LinderaError> {
    index.tokenizers().register(MORPH, morph_analyzer()?);
    index.tokenizers().register(BIGRAM, bigram_analyzer());
    Ok(())
}

/// The terms an analyzer makes of (already normalized) text, in order, duplicates kept.
pub fn terms(analyzer: &mut TextAnalyzer, normalized: &str) -> Vec<String> {
    let mut stream = analyzer.token_stream(normalized);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

/// Character bigrams over runs of CJK/kana; whole words for runs of Latin letters and digits.
#[derive(Clone, Copy, Debug, Default)]
pub struct BigramTokenizer;

/// The tokens of one text, computed up front (sections are short).
pub struct BigramStream {
    tokens: Vec<Token>,
    next: usize,
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum Script {
    Word,
    Cjk,
    Other,
}

fn script(c: char) -> Script {
    if c.is_ascii_alphanumeric() || c == '_' {
        Script::Word
    } else if c.is_alphanumeric() && !c.is_ascii() {
        // Kanji, kana and other letters; `ー` counts as part of a katakana word.
        Script::Cjk
    } else if c == 'ー' {
        Script::Cjk
    } else {
        Script::Other
    }
}

impl Tokenizer for BigramTokenizer {
    type TokenStream<'a> = BigramStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> BigramStream {
        let mut tokens = Vec::new();
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let end_of = |i: usize| chars.get(i).map_or(text.len(), |(o, _)| *o);
        let mut i = 0;
        while i < chars.len() {
            let kind = script(chars[i].1);
            let start = i;
            while i < chars.len() && script(chars[i].1) == kind {
                i += 1;
            }
            let mut push = |from: usize, to: usize| {
                let position = tokens.len();
                tokens.push(Token {
                    offset_from: chars[from].0,
                    offset_to: end_of(to),
                    position,
                    text: text[chars[from].0..end_of(to)].to_owned(),
                    position_length: 1,
                });
            };
            match kind {
                Script::Other => {}
                Script::Word => push(start, i),
                Script::Cjk if i - start == 1 => push(start, i),
                Script::Cjk => (start..i - 1).for_each(|k| push(k, k + 2)),
            }
        }
        BigramStream { tokens, next: 0 }
    }
}

impl TokenStream for BigramStream {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_folds_width_case_and_katakana_variants() {
        assert_eq!(normalize("ＥＣ２　ハイバネーション"), "ec2 ハイバネーション");
        assert_eq!(normalize("サーバー"), normalize("サーバ"));
        assert_eq!(normalize("インターフェイス"), normalize("インターフェース"));
        assert_eq!(normalize("フェイルオーバー"), normalize("フェールオーバー"));
        assert_eq!(normalize("ｽﾎﾟｯﾄ"), "スポット");
        assert_eq!(normalize("データ"), "データ", "short words keep their long vowel");
    }

    #[test]
    fn morph_drops_particles_and_question_words() {
        let mut a = morph_analyzer().unwrap();
        let t = terms(&mut a, &normalize("スポットインスタンスの中断を減らすにはどうすればいい？"));
        assert_eq!(t, vec!["スポット", "インスタンス", "中断", "減らす"]);
    }

    #[test]
    fn bigrams_split_japanese_runs_and_keep_words() {
        let mut a = bigram_analyzer();
        assert_eq!(terms(&mut a, "ec2のハイバ"), vec!["ec2", "のハ", "ハイ", "イバ"]);
        assert_eq!(terms(&mut a, "s3 / 鍵"), vec!["s3", "鍵"]);
    }
}
