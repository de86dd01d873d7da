//! The schema, one migration per version, applied in order on open.

use rusqlite::{params, Connection};

use super::StoreError;

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
    // 4: answers given to `/ask` (so their buttons and follow-ups work after a restart), members'
    // feedback on them, and the install's salt for hashing member ids.
    Migration::Sql(
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE asks (
        id INTEGER PRIMARY KEY,
        platform TEXT NOT NULL,
        channel TEXT NOT NULL,
        member TEXT NOT NULL,
        question TEXT NOT NULL,
        section_id TEXT,
        citation TEXT,
        line_start INTEGER,
        line_end INTEGER,
        confident INTEGER NOT NULL,
        asked_at INTEGER NOT NULL
    );
    CREATE INDEX asks_member ON asks (platform, channel, member, id);
    CREATE TABLE feedback (
        ask_id INTEGER NOT NULL REFERENCES asks (id),
        member TEXT NOT NULL,
        verdict TEXT NOT NULL CHECK (verdict IN ('good', 'bad', 'wrong_source')),
        at INTEGER NOT NULL,
        PRIMARY KEY (ask_id, member)
    );",
    ),
    // 5: learning: each member's review cards (FSRS state as JSON, due time as its own column so
    // "due now" is an index range), reports on questions, questions voided by reports, and posts
    // retired because the notes changed under their citation.
    Migration::Sql(
        "CREATE TABLE review_cards (
        platform TEXT NOT NULL,
        member TEXT NOT NULL,
        question_id TEXT NOT NULL,
        card_json TEXT NOT NULL,
        due_at INTEGER NOT NULL,
        last_correct INTEGER NOT NULL,
        PRIMARY KEY (platform, member, question_id)
    );
    CREATE INDEX review_cards_due ON review_cards (platform, member, due_at);
    CREATE TABLE reports (
        id INTEGER PRIMARY KEY,
        question_id TEXT NOT NULL,
        post_id INTEGER,
        platform TEXT NOT NULL,
        member TEXT NOT NULL,
        reason TEXT NOT NULL CHECK (reason IN ('wrong', 'ambiguous', 'outdated')),
        at INTEGER NOT NULL,
        cleared INTEGER NOT NULL DEFAULT 0
    );
    CREATE UNIQUE INDEX reports_once ON reports (question_id, platform, member) WHERE cleared = 0;
    CREATE TABLE voided (
        question_id TEXT PRIMARY KEY,
        at INTEGER NOT NULL
    );
    ALTER TABLE quiz_posts ADD COLUMN retired TEXT;",
    ),
];

pub(super) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
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
            let t = chrono::Timelike::with_nanosecond(&t.with_timezone(&chrono::Utc), 0).unwrap_or(t.into());
            format!("{schedule}@{}", t.to_rfc3339_opts(chrono::SecondsFormat::Secs, false))
        }
        Err(_) => slot.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::Store;
    use super::*;

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
