//! The DEMO SAML service provider (demo mode only), so a newcomer sees a SAML login work at
//! once: `/demo-sp` offers a login over either binding, `/demo-sp/login` sends a signed
//! AuthnRequest (a detached signature over the Redirect query, or an enveloped one in the
//! POST form), and `/demo-sp/acs` verifies the Response as a service provider must
//! (signature with the IdP's certificate, `InResponseTo` against its own cookie, audience,
//! recipient) and shows the NameID, the level and the attributes. Its single logout is in
//! `demo_sp_slo.rs`.

use askama::Template;
use axum::extract::{Form, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use time::OffsetDateTime;

use crate::kernel::saml::signing::{signed_redirect_query, verify_and_reduce_any};
use crate::kernel::saml::xml::{
    BINDING_POST, NS_SAML, NS_SAMLP, STATUS_PREFIX, children, descendants, escape, instant, is, new_id,
    only_child, parse_strict, text,
};
use crate::protocol::saml::idp::DemoSp;
use crate::protocol::saml::state::SamlState;
use crate::web::error::render;
use crate::web::form_post::form_post;
use crate::web::page::PageCtx;

/// The demo SP's own cookie: the ID of the request it is waiting an answer for. The demo
/// SP lives on Poort's own origin, so the POST to its ACS is same-site and `SameSite=Lax`
/// brings the cookie back.
pub(super) const REQUEST_COOKIE: &str = "poort_demo_sp_request";

#[derive(Template)]
#[template(path = "demo_sp.html")]
pub(super) struct DemoSpPage {
    pub page: PageCtx,
    pub error: Option<String>,
    pub name_id: Option<String>,
    pub session_index: String,
    pub class_ref: String,
    pub attributes: Vec<(String, String)>,
    /// After a single logout: the status the identity provider answered.
    pub logged_out: Option<String>,
}

impl DemoSpPage {
    pub fn empty(page: PageCtx) -> Self {
        Self {
            page,
            error: None,
            name_id: None,
            session_index: String::new(),
            class_ref: String::new(),
            attributes: Vec::new(),
            logged_out: None,
        }
    }
}

pub(super) fn page_with(page: PageCtx, error: Option<String>) -> Response {
    render(&DemoSpPage { error, ..DemoSpPage::empty(page) }).unwrap_or_else(IntoResponse::into_response)
}

pub async fn home(page: PageCtx) -> Response {
    page_with(page, None)
}

#[derive(Deserialize)]
pub struct LoginQuery {
    #[serde(default)]
    binding: String,
}

pub(super) fn demo(state: &SamlState) -> Option<&DemoSp> {
    state.idp.demo_sp()
}

pub async fn login(
    State(state): State<SamlState>,
    page: PageCtx,
    jar: CookieJar,
    Query(q): Query<LoginQuery>,
) -> Response {
    let Some(sp) = demo(&state) else { return http::StatusCode::NOT_FOUND.into_response() };
    let id = new_id();
    let sso = state.idp.sso_url();
    let is_post = q.binding == "post";
    let xml = authn_request_xml(sp, &id, &sso, is_post.then(|| sp.key.template(&id)));
    let jar = jar.add(request_cookie(&id, sso.starts_with("https://")));
    let relay = "demo-sp".to_string();
    if is_post {
        return match sp.key.sign(&xml) {
            Ok(signed) => (
                jar,
                form_post(
                    page,
                    &sso,
                    vec![("SAMLRequest".into(), STANDARD.encode(signed)), ("RelayState".into(), relay)],
                ),
            )
                .into_response(),
            Err(e) => page_with(page, Some(format!("the request could not be signed: {e}"))),
        };
    }
    match signed_redirect_query("SAMLRequest", &xml, Some(&relay), &sp.key) {
        Ok(query) => (jar, Redirect::to(&format!("{sso}?{query}"))).into_response(),
        Err(e) => page_with(page, Some(format!("the request could not be signed: {e}"))),
    }
}

/// The cookie holding the ID of the request the demo SP awaits an answer to.
pub(super) fn request_cookie(id: &str, is_secure: bool) -> Cookie<'static> {
    Cookie::build((REQUEST_COOKIE, id.to_string()))
        .path("/demo-sp")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(is_secure)
        .build()
}

fn authn_request_xml(sp: &DemoSp, id: &str, sso: &str, signature: Option<String>) -> String {
    format!(
        concat!(
            r#"<samlp:AuthnRequest xmlns:samlp="{samlp}" xmlns:saml="{saml}" ID="{id}" Version="2.0" "#,
            r#"IssueInstant="{now}" Destination="{sso}" ProtocolBinding="{binding}" "#,
            r#"AssertionConsumerServiceURL="{acs}"><saml:Issuer>{issuer}</saml:Issuer>{signature}"#,
            r#"<samlp:NameIDPolicy Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent" AllowCreate="true"/>"#,
            r#"<samlp:RequestedAuthnContext Comparison="minimum">"#,
            r#"<saml:AuthnContextClassRef>urn:be:fedict:iam:fas:Level200</saml:AuthnContextClassRef>"#,
            r#"</samlp:RequestedAuthnContext></samlp:AuthnRequest>"#
        ),
        samlp = NS_SAMLP,
        saml = NS_SAML,
        id = id,
        now = instant(OffsetDateTime::now_utc()),
        sso = escape(sso),
        binding = BINDING_POST,
        acs = escape(&sp.acs_url),
        issuer = escape(&sp.entity_id),
        signature = signature.unwrap_or_default(),
    )
}

