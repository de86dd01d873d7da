//! Discord over the HTTP interactions endpoint (`POST /discord/interactions`).
//!
//! A request is accepted only with a valid Ed25519 signature from `discord.public_key`
//! (serenity's `interactions_endpoint::Verifier`) over a timestamp at most five minutes off;
//! anything else gets 401. The payload is parsed into serenity's model types, turned into the
//! shared [`Command`], handled by the [`Bot`], and the [`Reply`] rendered as an embed with
//! buttons, within Discord's limits (title 256, description 4096, field 1024, footer 2048,
//! 25 fields, custom_id 100).

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use serenity::builder::{
    CreateActionRow, CreateAutocompleteResponse, CreateButton, CreateCommand, CreateCommandOption,
    CreateEmbed, CreateEmbedFooter, CreateInteractionResponse, CreateInteractionResponseMessage,
    CreateMessage, EditMessage,
};
use serenity::http::Http;
use serenity::interactions_endpoint::Verifier;
use serenity::model::application::CommandOptionType;
use serenity::model::application::{
    CommandDataOption, CommandDataOptionValue, CommandInteraction, ComponentInteraction, Interaction,
};
use serenity::model::guild::Member;
use serenity::model::id::{ApplicationId, GuildId};
use serenity::model::Permissions;

use super::signature::{fresh, Refused};
use crate::bot::{Block, Bot, Command, Context, Reply, ScheduleAction};
use crate::quiz::game::Reveal;
use crate::quiz::runner::{PostError, PostFuture, Poster};
use crate::quiz::Question;

/// Prefix of the custom_id of quiz answer buttons: `shiori:answer:<post id>:<choice>`.
const ANSWER_PREFIX: &str = "shiori:answer:";

/// Checks a request's Ed25519 signature; `now` is the current Unix time in seconds.
pub fn verify(
    verifier: &Verifier,
    signature: Option<&str>,
    timestamp: Option<&str>,
    body: &[u8],
    now: i64,
) -> Result<(), Refused> {
    let (signature, timestamp) = fresh(signature, timestamp, now)?;
    verifier.verify(signature, timestamp, body).map_err(|()| Refused::BadSignature)
}

/// The current Unix time in seconds.
pub fn unix_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// Answers one verified interaction. `None` for kinds shiori does not handle (modals).
pub fn respond(bot: &Bot, interaction: &Interaction) -> Option<CreateInteractionResponse> {
    match interaction {
        Interaction::Ping(_) => Some(CreateInteractionResponse::Pong),
        Interaction::Command(command) => {
            let (ctx, cmd) = command_of(command);
            Some(CreateInteractionResponse::Message(render(&bot.handle(&ctx, cmd))))
        }
        Interaction::Autocomplete(command) => Some(autocomplete(bot, command)),
        Interaction::Component(component) => {
            let reply = match answer_of(component) {
                Some((ctx, cmd)) => bot.handle(&ctx, cmd),
                None => Reply::notice("このボタンは使えません。"),
            };
            Some(CreateInteractionResponse::Message(render(&reply)))
        }
        _ => None,
    }
}

fn context(channel: String, user: String, member: Option<&Member>) -> Context {
    // Discord sends the member's permissions in the channel with every guild interaction; the
    // bot checks them itself rather than trusting the command's default permissions alone
    // (a server can override those).
    let admin = member.and_then(|m| m.permissions).is_some_and(|p| p.manage_guild() || p.administrator());
    Context { platform: "discord".into(), channel, user, admin }
}

fn string_in(options: &[CommandDataOption], name: &str) -> Option<String> {
    options.iter().find(|o| o.name == name).and_then(|o| match &o.value {
        CommandDataOptionValue::String(s) => Some(s.clone()),
        _ => None,
    })
}

fn string_option(command: &CommandInteraction, name: &str) -> Option<String> {
    string_in(&command.data.options, name)
}

/// `/schedule list | add cron [timezone] [reveal_after] | remove id`.
fn schedule_action(command: &CommandInteraction) -> Command {
    let Some(sub) = command.data.options.first() else { return Command::Help };
    let CommandDataOptionValue::SubCommand(options) = &sub.value else { return Command::Help };
    let action = match sub.name.as_str() {
        "list" => ScheduleAction::List,
        "add" => ScheduleAction::Add {
            cron: string_in(options, "cron").unwrap_or_default(),
            timezone: string_in(options, "timezone"),
            reveal_after: string_in(options, "reveal_after"),
        },
        "remove" => {
            let id = options.iter().find(|o| o.name == "id").and_then(|o| o.value.as_i64());
            ScheduleAction::Remove { id: id.unwrap_or(0) }
        }
        _ => return Command::Help,
    };
    Command::Schedule(action)
}

