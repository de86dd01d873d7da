//! Shaping the pool: one question per quote, a few per comparison table, the best kinds per
//! fact, and each service near its share of the notes; and drawing a sample of it.

use std::collections::{HashMap, HashSet};

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::Question;
use crate::corpus::Section;

/// How far above its share of the notes a service's share of the pool may go. 1.5 until session
/// 17; since session 16 a channel's deck spreads across sections (every section once before any
/// twice, none among its last posts), so the cap no longer decides what a channel sees, only what
/// the pool holds. At 1.5 it took EKS, whose few lines hold many short rows, from 12 questions to
/// 8 and the pool under its 120 (118).
pub const OVER_SHARE: f64 = 2.0;

/// The service a section belongs to: the heading under the category (`EC2(Elastic Compute
/// Cloud)`), or the category for its own lead text.
pub(crate) fn service_of(path: &[String]) -> &str {
    path.get(1).or_else(|| path.first()).map_or("", String::as_str)
}

/// The pool with each service at most [`OVER_SHARE`] times its share of the notes' lines (plus
/// two questions), so a service with one long comparison table does not crowd out the others. The
/// questions of the least wanted kinds go first.
pub(super) fn balance(mut pool: Vec<Question>, sections: &[Section]) -> Vec<Question> {
    // The share is of the pool that is kept: taking questions away shrinks every cap, so this
    // is repeated until nothing more goes (a few rounds; each one only takes away).
    loop {
        let before = pool.len();
        pool = balance_once(pool, sections);
        if pool.len() == before {
            return pool;
        }
    }
}

fn balance_once(pool: Vec<Question>, sections: &[Section]) -> Vec<Question> {
    let mut lines: HashMap<&str, usize> = HashMap::new();
    for section in sections {
        *lines.entry(service_of(&section.path)).or_default() += section.line_end + 1 - section.line_start;
    }
    let total = lines.values().sum::<usize>().max(1) as f64;
    let cap = |service: &str| {
        let share = lines.get(service).copied().unwrap_or(0) as f64 / total;
        (share * pool.len() as f64 * OVER_SHARE).floor() as usize + 2
    };
    let mut order: Vec<usize> = (0..pool.len()).collect();
    order.sort_by_key(|&i| (rank(&pool[i].kind), i));
    let mut taken: HashMap<String, usize> = HashMap::new();
    let mut keep = HashSet::new();
    for i in order {
        let service = service_of(&pool[i].source.path).to_owned();
        let count = taken.entry(service.clone()).or_default();
        if *count < cap(&service) {
            *count += 1;
            keep.insert(i);
        }
    }
    pool.into_iter().enumerate().filter(|(i, _)| keep.contains(i)).map(|(_, q)| q).collect()
}

/// Which kinds of question are worth most, best first. A `【…】` tagline (feature) comes late:
/// readers found it a label of the notes more often than a fact (in three samples of session 14,
/// none of the 18 feature questions about a service's parts passed all six of their criteria).
pub(super) fn rank(kind: &str) -> usize {
    ["scenario", "comparison", "term", "item", "statement", "negation", "definition", "feature", "number"]
        .iter()
        .position(|k| *k == kind)
        .unwrap_or(usize::MAX)
}

/// The fact a question asks about: two questions with the same fact (the same row asked forward
/// and backward) are one question too many. A comparison cell, a number and a statement are each
/// a fact of their own: none is the sentence a row's term and definition questions quote.
pub fn fact(q: &Question) -> String {
    match q.kind.as_str() {
        "number" | "comparison" | "statement" | "negation" => format!("{}:{}", q.section_id, q.id),
        _ => q.section_id.clone(),
    }
}

/// Most questions from one comparison table: more would ask the same three things over and over.
/// 12 until session 22, when the instance-metadata statement whose answer was a sentence cut from
/// its context went (readers failed it three times) and the pool fell to 119: the 13th is the
/// provider side of the VPC endpoint table (`利用者が「サービスを提供する側」`), whose answer,
/// the endpoint service, readers have passed in every cell they were asked.
pub(super) const MOST_PER_TABLE: usize = 13;

/// Rows of a comparison table that say what a thing is for or does (`主なユースケース`, `役割`):
/// asked first. Rows like `利用者` read as a table's column heading left in the stem (the readers
/// of session 20 failed 「利用者が『サービスを提供する側』なのはどれ？」 as unnatural).
const TELLING_ROWS: &[&str] = &["ユースケースが「", "用途が「", "役割が「", "特徴が「", "対象が「"];
/// Rows that name who uses a thing: asked last.
const WEAK_ROWS: &[&str] = &["利用者が「"];

