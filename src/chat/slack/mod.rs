//! Slack, through slack-morphism: slash commands and Block Kit buttons over Socket Mode
//! (`slack.mode = "socket"`, the default: the bot dials out, no public URL) or request URLs
//! (`slack.mode = "http"`: `POST /slack/commands`, `POST /slack/interactions`).
//!
//! **Signatures (HTTP mode).** `X-Slack-Signature` is `v0=` + HMAC-SHA256 over
//! `v0:{timestamp}:{body}` with the signing secret; slack-morphism's verifier compares it in
//! constant time. A timestamp more than five minutes off, a bad signature and a signature seen
//! before (a replay inside the window) all get 401.
//!
//! **Three seconds.** Slack shows an error when a command is not answered within 3 s. The
//! command runs on a blocking thread; when it is done within `slack.reply_within` the answer goes
//! inline (the HTTP response, or the Socket Mode ack), otherwise the bot acknowledges at once
//! and posts the answer to the command's `response_url` when it is ready.
//!
//! **Limits.** Rendering keeps to Slack's limits (see [`blocks`]).

mod blocks;

use std::sync::Arc;
use std::time::Duration;

use slack_morphism::prelude::*;
use slack_morphism::signature_verifier::SlackEventSignatureVerifier;

use super::signature::{fresh, Refused};
use crate::bot::{Command, Context, Reply, ScheduleAction};
use crate::config::{SlackCommands, SlackConfig};
use crate::quiz::game::Reveal;
use crate::quiz::runner::{PostError, PostFuture, Poster};
use crate::quiz::Question;
use crate::server::Live;

pub use blocks::{blocks, content, escape, response, response_type, split, MAX_BLOCKS, MAX_TEXT};

/// `action_id` of quiz answer buttons: `shiori:answer:<post id>:<choice>` (as on Discord).
pub(crate) const ANSWER_PREFIX: &str = "shiori:answer:";

/// The Slack Web API client (slack-morphism over hyper and rustls). `api_base` (no trailing
/// slash needed) sends calls elsewhere; tests point it at a local stub over plain HTTP.
pub fn client(api_base: Option<&str>) -> SlackHyperClient {
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_webpki_roots()
        .https_or_http()
        .enable_http1()
        .enable_http2()
        .build();
    let connector = SlackClientHyperConnector::from(connector);
    let connector = match api_base {
        Some(base) => connector.with_slack_api_url(base.trim_end_matches('/')),
        None => connector,
    };
    SlackClient::new(connector)
}

