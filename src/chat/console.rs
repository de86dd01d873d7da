//! `shiori console`: the chat bot in the terminal. Lines are commands (`/ask …`, `/source …`,
//! `/quiz`, `/me`, `/review`, `/report reason`, `/leaderboard`, `/help`, `/quit`; `/help` lists
//! them all); a number answers the last quiz or review question; any other line is a question.

use std::io::{BufRead, Write};

use crate::bot::{ask_from_text, reports_from_text, AskAction, Block, Bot, Command, Context};
use crate::quiz::game::Period;
use crate::store::ReportReason;
use crate::store::Verdict;

/// What one console line means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Command(Command),
    /// A number: the answer to the last quiz question (1-based as typed).
    Choice(usize),
    /// A button under the last answer (`/full`, `/related`, `/share`, `/good`, `/bad`,
    /// `/wrongsource`).
    OnAnswer(AskAction),
    /// `/report [reason]`: a report on the last question shown.
    Report(String),
    Quit,
    Nothing,
    Unknown(String),
}

/// Parses one line of console input.
pub fn parse_line(line: &str) -> Input {
    let line = line.trim();
    if line.is_empty() {
        return Input::Nothing;
    }
    if let Ok(n) = line.parse::<usize>() {
        return Input::Choice(n);
    }
    let Some(rest) = line.strip_prefix('/') else {
        return Input::Command(ask_from_text(line));
    };
    let (name, arg) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let arg = arg.trim().to_owned();
    match name {
        "ask" => Input::Command(ask_from_text(&arg)),
        "full" => Input::OnAnswer(AskAction::Full),
        "related" => Input::OnAnswer(AskAction::Related),
        "share" => Input::OnAnswer(AskAction::Share),
        "good" => Input::OnAnswer(AskAction::Feedback(Verdict::Good)),
        "bad" => Input::OnAnswer(AskAction::Feedback(Verdict::Bad)),
        "wrongsource" => Input::OnAnswer(AskAction::Feedback(Verdict::WrongSource)),
        "followup" => Input::Command(Command::FollowUp { ask_id: None, query: arg }),
        "source" => Input::Command(Command::Source { id: arg }),
        "quiz" => Input::Command(Command::Quiz),
        "leaderboard" | "rank" => match Period::parse(&arg) {
            Some(period) => Input::Command(Command::Leaderboard { period }),
            None => Input::Command(Command::Usage("/leaderboard [week|month|all]".into())),
        },
        "me" => Input::Command(Command::Me),
        "review" => Input::Command(Command::Review),
        "report" => Input::Report(arg),
        "reports" => Input::Command(reports_from_text(&arg)),
        "restore" => Input::Command(Command::Restore { question_id: arg }),
        "help" => Input::Command(Command::Help),
        "quit" | "exit" | "q" => Input::Quit,
        other => Input::Unknown(other.to_owned()),
    }
}

/// Runs the console until `/quit` or end of input, as `user`.
pub fn run(
    bot: &Bot,
    user: &str,
    input: impl BufRead,
    mut output: impl Write,
    prompt: bool,
) -> std::io::Result<()> {
    let ctx = Context {
        platform: "console".into(),
        channel: format!("{}{user}", crate::quiz::game::PERSONAL),
        user: user.to_owned(),
        // The console's user is whoever runs the process.
        admin: true,
    };
    writeln!(output, "shiori console — /ask 質問, /quiz, /help, /quit")?;
    let mut pending: Option<i64> = None;
    let mut last_answer: Option<i64> = None;
    let mut last_question: Option<i64> = None;
    let mut lines = input.lines();
    loop {
        if prompt {
            write!(output, "shiori> ")?;
            output.flush()?;
        }
        let Some(line) = lines.next() else { break };
        let line = match line {
            Ok(line) => line,
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                writeln!(output, "入力が UTF-8 ではありません。")?;
                continue;
            }
            Err(e) => return Err(e),
        };
        let command = match command_for(parse_line(&line), &mut pending, last_answer, last_question) {
            Ok(Some(command)) => command,
            Ok(None) => break,
            Err(message) => {
                if !message.is_empty() {
                    writeln!(output, "{message}\n")?;
                }
                continue;
            }
        };
        let reply = bot.handle(&ctx, command);
        for block in &reply.blocks {
            match block {
                Block::Question { post_id, .. } => {
                    pending = Some(*post_id);
                    last_question = Some(*post_id);
                }
                Block::AnswerButtons { ask_id, .. } => last_answer = Some(*ask_id),
                _ => {}
            }
        }
        writeln!(output, "{}\n", reply.to_plain())?;
        // The CLI buffers its output: each reply is shown as soon as it is made.
        output.flush()?;
    }
    Ok(())
}

/// The command a parsed line stands for: `Ok(None)` to quit, `Err` with what to tell the member
/// (a number with no question to answer, an unknown command; empty for a blank line). A number answers the `pending`
/// question, which is then no longer pending.
fn command_for(
    input: Input,
    pending: &mut Option<i64>,
    last_answer: Option<i64>,
    last_question: Option<i64>,
) -> Result<Option<Command>, String> {
    match input {
        Input::Report(reason) => {
            let Some(post_id) = last_question else {
                return Err(
                    "報告する問題がありません。/quiz か /review で出題された問題を報告できます。".into()
                );
            };
            match ReportReason::parse(reason.trim()) {
                Some(reason) => Ok(Some(Command::Report { post_id, reason: Some(reason) })),
                None => Err("理由をつけて報告してください: /report wrong（答えが違う）| ambiguous（曖昧）| outdated（ノートが古い）".into()),
            }
        }
        Input::Command(command) => Ok(Some(command)),
        Input::OnAnswer(action) => match last_answer {
            Some(ask_id) => Ok(Some(Command::AnswerAction { ask_id, action })),
            None => Err("対象の回答がありません。先に /ask で質問してください。".into()),
        },
        Input::Choice(n) => match (pending.take(), n.checked_sub(1)) {
            (Some(post_id), Some(choice)) => Ok(Some(Command::Answer { post_id, choice })),
            (Some(post_id), None) => {
                *pending = Some(post_id);
                Err("選択肢の番号（1〜）で答えてください。".into())
            }
            (None, _) => Err("答える問題がありません。/quiz で出題します。".into()),
        },
        Input::Quit => Ok(None),
        Input::Nothing => Err(String::new()),
        Input::Unknown(name) => Err(format!("不明なコマンド: /{name} (/help で一覧)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_become_commands() {
        assert_eq!(parse_line("/ask  EC2 とは "), Input::Command(Command::Ask { query: "EC2 とは".into() }));
        assert_eq!(
            parse_line("ハイバネーション"),
            Input::Command(Command::Ask { query: "ハイバネーション".into() })
        );
        assert_eq!(parse_line("/quit"), Input::Quit);
        assert_eq!(parse_line("   "), Input::Nothing);
        assert_eq!(parse_line("/frobnicate x"), Input::Unknown("frobnicate".into()));
        assert_eq!(parse_line("/ask"), Input::Command(Command::Ask { query: String::new() }));
        assert_eq!(parse_line(" 3 "), Input::Choice(3));
        assert_eq!(
            parse_line("/leaderboard all"),
            Input::Command(Command::Leaderboard { period: Period::AllTime })
        );
        assert_eq!(
            parse_line("/leaderboard month"),
            Input::Command(Command::Leaderboard { period: Period::Month })
        );
        assert_eq!(parse_line("/me"), Input::Command(Command::Me));
        assert_eq!(parse_line("/report wrong"), Input::Report("wrong".into()));
    }
}
