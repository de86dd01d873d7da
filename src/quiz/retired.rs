//! AWS features and services retired or superseded since the notes were written
//! (`dict/retired.tsv`, each with AWS's own notice as its source). A question whose answer is one
//! of them still asks what the notes say; its reveal says it is no longer current.

use std::sync::OnceLock;

use crate::search::aliases::{fold, Spelling};
use crate::search::analyzer::normalize;

/// The bundled list.
pub const BUNDLED: &str = include_str!("../../dict/retired.tsv");

/// One retired thing: its spellings and the note a reveal adds.
pub struct Retired {
    pub spellings: Vec<Spelling>,
    pub note: String,
}

/// Parses the tab-separated lines (`#` comments and blank lines skipped); a line without a note
/// is skipped.
pub fn parse(text: &str) -> Vec<Retired> {
    text.lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .filter_map(|line| {
            let mut columns = line.split('\t');
            let spellings = columns.next()?.split('|').map(str::trim).filter(|s| !s.is_empty());
            let spellings: Vec<Spelling> = spellings.map(Spelling::new).collect();
            let note = columns.next()?.trim().to_owned();
            (!spellings.is_empty() && !note.is_empty()).then_some(Retired { spellings, note })
        })
        .collect()
}

fn bundled() -> &'static [Retired] {
    static LIST: OnceLock<Vec<Retired>> = OnceLock::new();
    LIST.get_or_init(|| parse(BUNDLED))
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

#[cfg(test)]
mod tests {
    use super::*;

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
