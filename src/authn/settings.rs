//! `[session]`: browser sessions and login transactions.

use serde::{Deserialize, Serialize};

use crate::kernel::ConfigError;

/// Browser sessions and login transactions.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SessionSettings {
    /// A session unused this long ends (seconds).
    pub idle_timeout_secs: i64,
    /// A session ends this long after it started, whatever happens (seconds).
    pub max_lifetime_secs: i64,
    /// A login must be finished within this time (seconds).
    pub login_timeout_secs: i64,
}

impl Default for SessionSettings {
    fn default() -> Self {
        Self { idle_timeout_secs: 30 * 60, max_lifetime_secs: 8 * 3600, login_timeout_secs: 30 * 60 }
    }
}

impl SessionSettings {
    pub fn validate(&self) -> Result<(), ConfigError> {
        for (key, value) in [
            ("session.idle_timeout_secs", self.idle_timeout_secs),
            ("session.max_lifetime_secs", self.max_lifetime_secs),
            ("session.login_timeout_secs", self.login_timeout_secs),
        ] {
            if value < 60 {
                return Err(ConfigError::invalid(key, "must be at least 60 seconds"));
            }
        }
        Ok(())
    }
}
