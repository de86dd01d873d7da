//! Schedules added in chat (`/schedule add`); the config's live in the config file.

use rusqlite::params;

use super::{Store, StoreError};

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

impl Store {
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
        Ok(conn.last_insert_rowid())
    }

    /// Removes schedule `id` of a channel; false when the channel has no such schedule.
    pub fn remove_schedule(&self, platform: &str, channel: &str, id: i64) -> Result<bool, StoreError> {
        let removed = self.conn().execute(
            "DELETE FROM schedules WHERE id = ?1 AND platform = ?2 AND channel = ?3",
            params![id, platform, channel],
        )?;
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
}
