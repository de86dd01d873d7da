//! Discord over the gateway (`discord.mode = "gateway"`, the default): a serenity client keeps
//! a websocket session, registers the commands when the session is ready (to `discord.guild_id`
//! when set, else globally), and answers interactions through the same [`respond`] as the HTTP
//! endpoint, sending the response with serenity's REST client.
//!
//! The session needs no privileged intent (slash commands and buttons arrive without any), so
//! the client asks for none. Everything REST, including the gateway URL lookup, goes through
//! `discord.api_base` when set: tests run the whole session against local stubs.

use std::sync::Arc;
use std::time::Duration;

use serenity::all::{EventHandler, GatewayIntents, Interaction, Ready};
use serenity::async_trait;
use serenity::builder::CreateInteractionResponse;
use serenity::http::Http;
use tokio::sync::watch;

use super::{register_commands, respond, NAME};
use crate::bot::Live;

/// Longest wait for the session to close at shutdown.
const CLOSE_WAIT: Duration = Duration::from_secs(3);

struct Handler {
    live: Arc<Live>,
    guild_id: Option<u64>,
}

#[async_trait]
impl EventHandler for Handler {
    async fn ready(&self, ctx: serenity::all::Context, ready: Ready) {
        tracing::info!(user = %ready.user.name, guilds = ready.guilds.len(), "discord gateway session ready");
        match register_commands(&ctx.http, self.guild_id).await {
            Ok(n) => tracing::info!(commands = n, guild = ?self.guild_id, "discord commands registered"),
            Err(e) => {
                self.live.metrics.error("discord_register");
                tracing::error!(error = %e, "discord command registration failed; existing commands stay");
            }
        }
        self.live.platform_ready(NAME, true);
    }

    async fn interaction_create(&self, ctx: serenity::all::Context, interaction: Interaction) {
        let answered = self.live.run(move |bot| {
            let response = respond(bot, &interaction);
            (interaction, response)
        });
        let Ok((interaction, Some(response))) = answered.await else { return };
        if let Err(e) = send(&ctx.http, &interaction, response).await {
            self.live.metrics.error("discord_respond");
            tracing::error!(error = %e, "discord interaction response failed");
        }
    }
}

/// Sends an interaction's response through the REST client.
async fn send(
    http: &Http,
    interaction: &Interaction,
    response: CreateInteractionResponse,
) -> serenity::Result<()> {
    match interaction {
        Interaction::Command(c) | Interaction::Autocomplete(c) => c.create_response(http, response).await,
        Interaction::Component(c) => c.create_response(http, response).await,
        Interaction::Modal(m) => m.create_response(http, response).await,
        _ => Ok(()),
    }
}

/// Runs the gateway session until `stop` turns true. `http` is the REST client (with
/// `api_base`, see [`super::discord::http`]); the gateway URL is looked up through it.
pub async fn run(
    live: Arc<Live>,
    http: Http,
    guild_id: Option<u64>,
    mut stop: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    live.platform_ready(NAME, false);
    let handler = Handler { live: Arc::clone(&live), guild_id };
    let mut client = serenity::client::ClientBuilder::new_with_http(http, GatewayIntents::empty())
        .event_handler(handler)
        .await?;
    let shards = Arc::clone(&client.shard_manager);
    let mut session = tokio::spawn(async move { client.start().await });
    tokio::select! {
        result = &mut session => {
            live.platform_ready(NAME, false);
            result??;
            anyhow::bail!("the discord gateway session ended");
        }
        _ = stop.wait_for(|s| *s) => {}
    }
    shards.shutdown_all().await;
    // A session that never connected does not notice the shutdown (serenity keeps retrying):
    // give it a moment, then drop it.
    if tokio::time::timeout(CLOSE_WAIT, &mut session).await.is_err() {
        session.abort();
    }
    live.platform_ready(NAME, false);
    Ok(())
}
