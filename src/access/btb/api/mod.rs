//! The BTB API under `/api/btb/v1/`: every action of the pages as a JSON call for a person's
//! bearer token with the scope `btb:manage` (decided by the same capability checks), and
//! the web service for access-management systems (client-credentials tokens with the scope
//! `btb:read`): an enterprise's registration and managers, a person's roles, and a
//! cursor-paged feed of every change. Errors are `{"error": code, "message": …}` in the
//! caller's language (`Accept-Language`), never a 500 page.

mod exception;
mod manage;
pub mod openapi;
mod service;

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRef, FromRequest, FromRequestParts, Request};
use axum::middleware::{Next, from_fn};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use http::request::Parts;
use http::{HeaderValue, StatusCode, header};
use serde::de::DeserializeOwned;

use super::{Btb, BtbError, Refusal, Who};
use crate::access::tokens::{AccessTokenVerifier, PresentedToken, TokenHolder, TokenRefusal};
use crate::domain::Language;
use crate::web::i18n::{Tr, negotiate};

/// Scope of a person's token that lets its holder act as themselves.
pub const MANAGE_SCOPE: &str = "btb:manage";
/// Scope of a client's token that lets it read everything.
pub const READ_SCOPE: &str = "btb:read";

/// The API's state: the BTB service and the port that checks bearer tokens.
#[derive(Clone)]
pub struct ApiState {
    pub btb: Btb,
    pub tokens: Arc<dyn AccessTokenVerifier>,
}

impl std::fmt::Debug for ApiState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiState").finish_non_exhaustive()
    }
}

/// Every path of the API, with its methods (the OpenAPI test walks them).
pub const PATHS: &[(&str, &[&str])] = &[
    ("/api/btb/v1/domains", &["get"]),
    ("/api/btb/v1/enterprises/{number}", &["get"]),
    ("/api/btb/v1/enterprises/{number}/designation", &["post"]),
    ("/api/btb/v1/enterprises/{number}/co-heads", &["post"]),
    ("/api/btb/v1/enterprises/{number}/co-heads/{national_number}", &["delete"]),
    ("/api/btb/v1/enterprises/{number}/domains/{code}/access-managers", &["post"]),
    ("/api/btb/v1/enterprises/{number}/domains/{code}/access-managers/{national_number}", &["delete"]),
    ("/api/btb/v1/enterprises/{number}/domains/{code}/email", &["put", "delete"]),
    ("/api/btb/v1/persons/{national_number}/roles", &["get"]),
    ("/api/btb/v1/changes", &["get"]),
    ("/api/btb/v1/exception-requests", &["post"]),
    ("/api/btb/v1/exception-requests/{ticket}/document", &["get"]),
];

pub fn router() -> Router<ApiState> {
    Router::new()
        .route("/api/openapi.json", get(openapi::serve))
        .route("/api/btb/v1/domains", get(service::domains))
        .route("/api/btb/v1/enterprises/{number}", get(service::enterprise))
        .route("/api/btb/v1/enterprises/{number}/designation", post(manage::designation))
        .route("/api/btb/v1/enterprises/{number}/co-heads", post(manage::add_co_head))
        .route(
            "/api/btb/v1/enterprises/{number}/co-heads/{person}",
            axum::routing::delete(manage::remove_co_head),
        )
        .route(
            "/api/btb/v1/enterprises/{number}/domains/{code}/access-managers",
            post(manage::add_access_manager),
        )
        .route(
            "/api/btb/v1/enterprises/{number}/domains/{code}/access-managers/{person}",
            axum::routing::delete(manage::remove_access_manager),
        )
        .route(
            "/api/btb/v1/enterprises/{number}/domains/{code}/email",
            put(manage::set_domain_email).delete(manage::remove_domain_email),
        )
        .route("/api/btb/v1/persons/{person}/roles", get(service::person_roles))
        .route("/api/btb/v1/changes", get(service::changes))
        .route("/api/btb/v1/exception-requests", post(exception::file))
        .route("/api/btb/v1/exception-requests/{ticket}/document", get(exception::document))
        .layer(from_fn(framework_errors))
}

/// An API error: status, stable code, translated message.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message_key: &'static str,
    lang: Language,
    challenge: Option<&'static str>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message_key: &'static str, lang: Language) -> Self {
        Self { status, code, message_key, lang, challenge: None }
    }

    fn refused(r: Refusal, lang: Language) -> Self {
        Self::new(r.status(), r.code(), r.message_key(), lang)
    }

    fn from_btb(e: BtbError, lang: Language) -> Self {
        match e {
            BtbError::Refused(r) => Self::refused(r, lang),
            other => {
                tracing::error!(error = %other, "BTB API: internal error");
                Self::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "btb.api.unavailable", lang)
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let message = Tr::new(self.lang).t(self.message_key);
        let body = serde_json::json!({ "error": self.code, "message": message });
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Some(c) = self.challenge
            && let Ok(v) = HeaderValue::from_str(c)
        {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, v);
        }
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }
}

