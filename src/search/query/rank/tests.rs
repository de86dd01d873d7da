//! Tests of the ranking's internals.

use super::*;
use crate::search::index;

/// The candidates' scores, the title matches' included, are what `Query::explain` gives: the
/// one-weight, one-scorer-per-segment path scores exactly as the query does.
#[test]
fn every_candidate_scores_what_the_query_explains() {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let corpus = crate::corpus::load(&[root.join("corpus")]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let searcher =
        Searcher::new(index::build(dir.path(), &corpus.sections, &corpus.digest).unwrap()).unwrap();
    // The tuning set's questions (its `text = "…"` lines; the eval module reads the rest).
    let set = std::fs::read_to_string(root.join("tests/questions/tuning.toml")).unwrap();
    let questions: Vec<&str> =
        set.lines().filter_map(|l| l.strip_prefix("text = \"")?.strip_suffix('"')).collect();
    assert!(questions.len() >= 100, "{}", questions.len());
    let tantivy_searcher = searcher.reader.searcher();
    let mut named_total = 0;
    for q in questions {
        let mut analyzed = searcher.analyze(q).unwrap();
        searcher.weigh(&mut analyzed).unwrap();
        let query = BooleanQuery::new(searcher.clauses(&analyzed));
        let (top, named) = searcher.scored_candidates(&tantivy_searcher, &query, &analyzed, 5).unwrap();
        named_total += named.len();
        for (score, address) in top.iter().chain(&named) {
            let explained = query.explain(&tantivy_searcher, *address).unwrap().value();
            assert!((score - explained).abs() < 1e-4, "{q}: {score} vs {explained}");
        }
        assert!(named.iter().all(|(_, a)| top.iter().all(|(_, b)| a != b)), "{q}");
    }
    assert!(named_total > 0, "no question brought in a title match from outside the top");
}
