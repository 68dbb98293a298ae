//! Every way an upstream login can be refused; each has a stable code and a message a user
//! may see. Display never includes tokens or upstream-supplied free text beyond error codes.
use thiserror::Error;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum UpstreamError {
    #[error("configuration: {0}")]
    Config(&'static str),
    #[error("discovery failed: {0}")]
    Discovery(&'static str),
    #[error("upstream unreachable or answered badly: {0}")]
    Http(&'static str),
    #[error("no configured acr reaches the requested level")]
    LevelUnreachable,
    #[error("state does not match the pending login")]
    StateMismatch,
    #[error("the pending login is too old")]
    LoginExpired,
    #[error("the user cancelled at the provider")]
    UserCancelled,
    #[error("the provider returned error {error}")]
    ProviderError { error: String },
    #[error("callback without code")]
    MissingCode,
    #[error("callback iss does not match the provider (RFC 9207)")]
    CallbackIssuerMismatch,
    #[error("the token endpoint refused our client authentication")]
    ClientAuthRejected,
    #[error("the token endpoint refused the code (invalid_grant)")]
    CodeRejected,
    #[error("the token endpoint returned error {error}")]
    TokenEndpoint { error: String },
    #[error("a token is malformed: {0}")]
    MalformedToken(&'static str),
    #[error("a token could not be decrypted")]
    Decryption,
    #[error("a token was not encrypted although encryption is configured")]
    EncryptionRequired,
    #[error("a token uses an unsupported algorithm")]
    UnsupportedAlgorithm,
    #[error("a token is signed by a key the provider does not publish")]
    UnknownSigningKey,
    #[error("a token signature is invalid")]
    BadSignature,
    #[error("the id_token comes from another issuer")]
    WrongIssuer,
    #[error("the id_token is not meant for us (aud/azp)")]
    WrongAudience,
    #[error("the id_token has expired")]
    Expired,
    #[error("the id_token is issued in the future")]
    IssuedInFuture,
    #[error("the id_token nonce does not match")]
    NonceMismatch,
    #[error("the provider asserted an acr we do not know")]
    UnknownAcr,
    #[error("the provider asserted a level below the one requested")]
    InsufficientLevel,
    #[error("userinfo failed: {0}")]
    Userinfo(&'static str),
    #[error("userinfo is about another subject")]
    SubjectMismatch,
    #[error("a required claim is missing: {0}")]
    MissingClaim(&'static str),
    #[error("a claim has an invalid value: {0}")]
    InvalidClaim(&'static str),
}

impl UpstreamError {
    /// Stable machine code, for logs, metrics and tests.
    pub fn code(&self) -> &'static str {
        use UpstreamError::*;
        match self {
            Config(_) => "config",
            Discovery(_) => "discovery",
            Http(_) => "upstream_http",
            LevelUnreachable => "level_unreachable",
            StateMismatch => "state_mismatch",
            LoginExpired => "login_expired",
            UserCancelled => "user_cancelled",
            ProviderError { .. } => "provider_error",
            MissingCode => "missing_code",
            CallbackIssuerMismatch => "callback_iss_mismatch",
            ClientAuthRejected => "client_auth_rejected",
            CodeRejected => "code_rejected",
            TokenEndpoint { .. } => "token_endpoint_error",
            MalformedToken(_) => "malformed_token",
            Decryption => "decryption_failed",
            EncryptionRequired => "encryption_required",
            UnsupportedAlgorithm => "unsupported_algorithm",
            UnknownSigningKey => "unknown_signing_key",
            BadSignature => "bad_signature",
            WrongIssuer => "wrong_issuer",
            WrongAudience => "wrong_audience",
            Expired => "expired",
            IssuedInFuture => "issued_in_future",
            NonceMismatch => "nonce_mismatch",
            UnknownAcr => "unknown_acr",
            InsufficientLevel => "insufficient_level",
            Userinfo(_) => "userinfo_failed",
            SubjectMismatch => "subject_mismatch",
            MissingClaim(_) => "missing_claim",
            InvalidClaim(_) => "invalid_claim",
        }
    }

    /// What the user is told (English; the web layer translates by `code()`).
    pub fn user_message(&self) -> &'static str {
        use UpstreamError::*;
        match self {
            UserCancelled => "You cancelled the login in itsme. Choose a login method to try again.",
            LoginExpired => "The login took too long. Please start again.",
            StateMismatch => "This login response does not belong to your session. Please start again.",
            LevelUnreachable | InsufficientLevel | UnknownAcr => {
                "The login with itsme did not reach the security level this service requires."
            }
            Config(_) | Discovery(_) | Http(_) => {
                "itsme is not reachable at the moment. Please try again later or use another method."
            }
            MissingClaim(_) | InvalidClaim(_) => {
                "itsme did not provide the identity data we need. Please use another login method."
            }
            _ => "The answer from itsme could not be verified. Please start again.",
        }
    }
}
