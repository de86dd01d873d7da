//! The platform-neutral reply: blocks each adapter renders in its own way (Discord embed parts,
//! Slack Block Kit blocks), every constructor of one, and the one plain-text rendering
//! ([`Reply::to_plain`]) that the terminal, `shiori ask`, `shiori quiz` and Slack's fallback
//! text all use.

use crate::answer::Answer;
use crate::corpus::{table, Citation, Section};
use crate::quiz::game::Reveal;
use crate::quiz::Question;
use crate::search::SectionRef;
use crate::store::Standing;

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
    /// The buttons under an answer (by its recorded id); 「共有」 among them when `share`. Plain
    /// text shows nothing for them (the console's commands are in `/help`).
    AnswerButtons { ask_id: i64, share: bool },
    /// Other buttons (「問題を報告」 and its reasons). Plain text shows nothing for them.
    Buttons(Vec<Button>),
    /// When a quiz post's answer is revealed (seconds since the epoch): each platform shows it
    /// in the reader's own time zone.
    RevealAt(i64),
    /// `label: @member`, a mention where the platform has them (`<@id>` on Discord and Slack,
    /// never escaped into text).
    Mention { label: String, member: String },
}

impl Block {
    /// The buttons of a block of buttons (under an answer, 「問題を報告」); `None` for other blocks.
    pub fn buttons(&self) -> Option<Vec<Button>> {
        match self {
            Block::AnswerButtons { ask_id, share } => Some(
                super::answer_buttons(*ask_id, *share)
                    .into_iter()
                    .map(|(id, label)| Button { id, label: label.to_owned() })
                    .collect(),
            ),
            Block::Buttons(buttons) => Some(buttons.clone()),
            _ => None,
        }
    }
}

