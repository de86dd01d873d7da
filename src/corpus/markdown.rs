//! Markdown notes: `#` headings give the path, pipe tables are read like the plain-text export's
//! (term|definition rows become sections), and everything else — paragraphs, lists, quotes, fenced
//! code — is body text of the heading above it. Lines inside a code fence are never headings.

use super::outline::Outline;
use super::{table, Section, SectionKind};

/// Parses a Markdown note into sections.
pub fn parse(source: &str, content: &str) -> Vec<Section> {
    let lines: Vec<&str> = content.lines().map(str::trim_end).collect();
    let mut outline = Outline::new(source);
    let mut fence: Option<&str> = None;
    let mut i = 0;
    while i < lines.len() {
        let no = i + 1;
        let line = lines[i];
        let trimmed = line.trim_start();
        if let Some(marker) = fence {
            if trimmed.starts_with(marker) {
                fence = None;
            }
            outline.body(no, line);
        } else if let Some(marker) = ["```", "~~~"].into_iter().find(|m| trimmed.starts_with(m)) {
            fence = Some(marker);
            outline.body(no, line);
        } else if let Some((level, title)) = atx_heading(line) {
            outline.heading(level, title.to_owned(), SectionKind::Heading, no, line);
        } else if table::cells(line).is_some() {
            let start = i;
            while i + 1 < lines.len() && table::cells(lines[i + 1]).is_some() {
                i += 1;
            }
            let block: Vec<(usize, &str)> = (start..=i).map(|k| (k + 1, lines[k])).collect();
            outline.table(&block);
        } else if !trimmed.is_empty() {
            outline.body(no, line);
        }
        i += 1;
    }
    outline.finish()
}

/// `## Title ##` → (2, "Title"); at most three leading spaces, and a space after the hashes.
fn atx_heading(line: &str) -> Option<(u8, &str)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let hashes = rest.len() - rest.trim_start_matches('#').len();
    if !(1..=6).contains(&hashes) {
        return None;
    }
    let after = &rest[hashes..];
    if !after.is_empty() && !after.starts_with([' ', '\t']) {
        return None;
    }
    let title = after.trim().trim_end_matches('#').trim_end();
    (!title.is_empty()).then_some((hashes as u8, title))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOTE: &str = "# S3\n\nオブジェクトストレージ。\n\n## ストレージクラス\n\n| クラス | 説明 |\n|---|---|\n| Standard | 頻繁にアクセスするデータ向け。 |\n| Glacier | アーカイブ向け。取り出しに時間がかかる。 |\n\n## 暗号化\n\n- SSE-S3\n- SSE-KMS\n\n```\n# not a heading\n```\n### バケットポリシー\nJSONで書く。\n";

    #[test]
    fn headings_give_paths_and_rows_are_sections() {
        let got = parse("s3.md", NOTE);
        let summary: Vec<(usize, usize, Vec<&str>)> = got
            .iter()
            .map(|s| (s.line_start, s.line_end, s.path.iter().map(String::as_str).collect()))
            .collect();
        assert_eq!(
            summary,
            vec![
                (1, 3, vec!["S3"]),
                (5, 8, vec!["S3", "ストレージクラス"]),
                (9, 9, vec!["S3", "ストレージクラス", "Standard"]),
                (10, 10, vec!["S3", "ストレージクラス", "Glacier"]),
                (12, 19, vec!["S3", "暗号化"]),
                (20, 21, vec!["S3", "暗号化", "バケットポリシー"]),
            ]
        );
        assert_eq!(got[3].kind, SectionKind::Row);
    }

    #[test]
    fn fenced_hash_lines_stay_body() {
        let got = parse("s3.md", NOTE);
        assert!(got[4].text.contains("# not a heading"));
    }

    #[test]
    fn atx_heading_rules() {
        assert_eq!(atx_heading("## 暗号化 ##"), Some((2, "暗号化")));
        assert_eq!(atx_heading("#hashtag"), None);
        assert_eq!(atx_heading("    # code"), None);
        assert_eq!(atx_heading("####### seven"), None);
    }
}
