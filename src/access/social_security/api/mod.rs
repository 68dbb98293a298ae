//! The social-security API under `/api/access/v1/`: the catalogue, and per enterprise its
//! activated qualities, each quality's tree, user list and CSV export, and every action of
//! the pages, for a person's bearer token with the scope `access:manage` (decided by the
//! same capability functions). Errors are the BTB API's `{"error", "message"}` JSON.

mod actions;
mod reads;

use axum::Router;
use axum::extract::FromRef;
use axum::routing::{delete, get, post};
use http::StatusCode;

use super::{Refusal, SocialSecurity, SsError};
use crate::access::btb::Who;
use crate::access::btb::api::{ApiError, ApiState, Caller};
use crate::domain::{EnterpriseNumber, Language};

/// Scope of a person's token that lets its holder manage social-security access as
/// themselves.
pub const MANAGE_SCOPE: &str = "access:manage";

/// The API's state: the service and the BTB API's (token port).
#[derive(Clone)]
pub struct SsApiState {
    pub ss: SocialSecurity,
    pub api: ApiState,
}

impl std::fmt::Debug for SsApiState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SsApiState").finish_non_exhaustive()
    }
}

impl FromRef<SsApiState> for ApiState {
    fn from_ref(s: &SsApiState) -> ApiState {
        s.api.clone()
    }
}

const E: &str = "/api/access/v1/enterprises/{number}";
const Q: &str = "/api/access/v1/enterprises/{number}/qualities/{code}";

/// Every path of the API, with its methods (the OpenAPI test walks them).
pub const PATHS: &[(&str, &[&str])] = &[
    ("/api/access/v1/catalogue", &["get"]),
    ("/api/access/v1/enterprises/{number}/qualities", &["get", "post"]),
    ("/api/access/v1/enterprises/{number}/qualities/{code}/tree", &["get"]),
    ("/api/access/v1/enterprises/{number}/qualities/{code}/users", &["get"]),
    ("/api/access/v1/enterprises/{number}/qualities/{code}/users.csv", &["get"]),
    ("/api/access/v1/enterprises/{number}/qualities/{code}/users/{grant}", &["delete"]),
    ("/api/access/v1/enterprises/{number}/qualities/{code}/users/{grant}/explanation", &["get"]),
    ("/api/access/v1/enterprises/{number}/qualities/{code}/local-admin", &["post"]),
    ("/api/access/v1/enterprises/{number}/qualities/{code}/co-local-admins", &["post"]),
    ("/api/access/v1/enterprises/{number}/qualities/{code}/subdivisions", &["post"]),
    ("/api/access/v1/enterprises/{number}/qualities/{code}/subdivisions/{subdivision}/admins", &["post"]),
    ("/api/access/v1/enterprises/{number}/qualities/{code}/subdivisions/{subdivision}/sites", &["post"]),
    (
        "/api/access/v1/enterprises/{number}/qualities/{code}/subdivisions/{subdivision}/sites/{site}/admins",
        &["post"],
    ),
    (
        "/api/access/v1/enterprises/{number}/qualities/{code}/subdivisions/{subdivision}/sites/{site}/users",
        &["post"],
    ),
];

pub fn router() -> Router<SsApiState> {
    let q = |rest: &str| format!("{Q}{rest}");
    Router::new()
        .route("/api/access/v1/catalogue", get(reads::catalogue))
        .route(&format!("{E}/qualities"), get(reads::qualities).post(actions::activate))
        .route(&q("/tree"), get(reads::tree))
        .route(&q("/users"), get(reads::users))
        .route(&q("/users.csv"), get(reads::users_csv))
        .route(&q("/users/{grant}"), delete(actions::remove))
        .route(&q("/users/{grant}/explanation"), get(reads::explanation))
        .route(&q("/local-admin"), post(actions::change_local_admin))
        .route(&q("/co-local-admins"), post(actions::add_co_local_admin))
        .route(&q("/subdivisions"), post(actions::add_subdivision))
        .route(&q("/subdivisions/{subdivision}/admins"), post(actions::add_subdivision_admin))
        .route(&q("/subdivisions/{subdivision}/sites"), post(actions::add_site))
        .route(&q("/subdivisions/{subdivision}/sites/{site}/admins"), post(actions::add_site_admin))
        .route(&q("/subdivisions/{subdivision}/sites/{site}/users"), post(actions::add_site_user))
        .layer(axum::middleware::from_fn(crate::access::btb::api::framework_errors))
}

