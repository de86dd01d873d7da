//! The choices that go with a name: its siblings (the rows of its table, the items under its
//! heading), and cousins of the same kind under other headings of the same service; for a
//! service, the services of its AWS category; and the notes on what each wrong choice is.

use super::*;
use crate::search::gazetteer::Service;

/// The choices that go with a name: names of the notes (siblings, cousins), then, for a service,
/// services of its category that the notes do not describe.
pub(super) struct Kin<'a> {
    pub(super) names: Vec<Name<'a>>,
    pub(super) services: Vec<String>,
}

impl<'a> Kin<'a> {
    /// The choices of `all[i]`, nearest first.
    pub(super) fn of(all: &[Name<'a>], elsewhere: &[bool], i: usize) -> Kin<'a> {
        let names = siblings(all, elsewhere, i);
        let services = if is_service(all[i].section) { rivals_outside(all, i) } else { kind_outside(all, i) };
        Kin { names, services }
    }

    /// Every choice's name, the notes' first.
    pub(super) fn terms(&self) -> impl Iterator<Item = String> + '_ {
        self.names.iter().map(|n| n.term.clone()).chain(self.services.iter().cloned())
    }

    /// Whether what the notes say of the choice `term` says much of `clue` too (more than
    /// [`MOST_FITTING`] of its character pairs, in more than one place or nearly all of it): a use
    /// or a feature that may well be true of it. One word in common (`インスタンス` of
    /// 【少数の重要インスタンス】) is not the clue said again.
    pub(super) fn fits(&self, term: &str, clue: &str) -> bool {
        let says = |n: &Name| {
            let (share, runs) = overlap(clue, &n.own_text());
            share > MOST_FITTING && (runs > 1 || share >= 2.0 * MOST_FITTING)
        };
        self.names.iter().any(|n| n.term == term && says(n))
    }

    pub(super) fn len(&self) -> usize {
        self.names.len() + self.services.len()
    }
}

/// Most of a scenario's use or a feature's tagline a wrong choice's own text may say
/// ([`Kin::fits`]). From the reader's flags on session 14's samples: the 4 scenario and feature
/// questions whose nearest wrong choice's text says more than this share of the clue had all
/// been flagged "a second choice fits" (Dedicated Host for 「物理サーバを専有したい場合」, the
/// spread group for 「ハードウェア障害の頻度を軽減」, CloudFront Functions for 「カスタムロジックを
/// 実行」, user data for 「設定の処理」). For description clues the same measure was no better than
/// chance (3 of 10 above it flagged): parallel rows (`Outpost で…コントロールプレーンとノード` for
/// the local and the extended cluster) share most of their words and still differ.
pub(super) const MOST_FITTING: f64 = 0.45;

/// Longest note on a choice.
pub(super) const NOTE_CHARS: usize = 60;

/// Notes on what each choice of a name question actually is: the sibling it names, its
/// description's first sentence (or its start) and its line, so a reveal can say why the others
/// are wrong.
pub(super) fn annotate(pool: &mut [Question], sections: &[Section]) {
    let names: Vec<Name> = names(sections);
    let by_id: HashMap<&str, &Section> = sections.iter().map(|s| (s.id.as_str(), s)).collect();
    for q in pool.iter_mut().filter(|q| matches!(q.kind.as_str(), "scenario" | "feature" | "term" | "item")) {
        let Some(asked) = by_id.get(q.section_id.as_str()) else { continue };
        let parent = &asked.path[..asked.path.len().saturating_sub(1)];
        let answer = q.answer().to_owned();
        let notes: Vec<Option<String>> = q
            .choices
            .iter()
            .map(|choice| {
                let service = is_service(asked);
                let sibling = names.iter().find(|n| {
                    n.is_named(choice) && (n.parent() == parent || service && is_service(n.section))
                });
                sibling.map(|n| n.note(NOTE_CHARS)).or_else(|| {
                    if service {
                        not_in_notes(choice)
                    } else {
                        feature_not_in_notes(choice, &answer)
                    }
                })
            })
            .collect();
        if notes.iter().all(Option::is_some) {
            q.choice_notes = notes.into_iter().flatten().collect();
        }
    }
}

/// The note on a choice that is a service the notes do not describe (see [`Kin`]).
fn not_in_notes(choice: &str) -> Option<String> {
    let service = gazetteer::services().iter().find(|s| s.shown() == choice)?;
    Some(format!("{choice} — ノートに記述なし（AWSの{}のサービス）", service.category_ja))
}

/// The note on a choice that is a feature of the answer's AWS kind the notes do not describe
/// (see [`kind_outside`]).
fn feature_not_in_notes(choice: &str, answer: &str) -> Option<String> {
    let kind = crate::quiz::kinds::of(&[choice.to_owned()])?;
    let answer_kind = crate::quiz::kinds::of(&variants(answer));
    (answer_kind == Some(kind)).then(|| format!("{choice} — ノートに記述なし（{answer}と同じ種類の機能）"))
}

/// The other features of `all[i]`'s AWS kind (`dict/aws-kinds.tsv`) that no name of the notes
/// spells: wrong choices of the right kind where the notes describe too few (ENA and ENI for
/// EFA, whose only sibling of its kind is the source/destination check).
fn kind_outside(all: &[Name], i: usize) -> Vec<String> {
    // Spelled as a post shows it too: `DisableApiTermination` is the notes' DisableAptermination.
    let spelled = |v: &String| [normalize(v.trim()), normalize(&crate::quiz::spelling::corrected(v.trim()))];
    let described =
        |f: &str| all.iter().any(|n| variants(&n.term).iter().any(|v| spelled(v).iter().any(|s| s == f)));
    crate::quiz::kinds::others(&variants(&all[i].term), described)
}

/// The service a heading of the notes names (`ECS` → Elastic Container Service).
pub(super) fn aws_service(section: &Section) -> Option<&'static Service> {
    // Asked for every pair of service headings: found once per title.
    thread_local!(static SEEN: crate::quiz::Memo<String, Option<&'static Service>> = Default::default());
    crate::quiz::memoized(&SEEN, section.title.clone(), || {
        gazetteer::named(&normalize(&section.title)).first().copied()
    })
}

/// Whether the services the headings `a` and `b` name are rivals ([`Service::rivals`]): a member
/// might pick one for the other, and one is wrong where the other is right.
fn rival_sections(a: &Section, b: &Section) -> bool {
    matches!((aws_service(a), aws_service(b)), (Some(x), Some(y)) if x.rivals(y))
}

/// Services of `all[i]`'s category that the notes have no heading for, as a quiz shows them, in
/// an order fixed by the two names (so each question gets its own): wrong choices of the right
/// kind where the notes describe too few (Amazon Connect's category has only Marketplace).
/// None whose name holds the answer's or is held by it (EKS Anywhere for EKS, EC2 Image Builder
/// for EC2).
fn rivals_outside(all: &[Name], i: usize) -> Vec<String> {
    let Some(me) = aws_service(all[i].section) else { return Vec::new() };
    let headings = all.iter().filter(|n| is_service(n.section) || is_edition(n.section));
    let in_notes: Vec<&Service> = headings.filter_map(|n| aws_service(n.section)).collect();
    let mine: Vec<&str> = me.spellings().map(|s| s.text.as_str()).collect();
    let overlaps = |s: &Service| {
        s.spellings()
            .any(|theirs| mine.iter().any(|m| theirs.text.contains(m) || m.contains(theirs.text.as_str())))
    };
    let mut out: Vec<&Service> = gazetteer::services()
        .iter()
        .filter(|s| me.rivals(s) && !overlaps(s))
        .filter(|s| !in_notes.iter().any(|n| std::ptr::eq(*n, *s)))
        .collect();
    let order = |s: &&Service| Sha256::digest(format!("{}\0{}", me.name, s.name).as_bytes())[..8].to_vec();
    out.sort_by_cached_key(order);
    out.into_iter().map(Service::shown).collect()
}

/// The names under the same heading (rows of one table, items under one heading), nearest first,
/// and only those of the name's own kind.
pub(super) fn siblings<'a>(all: &[Name<'a>], elsewhere: &[bool], i: usize) -> Vec<Name<'a>> {
    let me = &all[i];
    let mut seen: HashSet<String> = HashSet::from([key(&me.term)]);
    let first_word = first_word_of(me);
    let mut kin = candidates(all, i, &first_word);
    kin.sort_by_key(|(distance, _, _)| *distance);
    // A heading that lists two kinds (`インスタンスの種類`: purchase options, and メモリ最適化インスタンス,
    // which is メモリ最適化 of [インスタンスファミリー]): names also listed under another heading are a
    // kind of their own.
    let mine = elsewhere[i];
    let group = || std::iter::once(me).chain(kin.iter().map(|(_, _, n)| *n));
    // Most names of a heading that end in one word (…インスタンス) are of that kind; one that ends
    // otherwise (ステータスチェック under インスタンスの種類) is not offered with them, nor they with it.
    let shared = most_shared(group().map(|n| head(&n.term)).collect());
    let of_shared = |n: &Name| shared.is_some() && head(&n.term) == shared;
    // The same for a first word (WorkSpaces Personal, WorkSpaces Pools, WorkSpaces Core are
    // editions; IPアクセスコントロールグループ under the same heading is a feature).
    let first = most_shared(group().map(|n| first_word(&n.term)).collect());
    let of_first = |n: &Name| first.is_some() && first_word(&n.term) == first;
    let (me_shared, me_first) = (of_shared(me), of_first(me));
    // Features of AWS's kinds (`dict/aws-kinds.tsv`): a listed feature is offered only beside its
    // kind (not OAC beside Lambda@Edge); an unlisted one keeps every sibling. Services have their
    // categories instead.
    let kind =
        |n: &Name| if is_service(n.section) { None } else { crate::quiz::kinds::of(&variants(&n.term)) };
    let my_kind = kind(me);
    kin.into_iter()
        .filter(|(_, j, _)| elsewhere[*j] == mine)
        .filter(|(_, _, n)| of_shared(n) == me_shared && of_first(n) == me_first)
        .filter(|(_, _, n)| my_kind.is_none() || kind(n) == my_kind)
        .filter(|(_, _, n)| !said_alike(me, n) && !said_alike(n, me))
        .map(|(_, _, n)| (*n).clone())
        .filter(|n| seen.insert(key(&n.term)))
        .collect()
}

