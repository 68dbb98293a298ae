//! The configuration error every feature's settings return: it names the key and the problem.

use std::path::PathBuf;

/// A configuration problem, naming the key and what is wrong with it.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read configuration file {path}: {reason}")]
    File { path: PathBuf, reason: String },
    #[error("configuration: {0}")]
    Parse(String),
    #[error("configuration key `{key}`: {problem}")]
    Invalid { key: &'static str, problem: String },
}

impl ConfigError {
    /// `key` is wrong for the reason `problem`.
    pub fn invalid(key: &'static str, problem: impl Into<String>) -> Self {
        Self::Invalid { key, problem: problem.into() }
    }
}
