//! Slack end to end with no network: `shiori serve` in HTTP mode (signed slash commands and
//! button clicks, answers inline or through `response_url`), in Socket Mode (a local stub answers
//! `apps.connections.open` with a ws:// URL and delivers envelopes), and scheduled quiz posts and
//! reveals against a stub Web API. Requests are signed as Slack signs them: v0 HMAC-SHA256.

mod common;

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::{Json, Router};
use futures_util::{SinkExt, StreamExt};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

const MAX_BLOCKS: usize = 50;

const SIGNING_SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
const BOT_TOKEN: &str = "xoxb-stub-bot-token-0001";
const APP_TOKEN: &str = "xapp-stub-app-token-0001";
const ADMIN: &str = "UADMIN0001";

/// What the stub Web API saw: path, Authorization header, JSON body.
type Seen = Arc<Mutex<Vec<(String, String, Value)>>>;

#[derive(Clone)]
struct Stub {
    seen: Seen,
    socket_url: String,
}

async fn api(State(stub): State<Stub>, uri: Uri, headers: HeaderMap, body: Bytes) -> Json<Value> {
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    stub.seen.lock().unwrap().push((uri.path().to_owned(), auth, value.clone()));
    Json(match uri.path() {
        "/api/apps.connections.open" => json!({"ok": true, "url": stub.socket_url}),
        "/api/chat.postMessage" => {
            json!({"ok": true, "channel": value["channel"], "ts": "1764000000.000100", "message": {"ts": "1764000000.000100"}})
        }
        "/api/chat.update" => {
            json!({"ok": true, "channel": value["channel"], "ts": value["ts"], "message": {}})
        }
        "/api/chat.postEphemeral" => json!({"ok": true, "message_ts": "1764000000.000200"}),
        "/api/views.open" => {
            let mut view = value["view"].clone();
            view["id"] = json!("V0001");
            view["team_id"] = json!("T0001");
            view["hash"] = json!("156772938.1827394");
            json!({"ok": true, "view": view})
        }
        _ => json!({"ok": true}), // response_url posts
    })
}

/// Starts the stub Web API (and response_url target) on `runtime`; its base URL.
fn stub_api(runtime: &tokio::runtime::Runtime, seen: &Seen, socket_url: &str) -> String {
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let stub = Stub { seen: Arc::clone(seen), socket_url: socket_url.to_owned() };
        let app = Router::new().fallback(api).with_state(stub);
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        base
    })
}

/// Waits until a request to `path` has arrived; its (Authorization, body).
fn wait_for(seen: &Seen, path: &str) -> (String, Value) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some((_, auth, body)) = seen.lock().unwrap().iter().find(|(p, _, _)| p == path) {
            return (auth.clone(), body.clone());
        }
        assert!(Instant::now() < deadline, "nothing at {path}: {:?}", seen.lock().unwrap());
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

