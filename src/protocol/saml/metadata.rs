//! Our identity provider metadata (SAML metadata §2.4.3): entity ID, the signing (and
//! encryption) certificates — two during a key rollover — the single sign-on and logout
//! endpoints for both bindings, the NameID formats, and `shibmd:Scope` when configured.
//! Signed on request, then with `validUntil` and `cacheDuration`.

use time::{Duration, OffsetDateTime};

use super::idp::Idp;
use super::sp::{BINDING_REDIRECT, NameIdFormat};
use crate::kernel::saml::signing::{SIG_ECDSA_SHA256, SIG_RSA_SHA256};
use crate::kernel::saml::xml::{BINDING_POST, NS_DS, NS_MD, escape, instant, new_id};

/// How long signed metadata may be relied on.
const SIGNED_VALIDITY: Duration = Duration::days(7);

pub fn idp_metadata(idp: &Idp, signed: bool, now: OffsetDateTime) -> Result<String, String> {
    let id = new_id();
    let descriptor = |usage: &str, cert: &str| {
        format!(
            r#"<md:KeyDescriptor use="{usage}"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"#
        )
    };
    // Signing: the RSA certificates and the ECDSA one; encryption: the RSA ones.
    let key_descriptors: String = idp
        .signing_certificates()
        .iter()
        .map(|cert| descriptor("signing", cert))
        .chain(idp.published_certificates().iter().map(|cert| descriptor("encryption", cert)))
        .collect();
    let endpoints = |element: &str, url: &str| -> String {
        [BINDING_REDIRECT, BINDING_POST]
            .iter()
            .map(|b| format!(r#"<md:{element} Binding="{b}" Location="{}"/>"#, escape(url)))
            .collect()
    };
    let formats: String = [NameIdFormat::Transient, NameIdFormat::Persistent, NameIdFormat::Email]
        .iter()
        .map(|f| format!("<md:NameIDFormat>{}</md:NameIDFormat>", f.uri()))
        .collect();
    let scope = idp
        .settings()
        .scope
        .as_deref()
        .map(|s| {
            format!(
                r#"<shibmd:Scope xmlns:shibmd="urn:mace:shibboleth:metadata:1.0" regexp="false">{}</shibmd:Scope>"#,
                escape(s)
            )
        })
        .unwrap_or_default();
    // The algorithms we sign with (SAML V2.0 Metadata Profile for Algorithm Support).
    let methods: String = std::iter::once(SIG_RSA_SHA256)
        .chain(idp.ec_key().map(|_| SIG_ECDSA_SHA256))
        .map(|m| format!(r#"<alg:SigningMethod Algorithm="{m}"/>"#))
        .collect();
    let extensions = format!(
        concat!(
            r#"<md:Extensions xmlns:alg="urn:oasis:names:tc:SAML:metadata:algsupport">{scope}"#,
            r#"<alg:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>{methods}</md:Extensions>"#
        ),
        scope = scope,
        methods = methods,
    );
    let validity = if signed {
        format!(r#" validUntil="{}" cacheDuration="PT6H""#, instant(now + SIGNED_VALIDITY))
    } else {
        String::new()
    };
    let xml = format!(
        concat!(
            r#"<md:EntityDescriptor xmlns:md="{md}" xmlns:ds="{ds}" ID="{id}" entityID="{entity}"{validity}>"#,
            "{signature}",
            r#"<md:IDPSSODescriptor WantAuthnRequestsSigned="false" "#,
            r#"protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">"#,
            "{extensions}{keys}{slo}{formats}{sso}",
            "</md:IDPSSODescriptor></md:EntityDescriptor>"
        ),
        md = NS_MD,
        ds = NS_DS,
        id = id,
        entity = escape(idp.entity_id()),
        validity = validity,
        signature = if signed { idp.key().template(&id) } else { String::new() },
        extensions = extensions,
        keys = key_descriptors,
        slo = endpoints("SingleLogoutService", &idp.slo_url()),
        formats = formats,
        sso = endpoints("SingleSignOnService", &idp.sso_url()),
    );
    if signed { idp.key().sign(&xml) } else { Ok(xml) }
}
