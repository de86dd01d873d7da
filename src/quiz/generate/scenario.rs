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
        sentences.iter().filter(|s| says_purpose(s)).map(|s| s.to_string()).collect()
    };
    let mut out = Vec::new();
    for (n, sentence) in purpose.iter().enumerate() {
        let chars = sentence.chars().count();
        // 「下記の場合に最適」 points to a list the question does not show, 「これらのタスクを…」 to
        // a sentence it does not show.
        if !(10..=120).contains(&chars)
            || sentence.contains("下記")
            || sentence.contains("以下")
            || dangling(sentence)
        {
            continue;
        }
        let shown = mask(sentence, &variants);
        let question = format!("{}{}\n「{shown}」", name.among(), asking_for(sentence));
        // The nearest three, less those the use fits too ([`Kin::fits`]): a farther choice
        // would be of another kind.
        let mut distractors = distinct_choices(&name.term, kin.terms());
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
