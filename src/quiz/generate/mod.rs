//! Four-choice questions from the sections.
//!
//! | kind | from | asks | distractors |
//! |---|---|---|---|
//! | `scenario` | a row or `●` item whose description says what it is for (〜に最適, 〜に推奨, 〜したい場合, a list of uses ending in など) | which one would you choose for this? | its siblings |
//! | `feature` | a `【…】` tagline of a row or item | which one has this feature? | its siblings |
//! | `term` / `item` | a term\|definition row / a `●` item with a description | which one fits this description? | its siblings |
//! | `definition` | a term\|definition row | what does this term do? | the siblings' descriptions |
//! | `statement` | a sentence of a description after the defining one | which is true of this thing? | the siblings' statements |
//! | `negation` | two or three of those sentences | which is not true of this thing? | (the answer) a sibling's statement |
//! | `number` | a sentence with one number (`VPCは5つまで`) | the number, blanked | nearby numbers |
//! | `comparison` | a `項目 \| A \| B \| C` table | which of A/B/C has this property? | the other columns |
//!
//! and `term`/`definition` questions from a table of `name: meaning` cells ([`glossary`]).
//!
//! Choices are of one kind: the rows of the same table or the items under the same heading, and
//! nothing else — a name with fewer than three siblings makes no question (fewer good questions
//! beat many bad ones). Note markup (`※` notes, `【】` taglines, `[…]` labels) is taken out of what
//! is shown; a choice is a whole first sentence, never cut. Every question then passes
//! [`quality`](super::quality): no word only the right choice has appears in the stem, no markup,
//! no cut choice. Each fact (a row, an item, a sentence, a table cell) is asked once: by the best
//! kind it makes (scenario, feature, term, definition).

use std::collections::{HashMap, HashSet};

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use sha2::{Digest, Sha256};

mod asides;
mod build;
mod frame;
mod glossary;
mod kin;
mod names;
mod numbers;
mod pool;
mod scenario;
mod statements;
mod tables;
mod text;

pub use self::build::forms_of;
use self::{
    asides::*, build::*, frame::*, kin::*, names::*, numbers::*, pool::*, scenario::*, statements::*,
    tables::*, text::*,
};
use super::quality::{Words, MASK};
use super::Question;
use crate::corpus::{table, Section, SectionKind};
use crate::search::analyzer::normalize;
use crate::search::{aliases, gazetteer};
pub(crate) use pool::service_of;
pub use pool::{fact, pick, MOST_PER_FACT, OVER_SHARE};
pub use text::clean;

/// Shortest description that makes a question (letters and digits).
pub(super) const MIN_DESCRIPTION_CHARS: usize = 12;
/// Longest description shown in a question.
pub(super) const QUESTION_CHARS: usize = 160;
/// Longest choice: a first sentence longer than this is not offered.
pub(super) const CHOICE_CHARS: usize = 70;
/// Shortest choice made of a description.
pub(super) const MIN_CHOICE_CHARS: usize = 8;
/// Longest heading used to name the kind of the choices (`配分戦略のうち、…`).
pub(super) const CATEGORY_CHARS: usize = 14;

