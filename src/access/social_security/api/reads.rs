//! The reads: the catalogue, the qualities, a quality's tree, user list, CSV export and
//! the explanation of a role's effective applications.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde_json::{Value, json};

use super::{SsApiState, api_error, who_and_enterprise};
use crate::access::btb::api::{ApiError, Caller};
use crate::access::social_security::capability::ViewRight;
use crate::access::social_security::list::{UserListQuery, csv_response};
use crate::access::social_security::settings::Names;

fn names(n: &Names) -> Value {
    json!({ "nl": n.nl, "fr": n.fr, "de": n.de, "en": n.en })
}

/// `GET /api/access/v1/catalogue` (any valid token).
pub(super) async fn catalogue(State(state): State<SsApiState>, _caller: Caller) -> Json<Value> {
    let s = state.ss.settings();
    let place = |t: &crate::access::social_security::settings::PlaceType| json!({ "code": t.code, "names": names(&t.names), "identifier": t.identifier.code() });
    let qualities: Vec<Value> = s
        .qualities
        .iter()
        .map(|q| {
            json!({
                "code": q.code, "names": names(&q.names), "domain": q.domain, "identifier": q.identifier.code(),
                "subdivision_types": q.subdivision_types.iter().map(place).collect::<Vec<_>>(),
                "site_types": q.site_types.iter().map(place).collect::<Vec<_>>(),
                "applications": q.applications, "functions": q.functions,
            })
        })
        .collect();
    let apps: Vec<Value> =
        s.applications.iter().map(|a| json!({ "code": a.code, "names": names(&a.names) })).collect();
    let functions: Vec<Value> =
        s.functions.iter().map(|f| json!({ "code": f.code, "names": names(&f.names) })).collect();
    Json(json!({ "qualities": qualities, "applications": apps, "functions": functions }))
}

/// `GET …/qualities`.
pub(super) async fn qualities(
    State(state): State<SsApiState>,
    caller: Caller,
    Path(raw): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let (who, number) = who_and_enterprise(&caller, &raw)?;
    let list = state.ss.visible_qualities(&who, &number).await.map_err(|e| api_error(e, caller.lang))?;
    let list: Vec<Value> = list
        .iter()
        .map(|q| {
            json!({
                "code": q.code, "id": q.id, "name": q.names[0], "domain": q.domain, "identifier": q.identifier,
                "email": q.email, "applications": q.applications, "activated_at": q.created_at,
            })
        })
        .collect();
    Ok(Json(json!({ "enterprise": number.as_str(), "qualities": list })))
}

async fn view(state: &SsApiState, caller: &Caller, raw: &str, code: &str) -> Result<ViewRight, ApiError> {
    let (who, number) = who_and_enterprise(caller, raw)?;
    let fail = |e| api_error(e, caller.lang);
    let quality = state.ss.quality(&number, code).await.map_err(fail)?;
    state.ss.may_view(&who, quality).await.map_err(fail)
}

/// `GET …/qualities/{code}/tree`.
pub(super) async fn tree(
    State(state): State<SsApiState>,
    caller: Caller,
    Path((raw, code)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let right = view(&state, &caller, &raw, &code).await?;
    let tree = state.ss.tree(&right).await.map_err(|e| api_error(e, caller.lang))?;
    Ok(Json(serde_json::to_value(tree).unwrap_or_default()))
}

/// `GET …/qualities/{code}/users`.
pub(super) async fn users(
    State(state): State<SsApiState>,
    caller: Caller,
    Path((raw, code)): Path<(String, String)>,
    Query(query): Query<UserListQuery>,
) -> Result<Json<Value>, ApiError> {
    let right = view(&state, &caller, &raw, &code).await?;
    let page = query.page();
    let (users, total) =
        state.ss.users(&right, &query.filter(), page).await.map_err(|e| api_error(e, caller.lang))?;
    Ok(Json(json!({
        "users": users, "total": total, "page": page, "page_size": state.ss.settings().page_size,
    })))
}

/// `GET …/qualities/{code}/users.csv`.
pub(super) async fn users_csv(
    State(state): State<SsApiState>,
    caller: Caller,
    Path((raw, code)): Path<(String, String)>,
    Query(query): Query<UserListQuery>,
) -> Result<Response, ApiError> {
    let right = view(&state, &caller, &raw, &code).await?;
    let body = state.ss.export_csv(&right, &query.filter()).await.map_err(|e| api_error(e, caller.lang))?;
    Ok(csv_response(&code, body))
}

/// `GET …/users/{grant}/explanation`.
pub(super) async fn explanation(
    State(state): State<SsApiState>,
    caller: Caller,
    Path((raw, code, grant)): Path<(String, String, String)>,
) -> Result<Json<Value>, ApiError> {
    let right = view(&state, &caller, &raw, &code).await?;
    let fail = |e| api_error(e, caller.lang);
    let g = state.ss.grant(right.quality(), &grant).await.map_err(fail)?;
    let list = state.ss.explain(&right, &g).await.map_err(fail)?;
    Ok(Json(json!({ "grant": g.grant_id, "role": g.role.code(), "applications": list })))
}
