//! Comparison questions from the notes' comparison tables, read both ways (things across the
//! top or down the first column).

use super::*;

/// Which of the compared things has this property? From a `| 項目 | A | B | C |` table.
pub(super) fn comparison_questions(section: &Section) -> Vec<Question> {
    let Some((start, header, rows)) = comparison_table(section) else { return Vec::new() };
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
    let context = context(section);
    let mut out = Vec::new();
    for (p, property) in properties.iter().enumerate().filter(|(_, p)| !p.is_empty()) {
        for (t, thing) in things.iter().enumerate().filter(|(_, t)| !t.is_empty()) {
            let Some(value) = cell(t, p).filter(|v| v.chars().count() >= 4) else { continue };
            // A value two things share asks nothing; one that another thing's value contains or
            // mostly repeats (`Amazon Inspector` against `Amazon Inspector + EventBridge`) has
            // two defensible answers.
            let alike = |o: usize| o != t && cell(o, p).is_some_and(|other| overlaps(value, other));
            if (0..things.len()).any(alike) {
                continue;
            }
            // The compared things are the only choices: a name from elsewhere would be of
            // another kind.
            let distractors = distinct_choices(thing, things.iter().filter(|o| *o != thing).cloned());
            let question = format!("{context}{property}が「{}」なのはどれ？", mask(value, &variants(thing)));
            let explanation = format!("{thing} — {property}: {value}");
            let Some(mut q) = build(
                section,
                "comparison",
                &format!("{property}:{t}"),
                question,
                thing.clone(),
                distractors,
                &explanation,
            ) else {
                continue;
            };
            // What each compared thing has for this property, and the row that says so.
            q.choice_notes = q
                .choices
                .iter()
                .filter_map(|choice| {
                    let o = things.iter().position(|x| x == choice)?;
                    let row = section.line_start + start + 2 + if by_column { p } else { o };
                    Some(cell_note(choice, property, cell(o, p), row))
                })
                .collect();
            out.push(q);
        }
    }
    out
}

/// Share of `value`'s character bigrams that `other` has too, above which two cells say
/// nearly the same thing.
pub(super) const ALIKE_CELLS: f64 = 0.5;

/// True when `other` contains `value`, or repeats [`ALIKE_CELLS`] of its character bigrams, or
/// says the same before an aside (`なし(自分で作成して利用)` and `なし(AWSサービスに直接接続)`: the
/// answer to 「承諾制が…」 is なし for both, whatever the parentheses add).
pub(super) fn overlaps(value: &str, other: &str) -> bool {
    let main = |cell: &str| key(cell.split(['(', '（']).next().unwrap_or(cell));
    if !main(value).is_empty() && main(value) == main(other) {
        return true;
    }
    let (value, other) = (key(value), key(other));
    if value == other || other.contains(&value) || value.contains(&other) {
        return true;
    }
    let bigrams = |s: &str| -> HashSet<(char, char)> {
        let chars: Vec<char> = s.chars().collect();
        chars.windows(2).map(|w| (w[0], w[1])).collect()
    };
    let (mine, theirs) = (bigrams(&value), bigrams(&other));
    !mine.is_empty() && mine.intersection(&theirs).count() as f64 / mine.len() as f64 >= ALIKE_CELLS
}

/// The first table of three or more columns in a section: the index of its header line, the
/// header cells and the rows, cleaned of markup.
fn comparison_table(section: &Section) -> Option<(usize, Vec<String>, Vec<Vec<String>>)> {
    let lines: Vec<&str> = section.text.lines().collect();
    let start = (0..lines.len().saturating_sub(1))
        .find(|&i| table::cells(lines[i]).is_some_and(|h| h.len() >= 3) && table::is_rule(lines[i + 1]))?;
    let header = table::cells(lines[start])?.iter().map(|c| clean(c)).collect();
    let rows = lines[start + 2..]
        .iter()
        .map_while(|l| table::cells(l))
        .map(|row| row.iter().map(|c| clean(c)).collect())
        .collect();
    Some((start, header, rows))
}

/// `拡張スキャン — 特徴: … (L330)`: what a compared thing has for a property, and its line.
fn cell_note(thing: &str, property: &str, value: Option<&String>, line: usize) -> String {
    let value = value.filter(|v| !v.is_empty()).map_or("（記載なし）", |v| v.as_str());
    format!("{thing} — {property}: {} (L{line})", shorten(value, NOTE_CHARS))
}

/// What the stem says is compared: 「VPCのエンドポイントのうち、」 for the table
/// `[各エンドポイントの比較]` under VPC, 「ECRのスキャンタイプのうち、」.
fn context(section: &Section) -> String {
    let service = section.path.get(1).map(|s| short_name(s)).unwrap_or_default();
    match (service.is_empty(), kind_of(&heading_text(&section.title)).unwrap_or_default()) {
        (true, title) if title.is_empty() => String::new(),
        (true, title) => format!("{title}のうち、"),
        (false, title) if title.is_empty() || title == service => format!("{service}で、"),
        (false, title) => format!("{service}の{title}のうち、"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_say_the_same_before_an_aside_are_alike() {
        assert!(overlaps("なし(自分で作成して利用)", "なし(AWSサービスに直接接続)"));
        assert!(overlaps("Amazon Inspector", "Amazon Inspector + EventBridge"));
        assert!(!overlaps("あり(接続元からのリクエストを承諾)", "なし(AWSサービスに直接接続)"));
        assert!(!overlaps("PrivateLink利用料+NLB費用", "インターフェース型は時間+処理量課金"));
    }
}