fn sign(secret: &str, timestamp: i64, body: &str) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("v0:{timestamp}:{body}").as_bytes());
    let digest = mac.finalize().into_bytes();
    format!("v0={}", digest.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

fn form(pairs: &[(&str, &str)]) -> String {
    pairs.iter().map(|(k, v)| format!("{k}={}", common::q(v))).collect::<Vec<_>>().join("&")
}

/// A slash command as Slack posts it (`application/x-www-form-urlencoded`).
fn slash(command: &str, text: &str, user: &str, response_url: &str) -> String {
    form(&[
        ("token", "gIkuvaNzQIHg97ATvDxqgjtO"),
        ("team_id", "T0001"),
        ("team_domain", "aws-study"),
        ("channel_id", "C2147483705"),
        ("channel_name", "aws-study"),
        ("user_id", user),
        ("user_name", "hanako"),
        ("command", command),
        ("text", text),
        ("api_app_id", "A123456"),
        ("is_enterprise_install", "false"),
        ("response_url", response_url),
        ("trigger_id", "13345224609.738474920.8088930838d88f008e0"),
    ])
}

/// A click on quiz button `action_id` as Slack posts it: a `payload` form field of JSON.
fn click_payload(action_id: &str, user: &str, response_url: &str) -> Value {
    json!({
        "type": "block_actions", "team": {"id": "T0001", "domain": "aws-study"},
        "user": {"id": user, "username": "hanako", "name": "hanako", "team_id": "T0001"},
        "api_app_id": "A123456", "token": "gIkuvaNzQIHg97ATvDxqgjtO",
        "container": {"type": "message", "message_ts": "1764000000.000100", "channel_id": "C2147483705", "is_ephemeral": true},
        "trigger_id": "13345224609.738474920.8088930838d88f008e1",
        "channel": {"id": "C2147483705", "name": "aws-study"},
        "response_url": response_url,
        "actions": [{"type": "button", "action_id": action_id, "block_id": "q", "value": action_id,
                     "text": {"type": "plain_text", "text": "1", "emoji": true}, "action_ts": "1764000001.000200"}]
    })
}

/// POSTs `body` to `path`, signed with `secret` at `timestamp` (unsigned when `secret` is None).
fn post(base: &str, path: &str, body: &str, secret: Option<&str>, timestamp: i64) -> (u16, Value, Duration) {
    let mut request = ureq::post(&format!("{base}{path}"))
        .set("Content-Type", "application/x-www-form-urlencoded")
        .timeout(Duration::from_secs(10));
    if let Some(secret) = secret {
        request = request
            .set("X-Slack-Request-Timestamp", &timestamp.to_string())
            .set("X-Slack-Signature", &sign(secret, timestamp, body));
    }
    let started = Instant::now();
    let (status, text) = match request.send_string(body) {
        Ok(r) => (r.status(), r.into_string().unwrap()),
        Err(ureq::Error::Status(code, r)) => (code, r.into_string().unwrap()),
        Err(e) => panic!("{e}"),
    };
    (status, serde_json::from_str(&text).unwrap_or(Value::Null), started.elapsed())
}

fn serve_http(dir: &std::path::Path, api: &str, extra: &str) -> common::Server {
    let config = format!(
        "[store]\npath = \"data/shiori.db\"\n[slack]\nmode = \"http\"\napi_base = \"{api}/api\"\nadmins = [\"{ADMIN}\"]\n{extra}"
    );
    let env = [("SHIORI_SLACK_SIGNING_SECRET", SIGNING_SECRET), ("SHIORI_SLACK_BOT_TOKEN", BOT_TOKEN)];
    let server = common::serve_with(dir, &common::notes_dir(), &config, &env, Stdio::null());
    common::wait_ready(&server.base);
    server
}

/// A command's reply when `reply_within = "0s"`: an acknowledgement at once, then the reply at
/// the response_url `path`.
fn delivered_later(ack: Value, seen: &Seen, path: &str) -> Value {
    assert!(texts(&ack["blocks"]).contains("考え中"), "{ack}");
    wait_for(seen, path).1
}

/// How many numbered choices (`*1.* …`) a question's blocks list: one button each, 3 or 4.
fn listed_choices(blocks: &Value) -> usize {
    let text = texts(blocks);
    let n = (1..=5).filter(|k| text.contains(&format!("*{k}.* "))).count();
    assert!((3..=4).contains(&n), "{n} choices listed: {text}");
    n
}

fn texts(blocks: &Value) -> String {
    blocks
        .as_array()
        .map(|b| b.iter().map(|b| b.to_string()).collect::<Vec<_>>().join("\n"))
        .unwrap_or_default()
}

#[test]
fn http_mode_answers_signed_commands_inline_and_refuses_forgeries() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let seen = Seen::default();
    let api = stub_api(&runtime, &seen, "");
    let dir = tempfile::tempdir().unwrap();
    let server = serve_http(dir.path(), &api, "");
    let respond = format!("{api}/respond/1");
    let body = slash("/ask", "スポットインスタンスの中断を減らすには？", "U0001", &respond);

    let (status, answer, took) = post(&server.base, "/slack/commands", &body, Some(SIGNING_SECRET), now());
    assert_eq!(status, 200, "{answer}");
    assert!(took < Duration::from_secs(3), "answered in {took:?}");
    assert_eq!(answer["response_type"], "in_channel");
    let blocks = texts(&answer["blocks"]);
    let context = answer["blocks"].as_array().unwrap().iter().find(|b| b["type"] == "context").unwrap();
    let citation = context["elements"][0]["text"].as_str().unwrap();
    assert!(citation.contains("aws-notes.txt") && citation.contains("(L"), "{citation}");
    assert!(blocks.contains("スポットインスタンス"), "{blocks}");

    let other = slash("/ask", "EC2", "U0002", &respond);
    let forged = sign("not-the-secret", now(), &other);
    let refused = ureq::post(&format!("{}/slack/commands", server.base))
        .set("X-Slack-Request-Timestamp", &now().to_string())
        .set("X-Slack-Signature", &forged)
        .send_string(&other);
    assert!(matches!(refused, Err(ureq::Error::Status(401, _))), "bad signature");
    assert_eq!(post(&server.base, "/slack/commands", &other, None, now()).0, 401, "unsigned");
    assert_eq!(
        post(&server.base, "/slack/commands", &other, Some(SIGNING_SECRET), now() - 3600).0,
        401,
        "stale"
    );
    assert_eq!(
        post(&server.base, "/slack/commands", &other, Some(SIGNING_SECRET), now() + 600).0,
        401,
        "future"
    );
    // A captured request sent again inside the five minutes carries the same signature: refused.
    let at = now();
    assert_eq!(post(&server.base, "/slack/commands", &other, Some(SIGNING_SECRET), at).0, 200);
    assert_eq!(post(&server.base, "/slack/commands", &other, Some(SIGNING_SECRET), at).0, 401, "replayed");
    // Signed but not a slash command, or not an interaction: 400, never 5xx.
    assert_eq!(post(&server.base, "/slack/commands", "hello=world", Some(SIGNING_SECRET), now()).0, 400);
    assert_eq!(
        post(&server.base, "/slack/interactions", "payload=%7B%7D", Some(SIGNING_SECRET), now()).0,
        400
    );
    assert_eq!(post(&server.base, "/slack/interactions", "nothing", Some(SIGNING_SECRET), now()).0, 400);

    let (_, metrics) = common::get(&format!("{}/metrics", server.base));
    assert!(metrics.contains("shiori_errors_total{kind=\"slack_unauthorized\"} 5"), "{metrics}");
    assert!(metrics.contains("shiori_requests_total{command=\"ask\",platform=\"slack\"} 2"), "{metrics}");
}

