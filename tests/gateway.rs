//! Discord's gateway mode end to end: `shiori serve` with `discord.mode = "gateway"` runs a real
//! serenity client against a local stub gateway (websocket) and a stub REST API (`api_base`):
//! the gateway URL lookup, IDENTIFY, READY, command registration to the guild, interactions from
//! guild members (with and without Manage Server), responses through the REST callback, and a
//! clean close on SIGTERM. Nothing reaches Discord.

mod common;

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{Method, StatusCode, Uri};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::sync::{mpsc, Notify};
use tokio_tungstenite::tungstenite::Message;

const APP_ID: &str = "1100000000000000000";
const GUILD_ID: &str = "500000000000000001";
const TOKEN: &str = "stub-bot-token-1234567890";

/// What the stubs saw: REST requests (method, path, body) and gateway frames from the client.
#[derive(Default)]
struct Seen {
    rest: Mutex<Vec<(String, String, Value)>>,
    gateway: Mutex<Vec<Value>>,
}

#[derive(Clone)]
struct Stub {
    seen: Arc<Seen>,
    gateway_url: String,
}

async fn record(
    State(stub): State<Stub>,
    method: Method,
    uri: Uri,
    body: Bytes,
) -> (StatusCode, Json<Value>) {
    let value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    stub.seen.rest.lock().unwrap().push((method.to_string(), uri.path().to_owned(), value));
    match uri.path() {
        "/api/v10/gateway" => (StatusCode::OK, Json(json!({ "url": stub.gateway_url }))),
        p if p.ends_with("/commands") => (StatusCode::OK, Json(json!([]))),
        p if p.ends_with("/callback") => (StatusCode::NO_CONTENT, Json(Value::Null)),
        _ => (StatusCode::NOT_FOUND, Json(json!({"message": "404: Not Found", "code": 0}))),
    }
}

/// The stub gateway: HELLO, then READY once `release` is notified, then every dispatch sent
/// on `dispatches`; heartbeats are acknowledged.
async fn gateway(
    listener: tokio::net::TcpListener,
    seen: Arc<Seen>,
    release: Arc<Notify>,
    mut dispatches: mpsc::UnboundedReceiver<Value>,
) {
    let (tcp, _) = listener.accept().await.unwrap();
    let ws = tokio_tungstenite::accept_async(tcp).await.unwrap();
    let (mut tx, mut rx) = ws.split();
    tx.send(Message::Text(json!({"op": 10, "d": {"heartbeat_interval": 41250}}).to_string())).await.unwrap();
    let mut sequence = 0;
    loop {
        tokio::select! {
            frame = rx.next() => {
                let Some(Ok(frame)) = frame else { break };
                let Message::Text(text) = frame else { continue };
                let v: Value = serde_json::from_str(&text).unwrap();
                seen.gateway.lock().unwrap().push(v.clone());
                match v["op"].as_u64() {
                    Some(2) => {
                        release.notified().await;
                        sequence += 1;
                        let ready = json!({"op": 0, "t": "READY", "s": sequence, "d": {
                            "v": 10, "user": {"id": APP_ID, "username": "shiori", "bot": true},
                            "guilds": [{"id": GUILD_ID, "unavailable": true}], "session_id": "stub-session",
                            "resume_gateway_url": "ws://127.0.0.1:9", "application": {"id": APP_ID, "flags": 0}
                        }});
                        tx.send(Message::Text(ready.to_string())).await.unwrap();
                    }
                    Some(1) => tx.send(Message::Text(json!({"op": 11}).to_string())).await.unwrap(),
                    _ => {}
                }
            }
            Some(d) = dispatches.recv() => {
                sequence += 1;
                let event = json!({"op": 0, "t": "INTERACTION_CREATE", "s": sequence, "d": d});
                tx.send(Message::Text(event.to_string())).await.unwrap();
            }
        }
    }
    seen.gateway.lock().unwrap().push(json!({"closed": true}));
}

