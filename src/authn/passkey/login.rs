//! Logging in with a passkey: a page with a button, then two JSON steps driven by
//! `/static/passkey.js` (`navigator.credentials.get`). Discoverable credentials: the
//! authenticator says whose passkey it is, so no username is asked.

use askama::Template;
use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::StatusCode;
use serde::{Deserialize, Serialize};
use webauthn_rs::prelude::{DiscoverableAuthentication, Passkey, PublicKeyCredential};

use super::PasskeyState;
use super::{ApiError, JsonCall, LEVEL, amr, internal, webauthn};
use crate::authn::transaction::{self, LoginTransaction, TxStatus};
use crate::authn::{Authenticated, AuthnError, IdentityClaim, complete};
use crate::store::identities::Identity;
use crate::store::unix_now;
use crate::web::error::{WebError, render};
use crate::web::page::PageCtx;

/// The assertion must follow the challenge within this many seconds.
const CHALLENGE_SECS: i64 = 300;

#[derive(Deserialize)]
pub(super) struct TxQuery {
    #[serde(default)]
    tx: String,
}

#[derive(Template)]
#[template(path = "passkey_login.html")]
struct LoginPage {
    page: PageCtx,
    tx_id: String,
}

pub(super) async fn show(
    page: PageCtx,
    State(state): State<PasskeyState>,
    jar: CookieJar,
    Query(q): Query<TxQuery>,
) -> Result<Response, WebError> {
    let tx = transaction::load(&state, &jar, &q.tx).await?;
    render(&LoginPage { page, tx_id: tx.id })
}

/// What the method keeps in the transaction between the two steps.
#[derive(Serialize, Deserialize)]
struct PendingChallenge {
    issued_at: i64,
    authentication: DiscoverableAuthentication,
}

fn refused(code: &'static str, key: &'static str) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, code, key)
}

fn from_authn(e: AuthnError) -> ApiError {
    match e {
        AuthnError::TransactionNotFound | AuthnError::TransactionExpired | AuthnError::WrongBrowser => {
            refused("login_expired", "authn.tx_expired")
        }
        AuthnError::AlreadyUsed => ApiError::new(StatusCode::CONFLICT, "login_used", "authn.tx_used"),
        AuthnError::UnknownPerson => {
            ApiError::new(StatusCode::FORBIDDEN, "unknown_person", "authn.unknown_person")
        }
        other => internal(other),
    }
}

async fn pending_tx(
    state: &PasskeyState,
    jar: &CookieJar,
    tx_id: &str,
) -> Result<LoginTransaction, ApiError> {
    let tx = transaction::load(state, jar, tx_id).await.map_err(from_authn)?;
    if !matches!(tx.status, TxStatus::Pending | TxStatus::Authenticated) {
        return Err(from_authn(AuthnError::AlreadyUsed));
    }
    Ok(tx)
}

pub(super) async fn start(
    State(state): State<PasskeyState>,
    call: JsonCall,
    Query(q): Query<TxQuery>,
) -> Response {
    let result = async {
        call.admit()?;
        let tx = pending_tx(&state, &call.jar, &q.tx).await?;
        let (mut options, authentication) =
            webauthn(&state)?.start_discoverable_authentication().map_err(internal)?;
        // A button-started login: the browser shows its passkey dialog (no autofill UI).
        options.mediation = None;
        let pending = PendingChallenge { issued_at: unix_now(), authentication };
        transaction::save_method_state(&state, &tx.id, super::ID, Some(&pending))
            .await
            .map_err(from_authn)?;
        serde_json::to_value(&options).map_err(internal)
    }
    .await;
    match result {
        Ok(options) => Json(options).into_response(),
        Err(e) => e.respond(&call.page.tr),
    }
}

