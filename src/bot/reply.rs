//! The platform-neutral reply: blocks each adapter renders in its own way (terminal lines,
//! Discord embed parts, Slack Block Kit blocks).

use crate::answer::Answer;
use crate::corpus::{Citation, Section};
use crate::search::SectionRef;

/// One piece of a reply.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A title line.
    Title(String),
    /// The quoted passage; `marked` wraps matched words in `**`.
    Quote { text: String, marked: String },
    /// Plain text (notices, help).
    Text(String),
    /// Where the passage came from.
    Citation(Citation),
    /// Other sections: related ones, or "did you mean" titles.
    Sections { label: String, sections: Vec<SectionRef> },
    /// A quiz question: choices become buttons naming the post, so a click works after a restart.
    Question { post_id: i64, text: String, choices: Vec<String> },
}

/// What the bot says back.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Reply {
    pub blocks: Vec<Block>,
    /// Shown only to the member who asked, where the platform can.
    pub ephemeral: bool,
}

impl Reply {
    /// A short message with no citation.
    pub fn notice(text: impl Into<String>) -> Reply {
        Reply { blocks: vec![Block::Text(text.into())], ephemeral: true }
    }

    pub fn from_answer(answer: &Answer) -> Reply {
        let mut blocks = Vec::new();
        if let Some(title) = &answer.title {
            blocks.push(Block::Title(title.clone()));
        }
        if answer.confident {
            blocks.push(Block::Quote { text: answer.answer.clone(), marked: answer.marked("**", "**") });
        } else {
            blocks.push(Block::Text(answer.answer.clone()));
        }
        blocks.extend(answer.citations.iter().cloned().map(Block::Citation));
        if !answer.related.is_empty() {
            let label = if answer.confident { "関連" } else { "もしかして" };
            blocks.push(Block::Sections { label: label.into(), sections: answer.related.clone() });
        }
        Reply { blocks, ephemeral: false }
    }

    pub fn from_section(section: &Section, max_chars: usize) -> Reply {
        let text = super::section_lines(section, max_chars);
        Reply {
            blocks: vec![
                Block::Title(section.title.clone()),
                Block::Quote { marked: text.clone(), text },
                Block::Citation(section.citation()),
            ],
            ephemeral: false,
        }
    }

    /// The reply as plain text lines, for the terminal and for tests.
    pub fn to_plain(&self) -> String {
        let mut out = Vec::new();
        for block in &self.blocks {
            match block {
                Block::Title(t) => out.push(format!("■ {t}")),
                Block::Quote { text, .. } => out.push(text.clone()),
                Block::Text(t) => out.push(t.clone()),
                Block::Citation(c) => out.push(format!("出典: {c}")),
                Block::Question { text, choices, .. } => {
                    out.push(format!("Q. {text}"));
                    for (i, c) in choices.iter().enumerate() {
                        out.push(format!("  {}. {c}", i + 1));
                    }
                    out.push("（番号で回答）".into());
                }
                Block::Sections { label, sections } => {
                    let titles: Vec<String> = sections
                        .iter()
                        .map(|s| format!("{} (L{}, id {})", s.title, s.line_start, s.id))
                        .collect();
                    out.push(format!("{label}: {}", titles.join(" / ")));
                }
            }
        }
        out.join("\n")
    }
}
