//! Questions about names (table rows, `●` items, service headings) with their siblings as
//! the choices: scenario, feature, term/item and definition questions.

use super::*;

/// A named thing: a table row (term, description) or a `●` item. The description may be empty
/// (such a name is still a fine distractor for its siblings).
#[derive(Debug, Clone)]
pub(super) struct Name<'a> {
    pub(super) section: &'a Section,
    /// The name as members see it: without `【…】` taglines and `[…]` labels.
    pub(super) term: String,
    /// The description without markup.
    pub(super) description: String,
    /// A leading `【…】` tagline of the description, if any.
    tagline: Option<String>,
}

/// The names of the notes ([`name_in`]), with the things right under a service that AWS files as
/// one kind (`dict/aws-kinds.tsv`) when another of that kind is there too: Outposts racks and
/// Outposts servers are each a fair choice beside the other. A listed thing alone of its kind
/// there stays out (VPC › ENI, whose kind's others are EC2's network devices).
pub(super) fn names(sections: &[Section]) -> Vec<Name<'_>> {
    let kinds: Vec<Option<&str>> = sections
        .iter()
        .map(|s| (s.path.len() <= 3).then(|| crate::quiz::kinds::of(&variants(&clean(&s.title)))).flatten())
        .collect();
    fn parent(s: &Section) -> &[String] {
        &s.path[..s.path.len().saturating_sub(1)]
    }
    sections
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let alike = kinds[i].is_some()
                && sections
                    .iter()
                    .enumerate()
                    .any(|(j, o)| j != i && kinds[j] == kinds[i] && parent(o) == parent(s));
            name_in(s, alike)
        })
        .collect()
}

/// The name a section gives, if it is one. A thing right under a service or category is one
/// only when it is `alike` another there ([`names`]).
fn name_in(section: &Section, alike: bool) -> Option<Name<'_>> {
    let (term, description) = match section.kind {
        SectionKind::Row => {
            let cells = table::cells(&section.text)?;
            let description =
                cells[1..].iter().filter(|c| !c.is_empty()).cloned().collect::<Vec<_>>().join(" ");
            (cells.first()?.clone(), description)
        }
        SectionKind::Item => (section.title.clone(), prose(section)),
        // A service (a heading right under a category that names an AWS service) and its lead
        // text. A topic filed the same way (`AWSコンテナオーケストレーションサービス`) is not one.
        SectionKind::Heading if is_service(section) || is_edition(section) => {
            if gazetteer::named(&normalize(&section.title)).is_empty() {
                return None;
            }
            (section.title.clone(), prose(section))
        }
        _ => return None,
    };
    // Items right under a category (`基礎知識 › Docker`, `基礎知識 › 責任共有モデル`) or right under
    // a service (`Cloud Front › プリンシパル`, `› キャッシュミス`, `VPC › ENI`) are a glossary of
    // unlike things: none is a fair distractor for another. Things of one kind sit under a
    // heading that names the kind (`EC2 › 品質改善`, `[配分戦略]`).
    if section.path.len() <= 3 && !is_service(section) && !is_edition(section) && !alike {
        return None;
    }
    // `| pending: 実行前 | stopped: 停止状態 |` pairs states; it is not a term and its definition.
    if term.contains(':') || term.contains('：') {
        return None;
    }
    // A setup step (`認証方式の選択`, `サーバーエンドポイントの作成`) is a label of the notes, not a
    // thing the exam names.
    if is_step(&term) {
        return None;
    }
    // The rows under `[特徴とメリット]` (`簡単な導入`, `低レイテンシー`) are one thing's selling
    // points, labels of the notes' table: readers failed every question that asked which label a
    // cell sits under as not worth asking (session 17's samples 28 and 29).
    if is_merit_row(section) {
        return None;
    }
    let term = clean(&term);
    // What the notes get wrong about the thing is not asked about it (`quiz::errata`).
    let description = crate::quiz::errata::without_mistakes(&description);
    let (tagline, description) = split_tagline(description.trim());
    let term_chars = term.chars().count();
    ((1..=40).contains(&term_chars)).then(|| Name { section, term, description: clean(description), tagline })
}

