//! The one command layer every platform shares: an adapter turns its events into a [`Command`]
//! with a [`Context`] (who, where), [`Bot::handle`] decides, and the adapter renders the
//! platform-neutral [`Reply`].

mod asking;
mod cooldown;
mod learning;
mod live;
mod reply;
mod schedule;

use std::collections::HashMap;
use std::sync::Arc;

use chrono_tz::Tz;

pub use asking::{
    answer_buttons, ask_button_command, ask_button_id, ask_from_text, parse_ask_button, AskAction, AskDesk,
    FOLLOW_UP,
};
pub use cooldown::Cooldown;
pub use learning::{report_button_command, report_reason_buttons};
pub use live::{Live, RunError};
pub use reply::{clip, Block, Button, Reply, RETIRED};
pub use schedule::ScheduleAction;

use lindera::error::LinderaError;

use crate::answer::asked::Asked;
use crate::corpus::Section;
use crate::metrics::Metrics;
use crate::quiz::game::{AnswerOutcome, Period, Quizmaster};
use crate::quiz::schedule::{Clock, Schedule, SystemClock};
use crate::quiz::Question;
use crate::search::{Loaded, Searcher};
use crate::store::{ReportReason, Store};

/// What a member asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `/ask 質問`: the passage that answers it, cited, shown as `chat.ask_visibility` says.
    Ask { query: String },
    /// `/ask` with the member's choice of who sees the answer.
    AskWith { query: String, private: bool },
    /// A button under an answer (or its console command).
    AnswerAction { ask_id: i64, action: AskAction },
    /// 「続けて質問」: `query` in the context of answer `ask_id` (`None`: the member's latest
    /// answer in the channel).
    FollowUp { ask_id: Option<i64>, query: String },
    /// `/source id`: a whole section.
    Source { id: String },
    /// `/quiz`: a personal question.
    Quiz,
    /// A click on (or a typed number for) choice `choice` (0-based) of quiz post `post_id`.
    Answer { post_id: i64, choice: usize },
    /// `/leaderboard`: this week's, this month's, or all time.
    Leaderboard { period: Period },
    /// `/me`: the member's accuracy, weakest areas, streaks and reviews due (privately).
    Me,
    /// `/review`: the member's next due question, privately; never on a leaderboard.
    Review,
    /// 「問題を報告」 on quiz post `post_id`: without a reason, the reasons to choose from.
    Report { post_id: i64, reason: Option<ReportReason> },
    /// `/reports`: reported and voided questions (admins only).
    Reports,
    /// `/restore ID`: a reported or voided question counts again (admins only).
    Restore { question_id: String },
    /// `/schedule …`: the channel's quiz schedules (admins only).
    Schedule(ScheduleAction),
    /// `/help`.
    Help,
    /// A command typed wrong: the message says how to type it.
    Usage(String),
}

impl Command {
    /// The command's name, as a metrics label.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Ask { .. } | Command::AskWith { .. } => "ask",
            Command::AnswerAction { action: AskAction::Full, .. } => "full",
            Command::AnswerAction { action: AskAction::Related, .. } => "related",
            Command::AnswerAction { action: AskAction::Share, .. } => "share",
            Command::AnswerAction { action: AskAction::Feedback(_), .. } => "feedback",
            Command::FollowUp { .. } => "followup",
            Command::Source { .. } => "source",
            Command::Quiz => "quiz",
            Command::Answer { .. } => "answer",
            Command::Leaderboard { .. } => "leaderboard",
            Command::Me => "me",
            Command::Review => "review",
            Command::Report { .. } => "report",
            Command::Reports => "reports",
            Command::Restore { .. } => "restore",
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
    /// Shared with the scheduler, so both see one question pool and one set of schedules.
    pub master: Arc<Quizmaster>,
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
    asks: Option<AskDesk>,
}

/// Longest section text `/source` shows before trimming.
const SOURCE_CHARS: usize = 1500;

