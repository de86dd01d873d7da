//! Questions about names (table rows, `●` items, service headings) with their siblings as
//! the choices: scenario, feature, term/item and definition questions.

use super::*;

/// A named thing: a table row (term, description) or a `●` item. The description may be empty
/// (such a name is still a fine distractor for its siblings).
#[derive(Debug, Clone)]
pub(super) struct Name<'a> {
    section: &'a Section,
    /// The name as members see it: without `【…】` taglines and `[…]` labels.
    term: String,
    /// The description without markup.
    description: String,
    /// A leading `【…】` tagline of the description, if any.
    tagline: Option<String>,
}

pub(super) fn name(section: &Section) -> Option<Name<'_>> {
    let (term, description) = match section.kind {
        SectionKind::Row => {
            let cells = table::cells(&section.text)?;
            let description =
                cells[1..].iter().filter(|c| !c.is_empty()).cloned().collect::<Vec<_>>().join(" ");
            (cells.first()?.clone(), description)
        }
        SectionKind::Item => {
            let description = section
                .text
                .lines()
                .skip(1)
                .filter(|l| table::cells(l).is_none())
                .collect::<Vec<_>>()
                .join(" ");
            (section.title.clone(), description)
        }
        // A service (a heading right under a category that names an AWS service) and its lead
        // text. A topic filed the same way (`AWSコンテナオーケストレーションサービス`) is not one.
        SectionKind::Heading if is_service(section) || is_edition(section) => {
            if gazetteer::named(&normalize(&section.title)).is_empty() {
                return None;
            }
            (section.title.clone(), section.text.lines().skip(1).collect::<Vec<_>>().join(" "))
        }
        _ => return None,
    };
    // Items right under a category (`基礎知識 › Docker`, `基礎知識 › 責任共有モデル`) or right under
    // a service (`Cloud Front › プリンシパル`, `› キャッシュミス`, `VPC › ENI`) are a glossary of
    // unlike things: none is a fair distractor for another. Things of one kind sit under a
    // heading that names the kind (`EC2 › 品質改善`, `[配分戦略]`).
    if section.path.len() <= 3 && !is_service(section) && !is_edition(section) {
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
    let term = clean(&term);
    let (tagline, description) = split_tagline(description.trim());
    let term_chars = term.chars().count();
    ((1..=40).contains(&term_chars)).then(|| Name { section, term, description: clean(description), tagline })
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

/// A setup step: `…の作成`, `…の選択`, `…の指定`, `…の設定`.
pub(super) fn is_step(term: &str) -> bool {
    ["の作成", "の選択", "の指定", "の設定", "の追加", "の有効化", "の登録"]
        .iter()
        .any(|s| term.trim().ends_with(s))
}

/// A heading right under a category heading: a service (`仮想サーバー › EC2`).
pub(super) fn is_service(section: &Section) -> bool {
    section.kind == SectionKind::Heading && section.path.len() == 2
}

/// A heading right under a service that the gazetteer knows as a service of its own: one of a
/// family's editions (`WorkSpaces Family › WorkSpaces`, `› WorkSpaces Core`, `› WorkSpaces Secure
/// Browser`), offered with its sister editions.
fn is_edition(section: &Section) -> bool {
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

    /// True when the description says enough to ask about.
    fn described(&self) -> bool {
        self.description.chars().filter(|c| c.is_alphanumeric()).count() >= MIN_DESCRIPTION_CHARS
    }

    /// The heading the name sits under, as the kind of the choices (`配分戦略`), when short.
    fn category(&self) -> Option<String> {
        let path = &self.section.path;
        let parent = heading_text(path.get(path.len().checked_sub(2)?)?);
        let chars = parent.chars().count();
        ((2..=CATEGORY_CHARS).contains(&chars) && markup_free(&parent)).then_some(parent)
    }

    /// Where the choices come from, so the stem has its context: 「EC2の品質改善のうち、」,
    /// 「Local Zonesについて、」, 「AWSのサービスのうち、」.
    fn among(&self) -> String {
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

/// A service's name without its gloss: `EC2(Elastic Compute Cloud)` → `EC2`.
pub(super) fn short_name(service: &str) -> String {
    let head = service.split(['(', '（']).next().unwrap_or(service).trim();
    clean(if head.is_empty() { service } else { head })
}

/// The names under the same heading (rows of one table, items under one heading), nearest first.
pub(super) fn siblings<'a>(all: &[Name<'a>], elsewhere: &[bool], i: usize) -> Vec<Name<'a>> {
    let me = &all[i];
    let parent = &me.section.path[..me.section.path.len().saturating_sub(1)];
    let mut seen: HashSet<String> = HashSet::from([key(&me.term)]);
    let mut kin: Vec<(usize, usize, &Name)> = all
        .iter()
        .enumerate()
        .filter(|(j, n)| {
            *j != i && n.section.path.len() == me.section.path.len() && n.section.path.starts_with(parent)
        })
        .map(|(j, n)| (j.abs_diff(i), j, n))
        .collect();
    // Services are all of one kind, whichever category the notes file them under.
    if is_service(me.section) {
        kin.extend(
            all.iter()
                .enumerate()
                .filter(|(j, n)| *j != i && is_service(n.section) && !n.section.path.starts_with(parent))
                .map(|(j, n)| (j.abs_diff(i) + all.len(), j, n)),
        );
    }
    kin.sort_by_key(|(distance, _, _)| *distance);
    // A heading that lists two kinds (`インスタンスの種類`: purchase options, and メモリ最適化インスタンス,
    // which is メモリ最適化 of [インスタンスファミリー]): names also listed under another heading are a
    // kind of their own.
    let mine = elsewhere[i];
    // Most names of a heading that end in one word (…インスタンス) are of that kind; one that ends
    // otherwise (ステータスチェック under インスタンスの種類) is not offered with them, nor they with it.
    let group: Vec<Option<&str>> =
        std::iter::once(me).chain(kin.iter().map(|(_, _, n)| *n)).map(|n| head(&n.term)).collect();
    let shared =
        group.iter().flatten().find(|h| group.iter().filter(|g| g.as_ref() == Some(*h)).count() >= 3);
    let of_shared = |n: &Name| shared.is_some() && head(&n.term) == shared.copied();
    let me_shared = of_shared(me);
    kin.into_iter()
        .filter(|(_, j, _)| elsewhere[*j] == mine)
        .filter(|(_, _, n)| of_shared(n) == me_shared)
        .map(|(_, _, n)| (*n).clone())
        .filter(|n| seen.insert(key(&n.term)))
        .collect()
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

/// Which one would you choose for this? From a sentence saying what the name is for.
pub(super) fn scenario_questions(name: &Name, kin: &[Name]) -> Vec<Question> {
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
        let question = format!("{}次の場合に選ぶのはどれ？\n「{shown}」", name.among());
        let distractors = distinct_choices(&name.term, kin.iter().map(|n| n.term.clone()));
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

/// Which one has this feature? From a `【…】` tagline.
pub(super) fn feature_question(name: &Name, kin: &[Name]) -> Option<Question> {
    let tagline = name.tagline.as_ref()?;
    let shown = mask(tagline, &variants(&name.term));
    let question = format!("{}「{shown}」が特徴のものはどれ？", name.among());
    let distractors = distinct_choices(&name.term, kin.iter().map(|n| n.term.clone()));
    let explanation = format!("{} — {}", name.term, name.description);
    build(name.section, "feature", "", question, name.term.clone(), distractors, &explanation)
}

/// Which one fits this description?
pub(super) fn term_question(name: &Name, kin: &[Name]) -> Option<Question> {
    if !name.described() {
        return None;
    }
    let shown = mask(&shorten(lead(&name.description), QUESTION_CHARS), &variants(&name.term));
    let distractors = distinct_choices(&name.term, kin.iter().map(|n| n.term.clone()));
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

/// What does this term do? Each choice is the first sentence of a sibling's description, with
/// its own name masked (so every choice reads alike and none names the asked term).
pub(super) fn definition_question(name: &Name, kin: &[Name]) -> Option<Question> {
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
    let distractors = distinct_choices(&answer, kin.iter().filter_map(choice));
    let question = format!("「{}」の説明として正しいものはどれ？", name.term);
    let mut q = build(name.section, "definition", "", question, answer, distractors, &name.description)?;
    // Whose description each choice is, and its line.
    let whose = |c: &String| {
        std::iter::once(name)
            .chain(kin)
            .find(|n| choice(n).as_ref() == Some(c))
            .map(|n| format!("「{}」 — {}の説明 (L{})", shorten(c, 30), n.term, n.section.line_start))
    };
    let notes: Vec<String> = q.choices.iter().filter_map(whose).collect();
    if notes.len() == q.choices.len() {
        q.choice_notes = notes;
    }
    Some(q)
}

/// True when `sentence` says what a thing is for: a [`PURPOSE`] phrase that is not the start
/// of a longer word (`に有効` is not `的に有効化した`).
pub(super) fn says_purpose(sentence: &str) -> bool {
    PURPOSE
        .iter()
        .any(|p| sentence.match_indices(p).any(|(at, _)| !sentence[at + p.len()..].starts_with(['化', '性'])))
}

/// True when `sentence` leans on one the question does not show (`これらのタスクを再実行するには`).
pub(super) fn dangling(sentence: &str) -> bool {
    ["これら", "それら", "この", "その", "上記", "前述", "同様"]
        .iter()
        .any(|d| sentence.trim_start().starts_with(d))
}

/// True when `text` opens with an aside, a bullet or a reference to what is not shown: not
/// something to show as what a thing is.
pub(super) fn aside(text: &str) -> bool {
    let text = text.trim_start();
    text.starts_with(['(', '（', '・', '-']) || dangling(text)
}

/// The first sentence of a description when it can be shown whole as a choice.
pub(super) fn first_sentence(description: &str) -> Option<String> {
    // `HTTPヘッダーの一つ。ブラウザが…`: a sentence that only names the kind is skipped; the
    // next says what the thing does.
    let mut sentences = description.split_inclusive('。').map(str::trim).filter(|s| !s.is_empty());
    let first = sentences.next()?;
    let kind_only = ["の一つ。", "の1つ。", "の一種。", "のひとつ。"].iter().any(|k| first.ends_with(k));
    let first = if kind_only { sentences.next()? } else { first };
    let first = first.split(" ・").next()?.trim();
    let chars = first.chars().count();
    // `(スタンダード / コンバーティブル)(数年間契約…)` is an aside, not what the thing is.
    ((MIN_CHOICE_CHARS..=CHOICE_CHARS).contains(&chars) && !aside(first)).then(|| first.to_owned())
}
