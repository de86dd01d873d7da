//! Chat platforms. Each one turns its events into [`Command`](crate::bot::Command)s, runs them
//! through [`Live::run`], and renders the [`Reply`](crate::bot::Reply) its own way.
//!
//! A platform is a folder here that implements [`Platform`] — its HTTP routes, a session that
//! connects out, a poster for scheduled quizzes, the secrets it reads — plus one line in
//! [`configured`]. The server and `serve` know platforms only through the trait.
//!
//! - [`console`]: the terminal, the embedded default that needs no token.
//! - [`discord`]: serenity; the gateway session or the HTTP interactions endpoint.
//! - [`slack`]: slack-morphism; Socket Mode or request URLs.
//!
//! What they share lives here once: the quiz answer button id ([`answer_id`],
//! [`parse_answer_id`]), text clipping ([`clip`]), secrets from the environment ([`secret`]),
//! JSON errors ([`http_error`]) and signed-request checks ([`signed`]).

pub mod console;
pub mod discord;
mod signed;
pub mod slack;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use tokio::sync::watch;

pub use crate::bot::clip;
use crate::bot::Live;
use crate::quiz::runner::Poster;

/// A session's future: runs until the stop signal turns true.
pub type Session = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// One chat platform, as the server and `serve` see it.
pub trait Platform: Send + Sync {
    /// The name schedules (`platform = "…"`), metrics and `/readyz` use.
    fn name(&self) -> &'static str;

    /// Routes this platform answers on the HTTP server, bound to their own state (empty when it
    /// takes nothing over HTTP).
    fn routes(&self, _live: &Arc<Live>) -> axum::Router {
        axum::Router::new()
    }

    /// A session that connects out (a websocket), when the platform uses one. It runs until
    /// `stop` turns true and marks the platform connected through [`Live::platform_ready`];
    /// `serve` marks it not connected before the session starts, so `/readyz` waits for it.
    fn session(&self, _live: &Arc<Live>, _stop: watch::Receiver<bool>) -> Option<Session> {
        None
    }

    /// Shows scheduled quizzes and their reveals, when the platform can post (its bot token is
    /// set).
    fn poster(&self) -> Option<Arc<dyn Poster>> {
        None
    }
}

/// The names a `[[quiz.schedule]]` entry may give as its `platform`.
pub const NAMES: &[&str] = &[discord::NAME, slack::NAME];

/// The platforms the config names. A new platform is one folder and one line here (and its
/// name in [`NAMES`]).
pub fn configured(
    discord: Option<&discord::DiscordConfig>,
    slack: Option<&slack::SlackConfig>,
) -> Vec<Arc<dyn Platform>> {
    let mut platforms: Vec<Arc<dyn Platform>> = Vec::new();
    platforms.extend(discord.map(|c| Arc::new(discord::Discord::new(c)) as Arc<dyn Platform>));
    platforms.extend(slack.map(|c| Arc::new(slack::Slack::new(c)) as Arc<dyn Platform>));
    platforms
}

/// A secret the configured platform reads from the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretNeed {
    pub variable: &'static str,
    /// Without it the configured platform cannot run at all (otherwise a feature is off).
    pub required: bool,
    /// What it is for.
    pub purpose: &'static str,
}

/// A secret from the environment (unset and empty are the same).
pub fn secret(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Prefix of the id of quiz answer buttons (Discord's `custom_id`, Slack's `action_id`).
const ANSWER_PREFIX: &str = "shiori:answer:";

/// The id of the button for choice `choice` (0-based) of quiz post `post_id`:
/// `shiori:answer:<post>:<choice>`, so a click works after a restart. At most 55 characters
/// (Discord allows 100, Slack 255).
pub fn answer_id(post_id: i64, choice: usize) -> String {
    format!("{ANSWER_PREFIX}{post_id}:{choice}")
}

/// `shiori:answer:<post>:<choice>` → (post, choice).
pub fn parse_answer_id(id: &str) -> Option<(i64, usize)> {
    let (post, choice) = id.strip_prefix(ANSWER_PREFIX)?.split_once(':')?;
    Some((post.parse().ok()?, choice.parse().ok()?))
}

/// A JSON error response: `{"error": message}` with `status`.
pub fn http_error(status: axum::http::StatusCode, message: impl Into<String>) -> axum::response::Response {
    use axum::response::IntoResponse;
    (status, axum::Json(serde_json::json!({ "error": message.into() }))).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answer_ids_round_trip_and_reject_garbage() {
        assert_eq!(parse_answer_id(&answer_id(42, 3)), Some((42, 3)));
        assert_eq!(parse_answer_id("shiori:answer:42:3"), Some((42, 3)));
        assert_eq!(parse_answer_id("shiori:answer:x:3"), None);
        assert_eq!(parse_answer_id("other:42:3"), None);
        assert!(answer_id(i64::MIN, usize::MAX).len() <= 100, "custom_id limit");
    }

    #[test]
    fn clip_counts_characters_not_bytes() {
        assert_eq!(clip("あいう", 3), "あいう");
        assert_eq!(clip("あいうえ", 3), "あい…");
    }
}
