//! The HTTP server (axum): health, readiness, Prometheus metrics, the JSON API, and the Discord
//! and Slack HTTP-mode endpoints (signature, freshness and replay checked before any parsing).
//!
//! Requests read the live [`Bot`] through [`Live`], which the reloader swaps when the notes change:
//! a request holds its own `Arc` of the bot it started with, so searches during a rebuild answer
//! from the old index and never fail.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;

use slack_morphism::prelude::{SlackCommandEvent, SlackInteractionEvent};
use slack_morphism::signature_verifier::SlackEventSignatureVerifier;

use crate::answer;
use crate::bot::Bot;
use crate::chat::signature::{Refused, ReplayGuard};
use crate::chat::slack::{self, SlackApp};
use crate::metrics::Metrics;
use crate::search::QueryError;

/// What the server serves from: the current bot (none until the index is loaded), the metrics,
/// and whether each configured chat platform is connected.
pub struct Live {
    bot: RwLock<Option<Arc<Bot>>>,
    pub metrics: Arc<Metrics>,
    platforms: Mutex<BTreeMap<&'static str, bool>>,
}

impl Live {
    pub fn new(metrics: Metrics) -> Live {
        Live { bot: RwLock::new(None), metrics: Arc::new(metrics), platforms: Mutex::new(BTreeMap::new()) }
    }

    /// Marks a platform connected or not; a platform once named must be connected for `/readyz`.
    pub fn platform_ready(&self, platform: &'static str, ready: bool) {
        self.platforms.lock().unwrap_or_else(|p| p.into_inner()).insert(platform, ready);
    }

    /// The configured platforms that are not connected.
    pub fn platforms_down(&self) -> Vec<&'static str> {
        let platforms = self.platforms.lock().unwrap_or_else(|p| p.into_inner());
        platforms.iter().filter(|(_, ready)| !**ready).map(|(name, _)| *name).collect()
    }

    /// The bot requests are answered with, once the index is loaded.
    pub fn bot(&self) -> Option<Arc<Bot>> {
        self.bot.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Swaps in a new bot (after a rebuild); requests in flight keep the old one.
    pub fn set(&self, bot: Bot) {
        *self.bot.write().unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(bot));
    }
}

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    pub live: Arc<Live>,
    /// Bearer token `/api/ask` requires, when set.
    pub api_token: Option<Arc<str>>,
    /// Verifies Discord's signatures, when `[discord] mode = "http"`.
    pub discord: Option<Arc<serenity::interactions_endpoint::Verifier>>,
    /// Slack's request URLs, when `[slack] mode = "http"`.
    pub slack: Option<SlackHttp>,
    /// Signatures already accepted (both platforms), so a replayed request is refused.
    pub replays: Arc<ReplayGuard>,
}

/// What `/slack/commands` and `/slack/interactions` need.
#[derive(Clone)]
pub struct SlackHttp {
    pub app: Arc<SlackApp>,
    pub verifier: Arc<SlackEventSignatureVerifier>,
}

impl AppState {
    /// State with only the JSON API (no chat platform).
    pub fn new(live: Arc<Live>, api_token: Option<Arc<str>>) -> AppState {
        AppState { live, api_token, discord: None, slack: None, replays: Arc::new(ReplayGuard::new()) }
    }
}

/// The routes of DESIGN.md, with a body limit on every request.
pub fn router(state: AppState, max_body_bytes: usize) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/api/search", get(api_search))
        .route("/api/ask", get(api_ask))
        .route("/discord/interactions", post(discord_interactions))
        .route("/slack/commands", post(slack_commands))
        .route("/slack/interactions", post(slack_interactions))
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .with_state(state)
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(State(state): State<AppState>) -> (StatusCode, String) {
    if state.live.bot().is_none() {
        return (StatusCode::SERVICE_UNAVAILABLE, "loading the index\n".into());
    }
    let down = state.live.platforms_down();
    if !down.is_empty() {
        return (StatusCode::SERVICE_UNAVAILABLE, format!("not connected: {}\n", down.join(", ")));
    }
    (StatusCode::OK, "ready\n".into())
}

async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], state.live.metrics.render())
}

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "error": message.into() }))).into_response()
}

