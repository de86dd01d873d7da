//! Four-choice questions from the sections.
//!
//! | kind | from | asks | distractors |
//! |---|---|---|---|
//! | `scenario` | a row or `●` item whose description says what it is for (〜に最適, 〜に推奨, 〜したい場合, a list of uses ending in など) | which one would you choose for this? | its siblings |
//! | `feature` | a `【…】` tagline of a row or item | which one has this feature? | its siblings |
//! | `term` / `item` | a term\|definition row / a `●` item with a description | which one fits this description? | its siblings |
//! | `definition` | a term\|definition row | what does this term do? | the siblings' descriptions |
//! | `number` | a sentence with one number (`VPCは5つまで`) | the number, blanked | nearby numbers |
//! | `comparison` | a `項目 \| A \| B \| C` table | which of A/B/C has this property? | the other columns |
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

mod build;
mod names;
mod numbers;
mod tables;
mod text;

use self::{build::*, names::*, numbers::*, tables::*, text::*};
use super::quality::{Words, MASK};
use super::Question;
use crate::corpus::{table, Section, SectionKind};
use crate::search::analyzer::normalize;
use crate::search::{aliases, gazetteer};
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
/// Words that say what a thing is for.
pub(super) const PURPOSE: &[&str] = &[
    "に最適",
    "に推奨",
    "向け",
    "したい場合",
    "したいとき",
    "ために使用",
    "に利用する",
    "に使う",
    "に向いて",
    "に適して",
    "に有効",
    "に役立つ",
    "に役に立つ",
    "場合に設定",
    "場合に使用",
];

/// Every question the notes can make, in corpus order (deterministic for the same notes); each
/// passed the quality checks and asks a fact no other question asks. Fails only when the
/// embedded dictionary cannot be loaded.
pub fn generate(sections: &[Section]) -> Result<Vec<Question>, lindera::error::LinderaError> {
    let mut words = Words::new()?;
    let mut out = Vec::new();
    for q in candidates(sections) {
        // A giveaway is not blanked out: a blank that hides part of the answer's name while the
        // rest stays (`〇〇されないこと` for キャッシュミス) is a riddle with the answer in it.
        if !leaks(&q) && words.flaws(&q).is_empty() {
            out.push(q);
        }
    }
    let mut pool = balance(best_per_fact(few_per_table(out)), sections);
    annotate(&mut pool, sections);
    for q in &mut pool {
        q.source_digest =
            crate::corpus::cited_text(sections, &q.source).map_or_else(String::new, |t| super::digest(&t));
    }
    Ok(pool)
}

/// Longest note on a choice.
pub(super) const NOTE_CHARS: usize = 60;

/// Notes on what each choice of a name question actually is: the sibling it names, its
/// description's first sentence (or its start) and its line, so a reveal can say why the others
/// are wrong.
fn annotate(pool: &mut [Question], sections: &[Section]) {
    let names: Vec<Name> = sections.iter().filter_map(name).collect();
    let by_id: HashMap<&str, &Section> = sections.iter().map(|s| (s.id.as_str(), s)).collect();
    for q in pool.iter_mut().filter(|q| matches!(q.kind.as_str(), "scenario" | "feature" | "term" | "item")) {
        let Some(asked) = by_id.get(q.section_id.as_str()) else { continue };
        let parent = &asked.path[..asked.path.len().saturating_sub(1)];
        let notes: Vec<Option<String>> = q
            .choices
            .iter()
            .map(|choice| {
                let sibling = names.iter().find(|n| n.is_named(choice) && n.parent() == parent)?;
                Some(sibling.note(NOTE_CHARS))
            })
            .collect();
        if notes.iter().all(Option::is_some) {
            q.choice_notes = notes.into_iter().flatten().collect();
        }
    }
}

/// How far above its share of the notes a service's share of the pool may go.
pub(super) const OVER_SHARE: f64 = 1.5;

/// The service a section belongs to: the heading under the category (`EC2(Elastic Compute
/// Cloud)`), or the category for its own lead text.
pub(crate) fn service_of(path: &[String]) -> &str {
    path.get(1).or_else(|| path.first()).map_or("", String::as_str)
}

