//! Prints retrieval quality on every question set in `tests/questions/`: shiori's search and
//! confidence against plain lindera tokenization and a character-bigram baseline, each over the
//! same sections.
//!
//! `cargo run --release --example eval` (add `-- --kinds` for figures per kind of question,
//! `-- --curve` for the precision/coverage curve of the confidence threshold, `-- --misses [set]`
//! to list what was missed, `-- --tune` for the weight grid search on the tuning sets, `-- --set
//! FILE` to add a set such as the one `shiori feedback export` writes, `-- --features` for the
//! confidence model's evidence per question as TSV, which `scripts/fit-confidence.py` reads,
//! `-- --candidates` for every question's candidates with what the rerank weighed, as JSON lines,
//! which `scripts/fit-rerank.py` reads).

use std::path::PathBuf;

use shiori::corpus::{self, Section};
use shiori::eval::{self, Lines, Question, Report};
use shiori::search::{analyzer, dictionary, index, Searcher};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, STORED};
use tantivy::tokenizer::{LowerCaser, NgramTokenizer, TextAnalyzer};
use tantivy::{doc, Index, TantivyDocument, Term};

/// The question sets, tuning sets first. The held-out sets are never tuned on: they were written
/// before any tuning, by writers who had read only the notes.
const SETS: &[&str] = &["tuning", "tuning-everyday", "tuning-outside", "heldout-everyday", "heldout-outside"];

fn main() -> anyhow::Result<()> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| args.iter().any(|a| a == name);
    let mut sets = Vec::new();
    for name in SETS {
        let path = root.join(format!("tests/questions/{name}.toml"));
        if path.exists() {
            sets.push((name.to_string(), eval::parse_questions(&std::fs::read_to_string(path)?)?));
        }
    }
    // `--set FILE`: another set, such as the questions members marked (`shiori feedback export`).
    for pair in args.windows(2).filter(|w| w[0] == "--set") {
        let path = PathBuf::from(&pair[1]);
        let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        sets.push((name, eval::parse_questions(&std::fs::read_to_string(&path)?)?));
    }
    let corpus = corpus::load(&[root.join("corpus")])?;
    let dir = tempfile::tempdir()?;
    let mut searcher = Searcher::new(index::build(dir.path(), &corpus.sections, &corpus.digest)?)?;
    if let Ok(spec) = std::env::var("SHIORI_WEIGHTS") {
        searcher.weights = parse_weights(&spec)?;
    }
    if flag("--features") {
        return print_features(&searcher, &sets);
    }
    if flag("--candidates") {
        return print_candidates(&searcher, &sets);
    }
    if flag("--tune") {
        let tuning: Vec<Question> = sets
            .iter()
            .filter(|(n, _)| n.starts_with("tuning"))
            .flat_map(|(_, q)| q.iter().filter(|q| q.in_notes()).cloned())
            .collect();
        return tune_weights(&mut searcher, &tuning);
    }

    let plain = {
        let segmenter =
            lindera::segmenter::Segmenter::new(lindera::mode::Mode::Normal, dictionary::ipadic()?, None);
        TextAnalyzer::from(lindera_tantivy::tokenizer::LinderaTokenizer::from_segmenter(segmenter))
    };
    let bigram = TextAnalyzer::builder(NgramTokenizer::new(2, 2, false)?).filter(LowerCaser).build();

    println!(
        "{} sections; recall and MRR over the questions the notes answer; confidence:",
        corpus.sections.len()
    );
    println!("right/wrong = answered with confidence citing a section that answers / does not, as a share");
    println!("of the in-notes questions; outside = out-of-notes questions answered with confidence.\n");
    println!("| set | questions | configuration | recall@1 | recall@3 | MRR | confident right | confident wrong | outside confident |");
    println!("|---|---|---|---|---|---|---|---|---|");
    let mut reports = Vec::new();
    for (name, questions) in &sets {
        let report = eval::evaluate(questions, |q| eval::outcome(&searcher, q));
        let t = report.total;
        let dash = |n: usize, rate: f64| if n == 0 { "–".to_owned() } else { format!("{rate:.3}") };
        println!(
            "| {name} | {} | **shiori** | {} | {} | {} | {} | {} | {} |",
            t.questions,
            dash(t.in_notes, t.recall_at_1()),
            dash(t.in_notes, t.recall_at_3()),
            dash(t.in_notes, t.mrr()),
            dash(t.in_notes, t.confident_right_rate()),
            dash(t.in_notes, t.confident_wrong_rate()),
            dash(t.outside(), t.confident_outside_rate()),
        );
        if t.in_notes > 0 {
            for (label, analyzer) in [("plain lindera", plain.clone()), ("character bigrams", bigram.clone())]
            {
                let b = baseline(&corpus.sections, questions, analyzer)?.total;
                println!(
                    "| {name} | {} | {label} | {:.3} | {:.3} | {:.3} | – | – | – |",
                    b.in_notes,
                    b.recall_at_1(),
                    b.recall_at_3(),
                    b.mrr()
                );
            }
        }
        reports.push((name, report));
    }
    if flag("--kinds") {
        println!("\n| set | kind | questions | recall@1 | recall@3 | confident right | confident wrong | outside confident |");
        println!("|---|---|---|---|---|---|---|---|");
        for (name, report) in &reports {
            for (kind, s) in &report.by_kind {
                println!(
                    "| {name} | {kind} | {} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} |",
                    s.questions,
                    s.recall_at_1(),
                    s.recall_at_3(),
                    s.confident_right_rate(),
                    s.confident_wrong_rate(),
                    s.confident_outside_rate()
                );
            }
        }
    }
    if flag("--curve") {
        let thresholds: Vec<f32> = (0..=20).map(|i| i as f32 * 0.05).collect();
        for prefix in ["tuning", "heldout"] {
            let scored: Vec<(f32, bool)> = reports
                .iter()
                .filter(|(n, _)| n.starts_with(prefix))
                .flat_map(|(_, r)| r.scored.iter().copied())
                .collect();
            println!("\n{prefix} sets, {} questions: threshold → right & confident (of all), wrong among confident", scored.len());
            for p in eval::curve(&scored, &thresholds) {
                println!("  {:.2}  {:.3}  {:.3}", p.threshold, p.right, p.wrong_among_confident);
            }
        }
    }
    // Latency of in-process search: every question 20 times, warm; over the first set (the
    // basis of the README's figure since 0.1) and over every set.
    let first: Vec<&Question> = sets.first().map(|(_, q)| q.iter().collect()).unwrap_or_default();
    let all: Vec<&Question> = sets.iter().flat_map(|(_, q)| q.iter()).collect();
    for (label, questions) in [(sets.first().map_or("", |(n, _)| n.as_str()), first), ("all sets", all)] {
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
            "\nsearch latency, {label}, {} runs: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            micros.len(),
            pct(0.5),
            pct(0.99),
            pct(1.0)
        );
    }
    if flag("--misses") {
        let only: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
        for (name, report) in reports.iter().filter(|(n, _)| only.is_empty() || only.contains(n)) {
            println!("\n{name}: missed at rank 1, or confident about a question the notes do not answer:");
            for (q, rank) in &report.misses {
                let (answer, hits) = match shiori::answer::ask_ranked(&searcher, &q.text, 3) {
                    Ok(x) => x,
                    Err(e) => {
                        println!("  [{}] {} → {e}", q.kind, q.text);
                        continue;
                    }
                };
                let got: Vec<String> = hits
                    .iter()
                    .map(|h| {
                        format!("{} (L{}-{})", h.section.title, h.section.line_start, h.section.line_end)
                    })
                    .collect();
                println!(
                    "  [{}] {} → rank {:?}, want {:?}, confident {} ({:.2}), got {}",
                    q.kind,
                    q.text,
                    rank,
                    q.lines,
                    answer.confident,
                    answer.confidence,
                    got.join(" | ")
                );
            }
        }
    }
    Ok(())
}

