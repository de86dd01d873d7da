//! How cost grows with the notes: builds 1×, 10× and 100× corpora from the bundled notes
//! (`corpus::scale`, headings renamed per copy) and prints load+parse and index build time,
//! index size and search latency over the question set.
//! `cargo run --release --example scale` (pass `--keep DIR` to leave the 100× notes in DIR).

use std::time::Instant;

use shiori::corpus::{self, scale};
use shiori::eval;
use shiori::search::{index, Searcher};

fn main() -> anyhow::Result<()> {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let notes = std::fs::read_to_string(root.join("corpus/aws-notes.txt"))?;
    let questions =
        eval::parse_questions(&std::fs::read_to_string(root.join("tests/questions/tuning.toml"))?)?;
    let keep = std::env::args().skip_while(|a| a != "--keep").nth(1);
    println!("| notes | size | sections | parse | index build | index on disk | search p50 | search p99 |");
    println!("|---|---|---|---|---|---|---|---|");
    for copies in [1usize, 10, 100] {
        let dir = tempfile::tempdir()?;
        let notes_dir = match (&keep, copies) {
            (Some(k), 100) => std::path::PathBuf::from(k),
            _ => dir.path().join("notes"),
        };
        std::fs::create_dir_all(&notes_dir)?;
        let mut bytes = 0;
        for (name, content) in scale::copies(&notes, copies) {
            bytes += content.len();
            std::fs::write(notes_dir.join(name), content)?;
        }
        let started = Instant::now();
        let corpus = corpus::load(std::slice::from_ref(&notes_dir))?;
        let parse = started.elapsed();
        let started = Instant::now();
        let open = index::build(&dir.path().join("index"), &corpus.sections, &corpus.digest)?;
        let build = started.elapsed();
        let disk = dir_size(&open.dir);
        let searcher = Searcher::new(open)?;
        let mut micros = Vec::new();
        for _ in 0..5 {
            for q in &questions {
                let t = Instant::now();
                let _ = searcher.search(&q.text, 5);
                micros.push(t.elapsed().as_micros() as f64);
            }
        }
        micros.sort_by(f64::total_cmp);
        let pct = |p: f64| micros[((micros.len() - 1) as f64 * p) as usize] / 1000.0;
        println!(
            "| {copies}× | {:.1} MB | {} | {} ms | {} ms | {:.1} MB | {:.2} ms | {:.2} ms |",
            bytes as f64 / 1e6,
            corpus.sections.len(),
            parse.as_millis(),
            build.as_millis(),
            disk as f64 / 1e6,
            pct(0.5),
            pct(0.99)
        );
    }
    Ok(())
}

fn dir_size(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|d| d.flatten().filter_map(|e| e.metadata().ok()).map(|m| m.len()).sum())
        .unwrap_or(0)
}
