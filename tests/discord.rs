//! Discord's HTTP interactions endpoint end to end: `shiori serve` with a real Ed25519 key pair,
//! payloads shaped as Discord sends them, signed as Discord signs them.

mod common;

use common::Server;

use std::process::Stdio;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use ed25519_dalek::{Signer, SigningKey};
use serde_json::{json, Value};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The application's key pair (a fixed seed: the test is repeatable).
fn app_key() -> SigningKey {
    SigningKey::from_bytes(&[42; 32])
}

fn serve(dir: &std::path::Path) -> Server {
    let config = format!(
        "[discord]\nmode = \"http\"\npublic_key = \"{}\"\napplication_id = 1100000000000000000\n",
        hex(app_key().verifying_key().as_bytes())
    );
    let server = common::serve_with(dir, &common::notes_dir(), &config, &[], Stdio::null());
    common::wait_ready(&server.base);
    server
}

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

/// POSTs `body` signed by `key` at `timestamp` (no signature when `key` is `None`).
fn post(server: &Server, body: &Value, key: Option<&SigningKey>, timestamp: i64) -> (u16, Value) {
    let body = serde_json::to_vec(body).unwrap();
    let mut request =
        ureq::post(&format!("{}/discord/interactions", server.base)).set("Content-Type", "application/json");
    if let Some(key) = key {
        let ts = timestamp.to_string();
        let signature = key.sign(&[ts.as_bytes(), &body].concat());
        request =
            request.set("X-Signature-Ed25519", &hex(&signature.to_bytes())).set("X-Signature-Timestamp", &ts);
    }
    match request.send_bytes(&body) {
        Ok(r) => (r.status(), serde_json::from_str(&r.into_string().unwrap()).unwrap_or(Value::Null)),
        Err(ureq::Error::Status(code, r)) => {
            (code, serde_json::from_str(&r.into_string().unwrap()).unwrap_or(Value::Null))
        }
        Err(e) => panic!("{e}"),
    }
}

fn user(id: u64) -> Value {
    json!({"id": id.to_string(), "username": "hanako", "discriminator": "0", "global_name": "Hanako", "avatar": null, "public_flags": 0})
}

/// The fields every interaction in a DM with the bot carries, for interaction `kind`.
fn interaction(kind: u8, id: &str, data: Value) -> Value {
    interaction_from(kind, id, 300000000000000001, data)
}

/// [`interaction`] from member `user`.
fn interaction_from(kind: u8, id: &str, user_id: u64, data: Value) -> Value {
    json!({
        "type": kind, "id": id, "application_id": "1100000000000000000",
        "token": format!("token-{id}"), "version": 1,
        "channel_id": "400000000000000001", "channel": {"id": "400000000000000001", "type": 1},
        "user": user(user_id), "locale": "ja", "app_permissions": "2248473465835073",
        "entitlements": [], "authorizing_integration_owners": {"1": "300000000000000001"},
        "context": 1, "attachment_size_limit": 10485760,
        "data": data
    })
}

/// A message the bot posted, as Discord describes it.
fn bot_message() -> Value {
    common::discord_message(700000000000000001)
}

/// A slash command as Discord delivers it in a DM with the bot.
fn slash(name: &str, options: Value) -> Value {
    interaction(
        2,
        "1200000000000000001",
        json!({"id": "1300000000000000001", "name": name, "type": 1, "options": options}),
    )
}

/// A click on a button of a message the bot posted; every click is its own interaction.
fn click(custom_id: &str) -> Value {
    click_by(custom_id, 300000000000000001)
}

/// [`click`] by member `user_id`.
fn click_by(custom_id: &str, user_id: u64) -> Value {
    static CLICKS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let id = 1200000000000000100 + CLICKS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let data = json!({"custom_id": custom_id, "component_type": 2});
    let mut click = interaction_from(3, &id.to_string(), user_id, data);
    click["message"] = bot_message();
    click
}

#[test]
fn ping_ask_quiz_and_buttons_with_real_signatures() {
    let dir = tempfile::tempdir().unwrap();
    let server = serve(dir.path());
    let key = app_key();

    let (status, pong) = post(
        &server,
        &json!({"type": 1, "id": "1", "application_id": "1100000000000000000", "token": "t", "version": 1}),
        Some(&key),
        now(),
    );
    assert_eq!((status, pong), (200, json!({"type": 1})));

    let (status, ask) = post(
        &server,
        &slash("ask", json!([{"name": "query", "type": 3, "value": "ハイバネーションとは"}])),
        Some(&key),
        now(),
    );
    assert_eq!(status, 200, "{ask}");
    assert_eq!(ask["type"], 4, "CHANNEL_MESSAGE_WITH_SOURCE");
    let embed = &ask["data"]["embeds"][0];
    let footer = embed["footer"]["text"].as_str().unwrap();
    assert!(footer.contains("aws-notes.txt") && footer.contains("(L138)"), "{footer}");
    assert_eq!(embed["title"], "ハイバネーション");
    assert!(
        embed["description"].as_str().unwrap().contains("**ハイバネーション**"),
        "the match is highlighted"
    );

    let (_, quiz) = post(&server, &slash("quiz", json!([])), Some(&key), now());
    let buttons = quiz["data"]["components"][0]["components"].as_array().expect("a row of buttons").clone();
    assert_eq!(buttons.len(), listed_choices(quiz["data"]["embeds"][0]["description"].as_str().unwrap()));
    assert_eq!(quiz["data"]["flags"], 64, "a personal quiz is ephemeral");
    let custom_id = buttons[0]["custom_id"].as_str().unwrap().to_owned();
    assert!(custom_id.starts_with("shiori:answer:") && custom_id.len() <= 100);

    let (status, reveal) = post(&server, &click(&custom_id), Some(&key), now());
    assert_eq!(status, 200);
    let text = reveal["data"]["embeds"][0].to_string();
    assert!(text.contains("正解") && text.contains("aws-notes.txt"), "{text}");

    // A second click after the reveal: the member is told the answer they gave.
    let (_, again) = post(&server, &click(&custom_id), Some(&key), now());
    assert!(again["data"]["embeds"][0]["description"].as_str().unwrap().contains("回答済み"), "{again}");
    let (_, gone) = post(&server, &click("shiori:answer:999999:0"), Some(&key), now());
    assert!(gone["data"]["embeds"][0]["description"].as_str().unwrap().contains("見つかりません"), "{gone}");
}

