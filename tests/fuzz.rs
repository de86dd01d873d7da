//! Fuzzing with proptest, bounded by time: the notes parsers, the query path, and the Discord
//! and Slack payload parsers all the way to rendered replies. By default each target runs a
//! few hundred cases (CI); `SHIORI_FUZZ_SECS=600 cargo test --release --test fuzz -- --nocapture
//! --test-threads 1` runs each for ten minutes, on fresh seeds every round, and prints the
//! number of cases. A failure prints the seed that reproduces it (`SHIORI_FUZZ_SEED`).

mod common;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use serde_json::{json, Value};
use shiori::bot::Bot;
use shiori::chat::{discord, slack};

/// Runs `test` on values from `strategy` for `SHIORI_FUZZ_SECS` seconds (at least one round
/// of 256 cases), each round on a new seed.
fn fuzz<S: Strategy>(name: &str, strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>) {
    let secs: u64 = std::env::var("SHIORI_FUZZ_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(0);
    let fixed: Option<u64> = std::env::var("SHIORI_FUZZ_SEED").ok().and_then(|s| s.parse().ok());
    let started = Instant::now();
    let (mut cases, mut round) = (0u64, 0u64);
    loop {
        let seed = fixed.unwrap_or_else(|| {
            let nanos =
                std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
            (nanos as u64) ^ round.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        });
        let mut bytes = [0u8; 32];
        bytes[..8].copy_from_slice(&seed.to_le_bytes());
        let config = Config { cases: 256, failure_persistence: None, ..Config::default() };
        let mut runner = TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes));
        if let Err(e) = runner.run(&strategy, &test) {
            panic!("fuzz {name}: {e}\nreproduce with SHIORI_FUZZ_SEED={seed}");
        }
        cases += 256;
        round += 1;
        if fixed.is_some() || started.elapsed() >= Duration::from_secs(secs) {
            break;
        }
    }
    eprintln!("fuzz {name}: {cases} cases in {:.1} s, no failure", started.elapsed().as_secs_f64());
}

fn notes() -> &'static str {
    static NOTES: OnceLock<String> = OnceLock::new();
    NOTES.get_or_init(|| std::fs::read_to_string(common::notes_dir().join("aws-notes.txt")).unwrap())
}

/// The bot over the real notes, with the quiz on an in-memory store.
fn bot() -> &'static Bot {
    static BOT: OnceLock<(tempfile::TempDir, Bot)> = OnceLock::new();
    &BOT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let corpus = shiori::corpus::load(&[common::notes_dir()]).unwrap();
        let open = shiori::search::index::build(dir.path(), &corpus.sections, &corpus.digest).unwrap();
        let loaded = shiori::search::Loaded {
            searcher: shiori::search::Searcher::new(open).unwrap(),
            corpus,
            rebuild: None,
        };
        let store = Arc::new(shiori::store::Store::open_in_memory().unwrap());
        (dir, shiori::bot::make_bot(loaded, Some(store), chrono_tz::Asia::Tokyo, Vec::new(), &[], 2).unwrap())
    })
    .1
}

/// Bytes of the real notes, edited: a slice of the file with bytes flipped, inserted, removed.
fn mutated_notes() -> impl Strategy<Value = Vec<u8>> {
    let len = notes().len();
    (0..len, 0..4000usize, prop::collection::vec((any::<usize>(), any::<u8>(), 0..3u8), 0..40)).prop_map(
        move |(start, width, edits)| {
            let bytes = notes().as_bytes();
            let mut out = bytes[start..(start + width).min(len)].to_vec();
            for (at, byte, kind) in edits {
                let at = if out.is_empty() { 0 } else { at % out.len() };
                match kind {
                    0 if !out.is_empty() => out[at] = byte,
                    1 => out.insert(at, byte),
                    _ if !out.is_empty() => {
                        out.remove(at);
                    }
                    _ => {}
                }
            }
            out
        },
    )
}

#[test]
fn fuzz_the_notes_parsers() {
    let input = prop_oneof![mutated_notes(), prop::collection::vec(any::<u8>(), 0..2000)];
    fuzz("notes parsers", input, |bytes| {
        let content = String::from_utf8_lossy(&bytes);
        let lines: Vec<&str> = content.lines().collect();
        common::covers_every_line(&shiori::corpus::text::parse("n.txt", &content), &lines)?;
        common::covers_every_line(&shiori::corpus::markdown::parse("n.md", &content), &lines)?;
        Ok(())
    });
}

