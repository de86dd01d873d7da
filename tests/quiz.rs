//! Quizzes end to end: generation on the real notes, a week of schedules on a controlled clock,
//! restarts, reveals, many members answering at once, and a crash that loses nothing.

mod common;

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use shiori::corpus;
use shiori::quiz::game::{AnswerOutcome, Event, Period, Quizmaster};
use shiori::quiz::generate;
use shiori::quiz::schedule::{Clock, ManualClock, Schedule, ScheduleConfig};
use shiori::store::Store;
use unicode_normalization::UnicodeNormalization;

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn weekday_nine_tokyo() -> Schedule {
    let config: ScheduleConfig = toml::from_str(
        "platform = \"discord\"\nchannel = \"study\"\ncron = \"0 9 * * 1-5\"\ntimezone = \"Asia/Tokyo\"\nreveal_after = \"8h\"\n",
    )
    .unwrap();
    Schedule::from_config(0, &config).unwrap()
}

fn pool() -> Vec<shiori::quiz::Question> {
    generate::generate(&corpus::load(&[common::notes_dir()]).unwrap().sections).unwrap()
}

fn master(path: &std::path::Path) -> Quizmaster {
    Quizmaster::new(Arc::new(Store::open(path).unwrap()), pool(), vec![weekday_nine_tokyo()])
}

fn fold(s: &str) -> String {
    s.nfkc().collect::<String>().to_lowercase()
}

#[test]
fn quiz_json_on_the_bundled_notes() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::shiori(dir.path(), &["quiz", "--json", "--count", "150", "--seed", "1"]);
    let v = common::json(&out);
    let list = v.as_array().unwrap();
    let ids: std::collections::HashSet<&str> = list.iter().map(|q| q["id"].as_str().unwrap()).collect();
    assert!(ids.len() >= 120, "{} distinct questions", ids.len());
    let lines = common::notes_lines().len() as u64;
    for q in list {
        let choices: Vec<&str> =
            q["choices"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
        let distinct: std::collections::HashSet<&&str> = choices.iter().collect();
        assert!((3..=4).contains(&choices.len()) && distinct.len() == choices.len(), "{q}");
        let answer = choices[q["answer_index"].as_u64().unwrap() as usize];
        let source = &q["source"];
        assert_eq!(source["source"], "aws-notes.txt");
        let (start, end) = (source["line_start"].as_u64().unwrap(), source["line_end"].as_u64().unwrap());
        assert!(1 <= start && start <= end && end <= lines, "{q}");
        assert!(!fold(q["question"].as_str().unwrap()).contains(&fold(answer)), "answer leaks: {q}");
        assert!(!q["explanation"].as_str().unwrap().is_empty());
    }
    let again =
        common::json(&common::shiori(dir.path(), &["quiz", "--json", "--count", "150", "--seed", "1"]));
    assert_eq!(v, again, "same seed, same output");
    let other =
        common::json(&common::shiori(dir.path(), &["quiz", "--json", "--count", "150", "--seed", "2"]));
    assert_ne!(v, other, "another seed, another order");
}

#[test]
fn a_week_of_weekday_nine_tokyo_posts_five_times_at_midnight_utc() {
    let dir = tempfile::tempdir().unwrap();
    let quiz = master(&dir.path().join("shiori.db"));
    // Monday 2026-11-23 00:00 in Tokyo is Sunday 15:00 UTC.
    let clock = ManualClock::new(utc("2026-11-22T15:00:00Z"));
    let end = utc("2026-11-29T15:00:00Z");
    let (mut posts, mut reveals) = (Vec::new(), Vec::new());
    let mut wakes = 0;
    while clock.now() < end {
        for event in quiz.tick(clock.now()).unwrap() {
            match event {
                Event::Posted { .. } => posts.push(clock.now()),
                Event::Revealed(r) => reveals.push((clock.now(), r.post.posted_at)),
            }
        }
        let next = quiz.next_wake(clock.now()).unwrap().expect("a schedule always has a next slot");
        clock.set(next);
        wakes += 1;
        assert!(wakes < 100, "the scheduler should sleep until the next slot, not spin");
    }
    let want: Vec<DateTime<Utc>> =
        ["23", "24", "25", "26", "27"].iter().map(|d| utc(&format!("2026-11-{d}T00:00:00Z"))).collect();
    assert_eq!(posts, want);
    assert_eq!(reveals.len(), 5);
    for (at, posted) in reveals {
        assert_eq!(
            at.timestamp_millis() - posted,
            Duration::hours(8).num_milliseconds(),
            "revealed 8h after posting"
        );
    }
}

