//! Pipe tables (`| a | b |`), shared by the plain-text and Markdown parsers and by rendering.
//!
//! A table is either a term|definition table, whose rows become sections of their own (title =
//! the first cell), or a comparison table (a header over three or more columns, or two columns
//! whose cells are sentences), which stays one block of its section.

/// Splits `| a | b |` into trimmed cells; `None` when the line is not a table row.
pub fn cells(line: &str) -> Option<Vec<String>> {
    let line = line.trim();
    let inner = line.strip_prefix('|')?;
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    Some(inner.split('|').map(|c| c.trim().to_owned()).collect())
}

/// True for a Markdown header rule such as `|---|:---:|`.
pub fn is_rule(line: &str) -> bool {
    cells(line).is_some_and(|cells| {
        !cells.is_empty()
            && cells.iter().all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':' | ' ')))
    })
}

/// How a block of consecutive table lines is to be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    /// Rows after `header_lines` are term|definition rows, each a section.
    TermDefinition { header_lines: usize },
    /// The whole block is one piece of its section's body.
    Block,
}

/// Decides the shape of a table block (its lines, rule included).
///
/// Heuristic, pinned by tests on the real notes: three or more columns make a comparison table;
/// a lone one-cell row is a callout box; two columns are term|definition unless there is no
/// header rule and a first cell reads like a sentence (the notes' `EC2起動タイプ | Fargate`
/// comparison puts whole paragraphs in its second row).
pub fn shape(lines: &[&str]) -> Shape {
    let rows: Vec<Vec<String>> = lines.iter().filter(|l| !is_rule(l)).filter_map(|l| cells(l)).collect();
    let has_rule = lines.iter().any(|l| is_rule(l));
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    if columns >= 3 || (rows.len() == 1 && columns == 1) || rows.is_empty() {
        return Shape::Block;
    }
    let header_lines = if has_rule && lines.len() > 1 && is_rule(lines[1]) { 2 } else { 0 };
    let sentence_like = |c: &str| c.contains('。') || c.chars().count() > 40;
    if header_lines == 0 && rows.iter().any(|r| sentence_like(&r[0])) {
        return Shape::Block;
    }
    Shape::TermDefinition { header_lines }
}

/// A row as a readable line: `term: definition`, or the cells joined with ` / `.
pub fn render_row(line: &str) -> String {
    match cells(line) {
        Some(cells) => {
            let cells: Vec<&str> = cells.iter().map(String::as_str).filter(|c| !c.is_empty()).collect();
            match cells.as_slice() {
                [] => String::new(),
                [only] => (*only).to_owned(),
                [term, rest @ ..] => format!("{term}: {}", rest.join(" / ")),
            }
        }
        None => line.to_owned(),
    }
}

/// Renders a block of text for chat: a comparison table becomes one line per row, each cell
/// labelled with its column header (`VPCエンドポイント / 役割: …`); other rows become
/// `term: definition`; other lines stay as they are.
pub fn render_block(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if cells(lines[i]).is_none() {
            out.push(lines[i].to_owned());
            i += 1;
            continue;
        }
        let start = i;
        while i < lines.len() && cells(lines[i]).is_some() {
            i += 1;
        }
        out.extend(render_table(&lines[start..i]));
    }
    out
}

