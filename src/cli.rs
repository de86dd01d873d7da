//! The command line (DESIGN.md's stable CLI) and what each command does.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use clap::{Parser, Subcommand};

use std::sync::Arc;

use crate::answer;
use crate::bot::{self, Reply};
use crate::chat;
use crate::config::{Config, Settings};
use crate::corpus;
use crate::search::{self, Loaded};
use crate::serve::ServeOptions;
use crate::store::Store;

/// shiori (栞): answers AWS questions from your study group's Japanese notes, with citations.
#[derive(Debug, Parser)]
#[command(name = "shiori", version, about)]
pub struct Cli {
    /// Notes to read: a directory (walked for *.txt, *.md) or a file; repeatable [default: corpus/]
    #[arg(long, global = true, value_name = "DIR")]
    pub corpus: Vec<PathBuf>,
    /// Where the index is kept [default: index/]
    #[arg(long, global = true, value_name = "DIR")]
    pub index: Option<PathBuf>,
    /// Config file [default: shiori.toml when present]
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Commands,
}

#[derive(Debug, Subcommand)]
pub enum Commands {
    /// (Re)build the index from the notes; prints the number of sections and the build time
    Index,
    /// Every section of the notes, in order
    Sections {
        /// Print JSON (a list of Section objects)
        #[arg(long)]
        json: bool,
    },
    /// Ranked sections for a question
    Search {
        /// Print JSON (a list of Hit objects)
        #[arg(long)]
        json: bool,
        /// How many hits (1–50)
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..=50))]
        limit: u16,
        /// The question (several words are joined with spaces)
        #[arg(required = true, num_args = 1.., allow_hyphen_values = true)]
        query: Vec<String>,
    },
    /// The answer the bot would post, with its citation
    Ask {
        /// Print JSON (an Answer object)
        #[arg(long)]
        json: bool,
        /// The question (several words are joined with spaces)
        #[arg(required = true, num_args = 1.., allow_hyphen_values = true)]
        query: Vec<String>,
    },
    /// Generated quiz questions (the same seed gives the same questions in the same order)
    Quiz {
        /// Print JSON (a list of Question objects)
        #[arg(long)]
        json: bool,
        /// How many questions
        #[arg(long, default_value_t = 5)]
        count: usize,
        /// Order seed
        #[arg(long, default_value_t = 0)]
        seed: u64,
    },
    /// The chat bot in the terminal: /ask …, /full, /followup …, /quiz, /me, /review, /report, /leaderboard, /source ID, /help, /quit
    Console,
    /// The bot: HTTP server (health, readiness, metrics, API), live-reloaded index
    Serve,
    /// Validates the config and reports which secrets are present; exit 0 or a clear error
    CheckConfig,
    /// Exits 0 when the local server answers /healthz (for container HEALTHCHECKs without curl)
    Healthcheck,
    /// Members' feedback on answers (👍, 👎, 「出典が違う」), from the store
    Feedback {
        #[command(subcommand)]
        action: FeedbackCommand,
    },
}

/// What `shiori feedback` prints.
#[derive(Debug, Subcommand)]
pub enum FeedbackCommand {
    /// The disliked and wrong-source questions as a question set (TOML) to fill in and evaluate
    Export,
    /// The helpful rate and the most-disliked sections
    Stats,
}

/// Where the notes and the index are, after CLI flags override the config, and the config
/// checked once.
struct Paths {
    corpus: Vec<PathBuf>,
    index: PathBuf,
    settings: Settings,
}

fn paths(cli: &Cli) -> anyhow::Result<Paths> {
    let file = cli.config.clone().or_else(|| Some(PathBuf::from("shiori.toml")).filter(|p| p.is_file()));
    let config = match &file {
        Some(path) => Config::load(path)?,
        None => Config::default(),
    };
    Ok(Paths {
        corpus: if cli.corpus.is_empty() { config.corpus.paths.clone() } else { cli.corpus.clone() },
        index: cli.index.clone().unwrap_or_else(|| config.index.dir.clone()),
        // Values that parse but cannot work (a bad cron pattern, an unknown zone) fail every command.
        settings: config.resolve(&file.map(|f| f.display().to_string()).unwrap_or_default())?,
    })
}

fn load(paths: &Paths, force: bool) -> anyhow::Result<Loaded> {
    search::open_or_build(&paths.corpus, &paths.index, force)
        .with_context(|| format!("preparing the index in {}", paths.index.display()))
}

/// The searcher alone, for commands that only search: the notes are parsed only to rebuild.
fn searcher(paths: &Paths) -> anyhow::Result<search::Searcher> {
    search::open_searcher(&paths.corpus, &paths.index)
        .with_context(|| format!("preparing the index in {}", paths.index.display()))
}

