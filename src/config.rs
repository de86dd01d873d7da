//! The TOML config (`shiori.toml`): parsed from `&str` so tests can feed strings, unknown keys
//! refused, and every error names the file and the key it is about.

use std::path::{Path, PathBuf};

use serde::Deserialize;

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
    /// `[discord]`: present when the bot serves Discord.
    #[serde(default)]
    pub discord: Option<DiscordConfig>,
    /// `[slack]`: present when the bot serves Slack.
    #[serde(default)]
    pub slack: Option<SlackConfig>,
}

/// `[chat]`: rules shared by every chat platform.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ChatConfig {
    /// Shortest time between two `/ask` of one member ("0s" turns the limit off).
    #[serde(with = "humantime_serde", default = "default_ask_cooldown")]
    pub ask_cooldown: std::time::Duration,
}

impl Default for ChatConfig {
    fn default() -> Self {
        ChatConfig { ask_cooldown: default_ask_cooldown() }
    }
}

fn default_ask_cooldown() -> std::time::Duration {
    std::time::Duration::from_secs(3)
}

/// `[slack]`. Tokens come from `SHIORI_SLACK_BOT_TOKEN`, `SHIORI_SLACK_APP_TOKEN` (Socket Mode)
/// and `SHIORI_SLACK_SIGNING_SECRET` (HTTP mode), never from this file.
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
}

impl Default for SlackCommands {
    fn default() -> Self {
        SlackCommands {
            ask: "/ask".into(),
            quiz: "/quiz".into(),
            leaderboard: "/leaderboard".into(),
            source: "/source".into(),
            schedule: "/schedule".into(),
        }
    }
}

/// Environment variables holding secrets.
pub const DISCORD_TOKEN: &str = "SHIORI_DISCORD_TOKEN";
pub const SLACK_BOT_TOKEN: &str = "SHIORI_SLACK_BOT_TOKEN";
pub const SLACK_APP_TOKEN: &str = "SHIORI_SLACK_APP_TOKEN";
pub const SLACK_SIGNING_SECRET: &str = "SHIORI_SLACK_SIGNING_SECRET";

/// A secret from the environment (unset and empty are the same).
pub fn secret(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// One secret the config needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretNeed {
    pub variable: &'static str,
    /// Without it the configured platform cannot run at all (otherwise a feature is off).
    pub required: bool,
    /// What it is for.
    pub purpose: &'static str,
}

/// `[discord]`. The bot token comes from `SHIORI_DISCORD_TOKEN`, never from this file.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DiscordConfig {
    /// `http`: Discord posts interactions to `POST /discord/interactions`.
    #[serde(default)]
    pub mode: DiscordMode,
    /// The application's public key (hex), from the Developer Portal; required in `http` mode.
    #[serde(default)]
    pub public_key: Option<String>,
    /// The application id (for registering commands), quoted or bare.
    #[serde(default, deserialize_with = "snowflake::optional")]
    pub application_id: Option<u64>,
    /// Register commands to this guild only (instant) instead of globally; quoted or bare.
    #[serde(default, deserialize_with = "snowflake::optional")]
    pub guild_id: Option<u64>,
    /// Where REST calls go (tests point it at a local stub); Discord's API when unset.
    #[serde(default)]
    pub api_base: Option<String>,
}

/// Discord ids ("snowflakes") as people paste them: `1100000000000000000` or
/// `"1100000000000000000"` (Discord shows them as strings, and `channel` is written quoted).
pub mod snowflake {
    use serde::{de, Deserialize, Deserializer};

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Written {
        Bare(u64),
        Quoted(String),
    }

    fn parse<E: de::Error>(written: Written) -> Result<u64, E> {
        match written {
            Written::Bare(id) => Ok(id),
            Written::Quoted(text) => text.trim().parse().map_err(|_| {
                E::custom(format!("{text:?} is not a Discord id (digits only, quoted or bare)"))
            }),
        }
    }

    /// An optional id, quoted or bare.
    pub fn optional<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
        Option::<Written>::deserialize(d)?.map(parse).transpose()
    }

    /// A channel id kept as text (Slack's are letters, Discord's digits), quoted or bare.
    pub fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        match Written::deserialize(d)? {
            Written::Bare(id) => Ok(id.to_string()),
            Written::Quoted(text) => Ok(text),
        }
    }
}

