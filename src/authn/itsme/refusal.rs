//! Why an itsme login did not go through, as a translated page with a way back to the
//! login page. Never a 500: every upstream failure has its own message.
use askama::Template;
use axum::response::{Html, IntoResponse, Response};
use http::StatusCode;

use super::upstream::UpstreamError;
use crate::web::page::PageCtx;

/// A refusal the visitor sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The person cancelled in the app (or at the provider).
    Cancelled,
    /// The login took too long, or the answer does not belong to this browser's login.
    Expired,
    /// itsme is unreachable or answered in a way we cannot use.
    Unavailable,
    /// The answer from itsme could not be verified.
    Unverified,
    /// itsme cannot reach the level the application requires.
    Level,
    /// itsme did not give the identity data Poort needs (a national number).
    MissingData,
    /// The person is not known to the National Register or the BIS register.
    UnknownPerson,
    /// itsme reported an error of its own.
    ProviderError,
}

impl Refusal {
    pub fn from_upstream(e: &UpstreamError) -> Self {
        use UpstreamError::*;
        match e {
            UserCancelled => Refusal::Cancelled,
            LoginExpired | StateMismatch => Refusal::Expired,
            Config(_) | Discovery(_) | Http(_) | ClientAuthRejected | TokenEndpoint { .. } | Userinfo(_) => {
                Refusal::Unavailable
            }
            LevelUnreachable | InsufficientLevel | UnknownAcr => Refusal::Level,
            MissingClaim(_) | InvalidClaim(_) => Refusal::MissingData,
            ProviderError { .. } => Refusal::ProviderError,
            MissingCode
            | CallbackIssuerMismatch
            | CodeRejected
            | MalformedToken(_)
            | Decryption
            | EncryptionRequired
            | UnsupportedAlgorithm
            | UnknownSigningKey
            | BadSignature
            | WrongIssuer
            | WrongAudience
            | Expired
            | IssuedInFuture
            | NonceMismatch
            | SubjectMismatch => Refusal::Unverified,
        }
    }

    /// Stable code (tests, logs).
    pub fn code(self) -> &'static str {
        match self {
            Refusal::Cancelled => "itsme_cancelled",
            Refusal::Expired => "itsme_expired",
            Refusal::Unavailable => "itsme_unavailable",
            Refusal::Unverified => "itsme_unverified",
            Refusal::Level => "itsme_level",
            Refusal::MissingData => "itsme_missing_data",
            Refusal::UnknownPerson => "itsme_unknown_person",
            Refusal::ProviderError => "itsme_provider_error",
        }
    }

    fn message_key(self) -> &'static str {
        match self {
            Refusal::Cancelled => "itsme.refused.cancelled",
            Refusal::Expired => "itsme.refused.expired",
            Refusal::Unavailable => "itsme.refused.unavailable",
            Refusal::Unverified => "itsme.refused.unverified",
            Refusal::Level => "itsme.refused.level",
            Refusal::MissingData => "itsme.refused.missing_data",
            Refusal::UnknownPerson => "itsme.refused.unknown_person",
            Refusal::ProviderError => "itsme.refused.provider_error",
        }
    }

    fn status(self) -> StatusCode {
        match self {
            Refusal::Cancelled | Refusal::Expired | Refusal::Level => StatusCode::BAD_REQUEST,
            Refusal::UnknownPerson | Refusal::MissingData => StatusCode::FORBIDDEN,
            Refusal::Unavailable | Refusal::Unverified | Refusal::ProviderError => StatusCode::BAD_GATEWAY,
        }
    }
}

#[derive(Template)]
#[template(path = "itsme/refused.html")]
struct RefusedPage<'a> {
    page: &'a PageCtx,
    code: &'static str,
    message: &'static str,
    back_url: String,
}

/// The refusal page; `tx_id` (when known) makes the link go back to that login page.
pub fn render(page: &PageCtx, refusal: Refusal, tx_id: Option<&str>) -> Response {
    let template = RefusedPage {
        page,
        code: refusal.code(),
        message: page.t(refusal.message_key()),
        back_url: tx_id.map(crate::authn::transaction::login_url).unwrap_or_else(|| "/".into()),
    };
    match template.render() {
        Ok(html) => (refusal.status(), Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "itsme refusal page failed to render");
            (refusal.status(), "itsme login refused").into_response()
        }
    }
}
