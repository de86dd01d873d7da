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

use lindera::error::LinderaError;
use lindera::mode::Mode;
use lindera::segmenter::Segmenter;
use lindera_analysis::token_filter::japanese_base_form::JapaneseBaseFormTokenFilter;
use lindera_analysis::token_filter::japanese_katakana_stem::JapaneseKatakanaStemTokenFilter;
use lindera_analysis::token_filter::{BoxTokenFilter, TokenFilter};
use lindera_tantivy::tokenizer::LinderaTokenizer;
use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};
use unicode_normalization::{IsNormalized, UnicodeNormalization};

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
/// about which section answers: 「〜とは何？」「〜するにはどうすればいい？」「〜の特徴は？」
/// 「AとBの違いは？」.
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
///
/// Text NFKC leaves as it is (ASCII, most Japanese) skips the NFKC pass: building the service
/// and thesaurus tables at the start of every `shiori search` normalized hundreds of names, and
/// NFKC was most of that.
pub fn normalize(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    let lowered: String = if unicode_normalization::is_nfkc_quick(text.chars()) == IsNormalized::Yes {
        text.chars().flat_map(char::to_lowercase).collect()
    } else {
        text.nfkc().flat_map(char::to_lowercase).collect()
    };
    super::kana::fold_katakana(&lowered)
}

/// A katakana token at least this long loses its final `ー` (ユーザー → ユーザ), also inside compounds
/// that [`normalize`] sees as one run.
const KATAKANA_STEM_MIN: std::num::NonZeroUsize = std::num::NonZeroUsize::new(3).unwrap();

/// Builds the morphological analyzer (lindera + IPADIC + filters).
pub fn morph_analyzer() -> Result<TextAnalyzer, lindera::error::LinderaError> {
    let mut tokenizer = LinderaTokenizer::from_segmenter(segmenter()?);
    tokenizer
        .append_token_filter(BoxTokenFilter::from(DropNoise))
        .append_token_filter(BoxTokenFilter::from(JapaneseBaseFormTokenFilter::new()))
        .append_token_filter(BoxTokenFilter::from(JapaneseKatakanaStemTokenFilter::new(KATAKANA_STEM_MIN)));
    Ok(TextAnalyzer::builder(tokenizer).build())
}

/// A lindera segmenter over the embedded IPADIC.
pub fn segmenter() -> Result<Segmenter, lindera::error::LinderaError> {
    Ok(Segmenter::new(Mode::Normal, dictionary::ipadic()?, None))
}

/// True when a token says nothing about which section answers: no letter or digit (punctuation
/// the dictionary does not know comes out as an unknown token, not 記号), a part of speech in
/// [`STOP_TAGS`], or a base form in [`STOP_WORDS`].
pub(crate) fn is_noise(token: &mut lindera::token::Token<'_>) -> bool {
    if !token.surface.chars().any(char::is_alphanumeric) {
        return true;
    }
    let tag = token.details().join(",");
    let stop_tag = STOP_TAGS
        .iter()
        .any(|stop| tag.strip_prefix(stop).is_some_and(|rest| rest.is_empty() || rest.starts_with(',')));
    if stop_tag || STOP_WORDS.contains(&token.surface.as_ref()) {
        return true;
    }
    let base = if token.word_id.is_unknown() { None } else { token.get("base_form").map(str::to_owned) };
    base.is_some_and(|b| STOP_WORDS.contains(&b.as_str()))
}

/// The question with its noise tokens blanked out (spaces of the same byte length, so offsets
/// are kept), so its character bigrams do not straddle a particle (`スの`, `には`) and match
/// sections at random.
pub fn content_only(segmenter: &Segmenter, normalized: &str) -> Result<String, LinderaError> {
    let mut tokens = segmenter.segment(std::borrow::Cow::Borrowed(normalized))?;
    let mut out = String::with_capacity(normalized.len());
    let mut cursor = 0;
    for token in tokens.iter_mut() {
        // The segmenter skips white space: keep it, or `fail over` would become `failover`.
        out.push_str(&normalized[cursor..token.byte_start.max(cursor)]);
        if is_noise(token) {
            // As many spaces as the token had bytes: offsets stay those of the input.
            out.extend(std::iter::repeat_n(' ', token.byte_end - token.byte_start));
        } else {
            out.push_str(&normalized[token.byte_start..token.byte_end]);
        }
        cursor = token.byte_end;
    }
    out.push_str(&normalized[cursor.min(normalized.len())..]);
    Ok(out)
}

/// Markers of a definition question: 「Xとは」「Xって何」「Xについて」.
const DEFINITION_MARKERS: &[&str] = &["とは", "って", "について"];

/// Words for what kind of thing something is, which a definition question may end with
/// (「Xって何のサービス？」「Xとはどういう考え方？」「Xってどんな機能？」): they ask what X is, nothing
/// more specific. Generic category nouns of Japanese, not words of any set of notes.
const WHAT_KIND_OF: &[&str] =
    &["サービス", "機能", "もの", "考え方", "概念", "仕組み", "意味", "役割", "ツール"];

