//! The scheduler loop: sleeps until the next slot or reveal, lets [`Quizmaster::tick`] decide,
//! and hands what it decided to each platform's [`Poster`].
//!
//! Time comes from a [`Clock`]; in tests a [`TokioClock`] under tokio's paused time makes a week
//! of schedules run in milliseconds. The loop wakes at least every [`MAX_SLEEP`] so a clock jump
//! (a suspended laptop, a corrected host clock) is noticed, and stops when told.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::watch;

use super::game::{Event, Quizmaster, Reveal};
use super::schedule::Clock;
use super::Question;
use crate::metrics::Metrics;

/// Longest sleep between ticks.
pub const MAX_SLEEP: Duration = Duration::from_secs(3600);

/// A boxed future, for the object-safe [`Poster`] trait.
pub type PostFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, PostError>> + Send + 'a>>;

/// A platform failed to show a post or a reveal.
#[derive(Debug, thiserror::Error)]
#[error("{platform}: {message}")]
pub struct PostError {
    pub platform: String,
    pub message: String,
}

/// Shows scheduled quiz posts and reveals on one platform.
pub trait Poster: Send + Sync {
    /// Posts a question to a channel, saying when its answer is revealed; returns the
    /// platform's message id.
    fn post<'a>(
        &'a self,
        channel: &'a str,
        post_id: i64,
        question: &'a Question,
        reveal_at: DateTime<Utc>,
    ) -> PostFuture<'a, String>;
    /// Shows the answer of a post (editing the message when `message_id` is known).
    fn reveal<'a>(
        &'a self,
        channel: &'a str,
        message_id: Option<&'a str>,
        reveal: &'a Reveal,
    ) -> PostFuture<'a, ()>;
}

/// Wall-clock time that advances with tokio's clock: real time in production, and under
/// `tokio::time::pause` it jumps ahead whenever every task sleeps.
pub struct TokioClock {
    start_utc: DateTime<Utc>,
    start: tokio::time::Instant,
}

impl TokioClock {
    pub fn starting_at(start_utc: DateTime<Utc>) -> TokioClock {
        TokioClock { start_utc, start: tokio::time::Instant::now() }
    }
}

impl Clock for TokioClock {
    fn now(&self) -> DateTime<Utc> {
        let elapsed = tokio::time::Instant::now() - self.start;
        self.start_utc + chrono::Duration::from_std(elapsed).unwrap_or(chrono::Duration::zero())
    }
}

/// Runs the schedules until `stop` turns true. Events for a platform without a poster are
/// logged and dropped (the slot stays claimed: at most once).
pub async fn run(
    quiz: Arc<Quizmaster>,
    posters: HashMap<String, Arc<dyn Poster>>,
    clock: Arc<dyn Clock>,
    metrics: Arc<Metrics>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        let now = clock.now();
        match quiz.tick(now) {
            Ok(events) => {
                for event in events {
                    deliver(&quiz, &posters, &metrics, event).await;
                }
            }
            Err(e) => {
                metrics.error("store");
                tracing::error!(error = %e, "quiz scheduler: store failed; retrying at the next wake");
            }
        }
        let next = quiz.next_wake(clock.now()).ok().flatten();
        let sleep = next
            .and_then(|t| (t - clock.now()).to_std().ok())
            .unwrap_or(Duration::ZERO)
            .clamp(Duration::from_millis(1), MAX_SLEEP);
        let stopped = async {
            let _ = stop.wait_for(|s| *s).await;
        };
        tokio::select! {
            _ = tokio::time::sleep(sleep) => {}
            _ = quiz.schedules_changed() => {}
            _ = stopped => return,
        }
    }
}

async fn deliver(
    quiz: &Quizmaster,
    posters: &HashMap<String, Arc<dyn Poster>>,
    metrics: &Metrics,
    event: Event,
) {
    match event {
        Event::Posted { post_id, platform, channel, question, reveal_at } => {
            let Some(poster) = posters.get(&platform) else {
                tracing::error!(%platform, "quiz post dropped: the platform is not configured");
                return;
            };
            match poster.post(&channel, post_id, &question, reveal_at).await {
                Ok(message_id) => {
                    metrics.quiz_posts.inc();
                    if let Err(e) = quiz.store.set_message_id(post_id, &message_id) {
                        tracing::error!(error = %e, post_id, "could not record the message id");
                    }
                }
                Err(e) => {
                    metrics.error("post");
                    tracing::error!(error = %e, post_id, "quiz post failed");
                }
            }
        }
        Event::Revealed(reveal) => {
            let Some(poster) = posters.get(&reveal.post.platform) else { return };
            if let Err(e) =
                poster.reveal(&reveal.post.channel, reveal.post.message_id.as_deref(), &reveal).await
            {
                metrics.error("reveal");
                tracing::error!(error = %e, post_id = reveal.post.id, "quiz reveal failed");
            }
        }
    }
}
