//! Number questions: a sentence with one number and unit, the number blanked, nearby numbers
//! as the other choices.

use super::*;

/// Blanks the one number in a short sentence: `1リージョンにVPCは（　）まで。`
pub(super) fn number_questions(section: &Section, sections: &[Section]) -> Vec<Question> {
    let Some((lines, title, first_line)) = sentences_of(section, sections) else { return Vec::new() };
    let mut out = Vec::new();
    for (n, line) in lines.iter().enumerate() {
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
            // 「一つ以上のコンテナ」 is "one or more": no limit to know.
            if *value == 1 && sentence[*end..].trim_start().starts_with("以上") {
                continue;
            }
            let blanked =
                format!("{}{}{}", &sentence[..*start], crate::quiz::errata::BLANK, &sentence[*end..]);
            let answer = format!("{value}{unit}");
            // 「つ」counts only to nine (10 is 「10個」), so its distractors stay below ten.
            let limit = match *unit {
                "つ" => 9,
                "%" => 100,
                _ => u64::MAX,
            };
            let distractors =
                nearby_numbers(*value, limit).into_iter().map(|v| format!("{v}{unit}")).collect();
            let question = format!("空欄に入るのはどれ？（{title}）\n「{blanked}」");
            let line = first_line + n;
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

/// The lines a section's numbers are asked from, what its stem calls it and the line number of
/// the first. A row's sentences are its cells after the first; its name alone (`スタンダード`)
/// says too little, so the stem names what it is part of: the `●` item it sits under
/// (`リザーブドインスタンスのスタンダード`), else its service (`EKSのデータプレーン`, whose table sits
/// under the heading `仕組み(構造)`).
fn sentences_of(section: &Section, sections: &[Section]) -> Option<(Vec<String>, String, usize)> {
    if section.kind != SectionKind::Row {
        let lines = section.text.lines().skip(1).map(str::to_owned).collect();
        return Some((lines, section.title.clone(), section.line_start + 1));
    }
    let cells = table::cells(&section.text)?;
    let up = &section.path[..section.path.len().saturating_sub(1)];
    let item = sections.iter().find(|s| s.kind == SectionKind::Item && s.path == up);
    let owner = match item {
        Some(item) => clean(&item.title),
        None => section.path.get(1).map(|s| short_name(s)).unwrap_or_default(),
    };
    let title = clean(&section.title);
    let title = if owner.is_empty() { title } else { format!("{owner}の{title}") };
    Some((vec![cells[1..].join(" ")], title, section.line_start))
}

/// Words that make a number a limit the exam asks about.
pub(super) const LIMIT: &[&str] = &["まで", "最大", "上限", "以内", "以上", "以下", "最低", "最小"];

/// Units that make a number a fact worth asking about.
pub(super) const UNITS: &[&str] =
    &["つ", "台", "%", "時間", "秒", "分", "個", "年間", "年", "言語", "ms", "インチ", "段"];

/// `(byte start, byte end, value, unit)` of each `<digits><unit>` in a sentence, and of each
/// count written in kanji (`一つ`, as the notes write `仮想プライベートゲートウェイは一つまで`).
pub(super) fn numbers_with_units(sentence: &str) -> Vec<(usize, usize, u64, &'static str)> {
    let mut out: Vec<(usize, usize, u64, &'static str)> = sentence
        .char_indices()
        .zip(sentence.chars().skip(1))
        .filter(|(_, next)| *next == 'つ')
        .filter_map(|((at, c), _)| {
            let value = "一二三四五六七八九".chars().position(|k| k == c)? as u64 + 1;
            Some((at, at + c.len_utf8() + 'つ'.len_utf8(), value, "つ"))
        })
        .collect();
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
    out.sort();
    out
}

/// Three plausible wrong numbers: neighbours for small counts and years (5つ → 4つ, 6つ;
/// 2025年 → 2024年), halves and multiples for large amounts (60秒 → 30秒, 120秒; 61秒 would
/// test nobody's knowledge), and for a share below `limit` (100%) steps within it.
pub(super) fn nearby_numbers(n: u64, limit: u64) -> Vec<u64> {
    let candidates = if n < 10 || (1900..=2100).contains(&n) {
        vec![n + 1, n.saturating_sub(1), n + 2, n.saturating_sub(2), n * 2, n + 3]
    } else if limit < u64::MAX {
        // A share (72% → 36%, 86%, 54%): halfway down, halfway up to the limit, a quarter down.
        vec![n / 2, (n + limit) / 2, n * 3 / 4, n / 10]
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::text;

    fn asked(notes: &str) -> Vec<Question> {
        let sections = text::parse("aws-notes.txt", notes);
        sections.iter().flat_map(|s| number_questions(s, &sections)).collect()
    }

    #[test]
    fn a_rows_number_is_asked_with_its_service_and_parent_and_a_share_stays_under_a_hundred() {
        let notes = "仮想サーバー\nEC2(Elastic Compute Cloud)\nインスタンスの種類\n●リザーブドインスタンス\n(スタンダード / コンバーティブル)\n| スタンダード | 別のインスタンスファミリーに変更することができない。オンデマンドインスタンスと比較して、最大72%の割引を適用することができる。 |\n| コンバーティブル | 作成時の価格と同等以上のインスタンスであれば変更できる。 |\n";
        let qs = asked(notes);
        assert_eq!(qs.len(), 1, "{qs:#?}");
        let q = &qs[0];
        assert!(q.question.contains("（リザーブドインスタンスのスタンダード）"), "{}", q.question);
        assert!(q.question.contains("最大（　）の割引"), "{}", q.question);
        assert_eq!(q.answer(), "72%");
        assert_eq!(q.choices.len(), 4);
        for c in &q.choices {
            let n: u64 = c.trim_end_matches('%').parse().unwrap();
            assert!(n > 0 && n <= 100, "{c}");
        }
        assert_eq!(q.source.line_start, 6, "cited by its row");
    }

    #[test]
    fn a_count_in_kanji_is_asked_and_one_or_more_is_not() {
        let notes = "インフラ一括管理ツール\nVPC\n\n※仮想プライベートゲートウェイは一つまで\nPod\n\n一つ以上のコンテナをグループ化し、共有の実行環境を提供する最小単位。\n";
        let qs = asked(notes);
        assert_eq!(qs.len(), 1, "{qs:#?}");
        assert!(
            qs[0].question.contains("「仮想プライベートゲートウェイは（　）まで」"),
            "{}",
            qs[0].question
        );
        assert_eq!(qs[0].answer(), "1つ");
        assert_eq!(numbers_with_units("一つ以上と3つ"), vec![(0, 6, 1, "つ"), (15, 19, 3, "つ")]);
    }

    #[test]
    fn shares_and_counts_get_distractors_within_their_bounds() {
        assert_eq!(nearby_numbers(72, 100), vec![36, 86, 54]);
        assert!(nearby_numbers(5, 9).iter().all(|n| *n <= 9));
        assert_eq!(nearby_numbers(60, u64::MAX), vec![120, 30, 180]);
    }
}
