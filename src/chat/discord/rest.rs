//! Discord's REST side through serenity's HTTP client: the client itself (pointed at
//! `discord.api_base` in tests), the slash commands shiori registers, and the poster of
//! scheduled quizzes.

use std::sync::Arc;

use serenity::builder::{CreateCommand, CreateCommandOption, CreateMessage, EditMessage};
use serenity::http::Http;
use serenity::interactions_endpoint::Verifier;
use serenity::model::application::CommandOptionType;
use serenity::model::id::{ApplicationId, GuildId};
use serenity::model::Permissions;

use super::interaction::parts;
use super::NAME;
use crate::bot::Reply;
use crate::chat::signed::{fresh, Refused};
use crate::quiz::game::Reveal;
use crate::quiz::runner::{PostError, PostFuture, Poster};
use crate::quiz::Question;
use chrono::{DateTime, Utc};

/// Checks a request's Ed25519 signature; `now` is the current Unix time in seconds.
pub fn verify(
    verifier: &Verifier,
    signature: Option<&str>,
    timestamp: Option<&str>,
    body: &[u8],
    now: i64,
) -> Result<(), Refused> {
    let (signature, timestamp) = fresh(signature, timestamp, now)?;
    signed_by(verifier, signature, timestamp, body)
}

/// The Ed25519 check alone, for [`crate::chat::signed::check`] (which checks freshness first).
pub(super) fn signed_by(
    verifier: &Verifier,
    signature: &str,
    timestamp: &str,
    body: &[u8],
) -> Result<(), Refused> {
    verifier.verify(signature, timestamp, body).map_err(|()| Refused::BadSignature)
}

/// serenity's REST client for the bot token. `api_base` sends the REST calls to another host
/// (serenity's proxy setting); tests point it at a local stub.
pub fn http(token: &str, api_base: Option<&str>, application_id: Option<u64>) -> Http {
    let mut builder = serenity::http::HttpBuilder::new(token);
    if let Some(base) = api_base {
        // serenity 0.12.5 applies the proxy only with its own rate limiter off (its limiter
        // builds requests without the proxy); a proxy is expected to rate-limit itself.
        builder = builder.proxy(base.trim_end_matches('/')).ratelimiter_disabled(true);
    }
    if let Some(id) = application_id.filter(|id| *id != 0) {
        builder = builder.application_id(ApplicationId::new(id));
    }
    builder.build()
}

/// [`http`], shared.
pub fn http_client(token: &str, api_base: Option<&str>, application_id: Option<u64>) -> Arc<Http> {
    Arc::new(http(token, api_base, application_id))
}

/// The slash commands shiori answers, as registered with Discord (also written to
/// `deploy/discord-commands.json` for registering by hand; a test keeps the two equal).
pub fn commands() -> Vec<CreateCommand> {
    let text = |kind, name: &str, description: &str| CreateCommandOption::new(kind, name, description);
    vec![
        CreateCommand::new("ask")
            .description("ノートから答えを探して出典つきで返します")
            .add_option(
                text(CommandOptionType::String, "query", "質問")
                    .required(true)
                    .set_autocomplete(true)
                    .max_length(500),
            )
            .add_option(
                text(CommandOptionType::Boolean, "private", "自分だけに表示（既定はサーバーの設定）")
                    .required(false),
            ),
        CreateCommand::new("quiz").description("自分用のクイズを出題します"),
        CreateCommand::new("leaderboard")
            .description("このチャンネルのランキング")
            .add_option(
                text(CommandOptionType::String, "period", "期間（既定は今週）")
                    .required(false)
                    .add_string_choice("今週", "week")
                    .add_string_choice("今月", "month")
                    .add_string_choice("通算", "all"),
            )
            .add_option(text(CommandOptionType::Boolean, "all_time", "通算で表示").required(false)),
        CreateCommand::new("me").description("自分の成績・苦手なところ・復習の数（自分だけに表示）"),
        CreateCommand::new("review").description("復習: 間違えた問題と復習時期の来た問題（自分だけに表示）"),
        CreateCommand::new("reports")
            .description("報告された問題の一覧（サーバー管理権限が必要）")
            .default_member_permissions(Permissions::MANAGE_GUILD)
            .dm_permission(false)
            .add_option(
                text(CommandOptionType::String, "restore", "元に戻す問題の ID（例: q62f65880e8）")
                    .required(false)
                    .max_length(40),
            ),
        CreateCommand::new("source")
            .description("セクション全文を表示します")
            .add_option(text(CommandOptionType::String, "id", "セクション ID").required(true)),
        schedule_command(),
        CreateCommand::new("help").description("使い方"),
    ]
}

