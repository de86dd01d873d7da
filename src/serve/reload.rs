//! Notes reloaded without a restart: a watcher (notify) reports changes; after a short quiet
//! period the notes are re-read and, if their digest changed, a new index generation is built
//! beside the live one, a new question pool made, and both swapped in. A rebuild that fails
//! leaves the old bot serving and logs why.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use notify::Watcher as _;
use tokio::sync::{mpsc, watch};

use super::{record_index, BotParts};
use crate::bot::Live;
use crate::search::{self, Loaded};

/// Quiet period after a change before the notes are re-read (editors write in bursts).
const DEBOUNCE: Duration = Duration::from_millis(300);

/// Rebuilds the index when the notes change and swaps it in.
pub(super) struct Reloader {
    pub corpus: Vec<PathBuf>,
    pub index: PathBuf,
    pub parts: BotParts,
    pub live: Arc<Live>,
}

/// Starts watching the note paths; each change sends a unit (coalesced while one is pending).
/// The watcher must be kept alive as long as changes are wanted.
pub(super) fn watch_notes(paths: &[PathBuf]) -> (mpsc::Receiver<()>, Option<notify::RecommendedWatcher>) {
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
    /// Reloads after each change until `stop` turns true.
    pub async fn watch(
        self,
        mut digest: String,
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
                    self.reload(&mut digest).await;
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
        let loaded = match rebuilt {
            Ok(Ok(Some(loaded))) => loaded,
            Ok(Ok(None)) => return,
            Ok(Err(e)) => return self.failed("notes changed but could not be indexed", &e),
            Err(e) => return self.failed("index rebuild task failed", &e),
        };
        if let Some(quiz) = &self.parts.quiz {
            match crate::quiz::generate::generate(&loaded.corpus.sections) {
                Ok(pool) => quiz.replace_pool(pool),
                Err(e) => return self.failed("notes changed but no questions could be made", &e),
            }
            // Open posts whose cited lines changed are retired now, before anyone sees their reveal.
            match quiz.retire_stale(&loaded.corpus.sections, chrono::Utc::now()) {
                Ok(retired) => {
                    self.live.metrics.quiz_retired.inc_by(retired.len() as u64);
                }
                Err(e) => self.failed("notes changed but open quiz posts could not be checked", &e),
            };
        }
        *digest = loaded.corpus.digest.clone();
        record_index(&self.live.metrics, &loaded);
        self.live.metrics.index_reloads.inc();
        tracing::info!(
            sections = loaded.corpus.sections.len(),
            "notes changed: index rebuilt and swapped in"
        );
        self.live.set(self.parts.bot(loaded));
    }

    fn failed(&self, what: &str, error: &dyn std::error::Error) {
        self.live.metrics.error("reload");
        tracing::error!(error = %error, "{what}; the previous bot keeps serving");
    }
}
