//! Outline recovery for plain-text exports (such as `aws-notes.txt`), where headings lost their
//! markup and only the shape of each line is left.
//!
//! Marked lines are unambiguous: `●` items, `①②③` items, `[…]` labels, pipe tables, and `- `
//! items that have a description line under them (a run of `- ` lines is a plain list). A line with
//! no marker is a *bare heading* when it reads like a name rather than a sentence: short (≤ 40
//! characters), no `。`, `、` or colon, and not ending in hiragana (sentences end in `…する`,
//! `…できる`; names end in a noun or a closing bracket). Its level is guessed from the notes'
//! conventions:
//!
//! - **Service** (`VPC`, `EC2(Elastic Compute Cloud)`, `Cloud Front`, `WorkSpaces Family`): the
//!   name contains Latin letters. AWS service names are English; topic lines in the notes are
//!   Japanese. A service named after an open `X Family` service (`WorkSpaces Core` under
//!   `WorkSpaces Family`) is a member of that family, one level down.
//! - **Category** (`基礎知識`, `仮想サーバー`, `貸し出しサービス`): a Japanese name directly
//!   followed by a service heading, or any Japanese name before the first service.
//! - **Topic** (`属性`, `オリジン`, `品質改善`): any other Japanese name, under the open service.
//!
//! Everything else (`・` bullets, `※` notes, `【…】` taglines, `(…)` glosses, sentences) is body
//! text of the section above it, and so are reference labels (`[参考]`, `[画像引用元]`): links whose
//! address the export dropped, which head nothing (the table after `[画像引用元]` belongs to the
//! heading above the picture).

use super::outline::Outline;
use super::{table, Section, SectionKind};

const CATEGORY: u8 = 1;
const SERVICE: u8 = 2;
const FAMILY_MEMBER: u8 = 3;
const TOPIC: u8 = 4;
const ITEM: u8 = 5;
const SUB_ITEM: u8 = 6;
const LABEL: u8 = 7;

/// Table-of-contents titles an export puts at the top; they head the file, not a service.
const TOC_TITLES: &[&str] = &["Contents", "Table of Contents", "目次"];