#[test]
fn a_restart_just_after_a_post_does_not_post_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shiori.db");
    let posted = master(&path).tick(utc("2026-11-23T00:00:00Z")).unwrap();
    assert_eq!(posted.len(), 1);
    // A new process on the same store, 30 seconds later.
    let again = master(&path).tick(utc("2026-11-23T00:00:30Z")).unwrap();
    assert!(again.is_empty(), "{again:?}");
}

#[test]
fn a_restart_after_a_missed_slot_posts_once_and_never_floods() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shiori.db");
    // Down at 09:00 Tokyo, back at 09:20: one catch-up post, then nothing more.
    let quiz = master(&path);
    let first = quiz.tick(utc("2026-11-23T00:20:00Z")).unwrap();
    assert_eq!(first.iter().filter(|e| matches!(e, Event::Posted { .. })).count(), 1);
    assert!(quiz
        .tick(utc("2026-11-23T00:21:00Z"))
        .unwrap()
        .iter()
        .all(|e| !matches!(e, Event::Posted { .. })));
    // Down from Tuesday to Thursday 12:00 Tokyo: the missed slots are not posted at all.
    let later = master(&path).tick(utc("2026-11-26T03:00:00Z")).unwrap();
    assert!(later.iter().all(|e| !matches!(e, Event::Posted { .. })), "{later:?}");
}

#[test]
fn reveals_fire_after_reveal_after_also_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shiori.db");
    let quiz = master(&path);
    quiz.tick(utc("2026-11-23T00:00:00Z")).unwrap();
    assert!(quiz.tick(utc("2026-11-23T07:59:00Z")).unwrap().is_empty(), "not before 8h");
    drop(quiz);
    let events = master(&path).tick(utc("2026-11-23T09:30:00Z")).unwrap();
    assert!(matches!(events.as_slice(), [Event::Revealed(r)] if r.post.revealed), "{events:?}");
    assert!(master(&path).tick(utc("2026-11-23T09:31:00Z")).unwrap().is_empty(), "revealed once");
}

#[test]
fn answers_from_many_users_are_recorded_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let quiz = Arc::new(master(&dir.path().join("shiori.db")));
    let now = utc("2026-11-23T00:00:00Z");
    let Event::Posted { post_id, question, .. } = quiz.tick(now).unwrap().remove(0) else {
        panic!("no post")
    };
    let n = question.choices.len();
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let quiz = Arc::clone(&quiz);
            std::thread::spawn(move || {
                for u in 0..50 {
                    let user = format!("user{}", (t * 50 + u) % 300);
                    // Every member clicks twice: the second click must not count.
                    quiz.answer(post_id, &user, u % n, now).unwrap();
                    quiz.answer(post_id, &user, (u + 1) % n, now).unwrap();
                }
            })
        })
        .collect();
    threads.into_iter().for_each(|t| t.join().unwrap());
    let answers = quiz.store.answers(post_id).unwrap();
    assert_eq!(answers.len(), 300, "each of 300 users once");
    let reveal = quiz.reveal(post_id).unwrap().unwrap();
    assert_eq!(reveal.answered, 300);
    assert_eq!(reveal.correct, answers.iter().filter(|(_, c, _)| *c == question.answer_index).count());
    // The spread counts every member's first click once: by choice, summing to those who answered.
    let by_choice: Vec<usize> = (0..n).map(|c| answers.iter().filter(|(_, a, _)| *a == c).count()).collect();
    assert_eq!(reveal.by_choice, by_choice);
    assert_eq!(reveal.by_choice.iter().sum::<usize>(), 300);
    assert!(reveal.first_right.is_some());
}

