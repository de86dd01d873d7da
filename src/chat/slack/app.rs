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
use super::{SlackCommands, SlackConfig, NAME, SLACK_BOT_TOKEN};
use crate::bot::{
    ask_from_text, button_command, parse_ask_button, reports_from_text, Command, Context, Live, Reply,
    RunError, ScheduleAction, FOLLOW_UP,
};
use crate::chat::parse_answer_id;
use crate::quiz::game::Period;

/// What both transports need to answer Slack.
pub struct SlackApp {
    pub live: Arc<Live>,
    pub client: Arc<SlackHyperClient>,
    pub commands: SlackCommands,
    pub admins: Vec<String>,
    pub reply_within: Duration,
    /// For Web API calls made on a member's behalf (the follow-up form and its answer).
    pub bot_token: Option<SlackApiToken>,
}

impl SlackApp {
    pub fn new(live: Arc<Live>, client: Arc<SlackHyperClient>, config: &SlackConfig) -> SlackApp {
        SlackApp {
            live,
            client,
            commands: config.commands.clone(),
            admins: config.admins.clone(),
            reply_within: config.reply_within,
            bot_token: None,
        }
    }

    /// Uses `token` for the Web API calls a member's click leads to.
    pub fn with_bot_token(mut self, token: Option<String>) -> SlackApp {
        self.bot_token = token.map(|t| SlackApiToken::new(t.into()));
        self
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
            ask_from_text(&text)
        } else if name == names.quiz {
            Command::Quiz
        } else if name == names.leaderboard {
            match Period::parse(&text) {
                Some(period) => Command::Leaderboard { period },
                None => Command::Usage(format!(
                    "{} [week|month|all]: 期間は week（今週）, month（今月）, all（通算）のどれかです。",
                    names.leaderboard
                )),
            }
        } else if name == names.me {
            Command::Me
        } else if name == names.review {
            Command::Review
        } else if name == names.reports {
            reports_from_text(&text)
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
        let id = action.action_id.to_string();
        let command = match parse_answer_id(&id) {
            Some((post_id, choice)) => Command::Answer { post_id, choice },
            None => button_command(&id).unwrap_or_else(|| Command::Usage("このボタンは使えません。".into())),
        };
        Some((ctx, command, url))
    }

    /// Handles a Block Kit interaction: a button under a quiz or an answer is handled by the bot
    /// and confirmed to the member through `response_url`; 「続けて質問」 opens a form
    /// (`views.open`), whose submission is answered in the channel. Returns once the work is
    /// started.
    pub fn answer_interaction(self: &Arc<Self>, event: SlackInteractionEvent) {
        if let SlackInteractionEvent::ViewSubmission(submission) = event {
            let app = Arc::clone(self);
            tokio::spawn(async move { app.follow_up_submitted(submission).await });
            return;
        }
        if let Some((trigger, ask_id, channel)) = follow_up_click(&event) {
            let app = Arc::clone(self);
            tokio::spawn(async move { app.open_follow_up(trigger, ask_id, channel).await });
            return;
        }
        let Some((ctx, command, url)) = self.click_of(&event) else { return };
        let app = Arc::clone(self);
        tokio::spawn(async move {
            let reply = reply_or_notice(app.live.run(move |bot| bot.handle(&ctx, command)).await);
            app.respond(&url, &reply, false).await;
        });
    }

