//! `shiori serve`: the HTTP server, the index (loaded, then rebuilt when the notes change:
//! [`reload`]), the chat platforms and the quiz scheduler, and an orderly shutdown.
//!
//! Start-up order: bind and serve `/healthz` at once (not ready); load or build the index off
//! the async threads; make the quiz rules (one [`Quizmaster`], shared by the bot and the
//! scheduler); start the scheduler and the platform sessions (each marks itself ready once
//! connected); then ready. Shutdown (SIGTERM, ctrl-c, or the future a test passes) stops
//! accepting connections, lets requests in flight finish, stops the watcher, the scheduler and
//! the sessions, checkpoints the store and returns.

mod reload;

use std::collections::HashMap;
use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use chrono_tz::Tz;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::answer::asked::Asked;
use crate::bot::{AskDesk, Bot, Cooldown, Live, QuizDesk};
use crate::chat::{self, Platform};
use crate::config::{Settings, Visibility};
use crate::metrics::Metrics;
use crate::quiz::game::Quizmaster;
use crate::quiz::runner::{self, Poster};
use crate::quiz::schedule::SystemClock;
use crate::search::{self, Loaded};
use crate::server::{self, AppState};
use crate::store::Store;

/// Longest wait for requests in flight at shutdown.
const DRAIN: Duration = Duration::from_secs(10);

/// What `serve` runs on.
pub struct ServeOptions {
    pub corpus: Vec<PathBuf>,
    pub index: PathBuf,
    pub settings: Settings,
    /// Platforms served beside the configured ones (a test's own platform, say).
    pub extra_platforms: Vec<Arc<dyn Platform>>,
}

/// What every rebuilt bot shares: the quiz rules, the leaderboard zone, the `/ask` cooldown,
/// the metrics.
#[derive(Clone)]
struct BotParts {
    quiz: Option<Arc<Quizmaster>>,
    /// Where answers are recorded, with `[chat]`'s follow-up window and default visibility.
    asks: Option<(Arc<Store>, Duration, bool)>,
    timezone: Tz,
    cooldown: Option<Arc<Cooldown>>,
    metrics: Arc<Metrics>,
}

impl BotParts {
    /// The bot for loaded notes.
    fn bot(&self, loaded: Loaded) -> Bot {
        let mut bot =
            Bot::new(loaded.searcher, loaded.corpus.sections).with_metrics(Arc::clone(&self.metrics));
        if let Some(cooldown) = &self.cooldown {
            bot = bot.with_cooldown(Arc::clone(cooldown));
        }
        if let Some(quiz) = &self.quiz {
            let clock = Arc::new(SystemClock);
            bot = bot.with_quiz(QuizDesk { master: Arc::clone(quiz), clock, timezone: self.timezone });
        }
        if let Some((store, window, private_by_default)) = &self.asks {
            match Asked::new(Arc::clone(store), *window) {
                Ok(asked) => {
                    let clock = Arc::new(SystemClock);
                    bot = bot.with_asks(AskDesk { asked, clock, private_by_default: *private_by_default });
                }
                Err(e) => {
                    self.metrics.error("store");
                    tracing::error!(error = %e, "answers are not recorded: the buttons under them are off");
                }
            }
        }
        bot
    }
}

/// Runs the server until `shutdown` completes.
pub async fn run(options: ServeOptions, shutdown: impl Future<Output = ()>) -> anyhow::Result<()> {
    let ServeOptions { corpus, index, settings, extra_platforms } = options;
    let config = &settings.config;
    let live = Arc::new(Live::new(Metrics::new()));
    let mut platforms = chat::configured(config.discord.as_ref(), config.slack.as_ref());
    platforms.extend(extra_platforms);
    let (stop_tx, stop_rx) = watch::channel(false);
    let state = AppState::new(Arc::clone(&live), config.http.token().map(Into::into));
    let app = server::router(state, &platforms, config.http.max_body_bytes);
    let server = serve_http(&config.http.listen, app, stop_rx.clone()).await?;

    let store = open_store(&settings, &live.metrics);
    // Watch before loading, so an edit made while the index loads (or right after ready) is seen.
    let (changes, watcher) = reload::watch_notes(&corpus);
    let (paths, dir) = (corpus.clone(), index.clone());
    let loaded = tokio::task::spawn_blocking(move || search::open_or_build(&paths, &dir, false)).await??;
    record_index(&live.metrics, &loaded);
    let (quiz, scheduler) = start_quiz(store.clone(), &loaded, &settings, &platforms, &live, &stop_rx)?;
    let parts = BotParts {
        quiz,
        asks: store.clone().map(|store| {
            let private = config.chat.ask_visibility == Visibility::Private;
            (store, config.chat.followup_window, private)
        }),
        timezone: settings.timezone,
        cooldown: (!config.chat.ask_cooldown.is_zero())
            .then(|| Arc::new(Cooldown::new(config.chat.ask_cooldown))),
        metrics: Arc::clone(&live.metrics),
    };
    // Sessions mark their platform not connected when made, before the bot makes `/readyz` ready.
    let sessions: Vec<_> = platforms.iter().filter_map(|p| p.session(&live, stop_rx.clone())).collect();
    let digest = loaded.corpus.digest.clone();
    live.set(parts.bot(loaded));
    let sessions: Vec<JoinHandle<()>> = sessions.into_iter().map(tokio::spawn).collect();
    tracing::info!("index loaded");

    let reloader = reload::Reloader { corpus, index, parts, live: Arc::clone(&live) };
    let reloading = tokio::spawn(reloader.watch(digest, changes, watcher, stop_rx));

    shutdown.await;
    tracing::info!("shutting down: finishing requests in flight");
    let _ = stop_tx.send(true);
    match tokio::time::timeout(DRAIN, server).await {
        Ok(result) => result?.context("HTTP server")?,
        Err(_) => tracing::warn!("requests still in flight after {DRAIN:?}; exiting anyway"),
    }
    let _ = reloading.await;
    for task in scheduler.into_iter().chain(sessions) {
        let _ = task.await;
    }
    if let Some(store) = store {
        store.checkpoint().context("flushing the store")?;
    }
    tracing::info!("stopped");
    Ok(())
}

