//! Glossary questions: a table laid out in columns whose every cell is a name and what it means
//! (`| pending: 実行前 | stopped:インスタンスは停止状態、起動は可能 |`, EC2's instance states two
//! to a row). Each cell is a term of its own, and the others of the table are its siblings:
//! which one means this? And what does this one mean?

use super::*;

/// Fewest cells a glossary table has: a term and three others make a four-choice question.
const FEWEST_CELLS: usize = 4;
/// Longest name of a glossary cell: a value or state (`shutting-down`), not a sentence.
const NAME_CHARS: usize = 24;

/// One cell: its row (the section it is cited by), its name and what it means.
struct Cell<'a> {
    row: &'a Section,
    name: String,
    meaning: String,
    /// The cell as the notes write it (`terminated:削除`).
    text: String,
}

/// The term and definition questions of every glossary table of the notes.
pub(super) fn glossary_questions(sections: &[Section]) -> Vec<Question> {
    let mut out = Vec::new();
    for table in glossaries(sections) {
        for (i, cell) in table.iter().enumerate() {
            if twinned(&table, i) {
                continue;
            }
            let others: Vec<&Cell> = closest(&table, i);
            out.extend(term_question(cell, &others));
            // `running` asked for 実行中 is a vocabulary test (the readers of session 20 failed
            // it); `pending` for 実行前 asks what the state is.
            if !crate::quiz::quality::translates(&cell.name, &cell.meaning) {
                out.extend(meaning_question(cell, &others));
            }
        }
    }
    out
}

/// The tables (rows in a run under one heading) whose every cell is `name: meaning`.
fn glossaries(sections: &[Section]) -> Vec<Vec<Cell<'_>>> {
    let mut tables: Vec<Vec<Cell>> = Vec::new();
    let mut parent: Option<&[String]> = None;
    let mut current: Option<Vec<Cell>> = None;
    for section in sections {
        let up = &section.path[..section.path.len().saturating_sub(1)];
        let cells = (section.kind == SectionKind::Row).then(|| glossary_row(section)).flatten();
        match (cells, current.as_mut()) {
            (Some(cells), Some(table)) if parent == Some(up) => table.extend(cells),
            (Some(cells), _) => {
                tables.extend(current.take());
                current = Some(cells);
                parent = Some(up);
            }
            (None, _) => {
                tables.extend(current.take());
                parent = None;
            }
        }
    }
    tables.extend(current);
    tables.retain(|t| t.len() >= FEWEST_CELLS);
    tables
}

/// A row's cells as `name: meaning` pairs, when every cell is one.
fn glossary_row(row: &Section) -> Option<Vec<Cell<'_>>> {
    let cells = table::cells(&row.text)?;
    cells
        .iter()
        .filter(|c| !c.trim().is_empty())
        .map(|c| {
            let (name, meaning) = c.split_once([':', '：'])?;
            let (name, meaning) = (name.trim(), clean(meaning.trim()));
            let plain = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
            (!name.is_empty()
                && name.chars().count() <= NAME_CHARS
                && name.chars().all(plain)
                && !meaning.is_empty())
            .then(|| Cell { row, name: name.to_owned(), meaning, text: c.trim().to_owned() })
        })
        .collect()
}

/// Whether cell `i`'s name has a twin in its table that differs only in its English ending
/// (`stopping` and `stopped`): the two are told apart by grammar (停止中 is -ing), not by
/// knowing EC2, so neither is asked; each is still a choice beside the others.
fn twinned(table: &[Cell], i: usize) -> bool {
    let stem = |name: &str| name.to_ascii_lowercase().chars().take(TWIN_STEM).collect::<String>();
    let mine = stem(&table[i].name);
    mine.chars().count() == TWIN_STEM
        && table.iter().enumerate().any(|(j, c)| j != i && stem(&c.name) == mine)
}

/// Letters two names share at the start to be twins (`stop` of `stopping` and `stopped`).
const TWIN_STEM: usize = 4;

/// The three other cells whose meanings share the most characters with cell `i`'s (`削除準備中`
/// beside `削除` and `停止中`), then in the table's order: the ones a member could mix it up with.
fn closest<'t, 'a>(table: &'t [Cell<'a>], i: usize) -> Vec<&'t Cell<'a>> {
    let mine: HashSet<char> = table[i].meaning.chars().filter(|c| c.is_alphanumeric()).collect();
    let mut others: Vec<(usize, usize, &Cell)> = table
        .iter()
        .enumerate()
        .filter(|(j, _)| *j != i)
        .map(|(j, c)| (c.meaning.chars().filter(|ch| mine.contains(ch)).count(), j, c))
        .collect();
    others.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    others.into_iter().take(3).map(|(_, _, c)| c).collect()
}

/// The service the table is filed under, as the frame of its questions (`EC2について、`).
fn frame(cell: &Cell) -> String {
    cell.row.path.get(1).map(|s| format!("{}について、", short_name(s))).unwrap_or_default()
}

