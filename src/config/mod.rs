//! The TOML config (`shiori.toml`): parsed from `&str` so tests can feed strings, unknown keys
//! refused, and every error names the file and the key it is about.

use std::path::{Path, PathBuf};

use chrono_tz::Tz;
use serde::Deserialize;

use crate::chat::discord::DiscordConfig;
use crate::chat::slack::SlackConfig;
use crate::chat::{self, secret, SecretNeed};
use crate::quiz::schedule::{Schedule, ScheduleConfig};

/// The whole config file. Every section is optional; defaults run on the bundled notes.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub corpus: CorpusConfig,
    #[serde(default)]
    pub index: IndexConfig,
    #[serde(default)]
    pub store: StoreConfig,
    #[serde(default)]
    pub quiz: QuizConfig,
    #[serde(default)]
    pub http: HttpConfig,
    #[serde(default)]
    pub log: LogConfig,
    #[serde(default)]
    pub chat: ChatConfig,
    /// `[discord]`: present when the bot serves Discord (the table is defined with the platform).
    #[serde(default)]
    pub discord: Option<DiscordConfig>,
    /// `[slack]`: present when the bot serves Slack.
    #[serde(default)]
    pub slack: Option<SlackConfig>,
}

/// A config checked once ([`Config::resolve`]), with what checking derived from it.
#[derive(Debug, Clone)]
pub struct Settings {
    pub config: Config,
    /// `[[quiz.schedule]]`, validated.
    pub schedules: Vec<Schedule>,
    /// `quiz.timezone`, the zone leaderboard weeks are counted in.
    pub timezone: Tz,
}

impl Settings {
    /// The defaults: the bundled notes, no platform, no schedule.
    pub fn defaults() -> Settings {
        match Config::default().resolve("") {
            Ok(settings) => settings,
            Err(e) => unreachable!("the default config is valid: {e}"),
        }
    }
}

/// `[chat]`: rules shared by every chat platform.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ChatConfig {
    /// Shortest time between two `/ask` of one member ("0s" turns the limit off).
    #[serde(with = "humantime_serde", default = "default_ask_cooldown")]
    pub ask_cooldown: std::time::Duration,
    /// Who sees an answer to `/ask` unless the member chooses: `public` (the channel) or
    /// `private` (the member alone, with a 「共有」 button).
    #[serde(default)]
    pub ask_visibility: Visibility,
    /// How long after an answer 「続けて質問」 reads a question in its context.
    #[serde(with = "humantime_serde", default = "default_followup_window")]
    pub followup_window: std::time::Duration,
}

/// Who sees an answer.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    #[default]
    Public,
    Private,
}

impl Default for ChatConfig {
    fn default() -> Self {
        ChatConfig {
            ask_cooldown: default_ask_cooldown(),
            ask_visibility: Visibility::Public,
            followup_window: default_followup_window(),
        }
    }
}

fn default_followup_window() -> std::time::Duration {
    crate::bot::DEFAULT_FOLLOW_UP_WINDOW
}

fn default_ask_cooldown() -> std::time::Duration {
    std::time::Duration::from_secs(3)
}

/// `[http]`: the server for health, readiness, metrics, the JSON API and interaction endpoints.
#[derive(Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct HttpConfig {
    /// Address to listen on.
    #[serde(default = "default_listen")]
    pub listen: String,
    /// Bearer token `/api/ask` requires, when set. `SHIORI_API_TOKEN` in the environment wins.
    #[serde(default)]
    pub api_token: Option<String>,
    /// Largest request body accepted, in bytes.
    #[serde(default = "default_max_body")]
    pub max_body_bytes: usize,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig { listen: default_listen(), api_token: None, max_body_bytes: default_max_body() }
    }
}

// The token never reaches a log line, not even through `{:?}`.
impl std::fmt::Debug for HttpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpConfig")
            .field("listen", &self.listen)
            .field("api_token", &self.api_token.as_ref().map(|_| "<redacted>"))
            .field("max_body_bytes", &self.max_body_bytes)
            .finish()
    }
}

impl HttpConfig {
    /// The API token: `SHIORI_API_TOKEN` when set and non-empty, else the config's.
    pub fn token(&self) -> Option<String> {
        std::env::var("SHIORI_API_TOKEN").ok().filter(|t| !t.is_empty()).or_else(|| self.api_token.clone())
    }
}

fn default_listen() -> String {
    "0.0.0.0:8080".into()
}

fn default_max_body() -> usize {
    64 * 1024
}

/// `[log]`: how `shiori serve` logs.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LogConfig {
    /// `text` (default) or `json` (one JSON object per line).
    #[serde(default = "default_log_format")]
    pub format: LogFormat,
    /// A tracing filter such as `info` or `shiori=debug,warn`; `SHIORI_LOG` wins.
    #[serde(default = "default_log_level")]
    pub level: String,
}

/// Log line format.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig { format: default_log_format(), level: default_log_level() }
    }
}

fn default_log_format() -> LogFormat {
    LogFormat::Text
}

fn default_log_level() -> String {
    "info,tantivy=warn".into()
}

/// `[store]`: the SQLite file with quiz posts, answers and streaks.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct StoreConfig {
    pub path: PathBuf,
}

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig { path: PathBuf::from("data/shiori.db") }
    }
}

/// `[quiz]`: scheduled quiz posts and the zone weekly leaderboards are counted in.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct QuizConfig {
    /// Time zone whose Monday 00:00 starts a leaderboard week.
    #[serde(default = "default_quiz_timezone")]
    pub timezone: String,
    #[serde(default)]
    pub schedule: Vec<ScheduleConfig>,
    /// Ids of questions the group has retired (`q` and ten hex digits, as `shiori quiz --json`
    /// and the reveal show them): never posted again.
    #[serde(default)]
    pub retired: Vec<String>,
    /// Members' reports that void a question (「問題を報告」): it leaves scoring, the deck and
    /// review queues until an admin restores it.
    #[serde(default = "default_report_threshold")]
    pub report_threshold: usize,
}

