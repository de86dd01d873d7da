//! Discord through serenity, one of two ways (`discord.mode`):
//!
//! - `gateway` (the default): a websocket session ([`gateway`]); the bot dials out, no public URL.
//! - `http`: Discord posts interactions to `POST /discord/interactions` ([`endpoint`]).
//!
//! Either way an interaction is answered by [`interaction::respond`], and scheduled quizzes are
//! posted through serenity's REST client ([`rest`]) when `SHIORI_DISCORD_TOKEN` is set.

mod endpoint;
mod gateway;
pub mod interaction;
pub mod rest;
mod settings;

use std::sync::Arc;

use serenity::interactions_endpoint::Verifier;
use tokio::sync::watch;

use super::{secret, Platform, Session};
use crate::bot::Live;
use crate::quiz::runner::Poster;

pub use interaction::{render, respond};
pub use rest::{commands, http, http_client, register_commands, verify, DiscordPoster};
pub use settings::{verifier, DiscordConfig, DiscordMode};

/// The platform's name in schedules, metrics and `/readyz`.
pub const NAME: &str = "discord";
/// The environment variable holding the bot token.
pub const DISCORD_TOKEN: &str = "SHIORI_DISCORD_TOKEN";

/// Discord as configured, with its token from the environment.
pub struct Discord {
    config: DiscordConfig,
    token: Option<String>,
    verifier: Option<Arc<Verifier>>,
}

impl Discord {
    pub fn new(config: &DiscordConfig) -> Discord {
        let verifier = (config.mode == DiscordMode::Http)
            .then(|| config.public_key.as_deref().and_then(verifier))
            .flatten()
            .map(Arc::new);
        Discord { config: config.clone(), token: secret(DISCORD_TOKEN), verifier }
    }

    /// serenity's REST client for the bot token, with `discord.api_base` and the application id.
    fn rest(&self, token: &str) -> serenity::http::Http {
        http(token, self.config.api_base.as_deref(), self.config.application_id)
    }
}

impl Platform for Discord {
    fn name(&self) -> &'static str {
        NAME
    }

    fn routes(&self, live: &Arc<Live>) -> axum::Router {
        match &self.verifier {
            Some(verifier) => endpoint::routes(live, Arc::clone(verifier)),
            None => axum::Router::new(),
        }
    }

    /// The gateway session; in HTTP mode, the commands' registration (a failure is logged,
    /// not fatal: the endpoint still answers).
    fn session(&self, live: &Arc<Live>, stop: watch::Receiver<bool>) -> Option<Session> {
        let http = self.rest(self.token.as_deref()?);
        let (live, guild) = (Arc::clone(live), self.config.guild_id);
        match self.config.mode {
            DiscordMode::Gateway => {
                live.platform_ready(NAME, false);
                Some(Box::pin(async move {
                    if let Err(e) = gateway::run(Arc::clone(&live), http, guild, stop).await {
                        live.metrics.error("discord_gateway");
                        tracing::error!(error = %e, "discord gateway session failed");
                    }
                }))
            }
            DiscordMode::Http => Some(Box::pin(async move {
                match register_commands(&http, guild).await {
                    Ok(n) => tracing::info!(commands = n, "discord commands registered"),
                    Err(e) => {
                        live.metrics.error("discord_register");
                        tracing::error!(error = %e, "discord command registration failed (the endpoint still answers)");
                    }
                }
            })),
        }
    }

    fn poster(&self) -> Option<Arc<dyn Poster>> {
        match &self.token {
            Some(token) => Some(Arc::new(DiscordPoster::new(Arc::new(self.rest(token))))),
            None => {
                tracing::warn!("{DISCORD_TOKEN} is not set: scheduled Discord quizzes are off");
                None
            }
        }
    }
}