/// A guild member as Discord sends it inside an interaction; `permissions` is the member's
/// computed permission bit set in the channel (`"32"` = Manage Server).
fn member(id: &str, permissions: &str) -> Value {
    json!({
        "user": {"id": id, "username": format!("user{id}"), "discriminator": "0", "global_name": null, "avatar": null},
        "roles": ["600000000000000001"], "nick": null, "avatar": null, "joined_at": "2026-04-01T00:00:00.000000+00:00",
        "premium_since": null, "deaf": false, "mute": false, "flags": 0, "pending": false,
        "permissions": permissions, "communication_disabled_until": null
    })
}

/// A slash command in a guild channel, from `member`.
fn command(id: u64, member: Value, name: &str, options: Value) -> Value {
    json!({
        "type": 2, "id": id.to_string(), "application_id": APP_ID, "token": format!("itok-{id}"), "version": 1,
        "locale": "ja", "guild_locale": "ja", "guild_id": GUILD_ID, "channel_id": "400000000000000001",
        "channel": {"id": "400000000000000001", "type": 0, "guild_id": GUILD_ID, "name": "aws-study"},
        "member": member, "app_permissions": "2248473465835073", "entitlements": [],
        "attachment_size_limit": 10485760, "authorizing_integration_owners": {"0": GUILD_ID}, "context": 0,
        "data": {"id": "900000000000000000", "name": name, "type": 1, "guild_id": GUILD_ID, "options": options}
    })
}