/// Runs one command, writing its output to `out`.
pub fn run(cli: Cli, out: &mut dyn Write) -> anyhow::Result<()> {
    let paths = paths(&cli)?;
    match cli.command {
        Commands::Index => index(&paths, out),
        Commands::Sections { json } => sections(&paths, json, out),
        Commands::Search { json, limit, query } => search(&paths, &query.join(" "), limit, json, out),
        Commands::Ask { json, query } => ask(&paths, &query.join(" "), json, out),
        Commands::Quiz { json, count, seed } => quiz(&paths, count, seed, json, out),
        Commands::Console => console(&paths, out),
        Commands::Serve => serve(paths),
        Commands::CheckConfig => check_config(&paths, out),
        Commands::Healthcheck => healthcheck(&paths.settings.config.http.listen),
        Commands::Feedback { action } => feedback(&paths, action, out),
    }
}

/// Writes `value` as pretty JSON and a newline.
fn write_json(out: &mut dyn Write, value: &impl serde::Serialize) -> anyhow::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)?;
    Ok(())
}

/// `index`: rebuilds the index and says how long it took.
fn index(paths: &Paths, out: &mut dyn Write) -> anyhow::Result<()> {
    let started = Instant::now();
    let loaded = load(paths, true)?;
    let m = loaded.searcher.manifest();
    writeln!(
        out,
        "indexed {} sections from {} file(s) in {} ms (total {} ms) into {}",
        m.sections,
        loaded.corpus.files.len(),
        m.build_millis,
        started.elapsed().as_millis(),
        paths.index.display()
    )?;
    for skipped in &loaded.corpus.skipped {
        writeln!(out, "warning: {skipped}")?;
    }
    Ok(())
}

/// `sections`: every section with its lines and heading path.
fn sections(paths: &Paths, json: bool, out: &mut dyn Write) -> anyhow::Result<()> {
    let corpus = corpus::load(&paths.corpus)?;
    if json {
        return write_json(out, &corpus.sections);
    }
    for s in &corpus.sections {
        writeln!(out, "{}\tL{}-{}\t{}", s.id, s.line_start, s.line_end, s.path.join(" › "))?;
    }
    Ok(())
}

/// `search`: ranked sections with their scores and snippets.
fn search(paths: &Paths, query: &str, limit: u16, json: bool, out: &mut dyn Write) -> anyhow::Result<()> {
    let searcher = searcher(paths)?;
    let (_, hits) = searcher.search(query, usize::from(limit))?;
    if json {
        return write_json(out, &hits);
    }
    if hits.is_empty() {
        writeln!(out, "no matching section")?;
    }
    for (rank, hit) in hits.iter().enumerate() {
        writeln!(out, "{}. [{:.2}] {}", rank + 1, hit.score, hit.section.citation())?;
        writeln!(out, "   {}", hit.snippet.replace('\n', " "))?;
    }
    Ok(())
}

/// `ask`: the answer as the bot would post it (the same text as the console's `/ask`).
fn ask(paths: &Paths, query: &str, json: bool, out: &mut dyn Write) -> anyhow::Result<()> {
    let searcher = searcher(paths)?;
    let answer = answer::ask(&searcher, query)?;
    if json {
        return write_json(out, &answer);
    }
    writeln!(out, "{}", Reply::from_answer(&answer).to_plain())?;
    Ok(())
}

/// `quiz`: questions from the pool (less the retired ones), each with its answer.
fn quiz(paths: &Paths, count: usize, seed: u64, json: bool, out: &mut dyn Write) -> anyhow::Result<()> {
    let corpus = corpus::load(&paths.corpus)?;
    let mut pool = crate::quiz::generate::generate(&corpus.sections)?;
    pool.retain(|q| !paths.settings.config.quiz.retired.contains(&q.id));
    let questions = crate::quiz::generate::pick(&pool, count, seed);
    if json {
        return write_json(out, &questions);
    }
    for q in &questions {
        writeln!(out, "{}\n", Reply::study(q).to_plain())?;
    }
    Ok(())
}

/// `console`: the bot in the terminal, as `$USER`, with the quiz store.
fn console(paths: &Paths, out: &mut dyn Write) -> anyhow::Result<()> {
    let loaded = load(paths, false)?;
    let config = &paths.settings.config;
    let store = Store::open(&config.store.path)
        .with_context(|| "opening the quiz store (set [store] path in the config)")?;
    let timezone = paths.settings.timezone;
    let bot = bot::make_bot(
        loaded,
        Some(Arc::new(store)),
        timezone,
        Vec::new(),
        &config.quiz.retired,
        config.quiz.report_threshold,
    )?;
    let stdin = std::io::stdin();
    let prompt = stdin.is_terminal();
    let user = std::env::var("USER").ok().filter(|u| !u.is_empty()).unwrap_or_else(|| "you".into());
    chat::console::run(&bot, &user, stdin.lock(), out, prompt)?;
    Ok(())
}