/// The pool with each service at most [`OVER_SHARE`] times its share of the notes' lines (plus
/// one question), so a service with one long comparison table does not crowd out the others. The
/// questions of the least wanted kinds go first.
fn balance(pool: Vec<Question>, sections: &[Section]) -> Vec<Question> {
    let mut lines: HashMap<&str, usize> = HashMap::new();
    for section in sections {
        *lines.entry(service_of(&section.path)).or_default() += section.line_end + 1 - section.line_start;
    }
    let total = lines.values().sum::<usize>().max(1) as f64;
    let cap = |service: &str| {
        let share = lines.get(service).copied().unwrap_or(0) as f64 / total;
        (share * pool.len() as f64 * OVER_SHARE).floor() as usize + 1
    };
    let mut order: Vec<usize> = (0..pool.len()).collect();
    order.sort_by_key(|&i| (rank(&pool[i].kind), i));
    let mut taken: HashMap<String, usize> = HashMap::new();
    let mut keep = HashSet::new();
    for i in order {
        let service = service_of(&pool[i].source.path).to_owned();
        let count = taken.entry(service.clone()).or_default();
        if *count < cap(&service) {
            *count += 1;
            keep.insert(i);
        }
    }
    pool.into_iter().enumerate().filter(|(i, _)| keep.contains(i)).map(|(_, q)| q).collect()
}

/// Which kinds of question are worth most, best first.
fn rank(kind: &str) -> usize {
    ["scenario", "comparison", "feature", "term", "item", "definition", "number"]
        .iter()
        .position(|k| *k == kind)
        .unwrap_or(usize::MAX)
}

/// Every question the generator can make, before the quality checks (distinct ids).
pub fn candidates(sections: &[Section]) -> Vec<Question> {
    let names: Vec<Name> = sections.iter().filter_map(name).collect();
    let elsewhere = listed_elsewhere(&names);
    let mut out = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let kin = siblings(&names, &elsewhere, i);
        if kin.len() < 2 {
            continue;
        }
        out.extend(scenario_questions(name, &kin));
        out.extend(feature_question(name, &kin));
        out.extend(term_question(name, &kin));
        out.extend(definition_question(name, &kin));
    }
    for section in sections {
        out.extend(number_questions(section));
        out.extend(comparison_questions(section));
    }
    let mut seen = HashSet::new();
    out.retain(|q| seen.insert(q.id.clone()));
    out
}

/// The fact a question asks about: two questions with the same fact (the same row asked forward
/// and backward) are one question too many.
pub fn fact(q: &Question) -> String {
    match q.kind.as_str() {
        "number" | "comparison" => format!("{}:{}", q.section_id, q.id),
        _ => q.section_id.clone(),
    }
}

/// Most questions from one comparison table: more would ask the same three things over and over.
pub(super) const MOST_PER_TABLE: usize = 12;

/// At most [`MOST_PER_TABLE`] comparison questions per table, with different answers first.
fn few_per_table(questions: Vec<Question>) -> Vec<Question> {
    let mut chosen: HashMap<String, Vec<usize>> = HashMap::new();
    for pass in [true, false] {
        for (i, q) in questions.iter().enumerate().filter(|(_, q)| q.kind == "comparison") {
            let taken = chosen.entry(q.section_id.clone()).or_default();
            let new_answer = !taken.iter().any(|&j| questions[j].answer() == q.answer());
            if taken.len() < MOST_PER_TABLE && !taken.contains(&i) && (new_answer || !pass) {
                taken.push(i);
            }
        }
    }
    let keep: HashSet<usize> = chosen.into_values().flatten().collect();
    questions
        .into_iter()
        .enumerate()
        .filter(|(i, q)| q.kind != "comparison" || keep.contains(i))
        .map(|(_, q)| q)
        .collect()
}

/// Most questions about one fact in the pool: a row asked as a scenario and as a definition is
/// two ways to learn it, and the deck never shows both in one window ([`fact`]).
pub const MOST_PER_FACT: usize = 2;