/// A button: the id its click comes back with, and its label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Button {
    pub id: String,
    pub label: String,
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
        let text = section_lines(section, max_chars);
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
                    out.push(question_lines(text, choices));
                    out.push("（番号で回答）".into());
                }
                Block::AnswerButtons { .. } | Block::Buttons(_) => {}
                Block::RevealAt(at) => out.push(format!("答えの発表: {}", reveal_time_utc(*at))),
                Block::Mention { label, member } => out.push(format!("{label}: <@{member}>")),
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

    /// 「全文」: the whole section with its heading path, for the member alone (each platform
    /// splits it within its limits).
    pub fn full_section(section: &Section) -> Reply {
        let text = section_lines(section, usize::MAX);
        Reply {
            blocks: vec![
                Block::Title(section.path.join(" › ")),
                Block::Quote { marked: text.clone(), text },
                Block::Citation(section.citation()),
            ],
            ephemeral: true,
        }
    }

    /// 「関連」: the sections related to an answer, each with its citation, for the member alone.
    pub fn related(answer: &Answer) -> Reply {
        let blocks = if answer.related.is_empty() {
            vec![Block::Text("関連するセクションは見つかりませんでした。".into())]
        } else {
            vec![Block::Sections { label: "関連".into(), sections: answer.related.clone() }]
        };
        Reply { blocks, ephemeral: true }
    }

    /// A quiz question with its choices (buttons on chat platforms) and 「問題を報告」.
    pub fn question(post_id: i64, question: &Question, ephemeral: bool) -> Reply {
        Reply {
            blocks: vec![
                Block::Question {
                    post_id,
                    text: question.question.clone(),
                    choices: question.choices.clone(),
                },
                Block::Buttons(vec![super::learning::report_button(post_id)]),
            ],
            ephemeral,
        }
    }

    /// A scheduled quiz as posted to a channel: a heading, the question and its buttons, and
    /// when the answer is revealed (`reveal_at`, seconds since the epoch).
    pub fn scheduled_question(post_id: i64, question: &Question, reveal_at: i64) -> Reply {
        let mut reply = Reply::question(post_id, question, false);
        reply.blocks.insert(0, Block::Title("今日のクイズ".into()));
        reply.blocks.insert(2, Block::RevealAt(reveal_at));
        reply
    }

    /// A scheduled quiz's reveal, replacing the question: the question again, then the reveal;
    /// for a post retired because the notes changed, a notice instead (never the stale citation).
    pub fn scheduled_reveal(reveal: &Reveal) -> Reply {
        if reveal.post.retired.is_some() {
            return Reply {
                blocks: vec![
                    Block::Text(format!("Q. {}", reveal.post.question.question)),
                    Block::Text(RETIRED.into()),
                ],
                ephemeral: false,
            };
        }
        let mut reply = Reply::reveal(None, reveal, false);
        reply.blocks.insert(0, Block::Text(format!("Q. {}", reveal.post.question.question)));
        reply
    }

    /// The reveal of a quiz post, with an optional verdict for the member who answered.
    pub fn reveal(verdict: Option<&str>, reveal: &Reveal, ephemeral: bool) -> Reply {
        let mut blocks = Vec::new();
        if let Some(v) = verdict {
            blocks.push(Block::Text(v.to_owned()));
        }
        blocks.extend(answer_blocks(&reveal.post.question));
        if let Some(others) = other_choices(&reveal.post.question) {
            blocks.push(Block::Text(others));
        }
        if verdict.is_none() {
            blocks.push(Block::Text(format!(
                "正解率: {}/{} ({:.0}%)",
                reveal.correct,
                reveal.answered,
                reveal.share() * 100.0
            )));
            if reveal.answered > 0 {
                blocks.push(Block::Text(spread_lines(reveal)));
            }
            if let Some(first) = &reveal.first_right {
                blocks.push(Block::Mention { label: "一番乗り".into(), member: first.clone() });
            }
        }
        blocks.push(Block::Buttons(vec![super::learning::report_button(reveal.post.id)]));
        Reply { blocks, ephemeral }
    }

    /// A question with its answer, explanation and citation at once (`shiori quiz`).
    pub fn study(question: &Question) -> Reply {
        let mut blocks = vec![Block::Text(question_lines(&question.question, &question.choices))];
        blocks.extend(answer_blocks(question));
        Reply { blocks, ephemeral: true }
    }

    /// A channel's leaderboard under `title`.
    pub fn leaderboard(title: &str, standings: &[Standing]) -> Reply {
        let text = if standings.is_empty() {
            format!("{title}: まだ回答がありません。")
        } else {
            let lines = standings.iter().enumerate().map(|(i, s)| {
                format!(
                    "{}. {} — {}問正解 / {}問回答 (連続正解 {}, 最高 {})",
                    i + 1,
                    s.user,
                    s.correct,
                    s.answered,
                    s.streak,
                    s.best_streak
                )
            });
            std::iter::once(title.to_owned()).chain(lines).collect::<Vec<_>>().join("\n")
        };
        Reply { blocks: vec![Block::Text(text)], ephemeral: false }
    }
}

/// What replaces a quiz post whose cited lines changed before its reveal.
pub const RETIRED: &str =
    "この問題はノートが更新されたため取り消しました（出典の行が変わりました）。回答は集計しません。";

/// A reveal time for plain text: UTC, to the minute.
fn reveal_time_utc(at: i64) -> String {
    chrono::DateTime::from_timestamp(at, 0)
        .map_or_else(|| at.to_string(), |t| t.format("%Y-%m-%d %H:%M UTC").to_string())
}

/// How many chose each choice, as bars (`2. コンバーティブル ████████ 62% (5)`).
fn spread_lines(reveal: &Reveal) -> String {
    const BAR: usize = 10;
    let q = &reveal.post.question;
    q.choices
        .iter()
        .enumerate()
        .map(|(i, choice)| {
            let n = reveal.by_choice.get(i).copied().unwrap_or(0);
            let share = n as f64 / reveal.answered.max(1) as f64;
            let filled = (share * BAR as f64).round() as usize;
            let mark = if i == q.answer_index { "✅" } else { "　" };
            format!(
                "{mark}{}. {} {}{} {:.0}% ({n})",
                Question::label(i),
                clip(choice, 24),
                "█".repeat(filled),
                "░".repeat(BAR - filled),
                share * 100.0
            )
        })
        .collect::<Vec<String>>()
        .join("\n")
}

