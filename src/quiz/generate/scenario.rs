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
        let said: Vec<String> = sentences.iter().filter(|s| is_use(s)).map(|s| s.to_string()).collect();
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
        let Some((frame, quote)) = asked_as(sentence) else { continue };
        let shown = mask(&quote, &variants);
        let question = format!("{}{frame}\n「{shown}」", name.among());
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
    let (stem, wished) = match s.strip_suffix("することができる").or_else(|| s.strip_suffix("することが可能"))
    {
        Some(stem) => (stem, None),
        // `…を防ぐことができる` → `…を防ぎたい`: a kanji verb's dictionary form.
        None => match s.strip_suffix("ことができる").or_else(|| s.strip_suffix("ことが可能")) {
            Some(verb) => (verb, Some(verb_wish(verb)?)),
            None => (s.strip_suffix("できる")?, None),
        },
    };
    let last = stem.chars().last()?;
    let verbal_noun = wished.is_some() || crate::search::kana::is_katakana(last) || is_kanji(last);
    // A topic (`ユーザーは…`, `Kubernetes は…`) or a clause that describes (`伸縮自在であり、`) does
    // not read as a wish; `…を利用したい` says nothing a choice could differ in.
    let reads_alone = !aside(s)
        && !s.starts_with(['※', '[', '【'])
        && !statements::LEANING.iter().any(|l| s.starts_with(l))
        && !["本機能", "これ", "それ", "下記", "以下", "上記", "は", "であり"].iter().any(|w| s.contains(w))
        && !["利用", "使用", "行う"].iter().any(|w| stem.ends_with(w));
    let object = stem.rfind('を').is_some_and(|at| stem[at..].chars().count() > 2);
    (verbal_noun && reads_alone && object && (12..=80).contains(&s.chars().count()) && markup_free(s))
        .then(|| wished.unwrap_or_else(|| format!("{stem}したい")))
}

/// `防ぐ` → `防ぎたい`, `抑える` → `抑えたい`: the wish of a verb written with a kanji and its
/// ending, for the endings that conjugate one way only (a godan ending other than る, or る after
/// an e-row kana, which is ichidan but for a few words like 帰る). `None` for any other.
fn verb_wish(verb: &str) -> Option<String> {
    let mut chars: Vec<char> = verb.chars().collect();
    let ending = chars.pop()?;
    let before = *chars.last()?;
    const GODAN: &[(char, char)] = &[
        ('う', 'い'),
        ('く', 'き'),
        ('ぐ', 'ぎ'),
        ('す', 'し'),
        ('つ', 'ち'),
        ('ぬ', 'に'),
        ('ぶ', 'び'),
        ('む', 'み'),
    ];
    let stem: String = chars.iter().collect();
    if let Some((_, i)) = GODAN.iter().find(|(u, _)| *u == ending) {
        return is_kanji(before).then(|| format!("{stem}{i}たい"));
    }
    let e_row = "えけげせぜてでねへべぺめれ".contains(before);
    let kanji_before = chars.len() >= 2 && is_kanji(chars[chars.len() - 2]);
    (ending == 'る' && e_row && kanji_before).then(|| format!("{stem}たい"))
}

/// A sentence a scenario question can quote as a use: it says one ([`says_purpose`]), ends in
/// one ([`asked_as`]) and reads whole ([`shown_whole`]).
fn is_use(sentence: &str) -> bool {
    says_purpose(sentence) && asked_as(sentence).is_some() && shown_whole(sentence)
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
    if sentences.iter().any(|s| is_use(s)) {
        return None;
    }
    sentences.into_iter().find(|s| wish(s).is_some() && mask(s, variants) == *s).map(str::to_owned)
}

