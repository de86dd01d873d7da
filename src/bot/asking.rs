//! `/ask` and everything around an answer: the buttons under it (the whole section, related
//! sections, sharing a private answer, 👍 / 👎 / 「出典が違う」) and follow-up questions read in
//! the context of the member's previous answer. Answers are recorded (when a store is open) so
//! the buttons work after a restart and on answers from before a notes reload.

use std::sync::Arc;
use std::time::Instant;

use super::{store_failure, Block, Bot, Context, Reply, SEARCH_FAILED};
use crate::answer::asked::{follow_up, Asked, Asker};
use crate::answer::{self, Answer};
use crate::quiz::schedule::Clock;
use crate::search::QueryError;
use crate::store::Verdict;

/// A button under an answer, or its console command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AskAction {
    /// 「全文」: the whole cited section, privately.
    Full,
    /// 「関連」: the related sections with their citations.
    Related,
    /// 「共有」: a private answer posted to the channel.
    Share,
    /// 👍 / 👎 / 「出典が違う」.
    Feedback(Verdict),
}

/// Prefix of the ids of the buttons under an answer: `shiori:ask:<answer id>:<action>`.
const ASK_PREFIX: &str = "shiori:ask:";
/// The action name of 「続けて質問」, which each platform answers with its own text box.
pub const FOLLOW_UP: &str = "followup";

impl AskAction {
    fn name(self) -> &'static str {
        match self {
            AskAction::Full => "full",
            AskAction::Related => "related",
            AskAction::Share => "share",
            AskAction::Feedback(v) => v.name(),
        }
    }

    fn from_name(name: &str) -> Option<AskAction> {
        match name {
            "full" => Some(AskAction::Full),
            "related" => Some(AskAction::Related),
            "share" => Some(AskAction::Share),
            other => Verdict::from_name(other).map(AskAction::Feedback),
        }
    }
}

/// The id of button `action` (an [`AskAction`] name or [`FOLLOW_UP`]) under answer `ask_id`.
pub fn ask_button_id(ask_id: i64, action: &str) -> String {
    format!("{ASK_PREFIX}{ask_id}:{action}")
}

/// What a button id under an answer stands for: the answer and the action name.
pub fn parse_ask_button(id: &str) -> Option<(i64, &str)> {
    let (ask, action) = id.strip_prefix(ASK_PREFIX)?.split_once(':')?;
    Some((ask.parse().ok()?, action))
}

/// The command a button under an answer stands for (`None` for 「続けて質問」 and for ids that
/// are not shiori's).
pub fn ask_button_command(id: &str) -> Option<super::Command> {
    let (ask_id, action) = parse_ask_button(id)?;
    AskAction::from_name(action).map(|action| super::Command::AnswerAction { ask_id, action })
}

/// The buttons of an answer, as (id, label), in the order shown; 「共有」 only on a private one.
pub fn answer_buttons(ask_id: i64, share: bool) -> Vec<(String, &'static str)> {
    let mut buttons = vec![
        (ask_button_id(ask_id, AskAction::Full.name()), "全文"),
        (ask_button_id(ask_id, AskAction::Related.name()), "関連"),
    ];
    if share {
        buttons.push((ask_button_id(ask_id, AskAction::Share.name()), "共有"));
    }
    buttons.push((ask_button_id(ask_id, FOLLOW_UP), "続けて質問"));
    for (verdict, label) in
        [(Verdict::Good, "👍"), (Verdict::Bad, "👎"), (Verdict::WrongSource, "出典が違う")]
    {
        buttons.push((ask_button_id(ask_id, verdict.name()), label));
    }
    buttons
}

/// `/ask` typed as text (Slack, the console): `--private 質問` or `--public 質問` choose who sees
/// the answer; anything else is the question.
pub fn ask_from_text(text: &str) -> super::Command {
    let text = text.trim();
    for (flag, private) in [("--private", true), ("--public", false)] {
        if let Some(query) =
            text.strip_prefix(flag).filter(|rest| rest.is_empty() || rest.starts_with(char::is_whitespace))
        {
            return super::Command::AskWith { query: query.trim().to_owned(), private };
        }
    }
    super::Command::Ask { query: text.to_owned() }
}

