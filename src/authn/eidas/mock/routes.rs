//! HTTP endpoints of the mock node (SAML bindings §3.5, HTTP-POST both ways).

use axum::Router;
use axum::extract::{Form, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use time::OffsetDateTime;

use super::pages::{ChooserPage, ErrorPage, ResponsePage};
use super::{MockNode, ResponseSpec};
use crate::authn::eidas::loa::Loa;
use crate::authn::eidas::request::normalize_country;
use crate::kernel::saml::xml::new_id;

/// A request waiting for the tester's choice.
#[derive(Debug, Clone)]
pub(super) struct Session {
    request_id: String,
    relay_state: String,
    requested_loa: Loa,
}

const CSP: &str =
    "default-src 'none'; form-action 'self' http: https:; base-uri 'none'; frame-ancestors 'none'";

/// The mock node's router: `POST /sso`, `POST /sso/choose`, `GET /`.
pub fn router(node: MockNode) -> Router {
    Router::new()
        .route("/", get(home))
        .route("/sso", post(sso))
        .route("/sso/choose", post(choose))
        .with_state(node)
}

fn page(status: StatusCode, html: Result<String, askama::Error>) -> Response {
    match html {
        Ok(body) => {
            let mut resp = (status, Html(body)).into_response();
            resp.headers_mut().insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
            resp
        }
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "template error").into_response(),
    }
}

fn refuse(reason: &str) -> Response {
    use askama::Template;
    page(StatusCode::BAD_REQUEST, ErrorPage { reason }.render())
}

async fn home() -> Response {
    refuse("no request; start from the service provider")
}

#[derive(Deserialize)]
struct SsoForm {
    #[serde(rename = "SAMLRequest")]
    saml_request: String,
    #[serde(rename = "RelayState", default)]
    relay_state: String,
    #[serde(default)]
    country: Option<String>,
}

async fn sso(State(node): State<MockNode>, Form(form): Form<SsoForm>) -> Response {
    use askama::Template;
    let request = match node.verify_request(&form.saml_request) {
        Ok(r) => r,
        Err(reason) => return refuse(reason),
    };
    let session_id = new_id();
    let session = Session {
        request_id: request.id,
        relay_state: form.relay_state,
        requested_loa: request.requested_loa,
    };
    node.sessions().insert(session_id.clone(), session);
    let identities = &node.inner.cfg.identities;
    let mut countries: Vec<String> = identities.iter().map(|i| i.country.clone()).collect();
    countries.sort();
    countries.dedup();
    let preselected = form.country.as_deref().and_then(normalize_country);
    let requested = request.requested_loa.as_str();
    let chooser = ChooserPage {
        choose_path: "/sso/choose",
        session: &session_id,
        requested_loa: request.requested_loa.as_str(),
        countries: countries
            .into_iter()
            .map(|c| {
                let selected = preselected.as_deref() == Some(c.as_str());
                (c, selected)
            })
            .collect(),
        identities: identities.iter().enumerate().collect(),
        loas: ["low", "substantial", "high"].into_iter().map(|l| (l, l == requested)).collect(),
    };
    page(StatusCode::OK, chooser.render())
}

#[derive(Deserialize)]
struct ChooseForm {
    session: String,
    action: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    identity: usize,
    #[serde(default)]
    loa: String,
}

async fn choose(State(node): State<MockNode>, Form(form): Form<ChooseForm>) -> Response {
    use askama::Template;
    let Some(session) = node.sessions().remove(&form.session) else {
        return refuse("unknown or used session");
    };
    let cfg = &node.inner.cfg;
    let now = OffsetDateTime::now_utc();
    let (xml, message) = if form.action == "cancel" {
        let xml = node.status_response_xml(
            &session.request_id,
            &cfg.sp_acs_url,
            "RequestDenied",
            "The citizen cancelled the authentication.",
            now,
        );
        (xml, "You cancelled. Continue to go back to the service.")
    } else {
        let Some(who) = cfg.identities.get(form.identity) else {
            return refuse("unknown identity");
        };
        if who.country != form.country {
            return refuse("the identity does not belong to the chosen country");
        }
        let Some(loa) = Loa::from_name(&form.loa) else {
            return refuse("unknown level of assurance");
        };
        let spec = ResponseSpec {
            in_response_to: &session.request_id,
            acs_url: &cfg.sp_acs_url,
            audience: &cfg.sp_entity_id,
            identity: who,
            loa,
            now,
            sign_assertion: true,
            sign_response: true,
            encrypt: cfg.encrypts_assertions,
        };
        let _ = session.requested_loa; // the tester may deliberately answer below the request
        (node.success_response_xml(&spec), "Authenticated. Continue to go back to the service.")
    };
    let Ok(xml) = xml else {
        return refuse("the answer could not be signed");
    };
    let encoded = STANDARD.encode(xml);
    let answer = ResponsePage {
        message,
        acs_url: &cfg.sp_acs_url,
        saml_response: &encoded,
        relay_state: &session.relay_state,
    };
    page(StatusCode::OK, answer.render())
}

impl MockNode {
    fn sessions(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, Session>> {
        match self.inner.sessions.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }
}