fn bool_option(command: &CommandInteraction, name: &str) -> bool {
    command
        .data
        .options
        .iter()
        .find(|o| o.name == name)
        .is_some_and(|o| matches!(o.value, CommandDataOptionValue::Boolean(true)))
}

/// The shared command for a slash command.
pub fn command_of(command: &CommandInteraction) -> (Context, Command) {
    let ctx = context(command.channel_id.to_string(), command.user.id.to_string(), command.member.as_deref());
    let cmd = match command.data.name.as_str() {
        "ask" => Command::Ask { query: string_option(command, "query").unwrap_or_default() },
        "source" => Command::Source { id: string_option(command, "id").unwrap_or_default() },
        "quiz" => Command::Quiz,
        "leaderboard" => Command::Leaderboard { all_time: bool_option(command, "all_time") },
        "schedule" => schedule_action(command),
        _ => Command::Help,
    };
    (ctx, cmd)
}

/// The answer a quiz button stands for.
fn answer_of(component: &ComponentInteraction) -> Option<(Context, Command)> {
    let (post_id, choice) = parse_answer_id(&component.data.custom_id)?;
    let ctx =
        context(component.channel_id.to_string(), component.user.id.to_string(), component.member.as_ref());
    Some((ctx, Command::Answer { post_id, choice }))
}

/// `shiori:answer:<post>:<choice>` → (post, choice).
pub fn parse_answer_id(custom_id: &str) -> Option<(i64, usize)> {
    let (post, choice) = custom_id.strip_prefix(ANSWER_PREFIX)?.split_once(':')?;
    Some((post.parse().ok()?, choice.parse().ok()?))
}

/// Section titles for `/ask` autocomplete: those containing what was typed, at most 25.
fn autocomplete(bot: &Bot, command: &CommandInteraction) -> CreateInteractionResponse {
    let typed = command.data.autocomplete().map(|a| a.value.to_owned()).unwrap_or_default();
    let typed = crate::search::analyzer::normalize(&typed);
    let mut titles: Vec<&str> =
        bot.section_titles().filter(|t| crate::search::analyzer::normalize(t).contains(&typed)).collect();
    titles.sort_unstable();
    titles.dedup();
    let mut response = CreateAutocompleteResponse::new();
    for title in titles.into_iter().take(25) {
        let title = clip(title, 100);
        response = response.add_string_choice(title.clone(), title);
    }
    CreateInteractionResponse::Autocomplete(response)
}

/// Cuts `text` to at most `max` characters, ending with `…` when cut.
pub fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Renders a reply as an interaction message: one embed and, for a quiz question, a row of
/// numbered buttons.
pub fn render(reply: &Reply) -> CreateInteractionResponseMessage {
    let (embed, buttons) = parts(reply);
    let mut message = CreateInteractionResponseMessage::new().embed(embed).ephemeral(reply.ephemeral);
    if !buttons.is_empty() {
        message = message.components(vec![CreateActionRow::Buttons(buttons)]);
    }
    message
}

