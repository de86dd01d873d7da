//! AWS features and services retired or superseded since the notes were written
//! (`dict/retired.tsv`, each with AWS's own notice as its source). No question asks about one of
//! them ([`asked_in`]): readers failed such questions as not worth asking even with a
//! note in the reveal saying it is no longer current.

use std::sync::OnceLock;

use super::errata::{rows, BadLine};
use crate::search::aliases::{fold, Spelling};
use crate::search::analyzer::normalize;

/// The bundled list.
pub const BUNDLED: &str = include_str!("../../dict/retired.tsv");

/// One retired thing: its spellings and the note a reveal adds.
pub struct Retired {
    pub spellings: Vec<Spelling>,
    pub note: String,
}

/// Parses the tab-separated lines (`#` comments and blank lines skipped): spellings, note, source.
pub fn parse(text: &str) -> Result<Vec<Retired>, BadLine> {
    let mut out = Vec::new();
    for row in rows("dict/retired.tsv", text) {
        let [spellings, note, source] = row.columns[..] else {
            return Err(row.bad("expected 3 tab-separated columns (spellings, note, source)"));
        };
        let spellings: Vec<Spelling> =
            spellings.split('|').map(str::trim).filter(|s| !s.is_empty()).map(Spelling::new).collect();
        if spellings.is_empty() || note.is_empty() || source.is_empty() {
            return Err(row.bad("a column is empty"));
        }
        out.push(Retired { spellings, note: note.to_owned() });
    }
    Ok(out)
}

fn bundled() -> &'static [Retired] {
    static LIST: OnceLock<Vec<Retired>> = OnceLock::new();
    // Compiled in and checked by `the_bundled_list_parses`: a bad line is a build defect, never
    // silently dropped.
    LIST.get_or_init(|| parse(BUNDLED).unwrap_or_else(|e| panic!("{e}")))
}

/// The note for the first retired thing `text` names, if any.
pub fn note_for(text: &str) -> Option<&'static str> {
    let normalized = normalize(text);
    let folded = fold(&normalized);
    bundled()
        .iter()
        .find(|r| r.spellings.iter().any(|s| s.found_in(&normalized, &folded)))
        .map(|r| r.note.as_str())
}

/// Whether a question asks about a feature AWS has retired or calls legacy (`dict/retired.tsv`):
/// its answer, or the term a definition question names. Until session 18 these were asked with
/// a note in the reveal; readers still failed every one as not worth asking (Spot Blocks,
/// EC2Config, OAI in samples 24–29), so they are no longer asked.
pub fn asked_in(q: &super::Question) -> bool {
    // A definition, statement or negation question names its thing in the stem.
    let names_it = matches!(q.kind.as_str(), "definition" | "statement" | "negation");
    let asked = if names_it { q.question.as_str() } else { q.answer() };
    note_for(asked).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_list_parses() {
        assert!(parse(BUNDLED).expect("dict/retired.tsv parses").len() >= 3);
    }

    #[test]
    fn a_malformed_line_names_its_line_and_what_is_wrong() {
        let err = parse("# comment\nOAI\tOAC を使う。\n").err().expect("two columns is an error");
        assert_eq!((err.file, err.line), ("dict/retired.tsv", 2));
        assert!(err.to_string().contains("3 tab-separated"), "{err}");
        let err = parse("OAI\t\tsource\n").err().expect("an empty note is an error");
        assert!(err.why.contains("empty"), "{err}");
    }

    #[test]
    fn retired_things_are_named_and_others_are_not() {
        assert!(bundled().len() >= 3);
        assert!(note_for("①スポットブロック").is_some_and(|n| n.contains("2022年")));
        assert!(note_for("CloudSearch").is_some());
        assert!(note_for("OAI").is_some_and(|n| n.contains("OAC")));
        // OAC is what replaces OAI, and a word that merely contains the letters is not OAI.
        assert_eq!(note_for("OAC"), None);
        assert_eq!(note_for("スポットフリート"), None);
        assert_eq!(note_for("GOAIS"), None);
    }
}
