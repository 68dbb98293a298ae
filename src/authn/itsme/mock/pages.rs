//! The mock's HTML pages (one template each, sharing a layout with the DEMO banner).
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// One demo identity on the confirm page.
#[derive(Debug)]
pub struct IdentityChoice {
    pub index: usize,
    pub name: String,
    pub masked: String,
}

#[derive(Template)]
#[template(path = "mock_itsme/confirm.html")]
pub struct ConfirmPage {
    pub client_id: String,
    pub acr_label: &'static str,
    pub interaction: String,
    pub identities: Vec<IdentityChoice>,
}

#[derive(Template)]
#[template(path = "mock_itsme/error.html")]
pub struct ErrorPage {
    pub message: &'static str,
}

/// Renders a page; a rendering failure becomes a plain 500.
pub fn render(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "DEMO mock itsme: page error").into_response(),
    }
}

/// An error page shown instead of redirecting (unknown client or redirect URI,
/// RFC 6749 §4.1.2.1).
pub fn error_page(message: &'static str) -> Response {
    render(StatusCode::BAD_REQUEST, &ErrorPage { message })
}
