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

use super::quality::{Words, MASK};
use super::Question;
use crate::corpus::{table, Section, SectionKind};
use crate::search::aliases;
use crate::search::analyzer::normalize;

/// Shortest description that makes a question (letters and digits).
const MIN_DESCRIPTION_CHARS: usize = 12;
/// Longest description shown in a question.
const QUESTION_CHARS: usize = 160;
/// Longest choice: a first sentence longer than this is not offered.
const CHOICE_CHARS: usize = 70;
/// Shortest choice made of a description.
const MIN_CHOICE_CHARS: usize = 8;
/// Longest heading used to name the kind of the choices (`配分戦略のうち、…`).
const CATEGORY_CHARS: usize = 14;
/// Words that say what a thing is for.
const PURPOSE: &[&str] =
    &["に最適", "に推奨", "向け", "したい場合", "に向いて", "に適して", "に有効", "場合に設定", "場合に使用"];

/// Every question the notes can make, in corpus order (deterministic for the same notes); each
/// passed the quality checks and asks a fact no other question asks. Fails only when the
/// embedded dictionary cannot be loaded.
pub fn generate(sections: &[Section]) -> Result<Vec<Question>, lindera::error::LinderaError> {
    let mut words = Words::new()?;
    let mut out = Vec::new();
    for q in candidates(sections) {
        // A stem that describes (not one that names the term) may lose the words that give it away.
        let q = match q.kind.as_str() {
            "term" | "item" | "scenario" | "feature" => match words.blank_giveaways(&q) {
                Some(q) => q,
                None => continue,
            },
            _ => q,
        };
        if !leaks(&q) && words.flaws(&q).is_empty() {
            out.push(q);
        }
    }
    Ok(balance(one_per_fact(few_per_table(out)), sections))
}

/// How far above its share of the notes a service's share of the pool may go.
const OVER_SHARE: f64 = 1.5;

/// The service a section belongs to: the heading under the category (`EC2(Elastic Compute
/// Cloud)`), or the category for its own lead text.
fn service_of(path: &[String]) -> &str {
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
    let mut out = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let kin = siblings(&names, i);
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
const MOST_PER_TABLE: usize = 6;

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

/// Keeps, for each fact, the question of the best kind (in corpus order otherwise).
fn one_per_fact(questions: Vec<Question>) -> Vec<Question> {
    let mut best: HashMap<String, usize> = HashMap::new();
    for (i, q) in questions.iter().enumerate() {
        let slot = best.entry(fact(q)).or_insert(i);
        if rank(&q.kind) < rank(&questions[*slot].kind) {
            *slot = i;
        }
    }
    let keep: HashSet<usize> = best.into_values().collect();
    questions.into_iter().enumerate().filter(|(i, _)| keep.contains(i)).map(|(_, q)| q).collect()
}

/// `count` questions in an order fixed by `seed`.
pub fn pick(all: &[Question], count: usize, seed: u64) -> Vec<Question> {
    let mut order: Vec<&Question> = all.iter().collect();
    order.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
    order.into_iter().take(count).cloned().collect()
}

/// A named thing: a table row (term, description) or a `●` item. The description may be empty
/// (such a name is still a fine distractor for its siblings).
#[derive(Debug, Clone)]
struct Name<'a> {
    section: &'a Section,
    /// The name as members see it: without `【…】` taglines and `[…]` labels.
    term: String,
    /// The description without markup.
    description: String,
    /// A leading `【…】` tagline of the description, if any.
    tagline: Option<String>,
}

fn name(section: &Section) -> Option<Name<'_>> {
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
        // A service (a heading right under a category) and its lead text.
        SectionKind::Heading if is_service(section) => {
            (section.title.clone(), section.text.lines().skip(1).collect::<Vec<_>>().join(" "))
        }
        _ => return None,
    };
    // Items right under a category (`基礎知識 › Docker`, `基礎知識 › 責任共有モデル`) are a glossary
    // of unlike things: none is a fair distractor for another. (A service's own glossary,
    // `Cloud Front › プリンシパル`, `› キャッシュミス`, is as mixed, but dropping it too leaves the
    // pool below 120 questions; see issue #16's note.)
    if section.path.len() <= 2 && !is_service(section) {
        return None;
    }
    // `| pending: 実行前 | stopped: 停止状態 |` pairs states; it is not a term and its definition.
    if term.contains(':') || term.contains('：') {
        return None;
    }
    let term = clean(&term);
    let description = description.trim();
    let tagline = description
        .strip_prefix('【')
        .and_then(|rest| rest.split_once('】'))
        .map(|(tag, _)| tag.trim().to_owned())
        .filter(|tag| tag.chars().count() >= 4 && !tag.starts_with("以下"));
    let term_chars = term.chars().count();
    ((1..=40).contains(&term_chars)).then(|| Name { section, term, description: clean(description), tagline })
}

