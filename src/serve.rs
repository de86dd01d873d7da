//! `shiori serve`: the HTTP server, the index (loaded, then rebuilt when the notes change), the
//! chat platforms and the quiz scheduler, and an orderly shutdown.
//!
//! Start-up order: bind and serve `/healthz` at once (not ready), load or build the index off the
//! async threads, start the scheduler and the platform sessions (Discord gateway, Slack Socket
//! Mode; each marks itself ready once connected), then ready. A watcher (notify) reports note changes; after a short quiet
//! period the notes are re-read and, if their digest changed, a new index generation is built
//! beside the live one and swapped in. A rebuild that fails leaves the old index serving and logs
//! why. Shutdown (SIGTERM, ctrl-c, or the future a test passes) stops accepting connections,
//! lets requests in flight finish, stops the watcher, the scheduler and the platform sessions,
//! checkpoints the store and returns.

use std::collections::HashMap;
use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use chrono_tz::Tz;
use lindera::error::LinderaError;
use notify::Watcher as _;
use tokio::sync::{mpsc, watch};

use crate::bot::{Bot, Cooldown, QuizDesk};
use crate::chat::discord::DiscordPoster;
use crate::chat::slack::{SlackApp, SlackPoster};
use crate::config::{
    secret, Config, DiscordConfig, DiscordMode, SlackConfig, SlackMode, DISCORD_TOKEN, SLACK_APP_TOKEN,
    SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET,
};
use crate::metrics::Metrics;
use crate::quiz::game::Quizmaster;
use crate::quiz::runner::{self, Poster};
use crate::quiz::schedule::{Schedule, SystemClock};
use crate::search::{self, Loaded};
use crate::server::{self, AppState, Live, SlackHttp};
use crate::store::Store;
use slack_morphism::prelude::SlackSigningSecret;
use slack_morphism::signature_verifier::SlackEventSignatureVerifier;

/// Quiet period after a change before the notes are re-read (editors write in bursts).
const DEBOUNCE: Duration = Duration::from_millis(300);
/// Longest wait for requests in flight at shutdown.
const DRAIN: Duration = Duration::from_secs(10);

/// What `serve` runs on.
pub struct ServeOptions {
    pub corpus: Vec<PathBuf>,
    pub index: PathBuf,
    pub config: Config,
}

/// What every rebuilt bot shares: the store, the leaderboard zone, the `/ask` cooldown, metrics.
#[derive(Clone)]
pub struct BotParts {
    pub store: Option<Arc<Store>>,
    pub timezone: Tz,
    pub cooldown: Option<Arc<Cooldown>>,
    pub metrics: Arc<Metrics>,
    pub schedules: Vec<Schedule>,
    /// `quiz.retired`.
    pub retired: Vec<String>,
}

impl BotParts {
    /// The bot for loaded notes.
    pub fn bot(&self, loaded: Loaded) -> Result<Bot, LinderaError> {
        let bot = make_bot(loaded, self.store.clone(), self.timezone, self.schedules.clone(), &self.retired)?
            .with_metrics(Arc::clone(&self.metrics));
        Ok(match &self.cooldown {
            Some(c) => bot.with_cooldown(Arc::clone(c)),
            None => bot,
        })
    }
}

/// The bot for loaded notes; with the quiz when a store is open (`schedules` are the config's,
/// for `/schedule list`).
pub fn make_bot(
    loaded: Loaded,
    store: Option<Arc<Store>>,
    timezone: Tz,
    schedules: Vec<Schedule>,
    retired: &[String],
) -> Result<Bot, LinderaError> {
    let pool = crate::quiz::generate::generate(&loaded.corpus.sections)?;
    let bot = Bot::new(loaded.searcher, loaded.corpus.sections);
    Ok(match store {
        Some(store) => bot.with_quiz(QuizDesk {
            master: Quizmaster::new(store, pool, schedules).with_retired(retired.iter().cloned()),
            clock: Arc::new(SystemClock),
            timezone,
        }),
        None => bot,
    })
}