/// What each wrong choice actually is, cited (`・capacityOptimized — … (L191)`), when the
/// generator knew.
fn other_choices(q: &Question) -> Option<String> {
    if q.choice_notes.len() != q.choices.len() {
        return None;
    }
    let lines: Vec<String> = q
        .choice_notes
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != q.answer_index)
        .map(|(_, note)| format!("・{}", clip(note, 90)))
        .collect();
    Some(format!("ほかの選択肢:\n{}", lines.join("\n")))
}

/// A question's answer: the right choice, the explanation, the citation.
fn answer_blocks(q: &Question) -> [Block; 3] {
    [
        Block::Title(format!("正解: {}. {}", Question::label(q.answer_index), q.answer())),
        Block::Text(format!("解説: {}", q.explanation)),
        Block::Citation(q.source.clone()),
    ]
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

/// `Q. 問題` and the numbered choices, one per line.
fn question_lines(text: &str, choices: &[String]) -> String {
    let mut lines = vec![format!("Q. {text}")];
    lines.extend(choices.iter().enumerate().map(|(i, c)| format!("  {}. {c}", Question::label(i))));
    lines.join("\n")
}

/// Renders a section's text for chat: tables as lines, trimmed to `max_chars`.
pub fn section_lines(section: &Section, max_chars: usize) -> String {
    let text = table::render_block(&section.text).join("\n");
    if text.chars().count() <= max_chars {
        return text;
    }
    let cut: String = text.chars().take(max_chars).collect();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Citation;
    use crate::store::Post;

    #[test]
    fn a_channel_reveal_shows_the_spread_with_bars_and_the_first_right() {
        let question = Question {
            id: "q1".into(),
            question: "どれ？".into(),
            choices: vec!["スタンダード".into(), "コンバーティブル".into(), "スポット".into()],
            answer_index: 1,
            explanation: "e".into(),
            source: Citation { source: "n.txt".into(), path: vec!["x".into()], line_start: 1, line_end: 1 },
            kind: "term".into(),
            section_id: "s".into(),
            choice_notes: vec![
                "スタンダード — 期間中は変更できない (L150)".into(),
                "コンバーティブル — 変更できる (L155)".into(),
                "スポット — 中断されうる (L170)".into(),
            ],
            source_digest: String::new(),
        };
        let post = Post {
            id: 1,
            platform: "discord".into(),
            channel: "c".into(),
            message_id: None,
            question,
            slot: None,
            posted_at: 0,
            reveal_at: 0,
            revealed: true,
            retired: None,
        };
        let reveal = Reveal {
            post,
            answered: 8,
            correct: 5,
            by_choice: vec![2, 5, 1],
            first_right: Some("300000000000000001".into()),
        };
        let text = Reply::scheduled_reveal(&reveal).to_plain();
        assert!(text.contains("✅2. コンバーティブル ██████░░░░ 62% (5)"), "{text}");
        assert!(text.contains("　1. スタンダード ███░░░░░░░ 25% (2)"), "{text}");
        assert!(text.contains("一番乗り: <@300000000000000001>"), "{text}");
        // Why the others are wrong: each wrong choice, what it is, and where the notes say so.
        assert!(text.contains("ほかの選択肢:\n・スタンダード — 期間中は変更できない (L150)\n・スポット — 中断されうる (L170)"), "{text}");
        assert!(!text.contains("・コンバーティブル"), "the right one is not among the others: {text}");
        assert!(text.contains("正解率: 5/8 (62%)"), "{text}");
        // A member's own reveal (a personal quiz) has no spread.
        assert!(!Reply::reveal(Some("⭕ 正解！"), &reveal, true).to_plain().contains("██"));
    }
}