/// The lines under a heading or item that describe it: not a table's rows (a `| ★Kubernetesとは…
/// |` box is an aside about something else) and not a `※` remark on a line of its own (joined
/// with the next line, `※Elastic Kubernetes Service` would run on to the end of EKS's defining
/// sentence, and the remark's removal take the sentence with it). A ` - ` bullet after a
/// sentence's end starts another item that the export put on the same line (`…一定数維持する
/// 機能。 - Kubernetes Horizontal Pod Autoscaler(HPA)`): the description ends before it.
fn prose(section: &Section) -> String {
    let lines = section.text.lines().skip(1).map(str::trim);
    let text =
        lines.filter(|l| table::cells(l).is_none() && !l.starts_with('※')).collect::<Vec<_>>().join(" ");
    match text.find("。 - ") {
        Some(at) => text[..at + '。'.len_utf8()].to_owned(),
        None => text,
    }
}

/// A leading `【…】` tagline, when it tells the name apart, and the description after it. A
/// reading or expansion of the name in brackets first (`OAI | 【…】(オリジンアクセスアイデンティティ)
/// オブジェクトの…`) gives the name away: it is left out. `(スタンダード / コンバーティブル)(数年間
/// 契約…)` with nothing after is an aside, not a description to ask about.
fn split_tagline(description: &str) -> (Option<String>, &str) {
    let tagline = description
        .strip_prefix('【')
        .and_then(|rest| rest.split_once('】'))
        .map(|(tag, _)| tag.trim().to_owned())
        .filter(|tag| tag.chars().count() >= 4 && !tag.starts_with("以下") && !one_word(tag));
    let after_tag = match &tagline {
        Some(_) => description.split_once('】').map_or(description, |(_, rest)| rest),
        None => description,
    };
    let description = without_leading_brackets(after_tag);
    (tagline, if aside(description) { "" } else { description })
}

/// A heading right under a category heading: a service (`仮想サーバー › EC2`).
pub(super) fn is_service(section: &Section) -> bool {
    section.kind == SectionKind::Heading && section.path.len() == 2
}

/// A heading right under a service that the gazetteer knows as a service of its own: one of a
/// family's editions (`WorkSpaces Family › WorkSpaces`, `› WorkSpaces Core`, `› WorkSpaces Secure
/// Browser`), offered with its sister editions.
pub(super) fn is_edition(section: &Section) -> bool {
    section.kind == SectionKind::Heading
        && section.path.len() == 3
        && !gazetteer::named(&normalize(&section.path[1])).is_empty()
        && !gazetteer::named(&normalize(&section.title)).is_empty()
}

