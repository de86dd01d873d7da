//! `[[quiz.schedule]]`: when each channel gets its quiz, in the channel's time zone.
//!
//! Fire times come from croner (cron with seconds optional) evaluated in a chrono-tz zone, so
//! `0 9 * * 1-5` with `Asia/Tokyo` fires at 00:00 UTC on weekdays. Time comes from a [`Clock`]
//! so tests can drive a week of schedules in milliseconds.
//!
//! **Restarts.** Only the latest slot at or before now is ever considered. It is posted if no
//! post for it is recorded and it is at most `catch_up` old (default 1h); older missed slots are
//! skipped. So a restart just after a post posts nothing, a restart shortly after a missed slot
//! posts it once, and a long outage never floods the channel.

use std::str::FromStr;

use std::time::Duration;

use chrono::{DateTime, SecondsFormat, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use croner::Cron;
use serde::Deserialize;

/// The zone used when an entry names none.
pub const DEFAULT_TIMEZONE: &str = "Asia/Tokyo";
/// Longest `reveal_after` accepted.
const MAX_REVEAL_AFTER: Duration = Duration::from_secs(7 * 24 * 3600);

/// One `[[quiz.schedule]]` entry as written in the config.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleConfig {
    /// `discord` or `slack`.
    pub platform: String,
    /// The channel id to post in (a Discord id may be written bare or quoted).
    #[serde(deserialize_with = "channel_text")]
    pub channel: String,
    /// Cron pattern: minute hour day-of-month month day-of-week (an optional seconds field first).
    pub cron: String,
    /// IANA time zone the pattern is read in.
    #[serde(default = "default_timezone")]
    pub timezone: String,
    /// How long after posting the answer is revealed.
    #[serde(with = "humantime_serde", default = "default_reveal_after")]
    pub reveal_after: Duration,
    /// How late a missed slot may still be posted after a restart.
    #[serde(with = "humantime_serde", default = "default_catch_up")]
    pub catch_up: Duration,
}

pub fn default_timezone() -> String {
    DEFAULT_TIMEZONE.to_owned()
}
pub fn default_reveal_after() -> Duration {
    Duration::from_secs(8 * 3600)
}
pub fn default_catch_up() -> Duration {
    Duration::from_secs(3600)
}

/// A channel id kept as text (Slack's are letters, Discord's digits), written quoted or bare.
fn channel_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Written {
        Bare(u64),
        Quoted(String),
    }
    Ok(match Written::deserialize(d)? {
        Written::Bare(id) => id.to_string(),
        Written::Quoted(text) => text,
    })
}

/// A schedule entry that is wrong; the message names the entry and the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("quiz.schedule[{index}].{key}: {message}")]
pub struct ScheduleError {
    pub index: usize,
    pub key: &'static str,
    pub message: String,
}

/// A validated schedule entry.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub platform: String,
    pub channel: String,
    pub cron: Cron,
    pub timezone: Tz,
    pub reveal_after: chrono::Duration,
    pub catch_up: chrono::Duration,
    /// Identifies the entry in slot keys: `platform/channel/cron/zone`.
    pub key: String,
}

impl Schedule {
    /// Validates entry number `index` (0-based, as in the error messages).
    pub fn from_config(index: usize, c: &ScheduleConfig) -> Result<Schedule, ScheduleError> {
        let err = |key, message: String| ScheduleError { index, key, message };
        if c.platform.trim().is_empty() {
            return Err(err("platform", "is empty".into()));
        }
        if c.channel.trim().is_empty() {
            return Err(err("channel", "is empty".into()));
        }
        let cron = Cron::from_str(&c.cron).map_err(|e| err("cron", format!("{:?}: {e}", c.cron)))?;
        let timezone: Tz = c
            .timezone
            .parse()
            .map_err(|_| err("timezone", format!("{:?} is not an IANA time zone", c.timezone)))?;
        if c.reveal_after.is_zero() || c.reveal_after > MAX_REVEAL_AFTER {
            return Err(err("reveal_after", "must be more than 0 and at most 7 days".into()));
        }
        let to_chrono = |d: Duration| chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX);
        Ok(Schedule {
            key: format!("{}/{}/{}/{}", c.platform, c.channel, c.cron, c.timezone),
            platform: c.platform.clone(),
            channel: c.channel.clone(),
            cron,
            timezone,
            reveal_after: to_chrono(c.reveal_after),
            catch_up: to_chrono(c.catch_up),
        })
    }

    /// A schedule added in chat (validated when it was added; checked again here).
    pub fn from_stored(s: &crate::store::StoredSchedule) -> Result<Schedule, ScheduleError> {
        Schedule::from_config(
            0,
            &ScheduleConfig {
                platform: s.platform.clone(),
                channel: s.channel.clone(),
                cron: s.cron.clone(),
                timezone: s.timezone.clone(),
                reveal_after: Duration::from_secs(s.reveal_after_secs),
                catch_up: default_catch_up(),
            },
        )
    }

    /// The latest fire time at or before `now`, in whole seconds.
    ///
    /// croner keeps the sub-second part of the time it is asked about, so `now` is truncated
    /// first: a wake-up at 09:00:00.36 and one at 09:00:10.71 must name the same slot.
    pub fn latest_slot(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let local = self.timezone.from_utc_datetime(&whole_seconds(now).naive_utc());
        self.cron.find_previous_occurrence(&local, true).ok().map(|t| whole_seconds(t.with_timezone(&Utc)))
    }

    /// The first fire time after `now`, in whole seconds.
    pub fn next_slot(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let local = self.timezone.from_utc_datetime(&whole_seconds(now).naive_utc());
        self.cron.find_next_occurrence(&local, false).ok().map(|t| whole_seconds(t.with_timezone(&Utc)))
    }

    /// The slot due now, if any: the latest fire time, when it is recent enough to post.
    pub fn due_slot(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.latest_slot(now).filter(|slot| now - *slot <= self.catch_up)
    }

    /// The key a slot is recorded under, so it is posted once: the schedule's key and the slot
    /// in RFC 3339 with whole seconds (`…@2026-11-23T00:00:00+00:00`).
    pub fn slot_key(&self, slot: DateTime<Utc>) -> String {
        format!("{}@{}", self.key, whole_seconds(slot).to_rfc3339_opts(SecondsFormat::Secs, false))
    }
}

