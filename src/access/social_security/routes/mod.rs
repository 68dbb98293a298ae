//! The pages of social-security access management, on the main listener (every form
//! carries `csrf`; nothing needs JavaScript; refusals are translated error pages):
//!
//! | route | what |
//! | --- | --- |
//! | `GET /access/enterprises/{number}` | the enterprise's qualities; activate one |
//! | `POST /access/enterprises/{number}/qualities` | activate (e-mail; myself or a local admin) |
//! | `GET /access/enterprises/{number}/qualities/{code}` | users (filters, paging, delete selected, CSV), the tree and its add forms |
//! | `POST …/{code}/local-admin`, `…/co-local-admins`, `…/subdivisions`, `…/subdivisions/{s}/sites`, `…/subdivisions/{s}/sites/{t}/users`, `…/users/remove` | the actions |
//! | `GET …/{code}/users/{grant}` | a user: why each application is or is not effective |
//! | `GET …/{code}/users.csv` | the CSV export |

mod pages;

use axum::Router;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::cookie::CookieJar;

use super::{Refusal, SocialSecurity, SsError};
use crate::access::btb::Who;
use crate::authn::{Authn, session};
use crate::web::error::{ErrorPage, WebError};
use crate::web::page::PageCtx;

/// The pages' state: the login layer (sessions) and the service.
#[derive(Clone, Debug)]
pub struct SsPages {
    pub authn: Authn,
    pub ss: SocialSecurity,
}

pub fn router() -> Router<SsPages> {
    const Q: &str = "/access/enterprises/{number}/qualities/{code}";
    let q = |rest: &str| format!("{Q}{rest}");
    Router::new()
        .route("/access/enterprises/{number}", get(pages::enterprise))
        .route("/access/enterprises/{number}/qualities", post(pages::activate))
        .route(Q, get(pages::quality))
        .route(&q("/users.csv"), get(pages::users_csv))
        .route(&q("/users/{grant}"), get(pages::user))
        .route(&q("/users/remove"), post(pages::remove))
        .route(&q("/local-admin"), post(pages::change_local_admin))
        .route(&q("/co-local-admins"), post(pages::add_co_local_admin))
        .route(&q("/subdivisions"), post(pages::add_subdivision))
        .route(&q("/subdivisions/{subdivision}/sites"), post(pages::add_site))
        .route(&q("/subdivisions/{subdivision}/sites/{site}/users"), post(pages::add_user))
}

/// The logged-in person, or the login page at the level the actions need.
pub(super) async fn who(
    state: &SsPages,
    jar: &CookieJar,
    page: &PageCtx,
    next: &str,
) -> Result<Result<Who, Response>, WebError> {
    let level = state.ss.btb().settings().required_level.number();
    let login = || {
        let next: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
        Redirect::to(&format!("/login?next={next}&level={level}")).into_response()
    };
    let Some(session) = session::current(&state.authn, jar).await? else { return Ok(Err(login())) };
    let identity = state.authn.store().find_identity(&session.identity_id).await?;
    let Some(person) = identity.and_then(|i| i.national_number) else {
        return Err(refusal_page(Refusal::PersonUnknown));
    };
    if session.level < state.ss.btb().settings().required_level {
        return Ok(Err(login()));
    }
    Ok(Ok(Who {
        person,
        level: session.level,
        session_ref: format!("session:{}", session.sid),
        language: page.lang(),
    }))
}

fn refusal_page(r: Refusal) -> WebError {
    WebError::Page(ErrorPage::new(r.status(), r.code(), "ss.refused_title", r.message_key()))
}

impl From<SsError> for WebError {
    fn from(e: SsError) -> Self {
        match e {
            SsError::Refused(r) => refusal_page(r),
            other => WebError::internal(other),
        }
    }
}

/// The i18n key of a troubleshooting check.
pub fn check_key(code: &str) -> &'static str {
    match code {
        "allowed_by_quality" => "ss.check.allowed_by_quality",
        "enabled_on_quality" => "ss.check.enabled_on_quality",
        "enabled_on_subdivision" => "ss.check.enabled_on_subdivision",
        "enabled_on_site" => "ss.check.enabled_on_site",
        _ => "ss.check.ticked_for_user",
    }
}
