//! Discord interactions, whichever way they arrive (the gateway or the HTTP endpoint): a slash
//! command, a button click or an autocomplete request turned into the shared [`Command`], and
//! the [`Reply`] rendered as an embed with buttons within Discord's limits (title 256,
//! description 4096, field 1024, footer 2048, 25 fields, custom_id 100).

use serenity::builder::{
    CreateActionRow, CreateAutocompleteResponse, CreateButton, CreateEmbed, CreateEmbedFooter,
    CreateInteractionResponse, CreateInteractionResponseMessage,
};
use serenity::model::application::{
    CommandDataOption, CommandDataOptionValue, CommandInteraction, ComponentInteraction, Interaction,
};
use serenity::model::guild::Member;

use super::NAME;
use crate::bot::{Block, Bot, Command, Context, Reply, ScheduleAction};
use crate::chat::{answer_id, clip, parse_answer_id};

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
    Context { platform: NAME.into(), channel, user, admin }
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
pub(super) fn parts(reply: &Reply) -> (CreateEmbed, Vec<CreateButton>) {
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
                    let custom_id = answer_id(*post_id, i);
                    buttons.push(CreateButton::new(custom_id).label((i + 1).to_string()));
                }
                description.push(lines.join("\n"));
            }
        }
    }
    buttons.truncate(5);
    (embed.description(clip(&description.join("\n\n"), 4096)), buttons)
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
