//! The changes to a quality's tree: appoint a local admin, a co-local admin or a user,
//! add a subdivision or a site, and delete the selected roles.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;

use super::{Fields, number};
use crate::access::social_security::manage::PlaceForm;
use crate::access::social_security::routes::{SsPages, who};
use crate::access::social_security::rules::Action;
use crate::store::access_grants::GrantRole;
use crate::store::social_security::QualityRow;
use crate::web::csrf::CsrfForm;
use crate::web::error::WebError;
use crate::web::page::PageCtx;

/// The quality of the path and where to go back to.
async fn target(state: &SsPages, raw: &str, code: &str) -> Result<(QualityRow, String), WebError> {
    let number = number(raw)?;
    let quality = state.ss.quality(&number, code).await?;
    Ok((quality, format!("/access/enterprises/{}/qualities/{}#tree", number.as_str(), code)))
}

async fn appoint(
    state: &SsPages,
    who: &crate::access::btb::Who,
    (raw, code): (&str, &str),
    places: (Option<&str>, Option<&str>),
    (role, action): (GrantRole, Action),
    f: &Fields,
) -> Result<Response, WebError> {
    let (quality, back) = target(state, raw, code).await?;
    let (sub, site) = match places.0 {
        None => (None, None),
        Some(s) => {
            let (s, t) = state.ss.places(&quality, s, places.1).await?;
            (Some(s), t)
        }
    };
    let decision = state.ss.may_manage(who, &quality, sub.as_ref(), site.as_ref(), action).await?;
    let id = state
        .ss
        .appoint(
            &decision,
            &quality,
            (sub.as_ref(), site.as_ref()),
            role,
            &f.person(""),
            f.account().as_ref(),
        )
        .await?;
    if role == GrantRole::LocalAdmin {
        for g in state.ss.store().find_ss_grants_of_quality(&quality.id).await.map_err(WebError::internal)? {
            if g.role == GrantRole::LocalAdmin && g.grant_id != id {
                state.ss.remove(&decision, &g).await?;
            }
        }
    }
    Ok(Redirect::to(&back).into_response())
}

macro_rules! appoint_handler {
    ($name:ident, $path:ty, |$p:pat_param| $places:expr, $role:expr, $action:expr) => {
        pub(in crate::access::social_security::routes) async fn $name(
            page: PageCtx,
            State(state): State<SsPages>,
            jar: CookieJar,
            Path(path): Path<$path>,
            CsrfForm(form): CsrfForm<Vec<(String, String)>>,
        ) -> Result<Response, WebError> {
            let $p = &path;
            let (raw, code, places) = $places;
            let who = who_or_login!(state, jar, page, format!("/access/enterprises/{raw}/qualities/{code}"));
            appoint(&state, &who, (raw, code), places, ($role, $action), &Fields(form)).await
        }
    };
}

appoint_handler!(
    change_local_admin,
    (String, String),
    |(r, c)| (r.as_str(), c.as_str(), (None, None)),
    GrantRole::LocalAdmin,
    Action::AppointLocalAdmin
);
appoint_handler!(
    add_co_local_admin,
    (String, String),
    |(r, c)| (r.as_str(), c.as_str(), (None, None)),
    GrantRole::CoLocalAdmin,
    Action::ManageQuality
);
appoint_handler!(
    add_user,
    (String, String, String, String),
    |(r, c, s, t)| (r.as_str(), c.as_str(), (Some(s.as_str()), Some(t.as_str()))),
    GrantRole::SiteUser,
    Action::ManageSite
);

async fn add_place(
    state: &SsPages,
    who: &crate::access::btb::Who,
    (raw, code): (&str, &str),
    subdivision: Option<&str>,
    f: &Fields,
) -> Result<Response, WebError> {
    let (quality, back) = target(state, raw, code).await?;
    let sub = match subdivision {
        None => None,
        Some(s) => Some(state.ss.places(&quality, s, None).await?.0),
    };
    let action = if sub.is_some() { Action::ManageSubdivision } else { Action::ManageQuality };
    let decision = state.ss.may_manage(who, &quality, sub.as_ref(), None, action).await?;
    let form = PlaceForm {
        type_code: f.get("type"),
        identifier: f.get("identifier"),
        name: f.get("name"),
        email: f.get("email"),
        applications: f.all("applications"),
        admin: f.admin(),
    };
    state.ss.add_place(&decision, who, &quality, sub.as_ref(), &form).await?;
    Ok(Redirect::to(&back).into_response())
}

pub(in crate::access::social_security::routes) async fn add_subdivision(
    page: PageCtx,
    State(state): State<SsPages>,
    jar: CookieJar,
    Path((raw, code)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let who = who_or_login!(state, jar, page, format!("/access/enterprises/{raw}/qualities/{code}"));
    add_place(&state, &who, (&raw, &code), None, &Fields(form)).await
}

pub(in crate::access::social_security::routes) async fn add_site(
    page: PageCtx,
    State(state): State<SsPages>,
    jar: CookieJar,
    Path((raw, code, sub)): Path<(String, String, String)>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let who = who_or_login!(state, jar, page, format!("/access/enterprises/{raw}/qualities/{code}"));
    add_place(&state, &who, (&raw, &code), Some(&sub), &Fields(form)).await
}

/// "Delete selected": every checked role, each decided at its own place.
pub(in crate::access::social_security::routes) async fn remove(
    page: PageCtx,
    State(state): State<SsPages>,
    jar: CookieJar,
    Path((raw, code)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let who = who_or_login!(state, jar, page, format!("/access/enterprises/{raw}/qualities/{code}"));
    let (quality, back) = target(&state, &raw, &code).await?;
    for id in Fields(form).all("grant") {
        let g = state.ss.grant(&quality, &id).await?;
        let (sub, site) = state.ss.places_of(&quality, &g).await?;
        let action = match (&sub, &site, g.role) {
            (_, Some(_), _) => Action::ManageSite,
            (Some(_), None, _) => Action::ManageSubdivision,
            (None, None, GrantRole::LocalAdmin) => Action::AppointLocalAdmin,
            (None, None, _) => Action::ManageQuality,
        };
        let decision = state.ss.may_manage(&who, &quality, sub.as_ref(), site.as_ref(), action).await?;
        state.ss.remove(&decision, &g).await?;
    }
    Ok(Redirect::to(&back.replace("#tree", "#users")).into_response())
}
