//! A registered service provider: what its metadata says (entity ID, assertion consumer
//! and logout endpoints, certificates, whether it signs its requests) and what the operator
//! decided for it (attributes released, NameID format, signing, encryption, level, and the
//! domains and applications it serves — the same data minimisation as OpenID clients).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

use crate::domain::Audience;
use crate::kernel::saml::encryption::Algorithms;
use crate::kernel::saml::xml::{BINDING_POST, NS_DS, NS_MD, children, descendants, parse_strict, text};

/// The SAML metadata algorithm support namespace.
const NS_ALG: &str = "urn:oasis:names:tc:SAML:metadata:algsupport";

/// The HTTP-Redirect binding (SAML bindings §3.4).
pub const BINDING_REDIRECT: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";

/// The NameID formats Poort issues (SAML core §8.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NameIdFormat {
    /// A fresh opaque value per assertion.
    Transient,
    /// Pairwise per service provider, stable across logins, not linkable between them.
    Persistent,
    /// The person's e-mail address (refused when the person has none).
    Email,
}

impl NameIdFormat {
    pub fn uri(self) -> &'static str {
        match self {
            Self::Transient => "urn:oasis:names:tc:SAML:2.0:nameid-format:transient",
            Self::Persistent => "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
            Self::Email => "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
        }
    }

    pub fn from_uri(uri: &str) -> Option<Self> {
        [Self::Transient, Self::Persistent, Self::Email].into_iter().find(|f| f.uri() == uri)
    }

    /// `transient`, `persistent` or `email` (the command line's names).
    pub fn parse(name: &str) -> Result<Self, String> {
        match name {
            "transient" => Ok(Self::Transient),
            "persistent" => Ok(Self::Persistent),
            "email" => Ok(Self::Email),
            other => Err(format!("unknown NameID format {other:?}: transient, persistent or email")),
        }
    }
}

/// An endpoint of the service provider's metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoint {
    pub binding: String,
    pub location: String,
    pub index: Option<u16>,
    pub is_default: bool,
}

/// What the operator decided for a service provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SpSettings {
    /// Attribute short names released (`fedid`, `egovNRN`, …); empty: the default set.
    pub attributes: Vec<String>,
    pub name_id_format: NameIdFormat,
    pub sign_response: bool,
    pub sign_assertion: bool,
    /// Encrypt the assertion to the SP's encryption certificate.
    pub encrypt_assertion: bool,
    /// The lowest FAS level accepted for this service provider (e.g. 400).
    pub required_level: Option<u16>,
    /// Domains and secured applications it serves (none: every role is released).
    pub domains: Vec<String>,
    pub applications: Vec<String>,
    /// Unsolicited responses (IdP-initiated single sign-on) may be sent to it.
    pub allows_idp_initiated: bool,
    /// Its AuthnRequests must be signed even if its metadata does not say so.
    pub requires_signed_requests: bool,
    /// Show the profile chooser at every login (OIDC's `prompt=select_account`), for
    /// general-purpose applications that act on an enterprise's behalf.
    pub always_choose_profile: bool,
}

impl Default for SpSettings {
    fn default() -> Self {
        Self {
            attributes: Vec::new(),
            name_id_format: NameIdFormat::Transient,
            sign_response: true,
            sign_assertion: false,
            encrypt_assertion: false,
            required_level: None,
            domains: Vec::new(),
            applications: Vec::new(),
            allows_idp_initiated: false,
            requires_signed_requests: false,
            always_choose_profile: false,
        }
    }
}

/// A registered service provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceProvider {
    pub entity_id: String,
    /// Its display name (the metadata's `md:OrganizationDisplayName`, else the entity ID).
    pub name: String,
    pub acs: Vec<Endpoint>,
    pub slo: Vec<Endpoint>,
    /// Base64 DER certificates that sign its requests.
    pub signing_certificates: Vec<String>,
    /// Base64 DER certificates to encrypt assertions to.
    pub encryption_certificates: Vec<String>,
    /// `AuthnRequestsSigned="true"` in its metadata.
    pub signs_requests: bool,
    /// `WantAssertionsSigned="true"` in its metadata.
    pub wants_assertions_signed: bool,
    /// The `md:EncryptionMethod` algorithms its encryption keys accept (empty: not said).
    #[serde(default)]
    pub encryption_methods: Vec<String>,
    /// The `alg:SigningMethod` algorithms it accepts (SAML metadata algorithm support
    /// profile; empty: not said, so RSA-SHA256).
    #[serde(default)]
    pub signing_methods: Vec<String>,
    pub settings: SpSettings,
}

