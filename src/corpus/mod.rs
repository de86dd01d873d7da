//! Notes → sections.
//!
//! A [`Section`] is the unit of retrieval, citation and quiz generation: the narrowest block of the
//! notes that stands on its own (a heading's own lead text, a `●` item, a `[…]` block, a row of a
//! term|definition table), with its heading path and the 1-based, inclusive range of its own lines.
//!
//! [`load`] walks the corpus paths, hands plain-text exports to [`text`] and Markdown to
//! [`markdown`], and reports every file it had to skip (not UTF-8, unreadable) instead of failing.

pub mod markdown;
mod outline;
#[cfg(feature = "test-util")]
pub mod scale;
pub mod table;
pub mod text;

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What kind of block a section is; quiz generation and rendering look at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    /// A heading (category, service, topic, Markdown `#`) and its own lead text.
    Heading,
    /// A `●` item, a `①` item or a `- ` item with a description under it.
    Item,
    /// A bracketed `[…]` block.
    Label,
    /// One row of a term|definition table; the title is the term.
    Row,
}

/// One section of the notes. Serialized as DESIGN.md's `Section` JSON shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    /// Stable across rebuilds of unchanged notes: a digest of source, path and occurrence.
    pub id: String,
    /// The note file, relative to its corpus root (`aws-notes.txt`).
    pub source: String,
    /// Heading path from the top of the file down to the section's own title.
    pub path: Vec<String>,
    /// The section's own title (the last element of `path`).
    pub title: String,
    /// First line of the section, 1-based.
    pub line_start: usize,
    /// Last line of the section, 1-based and inclusive.
    pub line_end: usize,
    /// The section's own lines, as they stand in the file, joined with `\n`.
    pub text: String,
    /// What kind of block this is.
    pub kind: SectionKind,
}

impl Section {
    /// The citation for this section: `aws-notes.txt › EC2 › 品質改善 › ハイバネーション (L138)`.
    pub fn citation(&self) -> Citation {
        Citation {
            source: self.source.clone(),
            path: self.path.clone(),
            line_start: self.line_start,
            line_end: self.line_end,
        }
    }
}

/// The text of the lines a citation names, as the sections of `sections` hold them now; `None`
/// when one of the lines is no longer in the notes (the file shrank or is gone).
pub fn cited_text(sections: &[Section], citation: &Citation) -> Option<String> {
    let of_file: Vec<&Section> = sections.iter().filter(|s| s.source == citation.source).collect();
    let mut lines = Vec::new();
    for line in citation.line_start..=citation.line_end {
        let section = of_file.iter().find(|s| (s.line_start..=s.line_end).contains(&line))?;
        lines.push(section.text.lines().nth(line - section.line_start).unwrap_or(""));
    }
    Some(lines.join("\n"))
}

/// Where a passage came from: file, heading path and lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Citation {
    pub source: String,
    pub path: Vec<String>,
    pub line_start: usize,
    pub line_end: usize,
}

impl fmt::Display for Citation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.source)?;
        for part in &self.path {
            write!(f, " › {part}")?;
        }
        if self.line_start == self.line_end {
            write!(f, " (L{})", self.line_start)
        } else {
            write!(f, " (L{}–{})", self.line_start, self.line_end)
        }
    }
}

/// A note file that was not parsed, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub path: PathBuf,
    pub reason: String,
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "skipped {}: {}", self.path.display(), self.reason)
    }
}

/// Every section of every readable note file, in corpus order, and the files that were skipped.
#[derive(Debug, Clone, Default)]
pub struct Corpus {
    pub sections: Vec<Section>,
    pub skipped: Vec<Skipped>,
    /// The note files that were parsed, relative names, in order.
    pub files: Vec<String>,
    /// SHA-256 over every parsed file's name and bytes: the index is rebuilt when it changes.
    pub digest: String,
}

/// Ways loading the corpus fails as a whole (a single bad file is skipped, not an error).
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    /// A configured corpus path does not exist or cannot be listed.
    #[error("cannot read notes at {path}: {source}")]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// No `.txt` or `.md` note could be parsed from the configured paths.
    #[error("no notes found in {paths} (looked for *.txt, *.md and *.markdown files){skipped}")]
    Empty { paths: String, skipped: String },
}

/// File extensions read as notes, and which parser handles them.
/// A note format's parser: (file name, text) → sections.
type Parser = fn(&str, &str) -> Vec<Section>;

fn parser_for(path: &Path) -> Option<Parser> {
    match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("txt") => Some(text::parse),
        Some("md" | "markdown") => Some(markdown::parse),
        _ => None,
    }
}

/// Loads every note under `roots` (files or directories, walked recursively in name order).
pub fn load(roots: &[PathBuf]) -> Result<Corpus, CorpusError> {
    read(roots).map(Notes::parse)
}

/// The note files read and digested but not yet parsed: whether the index is current needs only
/// the digest, and a fresh `shiori search` that parsed the notes spent a tenth of its time there.
#[derive(Debug, Clone)]
pub struct Notes {
    /// Each readable file's relative name, text and parser, in order.
    texts: Vec<(String, String, Parser)>,
    pub skipped: Vec<Skipped>,
    /// As [`Corpus::digest`].
    pub digest: String,
}

impl Notes {
    /// Every section of every file, in order.
    pub fn parse(self) -> Corpus {
        let sections = self.texts.iter().flat_map(|(name, content, parse)| parse(name, content)).collect();
        let files = self.texts.into_iter().map(|(name, ..)| name).collect();
        Corpus { sections, skipped: self.skipped, files, digest: self.digest }
    }
}

