//! `GET /api/openapi.json`: the OpenAPI 3 document of every `/api/…` path, generated from
//! the same table the router is built from ([`super::PATHS`]) plus a description of each
//! operation here. A test walks the router's paths against it, so a new call without a
//! description fails the build's tests.

use axum::Json;
use serde_json::{Value, json};

/// One operation: (path, method, summary, scopes, request schema, answer schema).
pub type Operation =
    (&'static str, &'static str, &'static str, &'static str, Option<&'static str>, &'static str);

/// The operations of the BTB API.
const OPERATIONS: &[Operation] = &[
    (
        "/api/btb/v1/domains",
        "get",
        "Every domain: its stable code and names in nl/fr/de/en",
        "btb:read btb:manage",
        None,
        "Domains",
    ),
    (
        "/api/btb/v1/enterprises/{number}",
        "get",
        "An enterprise's registration, head, co-heads and, per domain, its access managers and e-mail (404 not_registered)",
        "btb:read btb:manage",
        None,
        "Enterprise",
    ),
    (
        "/api/btb/v1/enterprises/{number}/designation",
        "post",
        "Standard procedure: register the enterprise and designate its head access manager",
        "btb:manage",
        Some("Designation"),
        "Designated",
    ),
    (
        "/api/btb/v1/enterprises/{number}/co-heads",
        "post",
        "Add a co-head access manager (an employee or legal representative)",
        "btb:manage",
        Some("Person"),
        "Appointed",
    ),
    (
        "/api/btb/v1/enterprises/{number}/co-heads/{national_number}",
        "delete",
        "Remove a co-head access manager",
        "btb:manage",
        None,
        "NoContent",
    ),
    (
        "/api/btb/v1/enterprises/{number}/domains/{code}/access-managers",
        "post",
        "Add an access manager of a domain (any person of the register)",
        "btb:manage",
        Some("Person"),
        "Appointed",
    ),
    (
        "/api/btb/v1/enterprises/{number}/domains/{code}/access-managers/{national_number}",
        "delete",
        "Remove an access manager of a domain",
        "btb:manage",
        None,
        "NoContent",
    ),
    (
        "/api/btb/v1/enterprises/{number}/domains/{code}/email",
        "put",
        "Add or change the domain's contact e-mail",
        "btb:manage",
        Some("Email"),
        "Email",
    ),
    (
        "/api/btb/v1/enterprises/{number}/domains/{code}/email",
        "delete",
        "Remove the domain's contact e-mail",
        "btb:manage",
        None,
        "NoContent",
    ),
    (
        "/api/btb/v1/persons/{national_number}/roles",
        "get",
        "The enterprises and domains a person manages",
        "btb:read btb:manage",
        None,
        "Roles",
    ),
    (
        "/api/btb/v1/changes",
        "get",
        "Every change after a cursor, oldest first (query: after, limit)",
        "btb:read",
        None,
        "Changes",
    ),
    (
        "/api/btb/v1/exception-requests",
        "post",
        "Exception procedure: file a request; answers the ticket and the request document's URL",
        "btb:manage",
        Some("ExceptionRequest"),
        "Ticket",
    ),
    (
        "/api/btb/v1/exception-requests/{ticket}/document",
        "get",
        "The request document (PDF), for its requester",
        "btb:manage",
        None,
        "Pdf",
    ),
];

/// The other `/api/…` paths (the web shell's, for people's browsers).
const SHELL_OPERATIONS: &[(&str, &str, &str)] = &[
    ("/api/v1/enterprises/{number}", "get", "Public KBO facts of an enterprise (any spelling of the number)"),
    ("/api/v1/me", "get", "Who is logged in (browser session cookie)"),
];