/// The evidence the confidence model weighs ([`shiori::answer::Evidence`]) for every question,
/// with whether the top section answers it and whether the question names a service the notes
/// never mention (never answered, whatever the evidence): the input of
/// `scripts/fit-confidence.py`.
fn print_features(searcher: &Searcher, sets: &[(String, Vec<Question>)]) -> anyhow::Result<()> {
    println!(
        "set\tkind\tin_notes\tright\tcoverage\trunner_up\tasks_what\tservices\tabsent\tquestion\t\
         second_coverage\tnamed\tfocus_missing\twords\tpredicates"
    );
    for (name, questions) in sets {
        for q in questions {
            let Ok((analyzed, hits)) = searcher.search(&q.text, eval::MRR_DEPTH) else { continue };
            let (right, e) = match shiori::answer::Evidence::of(&analyzed, &hits) {
                Some(e) => (q.answered_by((hits[0].section.line_start, hits[0].section.line_end)), e),
                None => continue,
            };
            // Not in the model: candidates for it, measured with scripts/fit-confidence.py.
            let second = hits.get(1).map_or(0.0, shiori::answer::coverage);
            println!(
                "{name}\t{}\t{}\t{}\t{:.4}\t{:.4}\t{}\t{}\t{}\t{}\t{second:.4}\t{:.4}\t{}\t{}\t{}",
                q.kind,
                u8::from(q.in_notes()),
                u8::from(q.in_notes() && right),
                e.coverage,
                e.runner_up,
                u8::from(e.asks_what),
                e.services,
                u8::from(!analyzed.absent.is_empty()),
                q.text,
                hits[0].signals.named,
                u8::from(hits[0].coverage.focus_missing),
                analyzed.typed_morph.len(),
                analyzed.predicates.len(),
            );
        }
    }
    Ok(())
}

