//! shiori (栞): a study-group bot that answers AWS questions from Japanese notes, cites the
//! section every answer came from, and posts quizzes made from the notes on a schedule.
//! DESIGN.md is the architecture and the interfaces that stay stable (CLI, JSON, HTTP, config).
//!
//! # Layout
//!
//! Every arrow points down: a module uses only modules below it (`tests/layout.rs` checks).
//!
//! ```text
//! main ─ cli ─ serve ─ config ─ server ─ chat ─ bot ─ eval ─ quiz / answer ─ search ─ corpus
//!                                                                                     store
//!                                                                                     metrics
//! ```
//!
//! - [`cli`]: the command line of DESIGN.md; each command is one small function.
//! - [`serve`]: `shiori serve` — `run(options, shutdown)`: the HTTP server, the index, the
//!   quiz scheduler, the platforms' sessions; `serve::reload` rebuilds the index when notes change.
//! - [`config`]: `shiori.toml`, parsed and checked once into [`config::Settings`]; each
//!   platform's table is defined in its own folder and only embedded here.
//! - `server`: axum routes — health, readiness, metrics, the JSON API — plus each platform's own.
//! - [`chat`]: the [`chat::Platform`] trait and one folder per platform ([`chat::discord`],
//!   [`chat::slack`]; [`chat::console`] for the terminal). A new platform is a folder and a line
//!   in [`chat::configured`].
//! - [`bot`]: the one command layer: [`bot::Command`] in, [`bot::Reply`] out (and its one
//!   plain-text rendering); [`bot::Live`] holds the bot of the moment and runs commands off the
//!   async workers.
//! - [`quiz`]: questions generated from the notes, the deck, cron schedules, the rules
//!   ([`quiz::game::Quizmaster`]: the bot asks it, never the store) and the scheduler loop.
//! - [`answer`]: a question → the cited passage, or "not in the notes"; [`answer::asked`]
//!   keeps the answers given, members' feedback and follow-up context.
//! - [`search`]: the tantivy index with lindera (IPADIC) and bigram analyzers, aliases,
//!   thesaurus, loanwords and the AWS gazetteer, and ranking.
//! - [`corpus`]: note files → sections with heading path and line range.
//! - [`store`]: the one SQLite file — quiz posts, answers, streaks, schedules added in chat —
//!   knowing questions only as JSON.
//! - [`eval`]: the retrieval evaluation over the question sets in `tests/questions/`.
//! - [`metrics`]: the Prometheus registry.
//!
//! Test hooks (a hand-set clock, a store that can be made full, a scaled corpus) exist only
//! with the `test-util` feature, which the crate's own tests, benches and examples turn on.

pub mod answer;
pub mod bot;
pub mod chat;
pub mod cli;
pub mod config;
pub mod corpus;
pub mod eval;
pub mod metrics;
pub mod quiz;
pub mod search;
pub mod serve;
mod server;
pub mod store;