#[test]
fn answer_rules_for_second_clicks_closed_and_missing_posts() {
    let dir = tempfile::tempdir().unwrap();
    let quiz = master(&dir.path().join("shiori.db"));
    let now = utc("2026-11-23T00:00:00Z");
    let Event::Posted { post_id, .. } = quiz.tick(now).unwrap().remove(0) else { panic!("no post") };
    assert!(matches!(
        quiz.answer(post_id, "a", 1, now).unwrap(),
        AnswerOutcome::Recorded { choice: 1, reveal: None, next_review: None }
    ));
    assert_eq!(quiz.answer(post_id, "a", 2, now).unwrap(), AnswerOutcome::AlreadyAnswered { choice: 1 });
    assert_eq!(quiz.answer(post_id, "b", 9, now).unwrap(), AnswerOutcome::InvalidChoice);
    assert_eq!(quiz.answer(post_id + 1000, "a", 0, now).unwrap(), AnswerOutcome::NotFound);
    quiz.reveal(post_id).unwrap();
    assert_eq!(quiz.answer(post_id, "c", 0, now).unwrap(), AnswerOutcome::Closed);
}

#[test]
fn leaderboard_counts_this_week_and_all_time() {
    let dir = tempfile::tempdir().unwrap();
    let quiz = master(&dir.path().join("shiori.db"));
    let tz = chrono_tz::Asia::Tokyo;
    // Friday last week and Monday this week (Tokyo).
    for day in ["2026-11-20T00:00:00Z", "2026-11-23T00:00:00Z"] {
        let Event::Posted { post_id, question, .. } = quiz.tick(utc(day)).unwrap().remove(0) else {
            panic!()
        };
        quiz.answer(post_id, "alice", question.answer_index, utc(day)).unwrap();
        quiz.answer(post_id, "bob", (question.answer_index + 1) % question.choices.len(), utc(day)).unwrap();
        quiz.reveal(post_id).unwrap();
    }
    let now = utc("2026-11-24T00:00:00Z");
    let week = quiz.leaderboard("discord", "study", Period::Week, tz, now).unwrap();
    let all = quiz.leaderboard("discord", "study", Period::AllTime, tz, now).unwrap();
    assert_eq!((week[0].user.as_str(), week[0].correct, week[0].answered), ("alice", 1, 1));
    assert_eq!((all[0].user.as_str(), all[0].correct, all[0].answered, all[0].streak), ("alice", 2, 2, 2));
    assert_eq!((all[1].user.as_str(), all[1].correct, all[1].streak), ("bob", 0, 0));
}

#[test]
fn kill_dash_nine_after_an_answer_loses_nothing() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_shiori"))
        .arg("--corpus")
        .arg(common::notes_dir())
        .args(["--index", "index", "console"])
        .current_dir(dir.path())
        .env("USER", "crash-test")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    writeln!(stdin, "/quiz\n1").unwrap();
    stdin.flush().unwrap();
    // Wait until the answer is acknowledged (the verdict line), then kill without shutdown.
    let mut line = String::new();
    loop {
        line.clear();
        assert!(stdout.read_line(&mut line).unwrap() > 0, "console ended before answering");
        if line.contains("正解") {
            break;
        }
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let store = Store::open(&dir.path().join("data").join("shiori.db")).unwrap();
    assert_eq!(store.integrity_check().unwrap(), "ok");
    let board = store.leaderboard("console", "personal:crash-test", None, 10).unwrap();
    assert_eq!(board.len(), 1, "the acknowledged answer survived");
    assert_eq!(board[0].answered, 1);
}