/// How an assertion is encrypted for a service provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encryption {
    pub cert_der: Vec<u8>,
    pub algorithms: Algorithms,
}

impl ServiceProvider {
    /// Its AuthnRequests must carry a valid signature.
    pub fn must_sign_requests(&self) -> bool {
        self.signs_requests || self.settings.requires_signed_requests
    }

    /// The DER certificates its signatures may verify with.
    pub fn signing_certs_der(&self) -> Vec<Vec<u8>> {
        self.signing_certificates.iter().filter_map(|c| STANDARD.decode(c).ok()).collect()
    }

    /// How its assertions are encrypted: `None` when it did not ask; an error when it asked
    /// but its metadata has no encryption certificate or no algorithm Poort uses.
    pub fn encryption(&self) -> Result<Option<Encryption>, String> {
        if !self.settings.encrypt_assertion {
            return Ok(None);
        }
        let cert_der = self
            .encryption_certificates
            .first()
            .and_then(|c| STANDARD.decode(c).ok())
            .ok_or("its metadata has no encryption certificate")?;
        let algorithms = Algorithms::choose(&self.encryption_methods).map_err(|e| e.to_string())?;
        Ok(Some(Encryption { cert_der, algorithms }))
    }

    pub fn audience(&self) -> Audience {
        Audience { domains: self.settings.domains.clone(), applications: self.settings.applications.clone() }
    }

    /// The assertion consumer service an AuthnRequest names, by URL or index (HTTP-POST
    /// only: the answer travels in a form), else the default one. `None`: not in the metadata.
    pub fn acs_for(&self, url: Option<&str>, index: Option<u16>) -> Option<&Endpoint> {
        let post = || self.acs.iter().filter(|e| e.binding == BINDING_POST);
        match (url, index) {
            (Some(url), _) => post().find(|e| e.location == url),
            (None, Some(i)) => post().find(|e| e.index == Some(i)),
            (None, None) => post().find(|e| e.is_default).or_else(|| post().next()),
        }
    }

    /// The logout endpoint for `binding`, if it has one.
    pub fn slo_for(&self, binding: &str) -> Option<&Endpoint> {
        self.slo.iter().find(|e| e.binding == binding)
    }
}

/// Why a metadata document was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetadataError {
    #[error("not well-formed XML, or it declares a DTD")]
    Xml,
    #[error("the document holds no single md:EntityDescriptor with an entityID")]
    NoEntity,
    #[error("the entity has no md:SPSSODescriptor")]
    NotAnSp,
    #[error("no AssertionConsumerService with the HTTP-POST binding")]
    NoPostAcs,
    #[error("endpoint {0:?} is not https (http is accepted only on localhost)")]
    InsecureEndpoint(String),
    #[error("a certificate in the metadata is not valid base64 DER")]
    Certificate,
}