#[test]
fn forged_unsigned_and_stale_requests_get_401() {
    let dir = tempfile::tempdir().unwrap();
    let server = serve(dir.path());
    let body = slash("ask", json!([{"name": "query", "type": 3, "value": "EC2"}]));
    let forger = SigningKey::from_bytes(&[7; 32]);
    assert_eq!(post(&server, &body, Some(&forger), now()).0, 401, "wrong key");
    assert_eq!(post(&server, &body, None, now()).0, 401, "unsigned");
    assert_eq!(post(&server, &body, Some(&app_key()), now() - 3600).0, 401, "signed an hour ago");
    assert_eq!(
        post(&server, &json!({"type": "nonsense"}), Some(&app_key()), now()).0,
        400,
        "signed but malformed"
    );
    // A request captured and sent again inside the five minutes: the same signature, refused.
    let captured = slash("ask", json!([{"name": "query", "type": 3, "value": "S3"}]));
    let signed_at = now();
    assert_eq!(post(&server, &captured, Some(&app_key()), signed_at).0, 200);
    assert_eq!(post(&server, &captured, Some(&app_key()), signed_at).0, 401, "replayed");
    let (_, metrics) =
        (0, ureq::get(&format!("{}/metrics", server.base)).call().unwrap().into_string().unwrap());
    assert!(metrics.contains("shiori_errors_total{kind=\"discord_unauthorized\"} 3"), "{metrics}");
    assert!(metrics.contains("shiori_errors_total{kind=\"discord_replayed\"} 1"), "{metrics}");
}

/// Requests the stub saw: method, path, JSON body.
type Seen = common::Seen;

/// A local stand-in for Discord's REST API: records every request and answers message calls
/// with a message object as Discord does.
fn stub_rest() -> (String, Seen) {
    common::discord_rest_stub()
}

#[test]
fn a_scheduled_quiz_is_posted_and_revealed_through_the_rest_api() {
    use std::sync::Arc;
    let (base, seen) = stub_rest();
    let dir = tempfile::tempdir().unwrap();
    let corpus = shiori::corpus::load(&[common::notes_dir()]).unwrap();
    let pool = shiori::quiz::generate::generate(&corpus.sections).unwrap();
    let schedule: shiori::quiz::schedule::ScheduleConfig = toml::from_str(
        "platform = \"discord\"\nchannel = \"123456789012345678\"\ncron = \"* * * * *\"\nreveal_after = \"2s\"\n",
    )
    .unwrap();
    let store = Arc::new(shiori::store::Store::open(&dir.path().join("shiori.db")).unwrap());
    let quiz = Arc::new(shiori::quiz::game::Quizmaster::new(
        Arc::clone(&store),
        pool,
        vec![shiori::quiz::schedule::Schedule::from_config(0, &schedule).unwrap()],
    ));
    let poster = shiori::chat::discord::DiscordPoster::new(shiori::chat::discord::http_client(
        "test-token",
        Some(&base),
        None,
    ));
    let posters: std::collections::HashMap<String, Arc<dyn shiori::quiz::runner::Poster>> =
        [("discord".to_string(), Arc::new(poster) as Arc<dyn shiori::quiz::runner::Poster>)].into();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let metrics = Arc::new(shiori::metrics::Metrics::new());
    let clock = Arc::new(shiori::quiz::schedule::SystemClock);
    let task = runtime.spawn(shiori::quiz::runner::run(quiz, posters, clock, metrics, stop_rx));
    let deadline = Instant::now() + Duration::from_secs(10);
    while seen.lock().unwrap().iter().filter(|(m, _, _)| m == "PATCH").count() == 0 {
        assert!(Instant::now() < deadline, "no reveal within 10 s: {:?}", seen.lock().unwrap());
        std::thread::sleep(Duration::from_millis(50));
    }
    stop_tx.send(true).unwrap();
    runtime.block_on(task).unwrap();

    let requests = seen.lock().unwrap().clone();
    let (method, path, body) = &requests[0];
    assert_eq!((method.as_str(), path.as_str()), ("POST", "/api/v10/channels/123456789012345678/messages"));
    assert_eq!(body["embeds"][0]["title"], "今日のクイズ");
    let buttons = body["components"][0]["components"].as_array().unwrap();
    assert_eq!(buttons.len(), listed_choices(body["embeds"][0]["description"].as_str().unwrap()));
    assert!(buttons[0]["custom_id"].as_str().unwrap().starts_with("shiori:answer:"));
    let (_, path, body) = requests.iter().find(|(m, _, _)| m == "PATCH").unwrap();
    assert_eq!(path, "/api/v10/channels/123456789012345678/messages/700000000000000001");
    let left: Vec<&str> = body["components"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|row| row["components"].as_array().unwrap())
        .map(|b| b["custom_id"].as_str().unwrap())
        .collect();
    assert!(
        left.iter().all(|id| id.starts_with("shiori:report:")),
        "the answer buttons are removed on reveal; 「問題を報告」 stays: {left:?}"
    );
    let footer = body["embeds"][0]["footer"]["text"].as_str().unwrap();
    assert!(footer.contains("aws-notes.txt"), "{footer}");
    let revealed = body["embeds"][0]["description"].as_str().unwrap();
    assert!(
        revealed.starts_with("Q. ") && revealed.contains("正解率"),
        "the question stays, with the share: {body}"
    );
    assert!(
        store.post::<shiori::quiz::Question>(1).unwrap().unwrap().message_id.as_deref()
            == Some("700000000000000001")
    );
}