#[test]
fn quiz_buttons_schedule_admin_and_late_answers_through_response_url() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let seen = Seen::default();
    let api = stub_api(&runtime, &seen, "");
    let dir = tempfile::tempdir().unwrap();
    // Answers that take longer than `reply_within` are acknowledged and posted to response_url;
    // zero makes every answer take that path.
    let server = serve_http(dir.path(), &api, "reply_within = \"0s\"\n");
    let base = server.base.clone();

    let late = format!("{api}/respond/late");
    let (status, ack, took) = post(
        &base,
        "/slack/commands",
        &slash("/ask", "ハイバネーションとは", "U0001", &late),
        Some(SIGNING_SECRET),
        now(),
    );
    assert_eq!(status, 200);
    assert!(took < Duration::from_secs(3));
    assert_eq!(ack["response_type"], "ephemeral");
    assert!(texts(&ack["blocks"]).contains("考え中"), "{ack}");
    let (auth, delivered) = wait_for(&seen, "/respond/late");
    assert_eq!(auth, "", "response_url needs no token");
    let delivered_text = texts(&delivered["blocks"]);
    assert!(delivered_text.contains("aws-notes.txt") && delivered_text.contains("L138"), "{delivered}");
    // A late answer is shown like an in-time one: to the channel (Slack shows a response_url
    // message without `response_type` to the asker alone).
    assert_eq!(delivered["response_type"], "in_channel", "{delivered}");

    // /quiz: an ephemeral question with one button per choice, named after the post.
    let quiz_url = format!("{api}/respond/quiz");
    let (_, inline, _) =
        post(&base, "/slack/commands", &slash("/quiz", "", "U0001", &quiz_url), Some(SIGNING_SECRET), now());
    let question = delivered_later(inline, &seen, "/respond/quiz");
    let actions = question["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["type"] == "actions")
        .expect("buttons")
        .clone();
    let buttons = actions["elements"].as_array().unwrap();
    assert_eq!(buttons.len(), listed_choices(&question["blocks"]));
    let action_id = buttons[1]["action_id"].as_str().unwrap().to_owned();
    assert!(action_id.starts_with("shiori:answer:"), "{action_id}");

    let click = |user: &str, url: &str| {
        let payload = click_payload(&action_id, user, url).to_string();
        post(&base, "/slack/interactions", &form(&[("payload", &payload)]), Some(SIGNING_SECRET), now())
    };
    let (status, _, took) = click("U0001", &format!("{api}/respond/click1"));
    assert_eq!(status, 200);
    assert!(took < Duration::from_secs(3));
    let (_, confirmation) = wait_for(&seen, "/respond/click1");
    let text = texts(&confirmation["blocks"]);
    assert!(text.contains("正解") && text.contains("aws-notes.txt"), "{text}");
    assert_eq!(confirmation["replace_original"], false);
    assert_eq!(confirmation["response_type"], "ephemeral", "a click is confirmed to the member alone");
    let (_, _, _) = click("U0001", &format!("{api}/respond/click2"));
    assert!(texts(&wait_for(&seen, "/respond/click2").1["blocks"]).contains("回答済み"));
    let stale_button =
        click_payload("shiori:answer:999999:0", "U0001", &format!("{api}/respond/click3")).to_string();
    post(&base, "/slack/interactions", &form(&[("payload", &stale_button)]), Some(SIGNING_SECRET), now());
    assert!(texts(&wait_for(&seen, "/respond/click3").1["blocks"]).contains("見つかりません"));

    // /schedule is for the members listed in slack.admins.
    let add = |user: &str, path: &str| {
        let url = format!("{api}{path}");
        let body = slash("/schedule", "add 0 9 * * 1-5 Asia/Tokyo 8h", user, &url);
        let (_, inline, _) = post(&base, "/slack/commands", &body, Some(SIGNING_SECRET), now());
        texts(&delivered_later(inline, &seen, path)["blocks"])
    };
    assert!(add("U0001", "/respond/s1").contains("Manage Server"));
    let added = add(ADMIN, "/respond/s2");
    assert!(added.contains("#1") && added.contains("Asia/Tokyo"), "{added}");
}

