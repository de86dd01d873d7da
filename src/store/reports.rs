//! Reports on questions (「問題を報告」, one per member and question) and the questions they
//! void: a voided question counts for no score or streak, is dealt by no deck and leaves every
//! review queue until an admin restores it.

use std::collections::HashSet;

use rusqlite::{params, OptionalExtension};

use super::answers::rebuild_streaks;
use super::{Store, StoreError};

/// Why a member reports a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportReason {
    /// 答えが違う: the marked answer is wrong.
    Wrong,
    /// 曖昧: more than one choice is defensible, or the question is unclear.
    Ambiguous,
    /// ノートが古い: the notes it is made from are out of date.
    Outdated,
}

impl ReportReason {
    pub const ALL: [ReportReason; 3] = [ReportReason::Wrong, ReportReason::Ambiguous, ReportReason::Outdated];

    /// As stored and in button ids.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportReason::Wrong => "wrong",
            ReportReason::Ambiguous => "ambiguous",
            ReportReason::Outdated => "outdated",
        }
    }

    /// As members read it.
    pub fn label(self) -> &'static str {
        match self {
            ReportReason::Wrong => "答えが違う",
            ReportReason::Ambiguous => "曖昧",
            ReportReason::Outdated => "ノートが古い",
        }
    }

    pub fn parse(s: &str) -> Option<ReportReason> {
        ReportReason::ALL.into_iter().find(|r| r.as_str() == s || r.label() == s)
    }
}

/// What a report did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportWrite {
    /// Recorded; `reports` open reports on the question now, and whether this one voided it.
    Recorded { reports: usize, voided: bool },
    /// The member had reported this question already (their first report stands).
    AlreadyReported,
    /// No such post.
    NoSuchPost,
}

/// A reported or voided question, for admins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportSummary {
    pub question_id: String,
    /// Open reports by reason, in [`ReportReason::ALL`] order.
    pub reasons: Vec<(ReportReason, usize)>,
    pub voided: bool,
    /// The latest post of the question (to show its text).
    pub post_id: Option<i64>,
}

impl Store {
    /// Records a member's report on the question of post `post_id`; at `threshold` open reports
    /// the question is voided, in the same transaction (so two reports at once void it once),
    /// and the streaks of every channel that asked it are recomputed.
    pub fn report(
        &self,
        post_id: i64,
        platform: &str,
        member: &str,
        reason: ReportReason,
        threshold: usize,
        now: i64,
    ) -> Result<ReportWrite, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let question: Option<String> = tx
            .query_row("SELECT question_id FROM quiz_posts WHERE id = ?1", params![post_id], |r| r.get(0))
            .optional()?;
        let Some(question) = question else { return Ok(ReportWrite::NoSuchPost) };
        let added = tx.execute(
            "INSERT OR IGNORE INTO reports (question_id, post_id, platform, member, reason, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![question, post_id, platform, member, reason.as_str(), now],
        )?;
        if added == 0 {
            return Ok(ReportWrite::AlreadyReported);
        }
        let reports: i64 = tx.query_row(
            "SELECT COUNT(*) FROM reports WHERE question_id = ?1 AND cleared = 0",
            params![question],
            |r| r.get(0),
        )?;
        let voided = reports as usize >= threshold.max(1)
            && tx.execute(
                "INSERT OR IGNORE INTO voided (question_id, at) VALUES (?1, ?2)",
                params![question, now],
            )? == 1;
        if voided {
            rebuild_streaks_of(&tx, &question)?;
        }
        tx.commit()?;
        Ok(ReportWrite::Recorded { reports: reports as usize, voided })
    }

    /// Puts a voided or reported question back: its reports are cleared (kept, marked) and it
    /// counts again. False when the question had neither.
    pub fn restore(&self, question_id: &str) -> Result<bool, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let cleared = tx.execute(
            "UPDATE reports SET cleared = 1 WHERE question_id = ?1 AND cleared = 0",
            params![question_id],
        )?;
        let unvoided = tx.execute("DELETE FROM voided WHERE question_id = ?1", params![question_id])?;
        if unvoided > 0 {
            rebuild_streaks_of(&tx, question_id)?;
        }
        tx.commit()?;
        Ok(cleared + unvoided > 0)
    }

    /// Questions with open reports or voided, most reported first.
    pub fn reports(&self) -> Result<Vec<ReportSummary>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT q.question_id, r.reason, COUNT(r.id),
                    q.question_id IN (SELECT question_id FROM voided),
                    (SELECT MAX(id) FROM quiz_posts WHERE question_id = q.question_id)
             FROM (SELECT question_id FROM reports WHERE cleared = 0 UNION SELECT question_id FROM voided) q
             LEFT JOIN reports r ON r.question_id = q.question_id AND r.cleared = 0
             GROUP BY q.question_id, r.reason",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, bool>(3)?,
                r.get::<_, Option<i64>>(4)?,
            ))
        })?;
        let mut out: Vec<ReportSummary> = Vec::new();
        for row in rows {
            let (question_id, reason, count, voided, post_id) = row?;
            let at = match out.iter().position(|s| s.question_id == question_id) {
                Some(at) => at,
                None => {
                    let reasons = ReportReason::ALL.iter().map(|r| (*r, 0)).collect();
                    out.push(ReportSummary { question_id, reasons, voided, post_id });
                    out.len() - 1
                }
            };
            if let Some(slot) = reason
                .and_then(|r| ReportReason::parse(&r))
                .and_then(|r| out[at].reasons.iter_mut().find(|s| s.0 == r))
            {
                slot.1 = count as usize;
            }
        }
        let total = |s: &ReportSummary| s.reasons.iter().map(|r| r.1).sum::<usize>();
        out.sort_by(|a, b| total(b).cmp(&total(a)).then_with(|| a.question_id.cmp(&b.question_id)));
        Ok(out)
    }

    /// Ids of the questions voided by reports.
    pub fn voided(&self) -> Result<HashSet<String>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT question_id FROM voided")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// Recomputes the streaks of every channel that posted `question_id`.