/// Whether the notes say `a` is much like `b` (Linear: `基本的にCanaryと同じであるが…`): offered
/// side by side, what is asked of one is defensible of the other (readers of sessions 17 and 18
/// failed Canary's traffic split with Linear beside it, and Linear's with Canary).
fn said_alike(a: &Name, b: &Name) -> bool {
    variants(&b.term).iter().any(|v| {
        ["と同じ", "と同様", "とほぼ同じ"].iter().any(|like| a.description.contains(&format!("{v}{like}")))
    })
}

/// A value that at least three of the group have (the last word of most rows of a table).
fn most_shared<T: PartialEq + Clone>(group: Vec<Option<T>>) -> Option<T> {
    group.iter().flatten().find(|v| group.iter().filter(|g| g.as_ref() == Some(*v)).count() >= 3).cloned()
}

/// The first word of a name, unless it is the service's own name (EC2 フリート, EC2 Image
/// Builder): that says only whose feature it is.
fn first_word_of(me: &Name) -> impl Fn(&str) -> Option<String> {
    let own = me.section.path.get(1).map(|s| normalize(&short_name(s))).unwrap_or_default();
    move |term: &str| first_word(term).filter(|w| *w != own)
}

/// Every name that may be a choice beside `all[i]`, as (distance, index, name): the names under
/// its heading; for a service, every service; and cousins (below).
fn candidates<'n, 'a>(
    all: &'n [Name<'a>],
    i: usize,
    first_word: &impl Fn(&str) -> Option<String>,
) -> Vec<(usize, usize, &'n Name<'a>)> {
    let me = &all[i];
    let parent = &me.section.path[..me.section.path.len().saturating_sub(1)];
    let mut kin: Vec<(usize, usize, &Name)> = all
        .iter()
        .enumerate()
        .filter(|(j, n)| {
            *j != i && n.section.path.len() == me.section.path.len() && n.section.path.starts_with(parent)
        })
        .map(|(j, n)| (j.abs_diff(i), j, n))
        .collect();
    // A service's kin are the services of its AWS category that the notes describe, whichever
    // heading the notes file them under (the notes' `貸し出しサービス` holds Outposts and WorkSpaces;
    // `付帯コンテンツ機能` a contact centre and a search service).
    if is_service(me.section) {
        return all
            .iter()
            .enumerate()
            .filter(|(j, n)| *j != i && is_service(n.section) && rival_sections(me.section, n.section))
            .map(|(j, n)| (j.abs_diff(i), j, n))
            .collect();
    }
    // Editions of one product under other headings of the same service (WorkSpaces Core beside
    // WorkSpaces Personal and Pools) are cousins of the same kind, when a sibling shares the
    // first word too (not for EC2 Dedicated Host, whose siblings are Dedicated Instance and
    // ベアメタル型インスタンス).
    let word =
        first_word(&me.term).filter(|w| kin.iter().any(|(_, _, n)| first_word(&n.term).as_ref() == Some(w)));
    if let Some(word) = word {
        let service = me.section.path.get(1);
        let cousins: Vec<(usize, usize, &Name)> = all
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i && kin.iter().all(|(_, k, _)| k != j))
            .filter(|(_, n)| !is_service(n.section) && !me.section.path.starts_with(&n.section.path))
            .filter(|(_, n)| n.section.path.get(1) == service && first_word(&n.term).as_ref() == Some(&word))
            .map(|(j, n)| (j.abs_diff(i) + 2 * all.len(), j, n))
            .collect();
        kin.extend(cousins);
    }
    kin
}