/// Binds `listen` and serves `app` until `stop` turns true.
async fn serve_http(
    listen: &str,
    app: axum::Router,
    mut stop: watch::Receiver<bool>,
) -> anyhow::Result<JoinHandle<std::io::Result<()>>> {
    let addr: std::net::SocketAddr = listen.parse().context("http.listen")?;
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("binding {addr}"))?;
    let local = listener.local_addr()?;
    tracing::info!(address = %local, "listening");
    println!("listening on http://{local}");
    Ok(tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stop.wait_for(|stop| *stop).await;
            })
            .await
    }))
}

/// The quiz rules (when the store is open) and the scheduler's task (when a platform can post).
type Quiz = (Option<Arc<Quizmaster>>, Option<JoinHandle<()>>);

/// The quiz rules (when the store is open) and the scheduler (when a platform can post).
fn start_quiz(
    store: Option<Arc<Store>>,
    loaded: &Loaded,
    settings: &Settings,
    platforms: &[Arc<dyn Platform>],
    live: &Live,
    stop: &watch::Receiver<bool>,
) -> anyhow::Result<Quiz> {
    let Some(store) = store else { return Ok((None, None)) };
    let posters: HashMap<String, Arc<dyn Poster>> =
        platforms.iter().filter_map(|p| Some((p.name().to_owned(), p.poster()?))).collect();
    let quiz = quizmaster(store, loaded, settings, &posters)?;
    if posters.is_empty() {
        return Ok((Some(quiz), None));
    }
    let metrics = Arc::clone(&live.metrics);
    let task =
        tokio::spawn(runner::run(Arc::clone(&quiz), posters, Arc::new(SystemClock), metrics, stop.clone()));
    Ok((Some(quiz), Some(task)))
}

/// The store; one that cannot be opened (read-only or full disk) disables the quiz, not `/ask`.
fn open_store(settings: &Settings, metrics: &Metrics) -> Option<Arc<Store>> {
    match Store::open(&settings.config.store.path) {
        Ok(store) => Some(Arc::new(store)),
        Err(e) => {
            tracing::error!(error = %e, "quiz disabled: the store cannot be opened");
            metrics.error("store");
            None
        }
    }
}

/// The quiz rules over the notes' question pool, running the schedules of the platforms that
/// can post (a schedule for another is reported and left alone, its slots unclaimed).
fn quizmaster(
    store: Arc<Store>,
    loaded: &Loaded,
    settings: &Settings,
    posters: &HashMap<String, Arc<dyn Poster>>,
) -> anyhow::Result<Arc<Quizmaster>> {
    for s in settings.schedules.iter().filter(|s| !posters.contains_key(&s.platform)) {
        tracing::warn!(platform = %s.platform, channel = %s.channel, "quiz schedule skipped: the platform cannot post");
    }
    let pool = crate::quiz::generate::generate(&loaded.corpus.sections).context("making quiz questions")?;
    let quiz = Quizmaster::new(store, pool, settings.schedules.clone())
        .with_platforms(posters.keys().cloned())
        .with_retired(settings.config.quiz.retired.iter().cloned())
        .with_report_threshold(settings.config.quiz.report_threshold);
    Ok(Arc::new(quiz))
}

fn record_index(metrics: &Metrics, loaded: &Loaded) {
    let manifest = loaded.searcher.manifest();
    metrics.index_sections.set(manifest.sections as i64);
    metrics.index_build_seconds.set(manifest.build_millis as f64 / 1000.0);
}

/// Completes on SIGTERM or ctrl-c.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = terminate => {}
    }
}
