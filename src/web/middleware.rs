//! Cross-cutting layers of the web shell: language, CSRF cookie, security headers,
//! friendly error pages and request metrics.

use std::time::Instant;

use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::Cookie;
use http::header::{self, HeaderValue};
use http::{Method, StatusCode};

use crate::domain::Language;
use crate::web::error::{ErrorPage, render_error};
use crate::web::i18n::negotiate;
pub use crate::web::request::{CsrfCookie, CsrfToken, RequestId, RequestLang};
use crate::web::shell::WebShell;

/// Name of the cookie that remembers the chosen language.
pub const LANG_COOKIE: &str = "poort_lang";
/// Name of the cookie that carries an application's `ui_locales` (OIDC Core §3.1.2.1)
/// through a login: it wins over the chosen language while the login lasts.
pub const UI_LOCALES_COOKIE: &str = "poort_ui_locales";

/// The first language of `ui_locales` (in the application's order of preference) Poort
/// offers, as a cookie for `seconds` (the login's lifetime); `None` when it names none.
pub fn ui_locales_cookie(
    cookies: crate::web::CookiePolicy,
    ui_locales: &[String],
    seconds: i64,
) -> Option<Cookie<'static>> {
    let lang = ui_locales.iter().find_map(|tag| Language::parse(tag).ok())?;
    let mut cookie = cookies.cookie(UI_LOCALES_COOKIE, lang.code().to_string());
    cookie.set_max_age(time::Duration::seconds(seconds));
    Some(cookie)
}
/// Name of the CSRF cookie (double submit, the form carries an HMAC of it).
pub const CSRF_COOKIE: &str = "poort_csrf";

fn cookie_value(req: &Request, name: &str) -> Option<String> {
    req.headers().get_all(header::COOKIE).iter().find_map(|v| {
        let v = v.to_str().ok()?;
        Cookie::split_parse(v).flatten().find(|c| c.name() == name).map(|c| c.value().to_string())
    })
}

/// Works out the language — an application's `ui_locales` during its login, then the
/// language the person chose, then `Accept-Language`, else Dutch — and, for pages, makes
/// sure a CSRF cookie exists.
pub async fn page_context(State(shell): State<WebShell>, mut req: Request, next: Next) -> Response {
    let cookies = shell.cookies();
    let from_application =
        cookie_value(&req, &cookies.name(UI_LOCALES_COOKIE)).and_then(|v| Language::parse(&v).ok());
    let from_cookie = cookie_value(&req, &cookies.name(LANG_COOKIE)).and_then(|v| Language::parse(&v).ok());
    let lang = from_application
        .or(from_cookie)
        .or_else(|| {
            req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).and_then(negotiate)
        })
        .unwrap_or(Language::Nl);
    req.extensions_mut().insert(RequestLang(lang));
    if let Some(id) = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()) {
        let id = RequestId(id.to_string());
        req.extensions_mut().insert(id);
    }

    let existing =
        cookie_value(&req, &shell.cookies().name(CSRF_COOKIE)).filter(|v| v.len() >= 32 && v.len() <= 64);
    let (cookie, is_new) = match existing {
        Some(v) => (v, false),
        None => (crate::web::csrf::new_cookie_value(), true),
    };
    let token = shell.csrf().token_for(&cookie);
    req.extensions_mut().insert(CsrfToken(token));
    req.extensions_mut().insert(CsrfCookie(cookie.clone()));

    let mut response = next.run(req).await;
    if is_new {
        let c = shell.cookies().cookie(CSRF_COOKIE, cookie);
        if let Ok(v) = HeaderValue::from_str(&c.to_string()) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}

/// The content security policy of every page.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// [`CSP`] with images from any https origin too (no script, style or frame): for a page
/// showing a relying party's registered logo.
pub const CSP_IMG_HTTPS: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data: https:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// Security headers on every response (OWASP ASVS V14.4).
pub async fn security_headers(State(shell): State<WebShell>, req: Request, next: Next) -> Response {
    let is_static = req.uri().path().starts_with("/static/");
    let mut response = next.run(req).await;
    let h = response.headers_mut();
    // A page that needs more (the consent page showing a client's https logo) sets its own
    // policy, built from the same one with `CSP_IMG_HTTPS`; every other response gets this.
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
    );
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    if shell.is_https() {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    if !is_static && !h.contains_key(header::CACHE_CONTROL) {
        // Pages may carry personal data and CSRF tokens: never cache them.
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    }
    response
}

