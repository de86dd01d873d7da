//! The TOML config (`shiori.toml`): parsed from `&str` so tests can feed strings, unknown keys
//! refused, and every error names the file and the key it is about.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The whole config file. Every section is optional; defaults run on the bundled notes.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub corpus: CorpusConfig,
    #[serde(default)]
    pub index: IndexConfig,
}

/// `[corpus]`: where the notes are.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CorpusConfig {
    /// Note files or directories (walked recursively for `*.txt`, `*.md`).
    pub paths: Vec<PathBuf>,
}

impl Default for CorpusConfig {
    fn default() -> Self {
        CorpusConfig { paths: vec![PathBuf::from("corpus")] }
    }
}

/// `[index]`: where the built index lives.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct IndexConfig {
    pub dir: PathBuf,
}

impl Default for IndexConfig {
    fn default() -> Self {
        IndexConfig { dir: PathBuf::from("index") }
    }
}

/// Ways the config is unusable.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The TOML is malformed or a key is unknown or of the wrong type.
    #[error("{file}: key `{key}`: {message}")]
    Invalid { file: String, key: String, message: String },
}

impl Config {
    /// Parses config text; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Config, ConfigError> {
        let deserializer = toml::Deserializer::new(text);
        serde_path_to_error::deserialize(deserializer).map_err(|e| {
            let key = e.path().to_string();
            let message = e.inner().message().trim().to_owned();
            let key = if key == "." { unknown_key(&message).unwrap_or(key) } else { key };
            ConfigError::Invalid { file: file.to_owned(), key, message }
        })
    }

    /// Reads and parses a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| ConfigError::Read { path: path.to_owned(), source })?;
        Config::parse(&text, &path.display().to_string())
    }
}

/// An unknown top-level table is reported as "unknown field `x`" with an empty path.
fn unknown_key(message: &str) -> Option<String> {
    let rest = message.split("unknown field `").nth(1)?;
    Some(rest.split('`').next()?.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_config_uses_bundled_notes() {
        let c = Config::parse("", "t.toml").unwrap();
        assert_eq!(c.corpus.paths, vec![PathBuf::from("corpus")]);
        assert_eq!(c.index.dir, PathBuf::from("index"));
    }

    #[test]
    fn errors_name_the_key() {
        let cases = [
            ("[corpus]\npaths = 1\n", "corpus.paths"),
            ("[index]\ndirr = \"x\"\n", "index.dirr"),
            ("[corpsu]\npaths = []\n", "corpsu"),
            ("[index]\ndir = [1]\n", "index.dir"),
        ];
        for (text, key) in cases {
            let err = Config::parse(text, "shiori.toml").unwrap_err().to_string();
            assert!(err.contains(&format!("key `{key}`")), "{text:?} → {err}");
            assert!(err.starts_with("shiori.toml"), "{err}");
        }
    }

    #[test]
    fn malformed_toml_is_an_error_not_a_panic() {
        assert!(Config::parse("[corpus\npaths=", "x.toml").is_err());
    }
}
