//! `[passkey]` settings: passkeys (WebAuthn) as an extra digital key.

use serde::{Deserialize, Serialize};

use crate::kernel::ConfigError;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PasskeySettings {
    /// Offer "Passkey" on the login page and in My digital keys. Off by default.
    pub is_enabled: bool,
    /// The relying party name authenticators show next to the passkey.
    pub rp_name: String,
}

impl Default for PasskeySettings {
    fn default() -> Self {
        Self { is_enabled: false, rp_name: "Poort".into() }
    }
}

impl PasskeySettings {
    pub fn validate(&self) -> Result<(), ConfigError> {
        let name = self.rp_name.trim();
        if self.is_enabled && (name.is_empty() || name.len() > 64 || name.chars().any(char::is_control)) {
            return Err(ConfigError::Invalid {
                key: concat!("passkey", ".", "rp_name"),
                problem: "must be 1 to 64 printable characters".into(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_relying_party_name_is_refused_when_passkeys_are_on() {
        let mut s = PasskeySettings { is_enabled: true, ..Default::default() };
        assert!(s.validate().is_ok());
        s.rp_name = " ".into();
        let err = s.validate().expect_err("refused").to_string();
        assert!(err.contains("rp_name"), "{err}");
        s.is_enabled = false;
        assert!(s.validate().is_ok());
    }
}
