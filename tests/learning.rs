//! A quiz that teaches, through the bot's own commands on a controllable clock: `/me`,
//! `/review` spaced by FSRS, reports that void a question, posts retired when the notes change
//! under their citation, and the bad input around each.

mod common;

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use shiori::bot::{Block, Bot, Command, Context, QuizDesk, Reply, RETIRED};
use shiori::quiz::game::{Event, Period, Quizmaster};
use shiori::quiz::schedule::{Clock, ManualClock, Schedule, ScheduleConfig};
use shiori::quiz::Question;
use shiori::store::{ReportReason, Store};

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn every_minute(channel: &str) -> Schedule {
    let config: ScheduleConfig = toml::from_str(&format!(
        "platform = \"discord\"\nchannel = \"{channel}\"\ncron = \"* * * * *\"\nreveal_after = \"30s\"\n"
    ))
    .unwrap();
    Schedule::from_config(0, &config).unwrap()
}

struct Group {
    bot: Bot,
    master: Arc<Quizmaster>,
    clock: Arc<ManualClock>,
    sections: Vec<shiori::corpus::Section>,
    _dir: tempfile::TempDir,
}

/// The bot over the bundled notes with a quiz on `channel`, a file store and a manual clock.
fn group(channel: &str) -> Group {
    let dir = tempfile::tempdir().unwrap();
    let corpus = shiori::corpus::load(&[common::notes_dir()]).unwrap();
    let sections = corpus.sections.clone();
    let pool = shiori::quiz::generate::generate(&corpus.sections).unwrap();
    let open =
        shiori::search::index::build(&dir.path().join("index"), &corpus.sections, &corpus.digest).unwrap();
    let store = Arc::new(Store::open(&dir.path().join("shiori.db")).unwrap());
    let master = Arc::new(Quizmaster::new(store, pool, vec![every_minute(channel)]).with_report_threshold(2));
    let clock = Arc::new(ManualClock::new(utc("2026-11-23T00:00:00Z")));
    let bot = Bot::new(shiori::search::Searcher::new(open).unwrap(), corpus.sections).with_quiz(QuizDesk {
        master: Arc::clone(&master),
        clock: Arc::clone(&clock) as Arc<dyn Clock>,
        timezone: chrono_tz::Asia::Tokyo,
    });
    Group { bot, master, clock, sections, _dir: dir }
}

fn member(user: &str, channel: &str) -> Context {
    Context { platform: "discord".into(), channel: channel.into(), user: user.into(), admin: false }
}

/// Posts the due slot; returns the post id and its question.
fn post(g: &Group) -> (i64, Question) {
    let events = g.master.tick(g.clock.now()).unwrap();
    let Some(Event::Posted { post_id, question, .. }) =
        events.into_iter().find(|e| matches!(e, Event::Posted { .. }))
    else {
        panic!("nothing posted")
    };
    (post_id, question)
}

/// Lets the reveal time pass and reveals.
fn reveal(g: &Group) -> Vec<Event> {
    g.clock.advance(Duration::seconds(31));
    g.master.tick(g.clock.now()).unwrap()
}

fn text(reply: &Reply) -> String {
    reply.to_plain()
}

fn wrong(q: &Question) -> usize {
    (q.answer_index + 1) % q.choices.len()
}

#[test]
fn me_shows_accuracy_the_weakest_area_with_what_to_reread_and_reviews_due() {
    let g = group("study");
    let hanako = member("hanako", "study");
    // No answers yet: a clear message, not an empty report.
    let first = text(&g.bot.handle(&hanako, Command::Me));
    assert!(first.contains("まだ採点済みの回答がありません"), "{first}");
    let mut missed = Vec::new();
    for i in 0..4 {
        let (post_id, q) = post(&g);
        // Right on the first and third, wrong on the others.
        let choice = if i % 2 == 0 { q.answer_index } else { wrong(&q) };
        g.bot.handle(&hanako, Command::Answer { post_id, choice });
        // Before the reveal `/me` does not count it (it would give the answer away).
        if i == 0 {
            assert!(text(&g.bot.handle(&hanako, Command::Me)).contains("まだ採点済み"));
        }
        if i % 2 == 1 {
            missed.push(q.clone());
        }
        reveal(&g);
        g.clock.advance(Duration::seconds(29));
    }
    let me = g.bot.handle(&hanako, Command::Me);
    assert!(me.ephemeral, "/me is private");
    let me = text(&me);
    assert!(me.contains("正答率: 2/4 (50%)"), "{me}");
    assert!(me.contains("苦手なところ"), "{me}");
    // The weakest area is one of the missed questions' headings, with its citation and /source id.
    let missed_heading = |q: &Question| q.source.path[..q.source.path.len() - 1].join(" › ");
    assert!(missed.iter().any(|q| me.contains(&missed_heading(q))), "{me}");
    assert!(missed.iter().any(|q| me.contains(&format!("/source {}", q.section_id))), "{me}");
    assert!(me.contains("復習: 2 問が待っています"), "the two missed are due at once: {me}");
}

