//! Helpers below every feature: nothing here imports another module of Poort.
//!
//! - [`config_error`]: the one configuration error every feature's settings return.
//! - [`secret`]: [`Secret`], a value whose `Debug` never shows it.
//! - [`keys`]: purpose keys derived from the configured secret.
//! - [`seal`]: the one AEAD sealer for secrets at rest (signing keys, TOTP secrets).
//! - [`jose`]: the JOSE algorithms Poort signs with.
//! - [`token`]: random handles, their storage hashes, constant-time comparison.
//! - [`outbound`]: the guarded HTTP client of every outbound request (SSRF, limits).
//! - [`paths`]: local-path checks against open redirects.
//! - [`saml`]: SAML XML helpers and XML signatures (eIDAS SP and SAML IdP).
//! - [`jobs`]: periodic background jobs and their runner.
//! - [`serve`]: side services (extra listeners) started and stopped with the application.
//! - [`devpki`]: the DEMO certificate authorities and TLS listeners of the mocks.

pub mod config_error;
pub mod devpki;
pub mod jobs;
pub mod jose;
pub mod keys;
pub mod outbound;
pub mod paths;
pub mod saml;
pub mod seal;
pub mod secret;
pub mod serve;
pub mod token;

pub use config_error::ConfigError;
pub use secret::Secret;

/// Seconds since the Unix epoch (every timestamp Poort stores).
pub fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}
