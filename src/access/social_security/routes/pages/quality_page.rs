//! The quality's page (its tree, the filtered and paged user list and the add forms), the
//! CSV export of the list, and a user's page (why each application is or is not effective).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum_extra::extract::cookie::CookieJar;

use super::{Choice, applications, number};
use crate::access::social_security::capability::ViewRight;
use crate::access::social_security::list::{UserListQuery, csv_response};
use crate::access::social_security::manage::{Explanation, Tree, UserView};
use crate::access::social_security::routes::{SsPages, who};
use crate::domain::EnterpriseNumber;
use crate::web::error::{WebError, render};
use crate::web::page::PageCtx;

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

pub(in crate::access::social_security::routes) async fn quality(
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

pub(in crate::access::social_security::routes) async fn users_csv(
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

pub(in crate::access::social_security::routes) async fn user(
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
