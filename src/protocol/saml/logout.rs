//! Single logout, SP-initiated (SAML profiles §4.4): a service provider's signed
//! `LogoutRequest` naming the NameID and SessionIndex it was given ends that browser session
//! (which tells the OpenID clients of the session, by back-channel logout, and the other
//! SAML service providers through the browser: [`super::propagation`]), and Poort answers
//! with a signed `LogoutResponse` to the SP's `SingleLogoutService`. Plain values: parsing
//! here, the handler in `endpoints/slo.rs`.

use time::OffsetDateTime;

use super::authn_request::RequestError;
use crate::kernel::saml::xml::{
    NS_DS, NS_SAML, NS_SAMLP, STATUS_PREFIX, children, escape, instant, is, new_id, only_child,
    parse_instant, parse_strict, text,
};

/// A parsed, not yet trusted, LogoutRequest.
#[derive(Debug, Clone)]
pub struct LogoutRequest {
    pub id: String,
    pub issuer: String,
    pub issue_instant: OffsetDateTime,
    pub destination: Option<String>,
    pub name_id: String,
    pub session_indexes: Vec<String>,
    pub xml: String,
    pub has_enveloped_signature: bool,
}

/// Reads a LogoutRequest (SAML core §3.7.1).
pub fn parse(xml: String) -> Result<LogoutRequest, RequestError> {
    use RequestError::Invalid as Not;
    let doc = parse_strict(&xml).ok_or(RequestError::Xml)?;
    let root = doc.get_root_element().ok_or(RequestError::Xml)?;
    if !is(&root, NS_SAMLP, "LogoutRequest") || root.get_attribute("Version").as_deref() != Some("2.0") {
        return Err(Not("the root element is not a SAML 2.0 samlp:LogoutRequest"));
    }
    let id = root.get_attribute("ID").filter(|i| !i.is_empty() && i.len() <= 256).ok_or(Not("no ID"))?;
    let issue_instant =
        root.get_attribute("IssueInstant").and_then(|i| parse_instant(&i)).ok_or(Not("no IssueInstant"))?;
    let issuer = only_child(&root, NS_SAML, "Issuer").map(|i| text(&i)).ok_or(Not("no single Issuer"))?;
    let name_id = only_child(&root, NS_SAML, "NameID").map(|n| text(&n)).ok_or(Not("no NameID"))?;
    let session_indexes = children(&root, NS_SAMLP, "SessionIndex").iter().map(text).collect();
    Ok(LogoutRequest {
        id,
        issuer,
        issue_instant,
        destination: root.get_attribute("Destination"),
        name_id,
        session_indexes,
        has_enveloped_signature: only_child(&root, NS_DS, "Signature").is_some(),
        xml,
    })
}

/// A `LogoutResponse` to `in_response_to` (not yet signed: `signature` is the template of
/// the POST binding, empty for the Redirect binding's detached signature).
pub fn response_xml(
    issuer: &str,
    destination: &str,
    in_response_to: &str,
    status: (&str, Option<&str>),
    id: &str,
    signature: &str,
    now: OffsetDateTime,
) -> String {
    let second = status
        .1
        .map(|s| format!(r#"<samlp:StatusCode Value="{STATUS_PREFIX}{}"/>"#, escape(s)))
        .unwrap_or_default();
    format!(
        concat!(
            r#"<samlp:LogoutResponse xmlns:samlp="{samlp}" xmlns:saml="{saml}" ID="{id}" Version="2.0" "#,
            r#"IssueInstant="{now}" Destination="{dest}" InResponseTo="{irt}">"#,
            r#"<saml:Issuer>{issuer}</saml:Issuer>{signature}"#,
            r#"<samlp:Status><samlp:StatusCode Value="{p}{status}">{second}</samlp:StatusCode></samlp:Status>"#,
            "</samlp:LogoutResponse>"
        ),
        samlp = NS_SAMLP,
        saml = NS_SAML,
        id = id,
        now = instant(now),
        dest = escape(destination),
        irt = escape(in_response_to),
        issuer = escape(issuer),
        signature = signature,
        p = STATUS_PREFIX,
        status = escape(status.0),
        second = second,
    )
}

/// A fresh response ID.
pub fn response_id() -> String {
    new_id()
}