/// Opens the server's store and records a channel quiz post open for answers; its id.
fn open_post(dir: &std::path::Path) -> (std::sync::Arc<shiori::store::Store>, i64, usize) {
    let store = std::sync::Arc::new(shiori::store::Store::open(&dir.join("data/shiori.db")).unwrap());
    let corpus = shiori::corpus::load(&[common::notes_dir()]).unwrap();
    // A four-choice question: the click tests spread members over choices 0–3.
    let question = shiori::quiz::generate::generate(&corpus.sections)
        .unwrap()
        .into_iter()
        .find(|q| q.choices.len() == 4)
        .unwrap();
    let post = shiori::store::NewPost {
        platform: "discord",
        channel: "400000000000000001",
        question: &question,
        slot: None,
        posted_at: 0,
        reveal_at: i64::MAX,
    };
    let id = store.claim_post(&post).unwrap().unwrap();
    (store, id, question.answer_index)
}

/// How many numbered choices (`**1.** …`) a question's text lists: one button each, 3 or 4.
fn listed_choices(text: &str) -> usize {
    let n = text
        .lines()
        .filter(|l| l.starts_with("**") && l[2..].starts_with(|c: char| c.is_ascii_digit()))
        .count();
    assert!((3..=4).contains(&n), "{n} choices listed: {text}");
    n
}

fn description(response: &Value) -> &str {
    response["data"]["embeds"][0]["description"].as_str().unwrap_or_default()
}

#[test]
fn two_hundred_concurrent_asks_and_a_thousand_clicks_from_five_hundred_members() {
    let dir = tempfile::tempdir().unwrap();
    let server = serve(dir.path());
    let key = app_key();

    // 200 members ask at the same moment; each is answered with a cited embed.
    let results = common::concurrently(200, |i| {
        let body = interaction_from(
            2,
            &(1200000000000010000 + i as u64).to_string(),
            300000000000010000 + i as u64,
            json!({"id": "1300000000000000001", "name": "ask", "type": 1,
                   "options": [{"name": "query", "type": 3, "value": "スポットインスタンスの中断を減らすには？"}]}),
        );
        let started = Instant::now();
        let (status, response) = post(&server, &body, Some(&key), now());
        (status, response, started.elapsed())
    });
    let mut latencies: Vec<Duration> = results.iter().map(|r| r.2).collect();
    for (status, response, _) in &results {
        assert_eq!(*status, 200, "{response}");
        assert!(response["data"]["embeds"][0]["footer"]["text"].as_str().unwrap().contains("aws-notes.txt"));
    }
    let p99 = common::report("discord /ask x200 concurrent", &mut latencies, 99.0);
    assert!(p99 < Duration::from_secs(3), "Discord waits 3 s for an answer: p99 {p99:?}");

    // 500 members click twice each (1,000 clicks) on one channel quiz within 10 s: the first
    // click of each is recorded, once.
    let (store, post_id, _) = open_post(dir.path());
    let started = Instant::now();
    let outcomes = common::concurrently(50, |t| {
        let mut out = Vec::new();
        for u in 0..10u64 {
            let user = 300000000000020000 + (t as u64) * 10 + u;
            let first = (user % 4) as usize;
            for choice in [first, (first + 1) % 4] {
                let (status, response) = post(
                    &server,
                    &click_by(&format!("shiori:answer:{post_id}:{choice}"), user),
                    Some(&key),
                    now(),
                );
                out.push((user, choice, status, description(&response).to_owned()));
            }
        }
        out
    });
    let took = started.elapsed();
    eprintln!("1,000 clicks from 500 members: {took:?}");
    assert!(took < Duration::from_secs(10), "{took:?}");
    let outcomes: Vec<_> = outcomes.into_iter().flatten().collect();
    assert_eq!(outcomes.len(), 1000);
    assert!(outcomes.iter().all(|o| o.2 == 200));
    let accepted = outcomes.iter().filter(|o| o.3.contains("受け付けました")).count();
    let repeated = outcomes.iter().filter(|o| o.3.contains("回答済み")).count();
    assert_eq!((accepted, repeated), (500, 500));
    let answers = store.answers(post_id).unwrap();
    assert_eq!(answers.len(), 500, "every member's answer recorded exactly once");
    for (user, choice, _) in answers {
        let user: u64 = user.parse().unwrap();
        assert_eq!(choice, (user % 4) as usize, "the first click stands for {user}");
    }
}

#[test]
fn kill_9_during_a_burst_of_answers_loses_none_that_were_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = serve(dir.path());
    let (store, post_id, _) = open_post(dir.path());
    drop(store);
    let key = app_key();
    let acknowledged = std::sync::Mutex::new(Vec::new());
    let stop = std::sync::atomic::AtomicBool::new(false);
    let base = server.base.clone();
    std::thread::scope(|scope| {
        for t in 0..8u64 {
            let (acknowledged, stop, base, key) = (&acknowledged, &stop, &base, &key);
            scope.spawn(move || {
                for u in 0.. {
                    if stop.load(std::sync::atomic::Ordering::Relaxed) {
                        break;
                    }
                    let user = 300000000000030000 + t * 100_000 + u;
                    let body = click_by(&format!("shiori:answer:{post_id}:1"), user);
                    let signed = serde_json::to_vec(&body).unwrap();
                    let ts = now().to_string();
                    let signature = key.sign(&[ts.as_bytes(), &signed].concat());
                    let sent = ureq::post(&format!("{base}/discord/interactions"))
                        .set("X-Signature-Ed25519", &hex(&signature.to_bytes()))
                        .set("X-Signature-Timestamp", &ts)
                        .timeout(Duration::from_secs(5))
                        .send_bytes(&signed);
                    match sent.ok().and_then(|r| r.into_string().ok()) {
                        Some(text) if text.contains("受け付けました") => {
                            acknowledged.lock().unwrap().push(user)
                        }
                        _ => {}
                    }
                }
            });
        }
        let deadline = Instant::now() + Duration::from_secs(20);
        while acknowledged.lock().unwrap().len() < 300 {
            assert!(Instant::now() < deadline, "too few answers acknowledged");
            std::thread::sleep(Duration::from_millis(5));
        }
        server.child.kill().unwrap(); // SIGKILL, mid-burst
        server.child.wait().unwrap();
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
    });
    let acknowledged = acknowledged.into_inner().unwrap();
    let store = shiori::store::Store::open(&dir.path().join("data/shiori.db")).unwrap();
    assert_eq!(store.integrity_check().unwrap(), "ok");
    let recorded: std::collections::HashSet<String> =
        store.answers(post_id).unwrap().into_iter().map(|(user, _, _)| user).collect();
    let lost: Vec<_> = acknowledged.iter().filter(|u| !recorded.contains(&u.to_string())).collect();
    eprintln!("kill -9 after {} acknowledged answers; {} in the store", acknowledged.len(), recorded.len());
    assert!(lost.is_empty(), "acknowledged but lost: {lost:?}");
}