/// Reads every note under `roots` as [`load`] does, without parsing them.
pub fn read(roots: &[PathBuf]) -> Result<Notes, CorpusError> {
    let (mut texts, mut skipped) = (Vec::new(), Vec::new());
    let mut hasher = Sha256::new();
    for root in roots {
        let files = note_files(root)?;
        let base = if root.is_dir() { root.as_path() } else { root.parent().unwrap_or(Path::new("")) };
        for file in files {
            let name = relative_name(base, &file);
            let Some(parse) = parser_for(&file) else { continue };
            match read_note(&file) {
                Ok(content) => {
                    hasher.update(name.as_bytes());
                    hasher.update([0]);
                    hasher.update(content.as_bytes());
                    hasher.update([0]);
                    texts.push((name, content, parse));
                }
                Err(reason) => {
                    let file = Skipped { path: file.clone(), reason };
                    tracing::warn!("{file}");
                    skipped.push(file);
                }
            }
        }
    }
    if texts.is_empty() {
        let paths = roots.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ");
        let skipped = skipped.iter().map(|s| format!("; {s}")).collect::<String>();
        return Err(CorpusError::Empty { paths, skipped });
    }
    hasher.update(PARSER_VERSION.as_bytes());
    Ok(Notes { texts, skipped, digest: format!("{:x}", hasher.finalize()) })
}

/// Bumped whenever parsing changes, so an index built by an older parser is rebuilt.
const PARSER_VERSION: &str = "parser-2";

/// Reads one note as UTF-8 text (a leading BOM is dropped); the error says why it cannot be used.
fn read_note(path: &Path) -> Result<String, String> {
    let bytes = fs::read(path).map_err(|e| e.to_string())?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) if text.contains('\0') => Err("binary file (contains NUL bytes)".into()),
        Ok(text) => Ok(text.to_owned()),
        Err(e) => Err(format!(
            "not UTF-8 (invalid byte at offset {}); convert it with `iconv -t UTF-8`",
            e.valid_up_to()
        )),
    }
}

fn note_files(root: &Path) -> Result<Vec<PathBuf>, CorpusError> {
    let unreadable = |source| CorpusError::Unreadable { path: root.to_owned(), source };
    let meta = fs::metadata(root).map_err(unreadable)?;
    if meta.is_file() {
        return Ok(vec![root.to_owned()]);
    }
    let mut out = Vec::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        let mut entries: Vec<PathBuf> = fs::read_dir(&dir)
            .map_err(|source| CorpusError::Unreadable { path: dir.clone(), source })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| !p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.')))
            .collect();
        entries.sort();
        let (dirs, files): (Vec<_>, Vec<_>) = entries.into_iter().partition(|p| p.is_dir());
        out.extend(files.into_iter().filter(|p| parser_for(p).is_some()));
        stack.extend(dirs.into_iter().rev());
    }
    out.sort();
    Ok(out)
}

fn relative_name(base: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(base).unwrap_or(file);
    rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>().join("/")
}

/// A stable id: the digest of the source, the heading path and how many earlier sections of the
/// same file share that path. Line numbers are left out so edits elsewhere do not change it.
pub(crate) fn section_id(source: &str, path: &[String], occurrence: usize) -> String {
    let mut hasher = Sha256::new();
    hasher.update(source.as_bytes());
    for part in path {
        hasher.update([0x1f]);
        hasher.update(part.as_bytes());
    }
    hasher.update(occurrence.to_le_bytes());
    let digest = format!("{:x}", hasher.finalize());
    digest[..12].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn citation_formats_single_line_and_range() {
        let mut c = Citation {
            source: "aws-notes.txt".into(),
            path: vec!["EC2".into(), "品質改善".into(), "ハイバネーション".into()],
            line_start: 138,
            line_end: 138,
        };
        assert_eq!(c.to_string(), "aws-notes.txt › EC2 › 品質改善 › ハイバネーション (L138)");
        c.line_end = 140;
        assert!(c.to_string().ends_with("(L138–140)"));
    }

    #[test]
    fn ids_depend_on_path_not_lines() {
        let a = section_id("a.txt", &["x".into(), "y".into()], 0);
        assert_eq!(a, section_id("a.txt", &["x".into(), "y".into()], 0));
        assert_ne!(a, section_id("a.txt", &["x".into(), "y".into()], 1));
        assert_ne!(a, section_id("a.txt", &["xy".into()], 0));
        assert_eq!(a.len(), 12);
    }

    #[test]
    fn non_utf8_note_is_skipped_and_named() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("good.txt"), "VPC\n\n1リージョンにVPCは5つまで。\n").unwrap();
        fs::write(dir.path().join("bad.txt"), b"\xb5\xfe\xc1\xc3\n").unwrap();
        let corpus = load(&[dir.path().to_owned()]).unwrap();
        assert_eq!(corpus.files, vec!["good.txt"]);
        assert_eq!(corpus.skipped.len(), 1);
        assert!(corpus.skipped[0].to_string().contains("bad.txt"));
        assert!(corpus.skipped[0].reason.contains("not UTF-8"));
    }

    #[test]
    fn empty_folder_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = load(&[dir.path().to_owned()]).unwrap_err();
        assert!(err.to_string().contains("no notes found"), "{err}");
    }

    #[test]
    fn missing_folder_names_the_path() {
        let err = load(&[PathBuf::from("/nonexistent/notes")]).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/notes"), "{err}");
    }
}
