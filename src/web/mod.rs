//! Pages and forms: each area owns its router; they are merged here with the
//! cross-cutting layers (request id, tracing, metrics, security headers, body limit,
//! timeout). Pages also get the language, the CSRF cookie and friendly error pages;
//! the protocol endpoints for software get RFC 6749 JSON errors instead.

pub mod client_addr;
pub mod csrf;
pub mod error;
pub mod i18n;
pub mod middleware;
pub mod page;
pub mod pages;

use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::{from_fn, from_fn_with_state};
use http::{Request, StatusCode};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::startup::AppState;

/// The whole HTTP application of the main listener.
pub fn router(state: AppState) -> Router {
    let settings = state.settings().clone();
    // For software: protocol endpoints, health and metrics. JSON errors, no page layers.
    let for_software = Router::new()
        .merge(pages::health::router())
        .merge(crate::protocol::oidc::protocol_router())
        .route_layer(from_fn(middleware::track_metrics))
        .layer(from_fn(middleware::protocol_errors));
    // For people: pages and forms, with the language, the CSRF cookie and error pages.
    let for_people = Router::new()
        .merge(pages::home::router())
        .merge(pages::enterprise::router())
        .merge(pages::assets::router())
        .merge(crate::authn::routes::router())
        .merge(crate::protocol::oidc::router())
        .merge(crate::authn::eid::router())
        .merge(crate::authn::password::routes::router())
        .merge(crate::authn::my_keys::router())
        .merge(crate::authn::itsme::routes::router())
        .merge(crate::authn::eidas::router())
        .merge(crate::authn::passkey::router())
        .route_layer(from_fn(middleware::track_metrics))
        .fallback(middleware::not_found)
        .layer(from_fn_with_state(state.clone(), middleware::error_pages))
        .layer(from_fn_with_state(state.clone(), middleware::page_context));
    Router::new()
        .merge(for_software)
        .merge(for_people)
        .layer(from_fn_with_state(state.clone(), middleware::security_headers))
        .layer(DefaultBodyLimit::max(settings.server.max_body_bytes))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(settings.server.request_timeout_secs),
        ))
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
        .layer(CatchPanicLayer::custom(|_| {
            tracing::error!("a handler panicked");
            error::ErrorPage::for_status(StatusCode::INTERNAL_SERVER_ERROR).into_response_plain()
        }))
        .with_state(state)
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