/// The group's bot over `sections` (the notes after an edit), with the group's quiz and store.
fn bot_over(g: &Group, sections: Vec<shiori::corpus::Section>, dir: &std::path::Path) -> Bot {
    let open = shiori::search::index::build(dir, &sections, "edited").unwrap();
    Bot::new(shiori::search::Searcher::new(open).unwrap(), sections).with_quiz(QuizDesk {
        master: Arc::clone(&g.master),
        clock: Arc::clone(&g.clock) as Arc<dyn Clock>,
        timezone: chrono_tz::Asia::Tokyo,
    })
}

#[test]
fn what_to_reread_is_cited_as_the_notes_are_now() {
    let g = group("study");
    let hanako = member("hanako", "study");
    let (post_id, q) = post(&g);
    g.bot.handle(&hanako, Command::Answer { post_id, choice: wrong(&q) });
    reveal(&g);
    let before = text(&g.bot.handle(&hanako, Command::Me));
    assert!(before.contains(&format!("→ {}", q.source)), "{before}");
    // Lines are added above the section: the same section now starts five lines later, and the
    // line numbers of the question as it was posted would send the member to the wrong lines.
    let mut moved = g.sections.clone();
    let section = moved.iter_mut().find(|s| s.id == q.section_id).unwrap();
    section.line_start += 5;
    section.line_end += 5;
    let now = section.citation();
    let dir = tempfile::tempdir().unwrap();
    let after = text(&bot_over(&g, moved, &dir.path().join("moved")).handle(&hanako, Command::Me));
    assert!(after.contains(&format!("→ {now}　/source {}", q.section_id)), "{after}");
    assert!(!after.contains(&format!("→ {}", q.source)), "{after}");
    // The section is gone from the notes: nothing to reread is offered, the area still shows.
    let gone: Vec<_> = g.sections.iter().filter(|s| s.id != q.section_id).cloned().collect();
    let without = text(&bot_over(&g, gone, &dir.path().join("gone")).handle(&hanako, Command::Me));
    assert!(without.contains("苦手なところ") && !without.contains("→ "), "{without}");
}

