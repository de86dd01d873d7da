//! Statement questions, the exam's 「〜について正しいものはどれ？」: the right choice is a sentence
//! or bullet the notes write about a thing beyond its defining sentence (what the definition
//! question asks), the wrong choices are sentences the notes write about its siblings. Each
//! statement is a fact of its own (`pool::fact`): it is not the sentence the name's term and
//! definition questions quote, so neither answers it.

use super::*;

/// Shortest statement offered (letters and digits): `設定次第でコスト最適化ができる` says too
/// little to be true of one thing only.
const MIN_STATEMENT_CHARS: usize = 16;
/// Most statement questions about one name. Readers passed statement questions more often than
/// any other kind (10 of 11 in session 17's sample 24); the rest of a long description is for the
/// reveal.
const MOST_PER_NAME: usize = 3;
/// Share of a wrong statement's character pairs the asked thing's own text may have: above it,
/// the statement may well be true of the asked thing too (`コストを削減できる`).
const MOST_SHARED: f64 = 0.4;

/// Openings of a sentence that leans on the one before (`たとえば、…`, `また、…`) or only names
/// the kind of thing (`CloudFrontの機能の1つ。`, true of every sibling).
pub(super) const LEANING: &[&str] =
    &["たとえば", "例えば", "また", "しかし", "ただし", "なお", "さらに", "そのため", "加えて", "加え、"];
const KIND_ONLY: &[&str] = &["の一つ。", "の1つ。", "の一種。", "のひとつ。"];

/// The statements a description makes: its sentences and bullets that read alone, whole, with no
/// note markup and no name of `avoid`'s spellings in them. A list entry (`default:インスタンスは
/// …`) is a value of a setting, not a statement.
pub(super) fn statements(description: &str, avoid: &[String]) -> Vec<String> {
    description
        .split_inclusive('。')
        .flat_map(|sentence| {
            sentence.split(" ・").enumerate().map(|(i, s)| (i > 0 || s.trim().starts_with('・'), s))
        })
        // A bullet that is a bare name with what it is for (CloudFront's 「・コンテンツを保持するための
        // バックエンドサーバ(…)」) says what some other thing is, the origin: read as a statement of
        // the asked thing it is false (both readers of session 18 failed it).
        .filter(|(bullet, s)| !(*bullet && ends_in_name(s)))
        .map(|(_, s)| s.trim().trim_start_matches('・').trim().to_owned())
        .filter(|s| {
            let letters = s.chars().filter(|c| c.is_alphanumeric()).count();
            letters >= MIN_STATEMENT_CHARS
                && s.chars().count() <= CHOICE_CHARS
                && !aside(s)
                && !LEANING.iter().any(|l| s.starts_with(l))
                && !KIND_ONLY.iter().any(|k| s.ends_with(k))
                && !s.chars().take(12).any(|c| c == ':' || c == '：')
                // A console path (`表示方法 > アプリケーション > …`) and a condition without its
                // clause (`…を重視する場合`) are not statements.
                && !s.contains(" > ")
                && !s.trim_end_matches('。').ends_with("場合")
                && markup_free(s)
                && *s == clean(s)
                && mask(s, avoid) == *s
        })
        .collect()
}

/// Whether a phrase ends in a katakana name, less a closing aside and full stop
/// (`…のためのバックエンドサーバ(ELB , EC2 …)。`): a name, not something said of one.
fn ends_in_name(phrase: &str) -> bool {
    let mut text = phrase.trim().trim_end_matches('。').trim_end();
    if let Some(open) = text.strip_suffix(')').and_then(|t| t.rfind('(')) {
        text = text[..open].trim_end();
    }
    text.chars().rev().take(2).filter(|c| crate::search::kana::is_katakana(*c)).count() == 2
}