/// The bot over the real notes with `store` (its index in `dir`).
fn bot_on_notes(dir: &std::path::Path, store: Arc<Store>) -> shiori::bot::Bot {
    let corpus = corpus::load(&[common::notes_dir()]).unwrap();
    let open = shiori::search::index::build(&dir.join("index"), &corpus.sections, &corpus.digest).unwrap();
    let loaded = shiori::search::Loaded {
        searcher: shiori::search::Searcher::new(open).unwrap(),
        corpus,
        rebuild: None,
    };
    shiori::bot::make_bot(loaded, Some(store), chrono_tz::Asia::Tokyo, vec![weekday_nine_tokyo()], &[], 2)
        .unwrap()
}

#[test]
fn the_bot_counts_commands_posts_and_answers() {
    use shiori::bot::{Block, Command, Context};
    let dir = tempfile::tempdir().unwrap();
    let metrics = Arc::new(shiori::metrics::Metrics::new());
    let store = Arc::new(Store::open_in_memory().unwrap());
    let bot = bot_on_notes(dir.path(), store).with_metrics(Arc::clone(&metrics));
    let ctx =
        Context { platform: "console".into(), channel: "personal:u".into(), user: "u".into(), admin: false };
    bot.handle(&ctx, Command::Ask { query: "ハイバネーション".into() });
    let reply = bot.handle(&ctx, Command::Quiz);
    let Some(Block::Question { post_id, .. }) = reply.blocks.first() else { panic!("{reply:?}") };
    bot.handle(&ctx, Command::Answer { post_id: *post_id, choice: 0 });
    bot.handle(&ctx, Command::Answer { post_id: *post_id, choice: 1 });
    let text = metrics.render();
    assert!(text.contains("shiori_requests_total{command=\"ask\",platform=\"console\"} 1"), "{text}");
    assert!(text.contains("shiori_quiz_posts_total 1"), "{text}");
    assert!(text.contains("shiori_quiz_answers_total 1"), "the second click is not an answer: {text}");
}

#[test]
fn retired_questions_stay_out_of_the_pool_across_reloads() {
    let dir = tempfile::tempdir().unwrap();
    let full = pool();
    let retired = full[0].id.clone();
    let quiz = master(&dir.path().join("s.db")).with_retired([retired.clone()]);
    assert_eq!(quiz.pool().len(), full.len() - 1);
    assert!(quiz.pool().iter().all(|q| q.id != retired));
    quiz.replace_pool(full.clone());
    assert!(quiz.pool().iter().all(|q| q.id != retired), "a reload brought {retired} back");
}

#[test]
fn a_reloaded_pool_is_what_the_next_slot_draws_from() {
    let dir = tempfile::tempdir().unwrap();
    let quiz = master(&dir.path().join("s.db"));
    // The notes after an edit that kept only the CloudFront part.
    let mut edited = corpus::load(&[common::notes_dir()]).unwrap().sections;
    edited.retain(|s| s.path.iter().any(|p| p == "Cloud Front"));
    let pool = generate::generate(&edited).unwrap();
    assert!(pool.len() > 5, "{}", pool.len());
    quiz.replace_pool(pool.clone());
    for day in ["2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27"] {
        let events = quiz.tick(utc(&format!("{day}T00:00:00Z"))).unwrap();
        let Some(Event::Posted { question, .. }) =
            events.into_iter().find(|e| matches!(e, Event::Posted { .. }))
        else {
            panic!("no post on {day}")
        };
        assert!(pool.iter().any(|q| q.id == question.id), "{question:?} is from the reloaded notes");
        assert!(question.source.path.iter().any(|p| p == "Cloud Front"), "{:?}", question.source);
    }
}