/// The caller's language: `Accept-Language`, else English.
#[derive(Debug, Clone, Copy)]
pub struct ApiLang(pub Language);

impl<S: Send + Sync> FromRequestParts<S> for ApiLang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let lang = parts
            .headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(negotiate)
            .unwrap_or(Language::En);
        Ok(Self(lang))
    }
}

/// The holder of the request's bearer token (checked through the port).
#[derive(Debug, Clone)]
pub struct Caller {
    pub holder: TokenHolder,
    pub lang: Language,
}

impl<S> FromRequestParts<S> for Caller
where
    ApiState: axum::extract::FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = ApiState::from_ref(state);
        let ApiLang(lang) = ApiLang::from_request_parts(parts, &state).await.unwrap_or(ApiLang(Language::En));
        let header_value =
            |name| parts.headers.get(name).and_then(|v: &HeaderValue| v.to_str().ok()).map(str::to_string);
        let presented = PresentedToken {
            authorization: header_value(header::AUTHORIZATION).unwrap_or_default(),
            dpop: header_value(header::HeaderName::from_static("dpop")),
            method: parts.method.as_str().to_string(),
            path: parts.uri.path().to_string(),
        };
        let refusal = match state.tokens.verify(&presented).await {
            Ok(holder) => return Ok(Self { holder, lang }),
            Err(r) => r,
        };
        let (code, key, challenge) = match refusal {
            TokenRefusal::Missing => ("invalid_token", "btb.api.no_token", "Bearer realm=\"poort\""),
            TokenRefusal::Invalid => {
                ("invalid_token", "btb.api.invalid_token", "Bearer realm=\"poort\", error=\"invalid_token\"")
            }
            TokenRefusal::Dpop(_) => (
                "invalid_dpop_proof",
                "btb.api.invalid_token",
                "DPoP realm=\"poort\", error=\"invalid_dpop_proof\"",
            ),
            TokenRefusal::Internal => {
                return Err(ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "btb.api.unavailable",
                    lang,
                ));
            }
        };
        let mut e = ApiError::new(StatusCode::UNAUTHORIZED, code, key, lang);
        e.challenge = Some(challenge);
        Err(e)
    }
}

impl Caller {
    /// The person acting through a `btb:manage` token.
    pub fn manager(&self) -> Result<Who, ApiError> {
        self.person_with(MANAGE_SCOPE)
    }

    /// The person acting through a token with `scope`.
    pub fn person_with(&self, scope: &str) -> Result<Who, ApiError> {
        let person = self.holder.person.as_ref().filter(|_| self.holder.has_scope(scope));
        let Some(p) = person else { return Err(self.insufficient_scope()) };
        Ok(Who {
            person: p.national_number.clone(),
            level: p.level,
            session_ref: format!("client:{}", self.holder.client_id),
            language: self.lang,
        })
    }

    /// Whether the token may read everything (`btb:read`).
    pub fn is_reader(&self) -> bool {
        self.holder.has_scope(READ_SCOPE)
    }

    pub fn insufficient_scope(&self) -> ApiError {
        let mut e = ApiError::new(
            StatusCode::FORBIDDEN,
            "insufficient_scope",
            "btb.api.insufficient_scope",
            self.lang,
        );
        e.challenge = Some("Bearer realm=\"poort\", error=\"insufficient_scope\"");
        e
    }
}

/// A JSON body; anything that does not parse is a 400 JSON error.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let ApiLang(lang) =
            ApiLang::from_request_parts(&mut parts, state).await.unwrap_or(ApiLang(Language::En));
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|r| ApiError::new(r.status(), "bad_request", "btb.api.bad_body", lang))?;
        serde_json::from_slice(&bytes)
            .map(Self)
            .map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, "bad_request", "btb.api.bad_body", lang))
    }
}

/// Framework rejections (wrong method, unknown path under a route, body too large) as
/// `{"error", "message"}` JSON like every other answer of the API.
pub(crate) async fn framework_errors(req: Request, next: Next) -> Response {
    let lang = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(negotiate)
        .unwrap_or(Language::En);
    let response = next.run(req).await;
    let status = response.status();
    let is_plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("text/plain"));
    if !(status.is_client_error() || status.is_server_error()) || !is_plain {
        return response;
    }
    let (code, key) = match status {
        StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", "btb.api.method_not_allowed"),
        StatusCode::PAYLOAD_TOO_LARGE => ("too_large", "btb.api.too_large"),
        StatusCode::NOT_FOUND => ("not_found", "btb.api.not_found"),
        s if s.is_client_error() => ("bad_request", "btb.api.bad_body"),
        _ => ("unavailable", "btb.api.unavailable"),
    };
    let allow = response.headers().get(header::ALLOW).cloned();
    let mut rendered = ApiError::new(status, code, key, lang).into_response();
    if let Some(a) = allow {
        rendered.headers_mut().insert(header::ALLOW, a);
    }
    rendered
}
