//! `[slack]` in `shiori.toml`. Tokens come from `SHIORI_SLACK_BOT_TOKEN`,
//! `SHIORI_SLACK_APP_TOKEN` (Socket Mode) and `SHIORI_SLACK_SIGNING_SECRET` (HTTP mode), never
//! from the file.

use serde::Deserialize;

use super::{SLACK_APP_TOKEN, SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET};
use crate::chat::SecretNeed;

/// `[slack]`: present when the bot serves Slack.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SlackConfig {
    /// `socket` (default: no public URL needed) or `http` (Slack posts to `/slack/...`).
    #[serde(default)]
    pub mode: SlackMode,
    /// Slash command names, as created in the Slack app.
    #[serde(default)]
    pub commands: SlackCommands,
    /// Member ids (`U…`) allowed to use `/schedule`.
    #[serde(default)]
    pub admins: Vec<String>,
    /// Where Web API calls go (tests point it at a local stub): `https://slack.com/api` when unset.
    #[serde(default)]
    pub api_base: Option<String>,
    /// How long a slash command may take before the bot acknowledges it and posts the answer to
    /// `response_url` instead (Slack gives up after 3 s).
    #[serde(with = "humantime_serde", default = "default_reply_within")]
    pub reply_within: std::time::Duration,
}

fn default_reply_within() -> std::time::Duration {
    std::time::Duration::from_millis(2500)
}

/// How Slack reaches the bot.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SlackMode {
    /// Socket Mode: the bot opens a websocket to Slack.
    #[default]
    Socket,
    /// Request URLs: Slack posts slash commands and button clicks to the HTTP server.
    Http,
}

/// `[slack.commands]`: the slash command each action answers to.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct SlackCommands {
    pub ask: String,
    pub quiz: String,
    pub leaderboard: String,
    pub source: String,
    pub schedule: String,
    /// The member's own progress. Not `/me`: Slack keeps that name for itself.
    pub me: String,
    pub review: String,
    /// Reported questions, and `restore ID` (admins).
    pub reports: String,
}

impl Default for SlackCommands {
    fn default() -> Self {
        SlackCommands {
            ask: "/ask".into(),
            quiz: "/quiz".into(),
            leaderboard: "/leaderboard".into(),
            source: "/source".into(),
            schedule: "/schedule".into(),
            me: "/quiz-me".into(),
            review: "/review".into(),
            reports: "/quiz-reports".into(),
        }
    }
}

impl SlackConfig {
    /// What is wrong with the values, as (key under `slack.`, message).
    pub fn problem(&self) -> Option<(String, String)> {
        let c = &self.commands;
        [
            ("ask", &c.ask),
            ("quiz", &c.quiz),
            ("leaderboard", &c.leaderboard),
            ("source", &c.source),
            ("schedule", &c.schedule),
            ("me", &c.me),
            ("review", &c.review),
            ("reports", &c.reports),
        ]
        .into_iter()
        .find(|(_, name)| !name.starts_with('/') || name.len() < 2 || name.contains(char::is_whitespace))
        .map(|(key, name)| {
            (format!("commands.{key}"), format!("{name:?} is not a slash command such as \"/ask\""))
        })
    }

    /// The secrets this mode reads from the environment.
    pub fn secret_needs(&self) -> Vec<SecretNeed> {
        let bot = SecretNeed {
            variable: SLACK_BOT_TOKEN,
            required: self.mode == SlackMode::Socket,
            purpose: "Slack Web API calls (scheduled quizzes, delayed answers)",
        };
        let transport = match self.mode {
            SlackMode::Socket => SecretNeed {
                variable: SLACK_APP_TOKEN,
                required: true,
                purpose: "the Slack Socket Mode connection (an xapp- token)",
            },
            SlackMode::Http => SecretNeed {
                variable: SLACK_SIGNING_SECRET,
                required: true,
                purpose: "checking Slack's request signatures",
            },
        };
        vec![bot, transport]
    }
}
