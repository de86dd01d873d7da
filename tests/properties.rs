//! Property tests: any note text parses without panicking and every non-empty line lands in
//! exactly one section; any question is answered or refused, never a panic.

mod common;

use std::sync::OnceLock;

use common::covers_every_line as check;

use proptest::prelude::*;
use shiori::corpus::{markdown, text};
use shiori::search::{index, Searcher};

/// Lines that look like the notes' constructs, mixed with arbitrary text.
fn note_line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[A-Za-z ]{1,20}".prop_map(|s| s.trim().to_string()),
        "[ぁ-んァ-ヶ一-龥]{1,12}",
        "●[ァ-ヶ]{1,8}",
        "[①②③][ァ-ヶ]{1,8}",
        "\\[[ぁ-ん]{1,6}\\]",
        "- [ァ-ヶ]{1,6}",
        "\\| [ァ-ヶ]{1,6} \\| [ぁ-ん。]{0,20} \\|",
        Just("|---|---|".to_string()),
        "・[ぁ-ん]{1,10}。",
        "※[ぁ-ん]{1,10}",
        "#{1,7} [ァ-ヶ]{1,6}",
        Just("```".to_string()),
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn any_plain_text_note_covers_every_line_once(lines in prop::collection::vec(note_line(), 0..40)) {
        let content = lines.join("\n");
        let split: Vec<&str> = content.lines().collect();
        check(&text::parse("n.txt", &content), &split)?;
    }

    #[test]
    fn any_markdown_note_covers_every_line_once(lines in prop::collection::vec(note_line(), 0..40)) {
        let content = lines.join("\n");
        let split: Vec<&str> = content.lines().collect();
        check(&markdown::parse("n.md", &content), &split)?;
    }

    #[test]
    fn normalize_skips_nfkc_only_where_nfkc_changes_nothing(
        text in prop_oneof![any::<String>(), "[A-Za-z0-9 Ａ-Ｚａ-ｚ０-９ｱ-ﾝﾞﾟァ-ヶーぁ-ん一-龥（）・、。①-⑳㈱]{0,30}"]
    ) {
        use unicode_normalization::UnicodeNormalization;
        let nfkc: String = text.nfkc().flat_map(char::to_lowercase).collect();
        prop_assert_eq!(shiori::search::analyzer::normalize(&text), shiori::search::kana::fold_katakana(&nfkc));
    }

    #[test]
    fn any_question_is_answered_or_refused(q in prop_oneof![any::<String>(), "[\"*:()ANDORNOT ァ-ヶ-]{0,40}"]) {
        let searcher = searcher();
        match searcher.search(&q, 5) {
            Ok((_, hits)) => prop_assert!(hits.len() <= 5),
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }
}

fn searcher() -> &'static Searcher {
    static SEARCHER: OnceLock<(tempfile::TempDir, Searcher)> = OnceLock::new();
    &SEARCHER
        .get_or_init(|| {
            let notes = "EC2\n品質改善\n| 停止保護 | インスタンスの停止を防ぐ機能。 |\n●スポットインスタンス\n使われてないEC2インスタンスを利用できる。\n";
            let sections = text::parse("n.txt", notes);
            let dir = tempfile::tempdir().unwrap();
            let open = index::build(dir.path(), &sections, "d").unwrap();
            (dir, Searcher::new(open).unwrap())
        })
        .1
}