/// 503 while the index loads.
fn not_ready() -> Response {
    error(StatusCode::SERVICE_UNAVAILABLE, "the index is still loading")
}

/// 400 for a question the member can fix; 500 (logged and counted) when the index failed.
fn query_error(live: &Live, e: QueryError) -> Response {
    match e {
        QueryError::Failed(_) => {
            tracing::error!(error = %e, "search failed");
            live.metrics.error("search");
            error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
        }
        _ => error(StatusCode::BAD_REQUEST, e.to_string()),
    }
}

async fn api_search(
    State(state): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let Some(bot) = state.live.bot() else { return not_ready() };
    let Some(q) = params.get("q") else { return error(StatusCode::BAD_REQUEST, "missing parameter q") };
    let limit = match params.get("limit").map(|l| l.parse::<usize>()) {
        None => 5,
        Some(Ok(n)) if (1..=crate::search::query::MAX_LIMIT).contains(&n) => n,
        Some(_) => return error(StatusCode::BAD_REQUEST, "limit must be a number from 1 to 50"),
    };
    let started = Instant::now();
    state.live.metrics.command("search", "http");
    let result = bot.searcher().search(q, limit);
    state.live.metrics.answer_seconds.observe(started.elapsed().as_secs_f64());
    match result {
        Ok((_, hits)) => Json(hits).into_response(),
        Err(e) => query_error(&state.live, e),
    }
}

async fn api_ask(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    if let Some(token) = &state.api_token {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if !given.is_some_and(|g| constant_time_eq(g.as_bytes(), token.as_bytes())) {
            state.live.metrics.error("unauthorized");
            return error(StatusCode::UNAUTHORIZED, "a valid bearer token is required");
        }
    }
    let Some(bot) = state.live.bot() else { return not_ready() };
    let Some(q) = params.get("q") else { return error(StatusCode::BAD_REQUEST, "missing parameter q") };
    let started = Instant::now();
    state.live.metrics.command("ask", "http");
    let result = answer::ask(bot.searcher(), q);
    state.live.metrics.answer_seconds.observe(started.elapsed().as_secs_f64());
    match result {
        Ok(answer) => Json(answer).into_response(),
        Err(e) => query_error(&state.live, e),
    }
}

/// `POST /discord/interactions`: 401 unless signed by the configured key within five minutes;
/// 400 for a payload that is not an interaction; otherwise Discord's response JSON.
async fn discord_interactions(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    use crate::chat::discord;
    let Some(verifier) = &state.discord else {
        return error(StatusCode::NOT_FOUND, "Discord is not configured in HTTP mode");
    };
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let checked = discord::verify(
        verifier,
        header("x-signature-ed25519"),
        header("x-signature-timestamp"),
        &body,
        discord::unix_now(),
    );
    if let Err(refused) = checked {
        state.live.metrics.error("discord_unauthorized");
        return error(StatusCode::UNAUTHORIZED, refused.to_string());
    }
    if !state.replays.first_time(header("x-signature-ed25519").unwrap_or_default(), discord::unix_now()) {
        state.live.metrics.error("discord_replayed");
        return error(StatusCode::UNAUTHORIZED, "this request was already received (replay)");
    }
    let interaction: serenity::model::application::Interaction = match serde_json::from_slice(&body) {
        Ok(i) => i,
        Err(e) => {
            state.live.metrics.error("discord_malformed");
            return error(StatusCode::BAD_REQUEST, format!("not an interaction: {e}"));
        }
    };
    if matches!(interaction, serenity::model::application::Interaction::Ping(_)) {
        return Json(json!({ "type": 1 })).into_response();
    }
    let Some(bot) = state.live.bot() else { return not_ready() };
    let started = Instant::now();
    let response = discord::respond(&bot, &interaction);
    state.live.metrics.answer_seconds.observe(started.elapsed().as_secs_f64());
    match response {
        Some(r) => Json(r).into_response(),
        None => error(StatusCode::BAD_REQUEST, "unsupported interaction type"),
    }
}

