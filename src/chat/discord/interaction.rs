//! Discord interactions, whichever way they arrive (the gateway or the HTTP endpoint): a slash
//! command, a button click or an autocomplete request turned into the shared [`Command`], and
//! the [`Reply`] rendered as an embed with buttons within Discord's limits (title 256,
//! description 4096, field 1024, footer 2048, 25 fields, custom_id 100).

use serenity::all::{ActionRowComponent, ButtonStyle, InputTextStyle, ModalInteraction};
use serenity::builder::{
    CreateActionRow, CreateAutocompleteResponse, CreateButton, CreateEmbed, CreateEmbedFooter,
    CreateInputText, CreateInteractionResponse, CreateInteractionResponseMessage, CreateModal,
};
use serenity::model::application::{
    CommandDataOption, CommandDataOptionValue, CommandInteraction, ComponentInteraction, Interaction,
};
use serenity::model::guild::Member;

use super::NAME;
use crate::bot::{
    button_command, parse_ask_button, Block, Bot, Command, Context, Reply, ScheduleAction, FOLLOW_UP,
};
use crate::chat::{answer_id, clip, parse_answer_id};
use crate::quiz::game::Period;

/// Answers one verified interaction. `None` for kinds shiori does not handle.
pub fn respond(bot: &Bot, interaction: &Interaction) -> Option<CreateInteractionResponse> {
    match interaction {
        Interaction::Ping(_) => Some(CreateInteractionResponse::Pong),
        Interaction::Command(command) => {
            let (ctx, cmd) = command_of(command);
            Some(CreateInteractionResponse::Message(render(&bot.handle(&ctx, cmd))))
        }
        Interaction::Autocomplete(command) => Some(autocomplete(bot, command)),
        Interaction::Component(component) => {
            if let Some((ask_id, FOLLOW_UP)) = parse_ask_button(&component.data.custom_id) {
                return Some(follow_up_modal(ask_id));
            }
            let reply = match answer_of(component) {
                Some((ctx, cmd)) => bot.handle(&ctx, cmd),
                None => Reply::notice("このボタンは使えません。"),
            };
            Some(CreateInteractionResponse::Message(render(&reply)))
        }
        Interaction::Modal(modal) => {
            let reply = match follow_up_of(modal) {
                Some((ctx, cmd)) => bot.handle(&ctx, cmd),
                None => Reply::notice("このフォームは使えません。"),
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

/// `/leaderboard [period]` (and the older `all_time` flag).
fn leaderboard_of(command: &CommandInteraction) -> Command {
    let period = match string_option(command, "period") {
        Some(text) => Period::parse(&text).unwrap_or_default(),
        None if bool_option(command, "all_time") => Period::AllTime,
        None => Period::Week,
    };
    Command::Leaderboard { period }
}

/// The shared command for a slash command.
pub fn command_of(command: &CommandInteraction) -> (Context, Command) {
    let ctx = context(command.channel_id.to_string(), command.user.id.to_string(), command.member.as_deref());
    let cmd = match command.data.name.as_str() {
        "ask" => {
            let query = string_option(command, "query").unwrap_or_default();
            let private =
                command.data.options.iter().find(|o| o.name == "private").and_then(|o| o.value.as_bool());
            match private {
                Some(private) => Command::AskWith { query, private },
                None => Command::Ask { query },
            }
        }
        "source" => Command::Source { id: string_option(command, "id").unwrap_or_default() },
        "quiz" => Command::Quiz,
        "me" => Command::Me,
        "review" => Command::Review,
        "reports" => match string_option(command, "restore") {
            Some(id) => Command::Restore { question_id: id },
            None => Command::Reports,
        },
        "leaderboard" => leaderboard_of(command),
        "schedule" => schedule_action(command),
        _ => Command::Help,
    };
    (ctx, cmd)
}

/// What a button stands for: a quiz answer, or an action on an answer.
fn answer_of(component: &ComponentInteraction) -> Option<(Context, Command)> {
    let id = &component.data.custom_id;
    let command = match parse_answer_id(id) {
        Some((post_id, choice)) => Command::Answer { post_id, choice },
        None => button_command(id)?,
    };
    let ctx =
        context(component.channel_id.to_string(), component.user.id.to_string(), component.member.as_ref());
    Some((ctx, command))
}

/// Prefix of the follow-up form's id: `shiori:followup:<answer id>`.
const FOLLOW_UP_FORM: &str = "shiori:followup:";

/// 「続けて質問」: a form with one text field, naming the answer it continues.
fn follow_up_modal(ask_id: i64) -> CreateInteractionResponse {
    let field =
        CreateInputText::new(InputTextStyle::Paragraph, "質問（前の回答の続きとして探します）", "query")
            .placeholder("料金は？")
            .max_length(500);
    let modal = CreateModal::new(format!("{FOLLOW_UP_FORM}{ask_id}"), "続けて質問")
        .components(vec![CreateActionRow::InputText(field)]);
    CreateInteractionResponse::Modal(modal)
}

/// The follow-up a submitted form stands for.
fn follow_up_of(modal: &ModalInteraction) -> Option<(Context, Command)> {
    let ask_id = modal.data.custom_id.strip_prefix(FOLLOW_UP_FORM)?.parse().ok()?;
    let query = modal
        .data
        .components
        .iter()
        .flat_map(|row| &row.components)
        .find_map(|c| match c {
            ActionRowComponent::InputText(input) if input.custom_id == "query" => input.value.clone(),
            _ => None,
        })
        .unwrap_or_default();
    let ctx = context(modal.channel_id.to_string(), modal.user.id.to_string(), modal.member.as_ref());
    Some((ctx, Command::FollowUp { ask_id: Some(ask_id), query }))
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

/// Renders a reply as an interaction message: its embeds and its rows of buttons.
pub fn render(reply: &Reply) -> CreateInteractionResponseMessage {
    let (embeds, rows) = parts(reply);
    let message = CreateInteractionResponseMessage::new().embeds(embeds).ephemeral(reply.ephemeral);
    if rows.is_empty() {
        message
    } else {
        message.components(rows)
    }
}

/// Most characters of all of a message's embeds together.
const MESSAGE_CHARS: usize = 6000;
/// Most characters of one embed's description.
const DESCRIPTION_CHARS: usize = 4096;
/// Most buttons in one row.
const ROW: usize = 5;

/// A reply's embeds (title, description, fields, footer; a description longer than one embed
/// holds goes on in more, within the message's 6000 characters) and its rows of buttons.
pub(super) fn parts(reply: &Reply) -> (Vec<CreateEmbed>, Vec<CreateActionRow>) {
    let mut embed = CreateEmbed::new();
    let mut used = 0;
    let mut description = Vec::new();
    let mut fields = 0;
    let mut rows = Vec::new();
    for block in &reply.blocks {
        match block {
            Block::Title(t) => {
                let title = clip(t, 256);
                used += title.chars().count();
                embed = embed.title(title);
            }
            Block::Quote { marked, .. } => description.push(marked.clone()),
            Block::Text(t) => description.push(t.clone()),
            Block::Citation(c) => {
                let footer = clip(&format!("出典: {c}"), 2048);
                used += footer.chars().count();
                embed = embed.footer(CreateEmbedFooter::new(footer))
            }
            Block::Sections { label, sections } if fields < 25 => {
                let titles: Vec<String> =
                    sections.iter().map(|s| format!("{} (L{})", s.title, s.line_start)).collect();
                let (name, value) = (clip(label, 256), clip(&titles.join("\n"), 1024));
                used += name.chars().count() + value.chars().count();
                embed = embed.field(name, value, false);
                fields += 1;
            }
            Block::Sections { .. } => {}
            Block::Question { post_id, text, choices } => {
                let mut lines = vec![text.clone()];
                let mut buttons = Vec::new();
                for (i, choice) in choices.iter().enumerate() {
                    lines.push(format!("**{}.** {choice}", i + 1));
                    buttons.push(CreateButton::new(answer_id(*post_id, i)).label((i + 1).to_string()));
                }
                buttons.truncate(ROW);
                rows.push(CreateActionRow::Buttons(buttons));
                description.push(lines.join("\n"));
            }
            Block::AnswerButtons { .. } | Block::Buttons(_) => {
                let buttons: Vec<CreateButton> = block
                    .buttons()
                    .unwrap_or_default()
                    .into_iter()
                    .map(|b| CreateButton::new(b.id).label(b.label).style(ButtonStyle::Secondary))
                    .collect();
                rows.extend(buttons.chunks(ROW).map(|row| CreateActionRow::Buttons(row.to_vec())));
            }
            // Discord shows `<t:…:R>` as "in 8 hours" in each reader's own zone and language.
            Block::RevealAt(at) => description.push(format!("答えの発表: <t:{at}:R>（<t:{at}:f>）")),
            Block::Mention { label, member } => description.push(format!("{label}: <@{member}>")),
        }
    }
    let mut pages = pages(&description.join("\n\n"), MESSAGE_CHARS.saturating_sub(used)).into_iter();
    let mut embeds = vec![embed.description(pages.next().unwrap_or_default())];
    embeds.extend(pages.map(|page| CreateEmbed::new().description(page)));
    (embeds, rows)
}

/// Text cut into embed descriptions of at most 4096 characters (at a line end where one is
/// near), `budget` characters in all; text past the budget is cut with `…`.
fn pages(text: &str, budget: usize) -> Vec<String> {
    let text = clip(text, budget.max(1));
    let chars: Vec<char> = text.chars().collect();
    let mut pages = Vec::new();
    let mut start = 0;
    while start < chars.len() {
        let mut end = (start + DESCRIPTION_CHARS).min(chars.len());
        if end < chars.len() {
            if let Some(newline) =
                (end.saturating_sub(500).max(start + 1)..end).rev().find(|&i| chars[i] == '\n')
            {
                end = newline + 1;
            }
        }
        pages.push(chars[start..end].iter().collect());
        start = end;
    }
    pages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_section_goes_on_in_more_embeds_within_the_message_limit() {
        let line = format!("{}\n", "あ".repeat(99));
        let reply = Reply {
            blocks: vec![
                Block::Title("VPC › エンドポイント".into()),
                Block::Quote { text: String::new(), marked: line.repeat(90) },
                Block::AnswerButtons { ask_id: 7, share: true },
            ],
            ephemeral: true,
        };
        let json = serde_json::to_value(render(&reply)).unwrap();
        let embeds = json["embeds"].as_array().unwrap();
        assert!(embeds.len() >= 2, "9,000 characters need more than one embed");
        let descriptions: Vec<usize> =
            embeds.iter().map(|e| e["description"].as_str().unwrap().chars().count()).collect();
        assert!(descriptions.iter().all(|&n| n <= 4096), "{descriptions:?}");
        let title = embeds[0]["title"].as_str().unwrap().chars().count();
        assert!(descriptions.iter().sum::<usize>() + title <= 6000, "{descriptions:?}");
        assert!(embeds[0]["description"].as_str().unwrap().ends_with('\n'), "cut at a line end");
        assert!(embeds.last().unwrap()["description"].as_str().unwrap().ends_with('…'), "cut, and says so");
        // Seven buttons: two rows, five at most in each.
        let rows = json["components"].as_array().unwrap();
        assert_eq!(
            rows.iter().map(|r| r["components"].as_array().unwrap().len()).collect::<Vec<_>>(),
            [5, 2]
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
}
