//! The web layer's one error type. It renders a friendly page in the visitor's language
//! (or a JSON error under `/api/`) and logs the cause once; internals never reach users.

use askama::Template;
use axum::Json;
use axum::response::{Html, IntoResponse, Response};
use http::StatusCode;

use crate::web::page::PageCtx;

/// What an error page shows: a status, a title key and a message key with arguments.
#[derive(Debug, Clone)]
pub struct ErrorPage {
    pub status: StatusCode,
    pub code: &'static str,
    pub title_key: &'static str,
    pub msg_key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl ErrorPage {
    pub fn new(
        status: StatusCode,
        code: &'static str,
        title_key: &'static str,
        msg_key: &'static str,
    ) -> Self {
        Self { status, code, title_key, msg_key, args: Vec::new() }
    }

    pub fn arg(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.args.push((name, value.into()));
        self
    }

    /// A generic page for a bare status (framework rejections, fallbacks).
    pub fn for_status(status: StatusCode) -> Self {
        match status {
            StatusCode::NOT_FOUND => {
                Self::new(status, "not_found", "error.not_found_title", "error.not_found")
            }
            StatusCode::METHOD_NOT_ALLOWED => {
                Self::new(status, "method_not_allowed", "error.bad_request_title", "error.method_not_allowed")
            }
            StatusCode::PAYLOAD_TOO_LARGE => {
                Self::new(status, "too_large", "error.bad_request_title", "error.too_large")
            }
            StatusCode::FORBIDDEN => {
                Self::new(status, "forbidden", "error.forbidden_title", "error.forbidden")
            }
            StatusCode::SERVICE_UNAVAILABLE | StatusCode::REQUEST_TIMEOUT | StatusCode::TOO_MANY_REQUESTS => {
                Self::new(status, "unavailable", "error.unavailable_title", "error.unavailable")
            }
            s if s.is_client_error() => {
                Self::new(s, "bad_request", "error.bad_request_title", "error.bad_request")
            }
            s => Self::new(s, "internal", "error.internal_title", "error.internal"),
        }
    }
}

impl IntoResponse for ErrorPage {
    fn into_response(self) -> Response {
        let mut response = self.status.into_response();
        response.extensions_mut().insert(self);
        response
    }
}

/// Errors a page handler may return.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// A refusal the visitor can act on, with a translated message.
    #[error("{0:?}")]
    Page(ErrorPage),
    /// The form's CSRF token is missing or does not match.
    #[error("CSRF token missing or invalid")]
    Csrf,
    /// Something broke on our side. The cause is logged, never shown.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl WebError {
    pub fn bad_request(msg_key: &'static str) -> Self {
        Self::Page(ErrorPage::new(StatusCode::BAD_REQUEST, "bad_request", "error.bad_request_title", msg_key))
    }

    pub fn not_found(msg_key: &'static str) -> Self {
        Self::Page(ErrorPage::new(StatusCode::NOT_FOUND, "not_found", "error.not_found_title", msg_key))
    }

    pub fn internal(e: impl Into<anyhow::Error>) -> Self {
        Self::Internal(e.into())
    }
}

impl From<crate::store::StoreError> for WebError {
    fn from(e: crate::store::StoreError) -> Self {
        if e.is_overloaded() {
            tracing::warn!("database connections exhausted: answering 503");
            return Self::Page(ErrorPage::for_status(StatusCode::SERVICE_UNAVAILABLE));
        }
        Self::Internal(e.into())
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        match self {
            WebError::Page(page) => page.into_response(),
            WebError::Csrf => {
                tracing::warn!("form refused: CSRF token missing or invalid");
                ErrorPage::new(StatusCode::FORBIDDEN, "csrf", "error.forbidden_title", "error.csrf")
                    .into_response()
            }
            WebError::Internal(e) => {
                tracing::error!(error = format!("{e:#}"), "internal error");
                ErrorPage::for_status(StatusCode::INTERNAL_SERVER_ERROR).into_response()
            }
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTemplate<'a> {
    page: &'a PageCtx,
    title: &'a str,
    message: String,
    request_id: Option<String>,
}

/// Renders an error as a page, or as `{"error", "message"}` JSON for API paths.
pub fn render_error(page: &PageCtx, error: &ErrorPage, request_id: Option<String>, is_api: bool) -> Response {
    let args: Vec<(&str, &str)> = error.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let message = page.tr.fmt(error.msg_key, &args);
    if is_api {
        let body = serde_json::json!({ "error": error.code, "message": message, "request_id": request_id });
        return (error.status, Json(body)).into_response();
    }
    let template = ErrorTemplate { page, title: page.t(error.title_key), message, request_id };
    match template.render() {
        Ok(html) => (error.status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "error page failed to render");
            (error.status, "error").into_response()
        }
    }
}

/// Renders a page template, mapping a rendering failure to an internal error.
pub fn render<T: Template>(template: &T) -> Result<Response, WebError> {
    let html = template.render().map_err(|e| WebError::Internal(anyhow::anyhow!("template: {e}")))?;
    Ok(Html(html).into_response())
}

impl ErrorPage {
    /// For layers outside the error-page middleware (panics): a minimal plain page.
    pub fn into_response_plain(self) -> Response {
        (self.status, Html("<!DOCTYPE html><title>Poort</title><h1>Poort</h1><p>Something went wrong on our side. Please try again later.</p>")).into_response()
    }
}