/// Checks a Slack request (signature, age, replay); the refusal as a 401 response.
fn slack_check(
    state: &AppState,
    slack: &SlackHttp,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), Box<Response>> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let signature = header("x-slack-signature");
    let now = crate::chat::discord::unix_now();
    let checked = slack::verify(&slack.verifier, signature, header("x-slack-request-timestamp"), body, now)
        .and_then(|()| {
            if state.replays.first_time(signature.unwrap_or_default(), now) {
                Ok(())
            } else {
                Err(Refused::Replayed)
            }
        });
    checked.map_err(|refused| {
        state.live.metrics.error("slack_unauthorized");
        Box::new(error(StatusCode::UNAUTHORIZED, refused.to_string()))
    })
}

/// `POST /slack/commands`: a signed, form-encoded slash command; the answer inline, or an
/// acknowledgement with the answer following through `response_url`.
async fn slack_commands(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(slack) = state.slack.clone() else {
        return error(StatusCode::NOT_FOUND, "Slack is not configured in HTTP mode");
    };
    if let Err(refused) = slack_check(&state, &slack, &headers, &body) {
        return *refused;
    }
    let event: SlackCommandEvent = match serde_urlencoded::from_bytes(&body) {
        Ok(e) => e,
        Err(e) => {
            state.live.metrics.error("slack_malformed");
            return error(StatusCode::BAD_REQUEST, format!("not a slash command: {e}"));
        }
    };
    let started = Instant::now();
    let response = slack.app.answer_command(event).await;
    state.live.metrics.answer_seconds.observe(started.elapsed().as_secs_f64());
    Json(response).into_response()
}

/// `POST /slack/interactions`: a signed `payload=` form with a Block Kit interaction. Answered
/// with an empty 200 at once; the confirmation goes to the member through `response_url`.
async fn slack_interactions(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    #[derive(serde::Deserialize)]
    struct Form {
        payload: String,
    }
    let Some(slack) = state.slack.clone() else {
        return error(StatusCode::NOT_FOUND, "Slack is not configured in HTTP mode");
    };
    if let Err(refused) = slack_check(&state, &slack, &headers, &body) {
        return *refused;
    }
    let event = serde_urlencoded::from_bytes::<Form>(&body)
        .map_err(|e| e.to_string())
        .and_then(|f| serde_json::from_str::<SlackInteractionEvent>(&f.payload).map_err(|e| e.to_string()));
    match event {
        Ok(event) => {
            slack.app.answer_interaction(event);
            StatusCode::OK.into_response()
        }
        Err(e) => {
            state.live.metrics.error("slack_malformed");
            error(StatusCode::BAD_REQUEST, format!("not an interaction: {e}"))
        }
    }
}

/// Compares secrets without an early exit, so response time says nothing about the token.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_time_eq_compares() {
        assert!(constant_time_eq(b"secret", b"secret"));
        assert!(!constant_time_eq(b"secret", b"secreT"));
        assert!(!constant_time_eq(b"secret", b"secret2"));
    }

    #[tokio::test]
    async fn not_ready_until_a_bot_is_set() {
        let live = Arc::new(Live::new(Metrics::new()));
        let state = AppState::new(Arc::clone(&live), None);
        assert_eq!(readyz(State(state.clone())).await.0, StatusCode::SERVICE_UNAVAILABLE);
        let response =
            api_search(State(state.clone()), Query(HashMap::from([("q".into(), "EC2".into())]))).await;
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        let corpus = crate::corpus::text::parse("n.txt", "EC2\n\n仮想サーバー。\n");
        let dir = tempfile::tempdir().unwrap();
        let open = crate::search::index::build(dir.path(), &corpus, "d").unwrap();
        live.set(Bot::new(crate::search::Searcher::new(open).unwrap(), corpus));
        assert_eq!(readyz(State(state.clone())).await.0, StatusCode::OK);
        // A configured platform that is not connected keeps the server unready, and says which.
        live.platform_ready("slack", false);
        let (status, body) = readyz(State(state.clone())).await;
        assert_eq!((status, body.as_str()), (StatusCode::SERVICE_UNAVAILABLE, "not connected: slack\n"));
        live.platform_ready("slack", true);
        assert_eq!(readyz(State(state)).await.0, StatusCode::OK);
    }
}