/// `t` without its fraction of a second. Slots are whole seconds (cron has no finer field).
pub fn whole_seconds(t: DateTime<Utc>) -> DateTime<Utc> {
    t.with_nanosecond(0).unwrap_or(t)
}

/// Where time comes from.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock tests set by hand.
#[cfg(any(test, feature = "test-util"))]
#[derive(Debug)]
pub struct ManualClock(std::sync::Mutex<DateTime<Utc>>);

#[cfg(any(test, feature = "test-util"))]
impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> ManualClock {
        ManualClock(std::sync::Mutex::new(start))
    }
    pub fn set(&self, t: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = t;
    }
    pub fn advance(&self, by: chrono::Duration) {
        let mut t = self.0.lock().unwrap_or_else(|p| p.into_inner());
        *t += by;
    }
}

#[cfg(any(test, feature = "test-util"))]
impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(cron: &str) -> ScheduleConfig {
        ScheduleConfig {
            platform: "discord".into(),
            channel: "123".into(),
            cron: cron.into(),
            timezone: default_timezone(),
            reveal_after: default_reveal_after(),
            catch_up: default_catch_up(),
        }
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn tokyo_nine_is_midnight_utc() {
        let s = Schedule::from_config(0, &config("0 9 * * 1-5")).unwrap();
        // 2026-11-23 is a Monday.
        assert_eq!(s.next_slot(utc("2026-11-22T12:00:00Z")), Some(utc("2026-11-23T00:00:00Z")));
        assert_eq!(s.latest_slot(utc("2026-11-23T00:00:00Z")), Some(utc("2026-11-23T00:00:00Z")));
        // Friday's slot is followed by Monday's.
        assert_eq!(s.next_slot(utc("2026-11-27T00:00:00Z")), Some(utc("2026-11-30T00:00:00Z")));
    }

    #[test]
    fn wake_ups_within_a_second_name_the_same_whole_second_slot() {
        let s = Schedule::from_config(0, &config("* * * * *")).unwrap();
        let slot = utc("2026-11-23T02:00:00Z");
        for wake in
            ["2026-11-23T02:00:00.360346820Z", "2026-11-23T02:00:00.361895116Z", "2026-11-23T02:00:10.999Z"]
        {
            assert_eq!(s.latest_slot(utc(wake)), Some(slot), "{wake}");
            assert_eq!(s.slot_key(s.latest_slot(utc(wake)).unwrap()), s.slot_key(slot));
        }
        assert!(s.slot_key(slot).ends_with("@2026-11-23T02:00:00+00:00"), "{}", s.slot_key(slot));
        assert_eq!(s.next_slot(utc("2026-11-23T02:00:00.36Z")), Some(utc("2026-11-23T02:01:00Z")));
        assert_eq!(s.next_slot(utc("2026-11-23T01:59:59.5Z")), Some(slot));
    }

    #[test]
    fn missed_slot_is_due_only_within_catch_up() {
        let s = Schedule::from_config(0, &config("0 9 * * 1-5")).unwrap();
        assert_eq!(s.due_slot(utc("2026-11-23T00:30:00Z")), Some(utc("2026-11-23T00:00:00Z")));
        assert_eq!(s.due_slot(utc("2026-11-23T02:00:00Z")), None);
    }

    #[test]
    fn bad_entries_name_index_and_key() {
        // An unknown platform is the config's to refuse (it knows the platforms): see
        // `config::tests::schedule_values_are_checked_and_named`.
        let cases: [(ScheduleConfig, &str); 4] = [
            (ScheduleConfig { cron: "0 25 * * *".into(), ..config("") }, "quiz.schedule[3].cron"),
            (
                ScheduleConfig { timezone: "Asia/Tokio".into(), ..config("0 9 * * *") },
                "quiz.schedule[3].timezone",
            ),
            (ScheduleConfig { channel: " ".into(), ..config("0 9 * * *") }, "quiz.schedule[3].channel"),
            (
                ScheduleConfig { reveal_after: Duration::ZERO, ..config("0 9 * * *") },
                "quiz.schedule[3].reveal_after",
            ),
        ];
        for (c, want) in cases {
            let e = Schedule::from_config(3, &c).unwrap_err().to_string();
            assert!(e.starts_with(want), "{e}");
        }
    }
}
