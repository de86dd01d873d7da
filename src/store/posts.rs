//! Quiz posts: claimed (a slot at most once), looked up, due for reveal, a channel's history.

use rusqlite::{params, OptionalExtension};

use super::{Store, StoreError, Stored};

/// A quiz post to record.
#[derive(Debug, Clone)]
pub struct NewPost<'a, Q> {
    pub platform: &'a str,
    pub channel: &'a str,
    pub question: &'a Q,
    /// The schedule slot this post fills (`<schedule>@<RFC 3339 time>`); `None` for personal quizzes.
    pub slot: Option<String>,
    pub posted_at: i64,
    pub reveal_at: i64,
}

/// A recorded quiz post.
#[derive(Debug, Clone, PartialEq)]
pub struct Post<Q> {
    pub id: i64,
    pub platform: String,
    pub channel: String,
    pub message_id: Option<String>,
    pub question: Q,
    pub slot: Option<String>,
    pub posted_at: i64,
    pub reveal_at: i64,
    pub revealed: bool,
    /// Why the post no longer counts (`stale`: the notes changed under its citation); `None`
    /// for a post that counts.
    pub retired: Option<String>,
}

impl Store {
    /// Records a post and returns its id. For a scheduled slot that was already recorded,
    /// returns `None`: the slot is claimed before anything is sent, so two processes or a
    /// restart never post it twice. The id comes from the INSERT itself (`RETURNING`), so a
    /// concurrent insert can never hand back another row's id.
    pub fn claim_post<Q: Stored>(&self, post: &NewPost<Q>) -> Result<Option<i64>, StoreError> {
        let json = serde_json::to_string(post.question)
            .map_err(|source| StoreError::Encode { id: post.question.id().to_owned(), source })?;
        let id = self
            .conn()
            .query_row(
                "INSERT OR IGNORE INTO quiz_posts
                    (platform, channel, question_id, question_json, slot, posted_at, reveal_at, state)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'open')
                 RETURNING id",
                params![
                    post.platform,
                    post.channel,
                    post.question.id(),
                    json,
                    post.slot,
                    post.posted_at,
                    post.reveal_at
                ],
                |r| r.get(0),
            )
            .optional()?;
        Ok(id)
    }

    /// Remembers the platform's id for a post's message (to edit it on reveal).
    pub fn set_message_id(&self, post_id: i64, message_id: &str) -> Result<(), StoreError> {
        self.conn()
            .execute("UPDATE quiz_posts SET message_id = ?2 WHERE id = ?1", params![post_id, message_id])?;
        Ok(())
    }

    /// Whether a slot has been posted.
    pub fn slot_taken(&self, platform: &str, channel: &str, slot: &str) -> Result<bool, StoreError> {
        let found: Option<i64> = self
            .conn()
            .query_row(
                "SELECT id FROM quiz_posts WHERE platform = ?1 AND channel = ?2 AND slot = ?3",
                params![platform, channel, slot],
                |r| r.get(0),
            )
            .optional()?;
        Ok(found.is_some())
    }

    /// A post by id.
    pub fn post<Q: Stored>(&self, id: i64) -> Result<Option<Post<Q>>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!("SELECT {POST_FIELDS} FROM quiz_posts p WHERE id = ?1"))?;
        let row = stmt.query_row(params![id], raw_post).optional()?;
        row.map(RawPost::into_post).transpose()
    }

    /// Open posts whose reveal time has come, oldest first.
    pub fn due_reveals<Q: Stored>(&self, now: i64) -> Result<Vec<Post<Q>>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {POST_FIELDS} FROM quiz_posts p WHERE state = 'open' AND reveal_at <= ?1 ORDER BY reveal_at, id"
        ))?;
        let rows = stmt.query_map(params![now], raw_post)?.collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(RawPost::into_post).collect()
    }

    /// Every open post, oldest first (to check their citations after the notes changed).
    pub fn open_posts<Q: Stored>(&self) -> Result<Vec<Post<Q>>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare(&format!("SELECT {POST_FIELDS} FROM quiz_posts p WHERE state = 'open' ORDER BY id"))?;
        let rows = stmt.query_map([], raw_post)?.collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(RawPost::into_post).collect()
    }

    /// Retires an open post for `reason`: it no longer takes answers or counts, and it is due
    /// for its reveal at `now` (so the platform replaces it with a notice). False when the post
    /// was not open.
    pub fn retire_post(&self, post_id: i64, reason: &str, now: i64) -> Result<bool, StoreError> {
        let changed = self.conn().execute(
            "UPDATE quiz_posts SET retired = ?2, reveal_at = MIN(reveal_at, ?3) WHERE id = ?1 AND state = 'open'",
            params![post_id, reason, now],
        )?;
        Ok(changed == 1)
    }

    /// The earliest reveal still to come, if any.
    pub fn next_reveal_at(&self) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn()
            .query_row("SELECT MIN(reveal_at) FROM quiz_posts WHERE state = 'open'", [], |r| r.get(0))?)
    }

    /// A channel's posted question ids, oldest first, with the share who got each right (once revealed).
    pub fn channel_history(
        &self,
        platform: &str,
        channel: &str,
    ) -> Result<Vec<(String, Option<f64>)>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT question_id, correct_share FROM quiz_posts WHERE platform = ?1 AND channel = ?2 ORDER BY id",
        )?;
        let rows = stmt.query_map(params![platform, channel], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }
}