#[test]
fn oversized_and_garbage_bodies_get_4xx() {
    let dir = tempfile::tempdir().unwrap();
    let server = serve(dir.path());
    let url = format!("{}/discord/interactions", server.base);
    let status = |r: Result<ureq::Response, ureq::Error>| match r {
        Ok(r) => r.status(),
        Err(ureq::Error::Status(code, _)) => code,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(
        common::raw_post(&server.base, "/discord/interactions", &vec![b'{'; 1 << 20]),
        413,
        "over the limit"
    );
    assert_eq!(status(ureq::post(&url).send_bytes(&[0xff, 0x00, 0x13])), 401);
    assert_eq!(status(ureq::post(&url).send_bytes(b"")), 401);
    let garbage = b"\x00not json at all";
    let ts = now().to_string();
    let signature = app_key().sign(&[ts.as_bytes(), &garbage[..]].concat());
    let signed = ureq::post(&url)
        .set("X-Signature-Ed25519", &hex(&signature.to_bytes()))
        .set("X-Signature-Timestamp", &ts)
        .send_bytes(garbage);
    assert_eq!(status(signed), 400, "signed garbage");
}

#[test]
fn http_mode_registers_commands_at_startup_and_survives_a_failed_registration() {
    // Registration against a stub that records it.
    let (base, seen) = stub_rest();
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        "[discord]\nmode = \"http\"\npublic_key = \"{}\"\napplication_id = 1100000000000000000\napi_base = \"{base}\"\n",
        hex(app_key().verifying_key().as_bytes())
    );
    let env = [("SHIORI_DISCORD_TOKEN", "test-token")];
    let server = common::serve_with(dir.path(), &common::notes_dir(), &config, &env, Stdio::null());
    common::wait_ready(&server.base);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !seen
        .lock()
        .unwrap()
        .iter()
        .any(|(m, p, _)| m == "PUT" && p == "/api/v10/applications/1100000000000000000/commands")
    {
        assert!(Instant::now() < deadline, "{:?}", seen.lock().unwrap());
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(server);

    // Registration against nothing at all: logged, and the endpoint answers anyway.
    let dir = tempfile::tempdir().unwrap();
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_base = format!("http://{}", dead.local_addr().unwrap());
    drop(dead);
    let config = config.replace(&base, &dead_base);
    let server = common::serve_with(dir.path(), &common::notes_dir(), &config, &env, Stdio::null());
    common::wait_ready(&server.base);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (_, metrics) = common::get(&format!("{}/metrics", server.base));
        if metrics.contains("shiori_errors_total{kind=\"discord_register\"} 1") {
            break;
        }
        assert!(Instant::now() < deadline, "{metrics}");
        std::thread::sleep(Duration::from_millis(20));
    }
    let (status, pong) = post(
        &server,
        &json!({"type": 1, "id": "1", "application_id": "1100000000000000000", "token": "t", "version": 1}),
        Some(&app_key()),
        now(),
    );
    assert_eq!((status, pong), (200, json!({"type": 1})));
}

