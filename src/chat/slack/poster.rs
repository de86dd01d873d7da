//! Slack's Web API through slack-morphism: the client (pointed at `slack.api_base` in tests) and
//! the poster of scheduled quizzes.

use std::sync::Arc;

use slack_morphism::prelude::*;

use super::blocks::content;
use super::NAME;
use crate::bot::Reply;
use crate::quiz::game::Reveal;
use crate::quiz::runner::{PostError, PostFuture, Poster};
use crate::quiz::Question;
use chrono::{DateTime, Utc};

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
    PostError { platform: NAME.into(), message: e.to_string() }
}

impl Poster for SlackPoster {
    fn post<'a>(
        &'a self,
        channel: &'a str,
        post_id: i64,
        question: &'a Question,
        reveal_at: DateTime<Utc>,
    ) -> PostFuture<'a, String> {
        Box::pin(async move {
            let reply = Reply::scheduled_question(post_id, question, reveal_at.timestamp());
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