/// A heading right under a category heading: a service (`仮想サーバー › EC2`).
fn is_service(section: &Section) -> bool {
    section.kind == SectionKind::Heading && section.path.len() == 2
}

impl Name<'_> {
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
fn heading_text(title: &str) -> String {
    let title = title.trim();
    let inner = title.strip_prefix('[').and_then(|t| t.strip_suffix(']')).unwrap_or(title);
    clean(inner)
}

/// A service's name without its gloss: `EC2(Elastic Compute Cloud)` → `EC2`.
fn short_name(service: &str) -> String {
    let head = service.split(['(', '（']).next().unwrap_or(service).trim();
    clean(if head.is_empty() { service } else { head })
}

/// The names under the same heading (rows of one table, items under one heading), nearest first.
fn siblings<'a>(all: &[Name<'a>], i: usize) -> Vec<Name<'a>> {
    let me = &all[i];
    let parent = &me.section.path[..me.section.path.len().saturating_sub(1)];
    let mut seen: HashSet<String> = HashSet::from([key(&me.term)]);
    let mut kin: Vec<(usize, &Name)> = all
        .iter()
        .enumerate()
        .filter(|(j, n)| {
            *j != i && n.section.path.len() == me.section.path.len() && n.section.path.starts_with(parent)
        })
        .map(|(j, n)| (j.abs_diff(i), n))
        .collect();
    // Services are all of one kind, whichever category the notes file them under.
    if is_service(me.section) {
        kin.extend(
            all.iter()
                .enumerate()
                .filter(|(j, n)| *j != i && is_service(n.section) && !n.section.path.starts_with(parent))
                .map(|(j, n)| (j.abs_diff(i) + all.len(), n)),
        );
    }
    kin.sort_by_key(|(distance, _)| *distance);
    kin.into_iter().map(|(_, n)| n.clone()).filter(|n| seen.insert(key(&n.term))).collect()
}

