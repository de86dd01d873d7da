//! `[discord]` in `shiori.toml`. The bot token comes from `SHIORI_DISCORD_TOKEN`, never from
//! the file.

use serde::Deserialize;

use super::DISCORD_TOKEN;
use crate::chat::SecretNeed;

/// `[discord]`: present when the bot serves Discord.
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
    #[serde(default, deserialize_with = "snowflake")]
    pub application_id: Option<u64>,
    /// Register commands to this guild only (instant) instead of globally; quoted or bare.
    #[serde(default, deserialize_with = "snowflake")]
    pub guild_id: Option<u64>,
    /// Where REST calls go (tests point it at a local stub); Discord's API when unset.
    #[serde(default)]
    pub api_base: Option<String>,
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

impl DiscordConfig {
    /// What is wrong with the values, as (key under `discord.`, message).
    pub fn problem(&self) -> Option<(&'static str, String)> {
        let key = self.public_key.as_deref().unwrap_or_default();
        (self.mode == DiscordMode::Http && verifier(key).is_none())
            .then(|| ("public_key", "must be the application's 64-character hex public key".into()))
    }

    /// The secrets this mode reads from the environment.
    pub fn secret_needs(&self) -> Vec<SecretNeed> {
        vec![SecretNeed {
            variable: DISCORD_TOKEN,
            required: self.mode == DiscordMode::Gateway,
            purpose: match self.mode {
                DiscordMode::Gateway => "the Discord gateway session",
                DiscordMode::Http => "command registration and scheduled Discord quizzes",
            },
        }]
    }
}

/// A Discord id ("snowflake") as people paste it: `1100000000000000000` or
/// `"1100000000000000000"` (Discord shows ids as strings).
fn snowflake<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Written {
        Bare(u64),
        Quoted(String),
    }
    Option::<Written>::deserialize(d)?
        .map(|written| match written {
            Written::Bare(id) => Ok(id),
            Written::Quoted(text) => text.trim().parse().map_err(|_| {
                serde::de::Error::custom(format!(
                    "{text:?} is not a Discord id (digits only, quoted or bare)"
                ))
            }),
        })
        .transpose()
}

/// The Ed25519 verifier for a hex public key, if it is one.
pub fn verifier(hex: &str) -> Option<serenity::interactions_endpoint::Verifier> {
    if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut bytes = [0u8; 32];
    for (i, chunk) in hex.as_bytes().chunks(2).enumerate() {
        bytes[i] = u8::from_str_radix(std::str::from_utf8(chunk).ok()?, 16).ok()?;
    }
    serenity::interactions_endpoint::Verifier::try_new(bytes).ok()
}
