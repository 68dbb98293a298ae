//! `GET|POST /authorize` (OIDC Core §3.1.2): validate the request (plain, JAR or PAR),
//! then open a login transaction. With a live session that meets the level and no forced
//! login it is authenticated at once (single sign-on) and the browser goes to
//! `/authorize/resume`; otherwise to the login page. `prompt=none` never shows a page.

use std::cell::RefCell;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;

use crate::authn::session;
use crate::authn::transaction::{self, NewTransaction, Protocol};
use crate::domain::{AuthLevel, Language};
use crate::protocol::oidc::OidcState;
use crate::protocol::oidc::authorize_request::{
    AuthorizationRequest, AuthorizeContext, AuthorizeError, PAR_PREFIX, Prompt, params_from_pairs, validate,
};
use crate::protocol::oidc::code::storage_key;
use crate::protocol::oidc::endpoints::client_auth::{PendingReplays, client_keys};
use crate::protocol::oidc::endpoints::discovery::SCOPES;
use crate::protocol::oidc::endpoints::respond::{authorize_error, untrusted_page};
use crate::protocol::oidc::error::{ErrorCode, OAuthError};
use crate::protocol::oidc::{par, request_uri};
use crate::store::unix_now;
use crate::web::error::WebError;
use crate::web::middleware::ui_locales_cookie;
use crate::web::page::PageCtx;

/// Where an authenticated transaction comes back to the OpenID Provider (`{tx}`: its id).
pub const RESUME_PATH: &str = "/authorize/resume?tx={tx}";

pub async fn get(
    State(state): State<OidcState>,
    page: PageCtx,
    jar: CookieJar,
    RawQuery(query): RawQuery,
) -> Response {
    let query = query.unwrap_or_default();
    authorize(&state, page, jar, query.as_bytes()).await
}

/// OIDC Core §3.1.2.1: the request may also be a form POST.
pub async fn post(State(state): State<OidcState>, page: PageCtx, jar: CookieJar, body: Bytes) -> Response {
    authorize(&state, page, jar, &body).await
}

async fn authorize(state: &OidcState, page: PageCtx, jar: CookieJar, raw: &[u8]) -> Response {
    let issuer = state.oidc().issuer().to_string();
    let request = match validated(state, raw).await {
        Ok(r) => r,
        Err(e) => return authorize_error(page, &issuer, e),
    };
    match start_login(state, jar, &request).await {
        Ok(response) => response,
        Err(Refusal::Protocol(e)) => authorize_error(page, &issuer, e),
        Err(Refusal::Web(e)) => e.into_response(),
    }
}

enum Refusal {
    Protocol(AuthorizeError),
    Web(WebError),
}

/// Parses and validates the request; a `request_uri` is a pushed request (RFC 9126 §4).
async fn validated(state: &OidcState, raw: &[u8]) -> Result<AuthorizationRequest, AuthorizeError> {
    let pairs = form_urlencoded::parse(raw).map(|(k, v)| (k.into_owned(), v.into_owned()));
    let params = params_from_pairs(pairs).map_err(AuthorizeError::Untrusted)?;
    let server = |e| AuthorizeError::Untrusted(crate::protocol::oidc::endpoints::server_error(e));
    let client_id = params.get("client_id").map(String::as_str).unwrap_or_default();
    let client = state.oidc().client(state.store(), client_id).await.map_err(server)?;
    let now = unix_now();
    if let Some(uri) = params.get("request_uri").filter(|u| u.starts_with(PAR_PREFIX)) {
        let stored = state
            .store()
            .take_oidc_par_request::<crate::protocol::oidc::authorize_request::AuthorizationRequest>(
                &storage_key(uri),
            )
            .await
            .map_err(server)?;
        return par::resolve(&params, stored, now);
    }
    let mut params = params;
    if let (Some(c), Some(uri)) = (&client, params.remove("request_uri")) {
        let object = by_reference(state, c, &params, &uri).await?;
        params.insert("request".into(), object);
    }
    let keys = match (&client, params.get("request")) {
        (Some(c), Some(request)) => client_keys(state, c, Some(request)).await,
        _ => None,
    };
    let replays = RefCell::new(PendingReplays::default());
    let request = {
        let ctx = AuthorizeContext {
            issuer: state.oidc().issuer(),
            supported_scopes: SCOPES,
            client_keys: keys.as_ref(),
            now,
            replay: &replays,
        };
        validate(&params, client.as_deref(), &ctx)?
    };
    // A request object's jti is recorded on every node: a replay is refused.
    if !replays.into_inner().commit(state).await.map_err(AuthorizeError::Untrusted)? {
        return Err(redirect_error(
            &request,
            ErrorCode::InvalidRequestObject,
            "request object was already used",
        ));
    }
    Ok(request)
}