#[test]
fn a_scheduled_quiz_is_posted_and_revealed_with_chat_post_message_and_chat_update() {
    use shiori::quiz::runner::Poster;
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let seen = Seen::default();
    let api = stub_api(&runtime, &seen, "");
    let dir = tempfile::tempdir().unwrap();
    let corpus = shiori::corpus::load(&[common::notes_dir()]).unwrap();
    let schedule: shiori::quiz::schedule::ScheduleConfig = toml::from_str(
        "platform = \"slack\"\nchannel = \"C2147483705\"\ncron = \"* * * * *\"\nreveal_after = \"2s\"\n",
    )
    .unwrap();
    let store = Arc::new(shiori::store::Store::open(&dir.path().join("shiori.db")).unwrap());
    let quiz = Arc::new(shiori::quiz::game::Quizmaster::new(
        Arc::clone(&store),
        shiori::quiz::generate::generate(&corpus.sections).unwrap(),
        vec![shiori::quiz::schedule::Schedule::from_config(0, &schedule).unwrap()],
    ));
    let client = Arc::new(shiori::chat::slack::client(Some(&format!("{api}/api"))));
    let poster: Arc<dyn Poster> = Arc::new(shiori::chat::slack::SlackPoster::new(client, BOT_TOKEN));
    let posters = [("slack".to_string(), poster)].into();
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let metrics = Arc::new(shiori::metrics::Metrics::new());
    let clock = Arc::new(shiori::quiz::schedule::SystemClock);
    let task = runtime.spawn(shiori::quiz::runner::run(quiz, posters, clock, metrics, stop_rx));
    let (auth, posted) = wait_for(&seen, "/api/chat.postMessage");
    let (update_auth, updated) = wait_for(&seen, "/api/chat.update");
    stop_tx.send(true).unwrap();
    runtime.block_on(task).unwrap();

    assert_eq!(auth, format!("Bearer {BOT_TOKEN}"));
    assert_eq!(update_auth, auth);
    assert_eq!(posted["channel"], "C2147483705");
    let actions =
        posted["blocks"].as_array().unwrap().iter().find(|b| b["type"] == "actions").unwrap().clone();
    assert_eq!(actions["elements"].as_array().unwrap().len(), listed_choices(&posted["blocks"]));
    assert!(posted["blocks"].as_array().unwrap().len() <= 50);
    assert_eq!(updated["ts"], "1764000000.000100", "the reveal edits the quiz message");
    let reveal = texts(&updated["blocks"]);
    let left: Vec<&str> = updated["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["type"] == "actions")
        .flat_map(|b| b["elements"].as_array().unwrap())
        .map(|e| e["action_id"].as_str().unwrap())
        .collect();
    assert_eq!(left, ["shiori:report:1"], "the answer buttons are gone; 「問題を報告」 stays: {reveal}");
    assert!(reveal.contains("正解率") && reveal.contains("aws-notes.txt"), "{reveal}");
    assert_eq!(
        store.post::<shiori::quiz::Question>(1).unwrap().unwrap().message_id.as_deref(),
        Some("1764000000.000100")
    );
}

/// The stub Socket Mode server: hello, then each envelope from `envelopes`; acks go to `acks`.
async fn socket_server(
    listener: tokio::net::TcpListener,
    mut envelopes: mpsc::UnboundedReceiver<Value>,
    acks: mpsc::UnboundedSender<Value>,
) {
    let (tcp, _) = listener.accept().await.unwrap();
    let ws = tokio_tungstenite::accept_async(tcp).await.unwrap();
    let (mut tx, mut rx) = ws.split();
    let hello = json!({"type": "hello", "num_connections": 1,
        "debug_info": {"host": "applink-stub", "build_number": 1, "approximate_connection_time": 18060},
        "connection_info": {"app_id": "A123456"}});
    tx.send(Message::Text(hello.to_string())).await.unwrap();
    loop {
        tokio::select! {
            frame = rx.next() => match frame {
                Some(Ok(Message::Text(text))) => { let _ = acks.send(serde_json::from_str(&text).unwrap()); }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => {}
            },
            Some(envelope) = envelopes.recv() => tx.send(Message::Text(envelope.to_string())).await.unwrap(),
        }
    }
    let _ = acks.send(json!({"closed": true}));
}

#[test]
fn socket_mode_connects_out_answers_envelopes_and_acks_them() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let seen = Seen::default();
    let (envelope_tx, envelopes) = mpsc::unbounded_channel();
    let (acks_tx, mut acks) = mpsc::unbounded_channel();
    let socket_url = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("ws://{}/link/?ticket=stub", listener.local_addr().unwrap());
        tokio::spawn(socket_server(listener, envelopes, acks_tx));
        url
    });
    let api = stub_api(&runtime, &seen, &socket_url);
    let dir = tempfile::tempdir().unwrap();
    let config = format!("[store]\npath = \"data/shiori.db\"\n[slack]\napi_base = \"{api}/api\"\n");
    let env = [
        ("SHIORI_SLACK_APP_TOKEN", APP_TOKEN),
        ("SHIORI_SLACK_BOT_TOKEN", BOT_TOKEN),
        ("SHIORI_LOG", "trace"),
    ];
    let mut server = common::serve_with(dir.path(), &common::notes_dir(), &config, &env, Stdio::piped());
    let logs = common::capture_stderr(&mut server);
    common::wait_ready(&server.base);
    let (auth, _) = wait_for(&seen, "/api/apps.connections.open");
    assert_eq!(auth, format!("Bearer {APP_TOKEN}"), "the connection is opened with the app token");

    let respond = format!("{api}/respond/socket");
    let payload: Value = serde_urlencoded_pairs(&slash("/ask", "ハイバネーションとは", "U0001", &respond));
    envelope_tx
        .send(json!({"envelope_id": "env-1", "type": "slash_commands", "accepts_response_payload": true, "payload": payload}))
        .unwrap();
    let ack = runtime
        .block_on(async { tokio::time::timeout(Duration::from_secs(10), acks.recv()).await })
        .unwrap()
        .unwrap();
    assert_eq!(ack["envelope_id"], "env-1");
    let blocks = texts(&ack["payload"]["blocks"]);
    assert!(blocks.contains("aws-notes.txt") && blocks.contains("L138"), "{ack}");
    assert_eq!(ack["payload"]["response_type"], "in_channel");

    // /quiz over the socket, then a click on its first button as an `interactive` envelope.
    let quiz: Value = serde_urlencoded_pairs(&slash("/quiz", "", "U0001", &respond));
    envelope_tx.send(json!({"envelope_id": "env-q", "type": "slash_commands", "accepts_response_payload": true, "payload": quiz})).unwrap();
    let ack = runtime
        .block_on(async { tokio::time::timeout(Duration::from_secs(10), acks.recv()).await })
        .unwrap()
        .unwrap();
    assert_eq!(ack["envelope_id"], "env-q");
    let actions = ack["payload"]["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["type"] == "actions")
        .unwrap_or_else(|| panic!("{ack}"))
        .clone();
    let action_id = actions["elements"][0]["action_id"].as_str().unwrap();
    let clicked = format!("{api}/respond/socket-click");
    let click = click_payload(action_id, "U0001", &clicked);
    envelope_tx.send(json!({"envelope_id": "env-c", "type": "interactive", "accepts_response_payload": false, "payload": click})).unwrap();
    let ack = runtime
        .block_on(async { tokio::time::timeout(Duration::from_secs(10), acks.recv()).await })
        .unwrap()
        .unwrap();
    assert_eq!(ack, json!({"envelope_id": "env-c"}));
    let confirmation = texts(&wait_for(&seen, "/respond/socket-click").1["blocks"]);
    assert!(confirmation.contains("正解") && confirmation.contains("aws-notes.txt"), "{confirmation}");

    // A malformed envelope is acknowledged (not redelivered forever) and changes nothing.
    envelope_tx
        .send(json!({"envelope_id": "env-2", "type": "slash_commands", "payload": {"nope": 1}}))
        .unwrap();
    let ack = runtime
        .block_on(async { tokio::time::timeout(Duration::from_secs(10), acks.recv()).await })
        .unwrap()
        .unwrap();
    assert_eq!(ack["envelope_id"], "env-2");

    let status = common::terminate(&mut server, Duration::from_secs(5));
    assert!(status.success(), "{status:?}");
    let closed = runtime.block_on(async { tokio::time::timeout(Duration::from_secs(5), acks.recv()).await });
    assert_eq!(closed.unwrap().unwrap(), json!({"closed": true}), "the socket is closed on shutdown");
    let logs = logs.join().unwrap();
    assert!(logs.lines().count() > 20);
    for secret in [APP_TOKEN, BOT_TOKEN] {
        assert!(!logs.contains(secret), "{secret} reached the logs");
    }
}