fn render_table(lines: &[&str]) -> Vec<String> {
    let has_header = lines.len() > 2 && is_rule(lines[1]);
    let Some(header) = has_header.then(|| cells(lines[0])).flatten() else {
        return lines.iter().filter(|l| !is_rule(l)).map(|l| render_row(l)).collect();
    };
    let rows: Vec<Vec<String>> = lines[2..].iter().filter_map(|l| cells(l)).collect();
    // A header such as `| 項目 | A | B |` compares A and B by the items of the first column:
    // read it column by column, so each line is one thing with its properties. Otherwise each row
    // is one thing and the header names its properties.
    let by_column = GENERIC_FIRST_HEADERS.contains(&header[0].as_str());
    let (things, props): (Vec<usize>, Vec<usize>) = if by_column {
        ((1..header.len()).collect(), (0..rows.len()).collect())
    } else {
        ((0..rows.len()).collect(), (1..header.len()).collect())
    };
    let cell = |thing: usize, prop: usize| -> Option<&str> {
        let (row, col) = if by_column { (prop, thing) } else { (thing, prop) };
        rows.get(row)?.get(col).map(String::as_str).filter(|v| !v.is_empty())
    };
    let key = |prop: usize| -> &str {
        if by_column {
            rows[prop].first().map(String::as_str).unwrap_or("")
        } else {
            header[prop].as_str()
        }
    };
    things
        .into_iter()
        .map(|thing| {
            let name = if by_column {
                header[thing].as_str()
            } else {
                rows[thing].first().map(String::as_str).unwrap_or("")
            };
            let parts: Vec<String> = props
                .iter()
                .filter_map(|&p| {
                    cell(thing, p).map(|v| {
                        if key(p).is_empty() {
                            v.to_owned()
                        } else {
                            format!("{}: {v}", key(p))
                        }
                    })
                })
                .collect();
            format!("【{name}】 {}", parts.join(" / "))
        })
        .collect()
}

/// First header cells that mean "the rows are properties, the columns are the things compared".
const GENERIC_FIRST_HEADERS: &[&str] = &["", "項目", "比較", "比較項目", "観点", "機能"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_and_rules() {
        assert_eq!(cells("| a | b |").unwrap(), vec!["a", "b"]);
        assert_eq!(cells("| a | |").unwrap(), vec!["a", ""]);
        assert!(cells("a | b").is_none());
        assert!(is_rule("|---|---|"));
        assert!(is_rule("| :--- | ---: |"));
        assert!(!is_rule("| a | b |"));
    }

    #[test]
    fn two_columns_are_term_definition() {
        let t = ["| 停止保護 | インスタンスの停止を防ぐ機能。 |", "| 自動復旧機能 | 復旧させる。 |"];
        assert_eq!(shape(&t), Shape::TermDefinition { header_lines: 0 });
    }

    #[test]
    fn two_columns_with_header_rule_keep_header_out_of_rows() {
        let t = ["| 特徴 | 説明 |", "|---|---|", "| 低レイテンシー | 1桁ミリ秒 |"];
        assert_eq!(shape(&t), Shape::TermDefinition { header_lines: 2 });
    }

    #[test]
    fn three_columns_are_a_comparison() {
        let t = ["| 項目 | A | B |", "|---|---|---|", "| 役割 | 入口 | 出口 |"];
        assert_eq!(shape(&t), Shape::Block);
    }

    #[test]
    fn sentence_cells_without_rule_are_a_comparison() {
        let t = [
            "| EC2起動タイプ【通常のEC2利用】 | Fargate【ECS / EKS】 |",
            "| 通常のEC2インスタンスを利用するための設定が必要。 | EC2を使わずにコンテナを実行する。 |",
        ];
        assert_eq!(shape(&t), Shape::Block);
    }

    #[test]
    fn lone_single_cell_is_a_callout() {
        assert_eq!(shape(&["| ★Kubernetesとは… コンテナ管理を自動化する |"]), Shape::Block);
    }

    #[test]
    fn comparison_renders_column_by_column() {
        let text = "| 項目 | VPCエンドポイント | エンドポイントサービス |\n|---|---|---|\n| 役割 | 入り口 | 出口 |\n| 承諾制 | なし | あり |";
        let lines = render_block(text);
        assert_eq!(
            lines,
            vec![
                "【VPCエンドポイント】 役割: 入り口 / 承諾制: なし",
                "【エンドポイントサービス】 役割: 出口 / 承諾制: あり"
            ]
        );
    }

    #[test]
    fn table_with_named_first_header_renders_row_by_row() {
        let text =
            "| スキャンタイプ | 特徴 | 使用ツール |\n|---|---|---|\n| 基本スキャン | OSのみ | Inspector |";
        assert_eq!(render_block(text), vec!["【基本スキャン】 特徴: OSのみ / 使用ツール: Inspector"]);
    }

    #[test]
    fn rows_render_without_pipes() {
        assert_eq!(render_row("| 停止保護 | 防ぐ機能。 |"), "停止保護: 防ぐ機能。");
        assert_eq!(render_row("| 【M~】汎用 | |"), "【M~】汎用");
    }
}
