//! The one command layer every platform shares: an adapter turns its events into a [`Command`]
//! with a [`Context`] (who, where), [`Bot::handle`] decides, and the adapter renders the
//! platform-neutral [`Reply`].

mod cooldown;
mod reply;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use chrono_tz::Tz;

pub use cooldown::Cooldown;
pub use reply::{Block, Reply};

use crate::answer;
use crate::corpus::{table, Section};
use crate::metrics::Metrics;
use crate::quiz::game::{render_leaderboard, AnswerOutcome, Quizmaster, Reveal};
use crate::quiz::schedule::{Clock, Schedule, ScheduleConfig};
use crate::quiz::Question;
use crate::search::{QueryError, Searcher};

/// What a member asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `/ask 質問`: the passage that answers it, cited.
    Ask { query: String },
    /// `/source id`: a whole section.
    Source { id: String },
    /// `/quiz`: a personal question.
    Quiz,
    /// A click on (or a typed number for) choice `choice` (0-based) of quiz post `post_id`.
    Answer { post_id: i64, choice: usize },
    /// `/leaderboard`: this week's, or all time.
    Leaderboard { all_time: bool },
    /// `/schedule …`: the channel's quiz schedules (admins only).
    Schedule(ScheduleAction),
    /// `/help`.
    Help,
    /// A command typed wrong: the message says how to type it.
    Usage(String),
}

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

impl Command {
    /// The command's name, as a metrics label.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Ask { .. } => "ask",
            Command::Source { .. } => "source",
            Command::Quiz => "quiz",
            Command::Answer { .. } => "answer",
            Command::Leaderboard { .. } => "leaderboard",
            Command::Schedule(_) => "schedule",
            Command::Help => "help",
            Command::Usage(_) => "usage",
        }
    }
}

/// Who sent a command, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    pub platform: String,
    pub channel: String,
    pub user: String,
    /// May manage the channel's schedules: Discord's Manage Server permission, a Slack member
    /// listed in `slack.admins`. The adapter decides from what the platform says.
    pub admin: bool,
}

/// Quiz state the bot needs: the rules, the clock, the leaderboard week's zone.
pub struct QuizDesk {
    pub master: Quizmaster,
    pub clock: Arc<dyn Clock>,
    pub timezone: Tz,
}

/// The bot's state: the live index, the sections by id, and the quiz (when a store is configured).
pub struct Bot {
    searcher: Searcher,
    sections: HashMap<String, Section>,
    quiz: Option<QuizDesk>,
    metrics: Option<Arc<Metrics>>,
    cooldown: Option<Arc<Cooldown>>,
}

/// Longest section text `/source` shows before trimming.
const SOURCE_CHARS: usize = 1500;

impl Bot {
    pub fn new(searcher: Searcher, sections: Vec<Section>) -> Bot {
        let sections = sections.into_iter().map(|s| (s.id.clone(), s)).collect();
        Bot { searcher, sections, quiz: None, metrics: None, cooldown: None }
    }

    /// Counts commands, quiz posts and answers in `metrics`.
    pub fn with_metrics(mut self, metrics: Arc<Metrics>) -> Bot {
        self.metrics = Some(metrics);
        self
    }

    /// Limits each member to one `/ask` per period (shared across reloads by the caller).
    pub fn with_cooldown(mut self, cooldown: Arc<Cooldown>) -> Bot {
        self.cooldown = Some(cooldown);
        self
    }

    /// Enables `/quiz`, answers and `/leaderboard`.
    pub fn with_quiz(mut self, quiz: QuizDesk) -> Bot {
        self.quiz = Some(quiz);
        self
    }

    /// The searcher, for callers that need raw hits (`search`, `/api/search`).
    pub fn searcher(&self) -> &Searcher {
        &self.searcher
    }

    /// Every section title (for autocomplete).
    pub fn section_titles(&self) -> impl Iterator<Item = &str> {
        self.sections.values().map(|s| s.title.as_str())
    }

    /// The quiz state, when enabled.
    pub fn quiz(&self) -> Option<&QuizDesk> {
        self.quiz.as_ref()
    }

    /// Decides the reply to a command. Never fails: bad input gets a reply that says what is
    /// wrong, and a store failure is logged and reported without taking `/ask` down with it.
    pub fn handle(&self, ctx: &Context, command: Command) -> Reply {
        if let Some(m) = &self.metrics {
            m.command(command.name(), &ctx.platform);
        }
        match command {
            Command::Ask { query } => self.ask_command(ctx, &query),
            Command::Source { id } => match self.sections.get(id.trim()) {
                Some(section) => Reply::from_section(section, SOURCE_CHARS),
                None => Reply::notice(format!("セクション `{}` は見つかりませんでした。", id.trim())),
            },
            Command::Help => Reply::notice(HELP),
            Command::Usage(usage) => Reply::notice(usage),
            Command::Quiz => self.quiz_command(ctx),
            Command::Answer { post_id, choice } => self.answer_command(ctx, post_id, choice),
            Command::Leaderboard { all_time } => self.leaderboard_command(ctx, all_time),
            Command::Schedule(action) => self.schedule_command(ctx, action),
        }
    }

