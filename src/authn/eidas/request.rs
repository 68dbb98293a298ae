//! The `AuthnRequest` we send to the eIDAS node (eIDAS SAML Message Format v1.2 §2.4,
//! SAML core §3.4.1), signed and sent with the HTTP-POST binding (SAML bindings §3.5).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::config::ServiceProvider;
use super::error::EidasError;
use super::identity::MINIMUM_DATA_SET;
use super::loa::Loa;
use crate::kernel::saml::xml::{
    BINDING_POST, NAME_FORMAT_URI, NAMEID_ENTITY, NAMEID_PERSISTENT, NS_EIDAS, NS_SAML, NS_SAMLP, escape,
    instant, new_id,
};

/// What the login page asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthnParams {
    /// Requested LoA; the configured `requested_loa` is a floor (the higher one is asked).
    pub loa: Loa,
    /// ISO 3166-1 alpha-2 country of the citizen, when chosen on our page. Sent as the
    /// `country` form field next to `SAMLRequest` (eIDAS-Connector convention) and checked
    /// against the `PersonIdentifier` of the answer.
    pub requested_country: Option<String>,
}

/// The auto-submit-free form the browser posts to the node (SAML bindings §3.5.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PostForm {
    pub action_url: String,
    pub saml_request_b64: String,
    pub relay_state: String,
    pub country: Option<String>,
}

/// What we remember (in the login transaction) to check the answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingRequest {
    pub request_id: String,
    #[serde(with = "time::serde::timestamp")]
    pub issued_at: OffsetDateTime,
    pub loa: Loa,
    pub relay_state: String,
    pub requested_country: Option<String>,
}

/// Builds a signed eIDAS `AuthnRequest` (RSA-SHA256, SHA-256 digest, ID with 128 random bits).
pub fn build_authn_request(
    sp: &ServiceProvider,
    params: &AuthnParams,
    now: OffsetDateTime,
) -> Result<(PostForm, PendingRequest), EidasError> {
    let country = match &params.requested_country {
        None => None,
        Some(c) => Some(normalize_country(c).ok_or(EidasError::InvalidCountry)?),
    };
    let loa = params.loa.max(sp.requested_loa);
    let id = new_id();
    let xml = request_xml(sp, &id, loa, now);
    let signed = sp.key.sign(&xml).map_err(EidasError::Signing)?;
    let relay_state = new_id();
    tracing::debug!(saml.request_id = %id, eidas.loa = loa.as_str(), "eIDAS AuthnRequest built");
    Ok((
        PostForm {
            action_url: sp.node.sso_url.clone(),
            saml_request_b64: STANDARD.encode(signed),
            relay_state: relay_state.clone(),
            country: country.clone(),
        },
        PendingRequest { request_id: id, issued_at: now, loa, relay_state, requested_country: country },
    ))
}

/// Upper-cases a two-letter country code; `None` if it is not one.
pub(crate) fn normalize_country(c: &str) -> Option<String> {
    let c = c.trim().to_ascii_uppercase();
    (c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase())).then_some(c)
}

fn request_xml(sp: &ServiceProvider, id: &str, loa: Loa, now: OffsetDateTime) -> String {
    // §2.4: ForceAuthn MUST be true, IsPassive MUST be false; SPType and the requested
    // attributes travel in Extensions; exactly one AuthnContextClassRef, Comparison minimum.
    let attributes: String = MINIMUM_DATA_SET
        .iter()
        .map(|(friendly, name)| {
            format!(
                r#"<eidas:RequestedAttribute FriendlyName="{friendly}" Name="{name}" NameFormat="{NAME_FORMAT_URI}" isRequired="true"/>"#
            )
        })
        .collect();
    format!(
        concat!(
            r#"<saml2p:AuthnRequest xmlns:saml2p="{samlp}" xmlns:saml2="{saml}" xmlns:eidas="{eidas}" "#,
            r#"ID="{id}" Version="2.0" IssueInstant="{instant}" Destination="{dest}" "#,
            r#"ForceAuthn="true" IsPassive="false" ProtocolBinding="{binding}" "#,
            r#"AssertionConsumerServiceURL="{acs}">"#,
            r#"<saml2:Issuer Format="{entity_fmt}">{issuer}</saml2:Issuer>{signature}"#,
            r#"<saml2p:Extensions><eidas:SPType>{sp_type}</eidas:SPType>"#,
            r#"<eidas:RequestedAttributes>{attributes}</eidas:RequestedAttributes></saml2p:Extensions>"#,
            r#"<saml2p:NameIDPolicy Format="{persistent}" AllowCreate="true"/>"#,
            r#"<saml2p:RequestedAuthnContext Comparison="minimum">"#,
            r#"<saml2:AuthnContextClassRef>{loa}</saml2:AuthnContextClassRef>"#,
            r#"</saml2p:RequestedAuthnContext></saml2p:AuthnRequest>"#
        ),
        samlp = NS_SAMLP,
        saml = NS_SAML,
        eidas = NS_EIDAS,
        id = id,
        instant = instant(now),
        dest = escape(&sp.node.sso_url),
        binding = BINDING_POST,
        acs = escape(&sp.acs_url),
        entity_fmt = NAMEID_ENTITY,
        issuer = escape(&sp.entity_id),
        signature = sp.key.template(id),
        sp_type = sp.sp_type.as_str(),
        attributes = attributes,
        persistent = NAMEID_PERSISTENT,
        loa = loa.uri(),
    )
}
