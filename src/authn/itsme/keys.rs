//! Poort's own itsme client keys and the mock's demo TLS certificate.
//!
//! Outside demo mode the keys are read from the configured paths. In demo mode a missing key
//! is generated once under `itsme.demo_key_dir` (ES256 signing, RSA-2048 encryption), so the
//! registration at the mock stays the same across restarts.
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use josekit::jwk::KeyPair as _;

use super::jose::SigningKey;
use super::settings::ItsmeSettings;

const SIGNING_FILE: &str = "client-signing.pem";
const ENCRYPTION_FILE: &str = "client-encryption.pem";
const CA_CERT_FILE: &str = "mock-ca.pem";
const CA_KEY_FILE: &str = "mock-ca-key.pem";

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
    write_private(path, &pem)?;
    tracing::info!(path = %path.display(), "DEMO: generated an itsme client key");
    Ok(pem)
}

fn write_private(path: &Path, contents: &str) -> anyhow::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let tmp = dir.join(format!(".{}.{}", uuid::Uuid::new_v4().simple(), "tmp"));
    {
        use std::io::Write as _;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        let mut file = options.open(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
        file.write_all(contents.as_bytes())?;
    }
    std::fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// A TLS certificate for the mock, issued by a demo CA.
pub struct DemoTls {
    /// The demo CA (PEM): trusted by Poort's itsme HTTP client, importable in a browser.
    pub ca_pem: String,
    pub ca_path: PathBuf,
    pub cert_pem: String,
    pub key_pem: String,
}

impl std::fmt::Debug for DemoTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DemoTls").field("ca_path", &self.ca_path).finish_non_exhaustive()
    }
}

/// The demo CA (created once under `dir`) and a fresh server certificate for `host`;
/// `service` names the mock in both ("mock itsme", "mock eIDAS node").
pub fn demo_tls(dir: &Path, host: &str, service: &str) -> anyhow::Result<DemoTls> {
    use rcgen::{
        BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, Issuer, KeyPair,
        KeyUsagePurpose,
    };
    let ca_path = dir.join(CA_CERT_FILE);
    let ca_key_path = dir.join(CA_KEY_FILE);
    if !(ca_path.exists() && ca_key_path.exists()) {
        let key = KeyPair::generate()?;
        let mut params = CertificateParams::new(Vec::<String>::new())?;
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, format!("Poort DEMO CA for the {service} (not trusted anywhere)"));
        params.distinguished_name = dn;
        params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        params.not_after = time::OffsetDateTime::now_utc() + time::Duration::days(3650);
        let cert = params.self_signed(&key)?;
        write_private(&ca_key_path, &key.serialize_pem())?;
        write_private(&ca_path, &cert.pem())?;
        tracing::info!(path = %ca_path.display(), "DEMO: generated the CA of the {service}'s TLS certificate");
    }
    let ca_pem = read(&ca_path)?;
    let ca_key = KeyPair::from_pem(&read(&ca_key_path)?)?;
    let issuer = Issuer::from_ca_cert_pem(&ca_pem, ca_key)?;
    let key = KeyPair::generate()?;
    let mut params = CertificateParams::new(vec![host.to_owned()])?;
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, format!("DEMO {service}"));
    params.distinguished_name = dn;
    params.not_after = time::OffsetDateTime::now_utc() + time::Duration::days(365);
    let cert = params.signed_by(&key, &issuer)?;
    Ok(DemoTls { ca_pem, ca_path, cert_pem: cert.pem(), key_pem: key.serialize_pem() })
}