    fn ask_command(&self, ctx: &Context, query: &str) -> Reply {
        if let Some(cooldown) = &self.cooldown {
            if let Err(wait) = cooldown.check(&ctx.platform, &ctx.user, Instant::now()) {
                if let Some(m) = &self.metrics {
                    m.error("ask_cooldown");
                }
                return Reply::notice(format!(
                    "少し待ってから質問してください（あと {} 秒）。",
                    wait.as_secs_f64().ceil() as u64
                ));
            }
        }
        match answer::ask(&self.searcher, query) {
            Ok(answer) => Reply::from_answer(&answer),
            Err(QueryError::Empty) => {
                Reply::notice("質問を入力してください。例: `/ask ハイバネーションとは`")
            }
            Err(e @ QueryError::TooLong { .. }) => Reply::notice(format!("質問が長すぎます: {e}")),
        }
    }

    fn desk(&self) -> Result<&QuizDesk, Reply> {
        self.quiz.as_ref().ok_or_else(|| Reply::notice("クイズは設定されていません（[store] が必要です）。"))
    }

    fn quiz_command(&self, ctx: &Context) -> Reply {
        let desk = match self.desk() {
            Ok(d) => d,
            Err(reply) => return reply,
        };
        match desk.master.personal(&ctx.platform, &ctx.user, desk.clock.now()) {
            Ok(Some((post_id, question))) => {
                if let Some(m) = &self.metrics {
                    m.quiz_posts.inc();
                }
                Reply::question(post_id, &question, true)
            }
            Ok(None) => Reply::notice("ノートからクイズを作れませんでした。"),
            Err(e) => store_failure(e),
        }
    }

    fn answer_command(&self, ctx: &Context, post_id: i64, choice: usize) -> Reply {
        let desk = match self.desk() {
            Ok(d) => d,
            Err(reply) => return reply,
        };
        let label = |c: usize| Question::label(c);
        let outcome = desk.master.answer(post_id, &ctx.user, choice, desk.clock.now());
        if let (Some(m), Ok(AnswerOutcome::Recorded { .. })) = (&self.metrics, &outcome) {
            m.quiz_answers.inc();
        }
        match outcome {
            Ok(AnswerOutcome::Recorded { reveal: Some(reveal), choice }) => {
                let verdict = if choice == reveal.post.question.answer_index {
                    "⭕ 正解！"
                } else {
                    "❌ 不正解"
                };
                Reply::reveal(Some(verdict), &reveal, true)
            }
            Ok(AnswerOutcome::Recorded { choice, reveal: None }) => {
                Reply::notice(format!("回答を受け付けました: {}（答えは発表のときに）", label(choice)))
            }
            Ok(AnswerOutcome::AlreadyAnswered { choice }) => {
                Reply::notice(format!("回答済みです。最初の回答 {} が有効です。", label(choice)))
            }
            Ok(AnswerOutcome::Closed) => Reply::notice("この問題の回答は締め切られました。"),
            Ok(AnswerOutcome::NotFound) => {
                Reply::notice("この問題は見つかりませんでした（古いボタンかもしれません）。")
            }
            Ok(AnswerOutcome::InvalidChoice) => Reply::notice("その選択肢はありません。"),
            Err(e) => store_failure(e),
        }
    }

    fn leaderboard_command(&self, ctx: &Context, all_time: bool) -> Reply {
        let desk = match self.desk() {
            Ok(d) => d,
            Err(reply) => return reply,
        };
        let now = desk.clock.now();
        match desk.master.leaderboard(&ctx.platform, &ctx.channel, !all_time, desk.timezone, now) {
            Ok(standings) => {
                let title =
                    if all_time { "ランキング（通算）" } else { "ランキング（今週）" };
                Reply { blocks: vec![Block::Text(render_leaderboard(title, &standings))], ephemeral: false }
            }
            Err(e) => store_failure(e),
        }
    }
}