/// The first word of a name of several Latin words (`WorkSpaces Personal` → `workspaces`).
fn first_word(term: &str) -> Option<String> {
    let normalized = normalize(term.trim());
    let mut words = normalized.split_whitespace();
    let first = words.next()?;
    let latin =
        first.chars().all(|c| c.is_ascii_alphanumeric()) && first.chars().any(|c| c.is_ascii_alphabetic());
    (latin && words.next().is_some()).then(|| first.to_owned())
}

/// The word a name ends in, in English when the loanword table knows it: `リザーブドインスタンス`
/// and `メモリ最適化インスタンス` → instance, `ステータスチェック` → check. `None` for a name that
/// does not end in katakana.
fn head(term: &str) -> Option<&'static str> {
    let normalized = normalize(term.trim());
    let tail = &normalized[normalized.trim_end_matches(crate::search::kana::is_katakana).len()..];
    let parts = crate::search::loanwords::english_parts(tail);
    parts.last().and_then(|glosses| glosses.first().copied())
}

/// For each name, whether a name under another heading has the same [`core_key`] and this one is
/// not its home: computed once for all names (each name's siblings are filtered by it). The home
/// is the heading that writes the name plainly (`メモリ最適化` of [インスタンスファミリー]), so
/// that table keeps all its rows together, and the heading that adds a generic word
/// (`メモリ最適化インスタンス` among the purchase options) is the one where it is a visitor.
pub(super) fn listed_elsewhere(all: &[Name]) -> Vec<bool> {
    let keys: Vec<String> = all.iter().map(|n| key(&n.term)).collect();
    let cores: Vec<String> = all.iter().map(|n| core_key(&n.term)).collect();
    let plain = |i: usize| keys[i] == cores[i];
    (0..all.len())
        .map(|i| {
            (0..all.len()).any(|j| {
                cores[j] == cores[i] && all[j].parent() != all[i].parent() && (!plain(i) || plain(j))
            })
        })
        .collect()
}