#[test]
fn a_full_disk_fails_quiz_writes_clearly_while_ask_keeps_answering() {
    use shiori::bot::{Command, Context};
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(&dir.path().join("s.db")).unwrap());
    let bot = bot_on_notes(dir.path(), Arc::clone(&store));
    let ctx = Context { platform: "discord".into(), channel: "study".into(), user: "u".into(), admin: false };
    let question = pool().remove(0);
    let post = shiori::store::NewPost {
        platform: "discord",
        channel: "study",
        question: &question,
        slot: None,
        posted_at: 0,
        reveal_at: i64::MAX,
    };
    let post_id = &store.claim_post(&post).unwrap().unwrap();
    // Fill the "disk": no page may be added; the answers table must grow to take an answer.
    store.cap_pages(store.page_count().unwrap()).unwrap();
    let mut failed = None;
    for i in 0..2000 {
        let other = Context { user: format!("member-{i}-{}", "x".repeat(200)), ..ctx.clone() };
        let reply = bot.handle(&other, Command::Answer { post_id: *post_id, choice: 0 }).to_plain();
        if !reply.contains("受け付けました") && !reply.contains("正解") {
            failed = Some(reply);
            break;
        }
    }
    let failed = failed.expect("the capped store ran out of room");
    assert!(failed.contains("記録に失敗") && failed.contains("/ask は使えます"), "{failed}");
    let err = store.record_answer(*post_id, &"late".repeat(5000), 0, false, 0).unwrap_err().to_string();
    assert!(err.contains("full"), "SQLite says why: {err}");
    let answer = bot.handle(&ctx, Command::Ask { query: "ハイバネーション".into() }).to_plain();
    assert!(answer.contains("aws-notes.txt") && answer.contains("L138"), "{answer}");
    assert_eq!(store.integrity_check().unwrap(), "ok");
}

#[test]
fn schedules_added_in_chat_are_for_admins_and_post_without_a_restart() {
    use shiori::bot::{Command, Context, ScheduleAction};
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(&dir.path().join("s.db")).unwrap());
    let bot = bot_on_notes(dir.path(), Arc::clone(&store));
    let member =
        Context { platform: "discord".into(), channel: "study".into(), user: "m".into(), admin: false };
    let admin = Context { user: "a".into(), admin: true, ..member.clone() };
    let add = |cron: &str, tz: Option<&str>| {
        Command::Schedule(ScheduleAction::Add {
            cron: cron.into(),
            timezone: tz.map(Into::into),
            reveal_after: Some("2h".into()),
        })
    };

    let refused = bot.handle(&member, add("30 12 * * *", None)).to_plain();
    assert!(refused.contains("Manage Server"), "{refused}");
    assert!(store.schedules(None).unwrap().is_empty(), "a member's /schedule add changed nothing");

    assert!(bot.handle(&admin, add("61 12 * * *", None)).to_plain().starts_with("cron:"));
    assert!(bot.handle(&admin, add("30 12 * * *", Some("Mars/Base"))).to_plain().starts_with("timezone:"));
    let added = bot.handle(&admin, add("30 12 * * *", Some("Asia/Tokyo"))).to_plain();
    assert!(added.contains("#1") && added.contains("Asia/Tokyo"), "{added}");

    let listed = bot.handle(&admin, Command::Schedule(ScheduleAction::List)).to_plain();
    assert!(
        listed.contains("設定ファイル: `0 9 * * 1-5`") && listed.contains("#1: `30 12 * * *`"),
        "{listed}"
    );
    let elsewhere = Context { channel: "other".into(), ..admin.clone() };
    assert!(!bot.handle(&elsewhere, Command::Schedule(ScheduleAction::List)).to_plain().contains("#1"));

    // The scheduler (a Quizmaster over the same store) posts the new slot: 12:30 Tokyo = 03:30 UTC.
    let quiz = Quizmaster::new(Arc::clone(&store), pool(), Vec::new()).with_platforms(["discord".into()]);
    assert_eq!(quiz.next_wake(utc("2026-11-24T01:00:00Z")).unwrap(), Some(utc("2026-11-24T03:30:00Z")));
    let events = quiz.tick(utc("2026-11-24T03:30:00Z")).unwrap();
    assert!(
        matches!(&events[..], [Event::Posted { platform, channel, .. }] if platform == "discord" && channel == "study"),
        "{events:?}"
    );
    // A scheduler without a Discord poster leaves the slot alone.
    let slack_only = Quizmaster::new(Arc::clone(&store), pool(), Vec::new()).with_platforms(["slack".into()]);
    let events = slack_only.tick(utc("2026-11-25T03:30:00Z")).unwrap();
    assert!(!events.iter().any(|e| matches!(e, Event::Posted { .. })), "{events:?}");

    let remove = |id| Command::Schedule(ScheduleAction::Remove { id });
    assert!(bot.handle(&member, remove(1)).to_plain().contains("Manage Server"));
    assert!(bot.handle(&elsewhere, remove(1)).to_plain().contains("ありません"));
    assert!(bot.handle(&admin, remove(1)).to_plain().contains("削除しました"));
    assert!(store.schedules(None).unwrap().is_empty());
    assert!(quiz.tick(utc("2026-11-26T03:30:00Z")).unwrap().is_empty());
}

