//! Slack through slack-morphism: slash commands and Block Kit buttons over Socket Mode
//! (`slack.mode = "socket"`, the default: the bot dials out, no public URL; [`socket`]) or
//! request URLs (`slack.mode = "http"`: `POST /slack/commands`, `POST /slack/interactions`;
//! [`endpoint`]). Both answer through [`SlackApp`]; replies are rendered within Slack's limits
//! ([`blocks`]); scheduled quizzes are posted with the bot token ([`poster`]).

mod app;
mod blocks;
mod endpoint;
mod poster;
mod settings;
mod socket;

use std::sync::Arc;

use slack_morphism::prelude::{SlackHyperClient, SlackSigningSecret};
use slack_morphism::signature_verifier::SlackEventSignatureVerifier;
use tokio::sync::watch;

use super::{secret, Platform, Session};
use crate::bot::Live;
use crate::quiz::runner::Poster;

pub use app::{ResponseUrlMessage, SlackApp};
pub use blocks::{blocks, content, escape, response, response_type, split, MAX_BLOCKS, MAX_TEXT};
pub use endpoint::verify;
pub use poster::{client, SlackPoster};
pub use settings::{SlackCommands, SlackConfig, SlackMode};

/// The platform's name in schedules, metrics and `/readyz`.
pub const NAME: &str = "slack";
/// Environment variables holding Slack's secrets.
pub const SLACK_BOT_TOKEN: &str = "SHIORI_SLACK_BOT_TOKEN";
pub const SLACK_APP_TOKEN: &str = "SHIORI_SLACK_APP_TOKEN";
pub const SLACK_SIGNING_SECRET: &str = "SHIORI_SLACK_SIGNING_SECRET";

/// Slack as configured, with its secrets from the environment.
pub struct Slack {
    config: SlackConfig,
    client: Arc<SlackHyperClient>,
}

impl Slack {
    pub fn new(config: &SlackConfig) -> Slack {
        Slack { config: config.clone(), client: Arc::new(client(config.api_base.as_deref())) }
    }

    fn app(&self, live: &Arc<Live>) -> Arc<SlackApp> {
        let app = SlackApp::new(Arc::clone(live), Arc::clone(&self.client), &self.config);
        Arc::new(app.with_bot_token(secret(SLACK_BOT_TOKEN)))
    }
}

impl Platform for Slack {
    fn name(&self) -> &'static str {
        NAME
    }

    /// The request URLs, in HTTP mode with the signing secret set.
    fn routes(&self, live: &Arc<Live>) -> axum::Router {
        match secret(SLACK_SIGNING_SECRET).filter(|_| self.config.mode == SlackMode::Http) {
            Some(signing) => endpoint::routes(
                self.app(live),
                SlackEventSignatureVerifier::new(&SlackSigningSecret::new(signing)),
            ),
            None => axum::Router::new(),
        }
    }

    /// Socket Mode, with the app token set.
    fn session(&self, live: &Arc<Live>, stop: watch::Receiver<bool>) -> Option<Session> {
        if self.config.mode != SlackMode::Socket {
            return None;
        }
        let token = secret(SLACK_APP_TOKEN)?;
        live.platform_ready(NAME, false);
        let app = self.app(live);
        Some(Box::pin(async move {
            if let Err(e) = socket::run_socket_mode(Arc::clone(&app), token, stop).await {
                app.live.metrics.error("slack_socket");
                tracing::error!(error = %e, "slack socket mode failed");
            }
        }))
    }

    fn poster(&self) -> Option<Arc<dyn Poster>> {
        match secret(SLACK_BOT_TOKEN) {
            Some(token) => Some(Arc::new(SlackPoster::new(Arc::clone(&self.client), &token))),
            None => {
                tracing::warn!("{SLACK_BOT_TOKEN} is not set: scheduled Slack quizzes are off");
                None
            }
        }
    }
}