/// 「〈name〉について正しいものはどれ？」 for each of the name's statements after its defining
/// sentence that names no sibling (at most [`MOST_PER_NAME`]), with one statement of each of three
/// siblings as the wrong choices ([`wrong_statements`]). A service's selling points (the rows of
/// its `[特徴とメリット]`) are not among them: asked so in session 18, readers failed 5 of 5
/// (each row a section of its own escaped the deck's spread, rivals' definitions were partly true
/// of the service, and the answer was the one table cell among sentences).
pub(super) fn statement_questions(name: &Name, kin: &Kin) -> Vec<Question> {
    let asked = variants(&name.term);
    let own = own_statements_asked(name, kin, &asked, false);
    if own.is_empty() {
        return Vec::new();
    }
    let wrong = wrong_statements(name, kin, &asked);
    let mut out = Vec::new();
    for (i, answer) in own.into_iter().enumerate() {
        let distractors = distinct_choices(&answer, wrong.iter().map(|(s, _)| s.clone()));
        let question = format!("「{}」について正しいものはどれ？", asked_name(&name.term));
        let extra = format!("statement {i}");
        let Some(mut q) = build(
            name.section,
            "statement",
            &extra,
            question,
            answer.clone(),
            distractors,
            &name.description,
        ) else {
            continue;
        };
        // Whose statement each choice is, and its line.
        let whose = |c: &String| {
            let (term, line) = if *c == answer {
                (&name.term, name.section.line_start)
            } else {
                let n = wrong.iter().find(|(s, _)| s == c)?.1;
                (&n.term, n.section.line_start)
            };
            Some(format!("「{}」 — {term}について (L{line})", shorten(c, 30)))
        };
        let notes: Vec<String> = q.choices.iter().filter_map(whose).collect();
        if notes.len() == q.choices.len() {
            q.choice_notes = notes;
        }
        out.push(q);
    }
    out
}

/// Every spelling of the asked thing (`asked`) and of its siblings. A statement that names a
/// sibling (CloudFront Functions' row: 「・Lambda@Edge より複雑な処理を実行できるが…」) is about the
/// sibling as much as about the asked thing.
fn named_with_siblings(kin: &Kin, asked: &[String]) -> Vec<String> {
    kin.names.iter().flat_map(|n| variants(&n.term)).chain(asked.iter().cloned()).collect()
}

/// The name's statements that name no sibling, after its defining sentence (with it when
/// `with_definition`), at most [`MOST_PER_NAME`]: what is asked of it as true.
fn own_statements_asked(name: &Name, kin: &Kin, asked: &[String], with_definition: bool) -> Vec<String> {
    let defining = first_sentence(&name.description).filter(|_| !with_definition);
    let named = named_with_siblings(kin, asked);
    // What the thing lets you do, asked as its scenario (`scenario::wished_sentence`).
    let wished = wished_sentence(&name.description, asked);
    statements(&name.description, &named)
        .into_iter()
        .filter(|s| defining.as_deref() != Some(s.as_str()))
        .filter(|s| wished.as_deref() != Some(s.trim_end_matches('。')))
        .take(MOST_PER_NAME)
        .collect()
}

/// Fewest true statements a 「誤っているもの」 question shows: two make a three-choice question.
const FEWEST_TRUE: usize = 2;

/// The exam's 「〜について誤っているものはどれ？」: the true choices are the thing's own statements
/// ([`own_statements_asked`], a part's defining sentence among them), the answer the one statement of a sibling that
/// shares least with what the notes say of the thing ([`MOST_SHARED`] at most). The statements
/// are [`statement_questions`]'s answers: asked both ways, they are one section, which a deck
/// shows once before it shows any section twice (`deck::by_section_round`).
pub(super) fn negation_question(name: &Name, kin: &Kin) -> Option<Question> {
    // Not of a service: its false choice would be another service's sentence, told apart by
    // that service's job alone (Amazon Connect's 「対応フローの設計、スタッフの管理」 under
    // Marketplace and Marketplace's under Connect, VPC's 「プライベートネットワークが構築される」
    // under CloudFront: readers of session 20's samples 42–45 failed each as a giveaway).
    if is_service(name.section) {
        return None;
    }
    let asked = variants(&name.term);
    // A part's defining sentence is a true choice too.
    let own = own_statements_asked(name, kin, &asked, true);
    if own.len() < FEWEST_TRUE {
        return None;
    }
    let whole = format!("{} {}", name.term, name.description);
    let (wrong, whose) = kin
        .names
        .iter()
        .flat_map(|n| own_statements(n).into_iter().map(move |s| (s, n)))
        // A use (`…など、一定の時間のかかるジョブに最適`) may well suit the asked thing too.
        .filter(|(s, n)| mask(s, &asked) == *s && !says_purpose(s) && !names_its_own(s, n, name))
        .map(|(s, n)| (shared(&s, &whole), s, n))
        .filter(|(share, _, _)| *share < MOST_SHARED)
        .min_by(|a, b| stands_out(&a.1, &own).cmp(&stands_out(&b.1, &own)).then(a.0.total_cmp(&b.0)))
        .map(|(_, s, n)| (s, n))?;
    let question = format!("「{}」について誤っているものはどれ？", asked_name(&name.term));
    let explanation =
        format!("誤り: 「{wrong}」は{}の説明。{} — {}", whose.term, name.term, name.description);
    let mut q = build(name.section, "negation", "", question, wrong.clone(), own, &explanation)?;
    let note = |c: &String| {
        let n = if *c == wrong { whose } else { name };
        format!("「{}」 — {}について (L{})", shorten(c, 30), n.term, n.section.line_start)
    };
    q.choice_notes = q.choices.iter().map(note).collect();
    Some(q)
}

