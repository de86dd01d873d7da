//! The running process's state: the bot of the moment (swapped when the notes are reloaded),
//! the metrics, and which chat platforms are connected; and the one way every adapter and the
//! JSON API run work on the bot.
//!
//! **Off the async workers.** A command searches tantivy and may write SQLite with
//! `synchronous = FULL`: blocking work. [`Live::run`] runs it on tokio's blocking pool with the
//! bot of the moment and times it in `shiori_answer_seconds`, so no adapter blocks a worker or
//! times a command its own way.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

use super::Bot;
use crate::metrics::Metrics;

/// What requests are answered from: the current bot (none until the index is loaded), the
/// metrics, and whether each configured chat platform is connected.
///
/// A request holds its own `Arc` of the bot it started with, so searches during a rebuild
/// answer from the old index and never fail.
pub struct Live {
    bot: RwLock<Option<Arc<Bot>>>,
    pub metrics: Arc<Metrics>,
    platforms: Mutex<BTreeMap<&'static str, bool>>,
}

/// Why [`Live::run`] did not run the work.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The index is still loading: there is no bot yet.
    #[error("the index is still loading")]
    Loading,
    /// The work panicked or the runtime is shutting down.
    #[error("the command failed: {0}")]
    Failed(String),
}

impl Live {
    pub fn new(metrics: Metrics) -> Live {
        Live { bot: RwLock::new(None), metrics: Arc::new(metrics), platforms: Mutex::new(BTreeMap::new()) }
    }

    /// Marks a platform connected or not; a platform once named must be connected for `/readyz`.
    pub fn platform_ready(&self, platform: &'static str, ready: bool) {
        self.platforms.lock().unwrap_or_else(|p| p.into_inner()).insert(platform, ready);
    }

    /// The configured platforms that are not connected.
    pub fn platforms_down(&self) -> Vec<&'static str> {
        let platforms = self.platforms.lock().unwrap_or_else(|p| p.into_inner());
        platforms.iter().filter(|(_, ready)| !**ready).map(|(name, _)| *name).collect()
    }

    /// The bot requests are answered with, once the index is loaded.
    pub fn bot(&self) -> Option<Arc<Bot>> {
        self.bot.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Swaps in a new bot (after a rebuild); requests in flight keep the old one.
    pub fn set(&self, bot: Bot) {
        *self.bot.write().unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(bot));
    }

    /// Runs `work` with the bot of the moment on a blocking thread, timed in
    /// `shiori_answer_seconds`. The bot is taken when `run` is called; the returned future owns
    /// everything it needs, so a caller may stop waiting and let it finish elsewhere (Slack's
    /// three seconds). Must be called within a tokio runtime.
    pub fn run<T, F>(&self, work: F) -> impl Future<Output = Result<T, RunError>> + Send + 'static
    where
        T: Send + 'static,
        F: FnOnce(&Bot) -> T + Send + 'static,
    {
        let metrics = Arc::clone(&self.metrics);
        let task = self.bot().map(|bot| {
            tokio::task::spawn_blocking(move || {
                let started = Instant::now();
                let out = work(&bot);
                metrics.answer_seconds.observe(started.elapsed().as_secs_f64());
                out
            })
        });
        async move {
            match task {
                None => Err(RunError::Loading),
                Some(task) => task.await.map_err(|e| RunError::Failed(e.to_string())),
            }
        }
    }
}