#[test]
fn review_offers_the_missed_question_and_fsrs_spaces_right_later_than_wrong() {
    let g = group("study");
    let taro = member("taro", "study");
    assert!(text(&g.bot.handle(&taro, Command::Review)).contains("復習する問題はまだありません"));
    let (post_id, q) = post(&g);
    g.bot.handle(&taro, Command::Answer { post_id, choice: wrong(&q) });
    reveal(&g);
    // The missed question comes back in a private review.
    let review = g.bot.handle(&taro, Command::Review);
    assert!(review.ephemeral);
    let Some(Block::Question { post_id: review_id, text: stem, .. }) =
        review.blocks.iter().find(|b| matches!(b, Block::Question { .. }))
    else {
        panic!("{review:?}")
    };
    assert_eq!(stem, &q.question, "the missed question is offered");
    // Right this time: FSRS schedules it days later.
    let now = g.clock.now();
    let right = text(&g.bot.handle(&taro, Command::Answer { post_id: *review_id, choice: q.answer_index }));
    assert!(right.contains("⭕ 正解！") && right.contains("次の復習"), "{right}");
    let card = g.master.store.card("discord", "taro", &q.id).unwrap().unwrap();
    let right_gap = Duration::milliseconds(card.due_at - now.timestamp_millis());
    assert!(right_gap >= Duration::days(1), "a right answer waits at least a day: {right_gap}");
    // Answered twice: the first answer stands, the card is not rated again.
    let again = text(&g.bot.handle(&taro, Command::Answer { post_id: *review_id, choice: wrong(&q) }));
    assert!(again.contains("回答済み"), "{again}");
    assert_eq!(g.master.store.card("discord", "taro", &q.id).unwrap().unwrap(), card);
    // Nothing due now; it says when.
    assert!(text(&g.bot.handle(&taro, Command::Review)).contains("次の復習"));
    // When it is due again, a wrong answer brings it back sooner than the right one did.
    g.clock.set(DateTime::from_timestamp_millis(card.due_at).unwrap());
    let review = g.bot.handle(&taro, Command::Review);
    let Some(Block::Question { post_id: second, .. }) =
        review.blocks.iter().find(|b| matches!(b, Block::Question { .. }))
    else {
        panic!("{review:?}")
    };
    let due = g.clock.now();
    let missed = text(&g.bot.handle(&taro, Command::Answer { post_id: *second, choice: wrong(&q) }));
    assert!(missed.contains("❌"), "{missed}");
    let card = g.master.store.card("discord", "taro", &q.id).unwrap().unwrap();
    let wrong_gap = Duration::milliseconds(card.due_at - due.timestamp_millis());
    assert!(
        wrong_gap < right_gap,
        "a miss comes back sooner ({wrong_gap}) than a right answer ({right_gap})"
    );
    // Reviews are never on the channel's leaderboard.
    let board =
        g.master.leaderboard("discord", "study", Period::AllTime, chrono_tz::Asia::Tokyo, g.clock.now());
    assert_eq!(board.unwrap().iter().map(|s| s.answered).sum::<u32>(), 1, "only the channel answer counts");
}

#[test]
fn no_review_is_promised_for_a_question_the_notes_no_longer_make() {
    let g = group("study");
    let taro = member("taro", "study");
    let (post_id, q) = post(&g);
    g.bot.handle(&taro, Command::Answer { post_id, choice: q.answer_index });
    reveal(&g);
    // Answered right: the card falls due days later, and /me and /review say when.
    assert!(g.master.store.card("discord", "taro", &q.id).unwrap().is_some());
    assert!(text(&g.bot.handle(&taro, Command::Me)).contains("復習: いまはなし（次は"));
    assert!(text(&g.bot.handle(&taro, Command::Review)).contains("次の復習"));
    // The notes change and no longer make that question: neither promises a review that would
    // never be posted.
    let pool: Vec<Question> = g.master.pool().iter().filter(|p| p.id != q.id).cloned().collect();
    g.master.replace_pool(pool);
    let me = text(&g.bot.handle(&taro, Command::Me));
    assert!(me.contains("復習: なし"), "{me}");
    let review = text(&g.bot.handle(&taro, Command::Review));
    assert!(!review.contains("次の復習"), "{review}");
    // ... nor tells a member who has answered to start answering.
    assert!(!review.contains("まだありません"), "{review}");
    assert!(review.contains("出題されなくなりました"), "{review}");
}

