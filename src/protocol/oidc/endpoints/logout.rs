//! `GET /logout` (OIDC RP-Initiated Logout 1.0, the `end_session_endpoint`): with a valid
//! `id_token_hint` the session ends at once; without one the person confirms on a page
//! (`POST /logout/confirm`, CSRF-protected). Ending the session revokes its grants and
//! notifies the clients by back-channel logout. `post_logout_redirect_uri` must match a
//! registered value exactly (§3). (`POST /logout` is the portal's own logout form.)

use std::collections::HashMap;

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use serde_json::Value;

use crate::authn::session;
use crate::protocol::oidc::OidcState;
use crate::protocol::oidc::authorize_request::params_from_pairs;
use crate::protocol::oidc::endpoints::respond::untrusted_page;
use crate::protocol::oidc::logout::{EndSession, end_session};
use crate::store::unix_now;
use crate::web::csrf::CsrfForm;
use crate::web::error::{WebError, render};
use crate::web::page::PageCtx;

#[derive(Template)]
#[template(path = "oidc_logout.html")]
struct LogoutPage {
    page: PageCtx,
    /// Confirmation form fields; `None`: the person is logged out.
    confirm: Option<Vec<(String, String)>>,
}

/// The page that says the person is logged out (the end of a front-channel logout).
pub const DONE_PATH: &str = "/logout/done";

pub async fn done(page: PageCtx) -> Result<Response, WebError> {
    render(&LogoutPage { page, confirm: None })
}

pub async fn get(
    State(state): State<OidcState>,
    page: PageCtx,
    jar: CookieJar,
    RawQuery(q): RawQuery,
) -> Response {
    let q = q.unwrap_or_default();
    let pairs = form_urlencoded::parse(q.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned()));
    let params = match params_from_pairs(pairs) {
        Ok(p) => p,
        Err(e) => return untrusted_page(&e).into_response(),
    };
    respond(&state, page, jar, params, false).await.unwrap_or_else(IntoResponse::into_response)
}

pub async fn confirm(
    State(state): State<OidcState>,
    page: PageCtx,
    jar: CookieJar,
    CsrfForm(mut params): CsrfForm<HashMap<String, String>>,
) -> Result<Response, WebError> {
    params.remove("csrf");
    params.remove("id_token_hint");
    respond(&state, page, jar, params, true).await
}

async fn respond(
    state: &OidcState,
    page: PageCtx,
    jar: CookieJar,
    params: HashMap<String, String>,
    is_confirmed: bool,
) -> Result<Response, WebError> {
    let provider = state.oidc();
    // Find the client the request names (the hint's `aud`, read unverified only to choose
    // which client to look up; end_session verifies the hint).
    let hinted = params.get("id_token_hint").and_then(|h| hint_audience(h));
    let client_id = params.get("client_id").cloned().or(hinted);
    let client = match &client_id {
        Some(id) => state.store().find_oidc_client::<crate::protocol::oidc::client::Client>(id).await?,
        None => None,
    };
    let find = |id: &str| client.clone().filter(|c| c.id == id);
    let keys = match params.get("id_token_hint") {
        Some(hint) => provider.keys_for(state.store(), hint).await,
        None => provider.keys(),
    };
    let outcome: EndSession = match end_session(&params, &keys, provider.issuer(), &find, unix_now()) {
        Ok(o) => o,
        Err(e) => return Ok(untrusted_page(&e).into_response()),
    };
    let current = session::current(state, &jar).await?;
    // A hint for another session (an old id_token, someone else's) must not end this
    // browser's session by a mere link: the person confirms (attack review finding 3).
    let is_other_session = current.as_ref().is_some_and(|s| outcome.sid.as_deref() != Some(s.sid.as_str()));
    if (outcome.must_confirm || is_other_session) && !is_confirmed {
        let mut fields: Vec<(String, String)> =
            params.into_iter().filter(|(k, _)| k != "id_token_hint").collect();
        fields.sort();
        return render(&LogoutPage { page, confirm: Some(fields) });
    }
    let mut front_channel = None;
    let jar = match current {
        Some(s) => {
            // The session's relying parties hear of it (back-channel logout).
            session::end(state, &s).await?;
            state
                .store()
                .create_audit_event(
                    "logout",
                    Some(&s.identity_id),
                    outcome.client_id.as_deref(),
                    &serde_json::json!({ "initiated_by": "relying_party" }),
                )
                .await?;
            tracing::info!(client.id = outcome.client_id.as_deref().unwrap_or("-"), "RP-initiated logout");
            // Relying parties only the browser can reach are visited on the way out.
            let then = outcome.redirect_to.clone().unwrap_or_else(|| DONE_PATH.to_string());
            front_channel = state.events().front_channel(&s.sid, &then).await;
            session::clear_cookie(state, jar)
        }
        None => jar,
    };
    if let Some(first) = front_channel {
        return Ok((jar, Redirect::to(&first)).into_response());
    }
    match outcome.redirect_to {
        Some(to) => Ok((jar, Redirect::to(&to)).into_response()),
        None => Ok((jar, render(&LogoutPage { page, confirm: None })?).into_response()),
    }
}

/// The `aud` of a JWT, unverified.
fn hint_audience(token: &str) -> Option<String> {
    use base64::Engine as _;
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).ok()?;
    let claims: Value = serde_json::from_slice(&bytes).ok()?;
    match &claims["aud"] {
        Value::String(s) => Some(s.clone()),
        Value::Array(a) => a.first().and_then(Value::as_str).map(str::to_string),
        _ => None,
    }
}
