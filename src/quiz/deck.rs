//! Which question a channel gets next.
//!
//! A fact (a row, an item, a table cell: [`fact`]) does not come back, in any of the ways the
//! pool asks it, until the channel has seen [`RETURN_AFTER`] of the pool's facts since it was
//! last posted; a fact most of the channel got wrong returns after a quarter of that — asked the
//! other way round when the pool has that question. Among the questions allowed, unseen ones
//! come first (in an order fixed by the channel's history, so a restart picks the same one),
//! from a section the channel has not had lately when there is one, then the longest unseen.

use std::collections::{HashMap, HashSet};

use rand::seq::IndexedRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::generate::fact;
use super::Question;

/// Share of the pool's facts a channel sees before a fact may return.
pub const RETURN_AFTER: f64 = 0.8;
/// Share of correct answers below which a question counts as got wrong.
pub const WRONG_BELOW: f64 = 0.5;

/// The next question for a channel whose posts so far are `history` (question id and the share
/// who got it right, oldest first). `salt` varies the order between channels.
pub fn next<'a>(pool: &'a [Question], history: &[(String, Option<f64>)], salt: u64) -> Option<&'a Question> {
    if pool.is_empty() {
        return None;
    }
    let facts: HashMap<&str, String> = pool.iter().map(|q| (q.id.as_str(), fact(q))).collect();
    // A posted question no longer in the pool (the notes changed) is a fact of its own.
    let fact_of = |id: &str| facts.get(id).cloned().unwrap_or_else(|| id.to_owned());
    let mut fact_seen: HashMap<String, (usize, Option<f64>)> = HashMap::new();
    let mut posted: HashMap<&str, usize> = HashMap::new();
    for (i, (id, share)) in history.iter().enumerate() {
        fact_seen.insert(fact_of(id), (i, *share));
        posted.insert(id.as_str(), i);
    }
    let posts = history.len();
    let distinct: HashSet<&String> = facts.values().collect();
    let window = ((distinct.len() as f64) * RETURN_AFTER).ceil() as usize;
    let wrong_window = window / 4;
    let seen = |q: &Question| fact_seen.get(&facts[q.id.as_str()]).copied();
    let got_wrong = |q: &Question| seen(q).is_some_and(|(_, s)| s.is_some_and(|s| s < WRONG_BELOW));
    let allowed = |q: &Question| match seen(q) {
        None => true,
        Some((at, _)) => {
            let age = posts - at;
            age > window || (got_wrong(q) && age > wrong_window)
        }
    };
    let mut rng = ChaCha8Rng::seed_from_u64(salt ^ (posts as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    // A fact got wrong and due again goes first, in a way the channel has not seen if there is
    // one: that is what the repeat is for.
    let wrong_due = pool
        .iter()
        .filter(|q| allowed(q) && got_wrong(q))
        .min_by_key(|q| (seen(q).map(|(at, _)| at), posted.contains_key(q.id.as_str())));
    if let Some(q) = wrong_due {
        return Some(q);
    }
    let unseen: Vec<&Question> =
        pool.iter().filter(|q| !posted.contains_key(q.id.as_str()) && allowed(q)).collect();
    let recent = recent_sections(pool, history);
    let spread: Vec<&Question> =
        unseen.iter().copied().filter(|q| !recent.contains(q.section_id.as_str())).collect();
    if let Some(q) = spread.choose(&mut rng).or_else(|| unseen.choose(&mut rng)) {
        return Some(q);
    }
    pool.iter()
        .filter(|q| allowed(q))
        .min_by_key(|q| posted.get(q.id.as_str()).copied().unwrap_or(0))
        .or_else(|| {
            // Every fact was seen recently (a tiny pool): the longest unseen.
            pool.iter().min_by_key(|q| posted.get(q.id.as_str()).copied().unwrap_or(0))
        })
}

/// The sections of the channel's last posts, as many posts as half the pool has sections: an
/// unseen question from another section goes first, so one table of twelve cells is not a tenth
/// of every deck.
fn recent_sections<'a>(pool: &'a [Question], history: &[(String, Option<f64>)]) -> HashSet<&'a str> {
    let section_of: HashMap<&str, &str> =
        pool.iter().map(|q| (q.id.as_str(), q.section_id.as_str())).collect();
    let sections: HashSet<&str> = section_of.values().copied().collect();
    let gap = sections.len() / 2;
    history.iter().rev().take(gap).filter_map(|(id, _)| section_of.get(id.as_str()).copied()).collect()
}

