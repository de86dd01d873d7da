//! Prints retrieval quality on `tests/questions.toml`: shiori's search against plain lindera
//! tokenization and a character-bigram baseline, each over the same sections.
//!
//! `cargo run --release --example eval` (add `-- --misses` to list the questions missed at rank 1).

use std::path::PathBuf;

use shiori::corpus::{self, Section};
use shiori::eval::{self, Lines, Question, Report};
use shiori::search::{analyzer, dictionary, index, Searcher};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, STORED};
use tantivy::tokenizer::{LowerCaser, NgramTokenizer, TextAnalyzer};
use tantivy::{doc, Index, TantivyDocument, Term};

fn main() -> anyhow::Result<()> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let questions = eval::parse_questions(&std::fs::read_to_string(root.join("tests/questions.toml"))?)?;
    let corpus = corpus::load(&[root.join("corpus")])?;
    let show_misses = std::env::args().any(|a| a == "--misses");
    let tune = std::env::args().any(|a| a == "--tune");

    let dir = tempfile::tempdir()?;
    let mut searcher = Searcher::new(index::build(dir.path(), &corpus.sections, &corpus.digest)?)?;
    if tune {
        return tune_weights(&mut searcher, &questions);
    }
    if let Ok(spec) = std::env::var("SHIORI_WEIGHTS") {
        // title,path,body,title_bigram,body_bigram,path_bigram,heading_only,phrase,title_coverage,alias
        let v: Vec<f32> = spec.split(',').filter_map(|x| x.parse().ok()).collect();
        if let [title, path, body, title_bigram, body_bigram, path_bigram, heading_only, phrase, title_coverage, alias] =
            v[..]
        {
            searcher.weights = shiori::search::query::Weights {
                title,
                path,
                body,
                title_bigram,
                body_bigram,
                path_bigram,
                heading_only,
                phrase,
                title_coverage,
                alias,
            };
        }
    }
    let shiori_report = eval::evaluate(&questions, |q| {
        searcher
            .search(q, eval::MRR_DEPTH)
            .map(|(_, hits)| hits.iter().map(|h| (h.section.line_start, h.section.line_end)).collect())
            .unwrap_or_default()
    });

    let plain = {
        let segmenter =
            lindera::segmenter::Segmenter::new(lindera::mode::Mode::Normal, dictionary::ipadic()?, None);
        TextAnalyzer::from(lindera_tantivy::tokenizer::LinderaTokenizer::from_segmenter(segmenter))
    };
    let bigram = TextAnalyzer::builder(NgramTokenizer::new(2, 2, false)?).filter(LowerCaser).build();
    let plain_report = baseline(&corpus.sections, &questions, plain)?;
    let bigram_report = baseline(&corpus.sections, &questions, bigram)?;

    println!("{} questions, {} sections\n", questions.len(), corpus.sections.len());
    println!("| configuration | recall@1 | recall@3 | MRR |");
    println!("|---|---|---|---|");
    for (name, r) in [
        ("shiori (normalized, lindera + bigram fields, weighted)", &shiori_report),
        ("plain lindera tokenization (one field)", &plain_report),
        ("character bigrams (one field)", &bigram_report),
    ] {
        println!(
            "| {name} | {:.3} | {:.3} | {:.3} |",
            r.total.recall_at_1(),
            r.total.recall_at_3(),
            r.total.mrr()
        );
    }
    println!("\nshiori by kind:\n\n| kind | questions | recall@1 | recall@3 | MRR |\n|---|---|---|---|---|");
    for (kind, s) in &shiori_report.by_kind {
        println!(
            "| {kind} | {} | {:.3} | {:.3} | {:.3} |",
            s.questions,
            s.recall_at_1(),
            s.recall_at_3(),
            s.mrr()
        );
    }
    // Latency of in-process search over the set: every question 20 times, warm.
    let mut micros: Vec<u128> = Vec::new();
    for _ in 0..20 {
        for q in &questions {
            let started = std::time::Instant::now();
            let _ = searcher.search(&q.text, 5);
            micros.push(started.elapsed().as_micros());
        }
    }
    micros.sort_unstable();
    let pct = |p: f64| micros[((micros.len() - 1) as f64 * p) as usize] as f64 / 1000.0;
    println!(
        "
search latency over {} runs: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        micros.len(),
        pct(0.5),
        pct(0.99),
        pct(1.0)
    );
    if show_misses {
        println!("\nmissed at rank 1:");
        for (q, rank) in &shiori_report.misses {
            let top = searcher.search(&q.text, 1).ok().and_then(|(_, h)| h.into_iter().next());
            let got = top
                .map(|h| format!("{} (L{}-{})", h.section.title, h.section.line_start, h.section.line_end));
            println!(
                "  [{}] {} → rank {:?}, want {:?}, got {}",
                q.kind,
                q.text,
                rank,
                q.lines,
                got.unwrap_or_default()
            );
        }
    }
    Ok(())
}

