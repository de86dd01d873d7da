//! Answers (the first one per member and post stands), reveals with their tally and the
//! streaks they update, and leaderboards.

use rusqlite::{params, OptionalExtension};

use super::{Store, StoreError};

/// What happened to an answer write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerWrite {
    /// First answer of this user to this post: recorded.
    Recorded,
    /// The user had answered already; the first answer stands.
    AlreadyAnswered { choice: usize },
    /// The post was revealed before the answer could be written: not recorded.
    Closed,
    /// There is no such post: not recorded.
    NoSuchPost,
    /// The post was retired (its citation went stale): not recorded.
    Retired,
}

/// A revealed post's answers, counted in the transaction that closed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub answered: usize,
    pub correct: usize,
}

/// One line of a leaderboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    pub user: String,
    pub correct: u32,
    pub answered: u32,
    pub streak: u32,
    pub best_streak: u32,
}

impl Store {
    /// Records a user's answer; the first answer per user and post stands. The post's state is
    /// read in the same transaction, so an answer can never land on a post that a concurrent
    /// reveal has closed (it would count on the leaderboard but not in the reveal).
    pub fn record_answer(
        &self,
        post_id: i64,
        user: &str,
        choice: usize,
        correct: bool,
        now: i64,
    ) -> Result<AnswerWrite, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let state: Option<(String, Option<String>)> = tx
            .query_row("SELECT state, retired FROM quiz_posts WHERE id = ?1", params![post_id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let earlier: Option<i64> = tx
            .query_row(
                "SELECT choice FROM answers WHERE post_id = ?1 AND user_id = ?2",
                params![post_id, user],
                |r| r.get(0),
            )
            .optional()?;
        match (state, earlier) {
            (None, _) => return Ok(AnswerWrite::NoSuchPost),
            (Some((_, Some(_))), _) => return Ok(AnswerWrite::Retired),
            // A member who answered is told their answer, before or after the reveal (a review
            // is revealed as soon as it is answered).
            (Some(_), Some(choice)) => return Ok(AnswerWrite::AlreadyAnswered { choice: choice as usize }),
            (Some((state, None)), None) if state == "open" => {}
            (Some(_), None) => return Ok(AnswerWrite::Closed),
        }
        // The transaction is immediate and found no earlier answer: the insert cannot conflict.
        tx.execute(
            "INSERT INTO answers (post_id, user_id, choice, correct, answered_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![post_id, user, choice as i64, correct, now],
        )?;
        tx.commit()?;
        Ok(AnswerWrite::Recorded)
    }

    /// Every answer to a post: (user, choice, correct).
    pub fn answers(&self, post_id: i64) -> Result<Vec<(String, usize, bool)>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT user_id, choice, correct FROM answers WHERE post_id = ?1 ORDER BY answered_at, user_id",
        )?;
        let rows =
            stmt.query_map(params![post_id], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as usize, r.get(2)?)))?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Closes a post and updates the channel's streaks, in one transaction; returns its answers
    /// counted in that transaction (so the reveal's count is exactly what was scored). `None`
    /// when the post was already revealed (so a reveal after a restart is not counted twice).
    pub fn reveal(&self, post_id: i64) -> Result<Option<Tally>, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let (answered, correct): (i64, i64) = tx.query_row(
            "SELECT COUNT(*), COALESCE(SUM(correct), 0) FROM answers WHERE post_id = ?1",
            params![post_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let share = (answered > 0).then(|| correct as f64 / answered as f64);
        let changed = tx.execute(
            "UPDATE quiz_posts SET state = 'revealed', correct_share = ?2 WHERE id = ?1 AND state = 'open'",
            params![post_id, share],
        )?;
        if changed == 0 {
            return Ok(None);
        }
        let (platform, channel): (String, String) =
            tx.query_row("SELECT platform, channel FROM quiz_posts WHERE id = ?1", params![post_id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        rebuild_streaks(&tx, &platform, &channel)?;
        tx.commit()?;
        Ok(Some(Tally { answered: answered as usize, correct: correct as usize }))
    }

    /// How many members chose each choice of a post, by choice index (`choices` long), and who
    /// got it right first (by answer time).
    pub fn spread(&self, post_id: i64, choices: usize) -> Result<(Vec<usize>, Option<String>), StoreError> {
        let conn = self.conn();
        let mut counts = vec![0; choices];
        let mut stmt =
            conn.prepare("SELECT choice, COUNT(*) FROM answers WHERE post_id = ?1 GROUP BY choice")?;
        let rows = stmt.query_map(params![post_id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?;
        for row in rows {
            let (choice, n) = row?;
            if let Some(count) = usize::try_from(choice).ok().and_then(|c| counts.get_mut(c)) {
                *count = n as usize;
            }
        }
        let first = conn
            .query_row(
                "SELECT user_id FROM answers WHERE post_id = ?1 AND correct = 1 ORDER BY answered_at, rowid LIMIT 1",
                params![post_id],
                |r| r.get(0),
            )
            .optional()?;
        Ok((counts, first))
    }

    /// The channel's leaderboard over counted posts (revealed, not voided by reports, not retired)
    /// since `since` (all time when `None`), best first. A streak counts only if the user
    /// answered the channel's latest counted post.
    pub fn leaderboard(
        &self,
        platform: &str,
        channel: &str,
        since: Option<i64>,
        limit: usize,
    ) -> Result<Vec<Standing>, StoreError> {
        let conn = self.conn();
        let latest: Option<i64> = conn.query_row(
            &format!("SELECT MAX(id) FROM quiz_posts p WHERE platform = ?1 AND channel = ?2 AND {COUNTED}"),
            params![platform, channel],
            |r| r.get(0),
        )?;
        let mut stmt = conn.prepare(&format!(
            "SELECT a.user_id, SUM(a.correct), COUNT(*),
                    COALESCE(MAX(CASE WHEN s.last_post_id = ?4 THEN s.current END), 0), COALESCE(MAX(s.best), 0)
             FROM answers a
             JOIN quiz_posts p ON p.id = a.post_id
             LEFT JOIN streaks s ON s.platform = p.platform AND s.channel = p.channel AND s.user_id = a.user_id
             WHERE p.platform = ?1 AND p.channel = ?2 AND {COUNTED} AND p.posted_at >= ?3
             GROUP BY a.user_id
             ORDER BY SUM(a.correct) DESC, COUNT(*) ASC, a.user_id
             LIMIT ?5"
        ))?;
        let rows = stmt.query_map(
            params![platform, channel, since.unwrap_or(i64::MIN), latest, limit as i64],
            |r| {
                Ok(Standing {
                    user: r.get(0)?,
                    correct: r.get::<_, i64>(1)? as u32,
                    answered: r.get::<_, i64>(2)? as u32,
                    streak: r.get::<_, i64>(3)? as u32,
                    best_streak: r.get::<_, i64>(4)? as u32,
                })
            },
        )?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }
}

/// The SQL condition (over `quiz_posts p`) for a post that counts for scores and streaks:
/// revealed, its question not voided by reports, the post not retired because the notes changed.
pub(super) const COUNTED: &str = "p.state = 'revealed' AND p.retired IS NULL
    AND p.question_id NOT IN (SELECT question_id FROM voided)";

/// Recomputes a channel's streaks from its counted posts, oldest first: a correct answer extends
/// the member's streak when they also answered the channel's previous counted post, a wrong one
/// ends it. Run at every reveal and when a question is voided or restored, so the streaks always
/// agree with what counts.
pub(super) fn rebuild_streaks(
    tx: &rusqlite::Transaction,
    platform: &str,
    channel: &str,
) -> Result<(), StoreError> {
    let rows: Vec<(i64, Option<String>, Option<bool>)> = {
        let mut stmt = tx.prepare(&format!(
            "SELECT p.id, a.user_id, a.correct FROM quiz_posts p LEFT JOIN answers a ON a.post_id = p.id
             WHERE p.platform = ?1 AND p.channel = ?2 AND {COUNTED} ORDER BY p.id, a.answered_at"
        ))?;
        let rows = stmt.query_map(params![platform, channel], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    // member → (current, best, last counted post they answered)
    let mut streaks: std::collections::BTreeMap<String, (i64, i64, i64)> = Default::default();
    let (mut previous, mut at) = (None, None);
    for (post, user, correct) in rows {
        if at != Some(post) {
            previous = at;
            at = Some(post);
        }
        let (Some(user), Some(correct)) = (user, correct) else { continue };
        let (current, best, last) = streaks.entry(user).or_insert((0, 0, 0));
        *current = match (correct, previous == Some(*last)) {
            (false, _) => 0,
            (true, true) => *current + 1,
            (true, false) => 1,
        };
        *best = (*best).max(*current);
        *last = post;
    }
    tx.execute("DELETE FROM streaks WHERE platform = ?1 AND channel = ?2", params![platform, channel])?;
    for (user, (current, best, last)) in streaks {
        tx.execute(
            "INSERT INTO streaks (platform, channel, user_id, current, best, last_post_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![platform, channel, user, current, best, last],
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::testing::{post, question};
    use super::*;

    #[test]
    fn the_spread_counts_each_choice_and_names_the_first_right() {
        let store = Store::open_in_memory().unwrap();
        let q = question();
        let id = store.claim_post(&post(&q, None)).unwrap().unwrap();
        store.record_answer(id, "late", 2, true, 9).unwrap();
        store.record_answer(id, "wrong", 0, false, 1).unwrap();
        store.record_answer(id, "early", 2, true, 5).unwrap();
        assert_eq!(store.spread(id, 4).unwrap(), (vec![1, 0, 2, 0], Some("early".to_string())));
        let empty = store.claim_post(&post(&q, None)).unwrap().unwrap();
        assert_eq!(store.spread(empty, 3).unwrap(), (vec![0, 0, 0], None));
    }

    #[test]
    fn first_answer_stands() {
        let store = Store::open_in_memory().unwrap();
        let q = question();
        let id = store.claim_post(&post(&q, None)).unwrap().unwrap();
        assert_eq!(store.record_answer(id, "u", 1, false, 5).unwrap(), AnswerWrite::Recorded);
        assert_eq!(
            store.record_answer(id, "u", 2, true, 6).unwrap(),
            AnswerWrite::AlreadyAnswered { choice: 1 }
        );
        assert_eq!(store.answers(id).unwrap(), vec![("u".to_string(), 1, false)]);
    }

    #[test]
    fn reveal_is_counted_once_and_streaks_follow_consecutive_posts() {
        let store = Store::open_in_memory().unwrap();
        let q = question();
        let mut ids = Vec::new();
        for correct in [true, true, false, true] {
            let id = store.claim_post(&post(&q, None)).unwrap().unwrap();
            store.record_answer(id, "alice", 2, correct, 1).unwrap();
            let tally = store.reveal(id).unwrap();
            assert_eq!(tally, Some(Tally { answered: 1, correct: usize::from(correct) }));
            assert_eq!(store.reveal(id).unwrap(), None, "second reveal is a no-op");
            ids.push(id);
        }
        let board = store.leaderboard("discord", "c1", None, 10).unwrap();
        assert_eq!(
            board[0],
            Standing { user: "alice".into(), correct: 3, answered: 4, streak: 1, best_streak: 2 }
        );
    }

    #[test]
    fn an_answer_after_the_reveal_is_refused_and_not_scored() {
        let store = Store::open_in_memory().unwrap();
        let q = question();
        let id = store.claim_post(&post(&q, None)).unwrap().unwrap();
        store.record_answer(id, "alice", 2, true, 1).unwrap();
        assert_eq!(store.reveal(id).unwrap(), Some(Tally { answered: 1, correct: 1 }));
        assert_eq!(store.record_answer(id, "bob", 2, true, 2).unwrap(), AnswerWrite::Closed);
        assert_eq!(store.record_answer(999, "bob", 2, true, 2).unwrap(), AnswerWrite::NoSuchPost);
        assert_eq!(store.answers(id).unwrap().len(), 1);
        let board = store.leaderboard("discord", "c1", None, 10).unwrap();
        assert_eq!(board.iter().map(|s| s.user.as_str()).collect::<Vec<_>>(), ["alice"]);
    }
}
