//! The HTTP server (axum): health, readiness, Prometheus metrics, the JSON API, and the routes
//! of each configured chat platform (which check their own signatures before any parsing).
//!
//! Handlers answer from [`Live`]: the bot of the moment, which the reloader swaps when the notes
//! change. Searches run through [`Live::run`], off the async workers.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

use crate::answer;
use crate::bot::{Live, RunError};
use crate::chat::{http_error as error, Platform};
use crate::search::QueryError;

/// Shared state of the server's own handlers.
#[derive(Clone)]
pub struct AppState {
    pub live: Arc<Live>,
    /// Bearer token `/api/ask` requires, when set.
    pub api_token: Option<Arc<str>>,
}

impl AppState {
    pub fn new(live: Arc<Live>, api_token: Option<Arc<str>>) -> AppState {
        AppState { live, api_token }
    }
}

/// The routes of DESIGN.md and those of `platforms`, with a body limit on every request.
pub fn router(state: AppState, platforms: &[Arc<dyn Platform>], max_body_bytes: usize) -> Router {
    let mut router = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/api/search", get(api_search))
        .route("/api/ask", get(api_ask))
        .with_state(state.clone());
    for platform in platforms {
        router = router.merge(platform.routes(&state.live));
    }
    router
        .fallback(|| async { error(StatusCode::NOT_FOUND, "no such route") })
        .layer(DefaultBodyLimit::max(max_body_bytes))
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

/// 503 while the index loads; 500 (logged and counted) when the work failed.
fn run_error(live: &Live, e: RunError) -> Response {
    match e {
        RunError::Loading => error(StatusCode::SERVICE_UNAVAILABLE, e.to_string()),
        RunError::Failed(_) => {
            tracing::error!(error = %e, "API request failed");
            live.metrics.error("api");
            error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
        }
    }
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
    let Some(q) = params.get("q").cloned() else {
        return error(StatusCode::BAD_REQUEST, "missing parameter q");
    };
    let limit = match params.get("limit").map(|l| l.parse::<usize>()) {
        None => 5,
        Some(Ok(n)) if (1..=crate::search::query::MAX_LIMIT).contains(&n) => n,
        Some(_) => return error(StatusCode::BAD_REQUEST, "limit must be a number from 1 to 50"),
    };
    state.live.metrics.command("search", "http");
    match state.live.run(move |bot| bot.searcher().search(&q, limit)).await {
        Ok(Ok((_, hits))) => Json(hits).into_response(),
        Ok(Err(e)) => query_error(&state.live, e),
        Err(e) => run_error(&state.live, e),
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
    let Some(q) = params.get("q").cloned() else {
        return error(StatusCode::BAD_REQUEST, "missing parameter q");
    };
    state.live.metrics.command("ask", "http");
    match state.live.run(move |bot| answer::ask(bot.searcher(), &q)).await {
        Ok(Ok(answer)) => Json(answer).into_response(),
        Ok(Err(e)) => query_error(&state.live, e),
        Err(e) => run_error(&state.live, e),
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
    use crate::bot::Bot;
    use crate::metrics::Metrics;

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
