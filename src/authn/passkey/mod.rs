//! Passkeys (WebAuthn) as an extra digital key (beyond what CSAM
//! offers). A person registers passkeys in My digital keys (needs a Level450+ session)
//! and logs in with one at Level400 (substantial): a possession factor plus user
//! verification. amr is `["swk", "mfa"]` (RFC 8176): Poort asks for no attestation, so
//! it cannot claim the key is hardware-bound (synced passkeys are not), but user
//! verification makes one gesture two factors.
//!
//! | route | what |
//! | --- | --- |
//! | `POST /my/keys/passkey/register/start` | JSON creation options (header `x-csrf-token`) |
//! | `POST /my/keys/passkey/register/finish` | JSON credential → stored passkey |
//! | `POST /my/keys/passkey/remove` | form (`csrf`, `id`) |
//! | `GET /login/passkey?tx=ID` | the login page (button + `/static/passkey.js`) |
//! | `POST /login/passkey/start?tx=ID` | JSON request options (discoverable credentials) |
//! | `POST /login/passkey/finish?tx=ID` | JSON assertion → `{"redirect": …}` |
//!
//! All WebAuthn state (challenges) lives in the database — the login transaction's
//! `method_state`, or `passkey_registrations` — so any node serves any step. The relying
//! party id is the host of `server.public_url` and the origin is that URL; an IP address
//! is not a valid relying party id, so a loopback IP public URL uses `localhost`.

mod login;
mod register;
mod settings;

pub use settings::PasskeySettings;

use axum::Json;
use axum::Router;
use axum::extract::FromRequestParts;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum_extra::extract::cookie::CookieJar;
use http::request::Parts;
use http::{StatusCode, header};
use url::Url;
use webauthn_rs::prelude::{Uuid, Webauthn, WebauthnBuilder};

use std::sync::Arc;

use crate::authn::Authn;
use crate::authn::methods::{Installed, LoginMethod, MethodEntry};
use crate::authn::transaction::LoginTransaction;
use crate::domain::AuthLevel;
use crate::web::page::PageCtx;
use crate::web::request::CsrfCookie;
use crate::web::shell::WebShell;

/// The method's code.
pub const ID: &str = "passkey";

/// The routes' state: the login layer, the settings and the user-handle key. Derefs to
/// [`Authn`].
#[derive(Clone, Debug)]
pub struct PasskeyState {
    pub authn: Authn,
    pub settings: PasskeySettings,
    user_handle_key: crate::kernel::Secret<[u8; 32]>,
}

impl std::ops::Deref for PasskeyState {
    type Target = Authn;
    fn deref(&self) -> &Authn {
        &self.authn
    }
}

/// The passkey method when `[passkey]` is enabled; `user_handle_key` derives the WebAuthn
/// user handles.
pub fn install(authn: &Authn, settings: &PasskeySettings, user_handle_key: [u8; 32]) -> Option<Installed> {
    settings.is_enabled.then(|| Installed {
        method: Arc::new(PasskeyMethod),
        router: router().with_state(PasskeyState {
            authn: authn.clone(),
            settings: settings.clone(),
            user_handle_key: crate::kernel::Secret::new(user_handle_key),
        }),
        side: Vec::new(),
    })
}

/// The level a passkey login reaches.
pub const LEVEL: AuthLevel = AuthLevel::PASSKEY;

/// The amr of a passkey login (RFC 8176): a software-secured key with user verification.
pub fn amr() -> Vec<String> {
    vec!["swk".into(), "mfa".into()]
}

const SCRIPT: &str = include_str!("../../../static/passkey.js");

fn router() -> Router<PasskeyState> {
    Router::new()
        .route("/static/passkey.js", get(script))
        .route("/my/keys/passkey/register/start", post(register::start))
        .route("/my/keys/passkey/register/finish", post(register::finish))
        .route("/my/keys/passkey/remove", post(register::remove))
        .route("/login/passkey", get(login::show))
        .route("/login/passkey/start", post(login::start))
        .route("/login/passkey/finish", post(login::finish))
}

/// The login page entry.
struct PasskeyMethod;

impl LoginMethod for PasskeyMethod {
    fn id(&self) -> &'static str {
        ID
    }

    fn entry(&self, tx: &LoginTransaction) -> Option<MethodEntry> {
        Some(MethodEntry {
            id: ID,
            title_key: "passkey.method_title",
            text_key: "passkey.method_text",
            level: LEVEL,
            unavailable_key: None,
            start_url: format!("/login/passkey?tx={}", tx.id),
        })
    }
}

async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        SCRIPT,
    )
        .into_response()
}