/// `feedback export | stats`: members' verdicts on answers, read from the store.
fn feedback(paths: &Paths, action: FeedbackCommand, out: &mut dyn Write) -> anyhow::Result<()> {
    let path = &paths.settings.config.store.path;
    let store = Store::open(path).with_context(|| format!("opening the store {}", path.display()))?;
    let feedback = store.feedback()?;
    let text = match action {
        FeedbackCommand::Export => answer::asked::export(&feedback),
        FeedbackCommand::Stats => answer::asked::stats(&feedback),
    };
    write!(out, "{text}")?;
    Ok(())
}

/// `serve`: the bot until SIGTERM or ctrl-c. A platform that cannot start without its secret
/// stops it before it binds.
fn serve(paths: Paths) -> anyhow::Result<()> {
    paths.settings.config.check_secrets()?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let options = ServeOptions {
        corpus: paths.corpus,
        index: paths.index,
        settings: paths.settings,
        extra_platforms: Vec::new(),
    };
    runtime.block_on(crate::serve::run(options, crate::serve::shutdown_signal()))
}

/// `check-config`: the config parsed and validated (by [`paths`]), the notes readable, the store
/// directory usable, and which secrets the environment provides (names only, never values).
fn check_config(paths: &Paths, out: &mut dyn Write) -> anyhow::Result<()> {
    let config = &paths.settings.config;
    let corpus = corpus::load(&paths.corpus)?;
    writeln!(out, "notes: {} file(s), {} sections", corpus.files.len(), corpus.sections.len())?;
    for skipped in &corpus.skipped {
        writeln!(out, "warning: {skipped}")?;
    }
    writeln!(out, "index: {}", paths.index.display())?;
    writeln!(out, "store: {}", config.store.path.display())?;
    writeln!(out, "http: listening on {}", config.http.listen)?;
    let token = if config.http.token().is_some() { "set" } else { "not set (the API is open)" };
    writeln!(out, "http api token: {token}")?;
    writeln!(out, "quiz schedules: {}", config.quiz.schedule.len())?;
    for need in config.secret_needs() {
        let state = match (chat::secret(need.variable).is_some(), need.required) {
            (true, _) => "set",
            (false, true) => "MISSING",
            (false, false) => "not set (that feature is off)",
        };
        writeln!(out, "{}: {state} — for {}", need.variable, need.purpose)?;
    }
    config.check_secrets()?;
    writeln!(out, "config ok")?;
    Ok(())
}

/// GETs `/healthz` from the server on this host (`0.0.0.0` and `[::]` mean loopback).
fn healthcheck(listen: &str) -> anyhow::Result<()> {
    use std::io::Read;
    use std::net::{SocketAddr, TcpStream};
    use std::time::Duration;
    let mut addr: SocketAddr = listen.parse().context("http.listen")?;
    if addr.ip().is_unspecified() {
        addr.set_ip(if addr.is_ipv4() {
            [127, 0, 0, 1].into()
        } else {
            std::net::Ipv6Addr::LOCALHOST.into()
        });
    }
    let timeout = Duration::from_secs(2);
    let mut stream =
        TcpStream::connect_timeout(&addr, timeout).with_context(|| format!("connecting to {addr}"))?;
    stream.set_read_timeout(Some(timeout))?;
    stream.write_all(b"GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n")?;
    let mut response = String::new();
    stream.take(4096).read_to_string(&mut response)?;
    let status = response.lines().next().unwrap_or_default();
    anyhow::ensure!(status.split_whitespace().nth(1) == Some("200"), "unhealthy: {status:?}");
    Ok(())
}

/// The `[log]` settings for `main`, read before anything else runs (defaults when the config is
/// missing or broken; `run` reports the error).
pub fn log_config(cli: &Cli) -> crate::config::LogConfig {
    let file = cli.config.clone().or_else(|| Some(PathBuf::from("shiori.toml")).filter(|p| p.is_file()));
    file.and_then(|f| Config::load(&f).ok()).map(|c| c.log).unwrap_or_default()
}

/// The message for an error and its causes, each cause once: a cause whose text an outer
/// message already quotes (`cannot read config …: No such file…`) is not repeated.
pub fn report(error: &anyhow::Error) -> String {
    let mut text = error.to_string();
    for cause in error.chain().skip(1) {
        let cause = cause.to_string();
        if !text.contains(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
    }
    text
}

/// Exit code for an error: 2 for input the user can fix by asking differently, 1 otherwise.
pub fn exit_code(error: &anyhow::Error) -> u8 {
    if error.downcast_ref::<search::QueryError>().is_some_and(|e| !matches!(e, search::QueryError::Failed(_)))
    {
        2
    } else {
        1
    }
}
