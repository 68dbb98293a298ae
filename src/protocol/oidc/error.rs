//! OAuth 2.0 / OpenID Connect error responses (RFC 6749 §4.1.2.1 and §5.2, OIDC Core §3.1.2.6,
//! RFC 9101 §6.2, RFC 9449 §5/§7.1, RFC 7591 §3.2.2).
//!
//! The `description` is always a fixed sentence written here or by a caller in this module
//! tree: never an internal error, a token, a key or a personal datum.

use serde_json::{Value, json};

/// The registered `error` codes Poort emits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    // RFC 6749 §4.1.2.1 / §5.2
    InvalidRequest,
    InvalidClient,
    InvalidGrant,
    UnauthorizedClient,
    UnsupportedGrantType,
    UnsupportedResponseType,
    InvalidScope,
    AccessDenied,
    ServerError,
    TemporarilyUnavailable,
    // OIDC Core §3.1.2.6
    InteractionRequired,
    LoginRequired,
    AccountSelectionRequired,
    ConsentRequired,
    RequestNotSupported,
    RequestUriNotSupported,
    RegistrationNotSupported,
    InvalidRequestUri,
    InvalidRequestObject,
    // RFC 9449 §5, §8 (DPoP)
    InvalidDpopProof,
    UseDpopNonce,
    // RFC 6750 §3.1 (resource endpoints: userinfo)
    InvalidToken,
    InsufficientScope,
    // RFC 7591 §3.2.2
    InvalidRedirectUri,
    InvalidClientMetadata,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::InvalidClient => "invalid_client",
            Self::InvalidGrant => "invalid_grant",
            Self::UnauthorizedClient => "unauthorized_client",
            Self::UnsupportedGrantType => "unsupported_grant_type",
            Self::UnsupportedResponseType => "unsupported_response_type",
            Self::InvalidScope => "invalid_scope",
            Self::AccessDenied => "access_denied",
            Self::ServerError => "server_error",
            Self::TemporarilyUnavailable => "temporarily_unavailable",
            Self::InteractionRequired => "interaction_required",
            Self::LoginRequired => "login_required",
            Self::AccountSelectionRequired => "account_selection_required",
            Self::ConsentRequired => "consent_required",
            Self::RequestNotSupported => "request_not_supported",
            Self::RequestUriNotSupported => "request_uri_not_supported",
            Self::RegistrationNotSupported => "registration_not_supported",
            Self::InvalidRequestUri => "invalid_request_uri",
            Self::InvalidRequestObject => "invalid_request_object",
            Self::InvalidDpopProof => "invalid_dpop_proof",
            Self::UseDpopNonce => "use_dpop_nonce",
            Self::InvalidToken => "invalid_token",
            Self::InsufficientScope => "insufficient_scope",
            Self::InvalidRedirectUri => "invalid_redirect_uri",
            Self::InvalidClientMetadata => "invalid_client_metadata",
        }
    }

    /// HTTP status for a direct (JSON) response. RFC 6749 §5.2: 400 except `invalid_client`
    /// (401); RFC 6750 §3.1: `invalid_token` 401, `insufficient_scope` 403.
    pub fn default_status(self) -> u16 {
        match self {
            Self::InvalidClient | Self::InvalidToken => 401,
            Self::InsufficientScope => 403,
            Self::ServerError => 500,
            Self::TemporarilyUnavailable => 503,
            _ => 400,
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An OAuth error ready to be rendered as JSON or as redirect parameters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{error}")]
pub struct OAuthError {
    pub error: ErrorCode,
    pub description: Option<String>,
    pub status: u16,
    /// Value of a `WWW-Authenticate` header the endpoint must send, if any
    /// (RFC 6749 §5.2: when the client authenticated with HTTP Basic; RFC 9449 §7.1).
    pub www_authenticate: Option<String>,
}

impl OAuthError {
    pub fn new(error: ErrorCode, description: impl Into<String>) -> Self {
        Self {
            error,
            description: Some(description.into()),
            status: error.default_status(),
            www_authenticate: None,
        }
    }

    pub fn invalid_request(d: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidRequest, d)
    }
    pub fn invalid_client(d: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidClient, d)
    }
    pub fn invalid_grant(d: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidGrant, d)
    }
    pub fn invalid_scope(d: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidScope, d)
    }
    pub fn unauthorized_client(d: impl Into<String>) -> Self {
        Self::new(ErrorCode::UnauthorizedClient, d)
    }
    pub fn server_error() -> Self {
        Self::new(ErrorCode::ServerError, "the server could not handle the request")
    }

    /// RFC 6749 §5.2: `invalid_client` after HTTP Basic authentication → 401 with
    /// `WWW-Authenticate` naming the scheme the client used.
    pub fn with_basic_challenge(mut self) -> Self {
        self.status = 401;
        self.www_authenticate = Some("Basic realm=\"poort\", charset=\"UTF-8\"".to_owned());
        self
    }

    /// RFC 6749 §5.2 JSON body.
    pub fn to_json(&self) -> Value {
        match &self.description {
            Some(d) => json!({ "error": self.error.as_str(), "error_description": d }),
            None => json!({ "error": self.error.as_str() }),
        }
    }

    /// Parameters of an authorization error response (RFC 6749 §4.1.2.1) including `iss`
    /// (RFC 9207 §2). Used for both `query` redirects and `form_post` pages.
    pub fn redirect_params(&self, state: Option<&str>, issuer: &str) -> Vec<(String, String)> {
        let mut out = vec![("error".to_owned(), self.error.as_str().to_owned())];
        if let Some(d) = &self.description {
            out.push(("error_description".to_owned(), d.clone()));
        }
        if let Some(s) = state {
            out.push(("state".to_owned(), s.to_owned()));
        }
        out.push(("iss".to_owned(), issuer.to_owned()));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_json_body_has_error_and_description_only() {
        let e = OAuthError::invalid_grant("code expired");
        assert_eq!(e.status, 400);
        assert_eq!(e.to_json(), json!({"error": "invalid_grant", "error_description": "code expired"}));
    }

    #[test]
    fn invalid_client_after_basic_is_401_with_a_challenge() {
        let e = OAuthError::invalid_client("bad credentials").with_basic_challenge();
        assert_eq!(e.status, 401);
        assert!(e.www_authenticate.as_deref().unwrap().starts_with("Basic "));
    }

    #[test]
    fn redirect_params_carry_state_and_issuer() {
        let p = OAuthError::new(ErrorCode::LoginRequired, "x").redirect_params(Some("s1"), "https://i");
        assert!(p.contains(&("error".into(), "login_required".into())));
        assert!(p.contains(&("state".into(), "s1".into())));
        assert!(p.contains(&("iss".into(), "https://i".into())));
    }
}
