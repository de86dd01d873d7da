//! Each scheduled slot is posted exactly once, whatever the fraction of a second the scheduler
//! wakes at: the real scheduler loop on tokio's paused time with wake-ups at sub-second offsets,
//! a property test over random crons, wake times and restarts, and many threads claiming posts
//! and recording answers at once.
//!
//! Why these exist: 0.1.0 keyed slots by the wake-up time's nanoseconds, and every earlier test
//! moved its clock in whole seconds, so none could see one slot posted up to 24 times.

mod common;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};

use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;
use shiori::quiz::game::{Event, Quizmaster, Reveal};
use shiori::quiz::runner::{self, PostFuture, Poster, TokioClock};
use shiori::quiz::schedule::{Clock, Schedule, ScheduleConfig};
use shiori::quiz::Question;
use shiori::store::{AnswerWrite, NewPost, Store, StoredSchedule};

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// The question pool of the real notes, made once per test binary.
fn pool() -> Vec<Question> {
    static POOL: OnceLock<Vec<Question>> = OnceLock::new();
    POOL.get_or_init(|| {
        shiori::quiz::generate::generate(&shiori::corpus::load(&[common::notes_dir()]).unwrap().sections)
            .unwrap()
    })
    .clone()
}

fn schedule(cron: &str, reveal_after: &str) -> Schedule {
    let config: ScheduleConfig = toml::from_str(&format!(
        "platform = \"discord\"\nchannel = \"study\"\ncron = \"{cron}\"\ntimezone = \"Asia/Tokyo\"\nreveal_after = \"{reveal_after}\"\n"
    ))
    .unwrap();
    Schedule::from_config(0, &config).unwrap()
}

/// A platform that records what it was asked to show, and when.
struct Recorder {
    clock: Arc<TokioClock>,
    shown: Mutex<Vec<(String, i64, DateTime<Utc>)>>,
}

impl Poster for Recorder {
    fn post<'a>(
        &'a self,
        channel: &'a str,
        post_id: i64,
        _q: &'a Question,
        _reveal_at: chrono::DateTime<chrono::Utc>,
    ) -> PostFuture<'a, String> {
        self.shown.lock().unwrap().push((format!("post {channel}"), post_id, self.clock.now()));
        Box::pin(async move { Ok(format!("msg-{post_id}")) })
    }
    fn reveal<'a>(&'a self, _c: &'a str, _m: Option<&'a str>, reveal: &'a Reveal) -> PostFuture<'a, ()> {
        self.shown.lock().unwrap().push(("reveal".into(), reveal.post.id, self.clock.now()));
        Box::pin(async { Ok(()) })
    }
}

/// Runs the real scheduler loop for one process lifetime; returns the stop switch and the task.
fn start(
    quiz: Arc<Quizmaster>,
    recorder: &Arc<Recorder>,
    clock: &Arc<TokioClock>,
) -> (tokio::sync::watch::Sender<bool>, tokio::task::JoinHandle<()>) {
    let posters: HashMap<String, Arc<dyn Poster>> =
        [("discord".to_string(), Arc::clone(recorder) as Arc<dyn Poster>)].into();
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let metrics = Arc::new(shiori::metrics::Metrics::new());
    let clock: Arc<dyn Clock> = clock.clone();
    (stop_tx, tokio::spawn(runner::run(quiz, posters, clock, metrics, stop_rx)))
}

async fn sleep_ms(ms: u64) {
    tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
}

#[tokio::test(start_paused = true)]
async fn the_loop_posts_each_slot_once_when_woken_at_fractions_of_a_second() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shiori.db");
    let store = Arc::new(Store::open(&path).unwrap());
    let every_minute = || vec![schedule("* * * * *", "10s")];
    // 09:00:00.36 Tokyo: the first wake-up is a third of a second into the slot.
    let clock = Arc::new(TokioClock::starting_at(utc("2026-11-23T00:00:00.360346820Z")));
    let recorder = Arc::new(Recorder { clock: Arc::clone(&clock), shown: Mutex::new(Vec::new()) });

    let quiz = Arc::new(Quizmaster::new(Arc::clone(&store), pool(), every_minute()));
    let (stop, task) = start(Arc::clone(&quiz), &recorder, &clock);
    // The reveal wakes the loop at 09:00:10.36; a schedule added at 09:00:20.63 wakes it again.
    sleep_ms(20_270).await;
    let added = StoredSchedule {
        id: 0,
        platform: "discord".into(),
        channel: "other".into(),
        cron: "0 10 * * *".into(),
        timezone: "Asia/Tokyo".into(),
        reveal_after_secs: 60,
        created_by: "admin".into(),
    };
    store.add_schedule(&added, clock.now().timestamp_millis()).unwrap();
    // A restart at 09:00:30.91: a new process on the same store file.
    sleep_ms(10_280).await;
    stop.send(true).unwrap();
    task.await.unwrap();
    drop(quiz);
    let store = Arc::new(Store::open(&path).unwrap());
    let quiz = Arc::new(Quizmaster::new(Arc::clone(&store), pool(), every_minute()));
    let (stop, task) = start(quiz, &recorder, &clock);
    // Until 09:02:30: the slots of 09:00, 09:01 and 09:02.
    sleep_ms(119_000).await;
    stop.send(true).unwrap();
    task.await.unwrap();

    let shown = recorder.shown.lock().unwrap().clone();
    let posts: Vec<DateTime<Utc>> = shown.iter().filter(|(w, _, _)| w == "post study").map(|e| e.2).collect();
    let slots: Vec<DateTime<Utc>> =
        posts.iter().map(|t| schedule("* * * * *", "10s").latest_slot(*t).unwrap()).collect();
    assert_eq!(
        slots,
        [utc("2026-11-23T00:00:00Z"), utc("2026-11-23T00:01:00Z"), utc("2026-11-23T00:02:00Z")],
        "one post per slot: {shown:?}"
    );
    let mut revealed: Vec<i64> = shown.iter().filter(|(w, _, _)| w == "reveal").map(|e| e.1).collect();
    revealed.sort_unstable();
    let mut posted: Vec<i64> = shown.iter().filter(|(w, _, _)| w.starts_with("post")).map(|e| e.1).collect();
    posted.sort_unstable();
    assert_eq!(revealed, posted, "each post revealed once: {shown:?}");
}

