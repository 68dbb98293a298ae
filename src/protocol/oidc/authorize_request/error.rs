//! The two kinds of failure (RFC 6749 §4.1.2.1): an error page, or an error sent back to
//! the client's redirect URI.

use super::ResponseMode;
use crate::protocol::oidc::error::OAuthError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthorizeError {
    /// Show an error page; never redirect.
    #[error("untrusted authorization request: {0}")]
    Untrusted(OAuthError),
    /// Send the error to the client (RFC 6749 §4.1.2.1).
    #[error("authorization error: {error}")]
    Redirect { error: OAuthError, redirect_uri: String, state: Option<String>, response_mode: ResponseMode },
}

impl AuthorizeError {
    pub fn error(&self) -> &OAuthError {
        match self {
            Self::Untrusted(e) | Self::Redirect { error: e, .. } => e,
        }
    }
}

/// RFC 6749 §4.1.2.1 + RFC 9207 §2: `redirect_uri?error=…&state=…&iss=…`.
pub fn error_redirect_url(err: &OAuthError, redirect_uri: &str, state: Option<&str>, issuer: &str) -> String {
    let params = err.redirect_params(state, issuer);
    let mut out = String::from(redirect_uri);
    out.push(if redirect_uri.contains('?') { '&' } else { '?' });
    out.push_str(&form_urlencoded::Serializer::new(String::new()).extend_pairs(params).finish());
    out
}