/// Longest line, in characters, that can be a bare heading.
const MAX_HEADING_CHARS: usize = 40;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Line<'a> {
    Blank,
    Table,
    /// `●title`
    Bullet(&'a str),
    /// `①title` (the circled number stays in the title, as the notes number them)
    Numbered(&'a str),
    /// `[title]` alone on its line
    Label(&'a str),
    /// `- title`
    Dash(&'a str),
    /// A line with no marker that reads like a name.
    Bare(&'a str),
    Body,
}

fn classify(line: &str) -> Line<'_> {
    let t = line.trim();
    if t.is_empty() {
        return Line::Blank;
    }
    if table::cells(t).is_some() {
        return Line::Table;
    }
    if let Some(rest) = t.strip_prefix('●') {
        let rest = rest.trim();
        return if rest.is_empty() { Line::Body } else { Line::Bullet(rest) };
    }
    let first = t.chars().next().unwrap_or(' ');
    if is_circled_number(first) {
        return Line::Numbered(t);
    }
    if t.starts_with('[') && t.ends_with(']') && t[1..].find(']') == Some(t.len() - 2) {
        return Line::Label(t);
    }
    if let Some(rest) = t.strip_prefix("- ") {
        return Line::Dash(rest.trim());
    }
    if is_name_like(t) {
        return Line::Bare(t);
    }
    Line::Body
}

/// Words that mark a bracketed label as a reference link (参考, 引用元, 参照元, 出典) rather than
/// the head of a block: the export keeps a link's text in brackets and drops its address.
const REFERENCE_WORDS: &[&str] = &["参考", "引用", "参照", "出典"];

fn is_reference(label: &str) -> bool {
    REFERENCE_WORDS.iter().any(|w| label.contains(w))
}

/// True for a line the parser reads as a heading of any level (bare name, `●`, `①`, `[…]`).
pub fn is_heading_line(line: &str) -> bool {
    matches!(classify(line), Line::Bare(_) | Line::Bullet(_) | Line::Numbered(_) | Line::Label(_))
}

fn is_circled_number(c: char) -> bool {
    matches!(c, '\u{2460}'..='\u{2473}' | '\u{3251}'..='\u{325F}' | '\u{32B1}'..='\u{32BF}')
}

fn is_hiragana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{309F}')
}

/// A name, not a sentence: see the module docs.
fn is_name_like(t: &str) -> bool {
    let mut chars = t.chars();
    let first = chars.next().unwrap_or(' ');
    let last = t.chars().last().unwrap_or(' ');
    first.is_alphanumeric()
        && t.chars().count() <= MAX_HEADING_CHARS
        && !t.contains(['。', '、', ':', '：'])
        && !matches!(last, ',' | '，')
        && !is_hiragana(last)
}

fn has_latin(t: &str) -> bool {
    t.chars().any(|c| c.is_ascii_alphabetic())
}

/// Parses a plain-text export into sections.
pub fn parse(source: &str, content: &str) -> Vec<Section> {
    let lines: Vec<&str> = content.lines().map(str::trim_end).collect();
    let kinds: Vec<Line> = lines.iter().map(|l| classify(l)).collect();
    let mut outline = Outline::new(source);
    let mut i = 0;
    while i < lines.len() {
        let no = i + 1;
        let line = lines[i];
        match kinds[i] {
            Line::Blank => {}
            Line::Table => {
                let start = i;
                while i + 1 < lines.len() && kinds[i + 1] == Line::Table {
                    i += 1;
                }
                let block: Vec<(usize, &str)> = (start..=i).map(|k| (k + 1, lines[k])).collect();
                outline.table(&block);
            }
            Line::Bullet(title) => outline.heading(ITEM, title.to_owned(), SectionKind::Item, no, line),
            Line::Numbered(title) => outline.heading(SUB_ITEM, title.to_owned(), SectionKind::Item, no, line),
            // `[参考]`, `[画像引用元]`: a link the export flattened, not a block of its own.
            Line::Label(title) if is_reference(title) => outline.body(no, line),
            Line::Label(title) => outline.heading(LABEL, title.to_owned(), SectionKind::Label, no, line),
            // A `- ` line with a description under it is an item; a run of them is a list.
            Line::Dash(title) if kinds.get(i + 1) == Some(&Line::Body) => {
                outline.heading(SUB_ITEM, title.to_owned(), SectionKind::Item, no, line)
            }
            Line::Bare(title) => {
                let next = kinds[i + 1..].iter().find(|k| **k != Line::Blank).copied();
                let level = bare_level(title, next, &outline);
                outline.heading(level, title.to_owned(), SectionKind::Heading, no, line);
            }
            Line::Dash(_) | Line::Body => outline.body(no, line),
        }
        i += 1;
    }
    outline.finish()
}

/// The level of a bare heading: see the module docs for the conventions behind each rule.
fn bare_level(title: &str, next: Option<Line>, outline: &Outline) -> u8 {
    if TOC_TITLES.contains(&title) {
        return CATEGORY;
    }
    if has_latin(title) {
        let in_family = outline.titles().any(|open| {
            open.strip_suffix(" Family").is_some_and(|family| title != open && title.starts_with(family))
        });
        return if in_family { FAMILY_MEMBER } else { SERVICE };
    }
    let next_is_service = matches!(next, Some(Line::Bare(n)) if has_latin(n) && !TOC_TITLES.contains(&n));
    if next_is_service || outline.top_level() == 0 || !under_service(outline) {
        CATEGORY
    } else {
        TOPIC
    }
}

fn under_service(outline: &Outline) -> bool {
    outline.titles().any(has_latin) && outline.top_level() >= SERVICE
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(content: &str) -> Vec<(usize, usize, Vec<String>)> {
        parse("n.txt", content).into_iter().map(|s| (s.line_start, s.line_end, s.path)).collect()
    }

    fn p(parts: &[&str]) -> Vec<String> {
        parts.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn category_service_topic_and_table_rows() {
        let notes = "仮想サーバー\nEC2(Elastic Compute Cloud)\n\nAWSが仮想サーバーを提供するサービス。\n品質改善\n| 停止保護 | インスタンスの停止を防ぐ機能。 |\n| ハイバネーション | 【停止しても継続できる】 メモリを保持する。 |\n";
        assert_eq!(
            paths(notes),
            vec![
                (1, 1, p(&["仮想サーバー"])),
                (2, 4, p(&["仮想サーバー", "EC2(Elastic Compute Cloud)"])),
                (5, 5, p(&["仮想サーバー", "EC2(Elastic Compute Cloud)", "品質改善"])),
                (6, 6, p(&["仮想サーバー", "EC2(Elastic Compute Cloud)", "品質改善", "停止保護"])),
                (7, 7, p(&["仮想サーバー", "EC2(Elastic Compute Cloud)", "品質改善", "ハイバネーション"])),
            ]
        );
    }

    #[test]
    fn bullet_items_labels_and_numbered_items_nest() {
        let notes = "EC2\n●スポットインスタンス\n使われてないEC2インスタンスを利用できる。\n①スポットブロック\n継続して利用できる。\n③スポットインスタンスアドバイザ\n[中断軽減]\n中断する可能性が最も少ないプールを判断する。\n[ステータス]\n●ステータスチェック\nモニタリングを実行する。\n";
        let got = paths(notes);
        assert_eq!(got[1], (2, 3, p(&["EC2", "スポットインスタンス"])));
        assert_eq!(got[2], (4, 5, p(&["EC2", "スポットインスタンス", "①スポットブロック"])));
        assert_eq!(
            got[4],
            (7, 8, p(&["EC2", "スポットインスタンス", "③スポットインスタンスアドバイザ", "[中断軽減]"]))
        );
        assert_eq!(
            got[5].2,
            p(&["EC2", "スポットインスタンス", "③スポットインスタンスアドバイザ", "[ステータス]"])
        );
        assert_eq!(got[6], (10, 11, p(&["EC2", "ステータスチェック"])));
    }

    #[test]
    fn label_groups_constraint_rows_under_item() {
        let notes = "Service Catalog\n●起動制約\n管理者が定めたルールの中で利用できる。\n[制約の種類]\n| 起動制約 (Launch Constraint) | IAMロールを使って起動。 |\n| テンプレート制約 (Template Constraint) | パラメータに制限をかける。 |\n";
        let last = parse("n.txt", notes).pop().unwrap();
        assert_eq!(
            last.path,
            p(&["Service Catalog", "起動制約", "[制約の種類]", "テンプレート制約 (Template Constraint)"])
        );
        assert_eq!(last.kind, SectionKind::Row);
        assert_eq!((last.line_start, last.line_end), (6, 6));
    }

    #[test]
    fn glosses_notes_and_taglines_are_body() {
        let notes = "AMI\n\n※(Amazon Machine Image)\n仮想サーバーを起動するためのテンプレート。\n・AMIはリージョンに依存する。\n(別リージョンで使用するときはコピーする)\n●ゴールデンイメージ\n【最適なEC2のAMI】\n構成をAMIとしたもの。\n";
        let got = paths(notes);
        assert_eq!(got, vec![(1, 6, p(&["AMI"])), (7, 9, p(&["AMI", "ゴールデンイメージ"]))]);
    }

    #[test]
    fn reference_labels_are_body_not_blocks() {
        let notes = "EC2\n起動タイプ\n\nEC2起動タイプかFargate起動タイプを選択する。\n[画像引用元]\n| EC2起動タイプ | Fargate |\n| 通常のEC2を利用する設定が必要。 | EC2を使わずに実行する。 |\n";
        let got = paths(notes);
        assert_eq!(got.last().unwrap(), &(2, 7, p(&["EC2", "起動タイプ"])));
    }

    #[test]
    fn dash_item_with_description_is_a_section_and_dash_run_is_a_list() {
        let notes = "ECR\n[スキャン対象と検出内容]\n- OSレイヤーの脆弱性\n- アプリケーションレイヤーの脆弱性\n●Pod\nKubernetesの最小単位。\n- レプリカセット(ReplicaSet)\nPodを一定数維持する機能。\n";
        let got = paths(notes);
        assert_eq!(got[1], (2, 4, p(&["ECR", "[スキャン対象と検出内容]"])));
        assert_eq!(got[3], (7, 8, p(&["ECR", "Pod", "レプリカセット(ReplicaSet)"])));
    }

    #[test]
    fn comparison_table_stays_one_section_with_its_label() {
        let notes = "エンドポイント\n[各エンドポイントの比較]\n| 項目 | VPCエンドポイント | エンドポイントサービス |\n|---|---|---|\n| 役割 | 入り口 | 出口 |\n・VPCエンドポイント:入り口\n";
        let got = paths(notes);
        assert_eq!(got.len(), 2);
        assert_eq!(got[1], (2, 6, p(&["エンドポイント", "[各エンドポイントの比較]"])));
    }

    #[test]
    fn lead_text_after_a_term_table_continues_the_heading() {
        let notes = "VPC\nプレフィックスリスト\n複数のブロックを一元管理する。\n| AWSマネージド | AWS管理のもの。 |\n※共有できる。\n";
        let got = parse("n.txt", notes);
        let last = got.last().unwrap();
        assert_eq!(last.path, p(&["VPC", "プレフィックスリスト"]));
        assert_eq!((last.line_start, last.line_end), (5, 5));
        assert_ne!(last.id, got[1].id, "two sections with one path get distinct ids");
    }

    #[test]
    fn family_members_nest_under_the_family() {
        let notes = "貸し出しサービス\nWorkSpaces Family\n仮想デスクトップサービス。\nWorkSpaces Core\nVDI向けのAPI。\nApp Stream(2.0)\n\nストリーミングサービス。\n";
        let got = paths(notes);
        assert_eq!(got[2].2, p(&["貸し出しサービス", "WorkSpaces Family", "WorkSpaces Core"]));
        assert_eq!(got[3].2, p(&["貸し出しサービス", "App Stream(2.0)"]));
    }

    #[test]
    fn sentences_without_full_stop_are_not_headings() {
        assert_eq!(
            classify("ECR(Elastic Container Registry)に保存されたイメージに対して実行できる"),
            Line::Body
        );
        assert_eq!(classify("使用するにあたり、"), Line::Body);
        assert_eq!(classify("…etc"), Line::Body);
        assert_eq!(classify("属性"), Line::Bare("属性"));
        assert_eq!(
            classify("[1分ごとに実行し、成功・失敗のステータスを更新]"),
            Line::Label("[1分ごとに実行し、成功・失敗のステータスを更新]")
        );
    }

    #[test]
    fn text_before_any_heading_gets_the_file_name() {
        let got = parse("memo.txt", "これはメモです。\n");
        assert_eq!(got[0].path, p(&["memo"]));
    }

    #[test]
    fn crlf_and_trailing_spaces_do_not_change_lines() {
        let got = paths("VPC\r\n\r\n1リージョンにVPCは5つまで。  \r\n");
        assert_eq!(got, vec![(1, 3, p(&["VPC"]))]);
    }
}
