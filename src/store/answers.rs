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
        let state: Option<String> = tx
            .query_row("SELECT state FROM quiz_posts WHERE id = ?1", params![post_id], |r| r.get(0))
            .optional()?;
        match state.as_deref() {
            None => return Ok(AnswerWrite::NoSuchPost),
            Some("open") => {}
            Some(_) => return Ok(AnswerWrite::Closed),
        }
        let changed = tx.execute(
            "INSERT OR IGNORE INTO answers (post_id, user_id, choice, correct, answered_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![post_id, user, choice as i64, correct, now],
        )?;
        let write = if changed == 1 {
            AnswerWrite::Recorded
        } else {
            let choice: i64 = tx.query_row(
                "SELECT choice FROM answers WHERE post_id = ?1 AND user_id = ?2",
                params![post_id, user],
                |r| r.get(0),
            )?;
            AnswerWrite::AlreadyAnswered { choice: choice as usize }
        };
        tx.commit()?;
        Ok(write)
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
        // The channel's previous revealed post: a streak continues only from it.
        let previous: Option<i64> = tx.query_row(
            "SELECT MAX(id) FROM quiz_posts WHERE platform = ?1 AND channel = ?2 AND state = 'revealed' AND id < ?3",
            params![platform, channel, post_id],
            |r| r.get(0),
        )?;
        let results: Vec<(String, bool)> = {
            let mut stmt = tx.prepare("SELECT user_id, correct FROM answers WHERE post_id = ?1")?;
            let rows = stmt.query_map(params![post_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<Result<Vec<_>, _>>()?
        };
        for (user, correct) in results {
            let (current, best, last): (i64, i64, i64) = tx
                .query_row(
                    "SELECT current, best, last_post_id FROM streaks WHERE platform = ?1 AND channel = ?2 AND user_id = ?3",
                    params![platform, channel, user],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?
                .unwrap_or((0, 0, 0));
            let continues = previous == Some(last);
            let current = if !correct {
                0
            } else if continues {
                current + 1
            } else {
                1
            };
            tx.execute(
                "INSERT INTO streaks (platform, channel, user_id, current, best, last_post_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (platform, channel, user_id) DO UPDATE SET current = ?4, best = ?5, last_post_id = ?6",
                params![platform, channel, user, current, best.max(current), post_id],
            )?;
        }
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

    /// The channel's leaderboard over revealed posts since `since` (all time when `None`), best first.
    /// A streak counts only if the user answered the channel's latest revealed post.
    pub fn leaderboard(
        &self,
        platform: &str,
        channel: &str,
        since: Option<i64>,
        limit: usize,
    ) -> Result<Vec<Standing>, StoreError> {
        let conn = self.conn();
        let latest: Option<i64> = conn.query_row(
            "SELECT MAX(id) FROM quiz_posts WHERE platform = ?1 AND channel = ?2 AND state = 'revealed'",
            params![platform, channel],
            |r| r.get(0),
        )?;
        let mut stmt = conn.prepare(
            "SELECT a.user_id, SUM(a.correct), COUNT(*),
                    COALESCE(MAX(CASE WHEN s.last_post_id = ?4 THEN s.current END), 0), COALESCE(MAX(s.best), 0)
             FROM answers a
             JOIN quiz_posts p ON p.id = a.post_id
             LEFT JOIN streaks s ON s.platform = p.platform AND s.channel = p.channel AND s.user_id = a.user_id
             WHERE p.platform = ?1 AND p.channel = ?2 AND p.state = 'revealed' AND p.posted_at >= ?3
             GROUP BY a.user_id
             ORDER BY SUM(a.correct) DESC, COUNT(*) ASC, a.user_id
             LIMIT ?5",
        )?;
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