/// How a scenario question asks, and what it quotes: the words that say the sentence is a use
/// (`…に推奨`, `…場合に最適`, `…の際に有効`) go into the question, so that the quote is the use
/// itself. Readers of session 22's whole-pool reading failed 「次の用途に向いているのはどれ？」
/// before 「…アプリケーションに推奨」 and 「次の場合に選ぶのはどれ？」 before 「…したい場合に最適」 as
/// frames that do not fit their quotes.
/// - a situation (`…したい場合`, `…のとき`, `…したい`): 「次の場合に選ぶのはどれ？」;
/// - a list of uses (`…など`) or a use the sentence ends in: 「次の用途に…のはどれ？」;
/// - who a thing is for (`…などのユーザー向けに、…を提供`): 「次の利用者向けのものはどれ？」.
///
/// `None` for a sentence that does not end in a use (`…に最適なエッジロケーションを決定して配信
/// する` says how a thing works; `…向けの…API` what it is): not a scenario.
pub(super) fn asked_as(sentence: &str) -> Option<(String, String)> {
    let s = sentence.trim().trim_end_matches(['。', ' ']).trim();
    let ask = |frame: &str, quote: &str| Some((frame.to_owned(), quote.trim_end_matches('、').to_owned()));
    // The longest ending first: `場合に最適` before `に最適`.
    const ENDINGS: &[(&str, &str, &str)] = &[
        ("場合に最適", "場合", "次の場合に最適なのはどれ？"),
        ("場合に推奨", "場合", "次の場合に推奨されているのはどれ？"),
        // 「使える」 would admit On-Demand for Spot's use (reader 53): 「向いている」 says it suits.
        ("場合に使用できる", "場合", "次の場合に向いているのはどれ？"),
        ("場合に使用", "場合", "次の場合に使うのはどれ？"),
        ("場合に設定", "場合", "次の場合に設定するのはどれ？"),
        ("場合に有効", "場合", "次の場合に有効なのはどれ？"),
        ("の際に有効", "", "次の場面で有効なのはどれ？"),
        ("に推奨", "", "次の用途に推奨されているのはどれ？"),
        ("に最適", "", "次の用途に最適なのはどれ？"),
        ("に有効", "", "次の用途に有効なのはどれ？"),
        ("に向いている", "", "次の用途に向いているのはどれ？"),
        ("に適している", "", "次の用途に適しているのはどれ？"),
        ("に役に立つ", "", "次の用途に役立つのはどれ？"),
        ("に役立つ", "", "次の用途に役立つのはどれ？"),
        ("ために使用する", "", "次の目的で使うのはどれ？"),
        ("ために使用", "", "次の目的で使うのはどれ？"),
    ];
    for (ending, kept, frame) in ENDINGS {
        if let Some(rest) = s.strip_suffix(ending) {
            return ask(frame, &format!("{rest}{kept}"));
        }
    }
    if ["場合", "とき", "時", "たい"].iter().any(|e| s.ends_with(e)) || s.contains("したい") {
        return ask("次の場合に選ぶのはどれ？", s);
    }
    if s.ends_with("など") {
        return ask("次の用途に向いているのはどれ？", s);
    }
    if let Some((users, _)) = s.split_once("向けに") {
        return users
            .ends_with("ユーザー")
            .then(|| ("次の利用者向けのものはどれ？".to_owned(), users.to_owned()));
    }
    None
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
        assert_eq!(wish("偶発的な削除を防ぐことができる").as_deref(), Some("偶発的な削除を防ぎたい"));
        assert_eq!(
            wish("ある国(地域)からのアクセスに対して 403 (アクセス拒否) のレスポンスを返すことが可能")
                .as_deref(),
            Some("ある国(地域)からのアクセスに対して 403 (アクセス拒否) のレスポンスを返したい")
        );
        assert_eq!(
            wish("ピーク時以外のリソース使用率を抑えることができる").as_deref(),
            Some("ピーク時以外のリソース使用率を抑えたい")
        );
        for not_a_wish in [
            "アプリを見ることができる",
            "データを送ることができる",
            "製品の追加や制約の追加を行うことができる",
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
    fn a_use_is_asked_with_the_words_that_say_it_is_one_in_the_question() {
        let asked = |s: &str| asked_as(s).map(|(frame, quote)| format!("{frame}「{quote}」"));
        for (sentence, question) in [
            (
                "ソフトウェアのライセンス等で物理サーバを専有したい場合",
                "次の場合に選ぶのはどれ？「ソフトウェアのライセンス等で物理サーバを専有したい場合」",
            ),
            ("コストを抑えたいとき。", "次の場合に選ぶのはどれ？「コストを抑えたいとき」"),
            (
                "バッチ処理、動画エンコード、ゲームサーバなど",
                "次の用途に向いているのはどれ？「バッチ処理、動画エンコード、ゲームサーバなど」",
            ),
            (
                "少数の重要なインスタンスが互いに分離して保持される必要のあるアプリケーションに推奨",
                "次の用途に推奨されているのはどれ？「少数の重要なインスタンスが互いに分離して保持される必要のあるアプリケーション」",
            ),
            (
                "クラウドに依存せず、自社インフラ上で EKS のような体験を実現したい場合に最適",
                "次の場合に最適なのはどれ？「クラウドに依存せず、自社インフラ上で EKS のような体験を実現したい場合」",
            ),
            (
                "処理途中で中断可能な計算処理を大規模かつ並列で実行する場合に使用できる",
                "次の場合に向いているのはどれ？「処理途中で中断可能な計算処理を大規模かつ並列で実行する場合」",
            ),
            (
                "パッケージのアップデートやソフトウェアのインストールの際に有効",
                "次の場面で有効なのはどれ？「パッケージのアップデートやソフトウェアのインストール」",
            ),
            (
                "設定を保存する必要のないコンタクトセンターの従業員などのユーザー向けに、非永続的な仮想デスクトップを提供",
                "次の利用者向けのものはどれ？「設定を保存する必要のないコンタクトセンターの従業員などのユーザー」",
            ),
        ] {
            assert_eq!(asked(sentence).as_deref(), Some(question), "{sentence}");
        }
        // What a thing is or how it works is not a use, though a use's words are in it.
        for not_a_use in [
            "サードパーティのVDIソフトウェア向けの仮想デスクトップインフラAPI",
            "コンテンツをリクエストすると、コンテンツ処理に最適なエッジロケーションを決定して配信する",
            "Webサーバ側は受け取った〇〇の情報をもとに最適なレスポンスを返す",
        ] {
            assert_eq!(asked(not_a_use), None, "{not_a_use}");
        }
    }

    #[test]
    fn a_use_asked_as_a_scenario_is_not_quoted_whole_by_another_question() {
        let notes = "仮想サーバー\nEC2\n起動の設定\n| 甲設定 | パッケージのアップデートやソフトウェアのインストールの際に有効。 |\n| 乙設定 | 停止の前にメモリの内容をディスクへ退避する設定。 |\n| 丙設定 | 設定の変更をすべて記録して後から監査する設定。 |\n";
        let pool = generate(&crate::corpus::text::parse("aws-notes.txt", notes)).unwrap();
        let asked: Vec<&Question> = pool.iter().filter(|q| q.answer() == "甲設定").collect();
        assert!(
            asked.iter().any(|q| q.kind == "scenario"
                && q.question.ends_with(
                    "次の場面で有効なのはどれ？\n「パッケージのアップデートやソフトウェアのインストール」"
                )),
            "{asked:#?}"
        );
        // The term question would quote the same sentence with its 「の際に有効」: one stem twice.
        assert!(
            !asked.iter().any(|q| q.kind != "scenario" && q.question.contains("インストールの際に有効")),
            "{asked:#?}"
        );
    }
}
