//! "My digital keys" (`/my/keys`, the first card of the home page): a logged-in person
//! creates or changes their username and password, sets the e-mail address for codes,
//! enrols or removes an authenticator app, orders a token card, and sees recent logins.
//!
//! Viewing needs any session; every change needs a session at Level450 or higher (eID
//! or itsme), as CSAM does: a password cannot be used to change itself. Passkeys
//! (WebAuthn, `crate::authn::passkey`) are listed here when enabled; registering one
//! needs JavaScript.

mod account;
mod second_factors;

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::cookie::CookieJar;
use http::StatusCode;

use crate::authn::Authn;
use crate::authn::password::PasswordService;
use crate::authn::session::{self, BrowserSession};
use crate::store::identities::Identity;
use crate::store::password::PasswordAccount;
use crate::web::error::WebError;
use crate::web::page::PageCtx;

/// The page's state: the login layer, the password service, and whether passkeys are on.
/// Derefs to [`Authn`].
#[derive(Clone, Debug)]
pub struct MyKeysState {
    pub authn: Authn,
    pub password: PasswordService,
    pub are_passkeys_enabled: bool,
}

impl std::ops::Deref for MyKeysState {
    type Target = Authn;
    fn deref(&self) -> &Authn {
        &self.authn
    }
}

impl MyKeysState {
    pub fn password(&self) -> &PasswordService {
        &self.password
    }
}

pub fn router() -> Router<MyKeysState> {
    Router::new()
        .route("/my/keys", get(show))
        .route("/my/keys/account", post(account::create))
        .route("/my/keys/password", post(account::change_password))
        .route("/my/keys/email", post(account::set_email))
        .route("/my/keys/app", get(second_factors::show_enrolment))
        .route("/my/keys/app/start", post(second_factors::start_app))
        .route("/my/keys/app/confirm", post(second_factors::confirm_app))
        .route("/my/keys/app/remove", post(second_factors::remove_app))
        .route("/my/keys/card", post(second_factors::order_card))
}

pub use crate::authn::CHANGE_LEVEL;

/// Who is managing their keys.
pub(crate) struct Owner {
    session: BrowserSession,
    identity: Identity,
    national_number: Option<String>,
    account: Option<PasswordAccount>,
}

impl Owner {
    fn may_change(&self) -> bool {
        self.session.level.satisfies(CHANGE_LEVEL) && self.national_number.is_some()
    }
}

/// The logged-in person, or a redirect to the portal login.
async fn owner(state: &MyKeysState, jar: &CookieJar) -> Result<Result<Owner, Response>, WebError> {
    let Some(session) = session::current(state, jar).await? else {
        return Ok(Err(Redirect::to("/login?next=/my/keys").into_response()));
    };
    let Some(identity) = state.store().find_identity(&session.identity_id).await? else {
        return Ok(Err(Redirect::to("/login?next=/my/keys").into_response()));
    };
    let national_number = identity.national_number.as_ref().map(|n| n.as_str().to_string());
    let account = match &national_number {
        Some(n) => state.password().account_of(n).await.map_err(WebError::internal)?,
        None => None,
    };
    Ok(Ok(Owner { session, identity, national_number, account }))
}

/// Changes need Level450+: otherwise the page with a notice, 403.
async fn changer(
    state: &MyKeysState,
    jar: &CookieJar,
    page: PageCtx,
) -> Result<Result<Owner, Response>, WebError> {
    match owner(state, jar).await? {
        Ok(owner) if owner.may_change() => Ok(Ok(owner)),
        Ok(owner) => {
            let notice = Some(page.t("password.keys.need_strong_login").to_string());
            Ok(Err(render_keys(state, page, &owner, StatusCode::FORBIDDEN, notice, None).await?))
        }
        Err(redirect) => Ok(Err(redirect)),
    }
}

/// Like [`changer`], for changes to an existing account: also refuses (400) when the
/// person has no username/password account yet.
async fn account_changer(
    state: &MyKeysState,
    jar: &CookieJar,
    page: PageCtx,
) -> Result<Result<(Owner, PasswordAccount), Response>, WebError> {
    let owner = match changer(state, jar, page).await? {
        Ok(owner) => owner,
        Err(response) => return Ok(Err(response)),
    };
    let Some(account) = owner.account.clone() else {
        return Err(WebError::bad_request("password.keys.no_account"));
    };
    Ok(Ok((owner, account)))
}