/// The bot's main job on real time, the way a group runs it: `shiori serve` in HTTP mode with an
/// every-minute schedule against the stub REST API for over two minutes, two members clicking
/// at once, and a restart a few seconds into a minute with a reveal pending. One post per
/// minute, each revealed exactly once (with both clicks counted).
#[test]
fn an_every_minute_schedule_on_real_time_posts_once_a_minute_across_a_restart() {
    let (api, seen, times) = common::discord_rest_stub_timed();
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        "[discord]\nmode = \"http\"\npublic_key = \"{}\"\napplication_id = \"1100000000000000000\"\napi_base = \"{api}\"\n\n\
         [[quiz.schedule]]\nplatform = \"discord\"\nchannel = 123456789012345678\ncron = \"* * * * *\"\n\
         timezone = \"Asia/Tokyo\"\nreveal_after = \"10s\"\n",
        hex(app_key().verifying_key().as_bytes())
    );
    let env = [("SHIORI_DISCORD_TOKEN", "test-token")];
    let start = |dir: &std::path::Path| {
        let server = common::serve_with(dir, &common::notes_dir(), &config, &env, Stdio::null());
        common::wait_ready(&server.base);
        server
    };
    let posts = || -> Vec<(SystemTime, Value)> {
        let seen = seen.lock().unwrap();
        let times = times.lock().unwrap();
        seen.iter()
            .zip(times.iter())
            .filter(|((m, p, _), _)| m == "POST" && p == "/api/v10/channels/123456789012345678/messages")
            .map(|((_, _, body), t)| (*t, body.clone()))
            .collect()
    };
    let patches = || -> Vec<(String, Value)> {
        seen.lock()
            .unwrap()
            .iter()
            .filter(|(m, _, _)| m == "PATCH")
            .map(|(_, p, b)| (p.clone(), b.clone()))
            .collect()
    };
    let wait = |what: &str, secs: u64, done: &dyn Fn() -> bool| {
        let deadline = Instant::now() + Duration::from_secs(secs);
        while !done() {
            assert!(Instant::now() < deadline, "{what} within {secs} s: {:?}", seen.lock().unwrap());
            std::thread::sleep(Duration::from_millis(100));
        }
    };

    let mut server = start(dir.path());
    // The current minute's slot at once (it is within catch_up), then the next minute's.
    wait("the first post", 20, &|| !posts().is_empty());
    wait("the second post", 75, &|| posts().len() >= 2);
    // Two members click the second post's buttons at the same moment.
    let buttons = posts()[1].1["components"][0]["components"].as_array().unwrap().clone();
    let custom_ids: Vec<String> =
        buttons.iter().take(2).map(|b| b["custom_id"].as_str().unwrap().to_owned()).collect();
    let statuses = common::concurrently(2, |i| {
        post(&server, &click_by(&custom_ids[i], 300000000000000011 + i as u64), Some(&app_key()), now()).0
    });
    assert_eq!(statuses, [200, 200]);
    // A restart a few seconds into the minute, before the second post's reveal.
    std::thread::sleep(Duration::from_secs(3));
    assert!(common::terminate(&mut server, Duration::from_secs(10)).success());
    let mut server = start(dir.path());
    wait("two more posts after the restart", 150, &|| posts().len() >= 4);
    wait("the fourth reveal", 20, &|| patches().len() >= 4);
    std::thread::sleep(Duration::from_secs(2));
    assert!(common::terminate(&mut server, Duration::from_secs(10)).success());

    let posts = posts();
    let minutes: Vec<u64> =
        posts.iter().map(|(t, _)| t.duration_since(UNIX_EPOCH).unwrap().as_secs() / 60).collect();
    assert_eq!(minutes.len(), 4, "one post a minute, no more: {minutes:?}");
    assert!(minutes.windows(2).all(|w| w[1] == w[0] + 1), "consecutive minutes, one post each: {minutes:?}");
    let mut revealed: Vec<String> = patches().iter().map(|(path, _)| path.clone()).collect();
    revealed.sort();
    let want: Vec<String> = (1..=4)
        .map(|i| format!("/api/v10/channels/123456789012345678/messages/70000000000000000{i}"))
        .collect();
    assert_eq!(revealed, want, "each post revealed once");
    let second = &patches().into_iter().find(|(p, _)| p.ends_with("0002")).unwrap().1;
    let text = second["embeds"][0]["description"].as_str().unwrap();
    assert!(text.contains("/2 ("), "both clicks counted in the reveal: {text}");
}

/// Damages the stored sections of the index under `dir` in place: the first `1/part` of each doc
/// store is overwritten (with `part = 2` the compressed blocks, leaving the footer read when the
/// index was opened; with 1 everything). Same length, so the running bot's mapped files stay
/// mapped; reading any section fails.
fn damage_index(dir: &std::path::Path, part: usize) -> usize {
    let mut damaged = 0;
    for generation in std::fs::read_dir(dir.join("index")).unwrap().flatten() {
        let Ok(files) = std::fs::read_dir(generation.path()) else { continue };
        for file in files.flatten().map(|f| f.path()) {
            if file.extension().is_some_and(|e| e == "store") {
                let len = std::fs::metadata(&file).unwrap().len() as usize;
                let mut f = std::fs::OpenOptions::new().write(true).open(&file).unwrap();
                std::io::Write::write_all(&mut f, &vec![0xA5; len / part]).unwrap();
                damaged += 1;
            }
        }
    }
    damaged
}

#[test]
fn a_failing_index_says_the_search_failed_and_logs_and_counts_it() {
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        "[chat]\nask_cooldown = \"0s\"\n[discord]\nmode = \"http\"\npublic_key = \"{}\"\napplication_id = 1100000000000000000\n",
        hex(app_key().verifying_key().as_bytes())
    );
    let mut server = common::serve_with(dir.path(), &common::notes_dir(), &config, &[], Stdio::piped());
    let logs = common::capture_stderr(&mut server);
    common::wait_ready(&server.base);
    assert!(damage_index(dir.path(), 2) > 0, "the index has stored sections");

    let ask = slash("ask", json!([{"name": "query", "type": 3, "value": "ハイバネーションとは"}]));
    let (status, reply) = post(&server, &ask, Some(&app_key()), now());
    assert_eq!(status, 200);
    let text = description(&reply);
    assert!(text.contains("検索に失敗しました"), "not \"nothing found\": {reply}");
    let (status, body) =
        common::get(&format!("{}/api/ask?q={}", server.base, common::q("ハイバネーションとは")));
    assert_eq!(status, 500, "{body}");
    assert!(body.contains("the search failed"), "{body}");
    // Damaged so badly that tantivy panics: still an answer, not a dropped request.
    damage_index(dir.path(), 1);
    let again = slash("ask", json!([{"name": "query", "type": 3, "value": "スポットインスタンス"}]));
    let (status, reply) = post(&server, &again, Some(&app_key()), now());
    assert_eq!(status, 200);
    assert!(description(&reply).contains("検索に失敗しました"), "{reply}");
    let (_, metrics) = common::get(&format!("{}/metrics", server.base));
    assert!(metrics.contains("shiori_errors_total{kind=\"search\"} 3"), "{metrics}");
    assert!(common::terminate(&mut server, Duration::from_secs(10)).success());
    let logs = logs.join().unwrap();
    assert!(logs.contains("search failed") && logs.contains("ERROR"), "{logs}");
}

/// A submitted 「続けて質問」 form, as Discord sends it.
fn modal_submit(custom_id: &str, query: &str, user_id: u64) -> Value {
    static SUBMITS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let id = 1200000000000000900 + SUBMITS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let data = json!({"custom_id": custom_id, "components": [
        {"type": 1, "components": [{"type": 4, "custom_id": "query", "value": query}]}
    ]});
    interaction_from(5, &id.to_string(), user_id, data)
}