/// The relying party id and origin for a public URL (`None` when it has no host).
pub fn relying_party(public_url: &str) -> Option<(String, Url)> {
    let mut origin = Url::parse(public_url).ok()?;
    let host = match origin.host()? {
        url::Host::Domain(d) => d.to_string(),
        url::Host::Ipv4(ip) if ip.is_loopback() => "localhost".to_string(),
        url::Host::Ipv6(ip) if ip.is_loopback() => "localhost".to_string(),
        _ => return None,
    };
    origin.set_host(Some(&host)).ok()?;
    origin.set_path("");
    Some((host, origin))
}

/// The WebAuthn relying party of this deployment.
pub(crate) fn webauthn(state: &PasskeyState) -> Result<Webauthn, ApiError> {
    let (rp_id, origin) = relying_party(state.public_url()).ok_or_else(|| {
        tracing::error!("passkeys need a public URL with a domain name (server.public_url)");
        ApiError::internal()
    })?;
    WebauthnBuilder::new(&rp_id, &origin)
        .map(|b| b.rp_name(&state.settings.rp_name))
        .and_then(|b| b.build())
        .map_err(|e| {
            tracing::error!(error = %e, "passkey relying party configuration");
            ApiError::internal()
        })
}

/// The WebAuthn user handle of an identity: a UUID from an HMAC of the identity id under
/// a server key (stable, reveals nothing).
pub(crate) fn user_handle(state: &PasskeyState, identity_id: &str) -> Uuid {
    use hmac::{Hmac, Mac};
    let key = state.user_handle_key.expose();
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).expect("any key length works for HMAC");
    mac.update(identity_id.as_bytes());
    let digest = mac.finalize().into_bytes();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

/// A JSON error: `{"error": code, "message": translated}`.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    code: &'static str,
    message_key: &'static str,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, code: &'static str, message_key: &'static str) -> Self {
        Self { status, code, message_key }
    }

    pub(crate) fn internal() -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "server_error", "passkey.error.server")
    }

    pub(crate) fn respond(self, tr: &crate::web::i18n::Tr) -> Response {
        let body = serde_json::json!({ "error": self.code, "message": tr.t(self.message_key) });
        (self.status, Json(body)).into_response()
    }
}

/// Logs an unexpected error and turns it into a 500 JSON error.
pub(crate) fn internal<E: std::fmt::Display>(e: E) -> ApiError {
    tracing::error!(error = %e, "passkey step failed");
    ApiError::internal()
}

/// What every passkey JSON step receives: the page context (errors are translated), the
/// cookies, and what the CSRF check needs. Handlers call [`JsonCall::admit`] first.
pub(crate) struct JsonCall {
    pub page: PageCtx,
    pub jar: CookieJar,
    csrf_cookie: String,
    csrf_header: String,
    shell: Option<WebShell>,
}

impl<S: Send + Sync> FromRequestParts<S> for JsonCall {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let shell = parts.extensions.get::<WebShell>().cloned();
        Ok(Self {
            page: PageCtx::from_parts(parts, shell.as_ref().is_some_and(WebShell::is_demo)),
            shell,
            jar: CookieJar::from_headers(&parts.headers),
            csrf_cookie: parts.extensions.get::<CsrfCookie>().map(|c| c.0.clone()).unwrap_or_default(),
            csrf_header: parts
                .headers
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string(),
        })
    }
}

impl JsonCall {
    /// The call must carry the CSRF proof: header `x-csrf-token` with the token of the
    /// page's CSRF cookie (the same signed double submit as `CsrfForm`), else 403.
    pub(crate) fn admit(&self) -> Result<(), ApiError> {
        let is_valid = self
            .shell
            .as_ref()
            .is_some_and(|shell| shell.csrf().is_valid(&self.csrf_cookie, &self.csrf_header));
        if self.csrf_cookie.is_empty() || self.csrf_header.is_empty() || !is_valid {
            return Err(ApiError::new(StatusCode::FORBIDDEN, "csrf", "passkey.error.csrf"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_relying_party_is_the_host_of_the_public_url() {
        let (id, origin) = relying_party("https://poort.example.be").expect("rp");
        assert_eq!(id, "poort.example.be");
        assert_eq!(origin.as_str(), "https://poort.example.be/");
        let (id, origin) = relying_party("http://127.0.0.1:8080").expect("rp");
        assert_eq!(id, "localhost");
        assert_eq!(origin.as_str(), "http://localhost:8080/");
        assert!(relying_party("http://10.0.0.1:8080").is_none());
    }

    #[test]
    fn the_amr_says_key_and_multiple_factors() {
        assert_eq!(amr(), vec!["swk", "mfa"]);
        assert_eq!(LEVEL.number(), 400);
    }
}
