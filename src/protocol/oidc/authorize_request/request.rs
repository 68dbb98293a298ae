//! The validated authorization request and its parts: response mode, prompt values and
//! the `claims` parameter (OIDC Core §3.1.2.1, §5.5).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::domain::EnterpriseNumber;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseMode {
    Query,
    FormPost,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Prompt {
    None,
    Login,
    Consent,
    SelectAccount,
}

/// OIDC Core §5.5.1 individual claim request. `null` — the specification's own default
/// form, `{"id_token":{"given_name":null}}` — asks for the claim in the default manner (a
/// voluntary claim) and reads as the empty request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "Option<ClaimRequestMembers>")]
pub struct ClaimRequest {
    pub essential: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<String>>,
}

/// The members of a claim request object (OIDC Core §5.5.1); absent members are absent.
#[derive(Debug, Default, Deserialize)]
struct ClaimRequestMembers {
    #[serde(default)]
    essential: bool,
    #[serde(default)]
    value: Option<String>,
    #[serde(default)]
    values: Option<Vec<String>>,
}

impl From<Option<ClaimRequestMembers>> for ClaimRequest {
    fn from(members: Option<ClaimRequestMembers>) -> Self {
        let m = members.unwrap_or_default();
        Self { essential: m.essential, value: m.value, values: m.values }
    }
}

/// OIDC Core §5.5 `claims` parameter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimsRequest {
    #[serde(default)]
    pub userinfo: BTreeMap<String, ClaimRequest>,
    #[serde(default)]
    pub id_token: BTreeMap<String, ClaimRequest>,
}

/// A validated authorization request; stored in the login transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizationRequest {
    pub client_id: String,
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    pub state: Option<String>,
    pub nonce: Option<String>,
    /// `None` only for a confidential client allowed to leave PKCE out, with a nonce
    /// (`pkce::challenge_of`).
    pub code_challenge: Option<String>,
    pub response_mode: ResponseMode,
    pub prompt: BTreeSet<Prompt>,
    pub max_age: Option<u64>,
    pub login_hint: Option<String>,
    pub id_token_hint: Option<String>,
    pub ui_locales: Vec<String>,
    /// Minimum FAS level (200..=500) from `acr_values`, the `claims` `acr` request and the
    /// client's `min_level`, whichever is highest. `None`: any level.
    pub required_level: Option<u16>,
    pub claims: ClaimsRequest,
    /// RFC 9449 §10.
    pub dpop_jkt: Option<String>,
    /// True when the request came through PAR.
    pub pushed: bool,
    /// The enterprise the client asks the person to act for (docs/RELYING_PARTIES.md,
    /// "Pinning an enterprise"): the `enterprise_number` parameter, or a `claims` request for
    /// `enterprise_number` with a `value`. Only narrows the person's own profiles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise_number: Option<EnterpriseNumber>,
}
