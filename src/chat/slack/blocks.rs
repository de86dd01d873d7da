//! Slack rendering: a [`Reply`] as Block Kit within Slack's limits. A text object holds at most
//! 3000 characters and a message 50 blocks: long text is split over several section blocks at
//! line ends, and past 50 blocks the rest is cut with a note, never sent for Slack to reject.
//! Text is mrkdwn-escaped; matched words are bold.

use slack_morphism::prelude::*;

use crate::bot::{Block, Reply};
use crate::chat::{answer_id, clip};

/// The longest text of one Block Kit text object.
pub const MAX_TEXT: usize = 3000;
/// The most blocks one message may have.
pub const MAX_BLOCKS: usize = 50;

/// The response to a slash command: ephemeral unless the reply is for the channel.
pub fn response(reply: &Reply) -> SlackCommandEventResponse {
    SlackCommandEventResponse::new(content(reply)).with_response_type(response_type(reply))
}

/// Whom Slack shows a reply to: the member alone, or the channel.
pub fn response_type(reply: &Reply) -> SlackMessageResponseType {
    if reply.ephemeral {
        SlackMessageResponseType::Ephemeral
    } else {
        SlackMessageResponseType::InChannel
    }
}

/// A reply as message content: Block Kit blocks and a plain-text fallback for notifications.
pub fn content(reply: &Reply) -> SlackMessageContent {
    SlackMessageContent::new().with_text(clip(&reply.to_plain(), MAX_TEXT)).with_blocks(blocks(reply))
}

/// Escapes the three characters mrkdwn gives meaning to.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Splits text into pieces of at most `max` characters, at line ends where possible.
pub fn split(text: &str, max: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut current = String::new();
    let mut count = 0;
    for line in text.split_inclusive('\n') {
        let mut line_chars = line.chars().count();
        if count + line_chars > max && count > 0 {
            pieces.push(std::mem::take(&mut current));
            count = 0;
        }
        let mut rest = line;
        while line_chars > max {
            let cut = rest.char_indices().nth(max).map(|(i, _)| i).unwrap_or(rest.len());
            pieces.push(rest[..cut].to_owned());
            rest = &rest[cut..];
            line_chars -= max;
        }
        current.push_str(rest);
        count += line_chars;
    }
    if !current.trim().is_empty() {
        pieces.push(current);
    }
    pieces
}

fn mrkdwn(text: String) -> SlackBlockText {
    SlackBlockMarkDownText::new(text).into()
}

/// A context block with one mrkdwn text.
fn context_block(text: &str) -> SlackBlock {
    SlackContextBlock::new(vec![SlackBlockMarkDownText::new(clip(text, MAX_TEXT)).into()]).into()
}

/// Section blocks for a (possibly long) mrkdwn text.
fn sections(text: &str) -> Vec<SlackBlock> {
    split(text, MAX_TEXT)
        .into_iter()
        .map(|piece| SlackSectionBlock::new().with_text(mrkdwn(piece)).into())
        .collect()
}

/// A quiz question: the stem and numbered choices, then one button per choice.
fn question_blocks(post_id: i64, text: &str, choices: &[String]) -> Vec<SlackBlock> {
    let mut lines = vec![format!("*{}*", escape(text))];
    lines.extend(choices.iter().enumerate().map(|(i, c)| format!("*{}.* {}", i + 1, escape(c))));
    let mut out = sections(&lines.join("\n"));
    let buttons: Vec<SlackActionBlockElement> = (0..choices.len().min(25))
        .map(|i| {
            let id = answer_id(post_id, i);
            SlackBlockButtonElement::new(SlackBlockPlainTextOnly::from((i + 1).to_string()))
                .with_action_id(id.clone().into())
                .with_value(id)
                .into()
        })
        .collect();
    out.push(SlackActionsBlock::new(buttons).into());
    out
}

