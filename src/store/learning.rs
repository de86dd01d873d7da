//! What helps a member learn: their review cards (spaced-repetition state, kept as JSON by the
//! quiz layer) and their answer history for `/me`. Reports are in [`super::reports`].

use rusqlite::{params, OptionalExtension};

use super::answers::COUNTED;
use super::posts::{raw_post_at, POST_FIELDS};
use super::{Post, Store, StoreError, Stored};

/// A member's review card for one question.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredCard {
    pub question_id: String,
    /// The scheduler's state, as the quiz layer wrote it.
    pub card_json: String,
    /// When the card is next due (ms since the epoch).
    pub due_at: i64,
    /// Whether the member's latest answer to the question was right.
    pub last_correct: bool,
}

/// One of a member's answers to a counted post.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberAnswer<Q> {
    pub post: Post<Q>,
    pub choice: usize,
    pub correct: bool,
    pub answered_at: i64,
}

impl Store {
    /// A member's card for a question.
    pub fn card(
        &self,
        platform: &str,
        member: &str,
        question_id: &str,
    ) -> Result<Option<StoredCard>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT question_id, card_json, due_at, last_correct FROM review_cards
                 WHERE platform = ?1 AND member = ?2 AND question_id = ?3",
                params![platform, member, question_id],
                stored_card,
            )
            .optional()?)
    }

    /// Writes a member's card (creating or replacing it).
    pub fn put_card(&self, platform: &str, member: &str, card: &StoredCard) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT INTO review_cards (platform, member, question_id, card_json, due_at, last_correct)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (platform, member, question_id)
             DO UPDATE SET card_json = ?4, due_at = ?5, last_correct = ?6",
            params![platform, member, card.question_id, card.card_json, card.due_at, card.last_correct],
        )?;
        Ok(())
    }

    /// A member's cards due at `now`, most overdue first, leaving out voided questions.
    pub fn due_cards(&self, platform: &str, member: &str, now: i64) -> Result<Vec<StoredCard>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT question_id, card_json, due_at, last_correct FROM review_cards
             WHERE platform = ?1 AND member = ?2 AND due_at <= ?3
               AND question_id NOT IN (SELECT question_id FROM voided)
             ORDER BY due_at, question_id",
        )?;
        let rows = stmt.query_map(params![platform, member, now], stored_card)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A member's cards that fall due after `now`, soonest first, as (question id, due time),
    /// leaving out voided questions. The caller passes over the questions the notes no longer
    /// make: the store does not know the pool.
    pub fn upcoming(&self, platform: &str, member: &str, now: i64) -> Result<Vec<(String, i64)>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT question_id, due_at FROM review_cards WHERE platform = ?1 AND member = ?2 AND due_at > ?3
               AND question_id NOT IN (SELECT question_id FROM voided)
             ORDER BY due_at, question_id",
        )?;
        let rows = stmt.query_map(params![platform, member, now], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A member's answers to counted posts on a platform (revealed, not voided, not retired),
    /// oldest first, leaving out channels whose name starts with one of `skip` (review sessions).
    pub fn member_answers<Q: Stored>(
        &self,
        platform: &str,
        member: &str,
        skip: &str,
    ) -> Result<Vec<MemberAnswer<Q>>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT a.choice, a.correct, a.answered_at, {POST_FIELDS}
             FROM quiz_posts p JOIN answers a ON a.post_id = p.id
             WHERE p.platform = ?1 AND a.user_id = ?2 AND {COUNTED} AND substr(p.channel, 1, length(?3)) <> ?3
             ORDER BY a.answered_at, p.id"
        ))?;
        let rows = stmt.query_map(params![platform, member, skip], |r| {
            let answer: (i64, bool, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
            Ok((answer, raw_post_at(r, 3)?))
        })?;
        let rows: Vec<_> = rows.collect::<Result<_, _>>()?;
        rows.into_iter()
            .map(|((choice, correct, answered_at), raw)| {
                Ok(MemberAnswer { post: raw.into_post()?, choice: choice as usize, correct, answered_at })
            })
            .collect()
    }

    /// A member's current and best streak over the channels of a platform: the current one
    /// only where they answered the channel's latest counted post.
    pub fn member_streaks(&self, platform: &str, member: &str) -> Result<(u32, u32), StoreError> {
        let conn = self.conn();
        let (current, best): (i64, i64) = conn.query_row(
            &format!(
                "SELECT COALESCE(MAX(CASE WHEN s.last_post_id =
                        (SELECT MAX(p.id) FROM quiz_posts p WHERE p.platform = s.platform AND p.channel = s.channel AND {COUNTED})
                        THEN s.current END), 0),
                        COALESCE(MAX(s.best), 0)
                 FROM streaks s WHERE s.platform = ?1 AND s.user_id = ?2"
            ),
            params![platform, member],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok((current.max(0) as u32, best.max(0) as u32))
    }
}

fn stored_card(r: &rusqlite::Row) -> rusqlite::Result<StoredCard> {
    Ok(StoredCard {
        question_id: r.get(0)?,
        card_json: r.get(1)?,
        due_at: r.get(2)?,
        last_correct: r.get(3)?,
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::{answered_post, post, question, Question};
    use super::super::ReportReason;
    use super::*;

    #[test]
    fn a_members_history_counts_revealed_posts_only_and_leaves_out_reviews_and_retired_posts() {
        let store = Store::open_in_memory().unwrap();
        let q = question();
        let revealed = answered_post(&store, &q, "m", false);
        store.reveal(revealed).unwrap();
        let _open = answered_post(&store, &q, "m", true);
        let retired = answered_post(&store, &q, "m", true);
        store.retire_post(retired, "stale", 0).unwrap();
        store.reveal(retired).unwrap();
        let review = super::super::NewPost { channel: "review:m", ..post(&q, None) };
        let review_id = store.claim_post(&review).unwrap().unwrap();
        store.record_answer(review_id, "m", 0, true, 1).unwrap();
        store.reveal(review_id).unwrap();
        let history = store.member_answers::<Question>("discord", "m", "review:").unwrap();
        assert_eq!(history.iter().map(|a| a.post.id).collect::<Vec<_>>(), [revealed], "{history:?}");
        assert!(!history[0].correct);
    }

    #[test]
    fn cards_are_due_in_order_and_voided_questions_leave_the_queue() {
        let store = Store::open_in_memory().unwrap();
        let card = |id: &str, due| StoredCard {
            question_id: id.into(),
            card_json: "{}".into(),
            due_at: due,
            last_correct: false,
        };
        store.put_card("discord", "m", &card("later", 50)).unwrap();
        store.put_card("discord", "m", &card("q1", 10)).unwrap();
        store.put_card("discord", "m", &card("future", 500)).unwrap();
        let due: Vec<String> =
            store.due_cards("discord", "m", 100).unwrap().into_iter().map(|c| c.question_id).collect();
        assert_eq!(due, ["q1", "later"]);
        assert_eq!(store.upcoming("discord", "m", 100).unwrap(), [("future".to_owned(), 500)]);
        let q = question();
        let id = store.claim_post(&post(&q, None)).unwrap().unwrap();
        store.report(id, "discord", "x", ReportReason::Wrong, 1, 1).unwrap();
        let due: Vec<String> =
            store.due_cards("discord", "m", 100).unwrap().into_iter().map(|c| c.question_id).collect();
        assert_eq!(due, ["later"], "q1 was voided");
        assert!(store.due_cards("slack", "m", 100).unwrap().is_empty(), "cards are per platform");
    }
}