/// `questions` with each section's first question first, then each one's second, and so on;
/// within a round the order stands.
pub(crate) fn by_section_round(questions: Vec<&Question>) -> Vec<&Question> {
    let mut asked: HashMap<&str, usize> = HashMap::new();
    let mut rounds: Vec<(usize, &Question)> = questions
        .into_iter()
        .map(|q| {
            let round = asked.entry(q.section_id.as_str()).or_default();
            *round += 1;
            (*round, q)
        })
        .collect();
    rounds.sort_by_key(|(round, _)| *round);
    rounds.into_iter().map(|(_, q)| q).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Citation;

    fn pool(n: usize) -> Vec<Question> {
        (0..n)
            .map(|i| Question {
                id: format!("q{i}"),
                question: String::new(),
                choices: vec![],
                answer_index: 0,
                explanation: String::new(),
                source: Citation { source: String::new(), path: vec![], line_start: 1, line_end: 1 },
                kind: String::new(),
                // Two questions per fact: q0 and q1 ask the same row.
                section_id: format!("s{}", i / 2),
                choice_notes: Vec::new(),
                source_digest: String::new(),
            })
            .collect()
    }

    fn run(pool: &[Question], posts: usize, share: impl Fn(&str) -> f64) -> Vec<String> {
        let mut history: Vec<(String, Option<f64>)> = Vec::new();
        for _ in 0..posts {
            let q = next(pool, &history, 7).unwrap();
            history.push((q.id.clone(), Some(share(&q.id))));
        }
        history.into_iter().map(|(id, _)| id).collect()
    }

    /// The fact of question `q{i}` in [`pool`].
    fn fact_of(id: &str) -> usize {
        id[1..].parse::<usize>().unwrap() / 2
    }

    #[test]
    fn no_fact_repeats_until_most_of_the_facts_were_seen() {
        let pool = pool(50);
        let ids = run(&pool, 200, |_| 1.0);
        let facts: Vec<usize> = ids.iter().map(|id| fact_of(id)).collect();
        // 25 facts: none returns, in either of its questions, within 0.8 × 25 = 20 posts.
        for (i, f) in facts.iter().enumerate() {
            if let Some(prev) = facts[..i].iter().rposition(|x| x == f) {
                assert!(i - prev > 20, "fact {f} returned after {} posts ({ids:?})", i - prev);
            }
        }
        let shown: HashSet<&String> = ids.iter().collect();
        assert_eq!(shown.len(), 50, "both ways of asking every fact are shown in time");
    }

    #[test]
    fn a_fact_got_wrong_comes_back_sooner_the_other_way_round() {
        let pool = pool(50);
        let ids = run(&pool, 120, |id| if id == "q3" { 0.2 } else { 1.0 });
        let first = ids.iter().position(|id| id == "q3").expect("q3 shown");
        let back = ids[first + 1..].iter().position(|id| fact_of(id) == 1).expect("fact 1 shown again");
        assert!(back < 8, "q3's fact came back after {} posts: {ids:?}", back + 1);
        assert_eq!(ids[first + 1 + back], "q2", "asked the way the channel has not seen");
    }

    #[test]
    fn same_history_same_pick() {
        let pool = pool(20);
        let h = vec![("q1".to_string(), Some(1.0))];
        assert_eq!(next(&pool, &h, 3).unwrap().id, next(&pool, &h, 3).unwrap().id);
    }
}