struct PasskeyView {
    id: String,
    name: String,
    created: String,
    last_used: String,
}

struct LoginView {
    at: String,
    outcome_key: &'static str,
    method: String,
    level: String,
}

#[derive(Template)]
#[template(path = "my_keys.html")]
struct KeysPage {
    page: PageCtx,
    name: String,
    may_change: bool,
    has_national_number: bool,
    account: Option<PasswordAccount>,
    email: String,
    has_app: bool,
    is_enrolling: bool,
    card: Option<(String, usize)>,
    logins: Vec<LoginView>,
    passkeys_enabled: bool,
    passkeys: Vec<PasskeyView>,
    notice: Option<String>,
    error: Option<String>,
    rules: String,
}

fn format_time(at: i64) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    time::OffsetDateTime::from_unix_timestamp(at)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_default()
}

/// Renders the page with an optional notice (ok) or error, at `status`.
async fn render_keys(
    state: &MyKeysState,
    page: PageCtx,
    owner: &Owner,
    status: StatusCode,
    notice: Option<String>,
    error: Option<String>,
) -> Result<Response, WebError> {
    let service = state.password();
    let (has_app, is_enrolling, card) = match &owner.account {
        Some(a) => (
            service.has_app(a).await.map_err(WebError::internal)?,
            service.app_enrolment(a).await.map_err(WebError::internal)?.is_some(),
            service.token_card_status(a).await.map_err(WebError::internal)?,
        ),
        None => (false, false, None),
    };
    let logins = state
        .store()
        .find_audit_events_of_identity(&owner.identity.id, 30)
        .await?
        .into_iter()
        .filter(|(_, kind, _)| kind.starts_with("login."))
        .take(10)
        .map(|(at, kind, detail)| LoginView {
            at: format_time(at),
            outcome_key: if kind == "login.success" {
                "password.keys.login_success"
            } else {
                "password.keys.login_refused"
            },
            method: detail.get("method").and_then(|m| m.as_str()).unwrap_or("-").to_string(),
            level: detail.get("level").map(|l| l.to_string()).unwrap_or_else(|| "-".into()),
        })
        .collect();
    let passkeys_enabled = state.are_passkeys_enabled;
    let passkeys = if passkeys_enabled {
        state
            .store()
            .list_passkeys_of_identity(&owner.identity.id)
            .await?
            .into_iter()
            .map(|p| PasskeyView {
                id: p.id,
                name: p.name,
                created: format_time(p.created_at),
                last_used: p.last_used_at.map(format_time).unwrap_or_else(|| "-".into()),
            })
            .collect()
    } else {
        Vec::new()
    };
    let policy = service.policy();
    let rules = page.tr.fmt(
        "password.keys.rules",
        &[
            ("umin", &policy.username_min.to_string()),
            ("umax", &policy.username_max.to_string()),
            ("min", &policy.password_min.to_string()),
            ("max", &policy.password_max.to_string()),
            ("nonletters", &policy.min_non_letters.to_string()),
            ("chars", &policy.special_chars),
        ],
    );
    let template = KeysPage {
        name: owner.identity.full_name(),
        may_change: owner.may_change(),
        has_national_number: owner.national_number.is_some(),
        email: owner.account.as_ref().and_then(|a| a.email.clone()).unwrap_or_default(),
        account: owner.account.clone(),
        has_app,
        is_enrolling,
        card,
        logins,
        passkeys_enabled,
        passkeys,
        notice,
        error,
        rules,
        page,
    };
    let html = template.render().map_err(|e| WebError::Internal(anyhow::anyhow!("template: {e}")))?;
    Ok((status, Html(html)).into_response())
}

async fn show(page: PageCtx, State(state): State<MyKeysState>, jar: CookieJar) -> Result<Response, WebError> {
    match owner(&state, &jar).await? {
        Ok(owner) => render_keys(&state, page, &owner, StatusCode::OK, None, None).await,
        Err(redirect) => Ok(redirect),
    }
}
