//! `/schedule`: the channel's quiz schedules, listed, added and removed in chat by admins. Added
//! schedules live in the store and the scheduler reads them on every tick, so an edit takes
//! effect without a restart; the config's schedules are listed but changed only in the file.

use chrono::{DateTime, Utc};

use super::{store_failure, Bot, Context, QuizDesk, Reply};
use crate::quiz::game::{NewSchedule, Quizmaster};
use crate::quiz::schedule::Schedule;

/// What `/schedule` does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScheduleAction {
    /// The channel's schedules: the config's and those added in chat (with their ids).
    List,
    /// Adds a schedule for the channel; zone and reveal delay default like the config's.
    Add { cron: String, timezone: Option<String>, reveal_after: Option<String> },
    /// Removes a schedule added in chat.
    Remove { id: i64 },
}

impl ScheduleAction {
    /// Reads `/schedule` typed as text (Slack, the console): `list`,
    /// `add <5 or 6 cron fields> [time zone] [reveal after]`, `remove <id>`.
    pub fn parse(text: &str) -> Result<ScheduleAction, String> {
        let words: Vec<&str> = text.split_whitespace().collect();
        match words.as_slice() {
            [] | ["list"] => Ok(ScheduleAction::List),
            ["remove", id] => id
                .trim_start_matches('#')
                .parse()
                .map(|id| ScheduleAction::Remove { id })
                .map_err(|_| format!("{id:?} is not a schedule number")),
            ["add", rest @ ..] => {
                // Cron fields are digits and `*,-/?LW#` or names (MON, JAN); a zone has a `/` and
                // letters, or is UTC; a delay ends in a unit.
                let is_zone =
                    |w: &str| w.parse::<chrono_tz::Tz>().is_ok() && w.chars().any(char::is_alphabetic);
                let zone_at = rest.iter().position(|w| is_zone(w));
                let (cron, extra) = rest.split_at(zone_at.unwrap_or(rest.len()));
                let (cron, reveal_after) = match (zone_at, cron) {
                    // Without a zone, a last word like `8h` is the reveal delay.
                    (None, [fields @ .., last])
                        if fields.len() >= 5 && humantime::parse_duration(last).is_ok() =>
                    {
                        (fields.to_vec(), Some(last.to_string()))
                    }
                    _ => (cron.to_vec(), extra.get(1).map(|s| s.to_string())),
                };
                if !(5..=6).contains(&cron.len()) {
                    return Err("usage: /schedule add 0 9 * * 1-5 [Asia/Tokyo] [8h]".into());
                }
                Ok(ScheduleAction::Add {
                    cron: cron.join(" "),
                    timezone: extra.first().map(|s| s.to_string()),
                    reveal_after,
                })
            }
            _ => Err("usage: /schedule list | add 0 9 * * 1-5 [Asia/Tokyo] [8h] | remove 1".into()),
        }
    }
}

impl Bot {
    pub(super) fn schedule_command(&self, ctx: &Context, desk: &QuizDesk, action: ScheduleAction) -> Reply {
        if !ctx.admin {
            return Reply::notice(
                "/schedule はサーバー管理（Manage Server）権限のあるメンバーだけが使えます。",
            );
        }
        let now = desk.clock.now();
        match action {
            ScheduleAction::List => list(&desk.master, ctx, now),
            ScheduleAction::Add { cron, timezone, reveal_after } => {
                if ctx.channel.starts_with(crate::quiz::game::PERSONAL) {
                    return Reply::notice("スケジュールはチャンネルにだけ追加できます。");
                }
                let reveal_after = match reveal_after.as_deref().map(humantime::parse_duration).transpose() {
                    Ok(d) => d,
                    Err(e) => return Reply::notice(format!("reveal_after を読めません: {e}（例: 8h）")),
                };
                let written = cron.trim().to_owned();
                let new = NewSchedule {
                    platform: ctx.platform.clone(),
                    channel: ctx.channel.clone(),
                    cron,
                    timezone,
                    reveal_after,
                };
                match desk.master.add_schedule(new, &ctx.user, now) {
                    Ok(Ok((id, schedule))) => Reply::notice(format!(
                        "スケジュール #{id} を追加しました: `{written}` {}{}",
                        schedule.timezone,
                        next_at(&schedule, now)
                    )),
                    Ok(Err(e)) => Reply::notice(format!("{}: {}", e.key, e.message)),
                    Err(e) => store_failure(e),
                }
            }
            ScheduleAction::Remove { id } => match desk.master.remove_schedule(&ctx.platform, &ctx.channel, id) {
                Ok(true) => Reply::notice(format!("スケジュール #{id} を削除しました。")),
                Ok(false) => Reply::notice(format!(
                    "このチャンネルにスケジュール #{id} はありません（設定ファイルのものは設定ファイルで変更してください）。"
                )),
                Err(e) => store_failure(e),
            },
        }
    }
}