/// How Discord reaches the bot.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum DiscordMode {
    /// A gateway (websocket) session (the default): the bot dials out, no public URL needed.
    #[default]
    Gateway,
    /// The HTTP interactions endpoint.
    Http,
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
}

impl Default for QuizConfig {
    fn default() -> Self {
        QuizConfig { timezone: default_quiz_timezone(), schedule: Vec::new(), retired: Vec::new() }
    }
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

    /// Checks values that parse but may not make sense, and returns the validated schedules.
    pub fn validate(&self, file: &str) -> Result<Vec<Schedule>, ConfigError> {
        if self.http.listen.parse::<std::net::SocketAddr>().is_err() {
            return Err(ConfigError::Value {
                file: file.to_owned(),
                key: "http.listen".into(),
                message: format!("{:?} is not an address such as 0.0.0.0:8080", self.http.listen),
            });
        }
        if let Some(discord) = &self.discord {
            let value = |key: &str, message: String| ConfigError::Value {
                file: file.to_owned(),
                key: key.into(),
                message,
            };
            let key = discord.public_key.as_deref().unwrap_or_default();
            if discord.mode == DiscordMode::Http && discord_verifier(key).is_none() {
                return Err(value(
                    "discord.public_key",
                    "must be the application's 64-character hex public key".into(),
                ));
            }
        }
        if let Some(slack) = &self.slack {
            let c = &slack.commands;
            for (key, name) in [
                ("ask", &c.ask),
                ("quiz", &c.quiz),
                ("leaderboard", &c.leaderboard),
                ("source", &c.source),
                ("schedule", &c.schedule),
            ] {
                if !name.starts_with('/') || name.len() < 2 || name.contains(char::is_whitespace) {
                    return Err(ConfigError::Value {
                        file: file.to_owned(),
                        key: format!("slack.commands.{key}"),
                        message: format!("{name:?} is not a slash command such as \"/ask\""),
                    });
                }
            }
        }
        if self.quiz.timezone.parse::<chrono_tz::Tz>().is_err() {
            return Err(ConfigError::Value {
                file: file.to_owned(),
                key: "quiz.timezone".into(),
                message: format!("{:?} is not an IANA time zone", self.quiz.timezone),
            });
        }
        for (i, id) in self.quiz.retired.iter().enumerate() {
            let well_formed = id.len() == 11
                && id.starts_with('q')
                && id[1..].chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase());
            if !well_formed {
                return Err(ConfigError::Value {
                    file: file.to_owned(),
                    key: format!("quiz.retired[{i}]"),
                    message: format!("{id:?} is not a question id such as \"q1a2b3c4d5e\""),
                });
            }
        }
        self.quiz
            .schedule
            .iter()
            .enumerate()
            .map(|(i, c)| Schedule::from_config(i, c))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| ConfigError::Value {
                file: file.to_owned(),
                key: format!("quiz.schedule[{}].{}", e.index, e.key),
                message: e.message,
            })
    }

    /// The secrets the configured platforms read from the environment.
    pub fn secret_needs(&self) -> Vec<SecretNeed> {
        let mut needs = Vec::new();
        if let Some(discord) = &self.discord {
            needs.push(SecretNeed {
                variable: DISCORD_TOKEN,
                required: discord.mode == DiscordMode::Gateway,
                purpose: match discord.mode {
                    DiscordMode::Gateway => "the Discord gateway session",
                    DiscordMode::Http => "command registration and scheduled Discord quizzes",
                },
            });
        }
        if let Some(slack) = &self.slack {
            needs.push(SecretNeed {
                variable: SLACK_BOT_TOKEN,
                required: slack.mode == SlackMode::Socket,
                purpose: "Slack Web API calls (scheduled quizzes, delayed answers)",
            });
            match slack.mode {
                SlackMode::Socket => needs.push(SecretNeed {
                    variable: SLACK_APP_TOKEN,
                    required: true,
                    purpose: "the Slack Socket Mode connection (an xapp- token)",
                }),
                SlackMode::Http => needs.push(SecretNeed {
                    variable: SLACK_SIGNING_SECRET,
                    required: true,
                    purpose: "checking Slack's request signatures",
                }),
            }
        }
        needs
    }

    /// Fails when a required secret is missing, naming its environment variable.
    pub fn check_secrets(&self) -> Result<(), ConfigError> {
        match self.secret_needs().into_iter().find(|n| n.required && secret(n.variable).is_none()) {
            Some(need) => Err(ConfigError::Secret { variable: need.variable, purpose: need.purpose }),
            None => Ok(()),
        }
    }

    /// The zone leaderboard weeks are counted in (validated by [`Config::validate`]).
    pub fn quiz_timezone(&self) -> chrono_tz::Tz {
        self.quiz.timezone.parse().unwrap_or(chrono_tz::Asia::Tokyo)
    }

    /// Reads and parses a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| ConfigError::Read { path: path.to_owned(), source })?;
        Config::parse(&text, &path.display().to_string())
    }
}