fn parameters(path: &str) -> Vec<Value> {
    path.split('/')
        .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(|name| json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" } }))
        .collect()
}

fn schemas() -> Value {
    let mut all = btb_schemas();
    if let (Some(all), Value::Object(ss)) =
        (all.as_object_mut(), crate::access::social_security::api::schemas())
    {
        all.extend(ss);
    }
    all
}

fn btb_schemas() -> Value {
    let person = json!({ "type": "object", "properties": { "national_number": { "type": "string" }, "name": { "type": "string" }, "email": { "type": ["string", "null"] } } });
    json!({
        "Error": { "type": "object", "required": ["error", "message"], "properties": { "error": { "type": "string" }, "message": { "type": "string" } } },
        "Contact": { "type": "object", "properties": { "email": { "type": "string" }, "phone": { "type": "string" } } },
        "Head": { "oneOf": [ { "type": "string", "enum": ["self"] }, { "type": "object", "required": ["national_number", "email", "phone"], "properties": { "national_number": { "type": "string" }, "email": { "type": "string" }, "phone": { "type": "string" } } } ] },
        "Designation": { "type": "object", "required": ["head", "enterprise_email", "terms_accepted"], "properties": { "head": { "$ref": "#/components/schemas/Head" }, "enterprise_email": { "type": "string" }, "terms_accepted": { "type": "boolean" }, "requester": { "$ref": "#/components/schemas/Contact" } } },
        "ExceptionRequest": { "type": "object", "required": ["enterprise", "representative", "head", "enterprise_email", "terms_accepted"], "properties": { "enterprise": { "type": "string" }, "representative": { "type": "object", "required": ["national_number", "first_name", "last_name"], "properties": { "national_number": { "type": "string" }, "first_name": { "type": "string" }, "last_name": { "type": "string" } } }, "head": { "$ref": "#/components/schemas/Head" }, "enterprise_email": { "type": "string" }, "terms_accepted": { "type": "boolean" }, "requester": { "$ref": "#/components/schemas/Contact" } } },
        "Person": { "type": "object", "required": ["national_number"], "properties": { "national_number": { "type": "string" }, "email": { "type": "string" } } },
        "Email": { "type": "object", "required": ["email"], "properties": { "email": { "type": "string" } } },
        "Manager": person,
        "Domains": { "type": "object", "properties": { "domains": { "type": "array", "items": { "type": "object", "properties": { "code": { "type": "string" }, "names": { "type": "object" } } } } } },
        "Enterprise": { "type": "object", "properties": { "enterprise": { "type": "string" }, "name": { "type": "string" }, "registered": { "type": "boolean" }, "registered_at": { "type": "integer" }, "email": { "type": "string" }, "ebox_enterprise": { "type": "boolean" }, "head": { "$ref": "#/components/schemas/Manager" }, "co_heads": { "type": "array", "items": { "$ref": "#/components/schemas/Manager" } }, "domains": { "type": "array", "items": { "type": "object", "properties": { "code": { "type": "string" }, "names": { "type": "object" }, "email": { "type": ["string", "null"] }, "access_managers": { "type": "array", "items": { "$ref": "#/components/schemas/Manager" } } } } } } },
        "Designated": { "type": "object", "properties": { "enterprise": { "type": "string" }, "registered": { "type": "boolean" }, "head": { "$ref": "#/components/schemas/Manager" }, "replaced": { "type": ["string", "null"] } } },
        "Appointed": { "type": "object", "properties": { "national_number": { "type": "string" }, "name": { "type": "string" } } },
        "Roles": { "type": "object", "properties": { "national_number": { "type": "string" }, "enterprises": { "type": "array", "items": { "type": "object", "properties": { "enterprise": { "type": "string" }, "roles": { "type": "array", "items": { "type": "string" } }, "domains": { "type": "array", "items": { "type": "string" } } } } } } },
        "Changes": { "type": "object", "properties": { "changes": { "type": "array", "items": { "type": "object", "properties": { "cursor": { "type": "string" }, "at": { "type": "integer" }, "kind": { "type": "string" }, "enterprise": { "type": "string" }, "domain": { "type": ["string", "null"] }, "person": { "type": ["string", "null"] }, "role": { "type": ["string", "null"] } } } }, "next": { "type": "string" }, "has_more": { "type": "boolean" } } },
        "Ticket": { "type": "object", "properties": { "ticket": { "type": "string" }, "document_url": { "type": "string" } } },
    })
}

fn answer(name: &str) -> Value {
    let errors = json!({ "description": "refused", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } });
    let ok = match name {
        "NoContent" => json!({ "204": { "description": "done" } }),
        "Pdf" => json!({ "200": { "description": "the document", "content": { "application/pdf": {} } } }),
        "Csv" => json!({ "200": { "description": "the CSV export", "content": { "text/csv": {} } } }),
        "Designated" | "Appointed" | "Ticket" | "Created" => {
            json!({ "201": { "description": "created", "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{name}") } } } } })
        }
        _ => {
            json!({ "200": { "description": "ok", "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{name}") } } } } })
        }
    };
    let mut all = ok;
    for code in ["400", "401", "403", "404", "409"] {
        all[code] = errors.clone();
    }
    all
}

/// The whole document.
pub fn document(server: &str) -> Value {
    let mut paths = serde_json::Map::new();
    let ss = crate::access::social_security::api::OPERATIONS;
    for (path, method, summary, scopes, body, response) in OPERATIONS.iter().chain(ss) {
        let mut op = json!({
            "summary": summary,
            "parameters": parameters(path),
            "security": [ { "bearer": scopes.split(' ').collect::<Vec<_>>() } ],
            "responses": answer(response),
        });
        if let Some(schema) = body {
            op["requestBody"] = json!({ "required": true, "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } } });
        }
        let entry = paths.entry((*path).to_string()).or_insert_with(|| json!({}));
        entry[*method] = op;
    }
    for (path, method, summary) in SHELL_OPERATIONS {
        let entry = paths.entry((*path).to_string()).or_insert_with(|| json!({}));
        entry[*method] = json!({ "summary": summary, "parameters": parameters(path), "responses": { "200": { "description": "ok" } } });
    }
    json!({
        "openapi": "3.1.0",
        "info": { "title": "Poort API", "version": "1", "description": "BTB management (btb:manage, a person's token) and web service (btb:read, client_credentials); social-security access management (access:manage, a person's token). Errors: {\"error\": code, \"message\": text in the Accept-Language}." },
        "servers": [ { "url": server } ],
        "paths": paths,
        "components": {
            "schemas": schemas(),
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer", "description": "An access token of Poort's OpenID Provider (Bearer or DPoP)" } },
        },
    })
}

/// `GET /api/openapi.json`.
pub(super) async fn serve(axum::extract::State(state): axum::extract::State<super::ApiState>) -> Json<Value> {
    Json(document(state.btb.public_url()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_covers_every_path_and_method_of_the_router() {
        let doc = document("http://x");
        let ss = crate::access::social_security::api::PATHS;
        for (path, methods) in super::super::PATHS.iter().chain(ss) {
            for m in *methods {
                assert!(doc["paths"][*path][*m].is_object(), "{m} {path} is not in the OpenAPI document");
            }
        }
        for (path, op) in doc["paths"].as_object().expect("paths") {
            for m in op.as_object().expect("ops").keys() {
                let routed =
                    super::super::PATHS.iter().chain(ss).any(|(p, ms)| p == path && ms.contains(&m.as_str()))
                        || SHELL_OPERATIONS.iter().any(|(p, sm, _)| p == path && sm == m);
                assert!(routed, "{m} {path} is documented but not routed");
            }
        }
    }
}