/// Which name means this?
fn term_question(cell: &Cell, others: &[&Cell]) -> Option<Question> {
    let question = format!("{}次の意味のものはどれ？\n「{}」", frame(cell), cell.meaning);
    let distractors = others.iter().map(|c| c.name.clone()).collect();
    let mut q =
        build(cell.row, "term", &cell.name, question, cell.name.clone(), distractors, &explained(cell))?;
    q.choice_notes = notes(&q, cell, others, |c: &Cell| c.name.as_str());
    Some(cited_by_cell(q, cell))
}

/// What does this name mean?
fn meaning_question(cell: &Cell, others: &[&Cell]) -> Option<Question> {
    let question = format!("{}「{}」の意味として正しいものはどれ？", frame(cell), cell.name);
    let distractors = others.iter().map(|c| c.meaning.clone()).collect();
    let mut q = build(
        cell.row,
        "definition",
        &cell.name,
        question,
        cell.meaning.clone(),
        distractors,
        &explained(cell),
    )?;
    q.choice_notes = notes(&q, cell, others, |c: &Cell| c.meaning.as_str());
    Some(cited_by_cell(q, cell))
}

/// The citation names the asked cell, not the row's first one: a row has no heading of its own,
/// and its first cell (`stopping: 停止中`) named for `terminated` read as a wrong citation to
/// session 20's readers. The lines stay the row's.
fn cited_by_cell(mut q: Question, cell: &Cell) -> Question {
    if let Some(last) = q.source.path.last_mut() {
        last.clone_from(&cell.text);
    }
    q
}

fn explained(cell: &Cell) -> String {
    format!("{} — {}", cell.name, cell.meaning)
}

/// Each choice's cell, named with its meaning and line.
fn notes(
    q: &Question,
    cell: &Cell,
    others: &[&Cell],
    shown: impl for<'c> Fn(&'c Cell) -> &'c str,
) -> Vec<String> {
    q.choices
        .iter()
        .map(|choice| {
            let c = std::iter::once(cell).chain(others.iter().copied()).find(|c| shown(c) == choice);
            c.map_or_else(
                || choice.clone(),
                |c| format!("{} — {} (L{})", c.name, c.meaning, c.row.line_start),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::text;

    const NOTES: &str = "仮想サーバー\nEC2\n[ステータス]\n| pending: 実行前 | stopped:インスタンスは停止状態、起動は可能 |\n| running: 実行中 | shutting-down:削除準備中 |\n| stopping: 停止中 | terminated:削除 |\n品質改善\n| 停止保護 | インスタンスの停止を防ぐ。 |\n";

    #[test]
    fn each_cell_of_a_glossary_table_is_asked_among_its_neighbours() {
        let sections = text::parse("aws-notes.txt", NOTES);
        let qs = glossary_questions(&sections);
        // Six cells; stopping and stopped are told apart only by their English ending, and
        // running's meaning is its translation (実行中): not asked that way round.
        assert_eq!(qs.len(), 7, "four cells asked for their name, three for their meaning: {qs:#?}");
        assert!(!qs.iter().any(|q| q.question.contains("「running」の意味")), "{qs:#?}");
        assert!(qs.iter().all(|q| !["stopping", "stopped"].contains(&q.answer())), "{qs:#?}");
        assert!(qs.iter().any(|q| q.choices.contains(&"stopping".to_owned())), "still a choice");
        let q = qs.iter().find(|q| q.question.contains("「削除準備中」")).expect("shutting-down asked");
        assert_eq!(q.answer(), "shutting-down");
        assert!(q.question.starts_with("EC2について、"), "{}", q.question);
        // The cells a member would mix it up with: terminated (削除) and the stopping ones.
        assert!(q.choices.contains(&"terminated".to_owned()), "{:?}", q.choices);
        assert_eq!(q.source.line_start, 5, "cited by its own row");
        assert_eq!(
            q.source.path.last().map(String::as_str),
            Some("shutting-down:削除準備中"),
            "and its own cell"
        );
        assert!(
            q.choice_notes.iter().any(|n| n.starts_with("terminated — 削除 (L6)")),
            "{:?}",
            q.choice_notes
        );
        let d = qs.iter().find(|q| q.question.contains("「pending」")).expect("pending asked");
        assert_eq!(d.answer(), "実行前");
    }

    #[test]
    fn a_table_of_terms_and_sentences_is_not_a_glossary() {
        let sections = text::parse("aws-notes.txt", NOTES);
        assert!(glossary_questions(&sections).iter().all(|q| !q.question.contains("停止保護")));
        let short = "EC2\n[ステータス]\n| pending: 実行前 | stopped:停止 |\n品質改善\n";
        assert!(glossary_questions(&text::parse("aws-notes.txt", short)).is_empty(), "two cells are too few");
    }
}
