//! Poort's own itsme client keys.
//!
//! Outside demo mode the keys are read from the configured paths. In demo mode a missing key
//! is generated once under `itsme.demo_key_dir` (ES256 signing, RSA-2048 encryption), so the
//! registration at the mock stays the same across restarts.
use std::path::Path;

use anyhow::Context as _;
use josekit::jwk::KeyPair as _;

use super::jose::SigningKey;
use super::settings::ItsmeSettings;

const SIGNING_FILE: &str = "client-signing.pem";
const ENCRYPTION_FILE: &str = "client-encryption.pem";

/// The PEM private keys Poort uses as itsme client.
#[derive(Default)]
pub struct ClientPems {
    pub signing: Option<String>,
    pub encryption: Option<String>,
}

impl std::fmt::Debug for ClientPems {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientPems")
            .field("has_signing", &self.signing.is_some())
            .field("has_encryption", &self.encryption.is_some())
            .finish()
    }
}

/// Reads the configured keys; in demo mode generates the missing ones.
pub fn client_pems(settings: &ItsmeSettings, is_demo: bool) -> anyhow::Result<ClientPems> {
    let signing = match &settings.signing_key_path {
        Some(path) => Some(read(path)?),
        None if is_demo && settings.needs_signing_key() => {
            Some(read_or_create(&settings.demo_key_dir.join(SIGNING_FILE), || {
                SigningKey::generate_es256().map(|(_, pem)| pem).map_err(|e| anyhow::anyhow!(e.0))
            })?)
        }
        None => None,
    };
    let encryption = match &settings.encryption_key_path {
        Some(path) => Some(read(path)?),
        None if is_demo && settings.upstream.is_token_encryption_required => {
            Some(read_or_create(&settings.demo_key_dir.join(ENCRYPTION_FILE), || {
                let pair = josekit::jwe::RSA_OAEP_256.generate_key_pair(2048)?;
                Ok(String::from_utf8(pair.to_pem_private_key())?)
            })?)
        }
        None => None,
    };
    Ok(ClientPems { signing, encryption })
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("reading itsme key {}", path.display()))
}

/// Reads `path`, or creates it with `make` (owner-only permissions, written atomically).
fn read_or_create(path: &Path, make: impl FnOnce() -> anyhow::Result<String>) -> anyhow::Result<String> {
    if path.exists() {
        return read(path);
    }
    let pem = make()?;
    crate::kernel::devpki::write_private(path, &pem)?;
    tracing::info!(path = %path.display(), "DEMO: generated an itsme client key");
    Ok(pem)
}
