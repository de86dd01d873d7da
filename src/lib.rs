//! shiori (栞): a study-group bot that answers AWS questions from Japanese notes and cites the
//! section every answer came from. See DESIGN.md for the architecture:
//! notes → [`corpus`] sections → [`search`] index → [`answer`] → [`bot`] → [`chat`] adapters.

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
pub mod server;
