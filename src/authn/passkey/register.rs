//! Registering and removing passkeys from My digital keys. Both need a session at
//! Level450+ (like every key change); registration is two JSON steps driven by
//! `/static/passkey.js` (`navigator.credentials.create`).

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::StatusCode;
use serde::Deserialize;
use webauthn_rs::prelude::{PasskeyRegistration, RegisterPublicKeyCredential};

use super::PasskeyState;
use super::{ApiError, JsonCall, internal, user_handle, webauthn};
use crate::authn::CHANGE_LEVEL;
use crate::authn::session::{self, BrowserSession};
use crate::kernel::token::random_token;
use crate::store::passkeys::PasskeyRecord;
use crate::store::unix_now;
use crate::web::csrf::CsrfForm;
use crate::web::error::{ErrorPage, WebError};

/// A registration must finish within this many seconds.
const REGISTRATION_SECS: i64 = 300;
const NAME_MAX: usize = 60;

#[derive(Deserialize, Default)]
struct StartBody {
    #[serde(default)]
    name: String,
}

/// The session allowed to change keys, or why not.
async fn changer(state: &PasskeyState, jar: &CookieJar) -> Result<BrowserSession, ApiError> {
    let session = session::current(state, jar)
        .await
        .map_err(internal)?
        .ok_or_else(|| ApiError::new(StatusCode::UNAUTHORIZED, "login_required", "passkey.error.login"))?;
    if !session.level.satisfies(CHANGE_LEVEL) {
        return Err(ApiError::new(StatusCode::FORBIDDEN, "level", "password.keys.need_strong_login"));
    }
    Ok(session)
}

pub(super) async fn start(
    State(state): State<PasskeyState>,
    call: JsonCall,
    body: axum::body::Bytes,
) -> Response {
    match start_inner(&state, &call, &body).await {
        Ok(options) => Json(options).into_response(),
        Err(e) => e.respond(&call.page.tr),
    }
}

async fn start_inner(
    state: &PasskeyState,
    call: &JsonCall,
    body: &[u8],
) -> Result<serde_json::Value, ApiError> {
    call.admit()?;
    let session = changer(state, &call.jar).await?;
    let request: StartBody = if body.is_empty() {
        StartBody::default()
    } else {
        serde_json::from_slice(body)
            .map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, "bad_request", "passkey.error.bad_request"))?
    };
    let name: String = request.name.trim().chars().filter(|c| !c.is_control()).take(NAME_MAX).collect();
    let name = if name.is_empty() { "Passkey".to_string() } else { name };
    let identity =
        state.store().find_identity(&session.identity_id).await.map_err(internal)?.ok_or_else(|| {
            ApiError::new(StatusCode::UNAUTHORIZED, "login_required", "passkey.error.login")
        })?;
    let existing = state.store().list_passkeys_of_identity(&identity.id).await.map_err(internal)?;
    let exclude =
        existing.iter().filter_map(|r| URL_SAFE_NO_PAD.decode(&r.credential_id).ok()).collect::<Vec<_>>();
    let handle = user_handle(state, &identity.id);
    let display = identity.full_name();
    let (options, registration) = webauthn(state)?
        .start_passkey_registration(handle, &display, &display, Some(exclude))
        .map_err(internal)?;
    let state_json = serde_json::to_string(&registration).map_err(internal)?;
    state
        .store()
        .put_passkey_registration(
            &session.sid,
            &identity.id,
            &state_json,
            &name,
            unix_now() + REGISTRATION_SECS,
        )
        .await
        .map_err(internal)?;
    let mut options = serde_json::to_value(&options).map_err(internal)?;
    // A discoverable credential, so the login needs no username.
    if let Some(selection) = options.pointer_mut("/publicKey/authenticatorSelection") {
        selection["residentKey"] = "required".into();
        selection["requireResidentKey"] = true.into();
    }
    Ok(options)
}

pub(super) async fn finish(
    State(state): State<PasskeyState>,
    call: JsonCall,
    body: axum::body::Bytes,
) -> Response {
    match finish_inner(&state, &call, &body).await {
        Ok(()) => Json(serde_json::json!({ "redirect": "/my/keys?done=passkey" })).into_response(),
        Err(e) => e.respond(&call.page.tr),
    }
}

async fn finish_inner(state: &PasskeyState, call: &JsonCall, body: &[u8]) -> Result<(), ApiError> {
    call.admit()?;
    let session = changer(state, &call.jar).await?;
    let credential: RegisterPublicKeyCredential = serde_json::from_slice(body)
        .map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, "bad_request", "passkey.error.bad_request"))?;
    let expired = || ApiError::new(StatusCode::BAD_REQUEST, "expired", "passkey.error.expired");
    let (identity_id, state_json, name, expires_at) =
        state.store().take_passkey_registration(&session.sid).await.map_err(internal)?.ok_or_else(expired)?;
    if identity_id != session.identity_id || expires_at <= unix_now() {
        return Err(expired());
    }
    let registration: PasskeyRegistration = serde_json::from_str(&state_json).map_err(internal)?;
    let passkey = webauthn(state)?.finish_passkey_registration(&credential, &registration).map_err(|e| {
        tracing::info!(error = %e, "passkey registration refused");
        ApiError::new(StatusCode::BAD_REQUEST, "refused", "passkey.error.register_refused")
    })?;
    let record = PasskeyRecord {
        id: random_token(16),
        identity_id: identity_id.clone(),
        credential_id: URL_SAFE_NO_PAD.encode::<&[u8]>(passkey.cred_id().as_ref()),
        user_handle: user_handle(state, &identity_id).to_string(),
        passkey_json: serde_json::to_string(&passkey).map_err(internal)?,
        name,
        sign_count: 0,
        created_at: unix_now(),
        last_used_at: None,
    };
    if !state.store().create_passkey(&record).await.map_err(internal)? {
        return Err(ApiError::new(StatusCode::CONFLICT, "already_registered", "passkey.error.duplicate"));
    }
    let detail = serde_json::json!({ "method": "passkey", "name": record.name });
    if let Err(e) =
        state.store().create_audit_event("keys.passkey_added", Some(&identity_id), None, &detail).await
    {
        tracing::warn!(error = %e, "audit event not written");
    }
    tracing::info!(identity.id = %identity_id, "passkey registered");
    Ok(())
}

#[derive(Deserialize)]
pub(super) struct RemoveForm {
    id: String,
}

pub(super) async fn remove(
    State(state): State<PasskeyState>,
    jar: CookieJar,
    CsrfForm(form): CsrfForm<RemoveForm>,
) -> Result<Response, WebError> {
    let Some(session) = session::current(&state, &jar).await? else {
        return Ok(Redirect::to("/login?next=/my/keys").into_response());
    };
    if !session.level.satisfies(CHANGE_LEVEL) {
        return Err(WebError::Page(ErrorPage::new(
            StatusCode::FORBIDDEN,
            "level",
            "passkey.heading",
            "password.keys.need_strong_login",
        )));
    }
    if !state.store().delete_passkey(&session.identity_id, &form.id).await? {
        return Err(WebError::not_found("error.not_found"));
    }
    let detail = serde_json::json!({ "method": "passkey" });
    if let Err(e) = state
        .store()
        .create_audit_event("keys.passkey_removed", Some(&session.identity_id), None, &detail)
        .await
    {
        tracing::warn!(error = %e, "audit event not written");
    }
    Ok(Redirect::to("/my/keys?done=passkey_removed").into_response())
}
