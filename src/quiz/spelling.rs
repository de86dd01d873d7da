//! Misspellings of the notes that a quiz post shows corrected (`dict/spelling.tsv`, each with
//! the source of the right spelling): a choice reading `Cloud Front` or `DisableAptermination`
//! names something AWS does not call so. The notes and the citation stay as written.

use std::sync::OnceLock;

use super::errata::{rows, BadLine};
use super::Question;

/// The bundled list.
pub const BUNDLED: &str = include_str!("../../dict/spelling.tsv");

/// One misspelling and its correction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub wrong: String,
    pub right: String,
}

/// Parses the tab-separated lines (`#` comments and blank lines skipped): wrong, right, source.
pub fn parse(text: &str) -> Result<Vec<Fix>, BadLine> {
    let mut out = Vec::new();
    for row in rows("dict/spelling.tsv", text) {
        let [wrong, right, source] = row.columns[..] else {
            return Err(row.bad("expected 3 tab-separated columns (wrong, right, source)"));
        };
        if wrong.is_empty() || right.is_empty() || source.is_empty() {
            return Err(row.bad("a column is empty"));
        }
        if wrong == right || right.contains(wrong) {
            return Err(row.bad("the right spelling holds the wrong one: the fix would not settle"));
        }
        out.push(Fix { wrong: wrong.to_owned(), right: right.to_owned() });
    }
    Ok(out)
}

fn bundled() -> &'static [Fix] {
    static LIST: OnceLock<Vec<Fix>> = OnceLock::new();
    // Compiled in and checked by `the_bundled_list_parses`: a bad line is a build defect.
    LIST.get_or_init(|| parse(BUNDLED).unwrap_or_else(|e| panic!("{e}")))
}

/// `text` with every listed misspelling corrected.
pub fn corrected(text: &str) -> String {
    bundled().iter().fold(text.to_owned(), |t, f| t.replace(&f.wrong, &f.right))
}

/// Corrects what `q` shows: its stem, choices, explanation and choice notes (not its citation,
/// which names the notes' headings as they are).
pub fn correct(q: &mut Question) {
    q.question = corrected(&q.question);
    for text in q.choices.iter_mut().chain(q.choice_notes.iter_mut()) {
        *text = corrected(text);
    }
    q.explanation = corrected(&q.explanation);
}

/// The misspellings `text` still holds.
pub fn misspellings(text: &str) -> Vec<&'static str> {
    bundled().iter().filter(|f| text.contains(&f.wrong)).map(|f| f.wrong.as_str()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_list_parses() {
        assert!(parse(BUNDLED).expect("dict/spelling.tsv parses").len() >= 3);
    }

    #[test]
    fn a_malformed_line_names_its_line_and_what_is_wrong() {
        let two = parse("# c\nCloud Front\tCloudFront\n").unwrap_err();
        assert_eq!((two.file, two.line), ("dict/spelling.tsv", 2));
        assert!(two.why.contains("3 tab-separated columns"), "{two}");
        let unsettled = parse("Front\tCloudFront\tsomewhere\n").unwrap_err();
        assert!(unsettled.why.contains("would not settle"), "{unsettled}");
        assert!(parse("Cloud Front\t\tsomewhere\n").unwrap_err().why.contains("empty"));
    }

    #[test]
    fn what_a_post_shows_is_spelled_right_and_only_that() {
        assert_eq!(
            corrected("Cloud Frontの機能のうち、CroudFrontが配信する"),
            "CloudFrontの機能のうち、CloudFrontが配信する"
        );
        assert_eq!(corrected("DisableAptermination"), "DisableApiTermination");
        // Already right: unchanged.
        assert_eq!(corrected("CloudFront と DisableApiTermination"), "CloudFront と DisableApiTermination");
        assert_eq!(misspellings("単一のアベイラリティゾーン内"), vec!["アベイラリティゾーン"]);
    }
}