/// Questions: arbitrary text, query syntax, pieces of the notes, and very long ones.
fn question() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[\"*:()\\[\\]{}^~!+\\-\\\\/ANDORNT ァ-ヶ一-龥a-z0-9]{0,60}",
        (0..notes().len(), 1..80usize)
            .prop_map(|(at, n)| { notes().chars().skip(at % notes().chars().count()).take(n).collect() }),
        ("[ァ-ヶ]{1,4}", 1..3000usize).prop_map(|(s, n)| s.repeat(n)),
    ]
}

#[test]
fn fuzz_the_query_path() {
    fuzz("query path", question(), |q| {
        let bot = bot();
        match bot.searcher().search(&q, 5) {
            Ok((_, hits)) => prop_assert!(hits.len() <= 5),
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
        match shiori::answer::ask(bot.searcher(), &q) {
            Ok(answer) => {
                for c in &answer.citations {
                    prop_assert!(c.line_start >= 1 && c.line_start <= c.line_end);
                }
            }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
        Ok(())
    });
}

/// A JSON value to put where a payload's value was.
fn json_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        any::<String>().prop_map(Value::from),
        "[0-9]{1,25}".prop_map(Value::from),
        "shiori:answer:-?[0-9]{0,20}:-?[0-9]{0,5}".prop_map(Value::from),
        Just(json!([])),
        Just(json!({})),
    ]
}

/// Replaces or removes the value at path `n` (in a walk of the tree) of `payload`.
fn mutate(payload: &mut Value, mut n: usize, replacement: Value, remove: bool) {
    fn walk(v: &mut Value, n: &mut usize, replacement: &Value, remove: bool) -> bool {
        let keys: Vec<String> = match v {
            Value::Object(m) => m.keys().cloned().collect(),
            Value::Array(a) => (0..a.len()).map(|i| i.to_string()).collect(),
            _ => return false,
        };
        for key in keys {
            if *n == 0 {
                match v {
                    Value::Object(m) if remove => {
                        m.remove(&key);
                    }
                    Value::Object(m) => {
                        m.insert(key, replacement.clone());
                    }
                    Value::Array(a) => a[key.parse::<usize>().unwrap()] = replacement.clone(),
                    _ => {}
                }
                return true;
            }
            *n -= 1;
            let child = match v {
                Value::Object(m) => m.get_mut(&key).unwrap(),
                Value::Array(a) => &mut a[key.parse::<usize>().unwrap()],
                _ => unreachable!(),
            };
            if walk(child, n, replacement, remove) {
                return true;
            }
        }
        false
    }
    walk(payload, &mut n, &replacement, remove);
}

fn discord_templates() -> Vec<Value> {
    let member = json!({"user": {"id": "300000000000000001", "username": "hanako"}, "roles": [], "deaf": false,
        "mute": false, "flags": 0, "permissions": "32", "joined_at": "2026-04-01T00:00:00.000000+00:00"});
    let base = |kind: u8, data: Value| {
        json!({"type": kind, "id": "1200000000000000001", "application_id": "1100000000000000000", "token": "t",
            "version": 1, "locale": "ja", "guild_id": "500000000000000001", "channel_id": "400000000000000001",
            "member": member.clone(), "entitlements": [], "attachment_size_limit": 10485760, "data": data})
    };
    vec![
        base(
            2,
            json!({"id": "9", "name": "ask", "type": 1, "options": [{"name": "query", "type": 3, "value": "EC2とは"}]}),
        ),
        base(
            4,
            json!({"id": "9", "name": "ask", "type": 1, "options": [{"name": "query", "type": 3, "value": "スポ", "focused": true}]}),
        ),
        base(
            2,
            json!({"id": "9", "name": "source", "type": 1, "options": [{"name": "id", "type": 3, "value": "x"}]}),
        ),
        base(
            2,
            json!({"id": "9", "name": "schedule", "type": 1, "options": [{"name": "add", "type": 1, "options": [
            {"name": "cron", "type": 3, "value": "0 9 * * 1-5"}, {"name": "reveal_after", "type": 3, "value": "8h"}]}]}),
        ),
        base(
            2,
            json!({"id": "9", "name": "leaderboard", "type": 1, "options": [{"name": "all_time", "type": 5, "value": true}]}),
        ),
        {
            let mut click = base(3, json!({"custom_id": "shiori:answer:1:2", "component_type": 2}));
            click["message"] = json!({"id": "7", "channel_id": "4", "type": 0, "content": "", "author": {"id": "1", "username": "s"},
                "timestamp": "2026-11-25T00:00:00.000000+00:00", "edited_timestamp": null, "tts": false,
                "mention_everyone": false, "mentions": [], "mention_roles": [], "attachments": [], "embeds": [],
                "pinned": false});
            click
        },
    ]
}

