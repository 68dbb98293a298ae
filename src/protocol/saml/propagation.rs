//! Single logout propagated to a session's SAML service providers (SAML profiles §4.4.3.3,
//! front-channel): once the session has ended, the browser visits each of them in turn with
//! our signed `LogoutRequest` and comes back with its `LogoutResponse`; then it goes where
//! the logout began — a `LogoutResponse` to the service provider that asked (`PartialLogout`
//! when one of the others did not confirm), or the page or URL of an IdP- or OpenID-initiated
//! logout. The state of one such logout is a [`Chain`], kept in the database under a random
//! ID that travels as `RelayState`. The messages and [`begin`] here; the handlers are in
//! `endpoints/propagate.rs`.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::authn_request::RequestError;
use super::sp::ServiceProvider;
use crate::authn::events::FrontChannel;
use crate::kernel::saml::xml::{
    NS_DS, NS_SAML, NS_SAMLP, STATUS_PREFIX, escape, instant, is, new_id, only_child, parse_strict, text,
};
use crate::store::{Store, unix_now};

/// How long a browser may take to go round the service providers, in seconds.
pub const CHAIN_LIFETIME_SECS: i64 = 600;

/// A service provider still to be told, with what its assertion said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    pub sp_entity_id: String,
    pub name_id: String,
    pub name_id_format: String,
    pub session_index: String,
}

/// Where the browser goes when every service provider was told.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Finish {
    /// A page or URL (the portal's home, an OpenID client's `post_logout_redirect_uri`).
    Url { to: String },
    /// The `LogoutResponse` to the service provider whose `LogoutRequest` began it.
    Respond { sp_entity_id: String, in_response_to: String, relay_state: Option<String>, binding: String },
}

/// The LogoutRequest awaiting its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Awaiting {
    pub sp_entity_id: String,
    pub request_id: String,
}

/// One logout going round the service providers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chain {
    pub remaining: Vec<Participant>,
    pub awaiting: Option<Awaiting>,
    /// Service providers that did not confirm (an error status, a bad signature).
    pub failed: Vec<String>,
    pub finish: Finish,
}

impl Chain {
    /// `Success`, or `Success` with `PartialLogout` when a service provider did not confirm
    /// (SAML core §3.2.2.2).
    pub fn status(&self) -> (&'static str, Option<&'static str>) {
        if self.failed.is_empty() { ("Success", None) } else { ("Success", Some("PartialLogout")) }
    }
}

/// Where the browser continues a logout: `GET /saml/slo/continue?chain=…`.
pub fn continue_path(chain_id: &str) -> String {
    format!("/saml/slo/continue?chain={chain_id}")
}

/// Takes the service providers of the ended sessions `sids` (all but `except`, the one that
/// asked), keeps those with a `SingleLogoutService`, and records the logout that tells them.
/// Returns where the browser continues; `None` when nobody is to be told.
pub async fn begin(
    store: &Store,
    sids: &[String],
    except: Option<&str>,
    finish: Finish,
) -> anyhow::Result<Option<String>> {
    let mut remaining: Vec<Participant> = Vec::new();
    for sid in sids {
        for p in store.find_saml_participants(sid).await? {
            let is_reachable = store
                .find_saml_sp::<ServiceProvider>(&p.sp_entity_id)
                .await?
                .is_some_and(|sp| !sp.slo.is_empty());
            let is_new = !remaining.iter().any(|r| r.sp_entity_id == p.sp_entity_id);
            if is_reachable && is_new && Some(p.sp_entity_id.as_str()) != except {
                remaining.push(Participant {
                    sp_entity_id: p.sp_entity_id,
                    name_id: p.name_id,
                    name_id_format: p.name_id_format,
                    session_index: p.session_index,
                });
            }
        }
        store.delete_saml_participants(sid).await?;
    }
    if remaining.is_empty() {
        return Ok(None);
    }
    let told = remaining.len();
    let chain = Chain { remaining, awaiting: None, failed: Vec::new(), finish };
    let id = crate::kernel::token::random_token(16);
    store.create_saml_logout(&id, &serde_json::to_string(&chain)?, unix_now() + CHAIN_LIFETIME_SECS).await?;
    tracing::info!(saml.service_providers = told, "SAML logout propagated through the browser");
    Ok(Some(continue_path(&id)))
}

/// The identity provider's part in a browser's logout (portal or OpenID): its service
/// providers are visited before the browser goes on to `then`.
#[derive(Debug, Clone)]
pub struct SamlFrontChannel {
    pub store: Store,
}

#[async_trait]
impl FrontChannel for SamlFrontChannel {
    async fn start(&self, sid: &str, then: &str) -> anyhow::Result<Option<String>> {
        begin(&self.store, &[sid.to_string()], None, Finish::Url { to: then.to_string() }).await
    }
}

/// What our `LogoutRequest` to a service provider says.
#[derive(Debug, Clone)]
pub struct Outgoing<'a> {
    pub idp_entity_id: &'a str,
    pub destination: &'a str,
    pub participant: &'a Participant,
    pub id: &'a str,
    /// The POST binding's signature template; empty for the Redirect binding.
    pub signature: &'a str,
    pub now: OffsetDateTime,
}

