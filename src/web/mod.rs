//! The HTTP kit every feature's pages and endpoints share: the page context, the one error
//! type, CSRF, i18n, client addresses, cookies, and the cross-cutting layers (request id,
//! tracing, metrics, security headers, body limit, timeout) that the composition root wraps
//! around the merged routers. Pages also get the language, the CSRF cookie and friendly
//! error pages; the protocol endpoints for software get RFC 6749 JSON errors instead.
//! `pages/` holds the few pages that belong to no feature (home, assets, health, the
//! public enterprise look-up).

pub mod client_addr;
pub mod csrf;
pub mod error;
pub mod form_post;
pub mod i18n;
pub mod limits;
pub mod middleware;
pub mod origin;
pub mod page;
pub mod pages;
pub mod request;
pub mod shell;

use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::{from_fn, from_fn_with_state};
use http::{Request, StatusCode};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer};
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutLayer};
use tower_http::trace::TraceLayer;

pub use shell::{CookiePolicy, WebShell};

/// Limits of the main listener.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_body_bytes: usize,
    pub request_timeout: Duration,
    /// How long a request body may take to arrive.
    pub body_timeout: Duration,
}

/// The whole HTTP application of the main listener, from the routers the composition root
/// merged: `for_people` (pages and forms) gets the language, the CSRF cookie and friendly
/// error pages; `for_software` (protocol endpoints, health, metrics) gets JSON errors and no
/// CSRF cookie. Both get the request id, tracing, the timeout, the body limit, the security
/// headers and the metrics, and find the [`WebShell`] in their request extensions. With an
/// `origin`, pages asked for under another host are first sent there ([`origin`]); with an
/// `admission`, the per-address rate and the in-flight bound apply ([`limits`]).
pub fn layers(
    for_people: Router,
    for_software: Router,
    shell: WebShell,
    limits: Limits,
    origin: Option<origin::PublicOrigin>,
    admission: Option<std::sync::Arc<limits::Admission>>,
) -> Router {
    let for_software = if for_software.has_routes() {
        for_software
            .route_layer(from_fn(middleware::track_metrics))
            .layer(from_fn(middleware::protocol_errors))
    } else {
        for_software
    };
    let for_people = for_people
        .route_layer(from_fn(middleware::track_metrics))
        .fallback(middleware::not_found)
        .layer(from_fn_with_state(shell.clone(), middleware::error_pages))
        .layer(from_fn_with_state(shell.clone(), middleware::page_context));
    let for_people = match origin {
        Some(origin) => for_people.layer(from_fn_with_state(origin, origin::to_public_origin)),
        None => for_people,
    };
    let mut app = Router::new().merge(for_software).merge(for_people);
    if let Some(admission) = admission {
        app = app.layer(from_fn_with_state(admission, limits::admit));
    }
    app.layer(from_fn_with_state(shell.clone(), middleware::security_headers))
        .layer(axum::Extension(shell))
        .layer(DefaultBodyLimit::max(limits.max_body_bytes))
        // A body slower than this is cut off (a body shorter than its Content-Length must
        // not hold a worker until the request timeout: attack review finding 5).
        .layer(RequestBodyTimeoutLayer::new(limits.body_timeout))
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, limits.request_timeout))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                // The path only: query strings can carry codes and tokens.
                let request_id =
                    req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
                tracing::info_span!("http", http.method = %req.method(), http.path = req.uri().path(), request.id = request_id)
            }),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(RandomRequestId))
        // The request id in logs and on error pages is always ours: a client's own
        // `X-Request-Id` could forge or collide log lines (attack review, item 10).
        .layer(axum::middleware::map_request(strip_client_request_id))
        .layer(CatchPanicLayer::custom(|_| {
            tracing::error!("a handler panicked");
            error::ErrorPage::for_status(StatusCode::INTERNAL_SERVER_ERROR).into_response_plain()
        }))
}

async fn strip_client_request_id(mut req: axum::extract::Request) -> axum::extract::Request {
    req.headers_mut().remove("x-request-id");
    req
}

/// Request ids as UUID v4 from the thread's random generator (a request id needs to be
/// unique, not secret; this spares a `getrandom` system call per request).
#[derive(Debug, Clone, Copy)]
struct RandomRequestId;

impl MakeRequestId for RandomRequestId {
    fn make_request_id<B>(&mut self, _request: &Request<B>) -> Option<RequestId> {
        let bytes: [u8; 16] = rand::random();
        let id = uuid::Builder::from_random_bytes(bytes).into_uuid();
        http::HeaderValue::from_str(id.hyphenated().encode_lower(&mut uuid::Uuid::encode_buffer()))
            .ok()
            .map(RequestId::new)
    }
}