/// Scores a one-field index of title, headings and text analyzed by `analyzer`, queried with the
/// question's tokens from the same analyzer: what a plain setup would do.
fn baseline(sections: &[Section], questions: &[Question], analyzer: TextAnalyzer) -> anyhow::Result<Report> {
    let mut builder = Schema::builder();
    let options = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default().set_tokenizer("baseline").set_index_option(IndexRecordOption::WithFreqs),
    );
    let text = builder.add_text_field("text", options);
    let start = builder.add_u64_field("start", STORED);
    let end = builder.add_u64_field("end", STORED);
    let index = Index::create_in_ram(builder.build());
    index.tokenizers().register("baseline", analyzer.clone());
    let mut writer = index.writer_with_num_threads(1, 32_000_000)?;
    for s in sections {
        let body = format!("{}\n{}", s.path.join(" "), s.text);
        writer.add_document(doc!(text => body, start => s.line_start as u64, end => s.line_end as u64))?;
    }
    writer.commit()?;
    let reader = index.reader()?;
    let searcher = reader.searcher();
    Ok(eval::evaluate(questions, |q| {
        let mut analyzer = analyzer.clone();
        let clauses: Vec<(Occur, Box<dyn Query>)> = analyzer::terms(&mut analyzer, q)
            .into_iter()
            .map(|t| {
                let q: Box<dyn Query> =
                    Box::new(TermQuery::new(Term::from_field_text(text, &t), IndexRecordOption::WithFreqs));
                (Occur::Should, q)
            })
            .collect();
        let top = searcher
            .search(&BooleanQuery::new(clauses), &TopDocs::with_limit(eval::MRR_DEPTH).order_by_score())
            .unwrap_or_default();
        top.into_iter()
            .filter_map(|(_, addr)| {
                let d: TantivyDocument = searcher.doc(addr).ok()?;
                let s = d.get_first(start)?.as_u64()? as usize;
                let e = d.get_first(end)?.as_u64()? as usize;
                Some::<Lines>((s, e))
            })
            .collect()
    }))
}

/// Grid search over field weights, scored on even-numbered questions and checked on odd ones, so
/// a setting that only fits the set shows up as a gap between the two.
fn tune_weights(searcher: &mut Searcher, questions: &[Question]) -> anyhow::Result<()> {
    let (even, odd): (Vec<_>, Vec<_>) = questions.iter().cloned().enumerate().partition(|(i, _)| i % 2 == 0);
    let even: Vec<Question> = even.into_iter().map(|(_, q)| q).collect();
    let odd: Vec<Question> = odd.into_iter().map(|(_, q)| q).collect();
    let score = |s: &Searcher, set: &[Question]| {
        let r = eval::evaluate(set, |q| {
            s.search(q, eval::MRR_DEPTH)
                .map(|(_, h)| h.iter().map(|h| (h.section.line_start, h.section.line_end)).collect())
                .unwrap_or_default()
        });
        r.total.recall_at_1() + r.total.recall_at_3() + r.total.mrr()
    };
    let mut results = Vec::new();
    let base = searcher.weights;
    for title in [0.5, 1.0, 1.5] {
        for path in [0.25, 0.5, 1.0] {
            for body_bigram in [0.25, 0.5, 1.0] {
                for path_bigram in [0.25, 0.5] {
                    for phrase in [0.0, 0.25, 0.5] {
                        for title_coverage in [1.0, 2.0] {
                            searcher.weights = shiori::search::query::Weights {
                                title,
                                path,
                                body_bigram,
                                path_bigram,
                                phrase,
                                title_coverage,
                                ..base
                            };
                            results.push((score(searcher, &even), score(searcher, &odd), searcher.weights));
                        }
                    }
                }
            }
        }
    }
    results.sort_by(|a, b| (b.0 + b.1).total_cmp(&(a.0 + a.1)));
    for (e, o, w) in results.iter().take(25) {
        println!("even {e:.3} odd {o:.3} {w:?}");
    }
    Ok(())
}
