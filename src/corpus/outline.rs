//! The heading stack both parsers share: headings open sections, body lines extend the open one,
//! table rows become leaf sections. Every non-empty line ends up in exactly one section.

use std::collections::HashMap;

use super::{section_id, table, Section, SectionKind};

pub(crate) struct Outline<'a> {
    source: &'a str,
    /// (level, title) from the top of the file down; a heading pops everything at its level or deeper.
    stack: Vec<(u8, String)>,
    sections: Vec<Section>,
    /// The section that takes the next body line, if any.
    open: Option<usize>,
    occurrences: HashMap<Vec<String>, usize>,
}

impl<'a> Outline<'a> {
    pub(crate) fn new(source: &'a str) -> Self {
        Outline { source, stack: Vec::new(), sections: Vec::new(), open: None, occurrences: HashMap::new() }
    }

    /// The current level of nesting's titles, top first.
    pub(crate) fn titles(&self) -> impl Iterator<Item = &str> {
        self.stack.iter().map(|(_, t)| t.as_str())
    }

    /// The level of the innermost open heading, 0 at the top of the file.
    pub(crate) fn top_level(&self) -> u8 {
        self.stack.last().map_or(0, |(level, _)| *level)
    }

    /// Opens a heading at `level` (smaller is higher); its line starts a new section.
    pub(crate) fn heading(&mut self, level: u8, title: String, kind: SectionKind, line_no: usize, raw: &str) {
        while self.stack.last().is_some_and(|(l, _)| *l >= level) {
            self.stack.pop();
        }
        self.stack.push((level, title));
        let path = self.path();
        self.open = Some(self.push(path, kind, line_no, raw));
    }

    /// Adds a leaf under the current heading (a table row); nothing extends it afterwards.
    pub(crate) fn leaf(&mut self, title: String, kind: SectionKind, line_no: usize, raw: &str) {
        let mut path = self.path();
        path.push(title);
        self.push(path, kind, line_no, raw);
        self.open = None;
    }

    /// Adds a body line to the open section, or starts a continuation of the current heading
    /// (the heading's lead text resumed after a table, or text before any heading).
    pub(crate) fn body(&mut self, line_no: usize, raw: &str) {
        if let Some(i) = self.open {
            let section = &mut self.sections[i];
            for _ in section.line_end + 1..line_no {
                section.text.push('\n');
            }
            section.text.push('\n');
            section.text.push_str(raw);
            section.line_end = line_no;
            return;
        }
        let mut path = self.path();
        if path.is_empty() {
            let stem = self.source.rsplit('/').next().unwrap_or(self.source);
            path.push(stem.split('.').next().unwrap_or(stem).to_owned());
        }
        let kind =
            self.sections.iter().rev().find(|s| s.path == path).map_or(SectionKind::Heading, |s| s.kind);
        self.open = Some(self.push(path, kind, line_no, raw));
    }

    /// Emits a block of table lines: rows of a term|definition table become leaves; any other
    /// table (and a term table's header) is body text of the current section.
    pub(crate) fn table(&mut self, lines: &[(usize, &str)]) {
        let raw: Vec<&str> = lines.iter().map(|(_, l)| *l).collect();
        match table::shape(&raw) {
            table::Shape::Block => {
                for (no, line) in lines {
                    self.body(*no, line);
                }
            }
            table::Shape::TermDefinition { header_lines } => {
                for (no, line) in &lines[..header_lines] {
                    self.body(*no, line);
                }
                for (no, line) in &lines[header_lines..] {
                    let cells = table::cells(line).unwrap_or_default();
                    let term = cells.first().cloned().unwrap_or_default();
                    if term.is_empty() {
                        self.body(*no, line);
                    } else {
                        self.leaf(term, SectionKind::Row, *no, line);
                    }
                }
            }
        }
    }

    pub(crate) fn finish(self) -> Vec<Section> {
        self.sections
    }

    fn path(&self) -> Vec<String> {
        self.stack.iter().map(|(_, t)| t.clone()).collect()
    }

    fn push(&mut self, path: Vec<String>, kind: SectionKind, line_no: usize, raw: &str) -> usize {
        let occurrence = self.occurrences.entry(path.clone()).or_insert(0);
        let id = section_id(self.source, &path, *occurrence);
        *occurrence += 1;
        self.sections.push(Section {
            id,
            source: self.source.to_owned(),
            title: path.last().cloned().unwrap_or_default(),
            path,
            line_start: line_no,
            line_end: line_no,
            text: raw.to_owned(),
            kind,
        });
        self.sections.len() - 1
    }
}