/// Turns error responses into friendly pages (HTML) or JSON errors (`/api/`), so that
/// framework rejections (bad query, body too large, wrong method) never leak internals.
pub async fn error_pages(State(shell): State<WebShell>, req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let page = crate::web::page::PageCtx::from_parts(&request_parts_snapshot(&req), shell.is_demo());
    let request_id = req.extensions().get::<RequestId>().map(|r| r.0.clone());
    let response = next.run(req).await;
    let status = response.status();
    if let Some(error) = response.extensions().get::<ErrorPage>().cloned() {
        return render_error(&page, &error, request_id, is_api);
    }
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let is_plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("text/plain"));
    if !is_plain {
        return response;
    }
    let mut error = ErrorPage::for_status(status);
    // Keep headers such as `Allow` (405) and `WWW-Authenticate`.
    let kept: Vec<_> = [header::ALLOW, header::WWW_AUTHENTICATE, header::RETRY_AFTER]
        .into_iter()
        .filter_map(|name| response.headers().get(&name).map(|v| (name, v.clone())))
        .collect();
    error.status = status;
    let mut rendered = render_error(&page, &error, request_id, is_api);
    for (name, value) in kept {
        rendered.headers_mut().insert(name, value);
    }
    rendered
}

fn request_parts_snapshot(req: &Request) -> http::request::Parts {
    let mut builder = Request::builder().method(req.method().clone()).uri(req.uri().clone());
    if let Some(ext) = req.extensions().get::<RequestLang>() {
        builder = builder.extension(*ext);
    }
    if let Some(ext) = req.extensions().get::<CsrfToken>() {
        builder = builder.extension(ext.clone());
    }
    let (parts, _) = builder.body(Body::empty()).unwrap_or_default().into_parts();
    parts
}

/// The error-page counterpart for the protocol endpoints (token, userinfo, JWKS…): a
/// framework rejection (wrong method, body too large, a bad extractor input) is answered
/// as an RFC 6749 §5.2 JSON error, so client libraries get something they can parse.
/// (The outer timeout and panic layers answer before this one.) Responses
/// the endpoints built themselves (JSON, or a bare `WWW-Authenticate` challenge) pass;
/// the framework's are bare or `text/plain`.
/// Costs nothing on success: no snapshot of the request is taken.
pub async fn protocol_errors(req: Request, next: Next) -> Response {
    let response = next.run(req).await;
    let status = response.status();
    let is_framework_text = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("text/plain"));
    if !(status.is_client_error() || status.is_server_error())
        || !is_framework_text
        || response.headers().contains_key(header::WWW_AUTHENTICATE)
    {
        return response;
    }
    let (error, description) = match status {
        StatusCode::METHOD_NOT_ALLOWED => {
            ("invalid_request", "this endpoint does not accept this HTTP method")
        }
        StatusCode::PAYLOAD_TOO_LARGE => ("invalid_request", "the request body is too large"),
        StatusCode::NOT_FOUND => ("invalid_request", "no such endpoint"),
        StatusCode::SERVICE_UNAVAILABLE | StatusCode::REQUEST_TIMEOUT | StatusCode::TOO_MANY_REQUESTS => {
            ("temporarily_unavailable", "the server cannot answer now; try again later")
        }
        s if s.is_client_error() => ("invalid_request", "the request was refused"),
        _ => ("server_error", "the server could not answer this request"),
    };
    let kept: Vec<_> = [header::ALLOW, header::RETRY_AFTER]
        .into_iter()
        .filter_map(|name| response.headers().get(&name).map(|v| (name, v.clone())))
        .collect();
    let body = serde_json::json!({ "error": error, "error_description": description });
    let mut rendered = (status, axum::Json(body)).into_response();
    for (name, value) in kept {
        rendered.headers_mut().insert(name, value);
    }
    rendered.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    rendered
}

/// Counts requests and their latency per route and status (Prometheus).
pub async fn track_metrics(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let route: metrics::SharedString = match req.extensions().get::<MatchedPath>() {
        Some(p) => metrics::SharedString::from_shared(std::sync::Arc::from(p.as_str())),
        None => metrics::SharedString::const_str("unmatched"),
    };
    let method = method_label(req.method());
    let response = next.run(req).await;
    let status = response.status();
    let status = match status_label(status) {
        Some(s) => metrics::SharedString::const_str(s),
        None => metrics::SharedString::from_shared(std::sync::Arc::from(status.as_str())),
    };
    // Labels share their strings: the two clones below copy no text.
    let labels = vec![
        metrics::Label::from_static_parts("method", method),
        metrics::Label::new("route", route),
        metrics::Label::new("status", status),
    ];
    metrics::counter!("poort_http_requests_total", labels.clone()).increment(1);
    metrics::histogram!("poort_http_request_duration_seconds", labels).record(start.elapsed().as_secs_f64());
    response
}

fn method_label(m: &Method) -> &'static str {
    match *m {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        Method::PATCH => "PATCH",
        _ => "other",
    }
}

/// The label of the statuses Poort answers most, without an allocation.
fn status_label(status: StatusCode) -> Option<&'static str> {
    Some(match status.as_u16() {
        200 => "200",
        302 => "302",
        303 => "303",
        400 => "400",
        401 => "401",
        403 => "403",
        404 => "404",
        _ => return None,
    })
}

/// The router's fallback: a friendly 404.
pub async fn not_found() -> impl IntoResponse {
    ErrorPage::for_status(StatusCode::NOT_FOUND)
}