/// Every button id of a response, in order.
fn button_ids(response: &Value) -> Vec<String> {
    let rows = response["data"]["components"].as_array().cloned().unwrap_or_default();
    rows.iter()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .map(|b| b["custom_id"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn embed_text(response: &Value) -> String {
    let embeds = response["data"]["embeds"].as_array().cloned().unwrap_or_default();
    embeds.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n")
}

#[test]
fn answer_buttons_follow_ups_and_feedback_through_the_endpoint() {
    let dir = tempfile::tempdir().unwrap();
    // A copy of the notes this test edits, and a short follow-up window to see it expire.
    let notes = dir.path().join("notes");
    std::fs::create_dir(&notes).unwrap();
    std::fs::copy(common::notes_dir().join("aws-notes.txt"), notes.join("aws-notes.txt")).unwrap();
    let config = format!(
        "[chat]\nfollowup_window = \"4s\"\nask_visibility = \"private\"\n[discord]\nmode = \"http\"\npublic_key = \"{}\"\napplication_id = 1100000000000000000\n",
        hex(app_key().verifying_key().as_bytes())
    );
    let server = common::serve_with(dir.path(), &notes, &config, &[], Stdio::null());
    common::wait_ready(&server.base);
    let key = app_key();
    let send = |body: &Value| post(&server, body, Some(&key), now());

    let (status, ask) =
        send(&slash("ask", json!([{"name": "query", "type": 3, "value": "VPCエンドポイントとは"}])));
    assert_eq!(status, 200, "{ask}");
    assert_eq!(ask["data"]["flags"], 64, "ask_visibility = private: the answer is ephemeral");
    let ids = button_ids(&ask);
    let ask_id = ids[0].split(':').nth(2).unwrap().to_owned();
    let id = |action: &str| format!("shiori:ask:{ask_id}:{action}");
    assert_eq!(
        ids,
        ["full", "related", "share", "followup", "good", "bad", "wrong_source"].map(id),
        "private answers carry 共有"
    );
    let labels = ask["data"]["components"][0]["components"].as_array().unwrap().len();
    assert!(labels <= 5, "at most five buttons a row");

    // 全文: the whole section with its heading path, to the member alone.
    let (_, full) = send(&click(&id("full")));
    assert_eq!(full["data"]["flags"], 64);
    let text = embed_text(&full);
    assert!(
        text.contains("インフラ一括管理ツール › VPC › エンドポイント › サービスエンドポイント"),
        "{text}"
    );
    assert!(text.contains("(L67"), "{text}");
    // 関連: the related sections, with their lines.
    let (_, related) = send(&click(&id("related")));
    assert!(embed_text(&related).contains("関連") && embed_text(&related).contains("(L"), "{related}");
    // 共有: the answer again, to the channel.
    let (_, shared) = send(&click(&id("share")));
    assert_ne!(shared["data"]["flags"], 64, "shared to the channel: {shared}");
    assert!(embed_text(&shared).contains("質問: VPCエンドポイントとは"), "{shared}");

    // Feedback from two members lands in SQLite, member ids hashed, and in /metrics.
    for (member, verdict) in [(300000000000000001u64, "good"), (300000000000000002, "wrong_source")] {
        let (_, thanks) = send(&click_by(&id(verdict), member));
        assert!(embed_text(&thanks).contains("フィードバックを記録しました"), "{thanks}");
    }
    let store = shiori::store::Store::open(&dir.path().join("data/shiori.db")).unwrap();
    let feedback = store.feedback().unwrap();
    assert_eq!((feedback[0].good, feedback[0].bad, feedback[0].wrong_source), (1, 0, 1));
    assert_eq!(feedback[0].ask.question, "VPCエンドポイントとは");
    assert!(!feedback[0].ask.member.contains("300000000000000001"), "member ids are hashed");
    let (_, metrics) = common::get(&format!("{}/metrics", server.base));
    assert!(metrics.contains("shiori_feedback_total{verdict=\"wrong_source\"} 1"), "{metrics}");

    // 続けて質問: a form naming the answer; its 料金は？ is searched within VPC.
    let (_, modal) = send(&click(&id("followup")));
    assert_eq!(modal["type"], 9, "a modal: {modal}");
    let form = modal["data"]["custom_id"].as_str().unwrap().to_owned();
    let (_, answer) = send(&modal_submit(&form, "料金は？", 300000000000000001));
    let text = embed_text(&answer);
    assert!(text.contains("前の回答「VPC エンドポイント」の続きとして探しました"), "{text}");
    assert!(
        text.contains("aws-notes.txt › インフラ一括管理ツール › VPC"),
        "the follow-up lands in VPC: {text}"
    );
    let (_, plain) = send(&slash("ask", json!([{"name": "query", "type": 3, "value": "料金は？"}])));
    assert!(!embed_text(&plain).contains("› VPC"), "without the context it lands elsewhere: {plain}");
    // Empty, or 100 KB: a clear message or status, and the server keeps answering.
    let (_, empty) = send(&modal_submit(&form, "   ", 300000000000000001));
    assert!(embed_text(&empty).contains("質問を入力してください"), "{empty}");
    // Over a plain socket: the server may answer 413 before the body is all sent, and an HTTP
    // client then fails writing the rest (a broken pipe) instead of reading the status.
    let huge =
        serde_json::to_vec(&modal_submit(&form, &"あ".repeat(100 * 1024 / 3), 300000000000000001)).unwrap();
    let status = common::raw_post(&server.base, "/discord/interactions", &huge);
    assert_eq!(status, 413, "a body past http.max_body_bytes");
    let (_, long) = send(&modal_submit(&form, &"あ".repeat(5000), 300000000000000001));
    assert!(embed_text(&long).contains("質問が長すぎます"), "{long}");
    // A forged or replayed click: 401.
    assert_eq!(post(&server, &click(&id("good")), None, now()).0, 401, "unsigned");
    let replayed = click(&id("good"));
    let at = now();
    assert_eq!(post(&server, &replayed, Some(&key), at).0, 200);
    assert_eq!(post(&server, &replayed, Some(&key), at).0, 401, "replayed");
    // A button for an answer that does not exist.
    let (_, unknown) = send(&click("shiori:ask:999999:full"));
    assert!(embed_text(&unknown).contains("見つかりませんでした"), "{unknown}");

    // After the window, the same follow-up has no context and says so.
    std::thread::sleep(Duration::from_millis(4500));
    let (_, expired) = send(&modal_submit(&form, "料金は？", 300000000000000001));
    assert!(embed_text(&expired).contains("続けて質問できる前の回答がありません"), "{expired}");

    // The notes lose the cited section: its 全文 button says so; 関連 still answers.
    let text = std::fs::read_to_string(notes.join("aws-notes.txt")).unwrap();
    let edited: Vec<&str> = text.lines().filter(|l| !l.contains("サービスエンドポイント")).collect();
    std::fs::write(notes.join("aws-notes.txt"), edited.join("\n")).unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (_, full) = send(&click(&id("full")));
        if embed_text(&full).contains("ノートの更新でなくなりました") {
            break;
        }
        assert!(Instant::now() < deadline, "the reload never dropped the section: {full}");
        std::thread::sleep(Duration::from_millis(200));
    }
    let (status, _) = send(&click(&id("related")));
    assert_eq!(status, 200);
}

/// A slash command from member `user_id` (each with its own interaction id).
fn slash_by(name: &str, options: Value, user_id: u64) -> Value {
    static IDS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let id = 1200000000000000500 + IDS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    interaction_from(
        2,
        &id.to_string(),
        user_id,
        json!({"id": "1300000000000000001", "name": name, "type": 1, "options": options}),
    )
}

/// Every embed's description of an interaction response, joined.
fn all_text(response: &Value) -> String {
    response["data"]["embeds"]
        .as_array()
        .map(|e| {
            e.iter().map(|e| e["description"].as_str().unwrap_or_default()).collect::<Vec<_>>().join("\n")
        })
        .unwrap_or_default()
}

/// `shiori serve` in HTTP mode with an every-minute quiz on the DM channel the test members
/// write from, posting to the stub REST API at `api`; `notes` are the notes it reads.
fn serve_quiz(dir: &std::path::Path, api: &str, notes: &std::path::Path, reveal_after: &str) -> Server {
    let config = format!(
        "[discord]\nmode = \"http\"\npublic_key = \"{}\"\napplication_id = \"1100000000000000000\"\napi_base = \"{api}\"\n\n\
         [[quiz.schedule]]\nplatform = \"discord\"\nchannel = 400000000000000001\ncron = \"* * * * *\"\n\
         timezone = \"Asia/Tokyo\"\nreveal_after = \"{reveal_after}\"\n",
        hex(app_key().verifying_key().as_bytes())
    );
    let server =
        common::serve_with(dir, notes, &config, &[("SHIORI_DISCORD_TOKEN", "test-token")], Stdio::null());
    common::wait_ready(&server.base);
    server
}

/// Waits until the stub saw a request matching `want`; that request's body.
fn wait_request(seen: &Seen, secs: u64, want: impl Fn(&str, &str) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some((_, _, body)) = seen.lock().unwrap().iter().find(|(m, p, _)| want(m, p)) {
            return body.clone();
        }
        assert!(Instant::now() < deadline, "no such request within {secs} s: {:?}", seen.lock().unwrap());
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The group's quiz on Discord from end to end: the post says when the answer comes, four
/// members click three different options, the edited post shows the spread, who was first and
/// what each wrong option is (cited); then `/me` shows a member their weak area, `/review`
/// brings back what they missed, and two reports void the question and empty the board.
#[test]
fn a_channel_quiz_on_discord_reveals_the_spread_and_teaches_each_member() {
    let (api, seen) = stub_rest();
    let dir = tempfile::tempdir().unwrap();
    let server = serve_quiz(dir.path(), &api, &common::notes_dir(), "8s");
    let key = app_key();
    let posted =
        wait_request(&seen, 20, |m, p| m == "POST" && p == "/api/v10/channels/400000000000000001/messages");
    let description = posted["embeds"][0]["description"].as_str().unwrap();
    assert!(description.contains("答えの発表: <t:") && description.contains(":R>"), "{description}");
    let ids: Vec<String> = posted["components"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|row| row["components"].as_array().unwrap())
        .map(|b| b["custom_id"].as_str().unwrap().to_owned())
        .collect();
    assert!(ids.contains(&"shiori:report:1".to_owned()), "{ids:?}");
    let store = shiori::store::Store::open(&dir.path().join("data/shiori.db")).unwrap();
    let q = store.post::<shiori::quiz::Question>(1).unwrap().unwrap().question;
    let n = q.choices.len();
    assert_eq!(ids.iter().filter(|id| id.starts_with("shiori:answer:1:")).count(), n);
    assert_eq!(q.choice_notes.len(), n, "the posted question knows what each choice is");
    let (right, wrong1, wrong2) = (q.answer_index, (q.answer_index + 1) % n, (q.answer_index + 2) % n);
    // Four members: the first two right (one after the other), two on two different wrong options at once.
    for (user, choice) in [(21u64, right), (22, right)] {
        let (status, ack) = post(
            &server,
            &click_by(&format!("shiori:answer:1:{choice}"), 300000000000000000 + user),
            Some(&key),
            now(),
        );
        assert_eq!(status, 200);
        assert!(all_text(&ack).contains("回答を受け付けました"), "{ack}");
        assert_eq!(ack["data"]["flags"], 64);
    }
    let statuses = common::concurrently(2, |i| {
        let (user, choice) = [(23u64, wrong1), (24, wrong2)][i];
        post(
            &server,
            &click_by(&format!("shiori:answer:1:{choice}"), 300000000000000000 + user),
            Some(&key),
            now(),
        )
        .0
    });
    assert_eq!(statuses, [200, 200]);

    let revealed =
        wait_request(&seen, 20, |m, p| m == "PATCH" && p.ends_with("/messages/700000000000000001"));
    let text = revealed["embeds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["description"].as_str().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(text.contains("正解率: 2/4 (50%)"), "{text}");
    assert!(text.contains(&format!("✅{}. ", right + 1)) && text.contains("█████░░░░░ 50% (2)"), "{text}");
    assert_eq!(text.matches("███░░░░░░░ 25% (1)").count(), 2, "{text}");
    assert!(text.contains("一番乗り: <@300000000000000021>"), "{text}");
    let others = text.split("ほかの選択肢:").nth(1).expect("why the others are wrong");
    assert_eq!(others.lines().filter(|l| l.starts_with('・') && l.contains("(L")).count(), n - 1, "{text}");

    // /me for a member who missed it: private, the weak area and what to re-read.
    let (_, me) = post(&server, &slash_by("me", json!([]), 300000000000000023), Some(&key), now());
    assert_eq!(me["data"]["flags"], 64, "/me is private");
    let me_text = all_text(&me);
    assert!(me_text.contains("正答率: 0/1") && me_text.contains("苦手なところ"), "{me_text}");
    assert!(me_text.contains(&format!("/source {}", q.section_id)), "{me_text}");
    // /review brings the missed question back, privately; right this time, then clicked twice.
    let (_, review) = post(&server, &slash_by("review", json!([]), 300000000000000023), Some(&key), now());
    assert_eq!(review["data"]["flags"], 64);
    assert!(all_text(&review).contains(&q.question), "{review}");
    let review_buttons: Vec<String> = review["data"]["components"][0]["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["custom_id"].as_str().unwrap().to_owned())
        .collect();
    let (_, answered) =
        post(&server, &click_by(&review_buttons[right], 300000000000000023), Some(&key), now());
    let next: Vec<&str> = answered["data"]["components"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|row| row["components"].as_array().unwrap())
        .filter_map(|b| b["custom_id"].as_str())
        .collect();
    assert!(next.contains(&"shiori:review:next"), "a review goes on with one click: {next:?}");
    let answered = all_text(&answered);
    assert!(answered.contains("⭕ 正解！") && answered.contains("次の復習"), "{answered}");
    let (_, done) = post(&server, &click_by("shiori:review:next", 300000000000000023), Some(&key), now());
    assert!(all_text(&done).contains("いま復習する問題はありません"), "{done}");
    let (_, twice) = post(&server, &click_by(&review_buttons[wrong1], 300000000000000023), Some(&key), now());
    assert!(all_text(&twice).contains("回答済み"), "{twice}");

    // The board, then two reports void the question and it is recomputed.
    let board = |user| {
        let options = json!([{"name": "period", "type": 3, "value": "all"}]);
        all_text(&post(&server, &slash_by("leaderboard", options, user), Some(&key), now()).1)
    };
    assert!(
        board(300000000000000021).contains("300000000000000021 — 1問正解"),
        "{}",
        board(300000000000000021)
    );
    let (_, reasons) = post(&server, &click_by("shiori:report:1", 300000000000000021), Some(&key), now());
    let reason_ids: Vec<&str> = reasons["data"]["components"][0]["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["custom_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        reason_ids,
        ["shiori:report:1:wrong", "shiori:report:1:ambiguous", "shiori:report:1:outdated"]
    );
    let (_, first) = post(&server, &click_by(reason_ids[0], 300000000000000021), Some(&key), now());
    assert!(all_text(&first).contains("1 件"), "{first}");
    let (_, second) = post(&server, &click_by(reason_ids[1], 300000000000000022), Some(&key), now());
    assert!(all_text(&second).contains("取り消され"), "{second}");
    assert!(board(300000000000000021).contains("まだ回答がありません"), "{}", board(300000000000000021));
    let (_, me) = post(&server, &slash_by("me", json!([]), 300000000000000021), Some(&key), now());
    assert!(
        all_text(&me).contains("まだ採点済みの回答がありません"),
        "a voided question no longer counts: {me}"
    );
    let (_, gone) =
        post(&server, &click_by("shiori:report:999999:wrong", 300000000000000021), Some(&key), now());
    assert!(all_text(&gone).contains("見つかりませんでした"), "{gone}");
}

/// The notes are edited under an open quiz's citation: the running bot reloads, retires the
/// post and edits it into a notice, never showing the stale citation.
#[test]
fn editing_the_cited_line_while_a_quiz_is_open_retires_it_on_discord() {
    let (api, seen) = stub_rest();
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes");
    std::fs::create_dir(&notes).unwrap();
    let original = std::fs::read_to_string(common::notes_dir().join("aws-notes.txt")).unwrap();
    std::fs::write(notes.join("aws-notes.txt"), &original).unwrap();
    let server = serve_quiz(dir.path(), &api, &notes, "1h");
    wait_request(&seen, 20, |m, p| m == "POST" && p == "/api/v10/channels/400000000000000001/messages");
    let store = shiori::store::Store::open(&dir.path().join("data/shiori.db")).unwrap();
    let q = store.post::<shiori::quiz::Question>(1).unwrap().unwrap().question;
    let mut lines: Vec<String> = original.lines().map(str::to_owned).collect();
    lines[q.source.line_start - 1].push_str("（2026年改定）");
    std::fs::write(notes.join("aws-notes.txt"), lines.join("\n") + "\n").unwrap();
    let edited = wait_request(&seen, 30, |m, p| m == "PATCH" && p.ends_with("/messages/700000000000000001"));
    let text = edited["embeds"][0]["description"].as_str().unwrap();
    assert!(text.contains(shiori::bot::RETIRED), "{edited}");
    assert!(edited["embeds"][0]["footer"].is_null(), "no stale citation: {edited}");
    let (_, late) =
        post(&server, &click_by("shiori:answer:1:0", 300000000000000031), Some(&app_key()), now());
    assert!(all_text(&late).contains("取り消しました"), "{late}");
    let (_, metrics) = common::get(&format!("{}/metrics", server.base));
    assert!(metrics.contains("shiori_quiz_retired_total 1"), "{metrics}");
}