/// An error of the service as the API's JSON error.
pub(super) fn api_error(e: SsError, lang: Language) -> ApiError {
    match e {
        SsError::Refused(r) => ApiError::new(r.status(), r.code(), r.message_key(), lang),
        SsError::Password(crate::authn::password::PasswordError::Overloaded) => {
            ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "btb.api.unavailable", lang)
        }
        other => {
            tracing::error!(error = %other, "social-security API: internal error");
            ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "btb.api.unavailable", lang)
        }
    }
}

/// The person acting (`access:manage`) and the enterprise of the path.
pub(super) fn who_and_enterprise(caller: &Caller, raw: &str) -> Result<(Who, EnterpriseNumber), ApiError> {
    let who = caller.person_with(MANAGE_SCOPE)?;
    let number = EnterpriseNumber::parse(raw)
        .map_err(|_| api_error(Refusal::BadEnterpriseNumber.into(), caller.lang))?;
    Ok((who, number))
}

/// The OpenAPI operations of this API: (path, method, summary, scopes, request schema,
/// answer schema), read by `btb::api::openapi`.
pub const OPERATIONS: &[crate::access::btb::api::openapi::Operation] = &[
    (
        "/api/access/v1/catalogue",
        "get",
        "The catalogue: qualities (domain, identifier, subdivision and site types, applications, functions), applications and functions with names in nl/fr/de/en",
        "access:manage btb:read",
        None,
        "Catalogue",
    ),
    (
        "/api/access/v1/enterprises/{number}/qualities",
        "get",
        "The enterprise's activated qualities the caller may see",
        "access:manage",
        None,
        "Qualities",
    ),
    (
        "/api/access/v1/enterprises/{number}/qualities",
        "post",
        "Activate a quality: its e-mail, its identifier (RSZ number of Employer RSZ), and \"myself\" or a local admin (403 quality_not_allowed: 'U mag de hoedanigheid niet activeren')",
        "access:manage",
        Some("Activation"),
        "Created",
    ),
    (
        "/api/access/v1/enterprises/{number}/qualities/{code}/tree",
        "get",
        "The whole tree: subdivisions, sites, admins, users with applications, functions and effective applications",
        "access:manage",
        None,
        "Tree",
    ),
    (
        "/api/access/v1/enterprises/{number}/qualities/{code}/users",
        "get",
        "A page of the user list (query: last_name, first_name, username, type LB|SB|USER, national_number, status, application, page)",
        "access:manage",
        None,
        "Users",
    ),
    (
        "/api/access/v1/enterprises/{number}/qualities/{code}/users.csv",
        "get",
        "The user list as CSV (UTF-8, header row, formula-injection safe; same filters)",
        "access:manage",
        None,
        "Csv",
    ),
    (
        "/api/access/v1/enterprises/{number}/qualities/{code}/users/{grant}",
        "delete",
        "Remove a role (a user, an admin) of the quality",
        "access:manage",
        None,
        "NoContent",
    ),
    (
        "/api/access/v1/enterprises/{number}/qualities/{code}/users/{grant}/explanation",
        "get",
        "Why each application is or is not effective for the role (the seed-001 troubleshooting list)",
        "access:manage",
        None,
        "Explanation",
    ),
    (
        "/api/access/v1/enterprises/{number}/qualities/{code}/local-admin",
        "post",
        "Change the local admin (Lokale beheerder)",
        "access:manage",
        Some("SsPerson"),
        "Created",
    ),
    (
        "/api/access/v1/enterprises/{number}/qualities/{code}/co-local-admins",
        "post",
        "Add a co-local admin",
        "access:manage",
        Some("SsPerson"),
        "Created",
    ),
    (
        "/api/access/v1/enterprises/{number}/qualities/{code}/subdivisions",
        "post",
        "Add a subdivision of a type the quality allows, with its identifier, applications and admin",
        "access:manage",
        Some("SsPlace"),
        "Created",
    ),
    (
        "/api/access/v1/enterprises/{number}/qualities/{code}/subdivisions/{subdivision}/admins",
        "post",
        "Add an admin of the subdivision",
        "access:manage",
        Some("SsPerson"),
        "Created",
    ),
    (
        "/api/access/v1/enterprises/{number}/qualities/{code}/subdivisions/{subdivision}/sites",
        "post",
        "Add a site under the subdivision",
        "access:manage",
        Some("SsPlace"),
        "Created",
    ),
    (
        "/api/access/v1/enterprises/{number}/qualities/{code}/subdivisions/{subdivision}/sites/{site}/admins",
        "post",
        "Add an admin of the site",
        "access:manage",
        Some("SsPerson"),
        "Created",
    ),
    (
        "/api/access/v1/enterprises/{number}/qualities/{code}/subdivisions/{subdivision}/sites/{site}/users",
        "post",
        "Add a user at the site with applications and functions",
        "access:manage",
        Some("SsPerson"),
        "Created",
    ),
];

