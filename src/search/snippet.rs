//! Chat-sized excerpts centred on the part of a section that matched, with the matched words
//! marked. Tables are rendered as readable lines first (no raw pipes in chat).

use std::ops::Range;

use unicode_normalization::UnicodeNormalization;

use super::query::Analyzed;
use crate::corpus::table;

/// Length of a search hit's snippet, in characters.
pub const SNIPPET_CHARS: usize = 120;
/// Length of an answer's quoted passage, in characters.
pub const ANSWER_CHARS: usize = 480;

/// An excerpt and the byte ranges in it that matched the question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excerpt {
    pub text: String,
    pub highlights: Vec<Range<usize>>,
}

impl Excerpt {
    /// The excerpt with each highlight wrapped in `open`/`close` (`**` for Markdown chats).
    pub fn marked(&self, open: &str, close: &str) -> String {
        let mut out = String::with_capacity(self.text.len() + self.highlights.len() * 4);
        let mut at = 0;
        for r in &self.highlights {
            out.push_str(&self.text[at..r.start]);
            out.push_str(open);
            out.push_str(&self.text[r.clone()]);
            out.push_str(close);
            at = r.end;
        }
        out.push_str(&self.text[at..]);
        out
    }
}

/// The words of a question worth marking: its morphological terms and its Latin words, longest
/// first; single kana are left out (they would mark every particle).
fn match_terms(analyzed: &Analyzed) -> Vec<String> {
    let mut terms: Vec<String> = analyzed
        .morph
        .iter()
        .chain(analyzed.bigrams.iter().filter(|t| t.is_ascii()))
        .filter(|t| t.chars().count() >= 2 || t.chars().any(|c| !is_kana(c)))
        .cloned()
        .collect();
    terms.sort_by_key(|t| std::cmp::Reverse(t.len()));
    terms.dedup();
    terms
}

fn is_kana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{30FF}')
}

/// A line folded char by char (NFKC, lowercase) with the original byte offset of each folded byte.
struct Folded {
    text: String,
    origin: Vec<usize>,
}

fn fold(line: &str) -> Folded {
    let mut text = String::with_capacity(line.len());
    let mut origin = Vec::with_capacity(line.len());
    for (offset, c) in line.char_indices() {
        for f in c.nfkc().flat_map(char::to_lowercase) {
            text.push(f);
            origin.extend(std::iter::repeat_n(offset, f.len_utf8()));
        }
    }
    Folded { text, origin }
}

/// Byte ranges of `line` where any term occurs (non-overlapping, in order).
fn find_matches(line: &str, terms: &[String]) -> Vec<Range<usize>> {
    let folded = fold(line);
    let mut taken: Vec<Range<usize>> = Vec::new();
    for term in terms {
        for (start, m) in folded.text.match_indices(term.as_str()) {
            let end = start + m.len();
            let o_start = folded.origin[start];
            let o_end = folded.origin.get(end).copied().unwrap_or(line.len());
            let o_end = if o_end <= o_start { next_char_boundary(line, o_start) } else { o_end };
            if taken.iter().all(|r| o_end <= r.start || o_start >= r.end) {
                taken.push(o_start..o_end);
            }
        }
    }
    taken.sort_by_key(|r| r.start);
    taken
}

fn next_char_boundary(s: &str, at: usize) -> usize {
    s[at..].chars().next().map_or(s.len(), |c| at + c.len_utf8())
}

/// The part of `text` that best answers the question, at most `max_chars` characters.
pub fn excerpt(text: &str, analyzed: &Analyzed, max_chars: usize) -> Excerpt {
    let terms = match_terms(analyzed);
    let lines: Vec<String> = table::render_block(text).into_iter().filter(|l| !l.trim().is_empty()).collect();
    if lines.is_empty() {
        return Excerpt { text: String::new(), highlights: Vec::new() };
    }
    let matches: Vec<Vec<Range<usize>>> = lines.iter().map(|l| find_matches(l, &terms)).collect();
    let weight = |ranges: &Vec<Range<usize>>| ranges.iter().map(|r| r.len()).sum::<usize>();
    // The first line with the most matched text; ties go to the earlier line (often the heading).
    let best = (0..lines.len()).rev().max_by_key(|&i| weight(&matches[i])).unwrap_or(0);

    let mut out = String::new();
    let mut highlights = Vec::new();
    let mut budget = max_chars;
    for (i, line) in lines.iter().enumerate().skip(best) {
        if budget < MIN_LINE_CHARS.min(max_chars) {
            out.push_str("\n…");
            break;
        }
        if i > best {
            out.push('\n');
        }
        // The lines that matched share the budget; a long line is cut around its first match,
        // so the lines after it (the other side of a comparison) still show.
        let matching_ahead = matches[i..].iter().filter(|m| !m.is_empty()).count().max(1);
        let cap = (budget / matching_ahead).max(MIN_LINE_CHARS.min(max_chars)).min(budget.max(1));
        let focus = matches[i].first().map_or(0, |r| r.start);
        let (window, shift) = window_around(line, focus, cap);
        highlights.extend(matches[i].iter().filter_map(|r| clip(r, &shift, out.len())));
        budget = budget.saturating_sub(window.chars().count() + 1);
        out.push_str(&window);
    }
    if best > 0 {
        out.insert_str(0, "…\n");
        let shift = "…\n".len();
        highlights.iter_mut().for_each(|r| *r = r.start + shift..r.end + shift);
    }
    Excerpt { text: out, highlights }
}