/// The reply as Block Kit: titles and passages as sections (matched words in bold), the
/// citation and related sections as context, quiz choices as buttons.
pub fn blocks(reply: &Reply) -> Vec<SlackBlock> {
    let mut out: Vec<SlackBlock> = Vec::new();
    for block in &reply.blocks {
        match block {
            Block::Title(t) => out.extend(sections(&format!("*{}*", escape(t)))),
            Block::Quote { marked, .. } => {
                let quoted: Vec<String> =
                    escape(marked).replace("**", "*").lines().map(|l| format!("> {l}")).collect();
                out.extend(sections(&quoted.join("\n")));
            }
            Block::Text(t) => out.extend(sections(&escape(t))),
            Block::Citation(c) => out.push(context_block(&format!("出典: {}", escape(&c.to_string())))),
            Block::Sections { label, sections } => {
                let titles: Vec<String> =
                    sections.iter().map(|s| format!("{} (L{})", escape(&s.title), s.line_start)).collect();
                out.push(context_block(&format!("{}: {}", escape(label), titles.join(" / "))));
            }
            Block::Question { post_id, text, choices } => {
                out.extend(question_blocks(*post_id, text, choices))
            }
            Block::AnswerButtons { .. } | Block::Buttons(_) => {}
            // A mention must reach Slack unescaped; a member id has no markup characters.
            Block::Mention { label, member } if member.chars().all(|c| c.is_ascii_alphanumeric()) => {
                out.push(context_block(&format!("{}: <@{member}>", escape(label))))
            }
            Block::Mention { label, member } => out.extend(sections(&escape(&format!("{label}: {member}")))),
            // Slack shows `<!date^…>` in each reader's own zone; the text after `|` is the fallback.
            Block::RevealAt(at) => out.push(context_block(&format!(
                "答えの発表: <!date^{at}^{{date_short_pretty}} {{time}}|{}>",
                chrono::DateTime::from_timestamp(*at, 0).map_or_else(|| at.to_string(), |t| t.to_rfc3339())
            ))),
        }
    }
    if out.len() > MAX_BLOCKS {
        out.truncate(MAX_BLOCKS - 1);
        out.push(context_block("…（長いため省略しました）"));
    }
    // Buttons come last, and are never what a long answer cuts.
    for buttons in reply.blocks.iter().filter_map(Block::buttons) {
        if out.len() == MAX_BLOCKS {
            out.truncate(MAX_BLOCKS - 2);
            out.push(context_block("…（長いため省略しました）"));
        }
        let buttons: Vec<SlackActionBlockElement> = buttons
            .into_iter()
            .map(|b| {
                SlackBlockButtonElement::new(SlackBlockPlainTextOnly::from(b.label))
                    .with_action_id(b.id.clone().into())
                    .with_value(b.id)
                    .into()
            })
            .collect();
        out.push(SlackActionsBlock::new(buttons).into());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_lengths(blocks: &[SlackBlock]) -> Vec<usize> {
        let json = serde_json::to_value(blocks).unwrap();
        json.as_array()
            .unwrap()
            .iter()
            .filter_map(|b| b["text"]["text"].as_str())
            .map(|t| t.chars().count())
            .collect()
    }

    #[test]
    fn long_text_is_split_into_blocks_within_limits() {
        let long = "あ".repeat(7000);
        let reply = Reply { blocks: vec![Block::Text(long)], ephemeral: false };
        let blocks = blocks(&reply);
        let lengths = text_lengths(&blocks);
        assert_eq!(lengths, vec![3000, 3000, 1000]);
        let many = Reply { blocks: (0..80).map(|i| Block::Text(i.to_string())).collect(), ephemeral: false };
        let blocks = super::blocks(&many);
        assert_eq!(blocks.len(), MAX_BLOCKS);
        let last = serde_json::to_value(&blocks[MAX_BLOCKS - 1]).unwrap();
        assert!(last.to_string().contains("省略"), "{last}");
    }

    #[test]
    fn mrkdwn_is_escaped_and_highlights_are_bold() {
        let reply = Reply {
            blocks: vec![Block::Quote { text: "<b> & x".into(), marked: "<b> & **x**".into() }],
            ephemeral: false,
        };
        let json = serde_json::to_value(blocks(&reply)).unwrap();
        assert_eq!(json[0]["text"]["text"], "> &lt;b&gt; &amp; *x*");
        assert_eq!(json[0]["text"]["type"], "mrkdwn");
    }

    #[test]
    fn split_keeps_every_character() {
        let text = format!("{}\n{}\n{}", "a".repeat(2999), "b".repeat(10), "c".repeat(6500));
        let pieces = split(&text, MAX_TEXT);
        assert!(pieces.iter().all(|p| p.chars().count() <= MAX_TEXT));
        assert_eq!(pieces.concat(), text);
    }
}