#[derive(Deserialize)]
pub struct AcsForm {
    #[serde(rename = "SAMLResponse")]
    saml_response: String,
}

pub async fn acs(
    State(state): State<SamlState>,
    page: PageCtx,
    jar: CookieJar,
    Form(form): Form<AcsForm>,
) -> Response {
    let Some(sp) = demo(&state) else { return http::StatusCode::NOT_FOUND.into_response() };
    let expected = jar.get(REQUEST_COOKIE).map(|c| c.value().to_string());
    let jar = jar.remove(Cookie::build(REQUEST_COOKIE).path("/demo-sp"));
    let certs = idp_certs(&state);
    let result = STANDARD
        .decode(form.saml_response.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| "the SAMLResponse is not base64 XML".to_string())
        .and_then(|xml| read_response(&xml, &certs, sp, expected.as_deref(), state.idp.entity_id()));
    let view = match result {
        Ok(r) => DemoSpPage {
            name_id: r.name_id,
            session_index: r.session_index,
            class_ref: r.class_ref,
            attributes: r.attributes,
            ..DemoSpPage::empty(page)
        },
        Err(e) => DemoSpPage { error: Some(e), ..DemoSpPage::empty(page) },
    };
    (jar, render(&view).unwrap_or_else(IntoResponse::into_response)).into_response()
}

/// The identity provider's signing certificates (DER).
pub(super) fn idp_certs(state: &SamlState) -> Vec<Vec<u8>> {
    state.idp.signing_certificates().iter().filter_map(|c| STANDARD.decode(c).ok()).collect()
}

/// What the demo SP received and checked.
struct Received {
    name_id: Option<String>,
    session_index: String,
    class_ref: String,
    attributes: Vec<(String, String)>,
}

/// A service provider's checks, on the signature-verified part of the document only.
fn read_response(
    xml: &str,
    certs: &[Vec<u8>],
    sp: &DemoSp,
    expected: Option<&str>,
    idp_entity_id: &str,
) -> Result<Received, String> {
    let doc = parse_strict(xml).ok_or("the response is not well-formed XML")?;
    let root = doc.get_root_element().ok_or("empty response")?;
    if !is(&root, NS_SAMLP, "Response") {
        return Err("not a SAML Response".into());
    }
    let status = descendants(&root, NS_SAMLP, "StatusCode")
        .iter()
        .filter_map(|c| c.get_attribute("Value"))
        .map(|v| v.trim_start_matches(STATUS_PREFIX).to_string())
        .collect::<Vec<_>>()
        .join("/");
    if status != "Success" {
        return Err(format!("the identity provider answered {status}"));
    }
    if expected.is_none() || root.get_attribute("InResponseTo").as_deref() != expected {
        return Err("this response does not answer the request this browser sent".into());
    }
    let reduced =
        verify_and_reduce_any(xml, certs).map_err(|_| "the signature does not verify".to_string())?;
    let doc = parse_strict(&reduced).ok_or("the signed part is not XML")?;
    let signed = doc.get_root_element().ok_or("nothing is signed")?;
    let assertion = if is(&signed, NS_SAML, "Assertion") {
        signed
    } else {
        only_child(&signed, NS_SAML, "Assertion").ok_or("the assertion is not signed")?
    };
    let issuer = only_child(&assertion, NS_SAML, "Issuer").map(|i| text(&i));
    if issuer.as_deref() != Some(idp_entity_id) {
        return Err("the assertion comes from another identity provider".into());
    }
    let audiences: Vec<String> = descendants(&assertion, NS_SAML, "Audience").iter().map(text).collect();
    if !audiences.contains(&sp.entity_id) {
        return Err("the assertion is meant for another service provider".into());
    }
    let recipient = descendants(&assertion, NS_SAML, "SubjectConfirmationData")
        .first()
        .and_then(|d| d.get_attribute("Recipient"));
    if recipient.as_deref() != Some(sp.acs_url.as_str()) {
        return Err("the assertion is meant for another address".into());
    }
    let name_id = descendants(&assertion, NS_SAML, "NameID").first().map(text);
    let session_index = descendants(&assertion, NS_SAML, "AuthnStatement")
        .first()
        .and_then(|s| s.get_attribute("SessionIndex"))
        .unwrap_or_default();
    let class_ref =
        descendants(&assertion, NS_SAML, "AuthnContextClassRef").first().map(text).unwrap_or_default();
    let attributes = descendants(&assertion, NS_SAML, "Attribute")
        .iter()
        .map(|a| {
            let name =
                a.get_attribute("FriendlyName").or_else(|| a.get_attribute("Name")).unwrap_or_default();
            let values: Vec<String> = children(a, NS_SAML, "AttributeValue").iter().map(text).collect();
            (name, values.join(", "))
        })
        .collect();
    Ok(Received { name_id, session_index, class_ref, attributes })
}