/// At most [`MOST_PER_TABLE`] comparison questions per table, with different answers first, the
/// [`TELLING_ROWS`] before the others and the [`WEAK_ROWS`] last.
pub(super) fn few_per_table(questions: Vec<Question>) -> Vec<Question> {
    let mut chosen: HashMap<String, Vec<usize>> = HashMap::new();
    let mut comparisons: Vec<(usize, &Question)> =
        questions.iter().enumerate().filter(|(_, q)| q.kind == "comparison").collect();
    let order = |q: &Question| {
        let says = |rows: &[&str]| rows.iter().any(|r| q.question.contains(r));
        if says(TELLING_ROWS) {
            0
        } else if says(WEAK_ROWS) {
            2
        } else {
            1
        }
    };
    comparisons.sort_by_key(|(i, q)| (order(q), *i));
    for pass in [true, false] {
        for &(i, q) in &comparisons {
            let taken = chosen.entry(q.section_id.clone()).or_default();
            let new_answer = !taken.iter().any(|&j| questions[j].answer() == q.answer());
            if taken.len() < MOST_PER_TABLE && !taken.contains(&i) && (new_answer || !pass) {
                taken.push(i);
            }
        }
    }
    let keep: HashSet<usize> = chosen.into_values().flatten().collect();
    questions
        .into_iter()
        .enumerate()
        .filter(|(i, q)| q.kind != "comparison" || keep.contains(i))
        .map(|(_, q)| q)
        .collect()
}

/// Without a question that shows the same text of the same section as a better kind: a row that
/// lists uses (`高性能/高負荷なデータベース、キャッシュサーバ…など`) makes a scenario and a term
/// question with one quote, which is one question asked twice.
pub(super) fn one_stem_once(questions: Vec<Question>) -> Vec<Question> {
    // The quote a question ends in (a statement's 「…」について… names, it does not quote).
    let quote = |q: &Question| {
        let body = q.question.strip_suffix('」')?;
        body.rsplit_once('「').map(|(_, text)| text.trim_end_matches('。').to_owned())
    };
    let quotes: Vec<Option<String>> = questions.iter().map(quote).collect();
    // A scenario quotes its sentence less the words that say it is a use (「…の際に有効」 is asked
    // as 「次の場面で有効なのはどれ？「…」」): one quote inside the other is the same text.
    let same = |i: usize, j: usize| match (&quotes[i], &quotes[j]) {
        (Some(a), Some(b)) => {
            questions[i].section_id == questions[j].section_id
                && (a.contains(b.as_str()) || b.contains(a.as_str()))
        }
        _ => false,
    };
    let better = |j: usize, i: usize| (rank(&questions[j].kind), j) < (rank(&questions[i].kind), i);
    let keep: Vec<bool> = (0..questions.len())
        .map(|i| !(0..questions.len()).any(|j| j != i && same(i, j) && better(j, i)))
        .collect();
    questions.into_iter().zip(keep).filter(|(_, k)| *k).map(|(q, _)| q).collect()
}

/// Most questions about one fact in the pool: a row asked as a scenario, a term and a definition
/// is three ways to learn it, and the deck never shows two of them in one window ([`fact`]), nor
/// does `shiori quiz --count N` before it has shown every fact once ([`pick`]). 2 until session
/// 19, when what readers failed (the garbled EKS extended-cluster sentence, Canary beside Linear,
/// Local Zones' selling points) took the pool under its 120; at 3 five rows get their
/// definition question back (`shiori quiz --json --count 1000`: 117 → 122).
pub const MOST_PER_FACT: usize = 3;

/// Keeps, for each fact, the questions of the [`MOST_PER_FACT`] best kinds (in corpus order
/// otherwise).
pub(super) fn best_per_fact(questions: Vec<Question>) -> Vec<Question> {
    let mut by_fact: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, q) in questions.iter().enumerate() {
        by_fact.entry(fact(q)).or_default().push(i);
    }
    let mut keep = HashSet::new();
    for mut same in by_fact.into_values() {
        same.sort_by_key(|&i| (rank(&questions[i].kind), i));
        keep.extend(same.into_iter().take(MOST_PER_FACT));
    }
    questions.into_iter().enumerate().filter(|(i, _)| keep.contains(i)).map(|(_, q)| q).collect()
}

/// `count` questions in an order fixed by `seed`: every fact once before any fact twice (a row
/// asked forward and backward is one fact), and every section once before any section twice (the
/// VPC endpoint table's twelve cells were up to 8 of 40 questions).
pub fn pick(all: &[Question], count: usize, seed: u64) -> Vec<Question> {
    let mut order: Vec<&Question> = all.iter().collect();
    order.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
    let mut facts = HashSet::new();
    let (first, again): (Vec<&Question>, Vec<&Question>) =
        order.into_iter().partition(|q| facts.insert(fact(q)));
    crate::quiz::deck::by_section_round(first)
        .into_iter()
        .chain(crate::quiz::deck::by_section_round(again))
        .take(count)
        .cloned()
        .collect()
}
