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
use crate::kernel::saml::signing::{SigningKey, cert_der_from_pem};
use crate::kernel::saml::xml::BINDING_POST;
use crate::store::Store;

/// The identity provider. Built once at start; cheap to share behind an `Arc`.
pub struct Idp {
    settings: SamlSettings,
    entity_id: String,
    public_url: String,
    key: SigningKey,
    /// Base64 DER of every certificate published for signing (current first, then next).
    published: Vec<String>,
    persistent_key: [u8; 32],
    demo_sp: Option<DemoSp>,
}

/// The DEMO service provider's own key (it signs its AuthnRequests).
pub struct DemoSp {
    pub entity_id: String,
    pub acs_url: String,
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

    pub fn published_certificates(&self) -> &[String] {
        &self.published
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
    /// attribute of the default set.
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
            slo: Vec::new(),
            signing_certificates: vec![self.key.cert_b64()],
            encryption_certificates: Vec::new(),
            signs_requests: true,
            wants_assertions_signed: true,
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
