//! `[profile]`: the profile chooser and the freshness of the roles in tokens.

use serde::{Deserialize, Serialize};

use crate::kernel::ConfigError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProfileSettings {
    /// When a refresh finds that the role a grant's profile rests on was removed, also send
    /// back-channel logout to the clients holding that profile in the same session (the
    /// refresh itself always fails with `invalid_grant`).
    pub logout_on_lost_role: bool,
    /// Show the chooser's filter box from this many profiles on.
    pub filter_from: usize,
}

impl Default for ProfileSettings {
    fn default() -> Self {
        Self { logout_on_lost_role: true, filter_from: 8 }
    }
}

impl ProfileSettings {
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.filter_from == 0 {
            return Err(ConfigError::Invalid {
                key: concat!("profile", ".filter_from"),
                problem: "must be at least 1".into(),
            });
        }
        Ok(())
    }
}