/// What a definition question asks about: X in 「Xとは？」「Xって何ですか」「Xについて教えて」,
/// or the whole question when it is only a name (no particle, no verb). `None` for any other
/// question, including 「Xとは何のためにある？」 whose tail asks something more specific.
pub fn subject(segmenter: &Segmenter, normalized: &str) -> Result<Option<String>, LinderaError> {
    let text = normalized.trim();
    for marker in DEFINITION_MARKERS {
        if let Some(at) = text.find(marker) {
            let (head, tail) = (text[..at].trim(), &text[at + marker.len()..]);
            let mut rest = content_only(segmenter, tail)?;
            for word in WHAT_KIND_OF {
                rest = rest.replace(word, " ");
            }
            let tail_is_boilerplate = rest.chars().all(|c| !c.is_alphanumeric());
            return Ok((!head.is_empty() && tail_is_boilerplate).then(|| head.to_owned()));
        }
    }
    let mut tokens = segmenter.segment(std::borrow::Cow::Borrowed(text))?;
    let only_names = tokens.iter_mut().all(|t| {
        let pos = t.details().first().map(|p| p.to_string()).unwrap_or_default();
        !t.surface.chars().any(char::is_alphanumeric) || pos == "名詞" || t.word_id.is_unknown()
    });
    Ok(only_names.then(|| text.to_owned()))
}

/// Drops the tokens [`is_noise`] rejects. lindera's own `JapaneseStopTagsTokenFilter` matches the
/// full four-level tag only, which would need every particle subtype spelled out.
#[derive(Clone, Copy, Debug)]
struct DropNoise;

impl TokenFilter for DropNoise {
    fn name(&self) -> &'static str {
        "shiori_drop_noise"
    }

    fn apply(&self, tokens: &mut Vec<lindera::token::Token<'_>>) -> lindera::LinderaResult<()> {
        tokens.retain_mut(|token| !is_noise(token));
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

/// Latin words at least this long also yield their character trigrams.
const LATIN_TRIGRAMS_FROM: usize = 6;

/// Character bigrams over runs of CJK/kana; whole words (and, for long ones, their trigrams) for
/// runs of Latin letters and digits.
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
        let end_of = |i: usize| chars.get(i).map_or(text.len(), |(o, c)| *o + c.len_utf8());
        let mut push = |members: &[usize]| {
            let (Some(&first), Some(&last)) = (members.first(), members.last()) else { return };
            tokens.push(Token {
                offset_from: chars[first].0,
                offset_to: end_of(last),
                position: tokens.len(),
                text: members.iter().map(|&k| chars[k].1).collect(),
                position_length: 1,
            });
        };
        let mut i = 0;
        while i < chars.len() {
            let kind = script(chars[i].1);
            let start = i;
            while i < chars.len() && script(chars[i].1) == kind {
                i += 1;
            }
            match kind {
                Script::Other => {}
                Script::Word => {
                    push(&(start..i).collect::<Vec<_>>());
                    // Trigrams of long Latin words too, so a misspelt name in the notes
                    // (`DisableAptermination`) still shares most of its pieces with the real one.
                    if i - start >= LATIN_TRIGRAMS_FROM {
                        (start..=i - 3).for_each(|k| push(&[k, k + 1, k + 2]));
                    }
                }
                Script::Cjk => {
                    // Long-vowel marks are skipped, so ユーザーデータ and ユーザデータ (and
                    // サーバー/サーバ inside any compound) give the same bigrams.
                    let mut run: Vec<usize> = (start..i).filter(|&k| chars[k].1 != 'ー').collect();
                    if run.is_empty() {
                        run = (start..i).collect();
                    }
                    if run.len() == 1 {
                        push(&run);
                    }
                    run.windows(2).for_each(&mut push);
                }
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
    fn content_only_blanks_particles_and_keeps_spaces() {
        let s = segmenter().unwrap();
        let text = "ec2 のハイバネーション fail over";
        let content = content_only(&s, text).unwrap();
        assert_eq!(content, "ec2    ハイバネーション fail over");
        assert_eq!(content.len(), text.len(), "offsets are kept");
    }

    #[test]
    fn definition_questions_have_a_subject() {
        let s = segmenter().unwrap();
        let subject = |q: &str| super::subject(&s, &normalize(q)).unwrap();
        assert_eq!(subject("スポットインスタンスとは何か").as_deref(), Some("スポットインスタンス"));
        assert_eq!(subject("EC2 Instance Connectって何？").as_deref(), Some("ec2 instance connect"));
        assert_eq!(subject("ハイバネーション").as_deref(), Some("ハイバネーション"));
        assert_eq!(subject("起動制約とは何のためにある？").as_deref(), Some("起動制約"));
        assert_eq!(subject("起動制約ではどのIAMロールを使う？"), None);
        assert_eq!(subject("アウトポストって何のサービス？").as_deref(), Some("アウトポスト"));
        assert_eq!(subject("責任共有モデルとはどういう考え方ですか").as_deref(), Some("責任共有モデル"));
        assert_eq!(subject("Outpostsって何のサービスと連携する？"), None);
        assert_eq!(subject("インスタンスの中断を減らすには"), None);
    }

    #[test]
    fn bigrams_split_japanese_runs_and_keep_words() {
        let mut a = bigram_analyzer();
        assert_eq!(terms(&mut a, "ec2のハイバ"), vec!["ec2", "のハ", "ハイ", "イバ"]);
        assert_eq!(terms(&mut a, "s3 / 鍵"), vec!["s3", "鍵"]);
        assert_eq!(terms(&mut a, "fargate"), vec!["fargate", "far", "arg", "rga", "gat", "ate"]);
        assert_eq!(terms(&mut a, "ユーザーデータ"), terms(&mut a, "ユーザデータ"));
    }
}
