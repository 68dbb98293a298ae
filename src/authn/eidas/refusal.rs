//! Every refusal of the eIDAS login as a translated page with a way back to the login page
//! (never a 500): one message per [`EidasError`], keyed by its code.

use askama::Template;
use axum::response::{Html, IntoResponse, Response};
use http::StatusCode;

use super::EidasError;
use crate::authn::AuthnError;
use crate::web::error::WebError;
use crate::web::page::PageCtx;

/// A refused eIDAS step, rendered as a page.
#[derive(Debug)]
pub(crate) enum Refusal {
    Eidas {
        page: PageCtx,
        tx_id: Option<String>,
        error: EidasError,
    },
    /// Refusals of the login spine (transaction, session) and the web layer render themselves.
    Other(Response),
}

impl Refusal {
    pub fn new(page: PageCtx, tx_id: Option<String>, error: EidasError) -> Self {
        Self::Eidas { page, tx_id, error }
    }

    pub fn authn(e: AuthnError) -> Self {
        Self::Other(e.into_response())
    }
}

impl From<WebError> for Refusal {
    fn from(e: WebError) -> Self {
        Self::Other(e.into_response())
    }
}

#[derive(Template)]
#[template(path = "eidas_error.html")]
struct RefusalPage<'a> {
    page: &'a PageCtx,
    title: &'a str,
    message: String,
    code: &'a str,
    back_url: String,
}

/// The catalogue key of an error's message: its code (`eidas.cancelled`, …).
pub(crate) fn message_key(code: &str) -> String {
    code.to_string()
}

fn status_of(error: &EidasError) -> StatusCode {
    match error {
        EidasError::Signing(_) | EidasError::ReplayGuardUnavailable | EidasError::NodeUnavailable => {
            StatusCode::SERVICE_UNAVAILABLE
        }
        EidasError::Cancelled | EidasError::AuthnFailed => StatusCode::OK,
        EidasError::InsufficientLoa | EidasError::LevelUnreachable => StatusCode::FORBIDDEN,
        _ => StatusCode::BAD_REQUEST,
    }
}

fn render(page: &PageCtx, status: StatusCode, code: &str, tx_id: Option<&str>) -> Response {
    let title_key = if code == "eidas.cancelled" { "eidas.title_cancelled" } else { "eidas.title_refused" };
    let back_url = match tx_id {
        Some(tx) => crate::authn::transaction::login_url(tx),
        None => "/".to_string(),
    };
    let template = RefusalPage {
        page,
        title: page.t(title_key),
        message: page.t(&message_key(code)).to_string(),
        code,
        back_url,
    };
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => WebError::internal(anyhow::anyhow!("template: {e}")).into_response(),
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::Eidas { page, tx_id, error } => {
                tracing::info!(
                    error.code = error.code(),
                    error.detail = error.detail().as_deref().unwrap_or("-"),
                    "eIDAS login refused"
                );
                render(&page, status_of(&error), error.code(), tx_id.as_deref())
            }
            Refusal::Other(response) => response,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Language;
    use crate::web::i18n::{LANGUAGES, keys};

    #[test]
    fn every_refusal_has_a_message_in_every_language() {
        let errors = [
            EidasError::Signing(String::new()),
            EidasError::Malformed(""),
            EidasError::RelayStateMismatch,
            EidasError::InvalidSignature,
            EidasError::UnsignedAssertion,
            EidasError::AssertionCount,
            EidasError::Undecryptable(String::new()),
            EidasError::WrongIssuer,
            EidasError::WrongDestination,
            EidasError::WrongInResponseTo,
            EidasError::WrongRecipient,
            EidasError::WrongAudience,
            EidasError::MissingConfirmation,
            EidasError::NotYetValid,
            EidasError::Expired,
            EidasError::Replayed,
            EidasError::InsufficientLoa,
            EidasError::Cancelled,
            EidasError::AuthnFailed,
            EidasError::NodeError(String::new()),
            EidasError::MissingAttribute(""),
            EidasError::InvalidAttribute(""),
            EidasError::CountryMismatch,
            EidasError::InvalidCountry,
            EidasError::ReplayGuardUnavailable,
        ];
        let codes = errors.iter().map(EidasError::code);
        for lang in LANGUAGES {
            let known = keys(lang);
            for code in codes.clone() {
                assert!(known.contains(&message_key(code)), "{}: {code}", lang.code());
            }
            for key in ["eidas.title_cancelled", "eidas.title_refused", "eidas.back_to_login"] {
                assert!(known.contains(&key.to_string()), "{}: {key}", lang.code());
            }
        }
        assert_eq!(Language::En.code(), "en");
    }
}
