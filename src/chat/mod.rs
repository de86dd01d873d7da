//! Platform adapters: each turns its events into [`crate::bot::Command`]s and renders
//! [`crate::bot::Reply`]s. The terminal is the embedded default that needs no token; Discord
//! (`discord` for the HTTP endpoint and rendering, `gateway` for the websocket session) and Slack
//! (`slack`) share `signature` for freshness and replay checks.

pub mod console;
pub mod discord;
pub mod gateway;
pub mod signature;
pub mod slack;
