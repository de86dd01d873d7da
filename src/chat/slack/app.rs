//! What both transports answer Slack with: a slash command or a button click turned into the
//! shared [`Command`], run through [`Live::run`], and the reply sent back in time.
//!
//! **Three seconds.** Slack shows an error when a command is not answered within 3 s. When the
//! command is done within `slack.reply_within` the answer goes inline (the HTTP response, or the
//! Socket Mode ack); otherwise the bot acknowledges at once and posts the answer to the
//! command's `response_url` when it is ready.

use std::sync::Arc;
use std::time::Duration;

use slack_morphism::prelude::*;

use super::blocks::{content, response, response_type};
use super::{SlackCommands, SlackConfig, NAME};
use crate::bot::{Command, Context, Live, Reply, RunError, ScheduleAction};
use crate::chat::parse_answer_id;

/// What both transports need to answer Slack.
pub struct SlackApp {
    pub live: Arc<Live>,
    pub client: Arc<SlackHyperClient>,
    pub commands: SlackCommands,
    pub admins: Vec<String>,
    pub reply_within: Duration,
}

impl SlackApp {
    pub fn new(live: Arc<Live>, client: Arc<SlackHyperClient>, config: &SlackConfig) -> SlackApp {
        SlackApp {
            live,
            client,
            commands: config.commands.clone(),
            admins: config.admins.clone(),
            reply_within: config.reply_within,
        }
    }

    /// The shared command for a slash command.
    pub fn command_of(&self, event: &SlackCommandEvent) -> (Context, Command) {
        let user = event.user_id.to_string();
        let ctx = Context {
            platform: NAME.into(),
            channel: event.channel_id.to_string(),
            admin: self.admins.contains(&user),
            user,
        };
        let text = event.text.as_deref().unwrap_or_default().trim().to_owned();
        let name = event.command.to_string();
        let names = &self.commands;
        let command = if name == names.ask {
            Command::Ask { query: text }
        } else if name == names.quiz {
            Command::Quiz
        } else if name == names.leaderboard {
            Command::Leaderboard { all_time: matches!(text.as_str(), "all" | "通算") }
        } else if name == names.source {
            Command::Source { id: text }
        } else if name == names.schedule {
            match ScheduleAction::parse(&text) {
                Ok(action) => Command::Schedule(action),
                Err(usage) => return (ctx, Command::Usage(usage)),
            }
        } else {
            Command::Help
        };
        (ctx, command)
    }

    /// Answers a slash command within Slack's three seconds: the reply itself when ready in
    /// time, otherwise an acknowledgement, with the reply following through `response_url`.
    pub async fn answer_command(self: &Arc<Self>, event: SlackCommandEvent) -> SlackCommandEventResponse {
        let (ctx, command) = self.command_of(&event);
        let mut work = Box::pin(self.live.run(move |bot| bot.handle(&ctx, command)));
        // `reply_within = "0s"` always acknowledges first.
        let inline = match self.reply_within.is_zero() {
            true => Err(()),
            false => tokio::time::timeout(self.reply_within, &mut work).await.map_err(|_| ()),
        };
        match inline {
            Ok(result) => response(&reply_or_notice(result)),
            Err(_) => {
                let app = Arc::clone(self);
                let url = event.response_url.clone();
                tokio::spawn(async move {
                    app.respond(&url, &reply_or_notice(work.await), false).await;
                });
                response(&Reply::notice("考え中です…（答えはまもなく届きます）"))
            }
        }
    }

    /// The shared command for a Block Kit button click: a quiz answer, or a notice for a button
    /// shiori did not make. `None` for interactions without a member or a `response_url`.
    pub fn click_of(&self, event: &SlackInteractionEvent) -> Option<(Context, Command, SlackResponseUrl)> {
        let SlackInteractionEvent::BlockActions(actions) = event else { return None };
        let url = actions.response_url.clone()?;
        let user = actions.user.as_ref()?.id.to_string();
        let action = actions.actions.as_ref()?.first()?;
        let channel = actions
            .channel
            .as_ref()
            .map(|c| c.id.to_string())
            .or_else(|| match &actions.container {
                SlackInteractionActionContainer::Message(m) => m.channel_id.as_ref().map(|c| c.to_string()),
                _ => None,
            })
            .unwrap_or_default();
        let ctx = Context { platform: NAME.into(), channel, admin: self.admins.contains(&user), user };
        let command = match parse_answer_id(action.action_id.as_ref()) {
            Some((post_id, choice)) => Command::Answer { post_id, choice },
            None => Command::Usage("このボタンは使えません。".into()),
        };
        Some((ctx, command, url))
    }

    /// Handles a Block Kit interaction: a quiz button click is recorded by the quiz rules and
    /// confirmed to the member alone through `response_url`. Returns once the work is started.
    pub fn answer_interaction(self: &Arc<Self>, event: SlackInteractionEvent) {
        let Some((ctx, command, url)) = self.click_of(&event) else { return };
        let app = Arc::clone(self);
        tokio::spawn(async move {
            let reply = reply_or_notice(app.live.run(move |bot| bot.handle(&ctx, command)).await);
            app.respond(&url, &reply, false).await;
        });
    }

    /// Posts a reply to a `response_url`, in the channel or to the member alone as the reply
    /// says, exactly as an in-time reply would be shown. slack-morphism's webhook request has no
    /// `response_type` (Slack then shows the message to the member alone), so the body is
    /// [`ResponseUrlMessage`], sent with slack-morphism's own HTTP connector.
    async fn respond(&self, url: &SlackResponseUrl, reply: &Reply, replace_original: bool) {
        let body = ResponseUrlMessage::new(reply, replace_original);
        let span = tracing::debug_span!("Slack response_url");
        let context = SlackClientApiCallContext {
            rate_control_params: None,
            token: None,
            tracing_span: &span,
            is_sensitive_url: true,
        };
        let sent: ClientResult<SlackApiPostWebhookMessageResponse> =
            self.client.http_api.connector.http_post_uri(url.value().clone(), &body, context).await;
        if let Err(e) = sent {
            self.live.metrics.error("slack_respond");
            tracing::error!(error = %e, "could not post to Slack's response_url");
        }
    }
}

/// The JSON posted to a `response_url`: the message, whom it is shown to, and whether it
/// replaces the message the member clicked in.
#[derive(Debug, serde::Serialize)]
pub struct ResponseUrlMessage {
    #[serde(flatten)]
    pub content: SlackMessageContent,
    pub response_type: SlackMessageResponseType,
    pub replace_original: bool,
}

impl ResponseUrlMessage {
    pub fn new(reply: &Reply, replace_original: bool) -> ResponseUrlMessage {
        ResponseUrlMessage { content: content(reply), response_type: response_type(reply), replace_original }
    }
}

/// The reply, or what the member sees when the command could not run.
fn reply_or_notice(result: Result<Reply, RunError>) -> Reply {
    match result {
        Ok(reply) => reply,
        Err(RunError::Loading) => Reply::notice("起動中です。少し待ってからもう一度どうぞ。"),
        Err(e) => {
            tracing::error!(error = %e, "slack command failed");
            Reply::notice("処理に失敗しました。")
        }
    }
}
