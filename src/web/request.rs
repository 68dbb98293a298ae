//! What the page layers put in a request's extensions for the handlers and extractors.

use crate::domain::Language;

/// The language of this request: `ui_locales`, then the cookie, then `Accept-Language`,
/// else Dutch.
#[derive(Debug, Clone, Copy)]
pub struct RequestLang(pub Language);

/// The CSRF token to put in this request's forms.
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

/// The raw CSRF cookie value of this request (to verify a submitted token).
#[derive(Debug, Clone)]
pub struct CsrfCookie(pub String);

/// The request id given by the request-id layer, for error pages and logs.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);
