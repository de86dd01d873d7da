//! The one command layer every platform shares: an adapter turns its events into a [`Command`],
//! [`Bot::handle`] decides, and the adapter renders the platform-neutral [`Reply`].

mod reply;

use std::collections::HashMap;

pub use reply::{Block, Reply};

use crate::answer;
use crate::corpus::{table, Section};
use crate::search::{QueryError, Searcher};

/// What a member asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `/ask 質問`: the passage that answers it, cited.
    Ask { query: String },
    /// `/source id`: a whole section.
    Source { id: String },
    /// `/help`.
    Help,
}

/// The bot's state: the live index and the sections by id.
pub struct Bot {
    searcher: Searcher,
    sections: HashMap<String, Section>,
}

/// Longest section text `/source` shows before trimming.
const SOURCE_CHARS: usize = 1500;

impl Bot {
    pub fn new(searcher: Searcher, sections: Vec<Section>) -> Bot {
        let sections = sections.into_iter().map(|s| (s.id.clone(), s)).collect();
        Bot { searcher, sections }
    }

    /// The searcher, for callers that need raw hits (`search`, `/api/search`).
    pub fn searcher(&self) -> &Searcher {
        &self.searcher
    }

    /// Decides the reply to a command. Never fails: bad input gets a reply that says what is wrong.
    pub fn handle(&self, command: Command) -> Reply {
        match command {
            Command::Ask { query } => match answer::ask(&self.searcher, &query) {
                Ok(answer) => Reply::from_answer(&answer),
                Err(QueryError::Empty) => {
                    Reply::notice("質問を入力してください。例: `/ask ハイバネーションとは`")
                }
                Err(e @ QueryError::TooLong { .. }) => Reply::notice(format!("質問が長すぎます: {e}")),
            },
            Command::Source { id } => match self.sections.get(id.trim()) {
                Some(section) => Reply::from_section(section, SOURCE_CHARS),
                None => Reply::notice(format!("セクション `{}` は見つかりませんでした。", id.trim())),
            },
            Command::Help => Reply::notice(HELP),
        }
    }
}

const HELP: &str = "使い方:\n  /ask 質問 … ノートから答えを探して出典つきで返します\n  /source ID … セクション全文\n  /help … このヘルプ\n  /quit … 終了 (コンソールのみ)";

/// Renders a section's text for chat: tables as lines, trimmed to `max_chars`.
pub fn section_lines(section: &Section, max_chars: usize) -> String {
    let text = table::render_block(&section.text).join("\n");
    if text.chars().count() <= max_chars {
        return text;
    }
    let cut: String = text.chars().take(max_chars).collect();
    format!("{cut}…")
}