/// A name's [`key`] without a generic last word (`メモリ最適化インスタンス` → `メモリ最適化`).
fn core_key(term: &str) -> String {
    let key = key(term);
    ["インスタンス", "サービス", "機能", "タイプ"]
        .iter()
        .find_map(|g| key.strip_suffix(&normalize(g)).filter(|k| k.chars().count() >= 3))
        .unwrap_or(&key)
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::text;

    fn kin_of(notes: &str, term: &str) -> Vec<String> {
        let sections = text::parse("n.txt", notes);
        let all: Vec<Name> = names(&sections);
        let elsewhere = listed_elsewhere(&all);
        let names: Vec<&str> = all.iter().map(|n| n.term.as_str()).collect();
        let i = all.iter().position(|n| n.term == term).unwrap_or_else(|| panic!("{term} not in {names:?}"));
        siblings(&all, &elsewhere, i).into_iter().map(|n| n.term).collect()
    }

    #[test]
    fn a_tagline_a_sibling_also_has_makes_no_feature_question() {
        let notes = "コンピューティング\nLightsail\n【簡単な仮想サーバー】 月額固定料金で使える仮想サーバー。\nElastic Beanstalk\n【簡単な仮想サーバー環境】 アプリケーションをアップロードするだけで環境を作る。\nOutposts\n【オンプレミス機器のレンタル】 AWSのインフラを自社のデータセンターに置いて使う。\nBatch\nバッチ処理のジョブを実行する。\n";
        let features: Vec<String> = crate::quiz::generate::candidates(&text::parse("n.txt", notes))
            .into_iter()
            .filter(|q| q.kind == "feature")
            .map(|q| q.answer().to_owned())
            .collect();
        assert_eq!(features, vec!["Outposts".to_owned()]);
    }

    #[test]
    fn editions_of_one_product_are_offered_together_and_features_apart() {
        let notes = "貸し出しサービス\nWorkSpaces Family\n仮想デスクトップサービス群。\nWorkSpaces\n仮想デスクトップ。\n●WorkSpaces Personal\nユーザーごとに永続的なデスクトップを割り当てる。\n●WorkSpaces Pools\n保存の要らない非永続的なデスクトップを共有する。\n●IPアクセスコントロールグループ\n接続元のIPアドレスを制限する機能。\n●クロスリージョンリダイレクト機能\n別リージョンのデスクトップに切り替える。\nWorkSpaces Core\nサードパーティのVDIソフトウェア向けのAPI。\nWorkSpaces Secure Browser\nブラウザだけで社内サイトにアクセスするサービス。\n";
        let kin = kin_of(notes, "WorkSpaces Personal");
        assert!(kin.contains(&"WorkSpaces Pools".to_string()), "{kin:?}");
        assert!(kin.contains(&"WorkSpaces Core".to_string()), "a cousin edition: {kin:?}");
        assert!(kin.contains(&"WorkSpaces Secure Browser".to_string()), "{kin:?}");
        assert!(!kin.iter().any(|k| k.contains("IPアクセス") || k.contains("リダイレクト")), "{kin:?}");
    }

    #[test]
    fn the_services_own_name_first_is_not_a_family() {
        // EC2 フリート and EC2 Image Builder are EC2's features, not editions of one product: their
        // siblings stay the rows of their table.
        let notes = "仮想サーバー\nEC2(Elastic Compute Cloud)\n仮想サーバー。\n起動設定\n| EC2 フリート | 起動するインスタンスの種類と組み合わせを設定したグループ。 |\n| 起動テンプレート | 起動に必要なパラメーターをまとめて保存したもの。 |\n| ユーザーデータ | インスタンス起動時に自動実行されるスクリプト。 |\n| EC2 Image Builder | イメージの作成と更新を自動化するサービス。 |\nテナンシー\n| EC2 Dedicated Host | 物理サーバーを専有して利用できる。 |\n| Dedicated Instance | 専用のハードウェアで実行されるインスタンス。 |\n";
        let kin = kin_of(notes, "EC2 フリート");
        assert!(
            kin.contains(&"起動テンプレート".to_string()) && kin.contains(&"ユーザーデータ".to_string()),
            "{kin:?}"
        );
        assert!(!kin.contains(&"EC2 Dedicated Host".to_string()), "{kin:?}");
    }

    #[test]
    fn a_service_is_offered_with_services_of_its_category_only() {
        let notes = "サービス\nECS\nDockerコンテナを簡単に実行、停止、管理できる。\nEKS\nフルマネージドのKubernetes。\nECR\nコンテナイメージを保存・管理するレジストリ。\nCloud Front\nコンテンツを配信するサービス。\nTransfer Family\n外部からのファイル受け渡し窓口の役割。\n";
        let sections = text::parse("n.txt", notes);
        let all: Vec<Name> = names(&sections);
        let elsewhere = listed_elsewhere(&all);
        let kin = |term: &str| Kin::of(&all, &elsewhere, all.iter().position(|n| n.term == term).unwrap());
        let ecs = kin("ECS");
        let names: Vec<&str> = ecs.names.iter().map(|n| n.term.as_str()).collect();
        assert_eq!(names, ["EKS", "ECR"], "the notes' container services, not Cloud Front");
        // Every other container service of the gazetteer is in the notes (EKS, ECR), a part (ECS
        // Anywhere, EKS Anywhere) or does ECS's job (Fargate, Copilot: both would be right).
        assert!(ecs.services.is_empty(), "{:?}", ecs.services);
        let transfer = kin("Transfer Family");
        assert!(transfer.names.is_empty(), "no other storage service in the notes");
        assert!(
            transfer.services.len() >= 3 && !transfer.services.iter().any(|s| s == "DataSync"),
            "{:?}",
            transfer.services
        );
        let storage =
            |s: &String| gazetteer::services().iter().any(|g| g.shown() == *s && g.category == "storage");
        assert!(transfer.services.iter().all(storage), "{:?}", transfer.services);
        assert_ne!(transfer.services, kin("Cloud Front").services);
    }
}
