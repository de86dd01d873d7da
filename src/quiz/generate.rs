//! Four-choice questions from the sections.
//!
//! | kind | from | asks | distractors |
//! |---|---|---|---|
//! | `term` | a term\|definition row | which term fits this description? | other terms of the table |
//! | `definition` | a term\|definition row | what does this term do? | the other terms' definitions |
//! | `item` | a `●` item with a description | which item is described? | other items under the heading |
//! | `number` | a sentence with one number (`VPCは5つまで`) | the number, blanked | nearby numbers |
//! | `comparison` | a `項目 \| A \| B \| C` table | which of A/B/C has this property? | the other columns |
//!
//! Distractors come from the nearest siblings first (same table or heading), then the same
//! service, then the whole notes, always of the same kind. The answer never leaks: the term and
//! its variants (without the parenthesised gloss, the gloss alone, other spellings) are masked
//! in the question, and a question whose text still contains its answer is dropped. Material
//! that cannot make a good question (an empty cell, a one-word definition, too few siblings)
//! yields none.

use std::collections::HashSet;

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use sha2::{Digest, Sha256};

use super::Question;
use crate::corpus::{table, Section, SectionKind};
use crate::search::aliases;
use crate::search::analyzer::normalize;

/// Shortest description that makes a question (characters).
const MIN_DESCRIPTION_CHARS: usize = 12;
/// Longest description shown in a question.
const QUESTION_CHARS: usize = 140;
/// Longest description used as a choice.
const CHOICE_CHARS: usize = 60;
/// The mask that replaces the answer in a question.
const MASK: &str = "〇〇";

/// Every question the notes can make, in corpus order (deterministic for the same notes).
pub fn generate(sections: &[Section]) -> Vec<Question> {
    let rows: Vec<Entry> = sections.iter().filter_map(row_entry).collect();
    let items: Vec<Entry> = sections.iter().filter_map(item_entry).collect();
    let mut out = Vec::new();
    for (i, entry) in rows.iter().enumerate() {
        out.extend(term_question(entry, &nearest(&rows, i)));
        out.extend(definition_question(entry, &nearest(&rows, i)));
    }
    for (i, entry) in items.iter().enumerate() {
        out.extend(term_question(entry, &nearest(&items, i)).map(|q| Question { kind: "item".into(), ..q }));
    }
    for section in sections {
        out.extend(number_questions(section));
        out.extend(comparison_questions(section, sections));
    }
    let mut seen = HashSet::new();
    out.retain(|q| seen.insert(q.id.clone()) && !leaks(q));
    out
}

/// `count` questions in an order fixed by `seed`.
pub fn pick(all: &[Question], count: usize, seed: u64) -> Vec<Question> {
    let mut order: Vec<&Question> = all.iter().collect();
    order.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
    order.into_iter().take(count).cloned().collect()
}

/// A named thing with a description: a table row (term, definition) or a `●` item.
#[derive(Debug, Clone)]
struct Entry<'a> {
    section: &'a Section,
    term: String,
    description: String,
}

fn row_entry(section: &Section) -> Option<Entry<'_>> {
    if section.kind != SectionKind::Row {
        return None;
    }
    let cells = table::cells(&section.text)?;
    let description = cells[1..].iter().filter(|c| !c.is_empty()).cloned().collect::<Vec<_>>().join(" ");
    entry(section, cells.first()?.clone(), description)
}

fn item_entry(section: &Section) -> Option<Entry<'_>> {
    if section.kind != SectionKind::Item {
        return None;
    }
    let description =
        section.text.lines().skip(1).filter(|l| table::cells(l).is_none()).collect::<Vec<_>>().join(" ");
    entry(section, section.title.clone(), description)
}

fn entry(section: &Section, term: String, description: String) -> Option<Entry<'_>> {
    let description = description.trim().to_owned();
    let useful = strip_taglines(&description).chars().filter(|c| c.is_alphanumeric()).count();
    (useful >= MIN_DESCRIPTION_CHARS && !term.trim().is_empty()).then_some(Entry {
        section,
        term,
        description,
    })
}

/// The other entries, nearest first: same parent heading, then same service, then anywhere.
fn nearest<'a>(all: &[Entry<'a>], i: usize) -> Vec<Entry<'a>> {
    let me = &all[i];
    let parent = &me.section.path[..me.section.path.len().saturating_sub(1)];
    let shared = |e: &Entry| e.section.path.iter().zip(parent).take_while(|(a, b)| a == b).count();
    let mut others: Vec<(usize, usize, &Entry)> =
        all.iter().enumerate().filter(|(j, _)| *j != i).map(|(j, e)| (shared(e), j.abs_diff(i), e)).collect();
    others.sort_by_key(|(shared, distance, _)| (std::cmp::Reverse(*shared), *distance));
    others.into_iter().map(|(_, _, e)| e.clone()).collect()
}

/// Which term fits this description?
fn term_question(entry: &Entry, others: &[Entry]) -> Option<Question> {
    let variants = variants(&entry.term);
    let shown = mask(&shorten(&entry.description, QUESTION_CHARS), &variants);
    let distractors = distinct_choices(&entry.term, others.iter().map(|e| e.term.clone()));
    let question = format!("次の説明に当てはまるものはどれ？\n「{shown}」");
    build(entry.section, "term", "", question, entry.term.clone(), distractors, &entry.description)
}

