//! Sections → a Japanese full-text index → ranked hits.
//!
//! [`open_or_build`] is the one entry point: it reads the notes, opens the index in `index/` when
//! it was built from exactly these notes by this binary, and otherwise rebuilds it beside the live
//! one and swaps it in ([`index`]).

pub mod aliases;
pub mod analyzer;
pub mod dictionary;
pub mod gazetteer;
pub mod index;
pub mod kana;
pub mod loanwords;
pub mod query;
pub mod schema;
pub mod snippet;
pub mod thesaurus;

use std::path::{Path, PathBuf};

pub use query::{Analyzed, Hit, QueryError, Searcher, SectionRef};

use crate::corpus::{self, Corpus, CorpusError, Notes};

/// Ways making the index ready fails.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error(transparent)]
    Corpus(#[from] CorpusError),
    #[error(transparent)]
    Index(#[from] index::IndexError),
}

/// Why and how fast the index was rebuilt.
#[derive(Debug, Clone)]
pub struct Rebuild {
    pub reason: String,
    pub sections: usize,
    pub millis: u64,
}

/// A searcher over the current notes, the notes themselves, and the rebuild if one was needed.
pub struct Loaded {
    pub searcher: Searcher,
    pub corpus: Corpus,
    pub rebuild: Option<Rebuild>,
}

/// Opens the index for the notes under `roots`, rebuilding it when missing, unreadable, built by
/// another version, or built from other notes. `force` rebuilds regardless.
pub fn open_or_build(roots: &[PathBuf], dir: &Path, force: bool) -> Result<Loaded, SearchError> {
    let notes = corpus::read(roots)?;
    match if force { Err("requested".to_owned()) } else { current(&notes, dir) } {
        Ok(open) => Ok(Loaded { searcher: Searcher::new(open)?, corpus: notes.parse(), rebuild: None }),
        Err(stale) => build(notes.parse(), dir, stale),
    }
}

/// [`open_or_build`] for a command that only searches (`search`, `ask`): the notes are parsed
/// only when the index has to be rebuilt.
pub fn open_searcher(roots: &[PathBuf], dir: &Path) -> Result<Searcher, SearchError> {
    let notes = corpus::read(roots)?;
    match current(&notes, dir) {
        Ok(open) => Ok(Searcher::new(open)?),
        Err(stale) => Ok(build(notes.parse(), dir, stale)?.searcher),
    }
}

/// The index in `dir` when it was built from exactly `notes` by this binary; else why not.
fn current(notes: &Notes, dir: &Path) -> Result<index::OpenIndex, String> {
    match index::open(dir) {
        Ok(open) if open.manifest.corpus_digest == notes.digest => Ok(open),
        Ok(_) => Err("the notes changed".to_owned()),
        Err(e) => Err(e.to_string()),
    }
}

fn build(corpus: Corpus, dir: &Path, reason: String) -> Result<Loaded, SearchError> {
    tracing::info!(dir = %dir.display(), %reason, "building index");
    let open = index::build(dir, &corpus.sections, &corpus.digest)?;
    let rebuild = Rebuild { reason, sections: open.manifest.sections, millis: open.manifest.build_millis };
    tracing::info!(sections = rebuild.sections, millis = rebuild.millis, "index built");
    Ok(Loaded { searcher: Searcher::new(open)?, corpus, rebuild: Some(rebuild) })
}