pub(super) async fn finish(
    State(state): State<PasskeyState>,
    call: JsonCall,
    Query(q): Query<TxQuery>,
    body: axum::body::Bytes,
) -> Response {
    let JsonCall { page, jar, .. } = &call;
    let checked = async {
        call.admit()?;
        let tx = pending_tx(&state, jar, &q.tx).await?;
        verify(&state, &tx, &body).await.map(|identity| (tx, identity))
    }
    .await;
    let (tx, identity) = match checked {
        Ok(ok) => ok,
        Err(e) => return e.respond(&page.tr),
    };
    let claim = match (&identity.national_number, &identity.eidas_identifier) {
        (Some(number), _) => IdentityClaim::National {
            number: number.clone(),
            given_names: identity.given_names.clone(),
            surname: identity.surname.clone(),
        },
        (None, Some(eidas)) => IdentityClaim::Foreign {
            eidas_identifier: eidas.clone(),
            given_names: identity.given_names.clone(),
            surname: identity.surname.clone(),
            birth_date: identity.birth_date,
        },
        (None, None) => return internal("identity without identifier").respond(&page.tr),
    };
    let auth =
        Authenticated { identity: claim, level: LEVEL, amr: amr(), method: super::ID, certificate: None };
    match complete(&state, jar.clone(), &tx.id, auth).await {
        Ok((jar, redirect)) => {
            (jar, Json(serde_json::json!({ "redirect": redirect.location() }))).into_response()
        }
        Err(AuthnError::InsufficientLevel { tx_id, .. }) => {
            let url = format!("{}&stepup=1", transaction::login_url(&tx_id));
            Json(serde_json::json!({ "redirect": url })).into_response()
        }
        Err(e) => from_authn(e).respond(&page.tr),
    }
}

/// Checks the assertion against the challenge of the transaction (used once) and the
/// stored passkey; moves its counter forward. Returns whose passkey it is.
async fn verify(state: &PasskeyState, tx: &LoginTransaction, body: &[u8]) -> Result<Identity, ApiError> {
    let expired = || refused("challenge_expired", "passkey.error.expired");
    let pending: PendingChallenge = tx
        .method_state::<PendingChallenge>(super::ID)
        .map_err(from_authn)?
        .filter(|p| unix_now() - p.issued_at < CHALLENGE_SECS)
        .ok_or_else(expired)?;
    // The challenge is used once, whatever the outcome.
    transaction::save_method_state::<PendingChallenge>(state, &tx.id, super::ID, None)
        .await
        .map_err(from_authn)?;
    let credential: PublicKeyCredential =
        serde_json::from_slice(body).map_err(|_| refused("bad_request", "passkey.error.bad_request"))?;
    let webauthn = webauthn(state)?;
    let unknown = || refused("unknown_passkey", "passkey.error.unknown");
    let (handle, credential_id) =
        webauthn.identify_discoverable_authentication(&credential).map_err(|_| unknown())?;
    let record = state
        .store()
        .find_passkey_by_credential_id(&URL_SAFE_NO_PAD.encode(credential_id))
        .await
        .map_err(internal)?
        .ok_or_else(unknown)?;
    if record.user_handle != handle.to_string() {
        audit_refusal(state, &record.identity_id, "user_handle").await;
        return Err(unknown());
    }
    let mut passkey: Passkey = serde_json::from_str(&record.passkey_json).map_err(internal)?;
    let result = webauthn
        .finish_discoverable_authentication_v2(&credential, pending.authentication, &passkey)
        .map_err(|e| {
            tracing::info!(error = %e, "passkey assertion refused");
            refused("refused", "passkey.error.refused")
        });
    let result = match result {
        Ok(r) => r,
        Err(e) => {
            audit_refusal(state, &record.identity_id, "assertion").await;
            return Err(e);
        }
    };
    passkey.update_credential(&result);
    let count = i64::from(result.counter());
    let json = serde_json::to_string(&passkey).map_err(internal)?;
    if !state
        .store()
        .update_passkey_use(&record.id, record.sign_count, &json, count.max(record.sign_count), unix_now())
        .await
        .map_err(internal)?
    {
        audit_refusal(state, &record.identity_id, "counter").await;
        return Err(refused("refused", "passkey.error.refused"));
    }
    state.store().find_identity(&record.identity_id).await.map_err(internal)?.ok_or_else(unknown)
}

async fn audit_refusal(state: &PasskeyState, identity_id: &str, reason: &str) {
    let detail = serde_json::json!({ "method": "passkey", "reason": reason });
    if let Err(e) = state.store().create_audit_event("login.refused", Some(identity_id), None, &detail).await
    {
        tracing::warn!(error = %e, "audit event not written");
    }
}