/// `/schedule list`: the config's schedules of the channel, then those added in chat.
fn list(master: &Quizmaster, ctx: &Context, now: DateTime<Utc>) -> Reply {
    let (configured, stored) = match master.channel_schedules(&ctx.platform, &ctx.channel) {
        Ok(found) => found,
        Err(e) => return store_failure(e),
    };
    let mut lines: Vec<String> = configured
        .iter()
        .map(|s| format!("・設定ファイル: `{}` {}{}", s.cron.pattern, s.timezone, next_at(s, now)))
        .collect();
    for s in &stored {
        let next = match Schedule::from_stored(s) {
            Ok(schedule) => next_at(&schedule, now),
            Err(e) => format!("（使えません: {}: {}）", e.key, e.message),
        };
        lines.push(format!(
            "・#{}: `{}` {} 発表 {}{}",
            s.id,
            s.cron,
            s.timezone,
            humantime::format_duration(std::time::Duration::from_secs(s.reveal_after_secs)),
            next
        ));
    }
    if lines.is_empty() {
        return Reply::notice("このチャンネルのクイズのスケジュールはありません。`/schedule add cron:0 9 * * 1-5` で追加できます。");
    }
    Reply::notice(format!("このチャンネルのクイズのスケジュール:\n{}", lines.join("\n")))
}

/// "（次回 2026-11-26 09:00 Asia/Tokyo）" for a schedule's next slot.
fn next_at(schedule: &Schedule, now: DateTime<Utc>) -> String {
    schedule
        .next_slot(now)
        .map(|t| format!("（次回 {}）", t.with_timezone(&schedule.timezone).format("%Y-%m-%d %H:%M %Z")))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_text_is_read() {
        let add = |cron: &str, tz: Option<&str>, reveal: Option<&str>| ScheduleAction::Add {
            cron: cron.into(),
            timezone: tz.map(Into::into),
            reveal_after: reveal.map(Into::into),
        };
        assert_eq!(ScheduleAction::parse(""), Ok(ScheduleAction::List));
        assert_eq!(ScheduleAction::parse(" list "), Ok(ScheduleAction::List));
        assert_eq!(ScheduleAction::parse("remove #3"), Ok(ScheduleAction::Remove { id: 3 }));
        assert_eq!(ScheduleAction::parse("add 0 9 * * 1-5"), Ok(add("0 9 * * 1-5", None, None)));
        assert_eq!(
            ScheduleAction::parse("add 0 9 * * 1-5 Asia/Tokyo 8h"),
            Ok(add("0 9 * * 1-5", Some("Asia/Tokyo"), Some("8h")))
        );
        assert_eq!(ScheduleAction::parse("add 0 9 * * MON 2h"), Ok(add("0 9 * * MON", None, Some("2h"))));
        assert_eq!(ScheduleAction::parse("add 0 0 9 * * * UTC"), Ok(add("0 0 9 * * *", Some("UTC"), None)));
        assert!(ScheduleAction::parse("add 9 *").is_err());
        assert!(ScheduleAction::parse("remove x").is_err());
        assert!(ScheduleAction::parse("drop table").is_err());
    }
}