impl Bot {
    pub fn new(searcher: Searcher, sections: Vec<Section>) -> Bot {
        let sections = sections.into_iter().map(|s| (s.id.clone(), s)).collect();
        Bot { searcher, sections, quiz: None, metrics: None, cooldown: None, asks: None }
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

    /// Records answers, so the buttons under them and follow-ups work.
    pub fn with_asks(mut self, asks: AskDesk) -> Bot {
        self.asks = Some(asks);
        self
    }

    fn count_error(&self, kind: &str) {
        if let Some(m) = &self.metrics {
            m.error(kind);
        }
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
            Command::Ask { query } => self.ask_command(ctx, &query, None),
            Command::AskWith { query, private } => self.ask_command(ctx, &query, Some(private)),
            Command::AnswerAction { ask_id, action } => self.answer_action(ctx, ask_id, action),
            Command::FollowUp { ask_id, query } => self.follow_up_command(ctx, ask_id, &query),
            Command::Source { id } => match self.sections.get(id.trim()) {
                Some(section) => Reply::from_section(section, SOURCE_CHARS),
                None => Reply::notice(format!("セクション `{}` は見つかりませんでした。", id.trim())),
            },
            Command::Help => Reply::notice(HELP),
            Command::Usage(usage) => Reply::notice(usage),
            quiz => match self.desk() {
                Ok(desk) => self.quiz_handle(ctx, desk, quiz),
                Err(reply) => reply,
            },
        }
    }

    /// The quiz's commands, once there is a quiz.
    fn quiz_handle(&self, ctx: &Context, desk: &QuizDesk, command: Command) -> Reply {
        match command {
            Command::Quiz => self.quiz_command(ctx, desk),
            Command::Answer { post_id, choice } => self.answer_command(ctx, desk, post_id, choice),
            Command::Leaderboard { period } => self.leaderboard_command(ctx, desk, period),
            Command::Me => self.me_command(ctx, desk),
            Command::Review => self.review_command(ctx, desk),
            Command::Report { post_id, reason } => self.report_command(ctx, desk, post_id, reason),
            Command::Reports => self.reports_command(ctx, desk),
            Command::Restore { question_id } => self.restore_command(ctx, desk, &question_id),
            Command::Schedule(action) => self.schedule_command(ctx, desk, action),
            other => Reply::notice(format!("{} はクイズのコマンドではありません。", other.name())),
        }
    }

    fn desk(&self) -> Result<&QuizDesk, Reply> {
        self.quiz.as_ref().ok_or_else(|| Reply::notice("クイズは設定されていません（[store] が必要です）。"))
    }

