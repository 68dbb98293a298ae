//! How a person authenticated, as it travels from the login transaction to a grant and
//! into tokens (`auth_time`, `acr`, `amr`).

use serde::{Deserialize, Serialize};

use super::AuthLevel;

/// The authentication behind a session, a transaction or a grant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthContext {
    /// When the person last actively authenticated (unix seconds; OIDC `auth_time`).
    pub auth_time: i64,
    /// The level of assurance reached (OIDC `acr` as a FAS URN).
    pub level: AuthLevel,
    /// Authentication method references (RFC 8176).
    pub amr: Vec<String>,
    /// The digital key used (`eid`, `itsme`, `eidas`, `password`, `passkey`, `test`).
    pub method: String,
}
