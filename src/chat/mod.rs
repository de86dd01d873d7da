//! Platform adapters: each turns its events into [`crate::bot::Command`]s and renders
//! [`crate::bot::Reply`]s. The terminal is the embedded default that needs no token.

pub mod console;
pub mod discord;
pub mod gateway;
pub mod signature;
pub mod slack;
