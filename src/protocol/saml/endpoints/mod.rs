//! The identity provider's HTTP endpoints: thin handlers over the rules of the module.
//!
//! - `GET /saml/metadata` (`?signed=true`): our metadata.
//! - `GET|POST /saml/sso`: an AuthnRequest over HTTP-Redirect or HTTP-POST; it opens a
//!   login transaction and continues at `GET /saml/sso/start`, where the session cookies
//!   are sent again (a cross-site POST carries no `SameSite=Lax` cookie).
//! - `GET /saml/sso/resume`: the authenticated transaction comes back, the profile is
//!   chosen, and the Response goes to the service provider's ACS.
//! - `GET /saml/idp-initiated?sp=…`: an unsolicited login for service providers that allow it.
//! - `/demo-sp…`: the DEMO service provider (demo mode only), with its single logout.
//!
//! - `GET|POST /saml/slo`: single logout — a service provider's signed LogoutRequest, or its
//!   LogoutResponse to ours while a logout is told to the session's service providers.
//! - `GET /saml/slo/continue?chain=…`: the next service provider of that logout.

pub mod demo_sp;
pub mod demo_sp_slo;
pub mod metadata;
pub mod propagate;
pub mod resume;
pub mod slo;
pub mod sso;

use std::collections::HashMap;

use axum::Router;
use axum::routing::get;
use serde::Deserialize;

use super::authn_request::{Binding, RedirectSignature, RequestError};
use super::state::SamlState;

/// Where an authenticated transaction comes back to the identity provider.
pub const RESUME_PATH: &str = "/saml/sso/resume?tx={tx}";

pub fn router(with_demo_sp: bool) -> Router<SamlState> {
    let router = Router::new()
        .route("/saml/metadata", get(metadata::get))
        .route("/saml/sso", get(sso::redirect_binding).post(sso::post_binding))
        .route("/saml/sso/start", get(sso::start))
        .route("/saml/sso/resume", get(resume::resume))
        .route("/saml/idp-initiated", get(sso::idp_initiated))
        .route("/saml/slo", get(slo::redirect_binding).post(slo::post_binding))
        .route("/saml/slo/continue", get(propagate::next));
    if with_demo_sp {
        router
            .route("/demo-sp", get(demo_sp::home))
            .route("/demo-sp/login", get(demo_sp::login))
            .route("/demo-sp/acs", axum::routing::post(demo_sp::acs))
            .route("/demo-sp/logout", axum::routing::post(demo_sp_slo::logout))
            .route("/demo-sp/slo", get(demo_sp_slo::slo))
    } else {
        router
    }
}

/// The longest `RelayState` accepted (SAML bindings §3.4.3: 80 bytes; some SPs send more).
const MAX_RELAY_STATE: usize = 1024;

/// `?tx=…` of the steps of a SAML login.
#[derive(Deserialize)]
pub struct TxQuery {
    pub tx: String,
}

/// The form of the HTTP-POST binding.
#[derive(Deserialize)]
pub struct MessageForm {
    #[serde(rename = "SAMLRequest")]
    saml_request: Option<String>,
    #[serde(rename = "SAMLResponse")]
    saml_response: Option<String>,
    #[serde(rename = "RelayState")]
    relay_state: Option<String>,
}

/// A `SAMLRequest` (or, at `/saml/slo`, a `SAMLResponse`) as it arrived: the message, its
/// `RelayState`, and over HTTP-Redirect the raw query its detached signature covers.
pub struct Incoming {
    pub binding: Binding,
    pub message: String,
    /// It came as `SAMLResponse` (a service provider's LogoutResponse).
    pub is_response: bool,
    pub relay_state: Option<String>,
    raw_query: String,
    params: HashMap<String, String>,
}

impl Incoming {
    /// The HTTP-Redirect binding's query.
    pub fn from_query(raw: Option<String>) -> Result<Self, RequestError> {
        let raw_query = raw.unwrap_or_default();
        let mut params: HashMap<String, String> =
            form_urlencoded::parse(raw_query.as_bytes()).into_owned().collect();
        let (message, is_response) = match (params.remove("SAMLRequest"), params.remove("SAMLResponse")) {
            (Some(m), None) => (m, false),
            (None, Some(m)) => (m, true),
            _ => return Err(RequestError::Invalid("no SAMLRequest parameter")),
        };
        let relay_state = params.remove("RelayState");
        Self::checked(Self {
            binding: Binding::Redirect,
            message,
            is_response,
            relay_state,
            raw_query,
            params,
        })
    }

    /// The HTTP-POST binding's form.
    pub fn from_form(form: MessageForm) -> Result<Self, RequestError> {
        let (message, is_response) = match (form.saml_request, form.saml_response) {
            (Some(m), None) => (m, false),
            (None, Some(m)) => (m, true),
            _ => return Err(RequestError::Invalid("no SAMLRequest field")),
        };
        let incoming = Self {
            binding: Binding::Post,
            message,
            is_response,
            relay_state: form.relay_state,
            raw_query: String::new(),
            params: HashMap::new(),
        };
        Self::checked(incoming)
    }

    /// Only requests are accepted here (`/saml/sso`).
    pub fn request_only(self) -> Result<Self, RequestError> {
        if self.is_response {
            return Err(RequestError::Invalid("no SAMLRequest parameter"));
        }
        Ok(self)
    }

    fn checked(self) -> Result<Self, RequestError> {
        if self.relay_state.as_ref().is_some_and(|r| r.len() > MAX_RELAY_STATE) {
            return Err(RequestError::Invalid("RelayState is too long"));
        }
        Ok(self)
    }

    /// The detached signature of a Redirect message (`SigAlg` and `Signature` go together).
    pub fn signature(&self) -> Result<Option<RedirectSignature<'_>>, RequestError> {
        match (self.params.get("SigAlg"), self.params.get("Signature")) {
            (Some(sig_alg), Some(signature_b64)) => {
                Ok(Some(RedirectSignature { raw_query: &self.raw_query, sig_alg, signature_b64 }))
            }
            (None, None) => Ok(None),
            _ => Err(RequestError::BadSignature),
        }
    }
}
