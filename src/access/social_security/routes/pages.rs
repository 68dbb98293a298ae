//! The handlers: extract, call the service, render or redirect.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;

use super::{SsPages, who};
use crate::access::social_security::Refusal;
use crate::access::social_security::capability::ViewRight;
use crate::access::social_security::list::{UserListQuery, csv_response};
use crate::access::social_security::manage::{
    AccountForm, AdminChoice, Explanation, PersonForm, PlaceForm, Tree, UserView,
};
use crate::access::social_security::rules::Action;
use crate::access::social_security::settings::QualitySetting;
use crate::domain::{EnterpriseNumber, Language};
use crate::store::access_grants::GrantRole;
use crate::store::social_security::QualityRow;
use crate::web::csrf::CsrfForm;
use crate::web::error::{WebError, render};
use crate::web::page::PageCtx;

macro_rules! who_or_login {
    ($state:expr, $jar:expr, $page:expr, $next:expr) => {
        match who(&$state, &$jar, &$page, &$next).await? {
            Ok(w) => w,
            Err(redirect) => return Ok(redirect),
        }
    };
}

fn number(raw: &str) -> Result<EnterpriseNumber, WebError> {
    EnterpriseNumber::parse(raw).map_err(|_| {
        WebError::from(crate::access::social_security::SsError::from(Refusal::BadEnterpriseNumber))
    })
}

/// A form's fields, repeated ones (check boxes) included.
struct Fields(Vec<(String, String)>);

impl Fields {
    fn get(&self, name: &str) -> String {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim().to_string()).unwrap_or_default()
    }

    fn all(&self, name: &str) -> Vec<String> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.trim().to_string()).collect()
    }

    /// The person part of a form (fields with `prefix`).
    fn person(&self, prefix: &str) -> PersonForm {
        let f = |n: &str| self.get(&format!("{prefix}{n}"));
        PersonForm {
            national_number: f("national_number"),
            title: f("title"),
            language: f("language"),
            email: f("email"),
            local_email: f("local_email"),
            applications: self.all(&format!("{prefix}applications")),
            functions: self.all(&format!("{prefix}functions")),
        }
    }

    fn account(&self) -> Option<AccountForm> {
        let a = AccountForm {
            username: self.get("username"),
            username_confirm: self.get("username_confirm"),
            password: self
                .0
                .iter()
                .find(|(k, _)| k == "password")
                .map(|(_, v)| v.clone())
                .unwrap_or_default(),
            password_confirm: self
                .0
                .iter()
                .find(|(k, _)| k == "password_confirm")
                .map(|(_, v)| v.clone())
                .unwrap_or_default(),
        };
        (!a.username.is_empty()).then_some(a)
    }

    /// "myself", "appoint" (the `admin_` fields) or nobody.
    fn admin(&self) -> Option<AdminChoice> {
        match self.get("manage").as_str() {
            "myself" => Some(AdminChoice::Myself),
            "appoint" => Some(AdminChoice::Person {
                person: Box::new(self.person("admin_")),
                account: self.account().map(Box::new),
            }),
            _ => None,
        }
    }
}

/// An option of a select or check box list.
struct Choice {
    code: String,
    name: String,
}

fn applications(state: &SsPages, codes: &[String], lang: Language) -> Vec<Choice> {
    codes
        .iter()
        .map(|c| Choice {
            code: c.clone(),
            name: state
                .ss
                .settings()
                .application(c)
                .map(|a| a.names.get(lang).to_string())
                .unwrap_or_else(|| c.clone()),
        })
        .collect()
}

struct QualityLine {
    code: String,
    name: String,
    email: String,
}

#[derive(Template)]
#[template(path = "ss/enterprise.html")]
struct EnterprisePage {
    page: PageCtx,
    number: String,
    formatted: String,
    qualities: Vec<QualityLine>,
    catalogue: Vec<Choice>,
    all_applications: Vec<Choice>,
}

pub(super) async fn enterprise(
    page: PageCtx,
    State(state): State<SsPages>,
    jar: CookieJar,
    Path(raw): Path<String>,
) -> Result<Response, WebError> {
    let who = who_or_login!(state, jar, page, format!("/access/enterprises/{raw}"));
    let number = number(&raw)?;
    let lang = page.lang();
    let list = state.ss.visible_qualities(&who, &number).await?;
    let qualities = list
        .iter()
        .map(|q| QualityLine {
            code: q.code.clone(),
            name: state
                .ss
                .settings()
                .quality(&q.code)
                .map(|s| s.names.get(lang).to_string())
                .unwrap_or_else(|| q.names[0].clone()),
            email: q.email.clone(),
        })
        .collect();
    let catalogue = state
        .ss
        .settings()
        .qualities
        .iter()
        .map(|q| Choice { code: q.code.clone(), name: q.names.get(lang).to_string() })
        .collect();
    let all: Vec<String> = state.ss.settings().applications.iter().map(|a| a.code.clone()).collect();
    let all_applications = applications(&state, &all, lang);
    render(&EnterprisePage {
        page,
        number: number.as_str().to_string(),
        formatted: number.formatted(),
        qualities,
        catalogue,
        all_applications,
    })
}