/// Keeps, for each fact, the questions of the [`MOST_PER_FACT`] best kinds (in corpus order
/// otherwise).
fn best_per_fact(questions: Vec<Question>) -> Vec<Question> {
    let mut by_fact: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, q) in questions.iter().enumerate() {
        by_fact.entry(fact(q)).or_default().push(i);
    }
    let mut keep = HashSet::new();
    for mut same in by_fact.into_values() {
        same.sort_by_key(|&i| (rank(&questions[i].kind), i));
        keep.extend(same.into_iter().take(MOST_PER_FACT));
    }
    questions.into_iter().enumerate().filter(|(i, _)| keep.contains(i)).map(|(_, q)| q).collect()
}

/// `count` questions in an order fixed by `seed`: every fact once before any fact twice (a row
/// asked forward and backward is one fact).
pub fn pick(all: &[Question], count: usize, seed: u64) -> Vec<Question> {
    let mut order: Vec<&Question> = all.iter().collect();
    order.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
    let mut facts = HashSet::new();
    let (first, again): (Vec<&Question>, Vec<&Question>) =
        order.into_iter().partition(|q| facts.insert(fact(q)));
    first.into_iter().chain(again).take(count).cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::text;

    const NOTES: &str = "仮想サーバー\nEC2\n品質改善\n| 停止保護 | インスタンスの停止および手動削除を防ぐ機能。 |\n| 自動復旧機能 | 障害のときにインスタンスを自動的に復旧させることができる。 |\n| ハイバネーション | 【停止しても継続できる】 ハイバネーションはメインメモリの内容を待避させ、作業途中から再開できるようにする機能。 |\n| 送信元/送信先 チェック | トラフィックの送信元か送信先かを確認できる。 |\n| 空欄 | |\n| 短い | 認証部分。 |\nVPC\n\n1リージョンにVPCは5つまで。\n";

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
        assert!(kinds.contains(&"term") && kinds.contains(&"feature"), "{kinds:?}");
        // Its description names it (ハイバネーションは…): as a definition choice it would need a
        // blank, which reads as a riddle, so it makes no definition question.
        assert!(!kinds.contains(&"definition"), "{kinds:?}");
        let term = candidates.iter().find(|q| q.kind == "term").unwrap();
        assert_eq!(term.answer(), "ハイバネーション");
        assert!(term.question.contains("〇〇はメインメモリ"), "the term is masked: {}", term.question);
        assert!(!term.question.contains('【'), "the tagline is not shown: {}", term.question);
        assert!(term.question.starts_with("EC2の品質改善のうち、"), "{}", term.question);
        assert_eq!(term.choices.len(), 4);
        // One fact, at most two questions, the best kinds: the tagline question first.
        let kept = hib(&questions());
        assert_eq!(kept.len(), MOST_PER_FACT, "{kept:#?}");
        assert!(kept.iter().any(|q| q.kind == "feature"), "{kept:#?}");
        assert!(kept.iter().all(|q| fact(q) == fact(&kept[0])));
        // …and never both in one window: `pick` gives every fact before any fact twice.
        let all = questions();
        let facts: HashSet<String> = all.iter().map(fact).collect();
        let first: HashSet<String> = pick(&all, facts.len(), 3).iter().map(fact).collect();
        assert_eq!(first.len(), facts.len());
        assert!(kept[0].question.contains("「停止しても継続できる」"), "{}", kept[0].question);
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
        assert!(qs.iter().any(|q| q.question.starts_with("ECR（スキャンタイプ）で、特徴が「")), "{qs:#?}");
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
        assert_eq!(clean("【停止しても継続できる】 機能。 ※注意。 続き"), "機能。 続き");
        assert_eq!(clean("[依存関係]インストールを自動化"), "インストールを自動化");
        assert_eq!(clean("【R~シリーズ】 メモリ最適化"), "メモリ最適化");
        assert_eq!(clean("A ※補足 ・B"), "A ・B");
    }

    #[test]
    fn numbers_are_blanked_with_nearby_distractors() {
        let q = questions().into_iter().find(|q| q.kind == "number").expect("a number question");
        assert!(q.question.contains("1リージョンにVPCは（　）まで。"), "{}", q.question);
        assert_eq!(q.answer(), "5つ");
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
        assert_ne!(ids(pick(&all, all.len(), 1)), ids(pick(&all, all.len(), 2)));
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
}
