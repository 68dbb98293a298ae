//! The web service for access-management systems (UMAN, RMA, the Flemish one): reads for
//! `btb:read` client tokens, and for a person's `btb:manage` token what that person may see.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{ApiError, ApiState, Caller};
use crate::access::btb::capability::ViewRight;
use crate::access::btb::manage::Manager;
use crate::access::btb::{BtbError, Refusal};
use crate::access::grants;
use crate::domain::{EnterpriseNumber, Language, NationalNumber};

/// `GET /api/btb/v1/domains`: every domain's code and names (any valid token).
pub(super) async fn domains(State(state): State<ApiState>, _caller: Caller) -> Json<Value> {
    let list: Vec<Value> = state
        .btb
        .settings()
        .domains
        .iter()
        .map(|d| json!({ "code": d.code, "names": { "nl": d.nl, "fr": d.fr, "de": d.de, "en": d.en } }))
        .collect();
    Json(json!({ "domains": list }))
}

fn manager(m: &Manager) -> Value {
    json!({ "national_number": m.national_number, "name": m.name, "email": m.email })
}

/// `GET /api/btb/v1/enterprises/{number}`.
pub(super) async fn enterprise(
    State(state): State<ApiState>,
    caller: Caller,
    Path(raw): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let lang = caller.lang;
    let fail = |e: BtbError| ApiError::from_btb(e, lang);
    let number =
        EnterpriseNumber::parse(&raw).map_err(|_| ApiError::refused(Refusal::BadEnterpriseNumber, lang))?;
    let right = if caller.is_reader() {
        if state.btb.store().find_btb_enterprise(&number).await.map_err(|e| fail(e.into()))?.is_none() {
            return Err(ApiError::refused(Refusal::NotRegistered, lang));
        }
        ViewRight::for_service(number.clone())
    } else {
        let who = caller.manager()?;
        state.btb.may_view(&who, &number).await.map_err(fail)?
    };
    let v = state.btb.view(&right, Language::Nl).await.map_err(fail)?;
    let domains: Vec<Value> = v
        .domains
        .iter()
        .map(|d| {
            let names = state
                .btb
                .settings()
                .domain(&d.code)
                .map(|s| json!({ "nl": s.nl, "fr": s.fr, "de": s.de, "en": s.en }));
            json!({
                "code": d.code,
                "names": names,
                "email": d.email,
                "access_managers": d.managers.iter().map(manager).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut body = json!({
        "enterprise": v.number.as_str(),
        "name": v.name,
        "registered": true,
        "registered_at": v.registered_at,
        "email": v.email,
        "ebox_enterprise": v.is_ebox_enabled,
        "domains": domains,
    });
    if v.shows_heads {
        body["head"] = v.head.as_ref().map(manager).unwrap_or(Value::Null);
        body["co_heads"] = Value::Array(v.co_heads.iter().map(manager).collect());
    }
    Ok(Json(body))
}

/// `GET /api/btb/v1/persons/{national number}/roles`: the enterprises and domains a person
/// manages (a `btb:read` client, or the person themselves).
pub(super) async fn person_roles(
    State(state): State<ApiState>,
    caller: Caller,
    Path(raw): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let lang = caller.lang;
    let person =
        NationalNumber::parse(&raw).map_err(|_| ApiError::refused(Refusal::BadNationalNumber, lang))?;
    if !caller.is_reader() {
        let who = caller.manager()?;
        if who.person != person {
            return Err(ApiError::refused(Refusal::NotManager, lang));
        }
    }
    let live = state
        .btb
        .store()
        .find_live_access_grants_of_person(&person)
        .await
        .map_err(|e| ApiError::from_btb(e.into(), lang))?;
    let all_domains: Vec<&str> = state.btb.settings().domains.iter().map(|d| d.code.as_str()).collect();
    // BTB roles only: social-security roles are served by /api/access/v1.
    let enterprises: Vec<Value> = grants::enterprises(&live)
        .iter()
        .filter(|e| grants::standing(&live, e).has_any())
        .map(|e| {
            let s = grants::standing(&live, e);
            let domains: Vec<&str> = if s.is_head_level() {
                all_domains.clone()
            } else {
                s.domains.iter().map(String::as_str).collect()
            };
            json!({ "enterprise": e.as_str(), "roles": grants::role_codes(&s), "domains": domains })
        })
        .collect();
    Ok(Json(json!({ "national_number": person.as_str(), "enterprises": enterprises })))
}

#[derive(Debug, Deserialize)]
pub(super) struct ChangesQuery {
    #[serde(default)]
    after: Option<String>,
    #[serde(default)]
    limit: Option<String>,
}

/// `GET /api/btb/v1/changes?after=CURSOR[&limit=N]`: every change after the cursor, oldest
/// first, at most `limit` (default 100, at most 1000); `next` is the cursor to ask next.
pub(super) async fn changes(
    State(state): State<ApiState>,
    caller: Caller,
    Query(q): Query<ChangesQuery>,
) -> Result<Response, ApiError> {
    let lang = caller.lang;
    if !caller.is_reader() {
        return Err(caller.insufficient_scope());
    }
    let bad_cursor = || ApiError::new(StatusCode::BAD_REQUEST, "bad_cursor", "btb.api.bad_cursor", lang);
    let after = match q.after.as_deref().filter(|a| !a.is_empty()) {
        None => 0,
        Some(a) => a.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(bad_cursor)?,
    };
    let limit = match q.limit.as_deref() {
        None => 100,
        Some(l) => l.parse::<i64>().ok().filter(|n| (1..=1000).contains(n)).ok_or_else(bad_cursor)?,
    };
    let rows = state
        .btb
        .store()
        .find_access_audit_after(after, limit)
        .await
        .map_err(|e| ApiError::from_btb(e.into(), lang))?;
    let next = rows.last().map(|r| r.seq).unwrap_or(after);
    let changes: Vec<Value> = rows
        .iter()
        .filter(|r| r.enterprise_number.is_some())
        .map(|r| {
            let detail: Value = serde_json::from_str(&r.detail).unwrap_or(Value::Null);
            json!({
                "cursor": r.seq.to_string(),
                "at": r.at,
                "kind": r.kind,
                "enterprise": r.enterprise_number,
                "domain": r.domain_code,
                "person": r.subject,
                "role": detail.get("role"),
            })
        })
        .collect();
    Ok(Json(json!({ "changes": changes, "next": next.to_string(), "has_more": rows.len() as i64 == limit }))
        .into_response())
}