/// Checks a request's v0 signature; `now` is the current Unix time in seconds.
pub fn verify(
    verifier: &SlackEventSignatureVerifier,
    signature: Option<&str>,
    timestamp: Option<&str>,
    body: &[u8],
    now: i64,
) -> Result<(), Refused> {
    let (signature, timestamp) = fresh(signature, timestamp, now)?;
    // Slack's bodies are form-encoded ASCII; anything else cannot carry a valid signature.
    let body = std::str::from_utf8(body).map_err(|_| Refused::BadSignature)?;
    verifier.verify(signature, body, timestamp).map_err(|_| Refused::BadSignature)
}

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
            platform: "slack".into(),
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
        let Some(bot) = self.live.bot() else {
            return response(&Reply::notice("起動中です。少し待ってからもう一度どうぞ。"));
        };
        let (ctx, command) = self.command_of(&event);
        let mut work = tokio::task::spawn_blocking(move || bot.handle(&ctx, command));
        // `reply_within = "0s"` always acknowledges first.
        let inline = match self.reply_within.is_zero() {
            true => Err(()),
            false => tokio::time::timeout(self.reply_within, &mut work).await.map_err(|_| ()),
        };
        match inline {
            Ok(Ok(reply)) => response(&reply),
            Ok(Err(e)) => {
                tracing::error!(error = %e, "slack command failed");
                response(&Reply::notice("処理に失敗しました。"))
            }
            Err(_) => {
                let app = Arc::clone(self);
                let url = event.response_url.clone();
                tokio::spawn(async move {
                    let reply = match work.await {
                        Ok(reply) => reply,
                        Err(_) => Reply::notice("処理に失敗しました。"),
                    };
                    app.respond(&url, &reply, false).await;
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
        let ctx = Context { platform: "slack".into(), channel, admin: self.admins.contains(&user), user };
        let command = match super::discord::parse_answer_id(action.action_id.as_ref()) {
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
            let reply = match app.live.bot() {
                Some(bot) => tokio::task::spawn_blocking(move || bot.handle(&ctx, command))
                    .await
                    .unwrap_or_else(|_| Reply::notice("処理に失敗しました。")),
                None => Reply::notice("起動中です。少し待ってからもう一度どうぞ。"),
            };
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

/// Answers Socket Mode envelopes with the same handlers as HTTP mode.
mod socket {
    use super::*;

    async fn app(state: &SlackClientEventsUserState) -> Option<Arc<SlackApp>> {
        state.read().await.get_user_state::<Arc<SlackApp>>().cloned()
    }

    pub async fn on_command(
        event: SlackCommandEvent,
        _client: Arc<SlackHyperClient>,
        state: SlackClientEventsUserState,
    ) -> UserCallbackResult<SlackCommandEventResponse> {
        match app(&state).await {
            Some(app) => Ok(app.answer_command(event).await),
            None => Ok(response(&Reply::notice("起動中です。"))),
        }
    }

    pub async fn on_interaction(
        event: SlackInteractionEvent,
        _client: Arc<SlackHyperClient>,
        state: SlackClientEventsUserState,
    ) -> UserCallbackResult<()> {
        if let Some(app) = app(&state).await {
            app.answer_interaction(event);
        }
        Ok(())
    }

    /// A malformed envelope is logged and acknowledged (200), so Slack does not resend it.
    pub fn on_error(
        error: Box<dyn std::error::Error + Send + Sync>,
        _client: Arc<SlackHyperClient>,
        _state: SlackClientEventsUserState,
    ) -> axum::http::StatusCode {
        tracing::warn!(error = %error, "slack socket mode: event not handled");
        axum::http::StatusCode::OK
    }
}

/// Runs Socket Mode until `stop` turns true: opens the connection with the app token
/// (`apps.connections.open`), answers envelopes, reconnects when Slack asks.
pub async fn run_socket_mode(
    app: Arc<SlackApp>,
    app_token: String,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let environment = Arc::new(
        SlackClientEventsListenerEnvironment::new(Arc::clone(&app.client))
            .with_error_handler(socket::on_error)
            .with_user_state(Arc::clone(&app)),
    );
    let callbacks = SlackSocketModeListenerCallbacks::new()
        .with_hello_events(|_event, _client, state| async move {
            if let Some(app) = state.read().await.get_user_state::<Arc<SlackApp>>() {
                app.live.platform_ready("slack", true);
                tracing::info!("slack socket mode connected");
            }
        })
        .with_command_events(socket::on_command)
        .with_interaction_events(socket::on_interaction);
    let listener = SlackClientSocketModeListener::new(
        &SlackClientSocketModeConfig::new().with_max_connections_count(1),
        environment,
        callbacks,
    );
    listener.listen_for(&SlackApiToken::new(app_token.into())).await?;
    listener.start().await;
    let _ = stop.wait_for(|s| *s).await;
    listener.shutdown().await;
    app.live.platform_ready("slack", false);
    Ok(())
}

/// Posts scheduled quizzes with `chat.postMessage` and reveals them with `chat.update`.
pub struct SlackPoster {
    client: Arc<SlackHyperClient>,
    token: SlackApiToken,
}

impl SlackPoster {
    pub fn new(client: Arc<SlackHyperClient>, bot_token: &str) -> SlackPoster {
        SlackPoster { client, token: SlackApiToken::new(bot_token.to_owned().into()) }
    }
}

fn post_error(e: impl std::fmt::Display) -> PostError {
    PostError { platform: "slack".into(), message: e.to_string() }
}

impl Poster for SlackPoster {
    fn post<'a>(&'a self, channel: &'a str, post_id: i64, question: &'a Question) -> PostFuture<'a, String> {
        Box::pin(async move {
            let reply = Reply::scheduled_question(post_id, question);
            let request = SlackApiChatPostMessageRequest::new(channel.to_owned().into(), content(&reply));
            let session = self.client.open_session(&self.token);
            let sent = session.chat_post_message(&request).await.map_err(post_error)?;
            Ok(sent.ts.to_string())
        })
    }

    /// Replaces the quiz message (its buttons go) with the answer, explanation, citation and
    /// the share who got it right; without a message ts it posts the reveal instead.
    fn reveal<'a>(
        &'a self,
        channel: &'a str,
        message_id: Option<&'a str>,
        reveal: &'a Reveal,
    ) -> PostFuture<'a, ()> {
        Box::pin(async move {
            let reply = Reply::scheduled_reveal(reveal);
            let session = self.client.open_session(&self.token);
            match message_id.filter(|m| !m.is_empty()) {
                Some(ts) => {
                    let request = SlackApiChatUpdateRequest::new(
                        channel.to_owned().into(),
                        content(&reply),
                        ts.to_owned().into(),
                    );
                    session.chat_update(&request).await.map_err(post_error)?;
                }
                None => {
                    let request =
                        SlackApiChatPostMessageRequest::new(channel.to_owned().into(), content(&reply));
                    session.chat_post_message(&request).await.map_err(post_error)?;
                }
            }
            Ok(())
        })
    }
}
