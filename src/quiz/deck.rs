//! Which question a channel gets next.
//!
//! A question does not come back until the channel has seen [`RETURN_AFTER`] of the pool since
//! it was last posted; a question most of the channel got wrong returns after a quarter of that.
//! Among the questions allowed, unseen ones come first (in an order fixed by the channel's
//! history, so a restart picks the same one), then the longest unseen.

use std::collections::HashMap;

use rand::seq::IndexedRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::Question;

/// Share of the pool a channel sees before a question may return.
pub const RETURN_AFTER: f64 = 0.8;
/// Share of correct answers below which a question counts as got wrong.
pub const WRONG_BELOW: f64 = 0.5;

/// The next question for a channel whose posts so far are `history` (question id and the share
/// who got it right, oldest first). `salt` varies the order between channels.
pub fn next<'a>(pool: &'a [Question], history: &[(String, Option<f64>)], salt: u64) -> Option<&'a Question> {
    if pool.is_empty() {
        return None;
    }
    let mut last_seen: HashMap<&str, (usize, Option<f64>)> = HashMap::new();
    for (i, (id, share)) in history.iter().enumerate() {
        last_seen.insert(id.as_str(), (i, *share));
    }
    let posts = history.len();
    let window = ((pool.len() as f64) * RETURN_AFTER).ceil() as usize;
    let wrong_window = window / 4;
    let allowed = |q: &Question| match last_seen.get(q.id.as_str()) {
        None => true,
        Some((at, share)) => {
            let age = posts - at;
            age > window || (share.is_some_and(|s| s < WRONG_BELOW) && age > wrong_window)
        }
    };
    let unseen: Vec<&Question> = pool.iter().filter(|q| !last_seen.contains_key(q.id.as_str())).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(salt ^ (posts as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    // A question got wrong and due again goes first: that is what the repeat is for.
    let wrong_due = pool
        .iter()
        .filter(|q| {
            allowed(q)
                && last_seen.get(q.id.as_str()).is_some_and(|(_, s)| s.is_some_and(|s| s < WRONG_BELOW))
        })
        .min_by_key(|q| last_seen[q.id.as_str()].0);
    if let Some(q) = wrong_due {
        return Some(q);
    }
    if let Some(q) = unseen.choose(&mut rng) {
        return Some(q);
    }
    pool.iter().filter(|q| allowed(q)).min_by_key(|q| last_seen[q.id.as_str()].0).or_else(|| {
        // Every question was seen recently (a tiny pool): the longest unseen.
        pool.iter().min_by_key(|q| last_seen.get(q.id.as_str()).map_or(0, |(at, _)| *at))
    })
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
                section_id: String::new(),
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

    #[test]
    fn no_repeat_until_most_of_the_pool_was_seen() {
        let pool = pool(50);
        let ids = run(&pool, 200, |_| 1.0);
        for (i, id) in ids.iter().enumerate() {
            if let Some(prev) = ids[..i].iter().rposition(|x| x == id) {
                assert!(i - prev > 40, "{id} returned after {} posts", i - prev);
            }
        }
    }

    #[test]
    fn wrong_questions_come_back_sooner() {
        let pool = pool(50);
        let ids = run(&pool, 120, |id| if id == "q3" { 0.2 } else { 1.0 });
        let shows: Vec<usize> =
            ids.iter().enumerate().filter(|(_, id)| *id == "q3").map(|(i, _)| i).collect();
        assert!(shows.len() >= 2, "q3 shown {shows:?}");
        assert!(shows[1] - shows[0] <= 12, "q3 came back after {}", shows[1] - shows[0]);
    }

    #[test]
    fn same_history_same_pick() {
        let pool = pool(20);
        let h = vec![("q1".to_string(), Some(1.0))];
        assert_eq!(next(&pool, &h, 3).unwrap().id, next(&pool, &h, 3).unwrap().id);
    }
}
