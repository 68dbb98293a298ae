//! `/my/sessions`: the person's live sessions and the clients that hold their data, with
//! buttons to end a session (back-channel logout follows) or to withdraw a client's access
//! (its grants revoked, its consent forgotten). Forms are CSRF-protected; every action
//! checks that the session or client belongs to the person logged in.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;

use crate::authn::session::{self, BrowserSession};
use crate::protocol::oidc::OidcState;
use crate::store::unix_now;
use crate::web::csrf::CsrfForm;
use crate::web::error::{WebError, render};
use crate::web::page::PageCtx;

struct SessionView {
    sid: String,
    started: String,
    level: String,
    method: String,
    is_current: bool,
}

struct ClientView {
    id: String,
    name: String,
    scopes: String,
    grants: usize,
}

#[derive(Template)]
#[template(path = "oidc_sessions.html")]
struct SessionsPage {
    page: PageCtx,
    sessions: Vec<SessionView>,
    clients: Vec<ClientView>,
}

fn when(t: i64) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    time::OffsetDateTime::from_unix_timestamp(t).ok().and_then(|d| d.format(&format).ok()).unwrap_or_default()
}

async fn logged_in(state: &OidcState, jar: &CookieJar) -> Result<Option<BrowserSession>, WebError> {
    Ok(session::current(state, jar).await?)
}

pub async fn page(
    State(state): State<OidcState>,
    page: PageCtx,
    jar: CookieJar,
) -> Result<Response, WebError> {
    let Some(current) = logged_in(&state, &jar).await? else {
        return Ok(Redirect::to("/login?next=/my/sessions").into_response());
    };
    let sessions = session::list_for_identity(&state, &current.identity_id)
        .await?
        .into_iter()
        .map(|s| SessionView {
            is_current: s.sid == current.sid,
            started: when(s.created_at),
            level: s.level.fas_urn(),
            method: s.method,
            sid: s.sid,
        })
        .collect();
    let store = state.store();
    let mut per_client: BTreeMap<String, (usize, String)> = BTreeMap::new();
    for g in store.find_oidc_grants_of_identity::<crate::protocol::oidc::authorize_request::AuthorizationRequest, crate::protocol::oidc::grant::GrantAuth>(&current.identity_id, unix_now()).await? {
        per_client.entry(g.client_id).or_default().0 += 1;
    }
    for (client_id, scope, _) in store.find_oidc_consents_of_identity(&current.identity_id).await? {
        per_client.entry(client_id).or_default().1 = scope;
    }
    let mut clients = Vec::new();
    for (id, (grants, scopes)) in per_client {
        let name = store
            .find_oidc_client::<crate::protocol::oidc::client::Client>(&id)
            .await?
            .map(|c| c.name)
            .unwrap_or_else(|| id.clone());
        clients.push(ClientView { id, name, scopes, grants });
    }
    render(&SessionsPage { page, sessions, clients })
}

#[derive(Deserialize)]
pub struct EndForm {
    sid: String,
}

pub async fn end_session(
    State(state): State<OidcState>,
    jar: CookieJar,
    CsrfForm(form): CsrfForm<EndForm>,
) -> Result<Response, WebError> {
    let Some(current) = logged_in(&state, &jar).await? else {
        return Ok(Redirect::to("/login?next=/my/sessions").into_response());
    };
    let own = session::list_for_identity(&state, &current.identity_id).await?;
    let Some(target) = own.into_iter().find(|s| s.sid == form.sid) else {
        return Err(WebError::not_found("error.not_found"));
    };
    // The session's relying parties hear of it (back-channel logout).
    session::end(&state, &target).await?;
    if target.sid == current.sid {
        return Ok((session::clear_cookie(&state, jar), Redirect::to("/")).into_response());
    }
    Ok(Redirect::to("/my/sessions").into_response())
}

#[derive(Deserialize)]
pub struct RevokeForm {
    client_id: String,
}

pub async fn revoke_client(
    State(state): State<OidcState>,
    jar: CookieJar,
    CsrfForm(form): CsrfForm<RevokeForm>,
) -> Result<Response, WebError> {
    let Some(current) = logged_in(&state, &jar).await? else {
        return Ok(Redirect::to("/login?next=/my/sessions").into_response());
    };
    let store = state.store();
    let now = unix_now();
    for g in store.find_oidc_grants_of_identity::<crate::protocol::oidc::authorize_request::AuthorizationRequest, crate::protocol::oidc::grant::GrantAuth>(&current.identity_id, now).await? {
        if g.client_id == form.client_id {
            store.update_oidc_grant_revoked(&g.id, now).await?;
        }
    }
    store.delete_oidc_consent(&current.identity_id, &form.client_id).await?;
    store
        .create_audit_event(
            "oidc.access_withdrawn",
            Some(&current.identity_id),
            Some(&form.client_id),
            &serde_json::json!({}),
        )
        .await?;
    tracing::info!(client.id = %form.client_id, "a person withdrew a client's access");
    Ok(Redirect::to("/my/sessions").into_response())
}