/// `/schedule list | add | remove`, for members who may manage the server.
fn schedule_command() -> CreateCommand {
    let text = |kind, name: &str, description: &str| CreateCommandOption::new(kind, name, description);
    CreateCommand::new("schedule")
        .description("このチャンネルのクイズの予定（サーバー管理権限が必要）")
        .default_member_permissions(Permissions::MANAGE_GUILD)
        .dm_permission(false)
        .add_option(text(CommandOptionType::SubCommand, "list", "予定の一覧"))
        .add_option(
            text(CommandOptionType::SubCommand, "add", "予定を追加")
                .add_sub_option(
                    text(CommandOptionType::String, "cron", "cron 式（例: 0 9 * * 1-5）")
                        .required(true)
                        .max_length(100),
                )
                .add_sub_option(
                    text(CommandOptionType::String, "timezone", "タイムゾーン（既定 Asia/Tokyo）")
                        .max_length(64),
                )
                .add_sub_option(
                    text(CommandOptionType::String, "reveal_after", "答えの発表まで（既定 8h）")
                        .max_length(32),
                ),
        )
        .add_option(text(CommandOptionType::SubCommand, "remove", "予定を削除").add_sub_option(
            text(CommandOptionType::Integer, "id", "予定の番号（list で表示）").required(true),
        ))
}

/// Registers the commands: to `guild_id` when set (instant, for one server), else globally.
pub async fn register_commands(http: &Http, guild_id: Option<u64>) -> Result<usize, serenity::Error> {
    let registered = match guild_id.filter(|id| *id != 0) {
        Some(guild) => GuildId::new(guild).set_commands(http, commands()).await?,
        None => serenity::model::application::Command::set_global_commands(http, commands()).await?,
    };
    Ok(registered.len())
}

/// Posts scheduled quizzes and their reveals through serenity's HTTP client.
pub struct DiscordPoster {
    http: Arc<Http>,
}

impl DiscordPoster {
    pub fn new(http: Arc<Http>) -> DiscordPoster {
        DiscordPoster { http }
    }
}

fn post_error(message: impl std::fmt::Debug) -> PostError {
    PostError { platform: NAME.into(), message: format!("{message:?}") }
}

fn channel_id(channel: &str) -> Result<serenity::model::id::ChannelId, PostError> {
    channel
        .parse::<u64>()
        .ok()
        .filter(|id| *id != 0)
        .map(serenity::model::id::ChannelId::new)
        .ok_or_else(|| post_error(format!("channel {channel:?} is not a Discord channel id")))
}

impl Poster for DiscordPoster {
    fn post<'a>(
        &'a self,
        channel: &'a str,
        post_id: i64,
        question: &'a Question,
        reveal_at: DateTime<Utc>,
    ) -> PostFuture<'a, String> {
        Box::pin(async move {
            let (embeds, rows) = parts(&Reply::scheduled_question(post_id, question, reveal_at.timestamp()));
            let message = CreateMessage::new().embeds(embeds).components(rows);
            let sent = channel_id(channel)?.send_message(&self.http, message).await.map_err(post_error)?;
            Ok(sent.id.to_string())
        })
    }

    /// Edits the quiz message: the answer buttons go (「問題を報告」 stays), the answer,
    /// explanation, citation and the share who got it right take their place. Without a message id, it follows up instead.
    fn reveal<'a>(
        &'a self,
        channel: &'a str,
        message_id: Option<&'a str>,
        reveal: &'a Reveal,
    ) -> PostFuture<'a, ()> {
        Box::pin(async move {
            let channel = channel_id(channel)?;
            let (embeds, rows) = parts(&Reply::scheduled_reveal(reveal));
            let message = message_id.and_then(|m| m.parse::<u64>().ok()).filter(|m| *m != 0);
            match message {
                Some(id) => {
                    let edit = EditMessage::new().embeds(embeds).components(rows);
                    channel
                        .edit_message(&self.http, serenity::model::id::MessageId::new(id), edit)
                        .await
                        .map_err(post_error)?;
                }
                None => {
                    channel
                        .send_message(&self.http, CreateMessage::new().embeds(embeds))
                        .await
                        .map_err(post_error)?;
                }
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_deploy_commands_file_is_what_startup_registers() {
        let file: serde_json::Value =
            serde_json::from_str(include_str!("../../../deploy/discord-commands.json")).unwrap();
        let registered = serde_json::to_value(commands()).unwrap();
        assert_eq!(
            file,
            registered,
            "regenerate deploy/discord-commands.json:\n{}",
            serde_json::to_string_pretty(&registered).unwrap()
        );
    }

    #[test]
    fn stale_and_unsigned_requests_are_refused_before_the_signature() {
        let verifier = Verifier::try_new([
            215, 90, 152, 1, 130, 177, 10, 183, 213, 75, 254, 211, 201, 100, 7, 58, 14, 225, 114, 243, 218,
            166, 35, 37, 175, 2, 26, 104, 247, 7, 81, 26,
        ])
        .unwrap();
        assert_eq!(verify(&verifier, None, Some("1"), b"{}", 1), Err(Refused::Unsigned));
        assert_eq!(verify(&verifier, Some("00"), Some("1000"), b"{}", 1000 + 3600), Err(Refused::Stale));
        assert_eq!(verify(&verifier, Some("00"), Some("soon"), b"{}", 1000), Err(Refused::Stale));
        assert_eq!(verify(&verifier, Some("00"), Some("1000"), b"{}", 1000), Err(Refused::BadSignature));
    }
}