impl Name<'_> {
    /// Whether `choice` is this name as shown.
    pub(super) fn is_named(&self, choice: &str) -> bool {
        self.term == choice
    }

    /// The heading path this name sits under.
    pub(super) fn parent(&self) -> &[String] {
        &self.section.path[..self.section.path.len().saturating_sub(1)]
    }

    /// `term — what it is (L12)`: the description's first sentence, cut to `max` characters.
    pub(super) fn note(&self, max: usize) -> String {
        let first = self.description.split_inclusive('。').next().unwrap_or_default().trim();
        let what = if first.is_empty() { "（説明なし）".to_owned() } else { shorten(first, max) };
        format!("{} — {what} (L{})", self.term, self.section.line_start)
    }

    /// What the notes say of this name: its tagline and description.
    pub(super) fn own_text(&self) -> String {
        format!("{} {}", self.tagline.as_deref().unwrap_or_default(), self.description)
    }

    /// True when the description says enough to ask about.
    fn described(&self) -> bool {
        self.description.chars().filter(|c| c.is_alphanumeric()).count() >= MIN_DESCRIPTION_CHARS
    }

    /// The heading the name sits under, as the kind of the choices (`配分戦略`), when short. A
    /// heading that names a thing rather than a kind is not one: an AWS service (`WorkSpaces`,
    /// under which WorkSpaces Personal and Pools sit: 「WorkSpacesのうち」 reads as if they were
    /// WorkSpaces) or a word of Latin letters (`Pod`, under which ReplicaSet and Cluster
    /// Autoscaler sit, which are not Pods).
    fn category(&self) -> Option<String> {
        let path = &self.section.path;
        let heading = heading_text(path.get(path.len().checked_sub(2)?)?);
        let latin = heading.is_ascii();
        if latin || !gazetteer::named(&normalize(&heading)).is_empty() {
            return None;
        }
        let parent = kind_of(&heading)?;
        let chars = parent.chars().count();
        ((2..=CATEGORY_CHARS).contains(&chars) && markup_free(&parent)).then_some(parent)
    }

    /// Where the choices come from, so the stem has its context: 「EC2の品質改善のうち、」,
    /// 「Local Zonesについて、」, 「AWSのサービスのうち、」.
    pub(super) fn among(&self) -> String {
        if is_service(self.section) {
            return "AWSのサービスのうち、".to_owned();
        }
        let service = self.section.path.get(1).map(|s| short_name(s)).unwrap_or_default();
        let category = self.category();
        match category {
            Some(c) if service.is_empty() || c == service || c.contains(&service) => format!("{c}のうち、"),
            Some(c) => format!("{service}の{c}のうち、"),
            None if service.is_empty() => String::new(),
            None => format!("{service}について、"),
        }
    }
}

/// A heading as words: a `[…]` label without its brackets, and no other markup.
pub(super) fn heading_text(title: &str) -> String {
    let title = title.trim();
    let inner = title.strip_prefix('[').and_then(|t| t.strip_suffix(']')).unwrap_or(title);
    clean(inner)
}

/// A heading as the kind of what is under it, or `None` when it names an aspect rather than a
/// kind: `その他機能` → `機能`, `各エンドポイントの比較` → `エンドポイント`; `サーバー占有率`,
/// `品質改善`, `特徴とメリット` are the note-taker's labels (a rate, an improvement, merits), and
/// 「EC2のサーバー占有率のうち」 does not say what the choices are.
pub(super) fn kind_of(heading: &str) -> Option<String> {
    let mut kind = heading.trim();
    kind = kind.strip_prefix("その他の").or_else(|| kind.strip_prefix("その他")).unwrap_or(kind);
    kind = kind.strip_prefix('各').unwrap_or(kind);
    kind = kind.strip_suffix("の比較").or_else(|| kind.strip_suffix("比較")).unwrap_or(kind);
    // 「仕組み(構造)」: the gloss in brackets is the note-taker's, not part of the kind.
    kind = kind.split(['(', '（']).next().unwrap_or(kind).trim();
    let aspect = ASPECTS.iter().any(|a| kind.ends_with(a)) && !kind.ends_with("属性");
    (!aspect && kind.chars().count() >= 2).then(|| kind.to_owned())
}

/// Last words of a heading that names an aspect of a thing, not a kind of things: headings of
/// study notes in general (a rate, an improvement, merits, features, an overview, a summary,
/// points, a quality such as 機能性 or 可用性 — but 属性, attributes, are a kind — and an
/// arrangement: `クラスター構成` holds placement groups, which are not 構成s), not of any one set
/// of notes.
const ASPECTS: &[&str] =
    &["率", "改善", "メリット", "デメリット", "特徴", "概要", "まとめ", "注意点", "性", "構成"];

/// A service's name without its gloss: `EC2(Elastic Compute Cloud)` → `EC2`.
pub(super) fn short_name(service: &str) -> String {
    let head = service.split(['(', '（']).next().unwrap_or(service).trim();
    clean(if head.is_empty() { service } else { head })
}