/// Which one would you choose for this? From a sentence saying what the name is for.
fn scenario_questions(name: &Name, kin: &[Name]) -> Vec<Question> {
    let variants = variants(&name.term);
    let sentences: Vec<&str> = name.description.split(['。', '・']).map(str::trim).collect();
    let uses_list =
        name.section.kind == SectionKind::Row && name.description.trim_end_matches('。').ends_with("など");
    let purpose: Vec<String> = if uses_list {
        vec![name.description.trim_end_matches('。').to_owned()]
    } else {
        sentences.iter().filter(|s| PURPOSE.iter().any(|p| s.contains(p))).map(|s| s.to_string()).collect()
    };
    let mut out = Vec::new();
    for (n, sentence) in purpose.iter().enumerate() {
        let chars = sentence.chars().count();
        // 「下記の場合に最適」 points to a list the question does not show.
        if !(10..=120).contains(&chars) || sentence.contains("下記") || sentence.contains("以下") {
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
fn feature_question(name: &Name, kin: &[Name]) -> Option<Question> {
    let tagline = name.tagline.as_ref()?;
    let shown = mask(tagline, &variants(&name.term));
    let question = format!("{}「{shown}」が特徴のものはどれ？", name.among());
    let distractors = distinct_choices(&name.term, kin.iter().map(|n| n.term.clone()));
    let explanation = format!("{} — {}", name.term, name.description);
    build(name.section, "feature", "", question, name.term.clone(), distractors, &explanation)
}

/// Which one fits this description?
fn term_question(name: &Name, kin: &[Name]) -> Option<Question> {
    if !name.described() {
        return None;
    }
    let shown = mask(&shorten(&name.description, QUESTION_CHARS), &variants(&name.term));
    let distractors = distinct_choices(&name.term, kin.iter().map(|n| n.term.clone()));
    let question = format!("{}次の説明に当てはまるものはどれ？\n「{shown}」", name.among());
    let kind = if name.section.kind == SectionKind::Item { "item" } else { "term" };
    build(name.section, kind, "", question, name.term.clone(), distractors, &name.description)
}

/// What does this term do? Each choice is the first sentence of a sibling's description, with
/// its own name masked (so every choice reads alike and none names the asked term).
fn definition_question(name: &Name, kin: &[Name]) -> Option<Question> {
    if !name.described() {
        return None;
    }
    let asked = variants(&name.term);
    let choice = |n: &Name| -> Option<String> {
        let first = first_sentence(&n.description)?;
        Some(mask(&mask(&first, &variants(&n.term)), &asked))
    };
    let answer = choice(name)?;
    let distractors = distinct_choices(&answer, kin.iter().filter_map(choice));
    let question = format!("「{}」の説明として正しいものはどれ？", name.term);
    build(name.section, "definition", "", question, answer, distractors, &name.description)
}

/// The first sentence of a description when it can be shown whole as a choice.
fn first_sentence(description: &str) -> Option<String> {
    let first = description.split_inclusive('。').next()?.trim();
    let first = first.split(" ・").next()?.trim();
    let chars = first.chars().count();
    (MIN_CHOICE_CHARS..=CHOICE_CHARS).contains(&chars).then(|| first.to_owned())
}

/// Text without the notes' markup: `【…】` taglines, `※` notes (to the end of their sentence),
/// `[…]` labels, and the spaces they leave.
pub fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let closing = match c {
            '【' => Some('】'),
            '[' => Some(']'),
            _ => None,
        };
        if let Some(close) = closing {
            match rest.find(close) {
                Some(end) => {
                    rest = &rest[end + close.len_utf8()..];
                    out.push(' ');
                    continue;
                }
                None => {
                    rest = &rest[c.len_utf8()..];
                    continue;
                }
            }
        }
        if c == '※' {
            // The note runs to the end of its sentence, or to the next bullet or tagline.
            let end = rest.find(['。', '・', '【']).unwrap_or(rest.len());
            let end = if rest[end..].starts_with('。') { end + '。'.len_utf8() } else { end };
            rest = &rest[end..];
            out.push(' ');
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    let out = out.split_whitespace().collect::<Vec<_>>().join(" ");
    // `①スポットブロック`: the notes' numbering is not part of the name.
    out.trim_start_matches(|c: char| ('\u{2460}'..='\u{2473}').contains(&c))
        .trim_matches(['、', ' '])
        .to_owned()
}

fn markup_free(text: &str) -> bool {
    super::quality::markup(text).is_none()
}

/// Blanks the one number in a short sentence: `1リージョンにVPCは（　）まで。`
fn number_questions(section: &Section) -> Vec<Question> {
    if section.kind == SectionKind::Row {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (n, line) in section.text.lines().skip(1).enumerate() {
        for sentence in line.split_inclusive('。') {
            let sentence = sentence.trim().trim_start_matches(['・', '※']);
            let numbers = numbers_with_units(sentence);
            let [(start, end, value, unit)] = numbers.as_slice() else { continue };
            if sentence.chars().count() > 80 || sentence.chars().count() < 8 {
                continue;
            }
            let blanked = format!("{}（　）{}", &sentence[..*start], &sentence[*end..]);
            let answer = format!("{value}{unit}");
            // 「つ」counts only to nine (10 is 「10個」), so its distractors stay below ten.
            let limit = if *unit == "つ" { 9 } else { u64::MAX };
            let distractors =
                nearby_numbers(*value, limit).into_iter().map(|v| format!("{v}{unit}")).collect();
            let question = format!("空欄に入るのはどれ？（{}）\n「{blanked}」", section.title);
            out.extend(build(
                section,
                "number",
                &format!("{n}:{start}"),
                question,
                answer,
                distractors,
                sentence,
            ));
        }
    }
    out
}

/// Units that make a number a fact worth asking about.
const UNITS: &[&str] =
    &["つ", "台", "%", "時間", "秒", "分", "個", "年間", "年", "言語", "ms", "インチ", "段"];

/// `(byte start, byte end, value, unit)` of each `<digits><unit>` in a sentence.
fn numbers_with_units(sentence: &str) -> Vec<(usize, usize, u64, &'static str)> {
    let mut out = Vec::new();
    let bytes = sentence.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let preceded_by_letter =
            start > 0 && (bytes[start - 1].is_ascii_alphabetic() || bytes[start - 1] == b'.');
        let rest = sentence[i..].trim_start_matches(' ');
        let skipped = sentence.len() - i - rest.len();
        let unit = UNITS.iter().find(|u| rest.starts_with(**u));
        if let (Some(unit), false, Ok(value)) = (unit, preceded_by_letter, sentence[start..i].parse::<u64>())
        {
            out.push((start, i + skipped + unit.len(), value, *unit));
        }
    }
    out
}

/// Three plausible wrong numbers: neighbours for small counts and years (5つ → 4つ, 6つ;
/// 2025年 → 2024年), halves and multiples for large amounts (60秒 → 30秒, 120秒; 61秒 would
/// test nobody's knowledge).
fn nearby_numbers(n: u64, limit: u64) -> Vec<u64> {
    let candidates = if n < 10 || (1900..=2100).contains(&n) {
        vec![n + 1, n.saturating_sub(1), n + 2, n.saturating_sub(2), n * 2, n + 3]
    } else {
        vec![n * 2, n / 2, n * 3, n * 10, n / 10, n + n / 2]
    };
    let mut out = Vec::new();
    for candidate in candidates {
        if candidate > 0 && candidate <= limit && candidate != n && !out.contains(&candidate) {
            out.push(candidate);
        }
    }
    out.truncate(3);
    out
}

/// Which of the compared things has this property? From a `| 項目 | A | B | C |` table.
fn comparison_questions(section: &Section) -> Vec<Question> {
    let lines: Vec<&str> = section.text.lines().collect();
    let Some(start) = (0..lines.len().saturating_sub(1))
        .find(|&i| table::cells(lines[i]).is_some_and(|h| h.len() >= 3) && table::is_rule(lines[i + 1]))
    else {
        return Vec::new();
    };
    let header = table::cells(lines[start]).unwrap_or_default();
    let rows: Vec<Vec<String>> = lines[start + 2..]
        .iter()
        .map_while(|l| table::cells(l))
        .map(|row| row.iter().map(|c| clean(c)).collect())
        .collect();
    let header: Vec<String> = header.iter().map(|c| clean(c)).collect();
    // `| 項目 | A | B | C |` compares the columns A, B, C row by row; `| スキャンタイプ | 特徴 | … |`
    // lists the things down the first column with their properties across.
    let by_column = header[0].is_empty() || ["項目", "比較", "観点"].iter().any(|h| header[0].contains(h));
    let (things, properties): (Vec<String>, Vec<String>) = if by_column {
        (header[1..].to_vec(), rows.iter().map(|r| r[0].clone()).collect())
    } else {
        (rows.iter().map(|r| r[0].clone()).collect(), header[1..].to_vec())
    };
    let cell = |thing: usize, property: usize| -> Option<&String> {
        if by_column {
            rows.get(property)?.get(thing + 1)
        } else {
            rows.get(thing)?.get(property + 1)
        }
    };
    // The stem names what is compared: 「VPC（各エンドポイントの比較）で、」.
    let service = section.path.get(1).map(|s| short_name(s)).unwrap_or_default();
    let context = match (service.is_empty(), heading_text(&section.title)) {
        (true, title) if title.is_empty() => String::new(),
        (true, title) => format!("{title}で、"),
        (false, title) if title.is_empty() || title == service => format!("{service}で、"),
        (false, title) => format!("{service}（{title}）で、"),
    };
    let mut out = Vec::new();
    for (p, property) in properties.iter().enumerate().filter(|(_, p)| !p.is_empty()) {
        for (t, thing) in things.iter().enumerate().filter(|(_, t)| !t.is_empty()) {
            let Some(value) = cell(t, p).filter(|v| v.chars().count() >= 4) else { continue };
            // A value two things share asks nothing.
            if (0..things.len()).filter(|&o| cell(o, p) == Some(value)).count() > 1 {
                continue;
            }
            // The compared things are the only choices: a name from elsewhere would be of
            // another kind.
            let distractors = distinct_choices(thing, things.iter().filter(|o| *o != thing).cloned());
            let question = format!("{context}{property}が「{}」なのはどれ？", mask(value, &variants(thing)));
            let explanation = format!("{thing} — {property}: {value}");
            out.extend(build(
                section,
                "comparison",
                &format!("{property}:{t}"),
                question,
                thing.clone(),
                distractors,
                &explanation,
            ));
        }
    }
    out
}

/// Up to three distractors that differ from the answer and from each other (after normalizing).
fn distinct_choices(answer: &str, candidates: impl Iterator<Item = String>) -> Vec<String> {
    let mut seen: HashSet<String> = HashSet::from([key(answer)]);
    candidates.filter(|c| !c.trim().is_empty() && seen.insert(key(c))).take(3).collect()
}

fn key(choice: &str) -> String {
    normalize(choice).chars().filter(|c| c.is_alphanumeric()).collect()
}

/// Assembles a question with its choices in an order fixed by its id.
fn build(
    section: &Section,
    kind: &str,
    extra: &str,
    question: String,
    answer: String,
    distractors: Vec<String>,
    explanation: &str,
) -> Option<Question> {
    // Three of a kind (three compared columns, a name with two siblings) make a three-choice
    // question: better than a fourth choice of another kind.
    if distractors.len() < 2 || answer.trim().is_empty() {
        return None;
    }
    let digest = Sha256::digest(format!("{}\0{kind}\0{extra}", section.id).as_bytes());
    let id = format!("q{}", digest.iter().take(5).map(|b| format!("{b:02x}")).collect::<String>());
    let mut choices = distractors;
    choices.push(answer.clone());
    let seed = u64::from_le_bytes(digest[..8].try_into().unwrap_or([0; 8]));
    choices.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
    let answer_index = choices.iter().position(|c| *c == answer)?;
    Some(Question {
        id,
        question,
        choices,
        answer_index,
        explanation: shorten(&table::render_row(explanation), 200),
        source: section.citation(),
        kind: kind.to_owned(),
        section_id: section.id.clone(),
    })
}

/// The spellings of a term that would give it away: as written, without the parenthesised
/// gloss, the gloss alone, without spaces, and its other names from the alias table.
fn variants(term: &str) -> Vec<String> {
    let term = term.trim().trim_start_matches(|c: char| ('\u{2460}'..='\u{2473}').contains(&c));
    let mut out = vec![term.to_owned()];
    for (open, close) in [('(', ')'), ('（', '）'), ('【', '】')] {
        if let (Some(a), Some(b)) = (term.find(open), term.rfind(close)) {
            if a < b {
                out.push(format!("{}{}", &term[..a], &term[b + close.len_utf8()..]).trim().to_owned());
                out.push(term[a + open.len_utf8()..b].trim().to_owned());
            }
        }
    }
    out.push(term.replace(' ', ""));
    // `EC2Configサービス` is given away by `EC2Config` too.
    for generic in ["サービス", "機能", "ファイル", "モード"] {
        if let Some(head) = term.strip_suffix(generic) {
            out.push(head.trim().to_owned());
        }
    }
    out.extend(aliases::spellings(term));
    out.retain(|v| v.chars().count() >= 2);
    out.sort_by_key(|v| std::cmp::Reverse(v.len()));
    out.dedup();
    out
}

/// Replaces every variant in `text` with the mask (case-insensitive for Latin letters).
fn mask(text: &str, variants: &[String]) -> String {
    let mut out = text.to_owned();
    for v in variants {
        let lower = out.to_ascii_lowercase();
        let needle = v.to_ascii_lowercase();
        let mut rebuilt = String::with_capacity(out.len());
        let mut at = 0;
        for (start, _) in lower.match_indices(&needle) {
            if start < at {
                continue;
            }
            rebuilt.push_str(&out[at..start]);
            rebuilt.push_str(MASK);
            at = start + needle.len();
        }
        rebuilt.push_str(&out[at..]);
        out = rebuilt;
    }
    out
}

/// True when the question text still gives the answer away.
fn leaks(q: &Question) -> bool {
    let text = normalize(&q.question);
    let answer = q.answer();
    if q.kind == "definition" || q.kind == "number" {
        return text.contains(&normalize(answer));
    }
    variants(answer).iter().any(|v| text.contains(&normalize(v)))
}

/// The first sentences of `text` up to `max` characters, cut cleanly at a `。` when that keeps
/// at least half of the room; otherwise cut mid-sentence with `…` (a short first sentence such
/// as 「設定が可能。」 says too little on its own).
fn shorten(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out = String::new();
    for sentence in text.split_inclusive('。') {
        if out.chars().count() + sentence.chars().count() > max {
            break;
        }
        out.push_str(sentence);
    }
    if out.chars().count() < max / 2 {
        out = text.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
    }
    out.trim().to_owned()
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
        assert!(
            kinds.contains(&"term") && kinds.contains(&"definition") && kinds.contains(&"feature"),
            "{kinds:?}"
        );
        let term = candidates.iter().find(|q| q.kind == "term").unwrap();
        assert_eq!(term.answer(), "ハイバネーション");
        assert!(term.question.contains("〇〇はメインメモリ"), "the term is masked: {}", term.question);
        assert!(!term.question.contains('【'), "the tagline is not shown: {}", term.question);
        assert!(term.question.starts_with("EC2の品質改善のうち、"), "{}", term.question);
        assert_eq!(term.choices.len(), 4);
        // One fact, one question: the tagline question is the one kept.
        let kept = hib(&questions());
        assert_eq!(kept.len(), 1, "{kept:#?}");
        assert_eq!(kept[0].kind, "feature");
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
}
