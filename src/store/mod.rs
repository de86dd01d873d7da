//! The bot's state in one SQLite file: quiz posts ([`posts`]), answers,
//! reveals and streaks ([`answers`]), schedules added in chat ([`schedules`]), and the schema
//! ([`migrate`]); answers given to `/ask` and members' feedback on them ([`asks`]); review cards,
//! members' answer history ([`learning`]), reports on questions and the questions they void
//! ([`reports`]). WAL journal with `synchronous = FULL`, so an answer is on disk once its write
//! returns (a `kill -9` or a power cut right after loses nothing that was acknowledged).
//! Migrations are embedded and applied in order on open, tracked with `PRAGMA user_version`.

mod answers;
mod asks;
mod learning;
mod migrate;
mod posts;
mod reports;
mod schedules;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::Connection;

pub use answers::{AnswerWrite, Standing, Tally};
pub use asks::{FeedbackCount, NewAsk, StoredAsk, Verdict};
pub use learning::{MemberAnswer, StoredCard};
pub use posts::{NewPost, Post};
pub use reports::{ReportReason, ReportSummary, ReportWrite};
pub use schedules::StoredSchedule;

/// What a post carries (a quiz question): kept as JSON, and found by its id.
pub trait Stored: serde::Serialize + serde::de::DeserializeOwned {
    /// The id `channel_history` reports, so a deck can tell what was asked.
    fn id(&self) -> &str;
}

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

/// The SQLite store; one connection behind a mutex (writes are small and rare).
pub struct Store {
    conn: Mutex<Connection>,
    path: PathBuf,
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
        migrate::migrate(&mut conn)?;
        Ok(Store { conn: Mutex::new(conn), path: path.to_owned() })
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

    /// Moves the WAL into the main file, so a backup of the one file is complete (at shutdown).
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        self.conn().query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// Caps the database at `pages` pages (SQLite's `max_page_count`): past it every write fails
    /// as it would on a full disk. Tests use it to make the disk "full".
    #[cfg(any(test, feature = "test-util"))]
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

#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// A stand-in for a quiz question: the store only keeps it as JSON.
    #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
    pub(crate) struct Question {
        pub id: String,
        pub text: String,
    }

    impl Stored for Question {
        fn id(&self) -> &str {
            &self.id
        }
    }

    pub(crate) fn question() -> Question {
        Question { id: "q1".into(), text: "どれ？".into() }
    }

    /// A post of `q` in channel c1 that `user` answered (right or not).
    pub(crate) fn answered_post(store: &Store, q: &Question, user: &str, correct: bool) -> i64 {
        let id = store.claim_post(&post(q, None)).unwrap().unwrap();
        store.record_answer(id, user, 0, correct, 1).unwrap();
        id
    }

    pub(crate) fn post<'a>(q: &'a Question, slot: Option<&str>) -> NewPost<'a, Question> {
        NewPost {
            platform: "discord",
            channel: "c1",
            question: q,
            slot: slot.map(str::to_owned),
            posted_at: 0,
            reveal_at: 100,
        }
    }
}