/// A form body as the JSON object Socket Mode carries in `payload`.
fn serde_urlencoded_pairs(body: &str) -> Value {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(body).unwrap();
    Value::Object(pairs.into_iter().map(|(k, v)| (k, Value::String(v))).collect())
}

#[test]
fn two_hundred_concurrent_signed_asks_are_all_answered_inline() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let seen = Seen::default();
    let api = stub_api(&runtime, &seen, "");
    let dir = tempfile::tempdir().unwrap();
    let server = serve_http(dir.path(), &api, "");
    let respond = format!("{api}/respond/load");
    let results = common::concurrently(200, |i| {
        let body = slash("/ask", "スポットインスタンスの中断を減らすには？", &format!("U{i:05}"), &respond);
        post(&server.base, "/slack/commands", &body, Some(SIGNING_SECRET), now())
    });
    let mut latencies: Vec<Duration> = results.iter().map(|r| r.2).collect();
    for (status, answer, _) in &results {
        assert_eq!(*status, 200, "{answer}");
        assert!(texts(&answer["blocks"]).contains("aws-notes.txt"), "answered inline, cited: {answer}");
    }
    let p99 = common::report("slack /ask x200 concurrent", &mut latencies, 99.0);
    assert!(p99 < Duration::from_secs(3), "Slack waits 3 s: p99 {p99:?}");
    assert!(seen.lock().unwrap().is_empty(), "nothing needed response_url");
    assert_eq!(common::raw_post(&server.base, "/slack/commands", &vec![b'a'; 1 << 20]), 413);
}

