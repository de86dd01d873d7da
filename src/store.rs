//! The bot's state in one SQLite file: quiz posts, answers, streaks. WAL journal with
//! `synchronous = FULL`, so an answer is on disk once its write returns (a `kill -9` or a power
//! cut right after loses nothing that was acknowledged). Migrations are embedded and applied in
//! order on open, tracked with `PRAGMA user_version`.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension};

use crate::quiz::Question;

/// One schema upgrade: SQL, or code for what SQL cannot say.
enum Migration {
    Sql(&'static str),
    Code(fn(&rusqlite::Transaction) -> Result<(), StoreError>),
}

/// Each entry upgrades the schema by one version; never edit one that has shipped.
const MIGRATIONS: &[Migration] = &[
    // 1: quiz posts, answers, streaks.
    Migration::Sql(
        "CREATE TABLE quiz_posts (
        id INTEGER PRIMARY KEY,
        platform TEXT NOT NULL,
        channel TEXT NOT NULL,
        message_id TEXT,
        question_id TEXT NOT NULL,
        question_json TEXT NOT NULL,
        slot TEXT,
        posted_at INTEGER NOT NULL,
        reveal_at INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('open', 'revealed')),
        correct_share REAL,
        UNIQUE (platform, channel, slot)
    );
    CREATE INDEX quiz_posts_open ON quiz_posts (state, reveal_at);
    CREATE INDEX quiz_posts_channel ON quiz_posts (platform, channel, id);
    CREATE TABLE answers (
        post_id INTEGER NOT NULL REFERENCES quiz_posts (id),
        user_id TEXT NOT NULL,
        choice INTEGER NOT NULL,
        correct INTEGER NOT NULL,
        answered_at INTEGER NOT NULL,
        PRIMARY KEY (post_id, user_id)
    );
    CREATE TABLE streaks (
        platform TEXT NOT NULL,
        channel TEXT NOT NULL,
        user_id TEXT NOT NULL,
        current INTEGER NOT NULL,
        best INTEGER NOT NULL,
        last_post_id INTEGER NOT NULL,
        PRIMARY KEY (platform, channel, user_id)
    );",
    ),
    // 2: schedules added in chat with `/schedule add` (the config's live in the config file).
    Migration::Sql(
        "CREATE TABLE schedules (
        id INTEGER PRIMARY KEY,
        platform TEXT NOT NULL,
        channel TEXT NOT NULL,
        cron TEXT NOT NULL,
        timezone TEXT NOT NULL,
        reveal_after_secs INTEGER NOT NULL,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL
    );
    CREATE INDEX schedules_channel ON schedules (platform, channel);",
    ),
    // 3: slot keys in whole seconds. Version 0.1.0 wrote the wake-up's fraction of a second into
    // the key, so one slot could be stored under several keys; an upgraded store must still see
    // its last slot as posted.
    Migration::Code(normalize_slot_keys),
];

/// Ways the store fails.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database file could not be created or opened (missing directory, read-only disk…).
    #[error("cannot open the store {path}: {source}")]
    Open {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    /// The directory for the database could not be created.
    #[error("cannot create the directory for the store {path}: {source}")]
    Directory {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A query failed (disk full, read-only file, corruption).
    #[error("store error: {0}")]
    Sql(#[from] rusqlite::Error),
    /// A question could not be written as JSON (it is never stored half-written).
    #[error("cannot encode the question {id} for the store: {source}")]
    Encode {
        id: String,
        #[source]
        source: serde_json::Error,
    },
    /// A stored question could not be read back.
    #[error("stored question for post {post} is unreadable: {source}")]
    Question {
        post: i64,
        #[source]
        source: serde_json::Error,
    },
}

/// A quiz post to record.
#[derive(Debug, Clone)]
pub struct NewPost<'a> {
    pub platform: &'a str,
    pub channel: &'a str,
    pub question: &'a Question,
    /// The schedule slot this post fills (`<schedule>@<RFC 3339 time>`); `None` for personal quizzes.
    pub slot: Option<String>,
    pub posted_at: i64,
    pub reveal_at: i64,
}

/// A recorded quiz post.
#[derive(Debug, Clone, PartialEq)]
pub struct Post {
    pub id: i64,
    pub platform: String,
    pub channel: String,
    pub message_id: Option<String>,
    pub question: Question,
    pub slot: Option<String>,
    pub posted_at: i64,
    pub reveal_at: i64,
    pub revealed: bool,
}

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

/// A schedule added in chat (`/schedule add`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSchedule {
    pub id: i64,
    pub platform: String,
    pub channel: String,
    pub cron: String,
    pub timezone: String,
    pub reveal_after_secs: u64,
    pub created_by: String,
}