/// Every question the notes can make, in corpus order (deterministic for the same notes); each
/// passed the quality checks and asks a fact no other question asks. Fails only when the
/// embedded dictionary cannot be loaded.
pub fn generate(sections: &[Section]) -> Result<Vec<Question>, lindera::error::LinderaError> {
    let mut words = Words::new()?;
    let mut out = Vec::new();
    for q in candidates(sections) {
        // A giveaway is not blanked out: a blank that hides part of the answer's name while the
        // rest stays (`〇〇されないこと` for キャッシュミス) is a riddle with the answer in it.
        // A question keying a mistake of the notes as its answer would teach it.
        if leaks(&q) || super::errata::teaches_mistake(&q) || super::retired::asked_in(&q) {
            continue;
        }
        // Checked with its choices in the form a post shows them ([`even_forms`]: `Canary`, not
        // `Canary (割合分割)`, beside All-at-once), spelled as the notes write it and as a post
        // does: `DisableApiTermination`, spelled right, is given away by the stem's API where the
        // notes' DisableAptermination is not. Most questions change in neither: checked once.
        let mut clean = |q: &Question| {
            let mut evened = q.clone();
            even_forms(&mut evened);
            let mut shown = evened.clone();
            super::spelling::correct(&mut shown);
            if shown == evened {
                return (evened == *q || !leaks(&evened)) && words.flaws(&evened).is_empty();
            }
            !leaks(&shown) && words.flaws(&evened).is_empty() && words.flaws(&shown).is_empty()
        };
        if clean(&q) {
            out.push(q);
        } else if let Some(plain) = unframed(&q).into_iter().find(|u| clean(u)) {
            out.push(plain);
        }
    }
    let mut pool = balance(best_per_fact(few_per_table(one_stem_once(out))), sections);
    annotate(&mut pool, sections);
    for q in &mut pool {
        // Not asked, a retired feature may still be named in a reveal (スポットフリート's says what
        // Spot Blocks are): the reveal says it is retired.
        let retired = super::retired::note_for(&q.explanation).filter(|n| !q.explanation.contains(*n));
        for note in super::errata::corrections(q).into_iter().chain(retired) {
            q.explanation = format!("{}（注: {note}）", q.explanation);
        }
        q.source_digest =
            crate::corpus::cited_text(sections, &q.source).map_or_else(String::new, |t| super::digest(&t));
        even_endings(q);
        even_forms(q);
        // Last, once every check has read the notes' own text: what the post shows is spelled
        // as AWS spells it (the id, made from the notes' text, stays).
        super::spelling::correct(q);
        even_prefixes(q);
    }
    Ok(pool)
}

