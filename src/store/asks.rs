//! Answers given to `/ask`, kept so that their buttons (the whole section, related sections,
//! sharing, feedback) and follow-up questions work after a restart; members' feedback on them;
//! and the install's salt, with which member ids are hashed before they are stored.

use rusqlite::{params, OptionalExtension};

use super::{Store, StoreError};

/// An answer to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAsk<'a> {
    pub platform: &'a str,
    pub channel: &'a str,
    /// The member, hashed ([`Store::member_key`]).
    pub member: &'a str,
    pub question: &'a str,
    /// The cited section, when the answer cited one.
    pub section_id: Option<&'a str>,
    /// The citation as shown (`aws-notes.txt › … (L138)`).
    pub citation: Option<&'a str>,
    pub lines: Option<(usize, usize)>,
    pub confident: bool,
    pub asked_at: i64,
}

/// A recorded answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAsk {
    pub id: i64,
    pub platform: String,
    pub channel: String,
    pub member: String,
    pub question: String,
    pub section_id: Option<String>,
    pub citation: Option<String>,
    pub lines: Option<(usize, usize)>,
    pub confident: bool,
    pub asked_at: i64,
}

/// What a member said about an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Verdict {
    /// 👍: it helped.
    Good,
    /// 👎: it did not.
    Bad,
    /// 「出典が違う」: the cited section is not where the answer is.
    WrongSource,
}

impl Verdict {
    pub const ALL: [Verdict; 3] = [Verdict::Good, Verdict::Bad, Verdict::WrongSource];

    /// The name stored and used in metrics and button ids.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Good => "good",
            Verdict::Bad => "bad",
            Verdict::WrongSource => "wrong_source",
        }
    }

    pub fn from_name(name: &str) -> Option<Verdict> {
        Verdict::ALL.into_iter().find(|v| v.name() == name)
    }
}

/// An answer with how many members gave it each verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedbackCount {
    pub ask: StoredAsk,
    pub good: u32,
    pub bad: u32,
    pub wrong_source: u32,
}

const ASK_COLUMNS: &str =
    "SELECT id, platform, channel, member, question, section_id, citation, line_start, \
     line_end, confident, asked_at FROM asks";

fn stored_ask(r: &rusqlite::Row) -> rusqlite::Result<StoredAsk> {
    let (start, end): (Option<i64>, Option<i64>) = (r.get(7)?, r.get(8)?);
    Ok(StoredAsk {
        id: r.get(0)?,
        platform: r.get(1)?,
        channel: r.get(2)?,
        member: r.get(3)?,
        question: r.get(4)?,
        section_id: r.get(5)?,
        citation: r.get(6)?,
        lines: start.zip(end).map(|(s, e)| (s.max(0) as usize, e.max(0) as usize)),
        confident: r.get(9)?,
        asked_at: r.get(10)?,
    })
}

impl Store {
    /// The install's salt for hashing member ids: made once (random) and kept in the store.
    pub fn salt(&self) -> Result<String, StoreError> {
        let conn = self.conn();
        let fresh = format!("{:032x}", rand::random::<u128>());
        conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('member_salt', ?1)", params![fresh])?;
        Ok(conn.query_row("SELECT value FROM meta WHERE key = 'member_salt'", [], |r| r.get(0))?)
    }

    /// Records an answer; returns its id.
    pub fn record_ask(&self, ask: &NewAsk) -> Result<i64, StoreError> {
        let (start, end) = ask.lines.map(|(s, e)| (s as i64, e as i64)).unzip();
        Ok(self.conn().query_row(
            "INSERT INTO asks (platform, channel, member, question, section_id, citation, line_start, line_end, confident, asked_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id",
            params![
                ask.platform,
                ask.channel,
                ask.member,
                ask.question,
                ask.section_id,
                ask.citation,
                start,
                end,
                ask.confident,
                ask.asked_at
            ],
            |r| r.get(0),
        )?)
    }