/// What does this term do?
fn definition_question(entry: &Entry, others: &[Entry]) -> Option<Question> {
    // Every choice is masked with the asked term only: the answer must not repeat the term, and
    // distractors keep their own wording (masking their terms would mark them as the others).
    let term_variants = variants(&entry.term);
    let choice =
        |description: &str| mask(&shorten(strip_taglines(description), CHOICE_CHARS), &term_variants);
    let answer = choice(&entry.description);
    let distractors = distinct_choices(&answer, others.iter().map(|e| choice(&e.description)));
    let question = format!("「{}」の説明として正しいものはどれ？", entry.term);
    build(entry.section, "definition", "", question, answer, distractors, &entry.description)
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
fn comparison_questions(section: &Section, all: &[Section]) -> Vec<Question> {
    let lines: Vec<&str> = section.text.lines().collect();
    let Some(start) = (0..lines.len().saturating_sub(1))
        .find(|&i| table::cells(lines[i]).is_some_and(|h| h.len() >= 3) && table::is_rule(lines[i + 1]))
    else {
        return Vec::new();
    };
    let header = table::cells(lines[start]).unwrap_or_default();
    let things: Vec<String> = header[1..].to_vec();
    let mut fill: Vec<String> = all
        .iter()
        .filter(|s| s.path.len() >= 2 && section.path.len() >= 2 && s.path[..2] == section.path[..2])
        .map(|s| s.title.clone())
        .filter(|t| !t.starts_with('[') && shares_bigram(t, &things))
        .collect();
    fill.dedup();
    let mut out = Vec::new();
    for row_line in lines[start + 2..].iter().take_while(|l| table::cells(l).is_some()) {
        let row = table::cells(row_line).unwrap_or_default();
        let Some(property) = row.first().filter(|p| !p.is_empty()) else { continue };
        for (col, thing) in things.iter().enumerate() {
            let Some(value) = row.get(col + 1).filter(|v| v.chars().count() >= 4) else { continue };
            if row[1..].iter().filter(|v| *v == value).count() > 1 {
                continue;
            }
            let others = things.iter().filter(|t| *t != thing).cloned().chain(fill.iter().cloned());
            let distractors = distinct_choices(thing, others);
            let question = format!("【{property}】が「{}」なのはどれ？", mask(value, &variants(thing)));
            let explanation = format!("{thing} — {property}: {value}");
            out.extend(build(
                section,
                "comparison",
                &format!("{property}:{col}"),
                question,
                thing.clone(),
                distractors,
                &explanation,
            ));
        }
    }
    out
}

fn shares_bigram(title: &str, things: &[String]) -> bool {
    let bigrams = |s: &str| -> HashSet<(char, char)> {
        let chars: Vec<char> = normalize(s).chars().collect();
        chars.windows(2).map(|w| (w[0], w[1])).collect()
    };
    let mine = bigrams(title);
    things.iter().any(|t| t != title && !mine.is_disjoint(&bigrams(t)))
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
    if distractors.len() < 3 || answer.trim().is_empty() {
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

/// Drops leading `【…】` taglines and `※` notes: what is left is the description proper.
fn strip_taglines(text: &str) -> &str {
    let mut rest = text.trim();
    loop {
        if let Some(after) = rest.strip_prefix('【').and_then(|r| r.split_once('】')).map(|(_, a)| a.trim())
        {
            rest = after;
        } else if rest.starts_with('※') {
            match rest.split_once(' ') {
                Some((_, after)) => rest = after.trim(),
                None => return rest,
            }
        } else {
            return rest;
        }
    }
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

    const NOTES: &str = "EC2\n品質改善\n| 停止保護 | インスタンスの停止および手動削除を防ぐ機能。 |\n| 自動復旧機能 | 障害のときにインスタンスを自動的に復旧させることができる。 |\n| ハイバネーション | 【停止しても継続できる】 ハイバネーションはメインメモリの内容を待避させ、作業途中から再開できるようにする機能。 |\n| 送信元/送信先 チェック | トラフィックの送信元か送信先かを確認できる。 |\n| 空欄 | |\n| 短い | 認証部分。 |\nVPC\n\n1リージョンにVPCは5つまで。\n";

    fn questions() -> Vec<Question> {
        generate(&text::parse("n.txt", NOTES))
    }

    #[test]
    fn rows_make_term_and_definition_questions() {
        let qs = questions();
        let hib: Vec<&Question> = qs.iter().filter(|q| q.source.line_start == 5).collect();
        assert_eq!(hib.len(), 2, "{hib:#?}");
        let term = hib.iter().find(|q| q.kind == "term").unwrap();
        assert_eq!(term.answer(), "ハイバネーション");
        assert!(term.question.contains("〇〇はメインメモリ"), "the term is masked: {}", term.question);
        assert_eq!(term.choices.len(), 4);
    }

    #[test]
    fn empty_or_one_word_definitions_make_no_question() {
        let qs = questions();
        assert!(qs.iter().all(|q| q.source.line_start != 7 && q.source.line_start != 8), "{qs:#?}");
        assert!(qs.iter().all(|q| !q.choices.iter().any(|c| c == "空欄" || c == "短い")));
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