/// The time in a slot key (`…@2026-11-23T00:00:00+00:00`).
fn key_time(key: &str) -> DateTime<Utc> {
    utc(key.rsplit_once('@').unwrap().1)
}

/// Open-minded crons: seconds optional, steps, lists, ranges.
fn crons() -> impl Strategy<Value = String> {
    let second = prop::sample::select(vec!["", "0 ", "*/20 ", "30 ", "0,45 "]);
    let minute = prop::sample::select(vec!["*", "*/2", "*/7", "0,30", "15", "5-10"]);
    let hour = prop::sample::select(vec!["*", "9", "*/3", "8-10"]);
    (second, minute, hour).prop_map(|(s, m, h)| format!("{s}{m} {h} * * *"))
}

/// Wake-ups: milliseconds after 08:30 Tokyo (any fraction of a second), and whether the process
/// restarted just before.
fn wakes() -> impl Strategy<Value = Vec<(u64, bool)>> {
    prop::collection::vec((0u64..3 * 3600 * 1000, prop::bool::weighted(0.2)), 1..40).prop_map(|mut w| {
        w.sort_unstable();
        w
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// No slot is ever posted twice, and no slot that was due inside `catch_up` at some wake-up
    /// is missed.
    #[test]
    fn no_slot_twice_and_none_due_missed(cron in crons(), wakes in wakes(), reveal_secs in 1u64..600) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shiori.db");
        let reveal = format!("{reveal_secs}s");
        let start = utc("2026-11-22T23:30:00Z");
        let mut quiz = Quizmaster::new(Arc::new(Store::open(&path).unwrap()), pool(), vec![schedule(&cron, &reveal)]);
        let mut posted: Vec<DateTime<Utc>> = Vec::new();
        let mut due: HashSet<DateTime<Utc>> = HashSet::new();
        for (ms, restart) in wakes {
            if restart {
                drop(quiz);
                quiz = Quizmaster::new(Arc::new(Store::open(&path).unwrap()), pool(), vec![schedule(&cron, &reveal)]);
            }
            let now = start + Duration::milliseconds(ms as i64);
            if let Some(slot) = schedule(&cron, &reveal).due_slot(now) {
                due.insert(slot);
            }
            for event in quiz.tick(now).unwrap() {
                if let Event::Posted { post_id, .. } = event {
                    let post = quiz.store.post::<shiori::quiz::Question>(post_id).unwrap().unwrap();
                    let key = post.slot.unwrap();
                    prop_assert!(!key.contains('.'), "a slot key in whole seconds: {}", key);
                    posted.push(key_time(&key));
                }
            }
        }
        let unique: HashSet<_> = posted.iter().copied().collect();
        prop_assert_eq!(unique.len(), posted.len(), "a slot posted twice: {:?}", posted);
        prop_assert_eq!(unique, due, "posted slots are exactly the slots that were due");
    }
}

#[test]
fn concurrent_claims_and_answers_never_cross_ids() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("shiori.db")).unwrap();
    let pool = pool();
    let per_thread = 25;
    let results = common::concurrently(16, |t| {
        let mut mine = Vec::new();
        for i in 0..per_thread {
            let question = &pool[(t * per_thread + i) % pool.len()];
            let channel = format!("c{t}");
            let post = NewPost {
                platform: "discord",
                channel: &channel,
                question,
                slot: Some(format!("s@{i}")),
                posted_at: 0,
                reveal_at: 1,
            };
            let id = store.claim_post(&post).unwrap().expect("a new slot is claimed");
            // Another member's click lands between this thread's claims.
            let write = store.record_answer(id, &format!("u{t}"), 0, false, 0).unwrap();
            assert_eq!(write, AnswerWrite::Recorded);
            mine.push((id, question.id.clone(), channel));
        }
        mine
    });
    let mut ids = HashSet::new();
    for (id, question_id, channel) in results.into_iter().flatten() {
        assert!(ids.insert(id), "id {id} handed out twice");
        let post = store.post::<shiori::quiz::Question>(id).unwrap().unwrap();
        assert_eq!((post.question.id, post.channel), (question_id, channel), "post {id} holds another post");
        assert_eq!(store.answers(id).unwrap().len(), 1, "post {id}");
    }
    assert_eq!(ids.len(), 16 * per_thread);
}