    /// An answer by id.
    pub fn ask(&self, id: i64) -> Result<Option<StoredAsk>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!("{ASK_COLUMNS} WHERE id = ?1"))?;
        Ok(stmt.query_row(params![id], stored_ask).optional()?)
    }

    /// A member's latest answer in a channel given at or after `since`.
    pub fn latest_ask(
        &self,
        platform: &str,
        channel: &str,
        member: &str,
        since: i64,
    ) -> Result<Option<StoredAsk>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!(
            "{ASK_COLUMNS} WHERE platform = ?1 AND channel = ?2 AND member = ?3 AND asked_at >= ?4
             ORDER BY id DESC LIMIT 1"
        ))?;
        Ok(stmt.query_row(params![platform, channel, member, since], stored_ask).optional()?)
    }

    /// Records a member's verdict on an answer (a later one replaces theirs); false when there is
    /// no such answer.
    pub fn record_feedback(
        &self,
        ask_id: i64,
        member: &str,
        verdict: Verdict,
        at: i64,
    ) -> Result<bool, StoreError> {
        let changed = self.conn().execute(
            "INSERT INTO feedback (ask_id, member, verdict, at) SELECT id, ?2, ?3, ?4 FROM asks WHERE id = ?1
             ON CONFLICT (ask_id, member) DO UPDATE SET verdict = ?3, at = ?4",
            params![ask_id, member, verdict.name(), at],
        )?;
        Ok(changed == 1)
    }

    /// Every answer that has feedback, with its counts, oldest first.
    pub fn feedback(&self) -> Result<Vec<FeedbackCount>, StoreError> {
        let conn = self.conn();
        let mut stmt =
            conn.prepare(&format!("{ASK_COLUMNS} WHERE id IN (SELECT ask_id FROM feedback) ORDER BY id"))?;
        let asks = stmt.query_map([], stored_ask)?.collect::<Result<Vec<_>, _>>()?;
        let mut counts =
            conn.prepare("SELECT verdict, COUNT(*) FROM feedback WHERE ask_id = ?1 GROUP BY verdict")?;
        let mut out = Vec::with_capacity(asks.len());
        for ask in asks {
            let mut count = FeedbackCount { ask, good: 0, bad: 0, wrong_source: 0 };
            let rows = counts
                .query_map(params![count.ask.id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
            for row in rows {
                let (verdict, n) = row?;
                match Verdict::from_name(&verdict) {
                    Some(Verdict::Good) => count.good = n as u32,
                    Some(Verdict::Bad) => count.bad = n as u32,
                    Some(Verdict::WrongSource) => count.wrong_source = n as u32,
                    None => {}
                }
            }
            out.push(count);
        }
        Ok(out)
    }

    /// A member id as stored: a digest of the install's salt, the platform and the id, so the
    /// file names no member.
    pub fn member_key(salt: &str, platform: &str, member: &str) -> String {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(format!("{salt}\n{platform}\n{member}").as_bytes());
        digest[..12].iter().map(|b| format!("{b:02x}")).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ask<'a>(member: &'a str, at: i64) -> NewAsk<'a> {
        NewAsk {
            platform: "discord",
            channel: "c1",
            member,
            question: "料金は？",
            section_id: Some("s1"),
            citation: Some("n.txt › x (L1)"),
            lines: Some((1, 3)),
            confident: true,
            asked_at: at,
        }
    }

    #[test]
    fn asks_are_kept_and_the_latest_in_a_window_is_found() {
        let store = Store::open_in_memory().unwrap();
        let first = store.record_ask(&ask("m1", 100)).unwrap();
        let second = store.record_ask(&ask("m1", 200)).unwrap();
        store.record_ask(&ask("m2", 300)).unwrap();
        assert_eq!(store.ask(first).unwrap().unwrap().lines, Some((1, 3)));
        assert_eq!(store.latest_ask("discord", "c1", "m1", 150).unwrap().unwrap().id, second);
        assert_eq!(store.latest_ask("discord", "c1", "m1", 201).unwrap(), None, "too old");
        assert_eq!(store.latest_ask("discord", "other", "m1", 0).unwrap(), None);
    }

    #[test]
    fn one_verdict_per_member_the_latest_standing() {
        let store = Store::open_in_memory().unwrap();
        let id = store.record_ask(&ask("m1", 100)).unwrap();
        assert!(store.record_feedback(id, "a", Verdict::Good, 1).unwrap());
        assert!(store.record_feedback(id, "a", Verdict::WrongSource, 2).unwrap());
        assert!(store.record_feedback(id, "b", Verdict::Bad, 3).unwrap());
        assert!(!store.record_feedback(999, "b", Verdict::Bad, 3).unwrap(), "no such answer");
        let counts = store.feedback().unwrap();
        assert_eq!((counts[0].good, counts[0].bad, counts[0].wrong_source), (0, 1, 1));
    }

    #[test]
    fn the_salt_is_made_once_and_member_keys_depend_on_it() {
        let store = Store::open_in_memory().unwrap();
        let salt = store.salt().unwrap();
        assert_eq!(store.salt().unwrap(), salt);
        assert_eq!(salt.len(), 32);
        let key = Store::member_key(&salt, "discord", "300000000000000001");
        assert_ne!(key, Store::member_key("other", "discord", "300000000000000001"));
        assert!(!key.contains("300000000000000001"));
    }
}