/// Which one has this feature? From a `【…】` tagline, unless a sibling's tagline says the same
/// (`【単一AZ】` for the cluster group, `【単一AZ内】` for the partition group): then two choices fit.
pub(super) fn feature_question(name: &Name, kin: &Kin) -> Option<Question> {
    // Only a service's: the 【】 of a service's part is the note-taker's own label (`完全個室`,
    // `タスク処理`, `時間単位、秒単位`), and readers failed those as not worth asking or as fitting a
    // neighbour too in every sample of sessions 14–17.
    if !is_service(name.section) {
        return None;
    }
    let tagline = name.tagline.as_ref()?;
    let mine = key(tagline);
    let alike =
        |n: &Name| n.tagline.as_ref().is_some_and(|t| key(t).contains(&mine) || mine.contains(&key(t)));
    if kin.names.iter().any(alike) {
        return None;
    }
    let shown = mask(tagline, &variants(&name.term));
    let question = format!("{}「{shown}」が特徴のものはどれ？", name.among());
    // The nearest three, less those the tagline fits too: a farther choice would be of
    // another kind.
    let mut distractors = distinct_choices(&name.term, kin.terms());
    distractors.retain(|d| !kin.fits(d, tagline));
    let explanation = format!("{} — {}", name.term, name.description);
    build(name.section, "feature", "", question, name.term.clone(), distractors, &explanation)
}

/// Which one fits this description?
pub(super) fn term_question(name: &Name, kin: &Kin) -> Option<Question> {
    if !name.described() {
        return None;
    }
    let clue = shorten(defining(lead(&name.description)), QUESTION_CHARS);
    let shown = mask(&clue, &variants(&name.term));
    let mut distractors = distinct_choices(&name.term, kin.terms());
    // A description that says what the thing is for (the partition group's 「ハードウェア障害の頻度
    // を軽減させるために役に立つ」) is a scenario's clue: a sibling it fits as well is not offered.
    if says_purpose(&clue) {
        distractors.retain(|d| !kin.fits(d, &clue));
    }
    let question = format!("{}次の説明に当てはまるものはどれ？\n「{shown}」", name.among());
    let kind = if name.section.kind == SectionKind::Item { "item" } else { "term" };
    build(name.section, kind, "", question, name.term.clone(), distractors, &name.description)
}

/// A description up to its first bullet (`。・AWS CLIで…`: a `・` after a sentence's end or a
/// space, not the `・` of `構築・運用`), when what comes before says enough: a service's lead
/// text followed by a list of tips reads as one quote only up to the list.
pub(super) fn lead(description: &str) -> &str {
    let mut previous = ' ';
    for (at, c) in description.char_indices() {
        if c == '・' && at > 0 && matches!(previous, '。' | ' ' | '　') {
            let before = description[..at].trim_end();
            if before.chars().filter(|c| c.is_alphanumeric()).count() >= MIN_DESCRIPTION_CHARS {
                return before;
            }
        }
        previous = c;
    }
    description
}

/// The sentences of a description that define the thing: the first, when it says enough
/// ([`DEFINING_CHARS`] letters and digits), else as many as do. What follows (「インスタンスが
/// インターネットにアクセスするには…」 after hibernation's definition, a ※ remark) is about
/// something else as often as not, and a quote that wanders reads as a riddle.
pub(super) fn defining(description: &str) -> &str {
    let mut letters = 0;
    for (at, c) in description.char_indices() {
        if c == '。' && letters >= DEFINING_CHARS {
            return &description[..at + c.len_utf8()];
        }
        letters += usize::from(c.is_alphanumeric());
    }
    description
}

/// Letters and digits a description's first sentences must have to be shown alone.
const DEFINING_CHARS: usize = 24;