/// Runs the server until `shutdown` completes.
pub async fn run(options: ServeOptions, shutdown: impl Future<Output = ()>) -> anyhow::Result<()> {
    let ServeOptions { corpus, index, config } = options;
    let addr: std::net::SocketAddr = config.http.listen.parse().context("http.listen")?;
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("binding {addr}"))?;
    let local = listener.local_addr()?;
    tracing::info!(address = %local, "listening");
    println!("listening on http://{local}");

    let live = Arc::new(Live::new(Metrics::new()));
    let platforms = Platforms::new(&config, &live);
    let mut state = AppState::new(Arc::clone(&live), config.http.token().map(Into::into));
    state.discord = platforms.discord_verifier.clone();
    state.slack = platforms.slack_http.clone();
    let app = server::router(state, config.http.max_body_bytes);
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut server_stop = stop_rx.clone();
    let server = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = server_stop.wait_for(|stop| *stop).await;
            })
            .await
    });

    // A store that cannot be opened (read-only or full disk) disables the quiz, not `/ask`.
    let store = match Store::open(&config.store.path) {
        Ok(store) => Some(Arc::new(store)),
        Err(e) => {
            tracing::error!(error = %e, "quiz disabled: the store cannot be opened");
            live.metrics.error("store");
            None
        }
    };
    let parts = BotParts {
        store: store.clone(),
        timezone: config.quiz_timezone(),
        cooldown: (!config.chat.ask_cooldown.is_zero())
            .then(|| Arc::new(Cooldown::new(config.chat.ask_cooldown))),
        metrics: Arc::clone(&live.metrics),
        schedules: config.validate("").unwrap_or_default(),
        retired: config.quiz.retired.clone(),
    };
    // Watch before loading, so an edit made while the index loads (or right after ready) is seen.
    let (changes, watcher) = watch_notes(&corpus);
    let (paths, dir) = (corpus.clone(), index.clone());
    let loaded = tokio::task::spawn_blocking(move || search::open_or_build(&paths, &dir, false)).await??;
    let mut digest = loaded.corpus.digest.clone();
    record_index(&live.metrics, &loaded);
    let (scheduler, scheduled) = start_scheduler(
        &config,
        &loaded,
        store.clone(),
        platforms.posters(),
        Arc::clone(&live.metrics),
        stop_rx.clone(),
    )?;
    live.set(parts.bot(loaded)?);
    let sessions = platforms.start(&stop_rx);
    tracing::info!("index loaded");

    let reloader = Reloader { corpus, index, parts, live: Arc::clone(&live), scheduled };
    let reloading = tokio::spawn(async move { reloader.watch(&mut digest, changes, watcher, stop_rx).await });

    shutdown.await;
    tracing::info!("shutting down: finishing requests in flight");
    let _ = stop_tx.send(true);
    match tokio::time::timeout(DRAIN, server).await {
        Ok(result) => result?.context("HTTP server")?,
        Err(_) => tracing::warn!("requests still in flight after {DRAIN:?}; exiting anyway"),
    }
    let _ = reloading.await;
    if let Some(scheduler) = scheduler {
        let _ = scheduler.await;
    }
    for session in sessions {
        let _ = session.await;
    }
    if let Some(store) = store {
        store.checkpoint().context("flushing the store")?;
    }
    tracing::info!("stopped");
    Ok(())
}

/// The chat platforms the config names, with the secrets each reads from the environment.
struct Platforms {
    live: Arc<Live>,
    discord: Option<DiscordConfig>,
    discord_token: Option<String>,
    discord_verifier: Option<Arc<serenity::interactions_endpoint::Verifier>>,
    slack: Option<SlackConfig>,
    slack_app: Option<Arc<SlackApp>>,
    slack_http: Option<SlackHttp>,
    slack_bot_token: Option<String>,
}

impl Platforms {
    /// Reads the platforms; a platform that connects out (gateway, Socket Mode) is not ready
    /// until it has connected.
    fn new(config: &Config, live: &Arc<Live>) -> Platforms {
        let discord = config.discord.clone();
        let discord_verifier = discord
            .as_ref()
            .filter(|d| d.mode == DiscordMode::Http)
            .and_then(|d| d.public_key.as_deref())
            .and_then(crate::config::discord_verifier)
            .map(Arc::new);
        if discord.as_ref().is_some_and(|d| d.mode == DiscordMode::Gateway) {
            live.platform_ready("discord", false);
        }
        let slack = config.slack.clone();
        let slack_app = slack.as_ref().map(|c| {
            let client = Arc::new(crate::chat::slack::client(c.api_base.as_deref()));
            Arc::new(SlackApp::new(Arc::clone(live), client, c))
        });
        let slack_http = match (&slack, &slack_app) {
            (Some(c), Some(app)) if c.mode == SlackMode::Http => {
                secret(SLACK_SIGNING_SECRET).map(|s| SlackHttp {
                    app: Arc::clone(app),
                    verifier: Arc::new(SlackEventSignatureVerifier::new(&SlackSigningSecret::new(s))),
                })
            }
            _ => None,
        };
        if slack.as_ref().is_some_and(|c| c.mode == SlackMode::Socket) {
            live.platform_ready("slack", false);
        }
        Platforms {
            live: Arc::clone(live),
            discord_token: discord.as_ref().and_then(|_| secret(DISCORD_TOKEN)),
            discord,
            discord_verifier,
            slack_bot_token: slack.as_ref().and_then(|_| secret(SLACK_BOT_TOKEN)),
            slack,
            slack_app,
            slack_http,
        }
    }

