//! criterion benches: parsing, index build, search over a fixed query set, answer composition and
//! quiz generation, on the bundled notes and on a 100× corpus made from them (`corpus::scale`).
//! `cargo bench` (add `-- --quick` for a shorter run).

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use shiori::corpus::{scale, text, Section};
use shiori::search::{index, Searcher};
use shiori::{answer, eval, quiz};

fn notes() -> String {
    std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus/aws-notes.txt")).unwrap()
}

fn sections(copies: usize) -> Vec<Section> {
    if copies == 1 {
        return text::parse("aws-notes.txt", &notes());
    }
    scale::copies(&notes(), copies).iter().flat_map(|(name, content)| text::parse(name, content)).collect()
}

fn questions() -> Vec<String> {
    let set = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/questions/tuning.toml"),
    )
    .unwrap();
    eval::parse_questions(&set).unwrap().into_iter().map(|q| q.text).collect()
}

fn searcher(sections: &[Section]) -> (tempfile::TempDir, Searcher) {
    let dir = tempfile::tempdir().unwrap();
    let open = index::build(dir.path(), sections, "bench").unwrap();
    (dir, Searcher::new(open).unwrap())
}

fn parse(c: &mut Criterion) {
    let notes = notes();
    c.bench_function("parse/bundled", |b| b.iter(|| text::parse("aws-notes.txt", &notes)));
}

fn build(c: &mut Criterion) {
    let bundled = sections(1);
    c.bench_function("index_build/bundled", |b| {
        b.iter_batched(
            || tempfile::tempdir().unwrap(),
            |dir| index::build(dir.path(), &bundled, "b").unwrap(),
            BatchSize::PerIteration,
        )
    });
    let mut group = c.benchmark_group("index_build_large");
    group.sample_size(10);
    let large = sections(100);
    group.bench_function("100x", |b| {
        b.iter_batched(
            || tempfile::tempdir().unwrap(),
            |dir| index::build(dir.path(), &large, "b").unwrap(),
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

fn search(c: &mut Criterion) {
    let questions = questions();
    for copies in [1, 100] {
        let (_dir, searcher) = searcher(&sections(copies));
        let mut i = 0;
        c.bench_function(&format!("search/{copies}x"), |b| {
            b.iter(|| {
                i = (i + 1) % questions.len();
                searcher.search(&questions[i], 5).unwrap()
            })
        });
        let mut j = 0;
        c.bench_function(&format!("ask/{copies}x"), |b| {
            b.iter(|| {
                j = (j + 1) % questions.len();
                answer::ask(&searcher, &questions[j]).unwrap()
            })
        });
    }
}

fn quiz_generation(c: &mut Criterion) {
    let bundled = sections(1);
    c.bench_function("quiz_generate/bundled", |b| b.iter(|| quiz::generate::generate(&bundled)));
}

criterion_group!(benches, parse, build, search, quiz_generation);
criterion_main!(benches);
