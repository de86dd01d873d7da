//! The CLI end to end on the real notes: the stable commands, their JSON shapes, bad input.

mod common;

use common::{json, shiori, shiori_with, stderr, stdout};

fn scratch() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn lines_hold(line_start: u64, line_end: u64, needle: &str) -> bool {
    let lines = common::notes_lines();
    lines[line_start as usize - 1..line_end as usize].join("\n").contains(needle)
}

#[test]
fn index_prints_sections_and_build_time() {
    let dir = scratch();
    let out = shiori(dir.path(), &["index"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let sections: usize = text.split_whitespace().nth(1).and_then(|n| n.parse().ok()).expect("count");
    assert!(sections >= 150, "{text}");
    assert!(text.contains(" ms"), "{text}");
    assert!(dir.path().join("index").join("CURRENT").is_file());
}

#[test]
fn sections_json_has_the_design_shape() {
    let dir = scratch();
    let v = json(&shiori(dir.path(), &["sections", "--json"]));
    let list = v.as_array().unwrap();
    assert!(list.len() >= 150);
    for key in ["id", "source", "path", "title", "line_start", "line_end", "text"] {
        assert!(list[0].get(key).is_some(), "missing {key}");
    }
}

#[test]
fn search_ranks_hibernation_first_in_both_widths() {
    let dir = scratch();
    for query in ["ハイバネーション", "ＥＣ２　ハイバネーション"] {
        let v = json(&shiori(dir.path(), &["search", "--json", query]));
        let top = &v[0];
        let (start, end) = (top["line_start"].as_u64().unwrap(), top["line_end"].as_u64().unwrap());
        assert!(start <= 138 && 138 <= end, "{query}: {top}");
        assert!(top["score"].as_f64().unwrap() > 0.0);
        assert!(top.get("text").is_none(), "hits carry no text");
        assert!(!top["snippet"].as_str().unwrap().is_empty());
    }
}

#[test]
fn search_limit_is_respected() {
    let dir = scratch();
    let v = json(&shiori(dir.path(), &["search", "--json", "--limit", "2", "インスタンス"]));
    assert_eq!(v.as_array().unwrap().len(), 2);
}

#[test]
fn ask_quotes_a_passage_from_the_cited_lines() {
    let dir = scratch();
    let v = json(&shiori(dir.path(), &["ask", "--json", "オリジンフェイルオーバーとは？"]));
    assert_eq!(v["confident"], true, "{v}");
    let citation = &v["citations"][0];
    assert_eq!(citation["source"], "aws-notes.txt");
    let (start, end) = (citation["line_start"].as_u64().unwrap(), citation["line_end"].as_u64().unwrap());
    assert!(start <= 385 && 385 <= end, "{citation}");
    let answer = v["answer"].as_str().unwrap();
    let quoted: String = answer.split(": ").nth(1).unwrap_or(answer).chars().take(30).collect();
    assert!(lines_hold(start, end, &quoted), "{quoted:?} not in L{start}-{end}");
}

#[test]
fn ask_prints_passage_and_citation_line() {
    let dir = scratch();
    let out = shiori(dir.path(), &["ask", "EC2", "ハイバネーション"]);
    let text = stdout(&out);
    assert!(out.status.success());
    assert!(text.contains("出典: aws-notes.txt › 仮想サーバー › EC2(Elastic Compute Cloud) › 品質改善 › ハイバネーション (L138)"), "{text}");
    assert!(!text.contains("| ハイバネーション |"), "tables are rendered, not raw pipes: {text}");
}

#[test]
fn unrelated_question_is_not_confident_and_offers_titles() {
    let dir = scratch();
    let v = json(&shiori(dir.path(), &["ask", "--json", "明日の東京の天気を教えて"]));
    assert_eq!(v["confident"], false, "{v}");
    assert!(v["citations"].as_array().unwrap().is_empty());
}

#[test]
fn empty_question_is_a_usage_error() {
    let dir = scratch();
    let out = shiori(dir.path(), &["ask", "  "]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("empty question"), "{}", stderr(&out));
}

#[test]
fn hundred_kilobyte_question_is_refused_clearly() {
    let dir = scratch();
    let huge = "インスタンス".repeat(100 * 1024 / 18);
    let out = shiori(dir.path(), &["search", &huge]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("too long"), "{}", stderr(&out));
}

#[test]
fn query_syntax_characters_are_plain_text() {
    let dir = scratch();
    for q in ["\"ハイバネーション", "title:EC2", "(停止保護", "停止 AND 保護", "*", "-", "NOT"]
    {
        let out = shiori(dir.path(), &["search", "--json", q]);
        assert!(out.status.success(), "{q}: {}", stderr(&out));
        assert!(json(&out).is_array());
    }
}

#[test]
fn empty_notes_folder_is_a_clear_error() {
    let dir = scratch();
    let notes = dir.path().join("notes");
    std::fs::create_dir(&notes).unwrap();
    let out = shiori_with(dir.path(), &notes, &["search", "EC2"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no notes found"), "{}", stderr(&out));
}

#[test]
fn non_utf8_note_is_skipped_with_a_warning_naming_it() {
    let dir = scratch();
    let notes = dir.path().join("notes");
    std::fs::create_dir(&notes).unwrap();
    std::fs::copy(common::notes_dir().join("aws-notes.txt"), notes.join("aws-notes.txt")).unwrap();
    // "仮想サーバー" in Shift_JIS: a real way a note arrives from an old editor.
    std::fs::write(notes.join("sjis-memo.txt"), b"\x89\xbc\x91\x7a\x83\x54\x81\x5b\x83\x6f\x81\x5b\n")
        .unwrap();
    let out = shiori_with(dir.path(), &notes, &["index"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(all.contains("sjis-memo.txt") && all.contains("not UTF-8"), "{all}");
}

#[test]
fn binary_empty_huge_line_and_mixed_encoding_notes_are_handled() {
    let dir = scratch();
    let notes = dir.path().join("notes");
    std::fs::create_dir(&notes).unwrap();
    std::fs::copy(common::notes_dir().join("aws-notes.txt"), notes.join("aws-notes.txt")).unwrap();
    // A PNG saved with a .txt name, an empty note, a UTF-8 note with a Latin-1 byte in the
    // middle, and a note whose one line is 1 MB long (a pasted log).
    std::fs::write(notes.join("screenshot.txt"), b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe").unwrap();
    std::fs::write(notes.join("empty.md"), b"").unwrap();
    std::fs::write(notes.join("mixed.txt"), b"Lambda\n\xe9\xa0\x85\xe7\x9b\xae caf\xe9\n").unwrap();
    let line = format!("ゼブラフィッシュ観察ログ {}", "x".repeat(1 << 20));
    std::fs::write(notes.join("huge-line.md"), format!("# 観察\n\n{line}\n")).unwrap();
    let out = shiori_with(dir.path(), &notes, &["index"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    let all = format!("{}{}", stdout(&out), stderr(&out));
    for skipped in ["screenshot.txt", "mixed.txt"] {
        assert!(all.contains(skipped), "{skipped} is named: {all}");
    }
    assert!(!all.contains("empty.md"), "an empty note is not an error: {all}");
    // Found by its heading. (Its body words rank low: BM25 divides by the section's length.)
    let v = json(&shiori_with(dir.path(), &notes, &["search", "--json", "観察"], None));
    assert_eq!(v[0]["source"], "huge-line.md", "{v}");
    assert!(
        v[0]["snippet"].as_str().unwrap().chars().count() < 1000,
        "the snippet is a window, not the line"
    );
    let v = json(&shiori_with(dir.path(), &notes, &["search", "--json", "ハイバネーション"], None));
    assert_eq!(v[0]["line_start"], 138, "the real notes still answer: {v}");
}

#[test]
fn index_is_rebuilt_when_notes_change() {
    let dir = scratch();
    let notes = dir.path().join("notes");
    std::fs::create_dir(&notes).unwrap();
    std::fs::write(notes.join("a.md"), "# S3\n\nオブジェクトストレージ。\n").unwrap();
    assert!(shiori_with(dir.path(), &notes, &["index"], None).status.success());
    std::fs::write(
        notes.join("a.md"),
        "# S3\n\nオブジェクトストレージ。\n\n## Glacier\n\nアーカイブ用のストレージクラス。\n",
    )
    .unwrap();
    let v = json(&shiori_with(dir.path(), &notes, &["search", "--json", "Glacier"], None));
    assert_eq!(v[0]["title"], "Glacier", "{v}");
}

#[test]
fn ask_and_the_console_print_the_same_answer() {
    let dir = scratch();
    for question in ["ハイバネーションとは", "EC2を安くしたい", "Kinesis Data Streamsのシャード数"]
    {
        let asked = shiori(dir.path(), &["ask", question]);
        assert!(asked.status.success(), "{}", stderr(&asked));
        let asked = stdout(&asked);
        let input = format!("/ask {question}\n/quit\n");
        let console = shiori_with(dir.path(), &common::notes_dir(), &["console"], Some(&input));
        let console = stdout(&console);
        let reply = console.split_once('\n').map(|(_, rest)| rest).unwrap_or_default();
        assert_eq!(reply.trim_end(), asked.trim_end(), "{question}");
        assert!(asked.contains("出典") || asked.contains("ノートには"), "{asked}");
    }
}

#[test]
fn console_answers_and_quits() {
    let dir = scratch();
    let input = "/help\n/ask ハイバネーション\n/nope\n/quit\n/ask never reached\n";
    let out = shiori_with(dir.path(), &common::notes_dir(), &["console"], Some(input));
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("/ask 質問"), "{text}");
    assert!(text.contains("出典: aws-notes.txt") && text.contains("(L138)"), "{text}");
    assert!(text.contains("不明なコマンド: /nope"), "{text}");
    assert!(!text.contains("never reached"));
}

#[test]
fn malformed_config_names_the_key() {
    let dir = scratch();
    std::fs::write(dir.path().join("shiori.toml"), "[index]\ndir = 5\n").unwrap();
    let out = shiori(dir.path(), &["--config", "shiori.toml", "sections"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("index.dir"), "{}", stderr(&out));
}

#[test]
fn a_missing_config_says_so_once() {
    let dir = scratch();
    let out = shiori(dir.path(), &["--config", "nowhere.toml", "sections"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stderr(&out);
    assert!(text.contains("cannot read config nowhere.toml"), "{text}");
    // The cause is quoted by the message; the report does not repeat it.
    assert_eq!(text.matches("(os error 2)").count(), 1, "{text}");
}

#[test]
fn bad_schedule_names_the_entry_and_key() {
    let dir = scratch();
    let config = "[[quiz.schedule]]\nplatform = \"discord\"\nchannel = \"1\"\ncron = \"0 9 * * 1-5\"\n\n[[quiz.schedule]]\nplatform = \"slack\"\nchannel = \"C1\"\ncron = \"0 9 * * 1-5\"\ntimezone = \"Mars/Olympus\"\n";
    std::fs::write(dir.path().join("shiori.toml"), config).unwrap();
    let out = shiori(dir.path(), &["sections"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("shiori.toml: key `quiz.schedule[1].timezone`"), "{}", stderr(&out));
}

#[test]
fn the_example_config_loads_and_checks() {
    let dir = scratch();
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/shiori.example.toml");
    let out = shiori(dir.path(), &["--config", example.to_str().unwrap(), "check-config"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("config ok") && text.contains("quiz schedules: 1"), "{text}");
}

#[test]
fn a_retired_question_is_never_drawn() {
    let dir = scratch();
    let all = json(&shiori(dir.path(), &["quiz", "--json", "--count", "1000"]));
    let all = all.as_array().unwrap();
    let retired = all[0]["id"].as_str().unwrap().to_owned();
    std::fs::write(dir.path().join("shiori.toml"), format!("[quiz]\nretired = [\"{retired}\"]\n")).unwrap();
    let left = json(&shiori(dir.path(), &["--config", "shiori.toml", "quiz", "--json", "--count", "1000"]));
    let left = left.as_array().unwrap();
    assert_eq!(left.len(), all.len() - 1);
    assert!(left.iter().all(|q| q["id"] != retired.as_str()), "{retired} was drawn");
}

#[test]
fn bad_configs_name_their_key() {
    let cases = [
        ("[http]\nlisten = \"nowhere\"\n", "http.listen"),
        ("[http]\nlisten = 8080\n", "http.listen"),
        ("[http]\nmax_body_bytes = -1\n", "http.max_body_bytes"),
        ("[log]\nformat = \"xml\"\n", "log.format"),
        ("[store]\npath = 3\n", "store.path"),
        ("[quiz]\ntimezone = \"Tokyo\"\n", "quiz.timezone"),
        ("[quiz]\nretired = [\"q0123456789\", \"Q-1\"]\n", "quiz.retired[1]"),
        (
            "[[quiz.schedule]]\nplatform = \"irc\"\nchannel = \"x\"\ncron = \"0 9 * * *\"\n",
            "quiz.schedule[0].platform",
        ),
        (
            "[[quiz.schedule]]\nplatform = \"slack\"\nchannel = \"x\"\ncron = \"61 * * * *\"\n",
            "quiz.schedule[0].cron",
        ),
        ("[[quiz.schedule]]\nplatform = \"slack\"\nchannel = \"x\"\n", "quiz.schedule[0]"),
        ("[discrod]\nmode = \"http\"\n", "discrod"),
        ("[discord]\nmode = \"http\"\npublic_key = \"abc\"\n", "discord.public_key"),
        ("[slack]\nmode = \"websocket\"\n", "slack.mode"),
        ("[slack]\ncommands = { ask = \"ask\" }\n", "slack.commands.ask"),
        ("[slack]\nadmins = \"U1\"\n", "slack.admins"),
        ("[chat]\nask_cooldown = \"soon\"\n", "chat.ask_cooldown"),
        ("[discord]\nmode = \"carrier-pigeon\"\n", "discord.mode"),
    ];
    for (text, key) in cases {
        let dir = scratch();
        std::fs::write(dir.path().join("bad.toml"), text).unwrap();
        let out = shiori(dir.path(), &["--config", "bad.toml", "check-config"]);
        assert_eq!(out.status.code(), Some(1), "{text}");
        let err = stderr(&out);
        assert!(err.contains(&format!("key `{key}")) && err.contains("bad.toml"), "{text:?} → {err}");
    }
}

#[test]
fn a_missing_secret_is_named_by_its_variable() {
    let cases = [
        ("[slack]\nmode = \"http\"\n", "SHIORI_SLACK_SIGNING_SECRET"),
        ("[slack]\n", "SHIORI_SLACK_BOT_TOKEN"),
        ("[discord]\n", "SHIORI_DISCORD_TOKEN"),
    ];
    for (text, variable) in cases {
        let dir = scratch();
        std::fs::write(dir.path().join("s.toml"), text).unwrap();
        let out = shiori(dir.path(), &["--config", "s.toml", "check-config"]);
        assert_eq!(out.status.code(), Some(1), "{text}");
        assert!(stderr(&out).contains(variable), "{text:?} → {}", stderr(&out));
    }
}

#[test]
fn a_corrupted_index_is_rebuilt_from_the_notes() {
    let dir = scratch();
    assert!(shiori(dir.path(), &["index"]).status.success());
    let index = dir.path().join("index");
    let current = std::fs::read_to_string(index.join("CURRENT")).unwrap();
    // Scribble over every file of the live generation.
    for entry in std::fs::read_dir(index.join(current.trim())).unwrap().flatten() {
        std::fs::write(entry.path(), b"\x00garbage").unwrap();
    }
    let v = json(&shiori(dir.path(), &["search", "--json", "ハイバネーション"]));
    assert_eq!(v[0]["line_start"], 138, "{v}");
    // And a missing index directory altogether.
    std::fs::remove_dir_all(&index).unwrap();
    let v = json(&shiori(dir.path(), &["search", "--json", "ハイバネーション"]));
    assert_eq!(v[0]["line_start"], 138, "{v}");
}

#[test]
fn console_answer_commands_feedback_and_its_export_read_back() {
    let dir = scratch();
    let input = "/full\n/ask VPCエンドポイントとは\n/full\n/related\n/good\n/wrongsource\n/followup 料金は？\n/followup\n/bad\n/quit\n";
    let out = shiori_with(dir.path(), &common::notes_dir(), &["console"], Some(input));
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let replies: Vec<&str> = text.split("\n\n").collect();
    assert!(replies[0].contains("対象の回答がありません"), "no answer yet: {text}");
    // 全文: the heading path and the whole section, cited.
    assert!(
        text.contains("■ インフラ一括管理ツール › VPC › エンドポイント › サービスエンドポイント"),
        "{text}"
    );
    assert!(text.matches("出典: aws-notes.txt › インフラ一括管理ツール › VPC › エンドポイント › サービスエンドポイント (L67").count() >= 2, "answer and 全文 cite it: {text}");
    assert!(text.contains("関連: "), "{text}");
    assert_eq!(text.matches("フィードバックを記録しました").count(), 3, "{text}");
    // The follow-up is read in the previous answer's service, and says so.
    let follow = replies.iter().find(|r| r.contains("の続きとして探しました")).expect("a follow-up");
    assert!(
        follow.contains("VPC") && follow.contains("出典: aws-notes.txt › インフラ一括管理ツール › VPC"),
        "{follow}"
    );
    assert!(text.contains("質問を入力してください"), "an empty follow-up: {text}");

    // The feedback is in the store: exported as a question set the evaluation reads back.
    let export = shiori_with(dir.path(), &common::notes_dir(), &["feedback", "export"], None);
    assert!(export.status.success(), "{}", stderr(&export));
    let questions =
        shiori::eval::parse_questions(&stdout(&export)).expect("the export parses as a question set");
    let kinds: Vec<(&str, &str)> = questions.iter().map(|q| (q.text.as_str(), q.kind.as_str())).collect();
    assert!(kinds.contains(&("VPCエンドポイントとは", "feedback-wrong-source")), "{kinds:?}");
    assert!(kinds.contains(&("料金は？", "feedback-bad")), "{kinds:?}");
    assert!(questions.iter().all(|q| q.lines.is_empty()), "lines are for the maintainer to fill in");
    assert!(stdout(&export).contains("# cited: aws-notes.txt"), "{}", stdout(&export));
    let stats = stdout(&shiori_with(dir.path(), &common::notes_dir(), &["feedback", "stats"], None));
    // One verdict per member and answer: 「出典が違う」 replaced the 👍 given just before it.
    assert!(stats.contains("verdicts: 2 (👍 0, 👎 1, 出典が違う 1); helpful: 0%"), "{stats}");
    assert!(stats.contains("most disliked sections:"), "{stats}");

    // The context is in the store: a new console process (a restart) continues the last answer.
    let again =
        shiori_with(dir.path(), &common::notes_dir(), &["console"], Some("/followup 料金は？\n/quit\n"));
    let text = stdout(&again);
    assert!(text.contains("の続きとして探しました"), "after a restart: {text}");
}

/// `/me`, `/review` and `/report` in the console, piped: a missed question comes back in the
/// next session (the store keeps it) and a right answer schedules it later.
#[test]
fn console_me_review_and_report_across_sessions() {
    let dir = tempfile::tempdir().unwrap();
    let console =
        |input: &str| stdout(&shiori_with(dir.path(), &common::notes_dir(), &["console"], Some(input)));
    let empty = console("/me\n/review\n/report wrong\n/quit\n");
    assert!(empty.contains("まだ採点済みの回答がありません"), "{empty}");
    assert!(empty.contains("復習する問題はまだありません"), "{empty}");
    assert!(empty.contains("報告する問題がありません"), "{empty}");
    // Answer 1 to fresh questions until one is missed; remember the right label.
    let mut right = None;
    for _ in 0..6 {
        let out = console("/quiz\n1\n/quit\n");
        if out.contains("❌ 不正解") {
            let label = out.split("正解: ").nth(1).and_then(|r| r.split('.').next()).unwrap();
            right = Some(label.trim().to_owned());
            break;
        }
    }
    let right = right.expect("one of six questions answered 1 was missed");
    let out = console(&format!("/me\n/review\n{right}\n{right}\n/report\n/report wrong\n/review\n/quit\n"));
    assert!(out.contains("苦手なところ") && out.contains("/source "), "{out}");
    assert!(out.contains("復習: 1 問が待っています"), "{out}");
    assert!(out.contains("復習（このあと 0 問）"), "{out}");
    assert!(out.contains("⭕ 正解！") && out.contains("次の復習"), "{out}");
    assert!(out.contains("答える問題がありません"), "the review question was answered: {out}");
    assert!(out.contains("理由をつけて報告してください"), "{out}");
    assert!(out.contains("報告を受け付けました（答えが違う）"), "{out}");
    assert!(out.contains("いま復習する問題はありません。次の復習:"), "{out}");
}

#[test]
fn output_that_cannot_be_written_is_an_error_and_a_closed_pipe_is_not() {
    use std::process::{Command, Stdio};
    let dir = scratch();
    assert!(shiori(dir.path(), &["index"]).status.success());
    let run = |stdout: Stdio| {
        Command::new(env!("CARGO_BIN_EXE_shiori"))
            .arg("--corpus")
            .arg(common::notes_dir())
            .arg("--index")
            .arg(dir.path().join("index"))
            .args(["search", "--json", "ハイバネーション"])
            .env_remove("SHIORI_LOG")
            .stdout(stdout)
            .stderr(Stdio::piped())
            .output()
            .unwrap()
    };
    let full = run(Stdio::from(std::fs::File::options().write(true).open("/dev/full").unwrap()));
    assert_eq!(full.status.code(), Some(1), "{}", stderr(&full));
    assert!(stderr(&full).contains("writing the output"), "{}", stderr(&full));
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let closed = run(Stdio::from(writer));
    assert!(closed.status.success(), "{}", stderr(&closed));
}

#[test]
fn the_console_shows_each_reply_before_the_next_line_is_typed() {
    use std::io::{BufRead, Write};
    use std::process::{Command, Stdio};
    let dir = scratch();
    let mut child = Command::new(env!("CARGO_BIN_EXE_shiori"))
        .arg("--corpus")
        .arg(common::notes_dir())
        .arg("--index")
        .arg(dir.path().join("index"))
        .arg("console")
        .current_dir(dir.path())
        .env_remove("SHIORI_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all("/ask ハイバネーション\n".as_bytes()).unwrap();
    input.flush().unwrap();
    // stdin stays open: the citation must arrive while the console waits for the next line.
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let cited = std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .any(|line| line.contains("出典: aws-notes.txt"));
        let _ = tx.send(cited);
    });
    let cited = rx.recv_timeout(std::time::Duration::from_secs(30));
    drop(input);
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(cited, Ok(true), "the reply did not come while stdin was open");
}
