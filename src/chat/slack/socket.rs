//! Socket Mode (`slack.mode = "socket"`, the default): the bot dials out with the app token, no
//! public URL needed; envelopes are answered with the same [`SlackApp`] as HTTP mode.

use std::sync::Arc;

use slack_morphism::prelude::*;

use super::app::SlackApp;
use super::blocks::response;
use super::NAME;
use crate::bot::Reply;

async fn app(state: &SlackClientEventsUserState) -> Option<Arc<SlackApp>> {
    state.read().await.get_user_state::<Arc<SlackApp>>().cloned()
}

async fn on_command(
    event: SlackCommandEvent,
    _client: Arc<SlackHyperClient>,
    state: SlackClientEventsUserState,
) -> UserCallbackResult<SlackCommandEventResponse> {
    match app(&state).await {
        Some(app) => Ok(app.answer_command(event).await),
        None => Ok(response(&Reply::notice("起動中です。"))),
    }
}

async fn on_interaction(
    event: SlackInteractionEvent,
    _client: Arc<SlackHyperClient>,
    state: SlackClientEventsUserState,
) -> UserCallbackResult<()> {
    if let Some(app) = app(&state).await {
        app.answer_interaction(event);
    }
    Ok(())
}

/// A malformed envelope is logged and acknowledged (200), so Slack does not resend it.
fn on_error(
    error: Box<dyn std::error::Error + Send + Sync>,
    _client: Arc<SlackHyperClient>,
    _state: SlackClientEventsUserState,
) -> axum::http::StatusCode {
    tracing::warn!(error = %error, "slack socket mode: event not handled");
    axum::http::StatusCode::OK
}

/// Runs Socket Mode until `stop` turns true: opens the connection with the app token
/// (`apps.connections.open`), answers envelopes, reconnects when Slack asks.
pub async fn run_socket_mode(
    app: Arc<SlackApp>,
    app_token: String,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let environment = Arc::new(
        SlackClientEventsListenerEnvironment::new(Arc::clone(&app.client))
            .with_error_handler(on_error)
            .with_user_state(Arc::clone(&app)),
    );
    let callbacks = SlackSocketModeListenerCallbacks::new()
        .with_hello_events(|_event, _client, state| async move {
            if let Some(app) = state.read().await.get_user_state::<Arc<SlackApp>>() {
                app.live.platform_ready(NAME, true);
                tracing::info!("slack socket mode connected");
            }
        })
        .with_command_events(on_command)
        .with_interaction_events(on_interaction);
    let listener = SlackClientSocketModeListener::new(
        &SlackClientSocketModeConfig::new().with_max_connections_count(1),
        environment,
        callbacks,
    );
    listener.listen_for(&SlackApiToken::new(app_token.into())).await?;
    listener.start().await;
    let _ = stop.wait_for(|s| *s).await;
    listener.shutdown().await;
    app.live.platform_ready(NAME, false);
    Ok(())
}
