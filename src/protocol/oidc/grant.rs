//! What an authorization hands from the login transaction to the grant and on to every
//! token issued from it: the validated request and the authentication context with the
//! chosen profile. Both are serde types the store keeps as JSON; a stored value that no
//! longer parses is an error, never a default.

use serde::{Deserialize, Serialize};

use super::authorize_request::AuthorizationRequest;
use crate::domain::{AuthContext, Profile};
use crate::store::oidc_grants::GrantRow;

/// How the person authenticated and in which profile they act, as the grant keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrantAuth {
    pub context: AuthContext,
    pub profile: Profile,
}

/// A grant of the OpenID Provider.
pub type Grant = GrantRow<AuthorizationRequest, GrantAuth>;
