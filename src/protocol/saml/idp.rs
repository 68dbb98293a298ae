//! [`Idp`]: the running identity provider — our entity ID and endpoints, the signing key and
//! the certificates published for rollover, and the key of pairwise persistent NameIDs.

use std::path::Path;

use anyhow::Context as _;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::settings::SamlSettings;
use super::sp::{Endpoint, NameIdFormat, ServiceProvider, SpSettings};
use crate::kernel::devpki;
use crate::kernel::keys::KeyDeriver;
use crate::kernel::saml::signing::{SIG_ECDSA_SHA256, SigningKey, cert_der_from_pem};
use crate::kernel::saml::xml::BINDING_POST;
use crate::store::Store;

/// The identity provider. Built once at start; cheap to share behind an `Arc`.
pub struct Idp {
    settings: SamlSettings,
    entity_id: String,
    public_url: String,
    key: SigningKey,
    /// The ECDSA key, for service providers that list `ecdsa-sha256`.
    ec_key: Option<SigningKey>,
    /// Base64 DER of every RSA certificate published (current first, then next).
    published: Vec<String>,
    persistent_key: [u8; 32],
    demo_sp: Option<DemoSp>,
}

/// The DEMO service provider's own key (it signs its AuthnRequests and logout messages).
pub struct DemoSp {
    pub entity_id: String,
    pub acs_url: String,
    pub slo_url: String,
    pub key: SigningKey,
}

impl std::fmt::Debug for Idp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Idp").field("entity_id", &self.entity_id).finish_non_exhaustive()
    }
}

impl Idp {
    /// The identity provider when `[saml]` is enabled; in demo mode it registers the DEMO
    /// service provider.
    pub async fn start(
        settings: &SamlSettings,
        public_url: &str,
        is_demo: bool,
        keys: &KeyDeriver,
        store: &Store,
    ) -> anyhow::Result<Option<Self>> {
        if !settings.is_enabled {
            return Ok(None);
        }
        let (key_pem, cert_pem, next_pem) = {
            let settings = settings.clone();
            tokio::task::spawn_blocking(move || load_keys(&settings, is_demo)).await??
        };
        let key = SigningKey::from_pem(&key_pem, &cert_pem).context("[saml] signing_key_path")?;
        if key.is_ec() {
            anyhow::bail!(
                "[saml] signing_key_path: must be an RSA key (it also decrypts); ECDSA goes in ec_signing_key_path"
            );
        }
        let ec_key = {
            let settings = settings.clone();
            tokio::task::spawn_blocking(move || load_ec_key(&settings, is_demo)).await??
        };
        let ec_key = ec_key
            .map(|(k, c)| SigningKey::from_pem(&k, &c))
            .transpose()
            .context("[saml] ec_signing_key_path")?;
        if ec_key.as_ref().is_some_and(|k| !k.is_ec()) {
            anyhow::bail!("[saml] ec_signing_key_path: not an ECDSA key");
        }
        let mut published = vec![key.cert_b64()];
        if let Some(next) = next_pem {
            published.push(STANDARD.encode(cert_der_from_pem(&next, "next signing certificate")?));
        }
        let entity_id = if settings.entity_id.is_empty() {
            format!("{public_url}/saml/metadata")
        } else {
            settings.entity_id.clone()
        };
        let demo_sp = if is_demo && settings.is_demo_sp_enabled {
            let (k, c) =
                tokio::task::spawn_blocking(|| devpki::self_signed_rsa("Poort DEMO SAML SP")).await??;
            let sp = DemoSp {
                entity_id: format!("{public_url}/demo-sp"),
                acs_url: format!("{public_url}/demo-sp/acs"),
                slo_url: format!("{public_url}/demo-sp/slo"),
                key: SigningKey::from_pem(&k, &c)?,
            };
            store.upsert_saml_sp(&sp.entity_id, &sp.registration()).await?;
            tracing::warn!(sp = %sp.entity_id, "DEMO: the demo SAML service provider is registered");
            Some(sp)
        } else {
            None
        };
        tracing::info!(saml.entity_id = %entity_id, "SAML identity provider enabled");
        let mut idp = Self::new(settings, public_url, key, keys.derive("saml-persistent-nameid"));
        idp.entity_id = entity_id;
        idp.published = published;
        idp.ec_key = ec_key;
        idp.demo_sp = demo_sp;
        Ok(Some(idp))
    }

    /// An identity provider signing with `key`, entity ID `{public_url}/saml/metadata` and
    /// no demo SP (what `start` builds on; benchmarks use it directly).
    pub fn new(settings: &SamlSettings, public_url: &str, key: SigningKey, persistent_key: [u8; 32]) -> Self {
        Self {
            settings: settings.clone(),
            entity_id: format!("{public_url}/saml/metadata"),
            public_url: public_url.to_string(),
            published: vec![key.cert_b64()],
            key,
            ec_key: None,
            persistent_key,
            demo_sp: None,
        }
    }

    pub fn settings(&self) -> &SamlSettings {
        &self.settings
    }

    pub fn entity_id(&self) -> &str {
        &self.entity_id
    }

    pub fn sso_url(&self) -> String {
        format!("{}/saml/sso", self.public_url)
    }

    pub fn slo_url(&self) -> String {
        format!("{}/saml/slo", self.public_url)
    }

    pub fn key(&self) -> &SigningKey {
        &self.key
    }

