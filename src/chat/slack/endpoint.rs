//! Request URLs (`slack.mode = "http"`): `POST /slack/commands` and `POST /slack/interactions`.
//!
//! **Signatures.** `X-Slack-Signature` is `v0=` + HMAC-SHA256 over `v0:{timestamp}:{body}`
//! with the signing secret; slack-morphism's verifier compares it in constant time. A timestamp
//! more than five minutes off, a bad signature and a signature seen before (a replay inside the
//! window) all get 401, before the body is parsed.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use slack_morphism::prelude::{SlackCommandEvent, SlackInteractionEvent};
use slack_morphism::signature_verifier::SlackEventSignatureVerifier;

use super::app::SlackApp;
use crate::chat::http_error;
use crate::chat::signed::{self, fresh, header, Refused, ReplayGuard};

/// What the request URLs need.
#[derive(Clone)]
struct Endpoint {
    app: Arc<SlackApp>,
    verifier: Arc<SlackEventSignatureVerifier>,
    replays: Arc<ReplayGuard>,
}

/// The routes, bound to their state.
pub fn routes(app: Arc<SlackApp>, verifier: SlackEventSignatureVerifier) -> Router {
    let state = Endpoint { app, verifier: Arc::new(verifier), replays: Arc::new(ReplayGuard::new()) };
    Router::new()
        .route("/slack/commands", post(commands))
        .route("/slack/interactions", post(interactions))
        .with_state(state)
}

/// Checks a request's v0 signature; `now` is the current Unix time in seconds.
pub fn verify(
    verifier: &SlackEventSignatureVerifier,
    signature: Option<&str>,
    timestamp: Option<&str>,
    body: &[u8],
    now: i64,
) -> Result<(), Refused> {
    let (signature, timestamp) = fresh(signature, timestamp, now)?;
    signed_by(verifier, signature, timestamp, body)
}

/// The HMAC check alone, for [`signed::check`] (which checks freshness first).
fn signed_by(
    verifier: &SlackEventSignatureVerifier,
    signature: &str,
    timestamp: &str,
    body: &[u8],
) -> Result<(), Refused> {
    // Slack's bodies are form-encoded ASCII; anything else cannot carry a valid signature.
    let body = std::str::from_utf8(body).map_err(|_| Refused::BadSignature)?;
    verifier.verify(signature, body, timestamp).map_err(|_| Refused::BadSignature)
}

/// Checks a request (signature, age, replay); the refusal as a 401 response.
fn check(endpoint: &Endpoint, headers: &HeaderMap, body: &[u8]) -> Result<(), Box<Response>> {
    let signature = header(headers, "x-slack-signature");
    let timestamp = header(headers, "x-slack-request-timestamp");
    let now = signed::unix_now();
    signed::check(&endpoint.replays, signature, timestamp, now, |s, t| {
        signed_by(&endpoint.verifier, s, t, body)
    })
    .map_err(|refused| {
        endpoint.app.live.metrics.error("slack_unauthorized");
        Box::new(http_error(StatusCode::UNAUTHORIZED, refused.to_string()))
    })
}

/// A signed, form-encoded slash command: the answer inline, or an acknowledgement with the
/// answer following through `response_url`.
async fn commands(State(endpoint): State<Endpoint>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(refused) = check(&endpoint, &headers, &body) {
        return *refused;
    }
    let event: SlackCommandEvent = match serde_urlencoded::from_bytes(&body) {
        Ok(e) => e,
        Err(e) => {
            endpoint.app.live.metrics.error("slack_malformed");
            return http_error(StatusCode::BAD_REQUEST, format!("not a slash command: {e}"));
        }
    };
    Json(endpoint.app.answer_command(event).await).into_response()
}

/// A signed `payload=` form with a Block Kit interaction. Answered with an empty 200 at once;
/// the confirmation goes to the member through `response_url`.
async fn interactions(State(endpoint): State<Endpoint>, headers: HeaderMap, body: Bytes) -> Response {
    #[derive(serde::Deserialize)]
    struct Form {
        payload: String,
    }
    if let Err(refused) = check(&endpoint, &headers, &body) {
        return *refused;
    }
    let event = serde_urlencoded::from_bytes::<Form>(&body)
        .map_err(|e| e.to_string())
        .and_then(|f| serde_json::from_str::<SlackInteractionEvent>(&f.payload).map_err(|e| e.to_string()));
    match event {
        Ok(event) => {
            endpoint.app.answer_interaction(event);
            StatusCode::OK.into_response()
        }
        Err(e) => {
            endpoint.app.live.metrics.error("slack_malformed");
            http_error(StatusCode::BAD_REQUEST, format!("not an interaction: {e}"))
        }
    }
}
