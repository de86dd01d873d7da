//! `POST /discord/interactions` (`discord.mode = "http"`).
//!
//! A request is accepted only with a valid Ed25519 signature from `discord.public_key`
//! (serenity's `interactions_endpoint::Verifier`) over a timestamp at most five minutes off and
//! not seen before; anything else gets 401 before the body is parsed. A payload that is not an
//! interaction gets 400; otherwise the response is Discord's interaction response JSON.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::json;
use serenity::interactions_endpoint::Verifier;
use serenity::model::application::Interaction;

use super::interaction::respond;
use super::rest::signed_by;
use crate::bot::{Live, RunError};
use crate::chat::http_error;
use crate::chat::signed::{self, header, ReplayGuard};

/// What the endpoint needs.
#[derive(Clone)]
struct Endpoint {
    live: Arc<Live>,
    verifier: Arc<Verifier>,
    replays: Arc<ReplayGuard>,
}

/// The route, bound to its state.
pub fn routes(live: &Arc<Live>, verifier: Arc<Verifier>) -> Router {
    let state = Endpoint { live: Arc::clone(live), verifier, replays: Arc::new(ReplayGuard::new()) };
    Router::new().route("/discord/interactions", post(interactions)).with_state(state)
}

async fn interactions(State(endpoint): State<Endpoint>, headers: HeaderMap, body: Bytes) -> Response {
    let metrics = &endpoint.live.metrics;
    let signature = header(&headers, "x-signature-ed25519");
    let timestamp = header(&headers, "x-signature-timestamp");
    let checked = signed::check(&endpoint.replays, signature, timestamp, signed::unix_now(), |s, t| {
        signed_by(&endpoint.verifier, s, t, &body)
    });
    if let Err(refused) = checked {
        metrics.error(if refused == signed::Refused::Replayed {
            "discord_replayed"
        } else {
            "discord_unauthorized"
        });
        return http_error(StatusCode::UNAUTHORIZED, refused.to_string());
    }
    let interaction: Interaction = match serde_json::from_slice(&body) {
        Ok(i) => i,
        Err(e) => {
            metrics.error("discord_malformed");
            return http_error(StatusCode::BAD_REQUEST, format!("not an interaction: {e}"));
        }
    };
    if matches!(interaction, Interaction::Ping(_)) {
        return Json(json!({ "type": 1 })).into_response();
    }
    match endpoint.live.run(move |bot| respond(bot, &interaction)).await {
        Ok(Some(response)) => Json(response).into_response(),
        Ok(None) => http_error(StatusCode::BAD_REQUEST, "unsupported interaction type"),
        Err(e @ RunError::Loading) => http_error(StatusCode::SERVICE_UNAVAILABLE, e.to_string()),
        Err(e) => {
            metrics.error("discord_respond");
            http_error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
        }
    }
}
