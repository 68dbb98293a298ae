//! The DEMO service provider's single logout (demo mode only). "Log out everywhere" sends its
//! signed LogoutRequest (HTTP-Redirect) for the NameID and SessionIndex it received to
//! `/saml/slo`; `GET /demo-sp/slo` takes the identity provider's signed LogoutResponse and
//! shows its status, or — when the person logs out elsewhere — the identity provider's own
//! LogoutRequest, answered with a signed LogoutResponse. Every message is checked as a
//! service provider must: the identity provider's signature over the query, the issuer,
//! and for a response the request this browser sent.

use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use time::OffsetDateTime;

use super::demo_sp::{DemoSpPage, REQUEST_COOKIE, demo, idp_certs, page_with, request_cookie};
use crate::kernel::saml::signing::{signed_redirect_query, verify_detached};
use crate::kernel::saml::xml::{NS_SAML, NS_SAMLP, escape, instant, new_id};
use crate::protocol::saml::authn_request::{Binding, decode, redirect_signed_octets};
use crate::protocol::saml::idp::DemoSp;
use crate::protocol::saml::logout;
use crate::protocol::saml::propagation::parse_answer;
use crate::protocol::saml::sp::NameIdFormat;
use crate::protocol::saml::state::SamlState;
use crate::web::csrf::CsrfForm;
use crate::web::error::render;
use crate::web::page::PageCtx;

#[derive(Deserialize)]
pub struct LogoutForm {
    name_id: String,
    session_index: String,
}

/// `POST /demo-sp/logout`: the demo SP's signed LogoutRequest to the identity provider.
pub async fn logout(
    State(state): State<SamlState>,
    page: PageCtx,
    jar: CookieJar,
    CsrfForm(form): CsrfForm<LogoutForm>,
) -> Response {
    let Some(sp) = demo(&state) else { return http::StatusCode::NOT_FOUND.into_response() };
    let id = new_id();
    let slo = state.idp.slo_url();
    let xml = logout_request_xml(sp, &id, &slo, state.idp.entity_id(), &form);
    match signed_redirect_query("SAMLRequest", &xml, Some("demo-sp"), &sp.key) {
        Ok(query) => {
            let jar = jar.add(request_cookie(&id, slo.starts_with("https://")));
            (jar, Redirect::to(&format!("{slo}?{query}"))).into_response()
        }
        Err(e) => page_with(page, Some(format!("the logout request could not be signed: {e}"))),
    }
}

fn logout_request_xml(sp: &DemoSp, id: &str, slo: &str, idp_entity_id: &str, form: &LogoutForm) -> String {
    format!(
        concat!(
            r#"<samlp:LogoutRequest xmlns:samlp="{samlp}" xmlns:saml="{saml}" ID="{id}" Version="2.0" "#,
            r#"IssueInstant="{now}" Destination="{slo}"><saml:Issuer>{issuer}</saml:Issuer>"#,
            r#"<saml:NameID Format="{format}" NameQualifier="{idp}" SPNameQualifier="{issuer}">{name_id}</saml:NameID>"#,
            r#"<samlp:SessionIndex>{index}</samlp:SessionIndex></samlp:LogoutRequest>"#
        ),
        samlp = NS_SAMLP,
        saml = NS_SAML,
        id = id,
        now = instant(OffsetDateTime::now_utc()),
        slo = escape(slo),
        issuer = escape(&sp.entity_id),
        format = NameIdFormat::Persistent.uri(),
        idp = escape(idp_entity_id),
        name_id = escape(&form.name_id),
        index = escape(&form.session_index),
    )
}

/// `GET /demo-sp/slo`: a message from the identity provider over HTTP-Redirect.
pub async fn slo(
    State(state): State<SamlState>,
    page: PageCtx,
    jar: CookieJar,
    RawQuery(raw): RawQuery,
) -> Response {
    let Some(sp) = demo(&state) else { return http::StatusCode::NOT_FOUND.into_response() };
    let raw = raw.unwrap_or_default();
    let params: std::collections::HashMap<String, String> =
        form_urlencoded::parse(raw.as_bytes()).into_owned().collect();
    if let Err(e) = verify(&state, &raw, &params) {
        return page_with(page, Some(e));
    }
    if let Some(b64) = params.get("SAMLResponse") {
        let expected = jar.get(REQUEST_COOKIE).map(|c| c.value().to_string());
        let jar = jar.remove(Cookie::build(REQUEST_COOKIE).path("/demo-sp"));
        let answer = match decode(Binding::Redirect, b64).and_then(parse_answer) {
            Ok(a) => a,
            Err(e) => return (jar, page_with(page, Some(e.to_string()))).into_response(),
        };
        if answer.issuer != state.idp.entity_id() {
            return (jar, page_with(page, Some("the answer comes from another identity provider".into())))
                .into_response();
        }
        if expected.as_deref() != Some(answer.in_response_to.as_str()) {
            let e = "this answer does not answer the logout this browser asked for".to_string();
            return (jar, page_with(page, Some(e))).into_response();
        }
        let status = match &answer.substatus {
            Some(second) => format!("{}/{second}", answer.status),
            None => answer.status.clone(),
        };
        let view = DemoSpPage { logged_out: Some(status), ..DemoSpPage::empty(page) };
        return (jar, render(&view).unwrap_or_else(IntoResponse::into_response)).into_response();
    }
    let Some(b64) = params.get("SAMLRequest") else {
        return page_with(page, Some("no SAMLRequest or SAMLResponse".into()));
    };
    let request = match decode(Binding::Redirect, b64).and_then(logout::parse) {
        Ok(r) => r,
        Err(e) => return page_with(page, Some(e.to_string())),
    };
    if request.issuer != state.idp.entity_id() {
        return page_with(page, Some("the logout request comes from another identity provider".into()));
    }
    // The demo SP keeps no session of its own: it confirms, and the round goes on.
    let id = logout::response_id();
    let slo = state.idp.slo_url();
    let now = OffsetDateTime::now_utc();
    let xml = logout::response_xml(&sp.entity_id, &slo, &request.id, ("Success", None), &id, "", now);
    match signed_redirect_query("SAMLResponse", &xml, params.get("RelayState").map(String::as_str), &sp.key) {
        Ok(query) => Redirect::to(&format!("{slo}?{query}")).into_response(),
        Err(e) => page_with(page, Some(format!("the logout response could not be signed: {e}"))),
    }
}

/// The identity provider's detached signature over the query.
fn verify(
    state: &SamlState,
    raw: &str,
    params: &std::collections::HashMap<String, String>,
) -> Result<(), String> {
    let (Some(sig_alg), Some(signature)) = (params.get("SigAlg"), params.get("Signature")) else {
        return Err("the message is not signed".into());
    };
    let octets = redirect_signed_octets(raw).ok_or("the signed part of the query is malformed")?;
    let compact: String = signature.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let signature = STANDARD.decode(compact).map_err(|_| "the signature is not base64".to_string())?;
    verify_detached(octets.as_bytes(), sig_alg, &signature, &idp_certs(state))
        .map_err(|e| format!("the identity provider's signature does not verify: {e}"))
}