    /// serenity's REST client for the bot token, with `discord.api_base` and the application id.
    fn discord_rest(&self, token: &str) -> serenity::http::Http {
        let d = self.discord.as_ref();
        crate::chat::discord::http(
            token,
            d.and_then(|d| d.api_base.as_deref()),
            d.and_then(|d| d.application_id),
        )
    }

    /// Posters for scheduled quizzes: each platform whose bot token is set.
    fn posters(&self) -> HashMap<String, Arc<dyn Poster>> {
        let mut posters: HashMap<String, Arc<dyn Poster>> = HashMap::new();
        match &self.discord_token {
            Some(token) => {
                posters.insert(
                    "discord".into(),
                    Arc::new(DiscordPoster::new(Arc::new(self.discord_rest(token)))),
                );
            }
            None if self.discord.is_some() => {
                tracing::warn!("{DISCORD_TOKEN} is not set: scheduled Discord quizzes are off")
            }
            None => {}
        }
        match (&self.slack_app, &self.slack_bot_token) {
            (Some(app), Some(token)) => {
                posters.insert("slack".into(), Arc::new(SlackPoster::new(Arc::clone(&app.client), token)));
            }
            (Some(_), None) => {
                tracing::warn!("{SLACK_BOT_TOKEN} is not set: scheduled Slack quizzes are off")
            }
            _ => {}
        }
        posters
    }

    /// Starts the sessions that connect out (Discord's gateway, Slack's Socket Mode) and, in
    /// Discord HTTP mode, registers the commands (a failure is logged, not fatal).
    fn start(&self, stop: &watch::Receiver<bool>) -> Vec<tokio::task::JoinHandle<()>> {
        let mut sessions = Vec::new();
        if let (Some(discord), Some(token)) = (&self.discord, &self.discord_token) {
            let http = self.discord_rest(token);
            let (live, guild, mode, stop) =
                (Arc::clone(&self.live), discord.guild_id, discord.mode, stop.clone());
            sessions.push(tokio::spawn(async move {
                match mode {
                    DiscordMode::Gateway => {
                        if let Err(e) = crate::chat::gateway::run(Arc::clone(&live), http, guild, stop).await {
                            live.metrics.error("discord_gateway");
                            tracing::error!(error = %e, "discord gateway session failed");
                        }
                    }
                    DiscordMode::Http => match crate::chat::discord::register_commands(&http, guild).await {
                        Ok(n) => tracing::info!(commands = n, "discord commands registered"),
                        Err(e) => {
                            live.metrics.error("discord_register");
                            tracing::error!(error = %e, "discord command registration failed (the endpoint still answers)");
                        }
                    },
                }
            }));
        }
        if let (Some(slack), Some(app)) = (&self.slack, &self.slack_app) {
            if slack.mode == SlackMode::Socket {
                if let Some(token) = secret(SLACK_APP_TOKEN) {
                    let (app, stop) = (Arc::clone(app), stop.clone());
                    sessions.push(tokio::spawn(async move {
                        if let Err(e) =
                            crate::chat::slack::run_socket_mode(Arc::clone(&app), token, stop).await
                        {
                            app.live.metrics.error("slack_socket");
                            tracing::error!(error = %e, "slack socket mode failed");
                        }
                    }));
                }
            }
        }
        sessions
    }
}

/// The scheduler's task and the quiz rules it runs, when a schedule can post.
type Scheduler = (Option<tokio::task::JoinHandle<()>>, Option<Arc<Quizmaster>>);

/// Starts the quiz scheduler over `posters` (one per platform with a bot token). A schedule for
/// a platform without one is reported and left out, so its slots are not claimed for nothing.
/// Returns the task and the quiz rules it runs (the reloader swaps their question pool).
fn start_scheduler(
    config: &Config,
    loaded: &Loaded,
    store: Option<Arc<Store>>,
    posters: HashMap<String, Arc<dyn Poster>>,
    metrics: Arc<Metrics>,
    stop: watch::Receiver<bool>,
) -> Result<Scheduler, LinderaError> {
    let Some(store) = store.filter(|_| !posters.is_empty()) else { return Ok((None, None)) };
    for s in config.validate("").unwrap_or_default() {
        if !posters.contains_key(&s.platform) {
            tracing::warn!(platform = %s.platform, channel = %s.channel, "quiz schedule skipped: platform not configured");
        }
    }
    // Schedules of platforms without a poster are left alone (their slots are not claimed).
    let pool = crate::quiz::generate::generate(&loaded.corpus.sections)?;
    let quiz = Arc::new(
        Quizmaster::new(store, pool, config.validate("").unwrap_or_default())
            .with_platforms(posters.keys().cloned())
            .with_retired(config.quiz.retired.iter().cloned()),
    );
    let task = tokio::spawn(runner::run(Arc::clone(&quiz), posters, Arc::new(SystemClock), metrics, stop));
    Ok((Some(task), Some(quiz)))
}