/// The Ed25519 verifier for a hex public key, if it is one.
pub fn discord_verifier(hex: &str) -> Option<serenity::interactions_endpoint::Verifier> {
    if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut bytes = [0u8; 32];
    for (i, chunk) in hex.as_bytes().chunks(2).enumerate() {
        bytes[i] = u8::from_str_radix(std::str::from_utf8(chunk).ok()?, 16).ok()?;
    }
    serenity::interactions_endpoint::Verifier::try_new(bytes).ok()
}

/// An unknown top-level table is reported as "unknown field `x`" with an empty path.
fn unknown_key(message: &str) -> Option<String> {
    let rest = message.split("unknown field `").nth(1)?;
    Some(rest.split('`').next()?.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_config_uses_bundled_notes() {
        let c = Config::parse("", "t.toml").unwrap();
        assert_eq!(c.corpus.paths, vec![PathBuf::from("corpus")]);
        assert_eq!(c.index.dir, PathBuf::from("index"));
    }

    #[test]
    fn errors_name_the_key() {
        let cases = [
            ("[corpus]\npaths = 1\n", "corpus.paths"),
            ("[index]\ndirr = \"x\"\n", "index.dirr"),
            ("[corpsu]\npaths = []\n", "corpsu"),
            ("[index]\ndir = [1]\n", "index.dir"),
        ];
        for (text, key) in cases {
            let err = Config::parse(text, "shiori.toml").unwrap_err().to_string();
            assert!(err.contains(&format!("key `{key}`")), "{text:?} → {err}");
            assert!(err.starts_with("shiori.toml"), "{err}");
        }
    }

    #[test]
    fn schedule_values_are_checked_and_named() {
        let text = "[[quiz.schedule]]\nplatform = \"discord\"\nchannel = \"1\"\ncron = \"0 9 * * 1-5\"\n\n[[quiz.schedule]]\nplatform = \"slack\"\nchannel = \"C1\"\ncron = \"0 9 * * 1-5\"\ntimezone = \"Mars/Olympus\"\n";
        let config = Config::parse(text, "shiori.toml").unwrap();
        let err = config.validate("shiori.toml").unwrap_err().to_string();
        assert!(err.contains("quiz.schedule[1].timezone"), "{err}");
        let text = "[[quiz.schedule]]\nplatform = \"discord\"\nchannel = \"1\"\ncron = \"0 9 * * 1-5\"\nreveal_after = \"eight hours\"\n";
        let err = Config::parse(text, "shiori.toml").unwrap_err().to_string();
        assert!(err.contains("quiz.schedule[0].reveal_after"), "{err}");
    }

    #[test]
    fn discord_ids_are_read_quoted_or_bare() {
        for id in ["1100000000000000000", "\"1100000000000000000\""] {
            let text = format!(
                "[discord]\nmode = \"http\"\napplication_id = {id}\nguild_id = {id}\n\n[[quiz.schedule]]\nplatform = \"discord\"\nchannel = {id}\ncron = \"0 9 * * *\"\n"
            );
            let config = Config::parse(&text, "shiori.toml").unwrap();
            let discord = config.discord.unwrap();
            assert_eq!(discord.application_id, Some(1_100_000_000_000_000_000), "{text}");
            assert_eq!(discord.guild_id, Some(1_100_000_000_000_000_000), "{text}");
            assert_eq!(config.quiz.schedule[0].channel, "1100000000000000000");
        }
        let e =
            Config::parse("[discord]\napplication_id = \"12ab\"\n", "shiori.toml").unwrap_err().to_string();
        assert!(e.contains("discord.application_id") && e.contains("not a Discord id"), "{e}");
    }

    #[test]
    fn malformed_toml_is_an_error_not_a_panic() {
        assert!(Config::parse("[corpus\npaths=", "x.toml").is_err());
    }
}