/// Recorded answers and the clock their times come from.
pub struct AskDesk {
    pub asked: Asked,
    pub clock: Arc<dyn Clock>,
    /// Answers are private unless the member asks otherwise (`chat.ask_visibility`).
    pub private_by_default: bool,
}

fn asker(ctx: &Context) -> Asker<'_> {
    Asker { platform: &ctx.platform, channel: &ctx.channel, user: &ctx.user }
}

impl Bot {
    /// `/ask`: the answer, shown to the channel or to the member alone (`private`, else the
    /// config's default), with its buttons when answers are recorded.
    pub(super) fn ask_command(&self, ctx: &Context, query: &str, private: Option<bool>) -> Reply {
        if let Some(cooldown) = &self.cooldown {
            if let Err(wait) = cooldown.check(&ctx.platform, &ctx.user, Instant::now()) {
                self.count_error("ask_cooldown");
                return Reply::notice(format!(
                    "少し待ってから質問してください（あと {} 秒）。",
                    wait.as_secs_f64().ceil() as u64
                ));
            }
        }
        let private = private.unwrap_or(self.asks.as_ref().is_some_and(|d| d.private_by_default));
        match answer::ask(&self.searcher, query) {
            Ok(answer) => self.answered(ctx, &answer, private, None),
            Err(e) => self.query_failed(e, query),
        }
    }

    /// An answer as posted: recorded, with its buttons; `context` says which previous answer a
    /// follow-up was read with.
    fn answered(&self, ctx: &Context, answer: &Answer, private: bool, context: Option<&str>) -> Reply {
        let mut reply = Reply::from_answer(answer);
        reply.ephemeral = private;
        if let Some(context) = context {
            reply.blocks.insert(0, Block::Text(format!("（前の回答「{context}」の続きとして探しました）")));
        }
        if let Some(desk) = &self.asks {
            match desk.asked.record(asker(ctx), answer, desk.clock.now().timestamp_millis()) {
                Ok(ask_id) => reply.blocks.push(Block::AnswerButtons { ask_id, share: private }),
                // The answer is still worth showing; only its buttons are lost.
                Err(e) => {
                    tracing::error!(error = %e, "could not record an answer; it is shown without buttons");
                    self.count_error("store");
                }
            }
        }
        reply
    }

    fn query_failed(&self, e: QueryError, query: &str) -> Reply {
        match e {
            QueryError::Empty => Reply::notice("質問を入力してください。例: `/ask ハイバネーションとは`"),
            e @ QueryError::TooLong { .. } => Reply::notice(format!("質問が長すぎます: {e}")),
            e @ QueryError::Failed(_) => {
                tracing::error!(error = %e, query, "search failed");
                self.count_error("search");
                Reply::notice(SEARCH_FAILED)
            }
        }
    }

    fn ask_desk(&self) -> Result<&AskDesk, Reply> {
        self.asks.as_ref().ok_or_else(|| Reply::notice("回答の記録がありません（[store] が必要です）。"))
    }

