//! What the identity provider keeps in the login transaction between the AuthnRequest and
//! the answer, and how it is made from an accepted request.

use serde::{Deserialize, Serialize};

use super::authn_request::{ParsedRequest, RequestedContext};
use super::sp::{NameIdFormat, ServiceProvider};

/// The validated request (or, for IdP-initiated single sign-on, the unsolicited one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SamlRequest {
    pub sp_entity_id: String,
    /// The AuthnRequest's ID (`InResponseTo`); `None` for an unsolicited response.
    pub request_id: Option<String>,
    pub acs_url: String,
    pub relay_state: Option<String>,
    pub name_id_format: NameIdFormat,
    pub requested: Option<RequestedContext>,
    pub is_passive: bool,
    pub is_forced: bool,
}

/// `NameIDPolicy/@Format` against what Poort issues: unspecified or absent → the service
/// provider's setting; a format Poort does not issue → `None` (`InvalidNameIDPolicy`).
pub fn name_id_format(asked: Option<&str>, sp: &ServiceProvider) -> Option<NameIdFormat> {
    match asked {
        None | Some("urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified") => {
            Some(sp.settings.name_id_format)
        }
        Some(uri) => NameIdFormat::from_uri(uri),
    }
}

impl SamlRequest {
    /// An unsolicited response (IdP-initiated single sign-on) to `acs_url`.
    pub fn unsolicited(sp: &ServiceProvider, acs_url: String, relay_state: Option<String>) -> Self {
        Self {
            sp_entity_id: sp.entity_id.clone(),
            request_id: None,
            acs_url,
            relay_state,
            name_id_format: sp.settings.name_id_format,
            requested: None,
            is_passive: false,
            is_forced: false,
        }
    }

    pub fn from_parsed(
        parsed: &ParsedRequest,
        acs_url: String,
        relay_state: Option<String>,
        format: NameIdFormat,
    ) -> Self {
        Self {
            sp_entity_id: parsed.issuer.clone(),
            request_id: Some(parsed.id.clone()),
            acs_url,
            relay_state,
            name_id_format: format,
            requested: parsed.requested.clone(),
            is_passive: parsed.is_passive,
            is_forced: parsed.force_authn,
        }
    }
}
