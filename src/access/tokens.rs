//! The port through which the management API learns who holds a bearer access token.
//! The API sits below the OpenID Provider, so it declares what it needs and the provider
//! implements it (`protocol::oidc::endpoints::btb_tokens`), wired by `app/`.

use async_trait::async_trait;

use crate::domain::{AuthLevel, NationalNumber};

/// A token as a request presented it.
#[derive(Debug, Clone)]
pub struct PresentedToken {
    /// The `Authorization` header's value (`Bearer …` or `DPoP …`).
    pub authorization: String,
    /// The `DPoP` header, when sent.
    pub dpop: Option<String>,
    /// The request's method and path (for the DPoP proof's `htm` and `htu`).
    pub method: String,
    pub path: String,
}

/// The person a token was issued to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenPerson {
    pub national_number: NationalNumber,
    /// The browser session the grant came from.
    pub sid: String,
    /// The level of assurance of the login behind the grant.
    pub level: AuthLevel,
}

/// Who holds a valid token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenHolder {
    pub client_id: String,
    pub scopes: Vec<String>,
    /// `None` for a client_credentials token (the client itself), or a person without a
    /// national number (a foreign eIDAS identity).
    pub person: Option<TokenPerson>,
}

impl TokenHolder {
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }
}

/// Why a token was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenRefusal {
    #[error("no access token")]
    Missing,
    #[error("the access token is not valid")]
    Invalid,
    #[error("DPoP: {0}")]
    Dpop(&'static str),
    #[error("the token check failed on our side")]
    Internal,
}

/// Checks presented access tokens (signature or row, expiry, revoked grant, DPoP binding).
#[async_trait]
pub trait AccessTokenVerifier: Send + Sync {
    async fn verify(&self, token: &PresentedToken) -> Result<TokenHolder, TokenRefusal>;
}
