//! Leaderboard periods: this week (from Monday 00:00), this month (from the 1st), all time, in
//! the group's time zone.

use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};
use chrono_tz::Tz;

/// Which answers a leaderboard counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Period {
    #[default]
    Week,
    Month,
    AllTime,
}

impl Period {
    /// `week` / `month` / `all` (and the Japanese words members type); `None` for anything else.
    pub fn parse(text: &str) -> Option<Period> {
        match text.trim() {
            "" | "week" | "今週" | "週間" => Some(Period::Week),
            "month" | "今月" | "月間" => Some(Period::Month),
            "all" | "all_time" | "通算" => Some(Period::AllTime),
            _ => None,
        }
    }

    /// The board's title.
    pub fn title(self) -> &'static str {
        match self {
            Period::Week => "ランキング（今週）",
            Period::Month => "ランキング（今月）",
            Period::AllTime => "ランキング（通算）",
        }
    }
}

/// The 1st of the month holding `now`, 00:00 in `tz`.
pub fn month_start(now: DateTime<Utc>, tz: Tz) -> DateTime<Utc> {
    let local = now.with_timezone(&tz);
    let first = local.date_naive().with_day(1).unwrap_or(local.date_naive());
    let midnight = first.and_hms_opt(0, 0, 0).unwrap_or_default();
    tz.from_local_datetime(&midnight).earliest().map_or(now, |t| t.with_timezone(&Utc))
}

/// Monday 00:00 of the week holding `now`, in `tz`.
pub fn week_start(now: DateTime<Utc>, tz: Tz) -> DateTime<Utc> {
    let local = now.with_timezone(&tz);
    let monday = local.date_naive() - Duration::days(local.weekday().num_days_from_monday() as i64);
    let midnight = monday.and_hms_opt(0, 0, 0).unwrap_or_default();
    tz.from_local_datetime(&midnight).earliest().map_or(now, |t| t.with_timezone(&Utc))
}
