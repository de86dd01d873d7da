//! Scenario questions: which one would you choose for this? From what the notes say a thing
//! is for (〜に最適, 〜に推奨, 〜したい場合, a list of uses ending in など).

use super::*;

/// Which one would you choose for this? From a sentence saying what the name is for.
pub(super) fn scenario_questions(name: &Name, kin: &Kin) -> Vec<Question> {
    let variants = variants(&name.term);
    let sentences: Vec<&str> = name.description.split(['。', '・']).map(str::trim).collect();
    let uses_list =
        name.section.kind == SectionKind::Row && name.description.trim_end_matches('。').ends_with("など");
    let purpose: Vec<String> = if uses_list {
        vec![name.description.trim_end_matches('。').to_owned()]
    } else {
        let said: Vec<String> =
            sentences.iter().filter(|s| says_purpose(s) && shown_whole(s)).map(|s| s.to_string()).collect();
        if said.is_empty() {
            wished_sentence(&name.description, &variants).as_deref().and_then(wish).into_iter().collect()
        } else {
            said
        }
    };
    let mut out = Vec::new();
    for (n, sentence) in purpose.iter().enumerate() {
        if !shown_whole(sentence) {
            continue;
        }
        let shown = mask(sentence, &variants);
        let question = format!("{}{}\n「{shown}」", name.among(), asking_for(sentence));
        // The nearest three, less those the use fits too ([`Kin::fits`]): a farther choice
        // would be of another kind.
        // Nor one the use names (`インメモリデータベース` beside メモリ最適化).
        let unnamed = kin.terms().filter(|d| !says_name_of(sentence, d, &name.term));
        let mut distractors = distinct_choices(&name.term, unnamed);
        distractors.retain(|d| !kin.fits(d, sentence));
        let explanation = format!("{} — {}", name.term, name.description);
        out.extend(build(
            name.section,
            "scenario",
            &n.to_string(),
            question,
            name.term.clone(),
            distractors,
            &explanation,
        ));
    }
    out
}

/// What a capability the notes state (`…を制御できる`, `…を作成することができる`) is wanted for,
/// as a member would say it (`…を制御したい`): the exam's 「〜したい。どれを使う？」. Only a sentence
/// that reads alone, has an object (`を`) and ends in a verbal noun before できる (`制御`,
/// `スケーリング`); `None` for anything else (`…から取得できる` has no object, `…を使える` no
/// verbal noun, `ユーザーは…できる` a topic).
pub(super) fn wish(sentence: &str) -> Option<String> {
    let s = sentence.trim().trim_end_matches('。').trim();
    let stem = s.strip_suffix("することができる").or_else(|| s.strip_suffix("できる"))?;
    let last = stem.chars().last()?;
    let verbal_noun = crate::search::kana::is_katakana(last) || is_kanji(last);
    // A topic (`ユーザーは…`, `Kubernetes は…`) or a clause that describes (`伸縮自在であり、`) does
    // not read as a wish; `…を利用したい` says nothing a choice could differ in.
    let reads_alone = !aside(s)
        && !s.starts_with(['※', '[', '【'])
        && !statements::LEANING.iter().any(|l| s.starts_with(l))
        && !["本機能", "これ", "それ", "下記", "以下", "上記", "は", "であり"].iter().any(|w| s.contains(w))
        && !["利用", "使用"].iter().any(|w| stem.ends_with(w));
    let object = stem.rfind('を').is_some_and(|at| stem[at..].chars().count() > 2);
    (verbal_noun && reads_alone && object && (12..=80).contains(&s.chars().count()) && markup_free(s))
        .then(|| format!("{stem}したい"))
}

/// Whether a use can be quoted as it is: 「下記の場合に最適」 points to a list the question does
/// not show, 「これらのタスクを…」 to a sentence it does not show.
fn shown_whole(sentence: &str) -> bool {
    (10..=120).contains(&sentence.chars().count())
        && !sentence.contains("下記")
        && !sentence.contains("以下")
        && !dangling(sentence)
}

/// The sentence of `description` that a scenario question asks as a wish ([`wish`]): the first
/// that has one and names the thing not (`variants`), when no sentence that can be shown says
/// what the thing is for. Its statement question would ask the same fact the other way round,
/// so it makes none.
pub(super) fn wished_sentence(description: &str, variants: &[String]) -> Option<String> {
    let sentences: Vec<&str> = description.split(['。', '・']).map(str::trim).collect();
    if sentences.iter().any(|s| says_purpose(s) && shown_whole(s)) {
        return None;
    }
    sentences.into_iter().find(|s| wish(s).is_some() && mask(s, variants) == *s).map(str::to_owned)
}

