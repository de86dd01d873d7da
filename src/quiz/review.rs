//! Spaced repetition with FSRS, the scheduler Anki uses (the `rs-fsrs` crate).
//!
//! Every answer a member gives (channel quiz, `/quiz`, `/review`) rates their card for that
//! question: right is `Good`, wrong is `Again`, and FSRS sets the next due time from the card's
//! stability and difficulty. The long-term scheduler is used (no same-day learning steps): a
//! study group reviews daily, not every ten minutes. A question missed outside a review is due
//! at once, so `/review` offers it right away; after that FSRS decides.

use chrono::{DateTime, TimeZone, Utc};
use rs_fsrs::{Card, Parameters, Rating, FSRS};

use crate::store::StoredCard;

/// Channel-name prefix of review sessions (`review:<member>`): answered privately, revealed at
/// once, never on a channel's leaderboard.
pub const REVIEW: &str = "review:";

/// FSRS with the defaults Anki ships (retention 0.9), without short-term steps.
pub struct Reviewer {
    fsrs: FSRS,
}

impl Default for Reviewer {
    fn default() -> Reviewer {
        Reviewer { fsrs: FSRS::new(Parameters { enable_short_term: false, ..Parameters::default() }) }
    }
}

impl Reviewer {
    /// The card after a member's answer at `now`. `in_review` is false for an answer outside a
    /// review session: a miss there makes the card due at once.
    pub fn after_answer(
        &self,
        previous: Option<&StoredCard>,
        question_id: &str,
        correct: bool,
        in_review: bool,
        now: DateTime<Utc>,
    ) -> Result<StoredCard, serde_json::Error> {
        let card = previous.map_or_else(|| new_card(now), |stored| read_card(stored, now));
        let rating = if correct { Rating::Good } else { Rating::Again };
        let next = self.fsrs.next(card, now, rating).card;
        let due = if !correct && !in_review { now.min(next.due) } else { next.due };
        Ok(StoredCard {
            question_id: question_id.to_owned(),
            card_json: serde_json::to_string(&next)?,
            due_at: due.timestamp_millis(),
            last_correct: correct,
        })
    }
}

fn new_card(now: DateTime<Utc>) -> Card {
    Card { due: now, last_review: now, ..Card::default() }
}

/// A stored card; one that cannot be read (written by a future version, edited by hand) starts
/// over as new, and says so in the log.
fn read_card(stored: &StoredCard, now: DateTime<Utc>) -> Card {
    match serde_json::from_str(&stored.card_json) {
        Ok(card) => card,
        Err(e) => {
            tracing::warn!(question = %stored.question_id, error = %e, "review card unreadable; it starts over");
            new_card(now)
        }
    }
}

/// A stored due time as a time.
pub fn due_time(ms: i64) -> Option<DateTime<Utc>> {
    Utc.timestamp_millis_opt(ms).single()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn at(day: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 1, 12, 0, 0).unwrap() + Duration::days(day)
    }

    #[test]
    fn right_answers_push_the_card_further_out_and_a_miss_brings_it_back() {
        let r = Reviewer::default();
        let first = r.after_answer(None, "q", true, true, at(0)).unwrap();
        let gap1 = first.due_at - at(0).timestamp_millis();
        assert!(gap1 >= Duration::days(1).num_milliseconds(), "a right answer: at least a day ({gap1} ms)");
        let due1 = due_time(first.due_at).unwrap();
        let second = r.after_answer(Some(&first), "q", true, true, due1).unwrap();
        let gap2 = second.due_at - due1.timestamp_millis();
        assert!(gap2 > gap1, "a second right answer waits longer: {gap2} > {gap1}");
        let due2 = due_time(second.due_at).unwrap();
        let missed = r.after_answer(Some(&second), "q", false, true, due2).unwrap();
        assert!(missed.due_at - due2.timestamp_millis() < gap2, "a miss comes back sooner");
        assert!(!missed.last_correct);
    }

    #[test]
    fn a_miss_outside_review_is_due_at_once() {
        let r = Reviewer::default();
        let card = r.after_answer(None, "q", false, false, at(0)).unwrap();
        assert_eq!(card.due_at, at(0).timestamp_millis());
        let in_review = r.after_answer(None, "q", false, true, at(0)).unwrap();
        assert!(in_review.due_at > at(0).timestamp_millis(), "in review FSRS decides");
    }

    #[test]
    fn an_unreadable_card_starts_over_rather_than_failing() {
        let r = Reviewer::default();
        let broken =
            StoredCard { question_id: "q".into(), card_json: "{".into(), due_at: 0, last_correct: true };
        let card = r.after_answer(Some(&broken), "q", true, true, at(0)).unwrap();
        assert_eq!(card, r.after_answer(None, "q", true, true, at(0)).unwrap());
    }
}