/// Discord's limits, checked on a rendered response.
fn within_discord_limits(response: &Value) -> Result<(), TestCaseError> {
    for embed in response["data"]["embeds"].as_array().into_iter().flatten() {
        let len = |v: &Value| v.as_str().map(|s| s.chars().count()).unwrap_or(0);
        prop_assert!(len(&embed["description"]) <= 4096);
        prop_assert!(len(&embed["title"]) <= 256);
        prop_assert!(len(&embed["footer"]["text"]) <= 2048);
        let fields = embed["fields"].as_array().map(Vec::len).unwrap_or(0);
        prop_assert!(fields <= 25);
    }
    for row in response["data"]["components"].as_array().into_iter().flatten() {
        for button in row["components"].as_array().into_iter().flatten() {
            prop_assert!(button["custom_id"].as_str().unwrap_or("").len() <= 100);
        }
    }
    for choice in response["data"]["choices"].as_array().into_iter().flatten() {
        prop_assert!(choice["name"].as_str().unwrap_or("").chars().count() <= 100);
    }
    Ok(())
}

#[test]
fn fuzz_the_discord_payload_parser() {
    let templates = discord_templates();
    let count = templates.len();
    let mutated = (0..count, prop::collection::vec((0..80usize, json_value(), any::<bool>()), 0..6));
    let input = prop_oneof![
        3 => mutated.prop_map(move |(t, edits)| {
            let mut payload = discord_templates()[t].clone();
            for (at, value, remove) in edits {
                mutate(&mut payload, at, value, remove);
            }
            serde_json::to_vec(&payload).unwrap()
        }),
        1 => prop::collection::vec(any::<u8>(), 0..600),
    ];
    let answered = AtomicU64::new(0);
    fuzz("discord payloads", input, |body| {
        let Ok(interaction) = serde_json::from_slice::<serenity::model::application::Interaction>(&body)
        else {
            return Ok(());
        };
        if let Some(response) = discord::respond(bot(), &interaction) {
            answered.fetch_add(1, Ordering::Relaxed);
            within_discord_limits(&serde_json::to_value(response).unwrap())?;
        }
        Ok(())
    });
    let answered = answered.into_inner();
    eprintln!("  {answered} parsed as interactions and answered");
    assert!(answered > 50, "the mutations should mostly keep payloads parseable: {answered}");
}

fn slack_app() -> &'static slack::SlackApp {
    static APP: OnceLock<slack::SlackApp> = OnceLock::new();
    APP.get_or_init(|| {
        let live = Arc::new(shiori::bot::Live::new(shiori::metrics::Metrics::new()));
        let config: shiori::chat::slack::SlackConfig = toml::from_str("admins = [\"U1\"]").unwrap();
        slack::SlackApp::new(live, Arc::new(slack::client(Some("http://127.0.0.1:9/api"))), &config)
    })
}

/// Slack's limits, checked on rendered blocks.
fn within_slack_limits(reply: &shiori::bot::Reply) -> Result<(), TestCaseError> {
    let blocks = serde_json::to_value(slack::blocks(reply)).unwrap();
    let blocks = blocks.as_array().unwrap();
    prop_assert!(blocks.len() <= slack::MAX_BLOCKS);
    for block in blocks {
        let text = block["text"]["text"].as_str().unwrap_or("");
        prop_assert!(text.chars().count() <= slack::MAX_TEXT);
        for element in block["elements"].as_array().into_iter().flatten() {
            prop_assert!(element["text"].as_str().unwrap_or("").chars().count() <= slack::MAX_TEXT);
        }
    }
    Ok(())
}

