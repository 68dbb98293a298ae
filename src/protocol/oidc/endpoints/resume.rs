//! `GET /authorize/resume?tx=…`: the authenticated transaction comes back to the OpenID
//! Provider, which asks the profile module which profile the person acts in (taking it, or
//! sending the browser to the module's chooser, which comes back here), asks for consent
//! when needed, issues the code, finishes the transaction exactly once and answers the
//! client. `POST /authorize/consent` takes the consent answer.
//!
//! Which profile, and when the chooser appears, is the profile module's rule
//! (`profile::choose`): the client's bound domains and applications, `prompt=select_account`,
//! and an `enterprise_number` pin.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;
use serde_json::json;

use crate::authn::AuthnError;
use crate::authn::transaction::{self, LoginTransaction, Protocol, TxStatus};
use crate::profile::{ChoiceRequest, Decision};
use crate::protocol::oidc::OidcState;
use crate::protocol::oidc::authorize_request::{AuthorizationRequest, AuthorizeError, Prompt};
use crate::protocol::oidc::client::Client;
use crate::protocol::oidc::code::{new_grant_id, new_handle, storage_key};
use crate::protocol::oidc::endpoints::authorize::broken_request_page;
use crate::protocol::oidc::endpoints::respond::{authorize_error, to_client};
use crate::protocol::oidc::error::{ErrorCode, OAuthError};
use crate::protocol::oidc::grant::{Grant, GrantAuth};
use crate::protocol::oidc::tokens;
use crate::store::unix_now;
use crate::web::csrf::CsrfForm;
use crate::web::error::{WebError, render};
use crate::web::page::PageCtx;

#[derive(Deserialize)]
pub struct ResumeQuery {
    tx: String,
}