    /// A button under answer `ask_id`.
    pub(super) fn answer_action(&self, ctx: &Context, ask_id: i64, action: AskAction) -> Reply {
        let desk = match self.ask_desk() {
            Ok(d) => d,
            Err(reply) => return reply,
        };
        let ask = match desk.asked.get(ask_id) {
            Ok(Some(ask)) => ask,
            Ok(None) => return Reply::notice("この回答は見つかりませんでした（古いボタンかもしれません）。"),
            Err(e) => return store_failure(e),
        };
        let gone = || {
            Reply::notice(
                "この回答の出典のセクションは、ノートの更新でなくなりました。もう一度 /ask してください。",
            )
        };
        match action {
            AskAction::Full => match ask.section_id.as_deref().map(|id| self.sections.get(id)) {
                Some(Some(section)) => Reply::full_section(section),
                Some(None) => gone(),
                None => Reply::notice("この回答は出典を示していません。"),
            },
            AskAction::Related => match answer::ask(&self.searcher, &ask.question) {
                Ok(answer) => Reply::related(&answer),
                Err(e) => self.query_failed(e, &ask.question),
            },
            AskAction::Share => match answer::ask(&self.searcher, &ask.question) {
                Ok(answer) => {
                    let mut reply = Reply::from_answer(&answer);
                    reply.blocks.insert(0, Block::Text(format!("質問: {}", ask.question)));
                    reply
                }
                Err(e) => self.query_failed(e, &ask.question),
            },
            AskAction::Feedback(verdict) => {
                match desk.asked.feedback(ask_id, asker(ctx), verdict, desk.clock.now().timestamp_millis()) {
                    Ok(true) => {
                        if let Some(m) = &self.metrics {
                            m.feedback(verdict.name());
                        }
                        Reply::notice("ありがとうございます。フィードバックを記録しました。")
                    }
                    Ok(false) => {
                        Reply::notice("この回答は見つかりませんでした（古いボタンかもしれません）。")
                    }
                    Err(e) => store_failure(e),
                }
            }
        }
    }

    /// 「続けて質問」: `query` read in the context of answer `ask_id` (or the member's latest in
    /// this channel), when that answer is recent enough.
    pub(super) fn follow_up_command(&self, ctx: &Context, ask_id: Option<i64>, query: &str) -> Reply {
        let desk = match self.ask_desk() {
            Ok(d) => d,
            Err(reply) => return reply,
        };
        let now = desk.clock.now().timestamp_millis();
        let previous = match desk.asked.context(ask_id, asker(ctx), now) {
            Ok(Some(previous)) => previous,
            Ok(None) => {
                return Reply::notice(format!(
                    "続けて質問できる前の回答がありません（{} 以内の自分の /ask が対象です）。/ask で質問してください。",
                    humantime::format_duration(desk.asked.window)
                ))
            }
            Err(e) => return store_failure(e),
        };
        let section = previous.section_id.as_deref().and_then(|id| self.sections.get(id));
        match follow_up(&self.searcher, section, query) {
            Ok((answer, context)) => self.answered(ctx, &answer, desk.private_by_default, context.as_deref()),
            Err(e) => self.query_failed(e, query),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bot::Command;

    #[test]
    fn button_ids_round_trip_and_name_their_action() {
        for (id, _) in answer_buttons(42, true) {
            assert!(id.len() <= 100, "{id}");
            let (ask, action) = parse_ask_button(&id).unwrap();
            assert_eq!(ask, 42);
            assert!(action == FOLLOW_UP || ask_button_command(&id).is_some(), "{id}");
        }
        assert_eq!(
            ask_button_command("shiori:ask:7:wrong_source"),
            Some(Command::AnswerAction { ask_id: 7, action: AskAction::Feedback(Verdict::WrongSource) })
        );
        assert_eq!(ask_button_command("shiori:ask:x:full"), None);
        assert_eq!(ask_button_command("shiori:answer:7:1"), None);
        assert!(
            !answer_buttons(1, false).iter().any(|(_, label)| *label == "共有"),
            "共有 only on private answers"
        );
    }

    #[test]
    fn ask_text_takes_a_visibility_flag() {
        assert_eq!(
            ask_from_text(" --private 料金は？"),
            Command::AskWith { query: "料金は？".into(), private: true }
        );
        assert_eq!(ask_from_text("--public EC2"), Command::AskWith { query: "EC2".into(), private: false });
        assert_eq!(ask_from_text("--privateer"), Command::Ask { query: "--privateer".into() });
        assert_eq!(ask_from_text("EC2とは"), Command::Ask { query: "EC2とは".into() });
    }
}