/// Shortest share of the budget a line is cut to when the budget runs low.
const MIN_LINE_CHARS: usize = 80;

/// What part of a long line a window kept: the byte range taken and the prefix added before it.
struct Shift {
    taken: Range<usize>,
    prefix: usize,
}

/// A window of `max_chars` characters around byte offset `focus`, with `…` where it was cut.
fn window_around(line: &str, focus: usize, max_chars: usize) -> (String, Shift) {
    let offsets: Vec<usize> = line.char_indices().map(|(o, _)| o).collect();
    if offsets.len() <= max_chars {
        return (line.to_owned(), Shift { taken: 0..line.len(), prefix: 0 });
    }
    let focus_char = offsets.iter().position(|&o| o >= focus).unwrap_or(0);
    let start_char = focus_char.saturating_sub(max_chars / 4).min(offsets.len().saturating_sub(max_chars));
    let end_char = (start_char + max_chars).min(offsets.len());
    let start = offsets[start_char];
    let end = offsets.get(end_char).copied().unwrap_or(line.len());
    let mut text = String::new();
    if start > 0 {
        text.push('…');
    }
    let prefix = text.len();
    text.push_str(&line[start..end]);
    if end < line.len() {
        text.push('…');
    }
    (text, Shift { taken: start..end, prefix })
}

fn clip(r: &Range<usize>, shift: &Shift, base: usize) -> Option<Range<usize>> {
    if r.start < shift.taken.start || r.end > shift.taken.end {
        return None;
    }
    let offset = base + shift.prefix;
    Some(r.start - shift.taken.start + offset..r.end - shift.taken.start + offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn analyzed(morph: &[&str]) -> Analyzed {
        Analyzed { morph: morph.iter().map(|s| s.to_string()).collect(), ..Analyzed::default() }
    }

    #[test]
    fn row_is_rendered_and_match_marked() {
        let e =
            excerpt("| ハイバネーション | メモリを保持する機能。 |", &analyzed(&["ハイバネーション"]), 100);
        assert_eq!(e.marked("**", "**"), "**ハイバネーション**: メモリを保持する機能。");
    }

    #[test]
    fn full_width_text_matches_normalized_terms() {
        let e = excerpt("ＥＣ２の停止", &analyzed(&["ec2"]), 100);
        assert_eq!(e.marked("[", "]"), "[ＥＣ２]の停止");
    }

    #[test]
    fn long_line_is_windowed_around_the_match() {
        let text = format!("{}中断軽減{}", "あ".repeat(300), "い".repeat(300));
        let e = excerpt(&text, &analyzed(&["中断"]), 60);
        assert!(e.text.starts_with('…') && e.text.ends_with('…'));
        assert!(e.text.chars().count() <= 62);
        assert_eq!(&e.text[e.highlights[0].clone()], "中断");
    }

    #[test]
    fn every_side_of_a_comparison_shows() {
        let text = format!(
            "| 項目 | A | B |\n|---|---|---|\n| 役割 | {} | {} |",
            "入口".repeat(200),
            "出口".repeat(200)
        );
        let e = excerpt(&text, &analyzed(&["入口", "出口"]), 300);
        assert!(e.text.contains("【A】") && e.text.contains("【B】"), "{}", e.text);
        assert!(e.text.chars().count() <= 320);
    }

    #[test]
    fn excerpt_starts_at_the_best_line() {
        let text = "●スポットインスタンス\n入札価格で利用できる。\n[中断軽減]\n中断する可能性が最も少ないプールを判断する。";
        let e = excerpt(text, &analyzed(&["中断", "プール"]), 200);
        assert!(e.text.starts_with("…\n中断する"), "{}", e.text);
    }
}
