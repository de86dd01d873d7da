//! Features of one AWS service that are of one kind (`dict/aws-kinds.tsv`, each kind with AWS's
//! documentation as its source): under one heading of the notes, a feature of a kind is offered
//! only with features of its kind, so no wrong choice can be ruled out on its kind alone (OAC
//! beside Lambda@Edge). A feature not listed keeps every sibling as before.

use std::sync::OnceLock;

use super::errata::{rows, BadLine};
use crate::search::analyzer::normalize;

/// The bundled list.
pub const BUNDLED: &str = include_str!("../../dict/aws-kinds.tsv");

/// One kind: its label and its features, normalized and as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kind {
    pub label: String,
    pub features: Vec<String>,
    pub shown: Vec<String>,
}

/// Parses the tab-separated lines (`#` comments and blank lines skipped): kind, features, source.
pub fn parse(text: &str) -> Result<Vec<Kind>, BadLine> {
    let mut out: Vec<Kind> = Vec::new();
    for row in rows("dict/aws-kinds.tsv", text) {
        let [label, features, source] = row.columns[..] else {
            return Err(row.bad("expected 3 tab-separated columns (kind, features, source)"));
        };
        let shown: Vec<String> =
            features.split('|').map(str::trim).filter(|f| !f.is_empty()).map(str::to_owned).collect();
        let features: Vec<String> = shown.iter().map(|f| normalize(f)).collect();
        // A kind of one feature keeps it apart from every other name under its heading (the
        // source/destination check is no network device; the data plane is the worker nodes).
        if label.is_empty() || source.is_empty() || features.is_empty() {
            return Err(row.bad("a kind needs a label, a source and at least one feature"));
        }
        if let Some(f) = features.iter().find(|f| out.iter().any(|k| k.features.contains(f))) {
            return Err(row.bad(&format!("`{f}` is already of another kind")));
        }
        out.push(Kind { label: label.to_owned(), features, shown });
    }
    Ok(out)
}

fn bundled() -> &'static [Kind] {
    static LIST: OnceLock<Vec<Kind>> = OnceLock::new();
    // Compiled in and checked by `the_bundled_list_parses`: a bad line is a build defect.
    LIST.get_or_init(|| parse(BUNDLED).unwrap_or_else(|e| panic!("{e}")))
}

/// The kind of the feature spelled any of `spellings`, if it is listed. A spelling with a
/// bracket (`Elastic Fabric Adapter (EFA)`) is also read as what stands before it and in it.
pub fn of(spellings: &[String]) -> Option<&'static str> {
    kind_of(&expanded(spellings)).map(|k| k.label.as_str())
}

/// The listed kind of a feature spelled any of `expanded` spellings.
fn kind_of(expanded: &[String]) -> Option<&'static Kind> {
    bundled().iter().find(|k| k.features.iter().any(|f| expanded.contains(f)))
}

/// `spellings`, normalized, with what stands before and in a bracket of each.
fn expanded(spellings: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for s in spellings.iter().map(|s| normalize(s.trim())) {
        if let Some((before, rest)) = s.split_once('(') {
            out.push(before.trim().to_owned());
            out.push(rest.trim_end_matches(')').trim().to_owned());
        }
        out.push(s);
    }
    out
}

/// The other features of `spellings`' kind, as the list writes them, that `described` says
/// the notes do not describe: wrong choices of the right kind where the notes have too few
/// (ENA and ENI beside EFA).
pub fn others(spellings: &[String], described: impl Fn(&str) -> bool) -> Vec<String> {
    let spellings = expanded(spellings);
    let Some(kind) = kind_of(&spellings) else { return Vec::new() };
    kind.features
        .iter()
        .zip(&kind.shown)
        .filter(|(f, _)| !spellings.contains(f) && !described(f))
        .map(|(_, shown)| shown.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spell(s: &[&str]) -> Vec<String> {
        s.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_bundled_list_parses() {
        assert!(parse(BUNDLED).expect("dict/aws-kinds.tsv parses").len() >= 5);
    }

    #[test]
    fn a_malformed_line_names_its_line_and_what_is_wrong() {
        let none = parse("k\t | \tsomewhere\n").unwrap_err();
        assert_eq!((none.file, none.line), ("dict/aws-kinds.tsv", 1));
        assert!(none.why.contains("at least one feature"), "{none}");
        assert_eq!(parse("k\tOAC\tsomewhere\n").unwrap().len(), 1, "a kind of its own");
        assert!(parse("k\tOAC|OAI\n").unwrap_err().why.contains("3 tab-separated"));
        let twice = parse("a\tOAC|OAI\ts\nb\tOAC|Lambda@Edge\ts\n").unwrap_err();
        assert!(twice.why.contains("already of another kind") && twice.line == 2, "{twice}");
    }

    #[test]
    fn a_feature_is_found_by_its_name_or_a_spelling_in_its_brackets() {
        assert_eq!(of(&spell(&["Lambda@Edge"])), of(&spell(&["CloudFront Functions"])));
        assert!(of(&spell(&["Lambda@Edge"])).is_some());
        assert_ne!(of(&spell(&["OAC"])), of(&spell(&["Lambda@Edge"])));
        assert_eq!(of(&spell(&["Elastic Fabric Adapter (EFA)"])), of(&spell(&["ENA"])));
        // The source/destination check is an attribute, not a network device.
        assert!(of(&spell(&["送信元/送信先 チェック"])).is_some());
        assert_ne!(of(&spell(&["Elastic Fabric Adapter (EFA)"])), of(&spell(&["送信元/送信先 チェック"])));
        assert_eq!(of(&spell(&["アクセスログ (標準ログ)", "アクセスログ", "標準ログ"])), None);
    }

    #[test]
    fn the_others_of_a_kind_are_those_not_described() {
        let efa = spell(&["Elastic Fabric Adapter (EFA)", "Elastic Fabric Adapter", "EFA"]);
        let others = others(&efa, |f| f == normalize("ENI"));
        assert_eq!(others, vec!["ENA".to_owned()]);
        let others = super::others(&efa, |_| false);
        assert!(others.contains(&"ENA".to_owned()) && others.contains(&"ENI".to_owned()), "{others:?}");
        assert!(!others.iter().any(|o| o.contains("EFA") || o.contains("送信元")), "{others:?}");
        assert!(super::others(&spell(&["アクセスログ"]), |_| false).is_empty());
    }
}