/// A reply's embed (title, description, fields, footer) and its answer buttons (at most five).
fn parts(reply: &Reply) -> (CreateEmbed, Vec<CreateButton>) {
    let mut embed = CreateEmbed::new();
    let mut description = Vec::new();
    let mut fields = 0;
    let mut buttons = Vec::new();
    for block in &reply.blocks {
        match block {
            Block::Title(t) => embed = embed.title(clip(t, 256)),
            Block::Quote { marked, .. } => description.push(marked.clone()),
            Block::Text(t) => description.push(t.clone()),
            Block::Citation(c) => {
                embed = embed.footer(CreateEmbedFooter::new(clip(&format!("出典: {c}"), 2048)))
            }
            Block::Sections { label, sections } if fields < 25 => {
                let titles: Vec<String> =
                    sections.iter().map(|s| format!("{} (L{})", s.title, s.line_start)).collect();
                embed = embed.field(clip(label, 256), clip(&titles.join("\n"), 1024), false);
                fields += 1;
            }
            Block::Sections { .. } => {}
            Block::Question { post_id, text, choices } => {
                let mut lines = vec![text.clone()];
                for (i, choice) in choices.iter().enumerate() {
                    lines.push(format!("**{}.** {choice}", i + 1));
                    let custom_id = format!("{ANSWER_PREFIX}{post_id}:{i}");
                    buttons.push(CreateButton::new(custom_id).label((i + 1).to_string()));
                }
                description.push(lines.join("\n"));
            }
        }
    }
    buttons.truncate(5);
    (embed.description(clip(&description.join("\n\n"), 4096)), buttons)
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
        CreateCommand::new("ask").description("ノートから答えを探して出典つきで返します").add_option(
            text(CommandOptionType::String, "query", "質問")
                .required(true)
                .set_autocomplete(true)
                .max_length(500),
        ),
        CreateCommand::new("quiz").description("自分用のクイズを出題します"),
        CreateCommand::new("leaderboard")
            .description("このチャンネルのランキング")
            .add_option(text(CommandOptionType::Boolean, "all_time", "通算で表示").required(false)),
        CreateCommand::new("source")
            .description("セクション全文を表示します")
            .add_option(text(CommandOptionType::String, "id", "セクション ID").required(true)),
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
            )),
        CreateCommand::new("help").description("使い方"),
    ]
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
    PostError { platform: "discord".into(), message: format!("{message:?}") }
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
    fn post<'a>(&'a self, channel: &'a str, post_id: i64, question: &'a Question) -> PostFuture<'a, String> {
        Box::pin(async move {
            let (embed, buttons) = parts(&Reply::scheduled_question(post_id, question));
            let message =
                CreateMessage::new().embed(embed).components(vec![CreateActionRow::Buttons(buttons)]);
            let sent = channel_id(channel)?.send_message(&self.http, message).await.map_err(post_error)?;
            Ok(sent.id.to_string())
        })
    }

    /// Edits the quiz message: the question's buttons go, the answer, explanation, citation and
    /// the share who got it right take their place. Without a message id, it follows up instead.
    fn reveal<'a>(
        &'a self,
        channel: &'a str,
        message_id: Option<&'a str>,
        reveal: &'a Reveal,
    ) -> PostFuture<'a, ()> {
        Box::pin(async move {
            let channel = channel_id(channel)?;
            let (embed, _) = parts(&Reply::scheduled_reveal(reveal));
            let message = message_id.and_then(|m| m.parse::<u64>().ok()).filter(|m| *m != 0);
            match message {
                Some(id) => {
                    let edit = EditMessage::new().embed(embed).components(Vec::new());
                    channel
                        .edit_message(&self.http, serenity::model::id::MessageId::new(id), edit)
                        .await
                        .map_err(post_error)?;
                }
                None => {
                    channel
                        .send_message(&self.http, CreateMessage::new().embed(embed))
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
    fn answer_ids_round_trip_and_reject_garbage() {
        assert_eq!(parse_answer_id("shiori:answer:42:3"), Some((42, 3)));
        assert_eq!(parse_answer_id("shiori:answer:x:3"), None);
        assert_eq!(parse_answer_id("other:42:3"), None);
        assert!(format!("{ANSWER_PREFIX}{}:{}", i64::MAX, 3).len() <= 100, "custom_id limit");
    }

    #[test]
    fn the_deploy_commands_file_is_what_startup_registers() {
        let file: serde_json::Value =
            serde_json::from_str(include_str!("../../deploy/discord-commands.json")).unwrap();
        let registered = serde_json::to_value(commands()).unwrap();
        assert_eq!(
            file,
            registered,
            "regenerate deploy/discord-commands.json:\n{}",
            serde_json::to_string_pretty(&registered).unwrap()
        );
    }

    #[test]
    fn long_text_is_clipped_not_rejected() {
        let reply = Reply {
            blocks: vec![Block::Text("あ".repeat(5000)), Block::Title("t".repeat(300))],
            ephemeral: false,
        };
        let json = serde_json::to_value(render(&reply)).unwrap();
        let embed = &json["embeds"][0];
        assert_eq!(embed["description"].as_str().unwrap().chars().count(), 4096);
        assert_eq!(embed["title"].as_str().unwrap().chars().count(), 256);
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
