//! Username + password with a second factor.
//!
//! | what the person proves | FAS level | amr (RFC 8176) |
//! | --- | --- | --- |
//! | password + code from an authenticator app (TOTP) | Level400 | `pwd otp mfa` |
//! | password + code by e-mail | Level300 | `pwd otp mfa` |
//! | password + code N of a token card | Level300 | `pwd otp mfa` |
//! | password alone (only if `password.is_password_alone_allowed`) | Level200 | `pwd` |
//!
//! RFC 8176 has no value for "code by e-mail" or "printed code list": both are one-time
//! codes (`otp`) on top of the password (`mfa`); the acr (level) tells them apart and the
//! audit trail records the factor.
//!
//! One file per concern: `policy` (username/password rules), `hashing` (Argon2id pool),
//! `totp` and `apps` (authenticator apps, secrets sealed at rest), `codes` (e-mail and token-card codes), `throttle` (brute force), `login`
//! (the checks of a login), `keys` (managing one's keys), `demo` (demo accounts),
//! `routes` (the pages).

pub mod apps;
pub mod codes;
pub mod demo;
pub mod hashing;
pub mod keys;
pub mod login;
pub mod policy;
pub mod routes;
pub mod settings;
pub mod throttle;
pub mod totp;

pub use settings::PasswordSettings;

use crate::domain::AuthLevel;
use crate::mail::{MailError, Mailer};
use crate::store::{Store, StoreError};

/// A second factor a person may have enrolled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Factor {
    /// A TOTP authenticator app.
    App,
    /// A 6-digit code sent by e-mail.
    Email,
    /// Code N of a printed token card.
    Card,
}

impl Factor {
    pub fn code(self) -> &'static str {
        match self {
            Factor::App => "app",
            Factor::Email => "email",
            Factor::Card => "card",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "app" => Some(Factor::App),
            "email" => Some(Factor::Email),
            "card" => Some(Factor::Card),
            _ => None,
        }
    }

    /// The level reached with the password and this factor.
    pub fn level(self) -> AuthLevel {
        match self {
            Factor::App => AuthLevel::PASSWORD_WITH_APP,
            Factor::Email | Factor::Card => AuthLevel::PASSWORD_WITH_CODE,
        }
    }

    /// RFC 8176 authentication method references.
    pub fn amr(self) -> Vec<String> {
        ["pwd", "otp", "mfa"].map(String::from).to_vec()
    }
}

/// amr of a password-only login.
pub fn password_only_amr() -> Vec<String> {
    vec!["pwd".to_string()]
}

/// Why a password operation could not be carried out (refusals are values, not errors).
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    /// Every hashing worker is busy: answer 503 with Retry-After.
    #[error("password hashing is overloaded")]
    Overloaded,
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Mail(#[from] MailError),
    #[error("TOTP: {0}")]
    Totp(#[from] totp::TotpSetupError),
}

impl From<hashing::HashError> for PasswordError {
    fn from(e: hashing::HashError) -> Self {
        match e {
            hashing::HashError::Overloaded => PasswordError::Overloaded,
            hashing::HashError::Failed(m) => PasswordError::Hash(m),
        }
    }
}

/// Everything the method needs at run time. Cheap to clone; one per application.
#[derive(Clone, Debug)]
pub struct PasswordService {
    settings: PasswordSettings,
    policy: policy::Policy,
    hasher: hashing::Hasher,
    mailer: Mailer,
    store: Store,
    code_key: [u8; 32],
    totp_cipher: totp::SecretCipher,
}

impl PasswordService {
    /// `code_key` keys the HMACs of e-mail and card codes; `totp_key` seals TOTP secrets.
    pub fn new(
        settings: &PasswordSettings,
        mailer: Mailer,
        store: Store,
        code_key: [u8; 32],
        totp_key: [u8; 32],
    ) -> Self {
        Self {
            policy: policy::Policy::from_settings(settings),
            hasher: hashing::Hasher::new(settings),
            settings: settings.clone(),
            mailer,
            store,
            code_key,
            totp_cipher: totp::SecretCipher::new(totp_key),
        }
    }

    pub fn settings(&self) -> &PasswordSettings {
        &self.settings
    }

    pub fn policy(&self) -> &policy::Policy {
        &self.policy
    }

    pub fn is_enabled(&self) -> bool {
        self.settings.is_enabled
    }

    pub fn mailer(&self) -> &Mailer {
        &self.mailer
    }

    pub fn hasher(&self) -> &hashing::Hasher {
        &self.hasher
    }

    /// Seconds a client should wait after a 503 for overload.
    pub fn overload_retry_after(&self) -> u64 {
        1
    }
}

/// The username/password method when `[password]` is enabled.
pub fn install(
    authn: &crate::authn::Authn,
    service: &PasswordService,
) -> Option<crate::authn::methods::Installed> {
    service.is_enabled().then(|| crate::authn::methods::Installed {
        method: std::sync::Arc::new(routes::PasswordMethod),
        router: routes::router()
            .with_state(routes::PasswordState { authn: authn.clone(), password: service.clone() }),
        side: Vec::new(),
    })
}