/// A post's columns over `quiz_posts p`, in the order [`raw_post_at`] reads them.
pub(super) const POST_FIELDS: &str =
    "p.id, p.platform, p.channel, p.message_id, p.question_json, p.slot, p.posted_at, p.reveal_at, p.state, p.retired";

pub(super) struct RawPost {
    id: i64,
    platform: String,
    channel: String,
    message_id: Option<String>,
    question_json: String,
    slot: Option<String>,
    posted_at: i64,
    reveal_at: i64,
    state: String,
    retired: Option<String>,
}

pub(super) fn raw_post(r: &rusqlite::Row) -> rusqlite::Result<RawPost> {
    raw_post_at(r, 0)
}

/// A post's columns, [`POST_FIELDS`]' order, read from column `at` on.
pub(super) fn raw_post_at(r: &rusqlite::Row, at: usize) -> rusqlite::Result<RawPost> {
    Ok(RawPost {
        id: r.get(at)?,
        platform: r.get(at + 1)?,
        channel: r.get(at + 2)?,
        message_id: r.get(at + 3)?,
        question_json: r.get(at + 4)?,
        slot: r.get(at + 5)?,
        posted_at: r.get(at + 6)?,
        reveal_at: r.get(at + 7)?,
        state: r.get(at + 8)?,
        retired: r.get(at + 9)?,
    })
}

impl RawPost {
    pub(super) fn into_post<Q: Stored>(self) -> Result<Post<Q>, StoreError> {
        let question = serde_json::from_str(&self.question_json)
            .map_err(|source| StoreError::Question { post: self.id, source })?;
        Ok(Post {
            id: self.id,
            platform: self.platform,
            channel: self.channel,
            message_id: self.message_id,
            question,
            slot: self.slot,
            posted_at: self.posted_at,
            reveal_at: self.reveal_at,
            revealed: self.state == "revealed",
            retired: self.retired,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{post, question};
    use super::*;

    #[test]
    fn a_slot_is_claimed_once() {
        let store = Store::open_in_memory().unwrap();
        let q = question();
        assert!(store.claim_post(&post(&q, Some("s@1"))).unwrap().is_some());
        assert!(store.claim_post(&post(&q, Some("s@1"))).unwrap().is_none());
        assert!(store.slot_taken("discord", "c1", "s@1").unwrap());
        // Personal quizzes have no slot and never collide.
        assert!(store.claim_post(&post(&q, None)).unwrap().is_some());
        assert!(store.claim_post(&post(&q, None)).unwrap().is_some());
    }
}