/// What does this term do? Each choice is the first sentence of a sibling's description, with
/// its own name masked (so every choice reads alike and none names the asked term).
pub(super) fn definition_question(name: &Name, kin: &Kin) -> Option<Question> {
    if !name.described() {
        return None;
    }
    let asked = variants(&name.term);
    // A description that names its own term (or the asked one) would need a blank: a choice
    // with 〇〇 reads as a riddle, so such a description is not offered.
    let choice = |n: &Name| -> Option<String> {
        let first = first_sentence(&n.description)?;
        (mask(&mask(&first, &variants(&n.term)), &asked) == first).then_some(first)
    };
    let answer = choice(name)?;
    let distractors = distinct_choices(&answer, kin.names.iter().filter_map(choice));
    let question = format!("「{}」の説明として正しいものはどれ？", asked_name(&name.term));
    let mut q = build(name.section, "definition", "", question, answer, distractors, &name.description)?;
    // Whose description each choice is, and its line.
    let whose = |c: &String| {
        std::iter::once(name)
            .chain(&kin.names)
            .find(|n| choice(n).as_ref() == Some(c))
            .map(|n| format!("「{}」 — {}の説明 (L{})", shorten(c, 30), n.term, n.section.line_start))
    };
    let notes: Vec<String> = q.choices.iter().filter_map(whose).collect();
    if notes.len() == q.choices.len() {
        q.choice_notes = notes;
    }
    Some(q)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_heading_is_a_kind_only_when_it_names_one() {
        assert_eq!(kind_of("その他機能").as_deref(), Some("機能"));
        assert_eq!(kind_of("その他ヘッダー").as_deref(), Some("ヘッダー"));
        assert_eq!(kind_of("各エンドポイントの比較").as_deref(), Some("エンドポイント"));
        assert_eq!(kind_of("仕組み(構造)").as_deref(), Some("仕組み"));
        assert_eq!(kind_of("配分戦略").as_deref(), Some("配分戦略"));
        // A rate, an improvement, merits: what the note-taker wrote about, not what the choices are.
        assert_eq!(kind_of("属性").as_deref(), Some("属性"));
        for aspect in ["サーバー占有率", "品質改善", "特徴とメリット", "機能性", "可用性", "クラスター構成"]
        {
            assert_eq!(kind_of(aspect), None, "{aspect}");
        }
    }

    #[test]
    fn a_description_is_its_own_prose_only() {
        let notes = "仮想サーバー\nEKS\n\n※Elastic Kubernetes Service\nKubernetesをマネージドで使えるサービス。\n※ECSは親和性\n| ★Kubernetesとは… コンテナ管理を自動化するツール。(オープンソース) より細かく運用できる。 |\nAWSコンテナオーケストレーションサービス\n●Pod\nKubernetesの最小単位。\n- レプリカセット(ReplicaSet)\nPodを一定数維持する機能。 - Kubernetes Horizontal Pod Autoscaler(HPA)\nPodの数を自動で増減させる仕組み。\n";
        let sections = crate::corpus::text::parse("n.txt", notes);
        let described: Vec<(String, String)> =
            names(&sections).into_iter().map(|n| (n.term, n.description)).collect();
        let of = |term: &str| described.iter().find(|(t, _)| t == term).map(|(_, d)| d.as_str());
        assert_eq!(of("EKS"), Some("Kubernetesをマネージドで使えるサービス。"), "{described:?}");
        assert_eq!(of("レプリカセット(ReplicaSet)"), Some("Podを一定数維持する機能。"), "{described:?}");
    }

    #[test]
    fn a_quoted_description_stops_after_the_sentence_that_defines() {
        let hibernation = "インスタンスが停止する前にメインメモリが保持する内容を待避させ、作業途中から再開できるようにする機能。インスタンスがインターネットにアクセスするには、パブリックIPアドレスが必要となる。";
        assert_eq!(defining(hibernation), "インスタンスが停止する前にメインメモリが保持する内容を待避させ、作業途中から再開できるようにする機能。");
        // A first sentence too short to say what the thing is keeps the next one.
        let oai = "オブジェクトのアクセス権の許可を付与する。S3で機能する。";
        assert_eq!(defining(oai), oai);
        assert_eq!(defining("句点のない説明"), "句点のない説明");
    }
}