#[tokio::test(start_paused = true)]
async fn the_scheduler_loop_posts_and_reveals_a_week_on_paused_time() {
    use shiori::quiz::game::Reveal;
    use shiori::quiz::runner::{self, PostFuture, Poster, TokioClock};
    use std::sync::Mutex;

    /// A platform that records what it was asked to show, and when.
    struct Recorder {
        clock: Arc<TokioClock>,
        shown: Mutex<Vec<(String, DateTime<Utc>)>>,
    }
    impl Poster for Recorder {
        fn post<'a>(
            &'a self,
            channel: &'a str,
            post_id: i64,
            _q: &'a shiori::quiz::Question,
            _reveal_at: DateTime<Utc>,
        ) -> PostFuture<'a, String> {
            self.shown.lock().unwrap().push((format!("post {channel}"), self.clock.now()));
            Box::pin(async move { Ok(format!("msg-{post_id}")) })
        }
        fn reveal<'a>(
            &'a self,
            _c: &'a str,
            message_id: Option<&'a str>,
            _r: &'a Reveal,
        ) -> PostFuture<'a, ()> {
            self.shown
                .lock()
                .unwrap()
                .push((format!("reveal {}", message_id.unwrap_or("-")), self.clock.now()));
            Box::pin(async { Ok(()) })
        }
    }

    let dir = tempfile::tempdir().unwrap();
    let quiz = Arc::new(master(&dir.path().join("shiori.db")));
    let clock = Arc::new(TokioClock::starting_at(utc("2026-11-22T15:00:00Z")));
    let recorder = Arc::new(Recorder { clock: Arc::clone(&clock), shown: Mutex::new(Vec::new()) });
    let posters: std::collections::HashMap<String, Arc<dyn Poster>> =
        [("discord".to_string(), Arc::clone(&recorder) as Arc<dyn Poster>)].into();
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let metrics = Arc::new(shiori::metrics::Metrics::new());
    let task =
        tokio::spawn(runner::run(Arc::clone(&quiz), posters, clock.clone(), Arc::clone(&metrics), stop_rx));
    // A simulated week passes in milliseconds: tokio jumps over every sleep.
    tokio::time::sleep(std::time::Duration::from_secs(7 * 24 * 3600)).await;
    stop_tx.send(true).unwrap();
    task.await.unwrap();

    let shown = recorder.shown.lock().unwrap().clone();
    let posts: Vec<DateTime<Utc>> =
        shown.iter().filter(|(w, _)| w == "post study").map(|(_, t)| *t).collect();
    let want: Vec<DateTime<Utc>> =
        ["23", "24", "25", "26", "27"].iter().map(|d| utc(&format!("2026-11-{d}T00:00:00Z"))).collect();
    assert_eq!(posts, want);
    let reveals: Vec<&(String, DateTime<Utc>)> =
        shown.iter().filter(|(w, _)| w.starts_with("reveal msg-")).collect();
    assert_eq!(reveals.len(), 5, "every reveal edits the posted message: {shown:?}");
    for ((_, at), posted) in reveals.iter().zip(&want) {
        assert_eq!(*at, *posted + Duration::hours(8));
    }
    assert!(metrics.render().contains("shiori_quiz_posts_total 5"));
}