/// Waits until the stub REST API has received the callback of interaction `id`; its body.
fn callback(seen: &Seen, id: u64) -> Value {
    let path = format!("/api/v10/interactions/{id}/itok-{id}/callback");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some((_, _, body)) = seen.rest.lock().unwrap().iter().find(|(_, p, _)| *p == path) {
            return body.clone();
        }
        assert!(Instant::now() < deadline, "no callback for {id}: {:?}", seen.rest.lock().unwrap());
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn description(callback: &Value) -> String {
    callback["data"]["embeds"][0]["description"].as_str().unwrap_or_default().to_owned()
}

#[test]
fn a_gateway_session_registers_commands_and_answers_guild_members() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let seen = Arc::new(Seen::default());
    let release = Arc::new(Notify::new());
    let (dispatch, dispatches) = mpsc::unbounded_channel();
    let (rest_base, gateway_task) = runtime.block_on(async {
        let ws = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let stub =
            Stub { seen: Arc::clone(&seen), gateway_url: format!("ws://{}", ws.local_addr().unwrap()) };
        let gateway_task = tokio::spawn(gateway(ws, Arc::clone(&seen), Arc::clone(&release), dispatches));
        let rest = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", rest.local_addr().unwrap());
        let app = Router::new()
            .route("/api/v10/gateway", get(record))
            .route("/api/v10/applications/{app}/guilds/{guild}/commands", put(record))
            .route("/api/v10/interactions/{id}/{token}/callback", post(record))
            .fallback(record)
            .with_state(stub);
        tokio::spawn(async move { axum::serve(rest, app).await.unwrap() });
        (base, gateway_task)
    });

    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        "[store]\npath = \"data/shiori.db\"\n[discord]\nmode = \"gateway\"\napplication_id = {APP_ID}\nguild_id = {GUILD_ID}\napi_base = \"{rest_base}\"\n"
    );
    let env = [("SHIORI_DISCORD_TOKEN", TOKEN), ("SHIORI_LOG", "trace")];
    let mut server = common::serve_with(dir.path(), &common::notes_dir(), &config, &env, Stdio::piped());
    let logs = common::capture_stderr(&mut server);

    // The index loads, but the server is not ready until the gateway session is.
    let readyz = format!("{}/readyz", server.base);
    let deadline = Instant::now() + Duration::from_secs(20);
    while common::get(&readyz) != (503, "not connected: discord\n".into()) {
        assert!(Instant::now() < deadline, "{:?}", common::get(&readyz));
        std::thread::sleep(Duration::from_millis(20));
    }
    while seen.gateway.lock().unwrap().is_empty() {
        assert!(Instant::now() < deadline, "no IDENTIFY");
        std::thread::sleep(Duration::from_millis(20));
    }
    let identify = seen.gateway.lock().unwrap()[0].clone();
    assert_eq!(identify["op"], 2);
    assert_eq!(identify["d"]["token"], format!("Bot {TOKEN}"));
    assert_eq!(identify["d"]["intents"], 0, "no intents, privileged or not, are needed");
    assert_eq!(common::get(&readyz).0, 503);
    release.notify_one();
    common::wait_ready(&server.base);

    // Commands registered to the guild when the session is ready, /schedule for Manage Server.
    let (method, _, commands) = seen
        .rest
        .lock()
        .unwrap()
        .iter()
        .find(|(_, p, _)| p == &format!("/api/v10/applications/{APP_ID}/guilds/{GUILD_ID}/commands"))
        .cloned()
        .expect("commands registered");
    assert_eq!(method, "PUT");
    let names: Vec<&str> = commands.as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        ["ask", "quiz", "leaderboard", "me", "review", "reports", "source", "schedule", "help"]
    );
    for admin_only in ["reports", "schedule"] {
        let command = commands.as_array().unwrap().iter().find(|c| c["name"] == admin_only).unwrap();
        assert_eq!(command["default_member_permissions"], "32", "{admin_only}");
    }

    let hanako = member("300000000000000001", "2251804108783169"); // no Manage Server bit
    let admin = member("300000000000000002", "2251804108783201"); // the same plus Manage Server (32)
    let ask = |id: u64, who: &Value, q: &str| {
        command(id, who.clone(), "ask", json!([{"name": "query", "type": 3, "value": q}]))
    };
    dispatch.send(ask(1200000000000000001, &hanako, "スポットインスタンスの中断を減らすには？")).unwrap();
    let answer = callback(&seen, 1200000000000000001);
    assert_eq!(answer["type"], 4);
    let footer = answer["data"]["embeds"][0]["footer"]["text"].as_str().unwrap();
    assert!(footer.contains("aws-notes.txt") && footer.contains("(L"), "{footer}");

    // The same member again at once: the /ask cooldown (3 s by default) answers instead.
    dispatch.send(ask(1200000000000000002, &hanako, "ハイバネーションとは")).unwrap();
    let wait = callback(&seen, 1200000000000000002);
    assert!(description(&wait).contains("少し待って"), "{wait}");
    assert_eq!(wait["data"]["flags"], 64, "ephemeral");

    let add = |id: u64, who: &Value| {
        let options = json!([{"name": "add", "type": 1, "options": [
            {"name": "cron", "type": 3, "value": "0 9 * * 1-5"},
            {"name": "timezone", "type": 3, "value": "Asia/Tokyo"}
        ]}]);
        command(id, who.clone(), "schedule", options)
    };
    dispatch.send(add(1200000000000000003, &hanako)).unwrap();
    assert!(description(&callback(&seen, 1200000000000000003)).contains("Manage Server"));
    dispatch.send(add(1200000000000000004, &admin)).unwrap();
    let added = description(&callback(&seen, 1200000000000000004));
    assert!(added.contains("#1") && added.contains("Asia/Tokyo"), "{added}");
    let list = command(
        1200000000000000005,
        admin.clone(),
        "schedule",
        json!([{"name": "list", "type": 1, "options": []}]),
    );
    dispatch.send(list).unwrap();
    assert!(description(&callback(&seen, 1200000000000000005)).contains("#1: `0 9 * * 1-5`"));

    // SIGTERM: the session closes, the process exits 0.
    let status = common::terminate(&mut server, Duration::from_secs(5));
    assert!(status.success(), "{status:?}");
    runtime
        .block_on(async { tokio::time::timeout(Duration::from_secs(5), gateway_task).await })
        .unwrap()
        .unwrap();
    assert_eq!(seen.gateway.lock().unwrap().last().unwrap(), &json!({"closed": true}));
    let unexpected: Vec<_> = seen
        .rest
        .lock()
        .unwrap()
        .iter()
        .filter(|(_, p, _)| !p.contains("/gateway") && !p.contains("/commands") && !p.contains("/callback"))
        .cloned()
        .collect();
    assert!(unexpected.is_empty(), "{unexpected:?}");

    // At trace level, with the token in use for the whole session, no log line carries it.
    let logs = logs.join().unwrap();
    assert!(logs.lines().count() > 20, "{logs}");
    assert!(!logs.contains(TOKEN), "the Discord token reached the logs");
}