fn record_index(metrics: &Metrics, loaded: &Loaded) {
    let manifest = loaded.searcher.manifest();
    metrics.index_sections.set(manifest.sections as i64);
    metrics.index_build_seconds.set(manifest.build_millis as f64 / 1000.0);
}

/// Rebuilds the index when the notes change and swaps it in.
struct Reloader {
    corpus: Vec<PathBuf>,
    index: PathBuf,
    parts: BotParts,
    live: Arc<Live>,
    /// The scheduler's quiz rules, whose question pool follows the notes.
    scheduled: Option<Arc<Quizmaster>>,
}

/// Starts watching the note paths; each change sends a unit (coalesced while one is pending).
/// The watcher must be kept alive as long as changes are wanted.
fn watch_notes(paths: &[PathBuf]) -> (mpsc::Receiver<()>, Option<notify::RecommendedWatcher>) {
    let (tx, changes) = mpsc::channel::<()>(1);
    let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if event.is_ok() {
            // A full channel means a reload is already pending: this change joins it.
            let _ = tx.try_send(());
        }
    });
    let mut watcher = match watcher {
        Ok(w) => w,
        Err(e) => {
            tracing::error!(error = %e, "cannot watch the notes; edits need a restart");
            return (changes, None);
        }
    };
    for path in paths {
        if let Err(e) = watcher.watch(path, notify::RecursiveMode::Recursive) {
            tracing::error!(path = %path.display(), error = %e, "cannot watch notes; edits there need a restart");
        }
    }
    (changes, Some(watcher))
}

impl Reloader {
    async fn watch(
        self,
        digest: &mut String,
        mut changes: mpsc::Receiver<()>,
        _watcher: Option<notify::RecommendedWatcher>,
        mut stop: watch::Receiver<bool>,
    ) {
        loop {
            let stopped = async {
                let _ = stop.wait_for(|s| *s).await;
            };
            tokio::select! {
                _ = stopped => break,
                Some(()) = changes.recv() => {
                    tokio::time::sleep(DEBOUNCE).await;
                    while changes.try_recv().is_ok() {}
                    self.reload(digest).await;
                }
            }
        }
    }

    async fn reload(&self, digest: &mut String) {
        let (paths, dir, current) = (self.corpus.clone(), self.index.clone(), digest.clone());
        let rebuilt = tokio::task::spawn_blocking(move || -> Result<Option<Loaded>, search::SearchError> {
            let corpus = crate::corpus::load(&paths)?;
            if corpus.digest == current {
                return Ok(None);
            }
            let open = search::index::build(&dir, &corpus.sections, &corpus.digest)?;
            Ok(Some(Loaded { searcher: search::Searcher::new(open)?, corpus, rebuild: None }))
        })
        .await;
        match rebuilt {
            Ok(Ok(Some(loaded))) => {
                *digest = loaded.corpus.digest.clone();
                record_index(&self.live.metrics, &loaded);
                self.live.metrics.index_reloads.inc();
                tracing::info!(
                    sections = loaded.corpus.sections.len(),
                    "notes changed: index rebuilt and swapped in"
                );
                let pool = match crate::quiz::generate::generate(&loaded.corpus.sections) {
                    Ok(pool) => pool,
                    Err(e) => {
                        self.live.metrics.error("reload");
                        tracing::error!(error = %e, "notes changed but no questions could be made; the previous bot keeps serving");
                        return;
                    }
                };
                if let Some(quiz) = &self.scheduled {
                    quiz.replace_pool(pool);
                }
                match self.parts.bot(loaded) {
                    Ok(bot) => self.live.set(bot),
                    Err(e) => {
                        self.live.metrics.error("reload");
                        tracing::error!(error = %e, "notes changed but the bot could not be made; the previous bot keeps serving");
                    }
                }
            }
            Ok(Ok(None)) => {}
            Ok(Err(e)) => {
                self.live.metrics.error("reload");
                tracing::error!(error = %e, "notes changed but could not be indexed; the previous index keeps serving");
            }
            Err(e) => {
                self.live.metrics.error("reload");
                tracing::error!(error = %e, "index rebuild task failed; the previous index keeps serving");
            }
        }
    }
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