fn rebuild_streaks_of(tx: &rusqlite::Transaction, question_id: &str) -> Result<(), StoreError> {
    let channels: Vec<(String, String)> = {
        let mut stmt =
            tx.prepare("SELECT DISTINCT platform, channel FROM quiz_posts WHERE question_id = ?1")?;
        let rows = stmt.query_map(params![question_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    for (platform, channel) in channels {
        rebuild_streaks(tx, &platform, &channel)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Barrier};

    use super::super::testing::{answered_post, post, question, Question};
    use super::*;

    #[test]
    fn two_members_reporting_at_the_same_instant_void_the_question_exactly_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Store::open(&dir.path().join("s.db")).unwrap());
        for round in 0..20 {
            let q = Question { id: format!("q{round}"), text: "どれ？".into() };
            let id = store.claim_post(&post(&q, None)).unwrap().unwrap();
            let barrier = Arc::new(Barrier::new(2));
            let threads: Vec<_> = ["a", "b"]
                .into_iter()
                .map(|member| {
                    let (store, barrier) = (Arc::clone(&store), Arc::clone(&barrier));
                    std::thread::spawn(move || {
                        barrier.wait();
                        store.report(id, "discord", member, ReportReason::Wrong, 2, 5).unwrap()
                    })
                })
                .collect();
            let writes: Vec<ReportWrite> = threads.into_iter().map(|t| t.join().unwrap()).collect();
            let voided =
                writes.iter().filter(|w| matches!(w, ReportWrite::Recorded { voided: true, .. })).count();
            assert_eq!(voided, 1, "round {round}: {writes:?}");
            assert!(store.voided().unwrap().contains(&q.id));
        }
    }

    #[test]
    fn a_restored_question_counts_again_and_can_be_reported_anew() {
        let store = Store::open_in_memory().unwrap();
        let q = question();
        let id = answered_post(&store, &q, "alice", true);
        store.reveal(id).unwrap();
        assert_eq!(
            store.report(id, "discord", "x", ReportReason::Outdated, 1, 2).unwrap(),
            ReportWrite::Recorded { reports: 1, voided: true }
        );
        assert!(store.leaderboard("discord", "c1", None, 10).unwrap().is_empty());
        assert!(store.restore(&q.id).unwrap());
        assert_eq!(store.leaderboard("discord", "c1", None, 10).unwrap()[0].correct, 1);
        assert!(store.reports().unwrap().is_empty(), "cleared reports are not listed");
        // The same member may report it again after a restore.
        assert!(matches!(
            store.report(id, "discord", "x", ReportReason::Wrong, 2, 3).unwrap(),
            ReportWrite::Recorded { reports: 1, voided: false }
        ));
        assert!(!store.restore("q-never-reported").unwrap());
        assert_eq!(
            store.report(999, "discord", "x", ReportReason::Wrong, 2, 3).unwrap(),
            ReportWrite::NoSuchPost
        );
    }
}