/// The SQLite store; one connection behind a mutex (writes are small and rare).
pub struct Store {
    conn: Mutex<Connection>,
    path: PathBuf,
    /// Woken when `/schedule` adds or removes a schedule, so the scheduler re-plans at once.
    schedules_changed: tokio::sync::Notify,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|source| StoreError::Directory { path: dir.to_owned(), source })?;
        }
        let open = |source| StoreError::Open { path: path.to_owned(), source };
        let conn = Connection::open(path).map_err(open)?;
        Store::init(conn, path).map_err(|e| match e {
            StoreError::Sql(source) => StoreError::Open { path: path.to_owned(), source },
            other => other,
        })
    }

    /// A private in-memory store, for tests and the one-shot CLI.
    pub fn open_in_memory() -> Result<Store, StoreError> {
        Store::init(Connection::open_in_memory()?, Path::new(":memory:"))
    }

    fn init(mut conn: Connection, path: &Path) -> Result<Store, StoreError> {
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        migrate(&mut conn)?;
        Ok(Store {
            conn: Mutex::new(conn),
            path: path.to_owned(),
            schedules_changed: tokio::sync::Notify::new(),
        })
    }

    /// Where the database lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite half-written (each call is one
        // statement or transaction), so a poisoned lock is safe to reuse.
        self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The schema version (number of migrations applied).
    pub fn schema_version(&self) -> Result<usize, StoreError> {
        Ok(self.conn().query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))? as usize)
    }

    /// Records a post and returns its id. For a scheduled slot that was already recorded,
    /// returns `None`: the slot is claimed before anything is sent, so two processes or a
    /// restart never post it twice. The id comes from the INSERT itself (`RETURNING`), so a
    /// concurrent insert can never hand back another row's id.
    pub fn claim_post(&self, post: &NewPost) -> Result<Option<i64>, StoreError> {
        let json = serde_json::to_string(post.question)
            .map_err(|source| StoreError::Encode { id: post.question.id.clone(), source })?;
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
                    post.question.id,
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
    pub fn post(&self, id: i64) -> Result<Option<Post>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!("{POST_COLUMNS} WHERE id = ?1"))?;
        let row = stmt.query_row(params![id], raw_post).optional()?;
        row.map(RawPost::into_post).transpose()
    }

    /// Open posts whose reveal time has come, oldest first.
    pub fn due_reveals(&self, now: i64) -> Result<Vec<Post>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "{POST_COLUMNS} WHERE state = 'open' AND reveal_at <= ?1 ORDER BY reveal_at, id"
        ))?;
        let rows = stmt.query_map(params![now], raw_post)?.collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(RawPost::into_post).collect()
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

    /// Records a schedule added in chat; returns its id.
    pub fn add_schedule(&self, schedule: &StoredSchedule, now: i64) -> Result<i64, StoreError> {
        let conn = self.conn();
        conn.execute(
            "INSERT INTO schedules (platform, channel, cron, timezone, reveal_after_secs, created_by, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                schedule.platform,
                schedule.channel,
                schedule.cron,
                schedule.timezone,
                schedule.reveal_after_secs as i64,
                schedule.created_by,
                now
            ],
        )?;
        let id = conn.last_insert_rowid();
        drop(conn);
        self.schedules_changed.notify_one();
        Ok(id)
    }

    /// Removes schedule `id` of a channel; false when the channel has no such schedule.
    pub fn remove_schedule(&self, platform: &str, channel: &str, id: i64) -> Result<bool, StoreError> {
        let removed = self.conn().execute(
            "DELETE FROM schedules WHERE id = ?1 AND platform = ?2 AND channel = ?3",
            params![id, platform, channel],
        )?;
        if removed == 1 {
            self.schedules_changed.notify_one();
        }
        Ok(removed == 1)
    }

    /// Schedules added in chat, oldest first; only one channel's when `channel` is given.
    pub fn schedules(&self, channel: Option<(&str, &str)>) -> Result<Vec<StoredSchedule>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT id, platform, channel, cron, timezone, reveal_after_secs, created_by FROM schedules
             WHERE ?1 IS NULL OR (platform = ?1 AND channel = ?2) ORDER BY id",
        )?;
        let (platform, channel) = channel.unzip();
        let rows = stmt.query_map(params![platform, channel], |r| {
            Ok(StoredSchedule {
                id: r.get(0)?,
                platform: r.get(1)?,
                channel: r.get(2)?,
                cron: r.get(3)?,
                timezone: r.get(4)?,
                reveal_after_secs: r.get::<_, i64>(5)?.max(0) as u64,
                created_by: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Completes when `/schedule` has changed the schedules since the last wait.
    pub async fn schedules_changed(&self) {
        self.schedules_changed.notified().await
    }

    /// Moves the WAL into the main file, so a backup of the one file is complete (at shutdown).
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        self.conn().query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// Caps the database at `pages` pages (SQLite's `max_page_count`): past it every write fails
    /// as it would on a full disk. Tests use it to make the disk "full".
    pub fn cap_pages(&self, pages: u64) -> Result<(), StoreError> {
        self.conn().query_row(&format!("PRAGMA max_page_count = {pages}"), [], |_| Ok(()))?;
        Ok(())
    }

    /// The database's size in pages.
    pub fn page_count(&self) -> Result<u64, StoreError> {
        Ok(self.conn().query_row("PRAGMA page_count", [], |r| r.get::<_, i64>(0))?.max(0) as u64)
    }

    /// Runs SQLite's own consistency check; "ok" when the file is sound.
    pub fn integrity_check(&self) -> Result<String, StoreError> {
        Ok(self.conn().query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }
}

const POST_COLUMNS: &str =
    "SELECT id, platform, channel, message_id, question_json, slot, posted_at, reveal_at, state FROM quiz_posts";

struct RawPost {
    id: i64,
    platform: String,
    channel: String,
    message_id: Option<String>,
    question_json: String,
    slot: Option<String>,
    posted_at: i64,
    reveal_at: i64,
    state: String,
}

fn raw_post(r: &rusqlite::Row) -> rusqlite::Result<RawPost> {
    Ok(RawPost {
        id: r.get(0)?,
        platform: r.get(1)?,
        channel: r.get(2)?,
        message_id: r.get(3)?,
        question_json: r.get(4)?,
        slot: r.get(5)?,
        posted_at: r.get(6)?,
        reveal_at: r.get(7)?,
        state: r.get(8)?,
    })
}

impl RawPost {
    fn into_post(self) -> Result<Post, StoreError> {
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
        })
    }
}

fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    for (i, step) in MIGRATIONS.iter().enumerate().skip(version.max(0) as usize) {
        let tx = conn.transaction()?;
        match step {
            Migration::Sql(sql) => tx.execute_batch(sql)?,
            Migration::Code(run) => run(&tx)?,
        }
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

/// Migration 3: rewrites `schedule@2026-11-23T00:00:00.360346820+00:00` as
/// `schedule@2026-11-23T00:00:00+00:00`. When one slot was posted under several keys, the first
/// post keeps the slot and the others are marked `…#duplicate-<id>` (kept for the history).
fn normalize_slot_keys(tx: &rusqlite::Transaction) -> Result<(), StoreError> {
    let rows: Vec<(i64, String, String, String)> = {
        let mut stmt = tx.prepare(
            "SELECT id, platform, channel, slot FROM quiz_posts WHERE slot IS NOT NULL ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    let mut taken = std::collections::HashSet::new();
    for (id, platform, channel, slot) in rows {
        let normalized = normalized_slot_key(&slot);
        let key = if taken.insert((platform, channel, normalized.clone())) {
            normalized
        } else {
            format!("{normalized}#duplicate-{id}")
        };
        if key != slot {
            tx.execute("UPDATE quiz_posts SET slot = ?2 WHERE id = ?1", params![id, key])?;
        }
    }
    Ok(())
}

/// A slot key with its time in whole seconds; keys that do not end in an RFC 3339 time are
/// returned as they are.
fn normalized_slot_key(slot: &str) -> String {
    let Some((schedule, time)) = slot.rsplit_once('@') else { return slot.to_owned() };
    match chrono::DateTime::parse_from_rfc3339(time) {
        Ok(t) => {
            let t = crate::quiz::schedule::whole_seconds(t.with_timezone(&chrono::Utc));
            format!("{schedule}@{}", t.to_rfc3339_opts(chrono::SecondsFormat::Secs, false))
        }
        Err(_) => slot.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Citation;

    pub(crate) fn question() -> Question {
        Question {
            id: "q1".into(),
            question: "どれ？".into(),
            choices: vec!["a".into(), "b".into(), "c".into(), "d".into()],
            answer_index: 2,
            explanation: "c だから".into(),
            source: Citation { source: "n.txt".into(), path: vec!["x".into()], line_start: 1, line_end: 1 },
            kind: "term".into(),
            section_id: "s1".into(),
        }
    }

    fn post<'a>(q: &'a Question, slot: Option<&str>) -> NewPost<'a> {
        NewPost {
            platform: "discord",
            channel: "c1",
            question: q,
            slot: slot.map(str::to_owned),
            posted_at: 0,
            reveal_at: 100,
        }
    }

    #[test]
    fn migrations_apply_to_an_empty_file_and_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("shiori.db");
        let store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len());
        drop(store);
        let again = Store::open(&path).unwrap();
        assert_eq!(again.schema_version().unwrap(), MIGRATIONS.len());
        assert_eq!(again.integrity_check().unwrap(), "ok");
    }

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

    #[test]
    fn fractional_slot_keys_from_0_1_0_are_normalized_on_upgrade() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        {
            // A version-2 store as 0.1.0 left it: one slot posted three times under three keys.
            let mut conn = Connection::open(&path).unwrap();
            for step in &MIGRATIONS[..2] {
                let Migration::Sql(sql) = step else { unreachable!() };
                conn.execute_batch(sql).unwrap();
            }
            conn.pragma_update(None, "user_version", 2).unwrap();
            let tx = conn.transaction().unwrap();
            for (i, slot) in [
                "discord/c1/* * * * */UTC@2026-11-23T02:00:00.360346820+00:00",
                "discord/c1/* * * * */UTC@2026-11-23T02:00:00.361895116+00:00",
                "discord/c1/* * * * */UTC@2026-11-23T02:00:00.400000000+00:00",
                "discord/c1/* * * * */UTC@2026-11-23T02:01:00+00:00",
                "no time here",
            ]
            .iter()
            .enumerate()
            {
                tx.execute(
                    "INSERT INTO quiz_posts (platform, channel, question_id, question_json, slot, posted_at, reveal_at, state)
                     VALUES ('discord', 'c1', 'q', '{}', ?1, ?2, 0, 'open')",
                    params![slot, i as i64],
                )
                .unwrap();
            }
            tx.commit().unwrap();
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len());
        let slot = "discord/c1/* * * * */UTC@2026-11-23T02:00:00+00:00";
        assert!(store.slot_taken("discord", "c1", slot).unwrap(), "the last slot stays posted");
        assert!(store
            .slot_taken("discord", "c1", "discord/c1/* * * * */UTC@2026-11-23T02:01:00+00:00")
            .unwrap());
        assert!(store.slot_taken("discord", "c1", "no time here").unwrap());
        let conn = store.conn();
        let dups: i64 = conn
            .query_row("SELECT COUNT(*) FROM quiz_posts WHERE slot LIKE '%#duplicate-%'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(dups, 2, "the later copies are kept, marked");
    }
}