pub async fn resume(
    State(state): State<OidcState>,
    page: PageCtx,
    jar: CookieJar,
    Query(q): Query<ResumeQuery>,
) -> Response {
    match continue_tx(&state, page, &jar, &q.tx).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

/// The transaction, its request and its client; anything else is an error page.
async fn load(
    state: &OidcState,
    jar: &CookieJar,
    tx_id: &str,
) -> Result<Result<(LoginTransaction, AuthorizationRequest, Client), Response>, WebError> {
    let tx = transaction::load(state, jar, tx_id).await?;
    if tx.protocol != Protocol::Oidc {
        return Ok(Err(broken_request_page()));
    }
    match tx.status {
        TxStatus::Authenticated => {}
        TxStatus::Pending => return Ok(Err(Redirect::to(&tx.login_url()).into_response())),
        TxStatus::Completed | TxStatus::Failed => return Err(AuthnError::AlreadyUsed.into()),
    }
    let request: AuthorizationRequest = tx.request()?;
    let Some(client) =
        state.store().find_oidc_client::<crate::protocol::oidc::client::Client>(&request.client_id).await?
    else {
        return Ok(Err(broken_request_page()));
    };
    Ok(Ok((tx, request, client)))
}

fn to_client_error(
    page: PageCtx,
    state: &OidcState,
    request: &AuthorizationRequest,
    code: ErrorCode,
    d: &str,
) -> Response {
    authorize_error(
        page,
        state.oidc().issuer(),
        AuthorizeError::Redirect {
            error: OAuthError::new(code, d),
            redirect_uri: request.redirect_uri.clone(),
            state: request.state.clone(),
            response_mode: request.response_mode,
        },
    )
}

async fn continue_tx(
    state: &OidcState,
    page: PageCtx,
    jar: &CookieJar,
    tx_id: &str,
) -> Result<Response, WebError> {
    let (tx, request, client) = match load(state, jar, tx_id).await? {
        Ok(loaded) => loaded,
        Err(page) => return Ok(page),
    };
    let Some(auth) = tx.authentication.clone() else { return Ok(broken_request_page()) };
    if !auth.context.level.satisfies(tx.required_level) {
        return Ok(to_client_error(
            page,
            state,
            &request,
            ErrorCode::AccessDenied,
            "the level reached is too low",
        ));
    }
    let profile = match tx.profile.clone() {
        Some(p) => p,
        None => {
            let person =
                state.store().find_identity(&auth.identity_id).await?.and_then(|i| i.national_number);
            let audience = client.audience();
            let req = ChoiceRequest {
                relying_party: &client.id,
                relying_party_name: &client.name,
                audience: &audience,
                always_ask: request.prompt.contains(&Prompt::SelectAccount),
                pinned: request.enterprise_number.as_ref(),
            };
            match state.profiles.decide(&auth.identity_id, person.as_ref(), &req, page.lang()).await? {
                Decision::Take(p) => {
                    transaction::set_profile(state, &tx.id, &p).await?;
                    p
                }
                Decision::Ask(offer) => {
                    if request.prompt.contains(&Prompt::None) {
                        return Ok(to_client_error(
                            page,
                            state,
                            &request,
                            ErrorCode::AccountSelectionRequired,
                            "the person must choose a profile",
                        ));
                    }
                    let to = crate::profile::routes::offer(state, &tx.id, &offer).await?;
                    return Ok(Redirect::to(&to).into_response());
                }
                Decision::Refuse(r) => {
                    return Ok(to_client_error(
                        page,
                        state,
                        &request,
                        ErrorCode::AccessDenied,
                        r.description(),
                    ));
                }
            }
        }
    };
    // Consent (OIDC Core §3.1.2.4): first-party clients skip it unless prompt=consent.
    let settings = state.oidc().settings();
    let consent = state.store().find_oidc_consent(&auth.identity_id, &client.id).await?;
    // What will be released: the scopes, and those of claims the claims parameter names.
    let released = tokens::requested_scopes(&client, &request.scopes, &request.claims);
    let is_covered = consent.as_ref().is_some_and(|(scopes, at)| {
        released.iter().all(|s| scopes.contains(s))
            && (!request.prompt.contains(&Prompt::Consent) || *at >= tx.created_at)
    });
    let is_skipped = client.is_first_party
        && settings.is_consent_skipped_for_first_party
        && !request.prompt.contains(&Prompt::Consent);
    if !is_covered && !is_skipped {
        if request.prompt.contains(&Prompt::None) {
            return Ok(to_client_error(
                page,
                state,
                &request,
                ErrorCode::ConsentRequired,
                "consent is required",
            ));
        }
        let scopes = released
            .iter()
            .filter(|s| tokens::is_scope_promised(&client, s))
            .map(|s| page.t(&format!("openid.scope.{s}")).to_string())
            .collect();
        let is_demo = page.is_demo;
        let shown = |uri: &Option<String>| uri.clone().filter(|u| is_displayable(u, is_demo));
        let redirect_host = url::Url::parse(&request.redirect_uri)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_else(|| request.redirect_uri.clone());
        let logo_uri = shown(&client.display.logo_uri);
        let has_logo = logo_uri.is_some();
        let mut response = render(&ConsentPage {
            page,
            tx_id: tx.id.clone(),
            client_name: client.name.clone(),
            redirect_host,
            scopes,
            logo_uri,
            policy_uri: shown(&client.display.policy_uri),
            tos_uri: shown(&client.display.tos_uri),
        })?;
        if has_logo {
            // The registered logo is an https image of the client's: let only images in.
            response.headers_mut().insert(
                http::header::CONTENT_SECURITY_POLICY,
                http::HeaderValue::from_static(crate::web::middleware::CSP_IMG_HTTPS),
            );
        }
        return Ok(response);
    }
    // Exactly once: a second resume of the same transaction gets no second code.
    if !transaction::finish(state, &tx.id).await? {
        return Err(AuthnError::AlreadyUsed.into());
    }
    let now = unix_now();
    let code = new_handle();
    let grant = Grant {
        id: new_grant_id(),
        client_id: client.id.clone(),
        identity_id: auth.identity_id.clone(),
        sid: auth.session_sid.clone(),
        request: request.clone(),
        auth: GrantAuth { context: auth.context.clone(), profile },
        code_expires_at: now + settings.code_lifetime_secs,
        code_used_at: None,
        expires_at: now + client.lifetimes.refresh_family,
        revoked_at: None,
        created_at: now,
    };
    state.store().create_oidc_grant(&grant, &storage_key(&code)).await?;
    let detail = json!({ "scope": request.scopes.join(" "), "acr": auth.context.level.fas_urn() });
    state
        .store()
        .create_audit_event("oidc.code_issued", Some(&auth.identity_id), Some(&client.id), &detail)
        .await?;
    tracing::info!(client.id = %client.id, "authorization code issued");
    let mut params = vec![("code".to_string(), code)];
    if let Some(s) = &request.state {
        params.push(("state".into(), s.clone()));
    }
    Ok(to_client(page, state.oidc().issuer(), &request.redirect_uri, request.response_mode, params))
}

#[derive(Template)]
#[template(path = "oidc_consent.html")]
struct ConsentPage {
    page: PageCtx,
    tx_id: String,
    client_name: String,
    /// Where the answer goes: the host of the redirect URI (the name is self-chosen).
    redirect_host: String,
    scopes: Vec<String>,
    /// RFC 7591 §2 display metadata, https only (http on loopback in demo mode); askama
    /// escapes them.
    logo_uri: Option<String>,
    policy_uri: Option<String>,
    tos_uri: Option<String>,
}

/// A client's display URI is shown only over https — or, in demo mode, http on loopback.
fn is_displayable(uri: &str, is_demo: bool) -> bool {
    match url::Url::parse(uri) {
        Ok(u) => match u.scheme() {
            "https" => true,
            "http" => is_demo && matches!(u.host_str(), Some("127.0.0.1" | "localhost" | "[::1]")),
            _ => false,
        },
        Err(_) => false,
    }
}

#[derive(Deserialize)]
pub struct ConsentForm {
    tx: String,
    decision: String,
}

/// `POST /authorize/consent`: remember the consent and resume, or tell the client
/// `access_denied`.
pub async fn consent(
    State(state): State<OidcState>,
    page: PageCtx,
    jar: CookieJar,
    CsrfForm(form): CsrfForm<ConsentForm>,
) -> Result<Response, WebError> {
    let (tx, request, client) = match load(&state, &jar, &form.tx).await? {
        Ok(loaded) => loaded,
        Err(page) => return Ok(page),
    };
    let Some(auth) = tx.authentication.as_ref() else { return Ok(broken_request_page()) };
    let kind = if form.decision == "allow" { "oidc.consent_given" } else { "oidc.consent_refused" };
    let detail = json!({ "scope": request.scopes.join(" ") });
    state.store().create_audit_event(kind, Some(&auth.identity_id), Some(&client.id), &detail).await?;
    if form.decision != "allow" {
        transaction::finish(&state, &tx.id).await?;
        return Ok(to_client_error(
            page,
            &state,
            &request,
            ErrorCode::AccessDenied,
            "the person did not consent",
        ));
    }
    let released = tokens::requested_scopes(&client, &request.scopes, &request.claims);
    state.store().upsert_oidc_consent(&auth.identity_id, &client.id, &released, unix_now()).await?;
    Ok(Redirect::to(&tx.resume_path()).into_response())
}