/// How a scenario question asks: 「次の場合に選ぶのはどれ？」 for a situation (`…したい場合`,
/// `…のとき`), 「次の用途に向いているのはどれ？」 for what a thing is for (`…に最適`, a list of uses,
/// `…向けの仮想デスクトップ`): 「次の場合に」 before a use or a noun reads wrong.
pub(super) fn asking_for(sentence: &str) -> &'static str {
    let sentence = sentence.trim_end_matches(['。', ' ']);
    let situation =
        ["場合", "とき", "時"].iter().any(|s| sentence.ends_with(s)) || sentence.contains("したい");
    if situation {
        "次の場合に選ぶのはどれ？"
    } else {
        "次の用途に向いているのはどれ？"
    }
}

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

/// True when `sentence` says what a thing is for: a [`PURPOSE`] phrase that is not the start
/// of a longer word (`に有効` is not `的に有効化した`).
pub(super) fn says_purpose(sentence: &str) -> bool {
    PURPOSE
        .iter()
        .any(|p| sentence.match_indices(p).any(|(at, _)| !sentence[at + p.len()..].starts_with(['化', '性'])))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sibling_whose_own_text_says_the_use_too_is_not_offered() {
        let notes = "仮想サーバー\nEC2\n配置の種類\n| 集約グループ | 大量のデータを低いレイテンシーで処理したい場合に最適。 |\n| 分散グループ | 障害の影響を小さく抑えたい場合に最適。 |\n| 区画グループ | 大量のデータを低いレイテンシーで処理したい場合にも使える。 |\n| 標準グループ | 追加の費用をかけずに始めたい場合に最適。 |\n";
        let all = candidates(&crate::corpus::text::parse("aws-notes.txt", notes));
        let asked = |answer: &str| {
            all.iter()
                .find(|q| q.kind == "scenario" && q.answer() == answer)
                .unwrap_or_else(|| panic!("a scenario for {answer}: {all:?}"))
        };
        // 区画グループ's own text says the use of 集約グループ: both fit, so it is left out.
        let q = asked("集約グループ");
        assert!(!q.choices.contains(&"区画グループ".to_owned()), "{q:?}");
        assert_eq!(q.choices.len(), 3, "{q:?}");
        // A use no sibling's text says keeps every sibling.
        assert_eq!(asked("分散グループ").choices.len(), 4);
    }

    #[test]
    fn what_a_thing_lets_you_do_is_asked_as_the_wish_it_serves() {
        assert_eq!(
            wish("Kubernetesを知らなくても、Dockerコンテナを簡単に実行、停止、管理することができる。")
                .as_deref(),
            Some("Kubernetesを知らなくても、Dockerコンテナを簡単に実行、停止、管理したい")
        );
        assert_eq!(
            wish("AWS Organizationsと連携して、複数アカウントにまたがるデプロイを制御できる").as_deref(),
            Some("AWS Organizationsと連携して、複数アカウントにまたがるデプロイを制御したい")
        );
        for not_a_wish in [
            "伸縮自在であり、Kubernetes はアプリケーションを自動的にスケーリングして修復できる",
            "エージェント端末を使用して利用することができる",
            "インスタンスメタデータは実行中のインスタンスから取得できる",
            "ユーザーはサインインのたびに新しい仮想デスクトップにアクセスできる",
            "コンテナを使える",
            "たとえば、設定を変更できる",
            "※後からキーペアを変更できる",
        ] {
            assert_eq!(wish(not_a_wish), None, "{not_a_wish}");
        }
        // A row that says only what it lets you do is asked as a situation; its statement
        // question would ask the same sentence backward, so there is none.
        let notes = "仮想サーバー\nEC2\n保護の種類\n| 甲保護 | 誤操作からインスタンスを守るための設定項目。 誤って削除する操作をコンソールから防止できる。 |\n| 乙保護 | 停止の前にメモリの内容をディスクへ退避する設定。 |\n| 丙保護 | 設定の変更をすべて記録して後から監査する設定。 |\n";
        let all = candidates(&crate::corpus::text::parse("aws-notes.txt", notes));
        let q = all
            .iter()
            .find(|q| q.kind == "scenario")
            .unwrap_or_else(|| panic!("a scenario question: {all:#?}"));
        assert!(
            q.question
                .ends_with("次の場合に選ぶのはどれ？\n「誤って削除する操作をコンソールから防止したい」"),
            "{q:?}"
        );
        assert_eq!(q.answer(), "甲保護");
        assert!(!all.iter().any(|q| q.kind == "statement" && q.answer().contains("防止できる")), "{all:?}");
    }

    #[test]
    fn a_situation_is_asked_as_one_and_a_use_as_a_use() {
        assert_eq!(
            asking_for("ソフトウェアのライセンス等で物理サーバを専有したい場合"),
            "次の場合に選ぶのはどれ？"
        );
        assert_eq!(asking_for("コストを抑えたいとき。"), "次の場合に選ぶのはどれ？");
        for used in [
            "パッケージのアップデートやソフトウェアのインストールの際に有効",
            "バッチ処理、動画エンコード、ゲームサーバなど",
            "サードパーティのVDIソフトウェア向けの仮想デスクトップインフラAPI",
        ] {
            assert_eq!(asking_for(used), "次の用途に向いているのはどれ？", "{used}");
        }
    }
}
