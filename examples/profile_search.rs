//! Runs the question set through search repeatedly, for profilers:
//! `valgrind --tool=callgrind --toggle-collect='*Searcher*search*' target/release/examples/profile_search`.
use shiori::search::{index, Searcher};
fn main() -> anyhow::Result<()> {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let corpus = shiori::corpus::load(&[root.join("corpus")])?;
    let dir = tempfile::tempdir()?;
    let searcher = Searcher::new(index::build(dir.path(), &corpus.sections, &corpus.digest)?)?;
    let questions =
        shiori::eval::parse_questions(&std::fs::read_to_string(root.join("tests/questions/tuning.toml"))?)?;
    let rounds: usize = std::env::args().nth(1).and_then(|n| n.parse().ok()).unwrap_or(5);
    let mut hits = 0;
    for _ in 0..rounds {
        for q in &questions {
            hits += searcher.search(&q.text, 5)?.1.len();
        }
    }
    println!("{hits} hits");
    Ok(())
}
