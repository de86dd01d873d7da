//! `shiori console`: the chat bot in the terminal. Lines are commands (`/ask …`, `/source …`,
//! `/help`, `/quit`); a line without a slash is a question.

use std::io::{BufRead, Write};

use crate::bot::{Bot, Command};

/// What one console line means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Command(Command),
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
    let Some(rest) = line.strip_prefix('/') else {
        return Input::Command(Command::Ask { query: line.to_owned() });
    };
    let (name, arg) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let arg = arg.trim().to_owned();
    match name {
        "ask" => Input::Command(Command::Ask { query: arg }),
        "source" => Input::Command(Command::Source { id: arg }),
        "help" => Input::Command(Command::Help),
        "quit" | "exit" | "q" => Input::Quit,
        other => Input::Unknown(other.to_owned()),
    }
}

/// Runs the console until `/quit` or end of input.
pub fn run(bot: &Bot, input: impl BufRead, mut output: impl Write, prompt: bool) -> std::io::Result<()> {
    writeln!(output, "shiori console — /ask 質問, /help, /quit")?;
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
        match parse_line(&line) {
            Input::Command(command) => writeln!(output, "{}\n", bot.handle(command).to_plain())?,
            Input::Quit => break,
            Input::Nothing => {}
            Input::Unknown(name) => writeln!(output, "不明なコマンド: /{name} (/help で一覧)\n")?,
        }
    }
    Ok(())
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
    }
}