/// Every question the generator can make, before the quality checks (distinct ids).
pub fn candidates(sections: &[Section]) -> Vec<Question> {
    let names: Vec<Name> = names(sections);
    let elsewhere = listed_elsewhere(&names);
    let mut out = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let kin = Kin::of(&names, &elsewhere, i);
        if kin.len() < 2 {
            // A pair (`スタンダード` and `コンバーティブル`): too few things to choose among, but
            // one thing's statements with the other's as the false one.
            out.extend(negation_question(name, &kin));
            continue;
        }
        out.extend(scenario_questions(name, &kin));
        out.extend(feature_question(name, &kin));
        out.extend(term_question(name, &kin));
        out.extend(definition_question(name, &kin));
        out.extend(statement_questions(name, &kin));
        out.extend(negation_question(name, &kin));
    }
    out.extend(glossary::glossary_questions(sections));
    for section in sections {
        out.extend(number_questions(section, sections));
        out.extend(comparison_questions(section));
    }
    let mut seen = HashSet::new();
    out.retain(|q| seen.insert(q.id.clone()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::text;

    const NOTES: &str = "仮想サーバー\nEC2\n品質改善\n| 停止保護 | インスタンスの停止および手動削除を防ぐ機能。 |\n| 自動復旧機能 | 障害のときにインスタンスを自動的に復旧させることができる。 |\n| ハイバネーション | 【停止しても継続できる】 ハイバネーションはメインメモリの内容を待避させ、作業途中から再開できるようにする機能。 |\n| 送信元/送信先 チェック | トラフィックの送信元か送信先かを確認できる。 |\n| 空欄 | |\n| 短い | 認証部分。 |\nVPC\n\nセキュリティグループのインバウンドルールは最大60個まで。\n";

    fn questions() -> Vec<Question> {
        generate(&text::parse("n.txt", NOTES)).unwrap()
    }

    #[test]
    fn a_row_makes_questions_of_several_kinds_and_the_pool_keeps_the_best() {
        let sections = text::parse("n.txt", NOTES);
        let hib = |qs: &[Question]| -> Vec<Question> {
            qs.iter().filter(|q| q.source.line_start == 6).cloned().collect()
        };
        let candidates = hib(&candidates(&sections));
        let kinds: Vec<&str> = candidates.iter().map(|q| q.kind.as_str()).collect();
        // Its 【停止しても継続できる】 is the note-taker's label of a part of EC2: no feature question.
        assert!(kinds.contains(&"term") && !kinds.contains(&"feature"), "{kinds:?}");
        // Its description names it (ハイバネーションは…): as a definition choice it would need a
        // blank, which reads as a riddle, so it makes no definition question.
        assert!(!kinds.contains(&"definition"), "{kinds:?}");
        let term = candidates.iter().find(|q| q.kind == "term").unwrap();
        assert_eq!(term.answer(), "ハイバネーション");
        assert!(term.question.contains("〇〇はメインメモリ"), "the term is masked: {}", term.question);
        assert!(!term.question.contains('【'), "the tagline is not shown: {}", term.question);
        // 品質改善 (quality improvement) is an aspect, not what the choices are: not in the frame.
        assert!(term.question.starts_with("EC2について、"), "{}", term.question);
        // Stop protection and auto recovery are of its AWS kind; the source/destination check
        // is a network check (`dict/aws-kinds.tsv`) and the unlisted rows are of no kind.
        assert_eq!(term.choices.len(), 3, "{term:?}");
        assert!(!term.choices.iter().any(|c| c.contains("送信元") || c == "短い"), "{term:?}");
        // One fact, at most two questions, the best kinds.
        let kept = hib(&questions());
        assert!((1..=MOST_PER_FACT).contains(&kept.len()), "{kept:#?}");
        assert!(kept.iter().any(|q| q.kind == "term"), "{kept:#?}");
        assert!(kept.iter().all(|q| fact(q) == fact(&kept[0])));
        // …and never both in one window: `pick` gives every fact before any fact twice.
        let all = questions();
        let facts: HashSet<String> = all.iter().map(fact).collect();
        let first: HashSet<String> = pick(&all, facts.len(), 3).iter().map(fact).collect();
        assert_eq!(first.len(), facts.len());
    }

    #[test]
    fn empty_or_one_word_definitions_make_no_question_but_may_be_distractors() {
        let qs = questions();
        assert!(qs.iter().all(|q| q.source.line_start != 8 && q.source.line_start != 9), "{qs:#?}");
        assert!(qs.iter().all(|q| q.answer() != "空欄" && q.answer() != "短い"));
    }

    #[test]
    fn a_table_of_things_down_its_first_column_compares_the_rows() {
        let notes = "仮想サーバー\nECR\nスキャン\n[スキャンタイプ]\n| スキャンタイプ | 特徴 | 使用ツール |\n|---|---|---|\n| 基本スキャン | イメージの登録時に自動実行。 | Amazon Inspector |\n| 拡張スキャン | アプリケーションの脆弱性も検出。 | Inspector と EventBridge |\n| 手動スキャン | 任意のタイミングで実行する。 | マネジメントコンソール |\n";
        let qs: Vec<Question> =
            candidates(&text::parse("n.txt", notes)).into_iter().filter(|q| q.kind == "comparison").collect();
        assert!(!qs.is_empty(), "no comparison question");
        for q in &qs {
            let mut choices = q.choices.clone();
            choices.sort();
            assert_eq!(choices, ["基本スキャン", "手動スキャン", "拡張スキャン"], "{q:?}");
        }
        assert!(qs.iter().any(|q| q.question.starts_with("ECRのスキャンタイプのうち、特徴が「")), "{qs:#?}");
    }

    #[test]
    fn an_explanation_cut_inside_a_bracket_ends_before_it() {
        assert_eq!(
            balanced("コンタクトセンター。 品質が良い。 ( ・グラフィカル"),
            "コンタクトセンター。 品質が良い。"
        );
        assert_eq!(balanced("A(B)。C"), "A(B)。C");
    }

    #[test]
    fn markup_is_taken_out_of_what_is_shown() {
        assert_eq!(clean("【停止しても継続できる】 機能。 ※注意。 続き"), "機能。続き");
        assert_eq!(clean("[依存関係]インストールを自動化"), "インストールを自動化");
        assert_eq!(clean("【R~シリーズ】 メモリ最適化"), "メモリ最適化");
        assert_eq!(clean("A ※補足 ・B"), "A ・B");
    }

    #[test]
    fn numbers_are_blanked_with_nearby_distractors() {
        let q = questions().into_iter().find(|q| q.kind == "number").expect("a number question");
        assert!(q.question.contains("インバウンドルールは最大（　）まで。"), "{}", q.question);
        assert_eq!(q.answer(), "60個");
        let set: HashSet<&String> = q.choices.iter().collect();
        assert_eq!(set.len(), 4);
    }

    #[test]
    fn ids_and_choice_order_are_stable() {
        assert_eq!(questions(), questions());
    }

    #[test]
    fn seed_fixes_the_order() {
        let all = questions();
        assert_eq!(pick(&all, 5, 1), pick(&all, 5, 1));
        let ids = |v: Vec<Question>| v.into_iter().map(|q| q.id).collect::<Vec<_>>();
        // Four questions may come in the same order for two seeds; not for nine.
        let first = ids(pick(&all, all.len(), 1));
        assert!((2..10).any(|seed| ids(pick(&all, all.len(), seed)) != first), "{first:?}");
    }

    #[test]
    fn variants_cover_gloss_and_spacing() {
        let v = variants("起動制約 (Launch Constraint)");
        assert!(v.contains(&"起動制約".to_string()) && v.contains(&"Launch Constraint".to_string()), "{v:?}");
        assert!(variants("EC2 フリート").contains(&"EC2フリート".to_string()));
        assert_eq!(mask("EC2フリートとec2 フリート", &variants("EC2 フリート")), "〇〇と〇〇");
    }

    #[test]
    fn a_wrong_choice_the_stem_names_is_not_offered() {
        let notes = "配信\nCloud Front\nその他機能\n| OAI | オブジェクトのアクセス権の許可を付与する。S3で機能する。 |\n| OAC | OAIより詳細にアクセス権を制御できる。特定のオリジンへのアクセスを制限する。 |\n| 署名付きURL | 有効期限付きのURLでコンテンツへのアクセスを制限する。 |\n| CloudFront Functions | リクエストの前処理に特化した軽量な関数で、単純な処理に向く。 |\n";
        let all = candidates(&text::parse("n.txt", notes));
        let oac = all
            .iter()
            .find(|q| q.answer() == "OAC" && q.question.contains("OAIより"))
            .expect("a term question on OAC");
        assert!(!oac.choices.iter().any(|c| c == "OAI"), "{oac:#?}");
        assert_eq!(oac.choices.len(), 3);
    }

    #[test]
    fn a_first_sentence_that_only_names_the_kind_is_skipped() {
        assert_eq!(
            first_sentence("HTTPヘッダーの一つ。ブラウザがオブジェクトをキャッシュするかどうか制御する。")
                .as_deref(),
            Some("ブラウザがオブジェクトをキャッシュするかどうか制御する。")
        );
        assert_eq!(first_sentence("CloudFrontの機能の1つ。"), None);
    }

    #[test]
    fn a_name_that_ends_unlike_most_of_its_siblings_is_not_offered_with_them() {
        let notes = "仮想サーバー\nEC2\nインスタンスの種類\n●リザーブドインスタンス\n数年間の契約で大きな割引を受けられる購入方法。\n●オンデマンドインスタンス\n長期契約なしで秒単位で支払える購入方法。\n●スポットインスタンス\n使われていないキャパシティを安く使える購入方法。\n●ステータスチェック\nEC2におけるステータスのモニタリングを実行する。\n";
        let all = candidates(&text::parse("n.txt", notes));
        assert!(all.iter().any(|q| q.answer().ends_with("インスタンス")), "{all:#?}");
        assert!(all.iter().all(|q| !q.choices.iter().any(|c| c == "ステータスチェック")), "{all:#?}");
    }

    #[test]
    fn a_table_keeps_its_rows_that_another_heading_lists_with_a_generic_word() {
        let notes = "仮想サーバー\nEC2\nインスタンスの種類\n●リザーブドインスタンス\n数年間の契約で大きな割引を受けられる購入方法。\n●オンデマンドインスタンス\n長期契約なしで秒単位で支払える購入方法。\n●メモリ最適化インスタンス\nメモリ内の大きいデータセットを処理するワークロードに適している。\n●スポットインスタンス\n使われていないキャパシティを安く使える購入方法。\n[インスタンスファミリー]\n| 【M~】汎用 | バランスの取れたリソースで、幅広いアプリケーションなど |\n| 【C~】 コンピューティング最適化 | バッチ処理、高負荷なWebサーバ、動画エンコードなど |\n| 【R~シリーズ】 メモリ最適化 | 高負荷なデータベース、キャッシュサーバ、ビッグデータ分析など |\n| 【I~シリーズ】 ストレージ最適化 | NoSQL データベース、データウェアハウスなど |\n";
        let sections = text::parse("n.txt", notes);
        let all = candidates(&sections);
        // In its own table, メモリ最適化 is asked among the other families…
        let memory = all
            .iter()
            .find(|q| q.kind == "scenario" && q.answer() == "メモリ最適化")
            .unwrap_or_else(|| panic!("a scenario on メモリ最適化: {all:#?}"));
        assert!(memory.choices.iter().any(|c| c == "コンピューティング最適化"), "{memory:#?}");
        // …and under the purchase options, where it is a visitor, it is not offered with them.
        assert!(
            all.iter()
                .filter(|q| q.choices.iter().any(|c| c == "リザーブドインスタンス"))
                .all(|q| !q.choices.iter().any(|c| c == "メモリ最適化インスタンス")),
            "{all:#?}"
        );
        // A row that lists uses makes a scenario and a term question with one quote: the pool
        // keeps the scenario only.
        let pool = generate(&sections).unwrap();
        let quoted: Vec<&Question> =
            pool.iter().filter(|q| q.question.contains("キャッシュサーバ、ビッグデータ分析など")).collect();
        assert_eq!(quoted.len(), 1, "{quoted:#?}");
        assert_eq!(quoted[0].kind, "scenario");
    }

    #[test]
    fn japanese_is_shown_without_stray_spaces_and_a_quote_ends_before_a_list() {
        assert_eq!(
            clean("AWS が提供する オンプレミスやエッジ環境で Kubernetes クラスターを構築・運用できるソリューション 。"),
            "AWS が提供するオンプレミスやエッジ環境で Kubernetes クラスターを構築・運用できるソリューション。"
        );
        assert_eq!(clean("EC2 フリート"), "EC2 フリート", "a space next to Latin letters stays");
        assert_eq!(clean("送信元/送信先 チェック"), "送信元/送信先チェック");
        let ecr = "Dockerコンテナイメージを保存・管理でき、デプロイが簡単にできる。・AWS CLIでECRにログインする時は…";
        assert_eq!(lead(ecr), "Dockerコンテナイメージを保存・管理でき、デプロイが簡単にできる。");
        assert_eq!(lead("構築・運用できるソリューション。"), "構築・運用できるソリューション。");
        assert_eq!(
            lead("短い。・一つめの項目がとても長い説明"),
            "短い。・一つめの項目がとても長い説明",
            "too little before the list"
        );
    }

    #[test]
    fn a_familys_editions_are_asked_among_each_other() {
        let notes = "貸し出しサービス\nWorkSpaces Family\n仮想デスクトップサービスの総称。\nWorkSpaces\nユーザー向けの仮想クラウドベースのWindowsやLinuxのデスクトップを提供。\nWorkSpaces Core\nサードパーティのVDIソフトウェア向けの仮想デスクトップインフラAPI。\nWorkSpaces Secure Browser\n社内WebサイトやSaaSアプリにアクセスするための安全で低コストのブラウザサービス。\n";
        let all = candidates(&text::parse("n.txt", notes));
        let core = all
            .iter()
            .find(|q| q.kind == "term" && q.answer() == "WorkSpaces Core")
            .unwrap_or_else(|| panic!("a term question on WorkSpaces Core: {all:#?}"));
        // The frame names the family (`WorkSpaces Familyについて`), which rules out no edition.
        assert!(core.question.starts_with("WorkSpaces Familyについて、"), "{}", core.question);
        assert!(core.choices.iter().any(|c| c == "WorkSpaces"), "{core:#?}");
        assert_eq!(core.choices.len(), 3);
        // What Core is (`…向けの…API`) is not a use: no scenario asks it as one.
        assert!(!all.iter().any(|q| q.kind == "scenario" && q.answer() == "WorkSpaces Core"), "{all:#?}");
    }

    #[test]
    fn a_frame_that_gives_the_answer_away_is_left_out() {
        let notes = "仮想サーバー\nEC2\nクラスター配置戦略\n| クラスタープレイスメントグループ | 単一のAZ内のインスタンスを論理的にグループ化したもの。低いネットワークレイテンシー。 |\n| パーティションプレイスメントグループ | 論理パーティションに分散させ、ハードウェア障害の影響を減らす。 |\n| スプレッドプレイスメントグループ | それぞれ異なるハードウェアに配置されるインスタンスのグループ。 |\n";
        let pool = generate(&text::parse("n.txt", notes)).unwrap();
        let cluster = pool
            .iter()
            .find(|q| q.kind == "term" && q.answer() == "クラスタープレイスメントグループ")
            .unwrap_or_else(|| panic!("a term question on the cluster group: {pool:#?}"));
        assert!(cluster.question.starts_with("次の説明に当てはまるものはどれ？"), "{}", cluster.question);
        // A frame that gives nothing away stays.
        assert!(pool.iter().any(|q| q.question.starts_with("EC2のクラスター配置戦略のうち、")), "{pool:#?}");
        // A heading that names an arrangement (構成), an AWS service or a thing in Latin letters
        // is not the kind of the choices: the frame names the service.
        let rows = notes.split_once("戦略\n").unwrap().1;
        for heading in ["クラスター構成", "WorkSpaces", "Pod"] {
            let markdown =
                format!("# 仮想サーバー\n## EC2\n### {heading}\n\n| 名前 | 説明 |\n|---|---|\n{rows}");
            let pool = generate(&crate::corpus::markdown::parse("n.md", &markdown)).unwrap();
            assert!(pool.iter().all(|q| !q.question.contains("のうち、")), "{heading}: {pool:#?}");
            assert!(pool.iter().any(|q| q.question.starts_with("EC2について、")), "{heading}: {pool:#?}");
        }
    }

    #[test]
    fn a_gloss_the_post_leaves_out_gives_nothing_away() {
        // 「割合」 is in the clue and in `Canary (割合分割)` only; a post shows `Canary` beside
        // All-at-once and Blue / Green ([`even_forms`]), so nothing gives the answer away.
        let notes = "仮想サーバー\nEC2\nデプロイ設定\n| Canary (割合分割) | 移行する割合を分単位で少しずつ指定できる。 |\n| All-at-once | 新しい版を全部の台に同時に入れる。 |\n| Blue / Green | 別の環境を作ってから一度に切り替える。 |\n";
        let pool = generate(&text::parse("n.txt", notes)).unwrap();
        let canary = pool
            .iter()
            .find(|q| q.kind == "term" && q.answer() == "Canary")
            .unwrap_or_else(|| panic!("a term question on Canary: {pool:#?}"));
        assert!(canary.question.contains("割合"), "{canary:#?}");
    }
}