    /// Opens the follow-up form for answer `ask_id` (its channel kept in the form's metadata).
    async fn open_follow_up(&self, trigger: SlackTriggerId, ask_id: i64, channel: String) {
        let Some(token) = &self.bot_token else {
            tracing::warn!("{SLACK_BOT_TOKEN} is not set: the follow-up form cannot be opened");
            return;
        };
        let field = SlackBlockPlainTextInputElement::new()
            .with_action_id(FOLLOW_UP_FIELD.into())
            .with_multiline(true)
            .with_max_length(500)
            .with_placeholder(SlackBlockPlainTextOnly::from("料金は？"));
        let input = SlackInputBlock::new(
            SlackBlockPlainTextOnly::from("質問（前の回答の続きとして探します）"),
            field.into(),
        )
        .with_block_id(FOLLOW_UP_FIELD.into());
        let view = SlackModalView::new(SlackBlockPlainTextOnly::from("続けて質問"), vec![input.into()])
            .with_callback_id(FOLLOW_UP_FORM.into())
            .with_private_metadata(format!("{ask_id}:{channel}"))
            .with_submit(SlackBlockPlainTextOnly::from("質問する"));
        let request = SlackApiViewsOpenRequest::new(trigger, SlackView::Modal(view));
        if let Err(e) = self.client.open_session(token).views_open(&request).await {
            self.live.metrics.error("slack_respond");
            tracing::error!(error = %e, "could not open the follow-up form");
        }
    }

    /// A submitted follow-up form: answered in the form's channel, to the member alone
    /// (`chat.postEphemeral`) or to the channel, as the reply says.
    async fn follow_up_submitted(&self, submission: SlackInteractionViewSubmissionEvent) {
        let SlackView::Modal(modal) = &submission.view.view else { return };
        if modal.callback_id.as_ref().map(|c| c.to_string()).as_deref() != Some(FOLLOW_UP_FORM) {
            return;
        }
        let Some((ask_id, channel)) = modal.private_metadata.as_deref().and_then(|m| m.split_once(':'))
        else {
            return;
        };
        let Ok(ask_id) = ask_id.parse::<i64>() else { return };
        let query = submission
            .view
            .state_params
            .state
            .as_ref()
            .and_then(|state| state.values.get(&FOLLOW_UP_FIELD.into()))
            .and_then(|fields| fields.get(&FOLLOW_UP_FIELD.into()))
            .and_then(|value| value.value.clone())
            .unwrap_or_default();
        let user = submission.user.id.to_string();
        let ctx = Context {
            platform: NAME.into(),
            channel: channel.to_owned(),
            admin: self.admins.contains(&user),
            user,
        };
        let command = Command::FollowUp { ask_id: Some(ask_id), query };
        let (channel, user) = (ctx.channel.clone(), ctx.user.clone());
        let reply = reply_or_notice(self.live.run(move |bot| bot.handle(&ctx, command)).await);
        let Some(token) = &self.bot_token else {
            tracing::warn!("{SLACK_BOT_TOKEN} is not set: a follow-up cannot be answered");
            return;
        };
        let session = self.client.open_session(token);
        let sent = if reply.ephemeral {
            let request = SlackApiChatPostEphemeralRequest::new(channel.into(), user.into(), content(&reply));
            session.chat_post_ephemeral(&request).await.map(|_| ())
        } else {
            let request = SlackApiChatPostMessageRequest::new(channel.into(), content(&reply));
            session.chat_post_message(&request).await.map(|_| ())
        };
        if let Err(e) = sent {
            self.live.metrics.error("slack_respond");
            tracing::error!(error = %e, "could not post a follow-up's answer");
        }
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

/// Callback id of the follow-up form; its private metadata is `<answer id>:<channel>`.
const FOLLOW_UP_FORM: &str = "shiori_followup";
/// Block and action id of the form's one text field.
const FOLLOW_UP_FIELD: &str = "query";

/// A click on 「続けて質問」: the trigger to open a form with, the answer, the channel.
fn follow_up_click(event: &SlackInteractionEvent) -> Option<(SlackTriggerId, i64, String)> {
    let SlackInteractionEvent::BlockActions(actions) = event else { return None };
    let action = actions.actions.as_ref()?.first()?;
    let (ask_id, FOLLOW_UP) = parse_ask_button(action.action_id.as_ref())? else { return None };
    let channel =
        actions.channel.as_ref().map(|c| c.id.to_string()).or_else(|| match &actions.container {
            SlackInteractionActionContainer::Message(m) => m.channel_id.as_ref().map(|c| c.to_string()),
            _ => None,
        })?;
    Some((actions.trigger_id.clone(), ask_id, channel))
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