/// Reads a service provider's metadata (SAML metadata §2.4.4). `settings` are the
/// operator's choices; the encryption of assertions needs an encryption certificate.
pub fn from_metadata(xml: &str, settings: SpSettings) -> Result<ServiceProvider, MetadataError> {
    let doc = parse_strict(xml).ok_or(MetadataError::Xml)?;
    let root = doc.get_root_element().ok_or(MetadataError::Xml)?;
    let entities = descendants(&root, NS_MD, "EntityDescriptor");
    let [entity] = entities.as_slice() else { return Err(MetadataError::NoEntity) };
    let entity_id =
        entity.get_attribute("entityID").filter(|e| !e.is_empty()).ok_or(MetadataError::NoEntity)?;
    let sps = children(entity, NS_MD, "SPSSODescriptor");
    let [sp] = sps.as_slice() else { return Err(MetadataError::NotAnSp) };
    let endpoints = |name: &str| -> Result<Vec<Endpoint>, MetadataError> {
        children(sp, NS_MD, name)
            .iter()
            .map(|e| {
                let location = e.get_attribute("Location").unwrap_or_default();
                if !is_secure_endpoint(&location) {
                    return Err(MetadataError::InsecureEndpoint(location));
                }
                Ok(Endpoint {
                    binding: e.get_attribute("Binding").unwrap_or_default(),
                    location,
                    index: e.get_attribute("index").and_then(|i| i.parse().ok()),
                    is_default: e.get_attribute("isDefault").as_deref() == Some("true"),
                })
            })
            .collect()
    };
    let acs = endpoints("AssertionConsumerService")?;
    if !acs.iter().any(|e| e.binding == BINDING_POST) {
        return Err(MetadataError::NoPostAcs);
    }
    let slo = endpoints("SingleLogoutService")?;
    let (mut signing, mut encryption, mut encryption_methods) = (Vec::new(), Vec::new(), Vec::new());
    for kd in children(sp, NS_MD, "KeyDescriptor") {
        let usage = kd.get_attribute("use");
        if usage.as_deref() != Some("signing") {
            encryption_methods.extend(
                children(&kd, NS_MD, "EncryptionMethod").iter().filter_map(|m| m.get_attribute("Algorithm")),
            );
        }
        for cert in descendants(&kd, NS_DS, "X509Certificate") {
            let b64: String = text(&cert).chars().filter(|c| !c.is_ascii_whitespace()).collect();
            let der = STANDARD.decode(&b64).map_err(|_| MetadataError::Certificate)?;
            openssl::x509::X509::from_der(&der).map_err(|_| MetadataError::Certificate)?;
            if usage.as_deref() != Some("encryption") {
                signing.push(b64.clone());
            }
            if usage.as_deref() != Some("signing") {
                encryption.push(b64);
            }
        }
    }
    let name = descendants(entity, NS_MD, "OrganizationDisplayName")
        .first()
        .map(text)
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| entity_id.clone());
    // Algorithm support (SAML V2.0 Metadata Profile for Algorithm Support): on the entity's
    // or the descriptor's extensions.
    let signing_methods: Vec<String> = [entity, sp]
        .iter()
        .flat_map(|n| children(n, NS_MD, "Extensions"))
        .flat_map(|ext| children(&ext, NS_ALG, "SigningMethod"))
        .filter_map(|m| m.get_attribute("Algorithm"))
        .collect();
    let flag = |name: &str| sp.get_attribute(name).as_deref() == Some("true");
    Ok(ServiceProvider {
        entity_id,
        name,
        acs,
        slo,
        signing_certificates: signing,
        encryption_certificates: encryption,
        signs_requests: flag("AuthnRequestsSigned"),
        wants_assertions_signed: flag("WantAssertionsSigned"),
        encryption_methods,
        signing_methods,
        settings,
    })
}

/// https, or http on a loopback host (a developer's SP).
fn is_secure_endpoint(location: &str) -> bool {
    let Ok(url) = url::Url::parse(location) else { return false };
    match url.scheme() {
        "https" => true,
        "http" => matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]")),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metadata(acs: &str, extra: &str) -> String {
        format!(
            r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://sp.example/meta">
<md:SPSSODescriptor AuthnRequestsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">{extra}
<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="{acs}" index="3"/>
<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://sp.example/acs2" index="1" isDefault="true"/>
</md:SPSSODescriptor></md:EntityDescriptor>"#
        )
    }

    #[test]
    fn metadata_gives_the_endpoints_and_the_signing_requirement() {
        let sp = from_metadata(&metadata("https://sp.example/acs", ""), SpSettings::default()).expect("sp");
        assert_eq!(sp.entity_id, "https://sp.example/meta");
        assert!(sp.must_sign_requests());
        assert_eq!(sp.acs_for(None, None).map(|e| e.location.as_str()), Some("https://sp.example/acs2"));
        assert_eq!(sp.acs_for(None, Some(3)).map(|e| e.location.as_str()), Some("https://sp.example/acs"));
        assert!(sp.acs_for(Some("https://evil.example/acs"), None).is_none());
        assert!(sp.acs_for(None, Some(9)).is_none());
    }

    #[test]
    fn metadata_that_is_insecure_or_hostile_is_refused() {
        assert_eq!(
            from_metadata(&metadata("http://sp.example/acs", ""), SpSettings::default()),
            Err(MetadataError::InsecureEndpoint("http://sp.example/acs".into()))
        );
        let xxe = format!(
            "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>{}",
            metadata("https://sp.example/acs", "")
        );
        assert_eq!(from_metadata(&xxe, SpSettings::default()), Err(MetadataError::Xml));
        assert_eq!(from_metadata("<a/>", SpSettings::default()), Err(MetadataError::NoEntity));
        let bad_cert = metadata(
            "https://sp.example/acs",
            r#"<md:KeyDescriptor><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>bm90IGEgY2VydA==</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"#,
        );
        assert_eq!(from_metadata(&bad_cert, SpSettings::default()), Err(MetadataError::Certificate));
    }
}