/// `title,path,body,title_bigram,body_bigram,path_bigram,heading_only,phrase,title_coverage,alias,related,related_bigram,coverage`
fn parse_weights(spec: &str) -> anyhow::Result<shiori::search::query::Weights> {
    let v: Vec<f32> = spec.split(',').map(|x| x.trim().parse()).collect::<Result<_, _>>()?;
    let [title, path, body, title_bigram, body_bigram, path_bigram, heading_only, phrase, title_coverage, alias, related, related_bigram, coverage] =
        v[..]
    else {
        anyhow::bail!("SHIORI_WEIGHTS needs 13 comma-separated numbers, got {}", v.len());
    };
    Ok(shiori::search::query::Weights {
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
        related,
        related_bigram,
        coverage,
    })
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
        eval::Outcome::ranking({
            let mut analyzer = analyzer.clone();
            let clauses: Vec<(Occur, Box<dyn Query>)> = analyzer::terms(&mut analyzer, q)
                .into_iter()
                .map(|t| {
                    let q: Box<dyn Query> = Box::new(TermQuery::new(
                        Term::from_field_text(text, &t),
                        IndexRecordOption::WithFreqs,
                    ));
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
                .collect::<Vec<_>>()
        })
    }))
}

/// Grid search over field weights, scored on even-numbered questions and checked on odd ones, so
/// a setting that only fits the set shows up as a gap between the two.
fn tune_weights(searcher: &mut Searcher, questions: &[Question]) -> anyhow::Result<()> {
    let (even, odd): (Vec<_>, Vec<_>) = questions.iter().cloned().enumerate().partition(|(i, _)| i % 2 == 0);
    let even: Vec<Question> = even.into_iter().map(|(_, q)| q).collect();
    let odd: Vec<Question> = odd.into_iter().map(|(_, q)| q).collect();
    let score = |s: &Searcher, set: &[Question]| {
        let r = eval::evaluate(set, |q| eval::outcome(s, q));
        r.total.recall_at_1() + r.total.recall_at_3() + r.total.mrr()
    };
    let mut results = Vec::new();
    let base = searcher.weights;
    for title in [0.5, 1.0] {
        for path in [0.25, 0.5, 1.0] {
            for body_bigram in [0.25, 0.5] {
                for path_bigram in [0.25, 0.5] {
                    for phrase in [0.25, 0.5] {
                        for title_coverage in [1.0, 2.0] {
                            for related in [0.2, 0.4, 0.6] {
                                searcher.weights = shiori::search::query::Weights {
                                    title,
                                    path,
                                    body_bigram,
                                    path_bigram,
                                    phrase,
                                    title_coverage,
                                    related,
                                    ..base
                                };
                                results.push((
                                    score(searcher, &even),
                                    score(searcher, &odd),
                                    searcher.weights,
                                ));
                            }
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

/// Every question's best [`CANDIDATE_DEPTH`] sections with what the rerank weighed, one JSON
/// object per line: the input for fitting a reranker on the tuning sets.
fn print_candidates(searcher: &Searcher, sets: &[(String, Vec<Question>)]) -> anyhow::Result<()> {
    for (name, questions) in sets {
        for (n, q) in questions.iter().enumerate() {
            let Ok((analyzed, hits)) = searcher.search(&q.text, CANDIDATE_DEPTH) else { continue };
            for (rank, h) in hits.iter().enumerate() {
                let row = serde_json::json!({
                    "set": name, "n": n, "question": q.text, "kind": q.kind,
                    "in_notes": q.in_notes(), "absent": !analyzed.absent.is_empty(),
                    "asks_what": !analyzed.subject_typed.is_empty(), "services": analyzed.services.len(),
                    "rank": rank, "right": q.in_notes() && q.answered_by((h.section.line_start, h.section.line_end)),
                    "score": h.score, "bm25": h.signals.bm25, "named": h.signals.named,
                    "heading_only": h.signals.heading_only, "coverage": h.coverage.share,
                    "focus_missing": h.coverage.focus_missing, "title": h.section.title,
                    "path": h.section.path, "section_kind": h.section.kind, "chars": h.text.chars().count(),
                    "line_start": h.section.line_start, "line_end": h.section.line_end,
                });
                println!("{row}");
            }
        }
    }
    Ok(())
}

/// How many candidates per question `--candidates` prints.
const CANDIDATE_DEPTH: usize = 20;