/// The OpenAPI schemas of this API's bodies and answers.
pub fn schemas() -> serde_json::Value {
    let mut all = serde_json::json!({
        "SsPerson": { "type": "object", "required": ["national_number"], "properties": { "national_number": { "type": "string" }, "title": { "type": "string" }, "language": { "type": "string", "enum": ["nl", "fr", "de", "en"] }, "email": { "type": "string" }, "local_email": { "type": "string" }, "applications": { "type": "array", "items": { "type": "string" } }, "functions": { "type": "array", "items": { "type": "string" } }, "username": { "type": "string" }, "username_confirm": { "type": "string" }, "password": { "type": "string" }, "password_confirm": { "type": "string" } } },
        "SsAdmin": { "oneOf": [ { "type": "string", "enum": ["myself"] }, { "$ref": "#/components/schemas/SsPerson" } ] },
        "Activation": { "type": "object", "required": ["quality", "email", "admin"], "properties": { "quality": { "type": "string" }, "identifier": { "type": "string" }, "email": { "type": "string" }, "admin": { "$ref": "#/components/schemas/SsAdmin" } } },
        "SsPlace": { "type": "object", "required": ["type", "name"], "properties": { "type": { "type": "string" }, "identifier": { "type": "string" }, "name": { "type": "string" }, "email": { "type": "string" }, "applications": { "type": "array", "items": { "type": "string" } }, "admin": { "$ref": "#/components/schemas/SsAdmin" } } },
        "Created": { "type": "object", "properties": { "id": { "type": "string" } } },
    });
    let more = serde_json::json!({
        "Catalogue": { "type": "object", "properties": { "qualities": { "type": "array", "items": { "type": "object" } }, "applications": { "type": "array", "items": { "type": "object" } }, "functions": { "type": "array", "items": { "type": "object" } } } },
        "Qualities": { "type": "object", "properties": { "enterprise": { "type": "string" }, "qualities": { "type": "array", "items": { "type": "object", "properties": { "code": { "type": "string" }, "id": { "type": "string" }, "name": { "type": "string" }, "domain": { "type": "string" }, "email": { "type": "string" }, "applications": { "type": "array", "items": { "type": "string" } } } } } } },
        "SsUser": { "type": "object", "properties": { "grant_id": { "type": "string" }, "national_number": { "type": "string" }, "last_name": { "type": "string" }, "first_name": { "type": "string" }, "username": { "type": ["string", "null"] }, "role": { "type": "string" }, "type": { "type": "string", "enum": ["LB", "SB", "USER"] }, "status": { "type": "string" }, "applications": { "type": "array", "items": { "type": "string" } }, "functions": { "type": "array", "items": { "type": "string" } }, "effective_applications": { "type": "array", "items": { "type": "string" } } } },
        "Users": { "type": "object", "properties": { "users": { "type": "array", "items": { "$ref": "#/components/schemas/SsUser" } }, "total": { "type": "integer" }, "page": { "type": "integer" }, "page_size": { "type": "integer" } } },
        "Tree": { "type": "object", "properties": { "enterprise": { "type": "string" }, "quality": { "type": "string" }, "local_admins": { "type": "array", "items": { "$ref": "#/components/schemas/SsUser" } }, "co_local_admins": { "type": "array", "items": { "$ref": "#/components/schemas/SsUser" } }, "subdivisions": { "type": "array", "items": { "type": "object", "properties": { "id": { "type": "string" }, "type": { "type": "string" }, "identifier": { "type": "string" }, "name": { "type": "string" }, "applications": { "type": "array", "items": { "type": "string" } }, "admins": { "type": "array", "items": { "$ref": "#/components/schemas/SsUser" } }, "sites": { "type": "array", "items": { "type": "object", "properties": { "id": { "type": "string" }, "name": { "type": "string" }, "applications": { "type": "array", "items": { "type": "string" } }, "admins": { "type": "array", "items": { "$ref": "#/components/schemas/SsUser" } }, "users": { "type": "array", "items": { "$ref": "#/components/schemas/SsUser" } } } } } } } } } },
        "Explanation": { "type": "object", "properties": { "grant": { "type": "string" }, "role": { "type": "string" }, "applications": { "type": "array", "items": { "type": "object", "properties": { "application": { "type": "string" }, "is_effective": { "type": "boolean" }, "checks": { "type": "array" } } } } } },
    });
    if let (Some(all), serde_json::Value::Object(more)) = (all.as_object_mut(), more) {
        all.extend(more);
    }
    all
}
