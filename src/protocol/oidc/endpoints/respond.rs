//! Answers to the relying party through the browser (RFC 6749 §4.1.2): a redirect with the
//! parameters in the query, or (`response_mode=form_post`, OAuth 2.0 Form Post Response
//! Mode §2) a page whose form submits itself with the static `/static/autosubmit.js` (the
//! CSP forbids inline script), its button doing the same without JavaScript; the page has
//! no language switch (a finished login cannot be shown again). Every answer carries `iss`
//! (RFC 9207).

use axum::response::{IntoResponse, Redirect, Response};
use http::StatusCode;

use crate::protocol::oidc::authorize_request::{AuthorizeError, ResponseMode};
use crate::protocol::oidc::error::OAuthError;
use crate::web::error::ErrorPage;
use crate::web::page::PageCtx;

/// Sends `params` (plus `iss`) to the client's redirect URI.
pub fn to_client(
    page: PageCtx,
    issuer: &str,
    redirect_uri: &str,
    mode: ResponseMode,
    mut params: Vec<(String, String)>,
) -> Response {
    if !params.iter().any(|(k, _)| k == "iss") {
        params.push(("iss".into(), issuer.to_string()));
    }
    match mode {
        ResponseMode::Query => {
            let mut url = redirect_uri.to_string();
            url.push(if redirect_uri.contains('?') { '&' } else { '?' });
            url.push_str(&form_urlencoded::Serializer::new(String::new()).extend_pairs(params).finish());
            Redirect::to(&url).into_response()
        }
        ResponseMode::FormPost => crate::web::form_post::form_post(page, redirect_uri, params),
    }
}

/// An authorization error: to the client when its redirect URI is trusted, else a page
/// (RFC 6749 §4.1.2.1: never redirect to an unverified URI).
pub fn authorize_error(page: PageCtx, issuer: &str, error: AuthorizeError) -> Response {
    match error {
        AuthorizeError::Untrusted(e) => untrusted_page(&e).into_response(),
        AuthorizeError::Redirect { error, redirect_uri, state, response_mode } => to_client(
            page,
            issuer,
            &redirect_uri,
            response_mode,
            error.redirect_params(state.as_deref(), issuer),
        ),
    }
}

/// The error page for a request that cannot be answered to the client.
pub fn untrusted_page(e: &OAuthError) -> ErrorPage {
    tracing::info!(oauth.error = e.error.as_str(), "authorization request refused with an error page");
    ErrorPage::new(StatusCode::BAD_REQUEST, e.error.as_str(), "openid.error_title", "openid.error_untrusted")
        .arg("detail", e.description.clone().unwrap_or_else(|| e.error.as_str().to_string()))
}