/// A submitted follow-up form, as Slack posts it.
fn view_submission(view: &Value, query: &str, user: &str) -> Value {
    let mut view = view.clone();
    view["id"] = json!("V0001");
    view["team_id"] = json!("T0001");
    view["hash"] = json!("156772938.1827394");
    view["state"] = json!({"values": {"query": {"query": {"type": "plain_text_input", "value": query}}}});
    json!({
        "type": "view_submission", "team": {"id": "T0001", "domain": "aws-study"},
        "user": {"id": user, "username": "hanako", "name": "hanako", "team_id": "T0001"},
        "api_app_id": "A123456", "token": "gIkuvaNzQIHg97ATvDxqgjtO",
        "trigger_id": "13345224609.738474920.8088930838d88f008e2",
        "view": view
    })
}

/// The button ids of a message's actions blocks.
fn action_ids(blocks: &Value) -> Vec<String> {
    let blocks = blocks.as_array().cloned().unwrap_or_default();
    blocks
        .iter()
        .filter(|b| b["type"] == "actions")
        .flat_map(|b| b["elements"].as_array().cloned().unwrap_or_default())
        .map(|e| e["action_id"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn answer_buttons_and_the_follow_up_form_through_slack() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let seen = Seen::default();
    let api = stub_api(&runtime, &seen, "");
    let dir = tempfile::tempdir().unwrap();
    let server = serve_http(dir.path(), &api, "");
    let base = server.base.clone();
    let respond = format!("{api}/respond/ask");
    let (status, answer, _) = post(
        &base,
        "/slack/commands",
        &slash("/ask", "VPCエンドポイントとは", "U0001", &respond),
        Some(SIGNING_SECRET),
        now(),
    );
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["response_type"], "in_channel", "public by default");
    let ids = action_ids(&answer["blocks"]);
    assert_eq!(ids.len(), 6, "全文 関連 続けて質問 👍 👎 出典が違う (no 共有 on a public answer): {ids:?}");
    let ask_id = ids[0].split(':').nth(2).unwrap().to_owned();
    let id = |action: &str| format!("shiori:ask:{ask_id}:{action}");
    let click = |action: &str, user: &str, path: &str| {
        let payload = click_payload(&id(action), user, &format!("{api}{path}")).to_string();
        post(&base, "/slack/interactions", &form(&[("payload", &payload)]), Some(SIGNING_SECRET), now())
    };

    // 全文 and 関連 come back to the member alone, within Slack's limits.
    assert_eq!(click("full", "U0001", "/respond/full").0, 200);
    let (_, full) = wait_for(&seen, "/respond/full");
    assert_eq!(full["response_type"], "ephemeral");
    let text = texts(&full["blocks"]);
    assert!(text.contains("サービスエンドポイント") && text.contains("(L67"), "{text}");
    assert!(full["blocks"].as_array().unwrap().len() <= MAX_BLOCKS);
    click("related", "U0001", "/respond/related");
    assert!(texts(&wait_for(&seen, "/respond/related").1["blocks"]).contains("関連"));
    // 👎 from one member, 出典が違う from another: two rows.
    click("bad", "U0001", "/respond/bad");
    click("wrong_source", "U0002", "/respond/wrong");
    assert!(texts(&wait_for(&seen, "/respond/bad").1["blocks"]).contains("フィードバックを記録しました"));
    wait_for(&seen, "/respond/wrong");
    let store = shiori::store::Store::open(&dir.path().join("data/shiori.db")).unwrap();
    let counts = store.feedback().unwrap();
    assert_eq!((counts[0].good, counts[0].bad, counts[0].wrong_source), (0, 1, 1));

    // 続けて質問 opens a form with the click's trigger_id; its submission is answered in the channel.
    click("followup", "U0001", "/respond/unused");
    let (auth, opened) = wait_for(&seen, "/api/views.open");
    assert_eq!(auth, format!("Bearer {BOT_TOKEN}"));
    assert_eq!(opened["trigger_id"], "13345224609.738474920.8088930838d88f008e1");
    assert_eq!(opened["view"]["callback_id"], "shiori_followup");
    let submission = view_submission(&opened["view"], "料金は？", "U0001").to_string();
    let (status, _, took) =
        post(&base, "/slack/interactions", &form(&[("payload", &submission)]), Some(SIGNING_SECRET), now());
    assert_eq!(status, 200);
    assert!(took < Duration::from_secs(3));
    let (_, posted) = wait_for(&seen, "/api/chat.postMessage");
    assert_eq!(posted["channel"], "C2147483705");
    let text = texts(&posted["blocks"]);
    assert!(text.contains("続きとして探しました") && text.contains("VPC"), "{text}");
    // A forged submission: 401.
    let forged = post(&base, "/slack/interactions", &form(&[("payload", &submission)]), Some("wrong"), now());
    assert_eq!(forged.0, 401);
}

/// Every request to `path` so far, oldest first.
fn all_at(seen: &Seen, path: &str) -> Vec<Value> {
    seen.lock().unwrap().iter().filter(|(p, _, _)| p == path).map(|(_, _, b)| b.clone()).collect()
}

/// The group's quiz on Slack from end to end: the post says when the answer comes (`<!date^…>`),
/// four members click three different options, `chat.update` shows the spread, who was first (a
/// real mention) and what each wrong option is; `/quiz-me` and `/review` teach the one who missed.
#[test]
fn a_channel_quiz_on_slack_reveals_the_spread_and_teaches_each_member() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let seen = Seen::default();
    let api = stub_api(&runtime, &seen, "");
    let dir = tempfile::tempdir().unwrap();
    let schedule = "\n[[quiz.schedule]]\nplatform = \"slack\"\nchannel = \"C2147483705\"\ncron = \"* * * * *\"\nreveal_after = \"8s\"\n";
    let server = serve_http(dir.path(), &api, schedule);
    let base = server.base.clone();
    let (_, posted) = wait_for(&seen, "/api/chat.postMessage");
    let posted_text = texts(&posted["blocks"]);
    assert!(posted_text.contains("答えの発表: <!date^") && posted_text.contains("{time}|"), "{posted_text}");
    assert!(action_ids(&posted["blocks"]).contains(&"shiori:report:1".to_owned()));
    let store = shiori::store::Store::open(&dir.path().join("data/shiori.db")).unwrap();
    let q = store.post::<shiori::quiz::Question>(1).unwrap().unwrap().question;
    let n = q.choices.len();
    let (right, wrong1, wrong2) = (q.answer_index, (q.answer_index + 1) % n, (q.answer_index + 2) % n);
    let click = |user: &str, action: &str, reply: &str| {
        let payload = click_payload(action, user, &format!("{api}/respond/{reply}")).to_string();
        let (status, _, _) =
            post(&base, "/slack/interactions", &form(&[("payload", &payload)]), Some(SIGNING_SECRET), now());
        assert_eq!(status, 200);
        texts(&wait_for(&seen, &format!("/respond/{reply}")).1["blocks"])
    };
    for (i, (user, choice)) in
        [("U0021", right), ("U0022", right), ("U0023", wrong1), ("U0024", wrong2)].iter().enumerate()
    {
        let ack = click(user, &format!("shiori:answer:1:{choice}"), &format!("a{i}"));
        assert!(ack.contains("回答を受け付けました"), "{ack}");
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    while all_at(&seen, "/api/chat.update").is_empty() {
        assert!(Instant::now() < deadline, "no reveal");
        std::thread::sleep(Duration::from_millis(100));
    }
    let updated = all_at(&seen, "/api/chat.update").remove(0);
    let reveal = texts(&updated["blocks"]);
    assert!(reveal.contains("正解率: 2/4 (50%)"), "{reveal}");
    assert!(reveal.contains("█████░░░░░ 50% (2)"), "{reveal}");
    assert_eq!(reveal.matches("███░░░░░░░ 25% (1)").count(), 2, "{reveal}");
    assert!(reveal.contains("一番乗り: <@U0021>"), "a real mention, not escaped text: {reveal}");
    let others = updated["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|b| b["text"]["text"].as_str())
        .find(|t| t.starts_with("ほかの選択肢:"))
        .expect("why the others are wrong");
    assert_eq!(others.lines().filter(|l| l.starts_with('・') && l.contains("(L")).count(), n - 1, "{others}");

    // /quiz-me and /review for the member who missed it (Slack keeps `/me` for itself).
    let me_url = format!("{api}/respond/me");
    let (_, me, _) =
        post(&base, "/slack/commands", &slash("/quiz-me", "", "U0023", &me_url), Some(SIGNING_SECRET), now());
    assert_eq!(me["response_type"], "ephemeral");
    let me = texts(&me["blocks"]);
    assert!(me.contains("正答率: 0/1") && me.contains("苦手なところ"), "{me}");
    let review_url = format!("{api}/respond/review");
    let (_, review, _) = post(
        &base,
        "/slack/commands",
        &slash("/review", "", "U0023", &review_url),
        Some(SIGNING_SECRET),
        now(),
    );
    assert_eq!(review["response_type"], "ephemeral");
    let review_answer = action_ids(&review["blocks"])
        .into_iter()
        .filter(|id| id.starts_with("shiori:answer:"))
        .nth(right)
        .expect("the missed question's buttons");
    let answered = click("U0023", &review_answer, "r1");
    assert!(answered.contains("正解") && answered.contains("次の復習"), "{answered}");
    assert!(click("U0023", &review_answer, "r2").contains("回答済み"));
}