    fn quiz_command(&self, ctx: &Context, desk: &QuizDesk) -> Reply {
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

    fn answer_command(&self, ctx: &Context, desk: &QuizDesk, post_id: i64, choice: usize) -> Reply {
        let label = |c: usize| Question::label(c);
        let outcome = desk.master.answer(post_id, &ctx.user, choice, desk.clock.now());
        if let (Some(m), Ok(AnswerOutcome::Recorded { .. })) = (&self.metrics, &outcome) {
            m.quiz_answers.inc();
        }
        match outcome {
            Ok(AnswerOutcome::Recorded { reveal: Some(reveal), choice, next_review }) => {
                let mut verdict = if choice == reveal.post.question.answer_index {
                    "⭕ 正解！".to_owned()
                } else {
                    "❌ 不正解".to_owned()
                };
                if let Some(due) = next_review {
                    verdict.push_str(&format!(
                        "　次の復習: {}",
                        learning::due_in(due, desk.clock.now(), desk.timezone)
                    ));
                }
                let mut reply = Reply::reveal(Some(&verdict), &reveal, true);
                if next_review.is_some() {
                    // A review goes on with one click (the console types /review).
                    reply.blocks.push(Block::Buttons(vec![learning::next_review_button()]));
                }
                reply
            }
            Ok(AnswerOutcome::Recorded { choice, reveal: None, .. }) => {
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
            Ok(AnswerOutcome::Retired) => Reply::notice(RETIRED),
            Err(e) => store_failure(e),
        }
    }

    fn leaderboard_command(&self, ctx: &Context, desk: &QuizDesk, period: Period) -> Reply {
        let now = desk.clock.now();
        match desk.master.leaderboard(&ctx.platform, &ctx.channel, period, desk.timezone, now) {
            Ok(standings) => Reply::leaderboard(period.title(), &standings),
            Err(e) => store_failure(e),
        }
    }
}

/// The command any of shiori's buttons other than a quiz choice stands for (under an answer,
/// 「問題を報告」 and its reasons); `None` for 「続けて質問」 and ids that are not shiori's.
pub fn button_command(id: &str) -> Option<Command> {
    if id == learning::NEXT_REVIEW {
        return Some(Command::Review);
    }
    ask_button_command(id).or_else(|| report_button_command(id))
}

/// `/reports` typed as text: `restore ID` restores a question, anything else lists them.
pub fn reports_from_text(text: &str) -> Command {
    match text.trim().strip_prefix("restore") {
        Some(id) if !id.trim().is_empty() => Command::Restore { question_id: id.trim().to_owned() },
        _ => Command::Reports,
    }
}

/// What a member sees when the index itself fails (not "nothing found": the notes may well
/// answer, the bot could not look).
pub const SEARCH_FAILED: &str =
    "検索に失敗しました（ノートの索引を読めませんでした）。少し待ってからもう一度試すか、管理者に連絡してください。";

fn store_failure(e: crate::store::StoreError) -> Reply {
    tracing::error!(error = %e, "quiz store failed");
    Reply::notice("クイズの記録に失敗しました。管理者に連絡してください（/ask は使えます）。")
}

const HELP: &str = "使い方:\n  /ask 質問 … ノートから答えを探して出典つきで返します（--private で自分だけに）\n  /full /related /share … 直前の回答の出典全文／関連セクション／チャンネルに共有\n  /good /bad /wrongsource … 直前の回答へのフィードバック（👍／👎／出典が違う）\n  /followup 質問 … 直前の回答の続きとして質問\n  /source ID … セクション全文\n  /quiz … 自分用のクイズ（番号で回答）\n  /leaderboard [month|all] … ランキング（今週／今月／通算）\n  /me … 自分の成績・苦手なところ・復習の数\n  /review … 復習（間違えた問題と復習時期の来た問題）\n  /report [wrong|ambiguous|outdated] … 直前の問題を報告\n  /reports, /restore ID … 報告の一覧・問題を元に戻す（管理者のみ）\n  /schedule list|add|remove … チャンネルのクイズ予定（管理者のみ）\n  /help … このヘルプ\n  /quit … 終了 (コンソールのみ)";

/// How long a follow-up is read in the context of the answer before it, unless configured.
pub const DEFAULT_FOLLOW_UP_WINDOW: std::time::Duration = std::time::Duration::from_secs(30 * 60);

/// The bot for loaded notes, with the quiz when a store is open: the question pool made from
/// the notes (less `retired`), `schedules` for `/schedule list`, reports voiding a question at
/// `report_threshold`, the system clock. For the
/// console and tests; `serve` shares one [`Quizmaster`] with its scheduler instead.
pub fn make_bot(
    loaded: Loaded,
    store: Option<Arc<Store>>,
    timezone: Tz,
    schedules: Vec<Schedule>,
    retired: &[String],
    report_threshold: usize,
) -> Result<Bot, LinderaError> {
    let Some(store) = store else { return Ok(Bot::new(loaded.searcher, loaded.corpus.sections)) };
    let pool = crate::quiz::generate::generate(&loaded.corpus.sections)?;
    let mut bot = Bot::new(loaded.searcher, loaded.corpus.sections);
    match Asked::new(Arc::clone(&store), DEFAULT_FOLLOW_UP_WINDOW) {
        Ok(asked) => {
            bot = bot.with_asks(AskDesk { asked, clock: Arc::new(SystemClock), private_by_default: false })
        }
        Err(e) => tracing::error!(error = %e, "answers are not recorded: their buttons are off"),
    }
    let master = Quizmaster::new(store, pool, schedules)
        .with_retired(retired.iter().cloned())
        .with_report_threshold(report_threshold);
    Ok(bot.with_quiz(QuizDesk { master: Arc::new(master), clock: Arc::new(SystemClock), timezone }))
}