/// OIDC Core §6.2: fetches the request object a registered `request_uri` points at (the
/// guarded outbound client, `request_uri::MAX_BYTES`, a short cache). Refusals go to the
/// redirect URI of the query when it is registered, else to an error page.
async fn by_reference(
    state: &OidcState,
    client: &crate::protocol::oidc::client::Client,
    params: &std::collections::HashMap<String, String>,
    uri: &str,
) -> Result<String, AuthorizeError> {
    let refuse = |code: ErrorCode, description: &str| {
        let error = OAuthError::new(code, description);
        match params.get("redirect_uri").filter(|r| client.has_redirect_uri(r)) {
            Some(r) => AuthorizeError::Redirect {
                error,
                redirect_uri: r.clone(),
                state: params.get("state").cloned(),
                response_mode: crate::protocol::oidc::authorize_request::ResponseMode::Query,
            },
            None => AuthorizeError::Untrusted(error),
        }
    };
    if params.contains_key("request") {
        return Err(refuse(ErrorCode::InvalidRequest, "request and request_uri cannot both be sent"));
    }
    if !request_uri::is_registered(client, uri) {
        return Err(refuse(ErrorCode::InvalidRequestUri, "request_uri is not registered for this client"));
    }
    let cache = state.oidc().request_objects();
    if let Some(object) = cache.get(&client.id, uri) {
        return Ok(object);
    }
    let fetched = state.oidc().outbound().get_limited(uri, request_uri::MAX_BYTES).await.map_err(|e| {
        tracing::info!(client.id = %client.id, error = %e, "request_uri not fetched");
        refuse(ErrorCode::InvalidRequestUri, "request_uri could not be fetched")
    })?;
    let object =
        fetched.status.is_success().then(|| request_uri::object_of(&fetched.body)).flatten().ok_or_else(
            || refuse(ErrorCode::InvalidRequestUri, "request_uri did not return a request object"),
        )?;
    cache.put(&client.id, uri, &object);
    Ok(object)
}

fn redirect_error(request: &AuthorizationRequest, code: ErrorCode, description: &str) -> AuthorizeError {
    AuthorizeError::Redirect {
        error: OAuthError::new(code, description),
        redirect_uri: request.redirect_uri.clone(),
        state: request.state.clone(),
        response_mode: request.response_mode,
    }
}

async fn start_login(
    state: &OidcState,
    jar: CookieJar,
    request: &AuthorizationRequest,
) -> Result<Response, Refusal> {
    let required = request.required_level.and_then(|l| AuthLevel::new(l).ok()).unwrap_or(AuthLevel::LOW);
    let now = unix_now();
    let current = session::current(state, &jar).await.map_err(|e| Refusal::Web(e.into()))?;
    // OIDC Core §3.1.2.1: max_age forces a fresh login when the last one is older.
    let is_too_old = |auth_time: i64| {
        request.max_age.is_some_and(|m| now - auth_time > i64::try_from(m).unwrap_or(i64::MAX))
    };
    let usable = current.filter(|s| s.level.satisfies(required) && !is_too_old(s.auth_time));
    let is_forced = request.prompt.contains(&Prompt::Login);
    if request.prompt.contains(&Prompt::None) && usable.is_none() {
        return Err(Refusal::Protocol(redirect_error(
            request,
            ErrorCode::LoginRequired,
            "no session meets the request",
        )));
    }
    let new = NewTransaction {
        protocol: Protocol::Oidc,
        client_id: Some(request.client_id.clone()),
        request: request.clone(),
        resume_to: RESUME_PATH.into(),
        required_level: required,
        is_forced_login: is_forced || request.max_age.is_some() && usable.is_none(),
        login_hint: request.login_hint.clone(),
        ui_locale: request.ui_locales.iter().find(|l| Language::parse(l).is_ok()).cloned(),
    };
    let (jar, tx) = transaction::begin(state, jar, new).await.map_err(|e| Refusal::Web(e.into()))?;
    // OIDC Core §3.1.2.1 `ui_locales`: Poort's pages of this login speak the application's
    // preferred language (before the person's cookie and Accept-Language).
    let lifetime = state.settings().login_timeout_secs;
    let jar = match ui_locales_cookie(state.cookies(), &request.ui_locales, lifetime) {
        Some(cookie) => jar.add(cookie),
        None => jar,
    };
    match usable.filter(|_| !is_forced) {
        Some(s) => {
            let tx = transaction::authenticate_with_session(state, &tx, &s)
                .await
                .map_err(|e| Refusal::Web(e.into()))?;
            Ok((jar, Redirect::to(&tx.resume_path())).into_response())
        }
        None => Ok((jar, Redirect::to(&tx.login_url())).into_response()),
    }
}

/// An error page for a transaction that cannot resume (used by `resume`).
pub fn broken_request_page() -> Response {
    untrusted_page(&OAuthError::invalid_request("the authorization request cannot be resumed"))
        .into_response()
}