/// Each sibling's first statement that names neither it nor the asked thing (`asked`, its
/// spellings) and shares less than [`MOST_SHARED`] with what the notes say of the asked thing.
fn wrong_statements<'k, 'a>(name: &Name, kin: &'k Kin<'a>, asked: &[String]) -> Vec<(String, &'k Name<'a>)> {
    let whole = format!("{} {}", name.term, name.description);
    kin.names
        .iter()
        .filter_map(|n| {
            let s = own_statements(n).into_iter().find(|s| {
                mask(s, asked) == *s && shared(s, &whole) < MOST_SHARED && !names_its_own(s, n, name)
            })?;
            Some((s, n))
        })
        .collect()
}

/// [`statements`] of a name that do not name it, made once per name: every sibling of a name
/// asks for them.
fn own_statements(name: &Name) -> Vec<String> {
    thread_local!(static SEEN: crate::quiz::Memo<(String, String), Vec<String>> = Default::default());
    let key = (name.term.clone(), name.description.clone());
    crate::quiz::memoized(&SEEN, key, || statements(&name.description, &variants(&name.term)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::text;

    const NOTES: &str = "仮想サーバー\nEC2\n品質改善\n| 停止保護 | インスタンスの停止および手動削除を防ぐ機能。 コンソールやCLIから設定を変更できる。 |\n| 自動復旧機能 | 障害のときにインスタンスを自動的に復旧させることができる。 復旧後もプライベートIPアドレスは元と同じである。 |\n| ハイバネーション | メインメモリの内容を待避させる機能。 ルートボリュームは暗号化されたEBSである必要がある。 |\n| 送信元/送信先 チェック | トラフィックの送信元か送信先かを確認できる。 NATインスタンスでは無効化する必要がある。 |\n";

    fn questions() -> Vec<Question> {
        candidates(&text::parse("aws-notes.txt", NOTES))
            .into_iter()
            .filter(|q| q.kind == "statement")
            .collect()
    }

    #[test]
    fn a_statement_beyond_the_definition_is_asked_among_the_siblings_statements() {
        let all = questions();
        let q = all.iter().find(|q| q.question.contains("自動復旧機能")).expect("a statement question");
        assert_eq!(q.answer(), "復旧後もプライベートIPアドレスは元と同じである。");
        // Each sibling's first statement that reads alone and is not much like the asked text,
        // siblings of its AWS kind only: not the source/destination check's, a network check.
        assert_eq!(q.choices.len(), 3, "{q:?}");
        assert!(q.choices.contains(&"メインメモリの内容を待避させる機能。".to_owned()), "{q:?}");
        assert!(!q.choices.iter().any(|c| c.contains("送信元")), "{q:?}");
        // The defining sentence is the definition question's: it is not asked again here.
        assert!(all.iter().all(|q| !q.choices[q.answer_index].contains("障害のときに")), "{all:?}");
        assert_eq!(q.choice_notes.len(), 3);
        assert!(q.choice_notes.iter().any(|n| n.contains("ハイバネーションについて (L6)")), "{q:?}");
    }

    #[test]
    fn a_statement_that_names_a_sibling_is_not_asked_as_the_asked_things() {
        let notes = NOTES.replace(
            "NATインスタンスでは無効化する必要がある。",
            "ハイバネーションとは併用できない設定である。",
        );
        let all: Vec<Question> = candidates(&text::parse("aws-notes.txt", &notes));
        let check = all.iter().find(|q| q.kind == "statement" && q.question.contains("送信元/送信先"));
        assert!(check.is_none(), "{check:?}");
        assert!(all.iter().any(|q| q.kind == "statement" && q.question.contains("自動復旧機能")));
    }

    #[test]
    fn a_statement_that_names_its_thing_or_says_too_little_is_not_offered() {
        let avoid = variants("ハイバネーション");
        let said = statements(
            "ハイバネーションは便利。 メモリを待避。 ルートボリュームは暗号化されたEBSである必要がある。",
            &avoid,
        );
        assert_eq!(said, vec!["ルートボリュームは暗号化されたEBSである必要がある。".to_owned()]);
        let leaning = "加え、本機能の一部として、AMI 作成プロセス中に自動的に脆弱性スキャンを実行できる。 たとえば、EC2のインスタンスタイプを制限するなど。 default:インスタンスは共有するハードウェアで実行される。 CloudFrontの配信機能の中の一つ。";
        assert!(statements(leaning, &avoid).is_empty(), "{:?}", statements(leaning, &avoid));
        assert!(statements("※注意書きの類はここに書く。(括弧の中の補足は単独で読めない)", &avoid).is_empty());
        // A bullet that is a name with what it is for says what another thing (the origin) is.
        let cloudfront = "コンテンツを配信するサービスである。 ・コンテンツを保持するためのバックエンドサーバ(ELB , EC2 , S3の静的ホスティング)。 ・ディストリビューションはドメインを指定する(IP不可)。";
        assert_eq!(
            statements(cloudfront, &avoid),
            vec![
                "コンテンツを配信するサービスである。".to_owned(),
                "ディストリビューションはドメインを指定する(IP不可)。".to_owned()
            ]
        );
    }

    #[test]
    fn a_negation_offers_the_things_own_statements_and_a_siblings_as_the_false_one() {
        let notes = NOTES
            .replace(
                "復旧後もプライベートIPアドレスは元と同じである。",
                "復旧後もプライベートIPアドレスは元と同じである。 CloudWatchアラームのアクションとして設定する。",
            )
            // A use may suit the asked thing too: never the false statement, though it shares
            // nothing with the asked thing's text.
            .replace("手動削除を防ぐ機能。", "手動削除を防ぐ機能。 夜間に動かす大規模なバッチ処理や週次の集計処理に最適。")
            .replace("ルートボリュームは", "インスタンスのルートボリュームは");
        let all = candidates(&text::parse("aws-notes.txt", &notes));
        let negation = |thing: &str| {
            let stem = format!("「{thing}」について誤っているものはどれ？");
            all.iter().find(|q| q.kind == "negation" && q.question == stem)
        };
        // The source/destination check is a kind of its own: no sibling's statement to offer.
        assert!(negation("送信元/送信先 チェック").is_none(), "{all:#?}");
        let q = negation("自動復旧機能").expect("a negation question");
        // A part's defining sentence is among the true choices.
        assert_eq!(q.choices.len(), 4, "{q:?}");
        assert!(!says_purpose(q.answer()), "{q:?}");
        for own in [
            "障害のときにインスタンスを自動的に復旧させることができる。",
            "復旧後もプライベートIPアドレスは元と同じである。",
            "CloudWatchアラームのアクションとして設定する。",
        ] {
            assert!(q.choices.contains(&own.to_owned()), "{q:?}");
        }
        assert!(q.explanation.starts_with(&format!("誤り: 「{}」は", q.answer())), "{}", q.explanation);
        let whose = &q.choice_notes[q.answer_index];
        assert!(
            whose.contains("停止保護について (L4)") || whose.contains("ハイバネーションについて (L6)"),
            "{q:?}"
        );
        assert!(
            q.choice_notes.iter().filter(|n| n.contains("自動復旧機能について (L5)")).count() == 3,
            "{q:?}"
        );
    }

    #[test]
    fn a_false_statement_that_says_its_owners_name_is_not_offered() {
        // The server's text names the rack (「Outpostsラックよりも…」): that is not the server's
        // word. The rack's 「…同じスペックのラックであり…」 says whose it is.
        let notes = "貸し出しサービス\nOutposts\n●Outpostsラック\n42U のラックを設置して利用する。 通常のAWSと全く同じスペックのラックであり、幅広いサービスに接続できる。\n●Outpostsサーバー\n1台のサーバーを設置して利用する。 1Uか2Uのどちらかを選んで利用できる。 Outpostsラックよりも必要とする電力は小さい。\n";
        let sections = text::parse("aws-notes.txt", notes);
        let all = names(&sections);
        let named = |term: &str| all.iter().find(|n| n.term == term).expect(term);
        let (rack, server) = (named("Outpostsラック"), named("Outpostsサーバー"));
        assert!(names_its_own(
            "通常のAWSと全く同じスペックのラックであり、幅広いサービスに接続できる。",
            rack,
            server
        ));
        assert!(names_its_own("1台のサーバーを設置して利用する。", server, rack));
        // A word the asked thing's own text has says nothing of whose it is.
        assert!(!names_its_own("42U のラックを設置して利用する。", rack, rack));
        assert_eq!(
            words_of("Instance store-Backed インスタンス"),
            ["instance", "store", "backed", "インスタンス"]
        );
    }

    #[test]
    fn a_false_statement_much_longer_than_the_true_ones_gives_way_to_one_that_is_not() {
        let own = [
            "Podを複数のアベイラビリティゾーンに均等に分散させる。".to_owned(),
            "単一障害をなくすことができる仕組み。".to_owned(),
        ];
        assert!(stands_out("Kubernetes(クラスター)内でアプリケーションのPod(コンテナを含むアプリケーションの最小デプロイ単位)を一定数維持する機能。", &own));
        assert!(!stands_out("予測不可能な数のステートレスPodに対応するためのスケーリングを提供。", &own));
    }

    #[test]
    fn a_negation_takes_a_false_statement_of_the_true_ones_length_when_there_is_one() {
        // Hibernation's sentence shares least with auto recovery's text, but it is over twice as
        // long as the true ones: stop protection's is taken instead.
        let notes = "仮想サーバー\nEC2\n品質改善\n| 停止保護 | インスタンスの停止および手動削除を防ぐ機能。 |\n| 自動復旧機能 | 障害のときにインスタンスを自動的に復旧させる。 復旧後もプライベートIPアドレスは元と同じである。 |\n| ハイバネーション | メインメモリの内容をルートボリュームに待避させ、次に起動した際に作業途中から再開できるようにする機能。 |\n";
        let sections = text::parse("aws-notes.txt", notes);
        let all = names(&sections);
        let asked = all.iter().find(|n| n.term == "自動復旧機能").unwrap();
        let whole = format!("{} {}", asked.term, asked.description);
        let long = "メインメモリの内容をルートボリュームに待避させ、次に起動した際に作業途中から再開できるようにする機能。";
        assert!(shared(long, &whole) < shared("インスタンスの停止および手動削除を防ぐ機能。", &whole));
        let q = candidates(&sections)
            .into_iter()
            .find(|q| q.kind == "negation" && q.question.contains("自動復旧機能"));
        assert_eq!(q.expect("a negation").answer(), "インスタンスの停止および手動削除を防ぐ機能。");
    }

    #[test]
    fn a_service_is_never_asked_as_a_negation() {
        // Two services of one category, each with two statements beyond its lead: a negation of
        // either would offer the other's sentence, told apart by its job alone.
        let notes = "インフラ一括管理ツール\nVPC\n作成ごとに論理的に各ユーザにプライベートネットワークが構築される。 1リージョンに作成できる数には上限がある。 サブネットごとにルートテーブルを関連付けられる。\nCloudFront\nコンテンツを配信する、スケーラブルで可用性の高いコンテンツ配信サービス。 エッジロケーションにキャッシュしたコンテンツを返す。 オリジンにはS3バケットやALBを指定できる。\nRoute 53\n可用性と拡張性に優れたDNSウェブサービス。 ドメイン名の登録ができる。 エンドポイントのヘルスチェックを行える。\n";
        let all = candidates(&text::parse("aws-notes.txt", notes));
        assert!(all.iter().any(|q| q.kind == "statement"), "{all:#?}");
        assert!(!all.iter().any(|q| q.kind == "negation"), "{all:#?}");
    }

    #[test]
    fn a_wrong_statement_much_like_the_asked_things_text_is_not_offered() {
        assert!(
            shared("インスタンスを自動的に復旧させる", "障害のときにインスタンスを自動的に復旧させる")
                > MOST_SHARED
        );
        assert!(shared("NATインスタンスでは無効化する", "障害のときに自動的に復旧させる") < MOST_SHARED);
    }
}
