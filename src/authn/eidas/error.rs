//! Errors of the eIDAS login method. Every refusal of a response has its own variant, a
//! user-presentable message (Display) and a stable machine code ([`EidasError::code`]).

use thiserror::Error;

/// Why a configuration could not be loaded.
#[derive(Debug, Error)]
pub enum EidasConfigError {
    #[error("invalid {what}: {reason}")]
    Invalid { what: &'static str, reason: String },
    #[error(
        "the eIDAS node must be configured either by node_metadata_url or by node_sso_url + node_certificate_pem + node_entity_id"
    )]
    NodeNotConfigured,
    #[error("the eIDAS node metadata could not be used: {0}")]
    Metadata(String),
}

impl From<crate::kernel::saml::signing::PemError> for EidasConfigError {
    fn from(e: crate::kernel::saml::signing::PemError) -> Self {
        EidasConfigError::Invalid { what: e.what, reason: e.reason }
    }
}

/// Why building a request or accepting a response failed.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum EidasError {
    #[error("The request to the eIDAS node could not be signed.")]
    Signing(String),
    #[error("The answer from the eIDAS node is not a readable SAML response.")]
    Malformed(&'static str),
    #[error("The answer from the eIDAS node does not belong to this login attempt.")]
    RelayStateMismatch,
    #[error("The answer from the eIDAS node carries no valid signature.")]
    InvalidSignature,
    #[error("The eIDAS node sent an assertion without its own signature.")]
    UnsignedAssertion,
    #[error("The answer from the eIDAS node must contain exactly one assertion.")]
    AssertionCount,
    #[error("The encrypted assertion from the eIDAS node could not be decrypted.")]
    Undecryptable(String),
    #[error("The answer was not issued by the configured eIDAS node.")]
    WrongIssuer,
    #[error("The answer was sent to another destination.")]
    WrongDestination,
    #[error("The answer does not reply to this login attempt.")]
    WrongInResponseTo,
    #[error("The assertion is meant for another recipient.")]
    WrongRecipient,
    #[error("The assertion is meant for another service.")]
    WrongAudience,
    #[error("The assertion lacks the required bearer subject confirmation or conditions.")]
    MissingConfirmation,
    #[error("The assertion is not valid yet; please check your clock and try again.")]
    NotYetValid,
    #[error("The answer from the eIDAS node has expired; please log in again.")]
    Expired,
    #[error("This answer was already used; please log in again.")]
    Replayed,
    #[error("Your login was done at a lower level of assurance than this service requires.")]
    InsufficientLoa,
    #[error("European login (eIDAS) cannot reach the level this service requires; use the Belgian eID card.")]
    LevelUnreachable,
    #[error("European login (eIDAS) is temporarily unavailable; please use another key or try again later.")]
    NodeUnavailable,
    #[error("You cancelled the login at the eIDAS node.")]
    Cancelled,
    #[error("Your country's login service could not authenticate you.")]
    AuthnFailed,
    #[error("The eIDAS node reported an error ({0}).")]
    NodeError(String),
    #[error("The eIDAS node did not send the required attribute {0}.")]
    MissingAttribute(&'static str),
    #[error("The eIDAS node sent an unusable value for {0}.")]
    InvalidAttribute(&'static str),
    #[error("You logged in with another country than the one you chose.")]
    CountryMismatch,
    #[error("The chosen country is not a two-letter country code.")]
    InvalidCountry,
    #[error("The check against replayed answers is unavailable; please try again later.")]
    ReplayGuardUnavailable,
}

impl EidasError {
    /// What the log line adds to the code: the attribute, the malformation, the node's status.
    pub fn detail(&self) -> Option<String> {
        match self {
            EidasError::MissingAttribute(a) | EidasError::InvalidAttribute(a) => Some((*a).to_string()),
            EidasError::Malformed(m) => Some((*m).to_string()),
            EidasError::NodeError(s) | EidasError::Signing(s) | EidasError::Undecryptable(s) => {
                Some(s.clone())
            }
            _ => None,
        }
    }

    /// A stable code for logs, metrics and error pages.
    pub fn code(&self) -> &'static str {
        match self {
            EidasError::Signing(_) => "eidas.signing_failed",
            EidasError::Malformed(_) => "eidas.malformed_response",
            EidasError::RelayStateMismatch => "eidas.relay_state_mismatch",
            EidasError::InvalidSignature => "eidas.invalid_signature",
            EidasError::UnsignedAssertion => "eidas.unsigned_assertion",
            EidasError::AssertionCount => "eidas.assertion_count",
            EidasError::Undecryptable(_) => "eidas.undecryptable_assertion",
            EidasError::WrongIssuer => "eidas.wrong_issuer",
            EidasError::WrongDestination => "eidas.wrong_destination",
            EidasError::WrongInResponseTo => "eidas.wrong_in_response_to",
            EidasError::WrongRecipient => "eidas.wrong_recipient",
            EidasError::WrongAudience => "eidas.wrong_audience",
            EidasError::MissingConfirmation => "eidas.missing_confirmation",
            EidasError::NotYetValid => "eidas.not_yet_valid",
            EidasError::Expired => "eidas.expired",
            EidasError::Replayed => "eidas.replayed",
            EidasError::InsufficientLoa => "eidas.insufficient_loa",
            EidasError::LevelUnreachable => "eidas.level_unreachable",
            EidasError::NodeUnavailable => "eidas.node_unavailable",
            EidasError::Cancelled => "eidas.cancelled",
            EidasError::AuthnFailed => "eidas.authn_failed",
            EidasError::NodeError(_) => "eidas.node_error",
            EidasError::MissingAttribute(_) => "eidas.missing_attribute",
            EidasError::InvalidAttribute(_) => "eidas.invalid_attribute",
            EidasError::CountryMismatch => "eidas.country_mismatch",
            EidasError::InvalidCountry => "eidas.invalid_country",
            EidasError::ReplayGuardUnavailable => "eidas.replay_guard_unavailable",
        }
    }
}
