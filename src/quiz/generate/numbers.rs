//! Number questions: a sentence with one number and unit, the number blanked, nearby numbers
//! as the other choices.

use super::*;

/// Blanks the one number in a short sentence: `1リージョンにVPCは（　）まで。`
pub(super) fn number_questions(section: &Section) -> Vec<Question> {
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
            // A number is worth asking when it is a limit or a guarantee (`VPCは5つまで`,
            // `最大72%の割引`), not a bare count (`34言語をサポート`, `1台のサーバー`).
            if !LIMIT.iter().any(|w| sentence.contains(w)) {
                continue;
            }
            let blanked = format!("{}（　）{}", &sentence[..*start], &sentence[*end..]);
            let answer = format!("{value}{unit}");
            // 「つ」counts only to nine (10 is 「10個」), so its distractors stay below ten.
            let limit = if *unit == "つ" { 9 } else { u64::MAX };
            let distractors =
                nearby_numbers(*value, limit).into_iter().map(|v| format!("{v}{unit}")).collect();
            let question = format!("空欄に入るのはどれ？（{}）\n「{blanked}」", section.title);
            let line = section.line_start + 1 + n;
            let Some(mut q) = build(
                section,
                "number",
                &format!("{n}:{start}"),
                question,
                answer.clone(),
                distractors,
                sentence,
            ) else {
                continue;
            };
            // The wrong numbers are made up: each note says so and where the real one is.
            q.choice_notes = q
                .choices
                .iter()
                .map(|c| match *c == answer {
                    true => format!("{c} — {} (L{line})", shorten(sentence, NOTE_CHARS)),
                    false => format!("{c} — ノートの数字ではありません（ノートでは {answer}） (L{line})"),
                })
                .collect();
            out.push(q);
        }
    }
    out
}

/// Words that make a number a limit the exam asks about.
pub(super) const LIMIT: &[&str] = &["まで", "最大", "上限", "以内", "以上", "以下", "最低", "最小"];

/// Units that make a number a fact worth asking about.
pub(super) const UNITS: &[&str] =
    &["つ", "台", "%", "時間", "秒", "分", "個", "年間", "年", "言語", "ms", "インチ", "段"];

/// `(byte start, byte end, value, unit)` of each `<digits><unit>` in a sentence.
pub(super) fn numbers_with_units(sentence: &str) -> Vec<(usize, usize, u64, &'static str)> {
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
pub(super) fn nearby_numbers(n: u64, limit: u64) -> Vec<u64> {
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
