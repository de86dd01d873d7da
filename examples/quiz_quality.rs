//! What the quiz generator makes of the notes, and why it drops what it drops:
//!
//!   cargo run --release --example quiz_quality [-- --flawed KIND | --check POOL.json | --candidates]
//!
//! Prints candidates and kept questions per kind, the flaws that removed the others, and with
//! `--flawed KIND` every dropped candidate of that kind with its flaw. `--check POOL.json`
//! instead counts the flaws today's checks find in a pool saved earlier with
//! `shiori quiz --json --count 1000` (what a stricter check would take out of it).
//! `--candidates` prints every candidate as JSON, before any check (what a new source adds).

use std::collections::BTreeMap;

use shiori::quiz::generate;
use shiori::quiz::quality::Words;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let flawed = args.iter().position(|a| a == "--flawed").and_then(|i| args.get(i + 1)).cloned();
    if let Some(path) = args.iter().position(|a| a == "--check").and_then(|i| args.get(i + 1)) {
        return check(path);
    }
    let corpus = shiori::corpus::load(&[std::path::PathBuf::from("corpus")])?;
    let candidates = generate::candidates(&corpus.sections);
    if args.iter().any(|a| a == "--candidates") {
        println!("{}", serde_json::to_string_pretty(&candidates)?);
        return Ok(());
    }
    let kept = generate::generate(&corpus.sections)?;
    let mut words = Words::new()?;
    let mut table: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    for q in &candidates {
        table.entry(q.kind.clone()).or_default().0 += 1;
        let flaws = words.flaws(q);
        for flaw in &flaws {
            let name = format!("{flaw:?}");
            let name = name.split('(').next().unwrap_or_default().to_owned();
            *reasons.entry(format!("{} {name}", q.kind)).or_default() += 1;
        }
        if flawed.as_deref() == Some(q.kind.as_str()) && !flaws.is_empty() {
            println!("{:?}\n{}\n", flaws, shiori::bot::Reply::study(q).to_plain());
        }
    }
    for q in &kept {
        table.entry(q.kind.clone()).or_default().1 += 1;
    }
    println!("kind         candidates  kept");
    for (kind, (all, kept)) in &table {
        println!("{kind:<12} {all:>10} {kept:>5}");
    }
    println!("total        {:>10} {:>5}", candidates.len(), kept.len());
    println!("\nflaws (a candidate may have several):");
    for (reason, n) in &reasons {
        println!("  {reason:<28} {n}");
    }
    Ok(())
}

/// The flaws of each question of a saved pool, and how many have one.
fn check(path: &str) -> anyhow::Result<()> {
    let pool: Vec<shiori::quiz::Question> = serde_json::from_str(&std::fs::read_to_string(path)?)?;
    let mut words = Words::new()?;
    let mut flawed = 0;
    for q in &pool {
        let flaws = words.flaws(q);
        if !flaws.is_empty() {
            flawed += 1;
            println!("{:?} [{}] {}", flaws, q.kind, q.question.replace('\n', " "));
        }
    }
    println!("{flawed} of {} questions have a flaw", pool.len());
    Ok(())
}