#[test]
fn two_reports_void_a_question_and_the_leaderboard_is_recomputed() {
    let g = group("study");
    let (a, b, c) = (member("a", "study"), member("b", "study"), member("c", "study"));
    let mut questions = Vec::new();
    for _ in 0..2 {
        let (post_id, q) = post(&g);
        g.bot.handle(&a, Command::Answer { post_id, choice: q.answer_index });
        g.bot.handle(&b, Command::Answer { post_id, choice: wrong(&q) });
        questions.push((post_id, q));
        reveal(&g);
        g.clock.advance(Duration::seconds(29));
    }
    let all = |g: &Group| {
        g.master
            .leaderboard("discord", "study", Period::AllTime, chrono_tz::Asia::Tokyo, g.clock.now())
            .unwrap()
    };
    let before = all(&g);
    assert_eq!((before[0].user.as_str(), before[0].correct, before[0].streak), ("a", 2, 2), "{before:?}");
    let (first_post, first) = &questions[0];
    // 「問題を報告」 asks for a reason first.
    let asked = g.bot.handle(&c, Command::Report { post_id: *first_post, reason: None });
    let reasons: Vec<String> =
        asked.blocks.iter().filter_map(Block::buttons).flatten().map(|b| b.label).collect();
    assert_eq!(reasons, ["答えが違う", "曖昧", "ノートが古い"]);
    let one =
        text(&g.bot.handle(&c, Command::Report { post_id: *first_post, reason: Some(ReportReason::Wrong) }));
    assert!(one.contains("1 件"), "{one}");
    // The same member twice counts once.
    let twice = text(
        &g.bot.handle(&c, Command::Report { post_id: *first_post, reason: Some(ReportReason::Ambiguous) }),
    );
    assert!(twice.contains("すでに報告済み"), "{twice}");
    assert_eq!(all(&g), before, "one report changes nothing");
    let two = text(
        &g.bot.handle(&b, Command::Report { post_id: *first_post, reason: Some(ReportReason::Ambiguous) }),
    );
    assert!(two.contains("取り消され"), "{two}");
    // Voided: out of scoring (a has 1 right, streak 1), the deck, and the review queues.
    let after = all(&g);
    assert_eq!(
        (after[0].user.as_str(), after[0].correct, after[0].answered, after[0].streak),
        ("a", 1, 1, 1),
        "{after:?}"
    );
    assert!(g.master.store.voided().unwrap().contains(&first.id));
    let due: Vec<String> = g
        .master
        .store
        .due_cards("discord", "b", i64::MAX)
        .unwrap()
        .into_iter()
        .map(|c| c.question_id)
        .collect();
    assert!(!due.contains(&first.id), "the voided question left b's review queue: {due:?}");
    // Unseen questions are dealt first, so one deal per question in the pool would reach it.
    for _ in 0..g.master.pool().len() {
        if let Some((_, q)) = g.master.personal("discord", "c", g.clock.now()).unwrap() {
            assert_ne!(q.id, first.id, "a voided question is never dealt again");
        }
    }
    // Admins list it and restore it; members cannot.
    let listed = text(&g.bot.handle(&member("admin", "study"), Command::Reports));
    assert!(listed.contains("管理者だけ"), "{listed}");
    let admin = Context { admin: true, ..member("admin", "study") };
    let listed = text(&g.bot.handle(&admin, Command::Reports));
    assert!(
        listed.contains(&first.id) && listed.contains("取り消し中") && listed.contains("答えが違う 1"),
        "{listed}"
    );
    let restored = text(&g.bot.handle(&admin, Command::Restore { question_id: first.id.clone() }));
    assert!(restored.contains("元に戻しました"), "{restored}");
    assert_eq!(all(&g), before, "restored: the board is as it was");
    let again = text(&g.bot.handle(&admin, Command::Restore { question_id: first.id.clone() }));
    assert!(again.contains("されていません"), "{again}");
}

#[test]
fn buttons_for_posts_that_do_not_exist_get_a_clear_answer_and_record_nothing() {
    let g = group("study");
    let x = member("x", "study");
    for reason in [None, Some(ReportReason::Outdated)] {
        let reply = text(&g.bot.handle(&x, Command::Report { post_id: 999_999, reason }));
        assert!(reply.contains("見つかりませんでした"), "{reply}");
    }
    assert!(g.master.store.reports().unwrap().is_empty());
    let answer = text(&g.bot.handle(&x, Command::Answer { post_id: 999_999, choice: 0 }));
    assert!(answer.contains("見つかりませんでした"), "{answer}");
}

#[test]
fn a_reload_that_changes_a_cited_line_retires_its_open_post() {
    let g = group("study");
    let (post_id, q) = post(&g);
    let early = member("early", "study");
    g.bot.handle(&early, Command::Answer { post_id, choice: q.answer_index });
    // Unchanged notes retire nothing.
    assert!(g.master.retire_stale(&g.sections, g.clock.now()).unwrap().is_empty());
    // The cited line is edited.
    let mut edited = g.sections.clone();
    let line = q.source.line_start;
    let section = edited.iter_mut().find(|s| (s.line_start..=s.line_end).contains(&line)).unwrap();
    let mut lines: Vec<String> = section.text.lines().map(str::to_owned).collect();
    lines[line - section.line_start].push_str("（2026年改定）");
    section.text = lines.join("\n");
    assert_eq!(g.master.retire_stale(&edited, g.clock.now()).unwrap(), vec![post_id]);
    // No more answers; the reveal is a notice without the stale citation, and nothing is scored.
    let late =
        text(&g.bot.handle(&member("late", "study"), Command::Answer { post_id, choice: q.answer_index }));
    assert_eq!(late, RETIRED);
    let events = g.master.tick(g.clock.now()).unwrap();
    let Some(Event::Revealed(revealed)) = events.iter().find(|e| matches!(e, Event::Revealed(_))) else {
        panic!("the retired post is revealed at once: {events:?}")
    };
    let shown = Reply::scheduled_reveal(revealed).to_plain();
    assert!(shown.contains(RETIRED) && !shown.contains("出典:") && !shown.contains("(L"), "{shown}");
    let board =
        g.master.leaderboard("discord", "study", Period::AllTime, chrono_tz::Asia::Tokyo, g.clock.now());
    assert!(board.unwrap().is_empty(), "a retired post scores nothing");
}