#[test]
fn fuzz_the_slack_payload_parsers() {
    let fields = ["team_id", "channel_id", "user_id", "command", "text", "response_url", "trigger_id"];
    let commands = prop_oneof![
        Just("/ask".to_string()),
        Just("/quiz".to_string()),
        Just("/source".to_string()),
        Just("/schedule".to_string()),
        Just("/leaderboard".to_string()),
        any::<String>()
    ];
    let form = (
        commands,
        prop_oneof![question(), "(list|add|remove)( [0-9*/,\\-A-Za-z]{1,6}){0,8}"],
        prop_oneof![Just("U1".to_string()), any::<String>()],
        prop::collection::vec(0..fields.len(), 0..2),
    )
        .prop_map(move |(command, text, user, dropped)| {
            let values = [
                "T1".to_string(),
                "C1".to_string(),
                user,
                command,
                text,
                "https://hooks.slack.com/commands/T1/1/x".to_string(),
                "1.2.3".to_string(),
            ];
            let pairs: Vec<(&str, &str)> = fields
                .iter()
                .zip(values.iter())
                .enumerate()
                .filter(|(i, _)| !dropped.contains(i))
                .map(|(_, (k, v))| (*k, v.as_str()))
                .collect();
            serde_urlencoded::to_string(pairs).unwrap().into_bytes()
        });
    let click = (json_value(), prop::collection::vec((0..40usize, json_value(), any::<bool>()), 0..4))
        .prop_map(|(action, edits)| {
            let mut payload = json!({"type": "block_actions", "team": {"id": "T1"}, "user": {"id": "U1"},
                "api_app_id": "A1", "container": {"type": "message", "message_ts": "1.2", "channel_id": "C1"},
                "trigger_id": "t", "response_url": "https://hooks.slack.com/actions/T1/1/x",
                "actions": [{"type": "button", "action_id": action, "value": "v"}]});
            for (at, value, remove) in edits {
                mutate(&mut payload, at, value, remove);
            }
            let form = serde_urlencoded::to_string([("payload", payload.to_string())]).unwrap();
            let mut bytes = b"I".to_vec(); // marks an interaction
            bytes.extend(form.into_bytes());
            bytes
        });
    // Most mutated clicks no longer parse as an interaction: clicks are drawn more often, so one
    // round of 256 cases reliably has a dozen or more that do.
    let input = prop_oneof![3 => form, 4 => click, 1 => prop::collection::vec(any::<u8>(), 0..400)];
    let (commands, clicks) = (AtomicU64::new(0), AtomicU64::new(0));
    fuzz("slack payloads", input, |body| {
        let app = slack_app();
        if let Some(form) = body.strip_prefix(b"I") {
            #[derive(serde::Deserialize)]
            struct Form {
                payload: String,
            }
            let Ok(form) = serde_urlencoded::from_bytes::<Form>(form) else { return Ok(()) };
            let Ok(event) = serde_json::from_str(&form.payload) else { return Ok(()) };
            if let Some((ctx, command, _)) = app.click_of(&event) {
                clicks.fetch_add(1, Ordering::Relaxed);
                within_slack_limits(&bot().handle(&ctx, command))?;
            }
            return Ok(());
        }
        let Ok(event) = serde_urlencoded::from_bytes(&body) else { return Ok(()) };
        let (ctx, command) = app.command_of(&event);
        commands.fetch_add(1, Ordering::Relaxed);
        within_slack_limits(&bot().handle(&ctx, command))?;
        Ok(())
    });
    let (commands, clicks) = (commands.into_inner(), clicks.into_inner());
    eprintln!("  {commands} slash commands and {clicks} clicks parsed and answered");
    assert!(commands > 30 && clicks > 10, "{commands} commands, {clicks} clicks");
}

#[test]
fn fuzz_the_signature_checks() {
    let verifier = shiori::chat::discord::verifier(&"ab".repeat(32));
    let slack_verifier = slack_morphism::signature_verifier::SlackEventSignatureVerifier::new(
        &slack_morphism::prelude::SlackSigningSecret::new("secret".into()),
    );
    let header = prop_oneof![Just(None), any::<String>().prop_map(Some), "v0=[0-9a-f]{0,70}".prop_map(Some)];
    let input = (header.clone(), header, prop::collection::vec(any::<u8>(), 0..200), any::<i64>());
    fuzz("signature checks", input, |(signature, timestamp, body, now)| {
        if let Some(v) = &verifier {
            prop_assert!(discord::verify(v, signature.as_deref(), timestamp.as_deref(), &body, now).is_err());
        }
        prop_assert!(
            slack::verify(&slack_verifier, signature.as_deref(), timestamp.as_deref(), &body, now).is_err()
        );
        Ok(())
    });
}
