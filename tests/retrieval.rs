//! Retrieval quality on the real notes: the question set's numbers, one test per kind of query,
//! and confidence that says "no clear answer" to questions the notes do not cover.

mod common;

use std::sync::OnceLock;

use shiori::answer;
use shiori::corpus;
use shiori::eval;
use shiori::search::{index, Searcher};

/// One index of the real notes for every test in this file.
fn searcher() -> &'static Searcher {
    static SEARCHER: OnceLock<(tempfile::TempDir, Searcher)> = OnceLock::new();
    &SEARCHER.get_or_init(own_searcher).1
}

/// An index of the real notes of its own, whose weights a test may change.
fn own_searcher() -> (tempfile::TempDir, Searcher) {
    let corpus = corpus::load(&[common::notes_dir()]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let open = index::build(dir.path(), &corpus.sections, &corpus.digest).unwrap();
    (dir, Searcher::new(open).unwrap())
}

/// A question set of `tests/questions/`.
fn set(name: &str) -> Vec<eval::Question> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/questions/{name}.toml"));
    eval::parse_questions(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn questions() -> Vec<eval::Question> {
    set("tuning")
}

/// What a set scored, with its misses listed for the failure message.
fn report(name: &str) -> (eval::Score, String) {
    let report = eval::evaluate(&set(name), |q| eval::outcome(searcher(), q));
    let misses: Vec<String> = report.misses.iter().map(|(q, r)| format!("{} → {r:?}", q.text)).collect();
    (report.total, misses.join("\n"))
}

fn ranked(question: &str) -> Vec<(usize, usize)> {
    let (_, hits) = searcher().search(question, eval::MRR_DEPTH).unwrap();
    hits.iter().map(|h| (h.section.line_start, h.section.line_end)).collect()
}

/// Asserts the top hit for `question` holds `line` and is a narrow section.
fn assert_top(question: &str, line: usize) {
    assert_top_any(question, &[line]);
}

/// Asserts the top hit holds one of `lines` (a comparison is answered by either side).
fn assert_top_any(question: &str, lines: &[usize]) {
    let q = eval::Question { text: question.into(), lines: lines.to_vec(), kind: String::new() };
    let got = ranked(question);
    assert_eq!(
        eval::rank_of(&q, &got),
        Some(1),
        "{question}: want {lines:?}, got {:?}",
        &got[..got.len().min(3)]
    );
}

/// Asserts two spellings of one question rank the same sections.
fn assert_same_ranking(a: &str, b: &str) {
    assert_eq!(ranked(a)[..3], ranked(b)[..3], "{a} / {b}");
}

#[test]
fn question_set_meets_the_floor() {
    let questions = questions();
    assert!(questions.len() >= 80);
    let report = eval::evaluate(&questions, |q| eval::outcome(searcher(), q));
    let t = report.total;
    let misses: Vec<String> = report.misses.iter().map(|(q, r)| format!("{} → {r:?}", q.text)).collect();
    // Measured 0.912 / 0.992 / 0.951 (cargo run --release --example eval); the floor sits just below.
    assert!(t.recall_at_1() >= 0.90, "recall@1 {:.3}; misses: {misses:#?}", t.recall_at_1());
    assert!(t.recall_at_3() >= 0.98, "recall@3 {:.3}; misses: {misses:#?}", t.recall_at_3());
    assert!(t.mrr() >= 0.94, "MRR {:.3}", t.mrr());
}

#[test]
fn full_width_and_half_width_text() {
    assert_top("ＥＣ２　ハイバネーション", 138);
    assert_top("ｽﾎﾟｯﾄﾌﾞﾛｯｸ", 173);
    assert_top("ＤＨＣＰオプション", 83);
}

#[test]
fn long_vowel_and_katakana_spelling_variants() {
    assert_top("ユーザデータ", 145);
    assert_same_ranking("ユーザデータはいつ実行される", "ユーザーデータはいつ実行される");
    assert_top_any("インターフェース型エンドポイントの課金", &[72, 63]);
    assert_same_ranking("インターフェース型エンドポイントの課金", "インターフェイス型エンドポイントの課金");
    assert_same_ranking("キャパシティ予約", "キャパシティー予約");
    assert_top("フェールオーバー", 385);
}

#[test]
fn english_names_for_katakana_terms_and_back() {
    assert_top("spot fleet", 179);
    assert_top("スポットフリート", 179);
    assert_top("クラウドフロントとは", 359);
    assert_top("Traffic Mirroring", 80);
    assert_top("トラフィックミラーリング", 80);
    assert_top("カナリアデプロイ", 253);
}

#[test]
fn sentences_with_particles_and_question_endings() {
    assert_top("スポットインスタンスの中断を減らすにはどうすればいいですか？", 191);
    assert_top("ハイバネーションとは何ですか", 138);
    assert_top("インスタンスの停止や削除を防ぐには", 135);
}

#[test]
fn mixed_case_and_the_notes_own_typos() {
    assert_top("CLOUDFRONT functions", 429);
    assert_top("DisableApiTermination", 124);
    assert_top("Podをアベイラビリティーゾーンに均等に分散", 245);
}

#[test]
fn comparison_questions() {
    assert_top_any("スタンダードRIとコンバーティブルRIの違いは？", &[154, 155]);
    assert_top_any("Dedicated InstanceとDedicated Hostの違い", &[240, 241]);
    assert_top_any("VPCエンドポイントとエンドポイントサービスの違い", &[57, 65]);
}

#[test]
fn set_questions_are_mostly_confident_and_off_topic_ones_are_not() {
    let questions = questions();
    let confident = questions
        .iter()
        .filter(|q| answer::ask(searcher(), &q.text).map(|a| a.confident).unwrap_or(false))
        .count();
    let share = confident as f64 / questions.len() as f64;
    // Measured 0.904 (cargo run --release --example eval: confident right 0.880 + wrong 0.024).
    assert!(share >= 0.88, "only {confident}/{} set questions confident", questions.len());
    for off_topic in
        ["明日の東京の天気は？", "おすすめのラーメン屋", "Pythonのリスト内包表記", "S3 Glacierの取り出し時間"]
    {
        let a = answer::ask(searcher(), off_topic).unwrap();
        assert!(!a.confident, "{off_topic}: {a:?}");
    }
}

// Floors on every set, just below what `cargo run --release --example eval` measured: a change
// that makes retrieval or confidence worse fails here. The held-out sets were written before
// any tuning, by writers who read only the notes, and nothing was tuned on them.

#[test]
fn tuning_set_confidence_floor() {
    let (t, misses) = report("tuning");
    // Measured: confident right 0.880, confident wrong 0.024 (0.872 before session 21 refitted
    // the confidence model; 0.864 / 0.032 before session 20's thesaurus groups; 0.744 / 0.048 with coverage alone deciding, before the confidence model).
    assert!(t.confident_right_rate() >= 0.86, "right {:.3}\n{misses}", t.confident_right_rate());
    assert!(t.confident_wrong_rate() <= 0.05, "wrong {:.3}\n{misses}", t.confident_wrong_rate());
}

#[test]
fn everyday_wording_tuning_set_floor() {
    let (t, misses) = report("tuning-everyday");
    // Measured: recall@1 0.838, recall@3 0.951, confident right 0.556, confident wrong 0.042
    // (0.796 / 0.937 / 0.535 before session 20's thesaurus groups; 0.394 / 0.028 confident with
    // coverage alone deciding).
    assert!(t.recall_at_1() >= 0.82, "recall@1 {:.3}\n{misses}", t.recall_at_1());
    assert!(t.recall_at_3() >= 0.93, "recall@3 {:.3}\n{misses}", t.recall_at_3());
    assert!(t.confident_right_rate() >= 0.53, "right {:.3}\n{misses}", t.confident_right_rate());
    assert!(t.confident_wrong_rate() <= 0.05, "wrong {:.3}\n{misses}", t.confident_wrong_rate());
}

#[test]
fn everyday_wording_held_out_set_floor() {
    let (t, misses) = report("heldout-everyday");
    assert!(t.questions >= 100);
    // Measured: recall@1 0.842, recall@3 0.947, confident right 0.513, confident wrong 0.026
    // (0.500 / 0.020 before session 21 refitted the confidence model; 0.836 / 0.947 / 0.507 before session 20's thesaurus groups; 0.401 / 0.026 confident with
    // coverage alone deciding).
    assert!(t.recall_at_1() >= 0.82, "recall@1 {:.3}\n{misses}", t.recall_at_1());
    assert!(t.recall_at_3() >= 0.93, "recall@3 {:.3}\n{misses}", t.recall_at_3());
    assert!(t.confident_right_rate() >= 0.50, "right {:.3}\n{misses}", t.confident_right_rate());
    assert!(t.confident_wrong_rate() <= 0.04, "wrong {:.3}\n{misses}", t.confident_wrong_rate());
}

#[test]
fn questions_the_notes_do_not_answer_are_not_answered_with_confidence() {
    for (name, at_most) in [("tuning-outside", 0.05), ("heldout-outside", 0.10)] {
        let (t, misses) = report(name);
        assert!(t.outside() >= 50 || name.starts_with("tuning"));
        // Measured: tuning-outside 0.030, heldout-outside 0.087, the limit being 0.10
        // (0.015 / 0.043 with coverage alone deciding, which left far more in-notes questions
        // unanswered).
        assert!(t.confident_outside_rate() <= at_most, "{name}: {:.3}\n{misses}", t.confident_outside_rate());
    }
}

// One test per technique kept (none of these questions is in a set).

#[test]
fn the_rerank_prefers_the_section_that_covers_the_question() {
    // BM25 alone put the generic troubleshooting heading first for everyday questions that share
    // its common words; the section that has the question's key words wins after the rerank.
    let (_dir, mut plain) = own_searcher();
    let question = "本番リリースで問題が出たらすぐ前の環境に戻したい";
    let with = ranked(question);
    plain.weights.coverage = 0.0;
    let (_, without) = plain.search(question, 5).unwrap();
    assert!(with[0].0 == 256, "with the rerank: {with:?}");
    assert!(without[0].section.line_start != 256, "the rerank is what does it: {:?}", without[0].section);
}

#[test]
fn a_definition_question_gets_the_section_it_names_not_one_that_uses_its_words() {
    // 休止状態 is in the text of the persistent spot request row (再開 (休止状態の場合)); the
    // question asks what hibernation is, and the row titled ハイバネーション answers it.
    assert_top("EC2の休止状態って何？", 138);
    assert_top("休止状態とは", 138);
}

#[test]
fn asking_what_kind_of_service_a_thing_is_gets_the_thing_not_its_parts() {
    // 「…って何のサービス」 asks what Outposts is: the Outposts section, not Outposts rack or
    // server, whose titles hold the name and more (both came first before).
    assert_top("アウトポストとはどういうサービスですか", 435);
    assert_top("Outpostsって何のサービス", 435);
}

#[test]
fn thesaurus_finds_the_technical_word_for_an_everyday_one() {
    // 止める → 停止, 続き → 継続/再開: the row says 停止しても継続できる … 作業途中から再開.
    assert_top("止めても作業を続きから再開したい", 138);
    // 掃除 → 削除/期限切れ, 自動: the lifecycle policy row.
    assert_top("ECRの古いイメージを自動で掃除したい", 316);
    // タダ → 無料: the instance store row says 無料の簡易ローカルストレージ.
    assert_top("タダで使えるディスク", 130);
    // 弾く → 拒否/制限, 国ごと → 地理的: geo restriction.
    assert_top("CloudFrontで国ごとにアクセスを弾きたい", 379);
}

#[test]
fn loanwords_bridge_english_and_katakana() {
    // `metadata` is never written in English in the notes; EDICT gives メタデータ.
    assert_top("metadata", 120);
    let analyzed = searcher().analyze("control plane").unwrap();
    let related: Vec<&String> = analyzed.related.iter().collect();
    assert!(related.iter().any(|t| t.as_str() == "コントロール"), "{related:?}");
}

#[test]
fn english_plurals_find_their_katakana() {
    // EDICT lists `workflow`, not `workflows`: the plural is looked up as its singular.
    let analyzed = searcher().analyze("transfer family workflows").unwrap();
    assert!(analyzed.related.iter().any(|t| t == "ワークフロ"), "{:?}", analyzed.related);
}

#[test]
fn service_spellings_from_the_gazetteer() {
    assert_top("ラムダエッジとは", 430);
    let a = answer::ask(searcher(), "ラムダエッジとは").unwrap();
    assert!(a.confident, "{a:?}");
}

#[test]
fn a_service_the_notes_never_mention_is_named_in_the_answer() {
    for (question, service) in [
        ("Kinesis Data Streamsのシャード上限は？", "Kinesis Data Streams"),
        ("Redshiftのノードタイプ", "Redshift"),
    ] {
        let a = answer::ask(searcher(), question).unwrap();
        assert!(!a.confident && a.citations.is_empty(), "{question}: {a:?}");
        assert!(
            a.answer.contains(service) && a.answer.contains("記述がありません"),
            "{question}: {}",
            a.answer
        );
        assert!(!a.related.is_empty(), "did-you-mean titles");
    }
}

#[test]
fn a_covered_service_asked_about_what_the_notes_lack_is_not_confident() {
    for question in ["EFSのパフォーマンスモードは？", "CloudWatchアラームの設定方法"] {
        let a = answer::ask(searcher(), question).unwrap();
        assert!(!a.confident, "{question}: {a:?}");
    }
}