impl Default for QuizConfig {
    fn default() -> Self {
        QuizConfig {
            timezone: default_quiz_timezone(),
            schedule: Vec::new(),
            retired: Vec::new(),
            report_threshold: default_report_threshold(),
        }
    }
}

fn default_report_threshold() -> usize {
    crate::quiz::game::DEFAULT_REPORT_THRESHOLD
}

fn default_quiz_timezone() -> String {
    crate::quiz::schedule::DEFAULT_TIMEZONE.to_owned()
}

/// `[corpus]`: where the notes are.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CorpusConfig {
    /// Note files or directories (walked recursively for `*.txt`, `*.md`).
    pub paths: Vec<PathBuf>,
}

impl Default for CorpusConfig {
    fn default() -> Self {
        CorpusConfig { paths: vec![PathBuf::from("corpus")] }
    }
}

/// `[index]`: where the built index lives.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct IndexConfig {
    pub dir: PathBuf,
}

impl Default for IndexConfig {
    fn default() -> Self {
        IndexConfig { dir: PathBuf::from("index") }
    }
}

/// Ways the config is unusable.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The TOML is malformed or a key is unknown or of the wrong type.
    #[error("{file}: key `{key}`: {message}")]
    Invalid { file: String, key: String, message: String },
    /// A value parses but is not usable (a bad cron pattern, an unknown time zone).
    #[error("{file}: key `{key}`: {message}")]
    Value { file: String, key: String, message: String },
    /// A secret the configured platform needs is not in the environment.
    #[error("environment variable {variable} is not set; it is needed for {purpose}")]
    Secret { variable: &'static str, purpose: &'static str },
}

impl Config {
    /// Parses config text; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Config, ConfigError> {
        let deserializer = toml::Deserializer::new(text);
        serde_path_to_error::deserialize(deserializer).map_err(|e| {
            let key = e.path().to_string();
            let message = e.inner().message().trim().to_owned();
            let key = if key == "." { unknown_key(&message).unwrap_or(key) } else { key };
            ConfigError::Invalid { file: file.to_owned(), key, message }
        })
    }

    /// Checks values that parse but may not make sense, once; every error names the key.
    pub fn resolve(self, file: &str) -> Result<Settings, ConfigError> {
        let value = |key: String, message: String| ConfigError::Value { file: file.to_owned(), key, message };
        if self.http.listen.parse::<std::net::SocketAddr>().is_err() {
            let message = format!("{:?} is not an address such as 0.0.0.0:8080", self.http.listen);
            return Err(value("http.listen".into(), message));
        }
        if let Some((key, message)) = self.discord.as_ref().and_then(DiscordConfig::problem) {
            return Err(value(format!("discord.{key}"), message));
        }
        if let Some((key, message)) = self.slack.as_ref().and_then(SlackConfig::problem) {
            return Err(value(format!("slack.{key}"), message));
        }
        let Ok(timezone) = self.quiz.timezone.parse::<Tz>() else {
            let message = format!("{:?} is not an IANA time zone", self.quiz.timezone);
            return Err(value("quiz.timezone".into(), message));
        };
        if self.quiz.report_threshold == 0 {
            return Err(value(
                "quiz.report_threshold".into(),
                "must be at least 1 (one report voids a question)".into(),
            ));
        }
        for (i, id) in self.quiz.retired.iter().enumerate() {
            let well_formed = id.len() == 11
                && id.starts_with('q')
                && id[1..].chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase());
            if !well_formed {
                let message = format!("{id:?} is not a question id such as \"q1a2b3c4d5e\"");
                return Err(value(format!("quiz.retired[{i}]"), message));
            }
        }
        let mut schedules = Vec::new();
        for (i, c) in self.quiz.schedule.iter().enumerate() {
            if !chat::NAMES.contains(&c.platform.as_str()) {
                let message = format!("{:?} is not one of {}", c.platform, chat::NAMES.join(", "));
                return Err(value(format!("quiz.schedule[{i}].platform"), message));
            }
            let schedule = Schedule::from_config(i, c)
                .map_err(|e| value(format!("quiz.schedule[{}].{}", e.index, e.key), e.message))?;
            schedules.push(schedule);
        }
        Ok(Settings { config: self, schedules, timezone })
    }

    /// The secrets the configured platforms read from the environment.
    pub fn secret_needs(&self) -> Vec<SecretNeed> {
        let discord = self.discord.iter().flat_map(DiscordConfig::secret_needs);
        discord.chain(self.slack.iter().flat_map(SlackConfig::secret_needs)).collect()
    }

    /// Fails when a required secret is missing, naming its environment variable.
    pub fn check_secrets(&self) -> Result<(), ConfigError> {
        match self.secret_needs().into_iter().find(|n| n.required && secret(n.variable).is_none()) {
            Some(need) => Err(ConfigError::Secret { variable: need.variable, purpose: need.purpose }),
            None => Ok(()),
        }
    }

    /// Reads and parses a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| ConfigError::Read { path: path.to_owned(), source })?;
        Config::parse(&text, &path.display().to_string())
    }
}

/// An unknown top-level table is reported as "unknown field `x`" with an empty path.
fn unknown_key(message: &str) -> Option<String> {
    let rest = message.split("unknown field `").nth(1)?;
    Some(rest.split('`').next()?.to_owned())
}

#[cfg(test)]
mod tests;