impl Bot {
    fn schedule_command(&self, ctx: &Context, action: ScheduleAction) -> Reply {
        if !ctx.admin {
            return Reply::notice(
                "/schedule はサーバー管理（Manage Server）権限のあるメンバーだけが使えます。",
            );
        }
        let desk = match self.desk() {
            Ok(d) => d,
            Err(reply) => return reply,
        };
        let store = &desk.master.store;
        let now = desk.clock.now();
        match action {
            ScheduleAction::List => {
                let configured: Vec<String> = desk
                    .master
                    .schedules
                    .iter()
                    .filter(|s| s.platform == ctx.platform && s.channel == ctx.channel)
                    .map(|s| format!("・設定ファイル: `{}` {}{}", s.cron.pattern, s.timezone, next_at(s, now)))
                    .collect();
                let stored = match store.schedules(Some((&ctx.platform, &ctx.channel))) {
                    Ok(stored) => stored,
                    Err(e) => return store_failure(e),
                };
                let mut lines = configured;
                for s in &stored {
                    let next = Schedule::from_stored(s).map(|s| next_at(&s, now)).unwrap_or_default();
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
            ScheduleAction::Add { cron, timezone, reveal_after } => {
                if ctx.channel.starts_with(crate::quiz::game::PERSONAL) {
                    return Reply::notice("スケジュールはチャンネルにだけ追加できます。");
                }
                let reveal_after = match reveal_after.as_deref().map(humantime::parse_duration) {
                    None => crate::quiz::schedule::default_reveal_after(),
                    Some(Ok(d)) => d,
                    Some(Err(e)) => return Reply::notice(format!("reveal_after を読めません: {e}（例: 8h）")),
                };
                let config = ScheduleConfig {
                    platform: ctx.platform.clone(),
                    channel: ctx.channel.clone(),
                    cron: cron.trim().to_owned(),
                    timezone: timezone.unwrap_or_else(crate::quiz::schedule::default_timezone),
                    reveal_after,
                    catch_up: std::time::Duration::from_secs(3600),
                };
                let schedule = match Schedule::from_config(0, &config) {
                    Ok(s) => s,
                    Err(e) => return Reply::notice(format!("{}: {}", e.key, e.message)),
                };
                let stored = crate::store::StoredSchedule {
                    id: 0,
                    platform: config.platform,
                    channel: config.channel,
                    cron: config.cron,
                    timezone: config.timezone,
                    reveal_after_secs: reveal_after.as_secs(),
                    created_by: ctx.user.clone(),
                };
                match store.add_schedule(&stored, now.timestamp_millis()) {
                    Ok(id) => Reply::notice(format!(
                        "スケジュール #{id} を追加しました: `{}` {}{}",
                        stored.cron,
                        stored.timezone,
                        next_at(&schedule, now)
                    )),
                    Err(e) => store_failure(e),
                }
            }
            ScheduleAction::Remove { id } => match store.remove_schedule(&ctx.platform, &ctx.channel, id) {
                Ok(true) => Reply::notice(format!("スケジュール #{id} を削除しました。")),
                Ok(false) => Reply::notice(format!(
                    "このチャンネルにスケジュール #{id} はありません（設定ファイルのものは設定ファイルで変更してください）。"
                )),
                Err(e) => store_failure(e),
            },
        }
    }
}

/// "（次回 2026-11-26 09:00 Asia/Tokyo）" for a schedule's next slot.
fn next_at(schedule: &Schedule, now: chrono::DateTime<chrono::Utc>) -> String {
    schedule
        .next_slot(now)
        .map(|t| format!("（次回 {}）", t.with_timezone(&schedule.timezone).format("%Y-%m-%d %H:%M %Z")))
        .unwrap_or_default()
}

fn store_failure(e: crate::store::StoreError) -> Reply {
    tracing::error!(error = %e, "quiz store failed");
    Reply::notice("クイズの記録に失敗しました。管理者に連絡してください（/ask は使えます）。")
}

const HELP: &str = "使い方:\n  /ask 質問 … ノートから答えを探して出典つきで返します\n  /source ID … セクション全文\n  /quiz … 自分用のクイズ（番号で回答）\n  /leaderboard [all] … ランキング（今週／通算）\n  /schedule list|add|remove … チャンネルのクイズ予定（管理者のみ）\n  /help … このヘルプ\n  /quit … 終了 (コンソールのみ)";

/// Renders a section's text for chat: tables as lines, trimmed to `max_chars`.
pub fn section_lines(section: &Section, max_chars: usize) -> String {
    let text = table::render_block(&section.text).join("\n");
    if text.chars().count() <= max_chars {
        return text;
    }
    let cut: String = text.chars().take(max_chars).collect();
    format!("{cut}…")
}

impl Reply {
    /// A quiz question with its choices (buttons on chat platforms).
    pub fn question(post_id: i64, question: &Question, ephemeral: bool) -> Reply {
        Reply {
            blocks: vec![Block::Question {
                post_id,
                text: question.question.clone(),
                choices: question.choices.clone(),
            }],
            ephemeral,
        }
    }

    /// The reveal of a quiz post, with an optional verdict for the member who answered.
    pub fn reveal(verdict: Option<&str>, reveal: &Reveal, ephemeral: bool) -> Reply {
        let q = &reveal.post.question;
        let mut blocks = Vec::new();
        if let Some(v) = verdict {
            blocks.push(Block::Text(v.to_owned()));
        }
        blocks.push(Block::Title(format!("正解: {}. {}", Question::label(q.answer_index), q.answer())));
        blocks.push(Block::Text(format!("解説: {}", q.explanation)));
        blocks.push(Block::Citation(q.source.clone()));
        if verdict.is_none() {
            blocks.push(Block::Text(format!(
                "正解率: {}/{} ({:.0}%)",
                reveal.correct,
                reveal.answered,
                reveal.share() * 100.0
            )));
        }
        Reply { blocks, ephemeral }
    }
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
