//! The HTTP server (axum): health, readiness, Prometheus metrics and the JSON API.
//!
//! Requests read the live [`Bot`] through [`Live`], which the reloader swaps when the notes change:
//! a request holds its own `Arc` of the bot it started with, so searches during a rebuild answer
//! from the old index and never fail.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;

use crate::answer;
use crate::bot::Bot;
use crate::metrics::Metrics;
use crate::search::QueryError;

/// What the server serves from: the current bot (none until the index is loaded) and the metrics.
pub struct Live {
    bot: RwLock<Option<Arc<Bot>>>,
    pub metrics: Arc<Metrics>,
}

impl Live {
    pub fn new(metrics: Metrics) -> Live {
        Live { bot: RwLock::new(None), metrics: Arc::new(metrics) }
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
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .with_state(state)
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match state.live.bot() {
        Some(_) => (StatusCode::OK, "ready\n"),
        None => (StatusCode::SERVICE_UNAVAILABLE, "loading the index\n"),
    }
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

fn query_error(e: QueryError) -> Response {
    error(StatusCode::BAD_REQUEST, e.to_string())
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
        Err(e) => query_error(e),
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
        Err(e) => query_error(e),
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
        let state = AppState { live: Arc::clone(&live), api_token: None, discord: None };
        assert_eq!(readyz(State(state.clone())).await.0, StatusCode::SERVICE_UNAVAILABLE);
        let response =
            api_search(State(state.clone()), Query(HashMap::from([("q".into(), "EC2".into())]))).await;
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        let corpus = crate::corpus::text::parse("n.txt", "EC2\n\n仮想サーバー。\n");
        let dir = tempfile::tempdir().unwrap();
        let open = crate::search::index::build(dir.path(), &corpus, "d").unwrap();
        live.set(Bot::new(crate::search::Searcher::new(open).unwrap(), corpus));
        assert_eq!(readyz(State(state)).await.0, StatusCode::OK);
    }
}
