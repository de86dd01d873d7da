//! A third platform plugs in through `chat::Platform` alone: a toy with an HTTP route, a
//! session that connects, and a poster, served by the real `serve::run` — it answers `/ask`
//! through the shared bot, holds `/readyz` until its session connects, and receives the
//! scheduled quiz and its reveal.

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::Query;
use axum::routing::get;
use shiori::bot::{Command, Context, Live};
use shiori::chat::{Platform, Session};
use shiori::quiz::game::Reveal;
use shiori::quiz::runner::{PostFuture, Poster};
use shiori::quiz::schedule::{Schedule, ScheduleConfig};
use shiori::quiz::Question;
use tokio::sync::watch;

/// What the toy's poster was asked to show.
#[derive(Default)]
struct Shown {
    posts: Vec<(String, String)>,
    reveals: Vec<String>,
}

struct Toy {
    shown: Arc<Mutex<Shown>>,
}

impl Platform for Toy {
    fn name(&self) -> &'static str {
        "toy"
    }

    fn routes(&self, live: &Arc<Live>) -> axum::Router {
        let live = Arc::clone(live);
        let ask = move |Query(params): Query<HashMap<String, String>>| async move {
            let query = params.get("q").cloned().unwrap_or_default();
            let ctx = Context { platform: "toy".into(), channel: "c".into(), user: "u".into(), admin: false };
            let reply = live.run(move |bot| bot.handle(&ctx, Command::Ask { query }).to_plain());
            reply.await.unwrap_or_else(|e| e.to_string())
        };
        axum::Router::new().route("/toy/ask", get(ask))
    }

    fn session(&self, live: &Arc<Live>, mut stop: watch::Receiver<bool>) -> Option<Session> {
        live.platform_ready("toy", false);
        let live = Arc::clone(live);
        Some(Box::pin(async move {
            tokio::time::sleep(Duration::from_millis(500)).await;
            live.platform_ready("toy", true);
            let _ = stop.wait_for(|s| *s).await;
        }))
    }

    fn poster(&self) -> Option<Arc<dyn Poster>> {
        Some(Arc::new(ToyPoster { shown: Arc::clone(&self.shown) }))
    }
}

struct ToyPoster {
    shown: Arc<Mutex<Shown>>,
}

impl Poster for ToyPoster {
    fn post<'a>(
        &'a self,
        channel: &'a str,
        post_id: i64,
        question: &'a Question,
        _reveal_at: chrono::DateTime<chrono::Utc>,
    ) -> PostFuture<'a, String> {
        self.shown.lock().unwrap().posts.push((channel.to_owned(), question.question.clone()));
        Box::pin(async move { Ok(format!("toy-{post_id}")) })
    }

    fn reveal<'a>(&'a self, _: &'a str, message_id: Option<&'a str>, _: &'a Reveal) -> PostFuture<'a, ()> {
        self.shown.lock().unwrap().reveals.push(message_id.unwrap_or_default().to_owned());
        Box::pin(async { Ok(()) })
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[test]
fn a_toy_platform_plugs_in_through_the_trait_alone() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let text = format!(
        "[http]\nlisten = \"127.0.0.1:{port}\"\n[store]\npath = \"{}\"\n",
        dir.path().join("s.db").display()
    );
    let mut settings = shiori::config::Config::parse(&text, "t.toml").unwrap().resolve("t.toml").unwrap();
    // The config knows Discord and Slack only; the toy's schedule is handed over directly.
    let every_second: ScheduleConfig = toml::from_str(
        "platform = \"toy\"\nchannel = \"study\"\ncron = \"* * * * * *\"\ntimezone = \"UTC\"\nreveal_after = \"1s\"\n",
    )
    .unwrap();
    settings.schedules.push(Schedule::from_config(0, &every_second).unwrap());
    let shown = Arc::new(Mutex::new(Shown::default()));
    let options = shiori::serve::ServeOptions {
        corpus: vec![common::notes_dir()],
        index: dir.path().join("index"),
        settings,
        extra_platforms: vec![Arc::new(Toy { shown: Arc::clone(&shown) })],
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
        runtime.block_on(shiori::serve::run(options, async {
            let _ = stopped.await;
        }))
    });
    let base = format!("http://127.0.0.1:{port}");
    common::wait_ready(&base);
    let (status, answer) = common::get(&format!("{base}/toy/ask?q={}", common::q("ハイバネーションとは")));
    assert_eq!(status, 200);
    assert!(answer.contains("出典: aws-notes.txt") && answer.contains("(L138)"), "{answer}");

    let deadline = Instant::now() + Duration::from_secs(20);
    while shown.lock().unwrap().reveals.is_empty() {
        assert!(Instant::now() < deadline, "no scheduled quiz was posted and revealed on the toy");
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = stop.send(());
    server.join().unwrap().unwrap();
    let shown = shown.lock().unwrap();
    assert!(shown.posts.iter().all(|(channel, q)| channel == "study" && !q.is_empty()));
    assert!(shown.reveals.iter().all(|id| id.starts_with("toy-")), "reveals edit the posted message");
}