    /// The RSA certificates published for signing and encryption (current, then next).
    pub fn published_certificates(&self) -> &[String] {
        &self.published
    }

    /// Every certificate our signatures verify with: the RSA ones and the ECDSA one.
    pub fn signing_certificates(&self) -> Vec<String> {
        self.published.iter().cloned().chain(self.ec_key.as_ref().map(SigningKey::cert_b64)).collect()
    }

    /// With a key of the ECDSA algorithm (benchmarks and tests; `start` reads it from files).
    pub fn with_ec_key(mut self, ec_key: SigningKey) -> Self {
        self.ec_key = Some(ec_key);
        self
    }

    pub fn ec_key(&self) -> Option<&SigningKey> {
        self.ec_key.as_ref()
    }

    /// The key that signs what `sp` receives: ECDSA when its metadata lists
    /// `ecdsa-sha256` among its signing methods and we have such a key, else RSA.
    pub fn signing_key_for(&self, sp: &ServiceProvider) -> &SigningKey {
        match &self.ec_key {
            Some(ec) if sp.signing_methods.iter().any(|m| m == SIG_ECDSA_SHA256) => ec,
            _ => &self.key,
        }
    }

    pub fn demo_sp(&self) -> Option<&DemoSp> {
        self.demo_sp.as_ref()
    }

    /// The pairwise persistent NameID of `identity_id` at `sp_entity_id`: stable, opaque,
    /// and different at every service provider (HMAC-SHA256 with a purpose key).
    pub fn persistent_id(&self, sp_entity_id: &str, identity_id: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.persistent_key).expect("any key length");
        mac.update(sp_entity_id.as_bytes());
        mac.update(&[0]);
        mac.update(identity_id.as_bytes());
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }
}

impl DemoSp {
    /// The DEMO service provider as registered: signed requests, persistent NameIDs, every
    /// attribute of the default set, single logout over HTTP-Redirect.
    pub fn registration(&self) -> ServiceProvider {
        ServiceProvider {
            entity_id: self.entity_id.clone(),
            name: "DEMO SAML application".into(),
            acs: vec![Endpoint {
                binding: BINDING_POST.into(),
                location: self.acs_url.clone(),
                index: Some(0),
                is_default: true,
            }],
            slo: vec![Endpoint {
                binding: super::sp::BINDING_REDIRECT.into(),
                location: self.slo_url.clone(),
                index: None,
                is_default: false,
            }],
            signing_certificates: vec![self.key.cert_b64()],
            encryption_certificates: Vec::new(),
            signs_requests: true,
            wants_assertions_signed: true,
            encryption_methods: Vec::new(),
            signing_methods: Vec::new(),
            settings: SpSettings {
                name_id_format: NameIdFormat::Persistent,
                always_choose_profile: true,
                ..SpSettings::default()
            },
        }
    }
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("saml: cannot read {}", path.display()))
}

/// Key, certificate and the optional next certificate: from files; in demo mode generated
/// at first start (written to the configured files, so the metadata stays stable).
fn load_keys(s: &SamlSettings, is_demo: bool) -> anyhow::Result<(String, String, Option<String>)> {
    let next = s.next_signing_certificate_path.as_deref().map(read).transpose()?;
    match (&s.signing_key_path, &s.signing_certificate_path) {
        (Some(key), Some(cert)) if key.exists() && cert.exists() => Ok((read(key)?, read(cert)?, next)),
        (Some(key), Some(cert)) if is_demo => {
            let (key_pem, cert_pem) = devpki::self_signed_rsa("Poort SAML IdP (DEMO)")?;
            devpki::write_private(key, &key_pem)?;
            devpki::write_public(cert, &cert_pem)?;
            tracing::warn!(path = %key.display(), "DEMO: generated the SAML IdP signing key");
            Ok((key_pem, cert_pem, next))
        }
        (None, None) if is_demo => {
            let (k, c) = devpki::self_signed_rsa("Poort SAML IdP (DEMO)")?;
            Ok((k, c, next))
        }
        _ => anyhow::bail!("[saml] signing_key_path: the signing key and certificate files are required"),
    }
}

/// The ECDSA key and certificate: from files; in demo mode generated at first start (written
/// to the configured files, or kept in memory); otherwise none.
fn load_ec_key(s: &SamlSettings, is_demo: bool) -> anyhow::Result<Option<(String, String)>> {
    match (&s.ec_signing_key_path, &s.ec_signing_certificate_path) {
        (Some(key), Some(cert)) if key.exists() && cert.exists() => Ok(Some((read(key)?, read(cert)?))),
        (Some(key), Some(cert)) if is_demo => {
            let (key_pem, cert_pem) = devpki::self_signed_ec("Poort SAML IdP ECDSA (DEMO)")?;
            devpki::write_private(key, &key_pem)?;
            devpki::write_public(cert, &cert_pem)?;
            tracing::warn!(path = %key.display(), "DEMO: generated the SAML IdP ECDSA key");
            Ok(Some((key_pem, cert_pem)))
        }
        (None, None) if is_demo => Ok(Some(devpki::self_signed_ec("Poort SAML IdP ECDSA (DEMO)")?)),
        (Some(key), Some(_)) => anyhow::bail!("[saml] ec_signing_key_path: {} does not exist", key.display()),
        _ => Ok(None),
    }
}