pub(super) async fn activate(
    page: PageCtx,
    State(state): State<SsPages>,
    jar: CookieJar,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let who = who_or_login!(state, jar, page, format!("/access/enterprises/{raw}"));
    let number = number(&raw)?;
    let f = Fields(form);
    let setting: QualitySetting = state
        .ss
        .settings()
        .quality(&f.get("quality"))
        .cloned()
        .ok_or(crate::access::social_security::SsError::from(Refusal::UnknownQuality))?;
    let decision = state.ss.may_activate(&who, &number, &setting).await?;
    let admin = f.admin().unwrap_or(AdminChoice::Myself);
    state.ss.activate(&decision, &who, &setting, &f.get("identifier"), &f.get("email"), &admin).await?;
    Ok(Redirect::to(&format!("/access/enterprises/{}/qualities/{}", number.as_str(), setting.code))
        .into_response())
}

#[derive(Template)]
#[template(path = "ss/quality.html")]
struct QualityPage {
    page: PageCtx,
    base: String,
    number: String,
    name: String,
    capacity: &'static str,
    tree: Tree,
    users: Vec<UserView>,
    total: i64,
    page_no: i64,
    pages: i64,
    query: String,
    /// The filters, shown again in the form.
    q: UserListQuery,
    applications: Vec<Choice>,
    functions: Vec<Choice>,
    subdivision_types: Vec<Choice>,
    site_types: Vec<Choice>,
}

async fn view(
    state: &SsPages,
    who: &crate::access::btb::Who,
    number: &EnterpriseNumber,
    code: &str,
) -> Result<ViewRight, WebError> {
    let quality = state.ss.quality(number, code).await?;
    Ok(state.ss.may_view(who, quality).await?)
}

pub(super) async fn quality(
    page: PageCtx,
    State(state): State<SsPages>,
    jar: CookieJar,
    Path((raw, code)): Path<(String, String)>,
    Query(query): Query<UserListQuery>,
) -> Result<Response, WebError> {
    let who = who_or_login!(state, jar, page, format!("/access/enterprises/{raw}/qualities/{code}"));
    let number = number(&raw)?;
    let right = view(&state, &who, &number, &code).await?;
    let lang = page.lang();
    let setting = state.ss.setting_of(right.quality())?.clone();
    let tree = state.ss.tree(&right).await?;
    let page_no = query.page();
    let (users, total) = state.ss.users(&right, &query.filter(), page_no).await?;
    let size = state.ss.settings().page_size;
    let functions = setting
        .functions
        .iter()
        .map(|f| Choice {
            code: f.clone(),
            name: state
                .ss
                .settings()
                .function(f)
                .map(|x| x.names.get(lang).to_string())
                .unwrap_or_else(|| f.clone()),
        })
        .collect();
    let types = |list: &[crate::access::social_security::settings::PlaceType]| {
        list.iter().map(|t| Choice { code: t.code.clone(), name: t.names.get(lang).to_string() }).collect()
    };
    render(&QualityPage {
        base: format!("/access/enterprises/{}/qualities/{}", number.as_str(), code),
        number: number.formatted(),
        name: setting.names.get(lang).to_string(),
        capacity: right.capacity().code(),
        applications: applications(&state, &right.quality().applications, lang),
        functions,
        subdivision_types: types(&setting.subdivision_types),
        site_types: types(&setting.site_types),
        tree,
        users,
        total,
        page_no,
        pages: ((total + size - 1) / size).max(1),
        query: query.without_page(),
        q: query,
        page,
    })
}

pub(super) async fn users_csv(
    page: PageCtx,
    State(state): State<SsPages>,
    jar: CookieJar,
    Path((raw, code)): Path<(String, String)>,
    Query(query): Query<UserListQuery>,
) -> Result<Response, WebError> {
    let who = who_or_login!(state, jar, page, format!("/access/enterprises/{raw}/qualities/{code}"));
    let number = number(&raw)?;
    let right = view(&state, &who, &number, &code).await?;
    let body = state.ss.export_csv(&right, &query.filter()).await?;
    Ok(csv_response(&code, body))
}

#[derive(Template)]
#[template(path = "ss/user.html")]
struct UserPage {
    page: PageCtx,
    base: String,
    user: UserView,
    explanations: Vec<Explanation>,
}

pub(super) async fn user(
    page: PageCtx,
    State(state): State<SsPages>,
    jar: CookieJar,
    Path((raw, code, grant)): Path<(String, String, String)>,
) -> Result<Response, WebError> {
    let who = who_or_login!(state, jar, page, format!("/access/enterprises/{raw}/qualities/{code}"));
    let number = number(&raw)?;
    let right = view(&state, &who, &number, &code).await?;
    let g = state.ss.grant(right.quality(), &grant).await?;
    let (sub, site) = state.ss.places_of(right.quality(), &g).await?;
    let user =
        crate::access::social_security::manage::user_view(&g, right.quality(), sub.as_ref(), site.as_ref());
    let explanations = state.ss.explain(&right, &g).await?;
    render(&UserPage {
        base: format!("/access/enterprises/{}/qualities/{}", number.as_str(), code),
        page,
        user,
        explanations,
    })
}

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
        pub(super) async fn $name(
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

pub(super) async fn add_subdivision(
    page: PageCtx,
    State(state): State<SsPages>,
    jar: CookieJar,
    Path((raw, code)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let who = who_or_login!(state, jar, page, format!("/access/enterprises/{raw}/qualities/{code}"));
    add_place(&state, &who, (&raw, &code), None, &Fields(form)).await
}

pub(super) async fn add_site(
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
pub(super) async fn remove(
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