/// Our `LogoutRequest` (SAML core §3.7.1): the NameID exactly as the assertion gave it, the
/// SessionIndex, `Reason` user, and `NotOnOrAfter` (the request is short-lived).
pub fn request_xml(o: &Outgoing<'_>) -> String {
    let p = o.participant;
    format!(
        concat!(
            r#"<samlp:LogoutRequest xmlns:samlp="{samlp}" xmlns:saml="{saml}" ID="{id}" Version="2.0" "#,
            r#"IssueInstant="{now}" Destination="{dest}" NotOnOrAfter="{until}" "#,
            r#"Reason="urn:oasis:names:tc:SAML:2.0:logout:user"><saml:Issuer>{issuer}</saml:Issuer>{signature}"#,
            r#"<saml:NameID Format="{format}" NameQualifier="{issuer}" SPNameQualifier="{sp}">{name_id}</saml:NameID>"#,
            r#"<samlp:SessionIndex>{index}</samlp:SessionIndex></samlp:LogoutRequest>"#
        ),
        samlp = NS_SAMLP,
        saml = NS_SAML,
        id = escape(o.id),
        now = instant(o.now),
        dest = escape(o.destination),
        until = instant(o.now + time::Duration::minutes(5)),
        issuer = escape(o.idp_entity_id),
        signature = o.signature,
        format = escape(&p.name_id_format),
        sp = escape(&p.sp_entity_id),
        name_id = escape(&p.name_id),
        index = escape(&p.session_index),
    )
}

/// A fresh request ID.
pub fn request_id() -> String {
    new_id()
}

/// A parsed, not yet trusted, LogoutResponse from a service provider.
#[derive(Debug, Clone)]
pub struct LogoutAnswer {
    pub id: String,
    pub issuer: String,
    pub in_response_to: String,
    pub destination: Option<String>,
    /// The top-level status code without its prefix (`Success`, `Responder`, …).
    pub status: String,
    /// The second-level status code without its prefix (`PartialLogout`, …), if any.
    pub substatus: Option<String>,
    pub xml: String,
    pub has_enveloped_signature: bool,
}

/// Reads a LogoutResponse (SAML core §3.7.2).
pub fn parse_answer(xml: String) -> Result<LogoutAnswer, RequestError> {
    use RequestError::Invalid as Not;
    let doc = parse_strict(&xml).ok_or(RequestError::Xml)?;
    let root = doc.get_root_element().ok_or(RequestError::Xml)?;
    if !is(&root, NS_SAMLP, "LogoutResponse") || root.get_attribute("Version").as_deref() != Some("2.0") {
        return Err(Not("the root element is not a SAML 2.0 samlp:LogoutResponse"));
    }
    let id = root.get_attribute("ID").filter(|i| !i.is_empty() && i.len() <= 256).ok_or(Not("no ID"))?;
    let in_response_to = root.get_attribute("InResponseTo").ok_or(Not("no InResponseTo"))?;
    let issuer = only_child(&root, NS_SAML, "Issuer").map(|i| text(&i)).ok_or(Not("no single Issuer"))?;
    let code = only_child(&root, NS_SAMLP, "Status")
        .and_then(|s| only_child(&s, NS_SAMLP, "StatusCode"))
        .ok_or(Not("no StatusCode"))?;
    let status = code.get_attribute("Value").ok_or(Not("no StatusCode"))?;
    let short = |v: &str| v.strip_prefix(STATUS_PREFIX).unwrap_or(v).to_string();
    let substatus =
        only_child(&code, NS_SAMLP, "StatusCode").and_then(|c| c.get_attribute("Value")).map(|v| short(&v));
    Ok(LogoutAnswer {
        id,
        issuer,
        in_response_to,
        destination: root.get_attribute("Destination"),
        status: short(&status),
        substatus,
        has_enveloped_signature: only_child(&root, NS_DS, "Signature").is_some(),
        xml,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_logout_request_names_the_participant_as_its_assertion_did() {
        let p = Participant {
            sp_entity_id: "https://sp.example/m".into(),
            name_id: "a<b".into(),
            name_id_format: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent".into(),
            session_index: "ix".into(),
        };
        let now = OffsetDateTime::now_utc();
        let xml = request_xml(&Outgoing {
            idp_entity_id: "https://idp/m",
            destination: "https://sp.example/slo",
            participant: &p,
            id: "_r1",
            signature: "",
            now,
        });
        let doc = parse_strict(&xml).expect("well-formed");
        let root = doc.get_root_element().expect("root");
        let name_id = only_child(&root, NS_SAML, "NameID").expect("NameID");
        assert_eq!(text(&name_id), "a<b");
        assert_eq!(name_id.get_attribute("SPNameQualifier").as_deref(), Some("https://sp.example/m"));
        assert_eq!(text(&only_child(&root, NS_SAMLP, "SessionIndex").expect("index")), "ix");
    }

    #[test]
    fn a_logout_answer_is_read_and_foreign_messages_are_refused() {
        let ok = format!(
            r#"<samlp:LogoutResponse xmlns:samlp="{NS_SAMLP}" xmlns:saml="{NS_SAML}" ID="_a" Version="2.0" InResponseTo="_r1"><saml:Issuer>https://sp</saml:Issuer><samlp:Status><samlp:StatusCode Value="{STATUS_PREFIX}Success"/></samlp:Status></samlp:LogoutResponse>"#
        );
        let a = parse_answer(ok.clone()).expect("parsed");
        assert_eq!(
            (a.status.as_str(), a.in_response_to.as_str(), a.issuer.as_str()),
            ("Success", "_r1", "https://sp")
        );
        assert!(parse_answer(ok.replace(r#" InResponseTo="_r1""#, "")).is_err());
        assert!(parse_answer(ok.replace("LogoutResponse", "LogoutRequest")).is_err());
        assert!(parse_answer("<x".into()).is_err());
    }
}
