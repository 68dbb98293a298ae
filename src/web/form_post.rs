//! The self-submitting form that carries a protocol's answer back to the relying party
//! through the browser: OAuth 2.0 Form Post Response Mode and the SAML HTTP-POST binding
//! (SAML bindings §3.5.4). The form submits itself with the static `/static/autosubmit.js`
//! (the CSP forbids inline script) and its button does the same without JavaScript; the
//! page has no language switch (a finished login cannot be shown again).

use askama::Template;
use axum::response::{IntoResponse, Response};

use crate::web::error::render;
use crate::web::page::PageCtx;

#[derive(Template)]
#[template(path = "form_post.html")]
struct FormPostPage {
    page: PageCtx,
    action: String,
    fields: Vec<(String, String)>,
}

/// A page posting `fields` to `action`.
pub fn form_post(page: PageCtx, action: &str, fields: Vec<(String, String)>) -> Response {
    render(&FormPostPage { page, action: action.to_string(), fields })
        .unwrap_or_else(IntoResponse::into_response)
}
