//! Prints how shiori analyzes a question: `cargo run --release --example analyze -- 質問`.
use shiori::search::{index, Searcher};
fn main() -> anyhow::Result<()> {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let corpus = shiori::corpus::load(&[root.join("corpus")])?;
    let dir = tempfile::tempdir()?;
    let searcher = Searcher::new(index::build(dir.path(), &corpus.sections, &corpus.digest)?)?;
    let question = std::env::args().skip(1).collect::<Vec<_>>().join(" ");
    let (a, _) = searcher.search(&question, 1)?;
    println!(
        "normalized: {}\nmorph: {:?}\nbigrams: {:?}\nsubject: {:?}\nrelated: {:?}\nbridged: {:?}\nother scripts: {:?}",
        a.normalized, a.morph, a.bigrams, a.subject_typed, a.related, a.bridged, a.other_scripts
    );
    for hit in searcher.search_analyzed(&a, 5)? {
        println!("{:.2} {}", hit.score, hit.section.citation());
    }
    Ok(())
}