#[test]
fn the_monthly_board_starts_on_the_first_in_the_groups_zone() {
    let g = group("study");
    let a = member("a", "study");
    // 2026-11-23 00:00 UTC is 09:00 in Tokyo, November.
    let (post_id, q) = post(&g);
    g.bot.handle(&a, Command::Answer { post_id, choice: q.answer_index });
    reveal(&g);
    let month = text(&g.bot.handle(&a, Command::Leaderboard { period: Period::Month }));
    assert!(month.contains("ランキング（今月）") && month.contains("1問正解"), "{month}");
    // 2026-11-30 15:00 UTC is already December 1st in Tokyo: a new month, an empty board.
    g.clock.set(utc("2026-11-30T15:00:00Z"));
    let december = text(&g.bot.handle(&a, Command::Leaderboard { period: Period::Month }));
    assert!(december.contains("まだ回答がありません"), "{december}");
    let all = text(&g.bot.handle(&a, Command::Leaderboard { period: Period::AllTime }));
    assert!(all.contains("1問正解"), "{all}");
}

#[test]
fn the_scheduled_post_says_when_the_answer_comes_and_the_reveal_teaches() {
    let g = group("study");
    let events = g.master.tick(g.clock.now()).unwrap();
    let Some(Event::Posted { post_id, question, reveal_at, .. }) = events.into_iter().next() else {
        panic!()
    };
    assert_eq!(reveal_at, g.clock.now() + Duration::seconds(30));
    let posted = Reply::scheduled_question(post_id, &question, reveal_at.timestamp());
    assert!(posted.blocks.contains(&Block::RevealAt(reveal_at.timestamp())));
    let report = posted.blocks.iter().filter_map(Block::buttons).flatten().next().unwrap();
    assert_eq!(report.label, "問題を報告");
    // Three members on different options.
    let wrong_one = wrong(&question);
    for (user, choice) in [("a", question.answer_index), ("b", question.answer_index), ("c", wrong_one)] {
        g.bot.handle(&member(user, "study"), Command::Answer { post_id, choice });
    }
    let Some(Event::Revealed(r)) = reveal(&g).into_iter().next() else { panic!() };
    let shown = Reply::scheduled_reveal(&r).to_plain();
    assert!(shown.contains("正解率: 2/3 (67%)"), "{shown}");
    assert!(shown.contains("一番乗り: <@a>"), "{shown}");
    // Every wrong option, what it actually is, with its line.
    let others = shown.split("ほかの選択肢:").nth(1).expect("a note on each wrong option");
    let noted = others.lines().filter(|l| l.starts_with('・') && l.contains("(L")).count();
    assert_eq!(noted, question.choices.len() - 1, "{shown}");
}

#[test]
fn an_unanswered_personal_question_or_review_closes_without_an_event_for_a_channel() {
    let g = group("study");
    let (personal, _) = g.master.personal("discord", "hanako", g.clock.now()).unwrap().unwrap();
    // A review post for another member.
    let (post_id, q) = post(&g);
    g.bot.handle(&member("taro", "study"), Command::Answer { post_id, choice: wrong(&q) });
    reveal(&g);
    let Some(Block::Question { post_id: review, .. }) = g
        .bot
        .handle(&member("taro", "study"), Command::Review)
        .blocks
        .into_iter()
        .find(|b| matches!(b, Block::Question { .. }))
    else {
        panic!("no review")
    };
    g.clock.advance(Duration::days(2));
    let events = g.master.tick(g.clock.now()).unwrap();
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::Revealed(r) if r.post.id == personal || r.post.id == review)),
        "a private post has no channel to be revealed in: {events:?}"
    );
    for id in [personal, review] {
        assert!(g.master.store.post::<Question>(id).unwrap().unwrap().revealed, "post {id} is closed");
    }
}
