//! Tests: the whole flow over real HTTP against the mock node, and every refusal.

mod encrypted;
mod flow;
mod refusals;

use time::OffsetDateTime;

use super::mock::{DemoIdentity, MockNode, MockNodeConfig, default_identities, generate_key};
use super::{AuthnParams, EidasSpConfig, Loa, PendingRequest, ServiceProvider, build_authn_request};

pub(super) const SP_ENTITY: &str = "https://poort.test/eidas/metadata";
pub(super) const ACS: &str = "https://poort.test/eidas/acs";

pub(super) struct Fixture {
    pub sp: ServiceProvider,
    pub node: MockNode,
    pub base: String,
    pub sp_cert_pem: String,
}

/// Starts the mock node on 127.0.0.1:0 and configures an SP trusting it.
pub(super) async fn start() -> Fixture {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let (sp_key, sp_cert) = generate_key("Poort SP (test)").expect("sp key");
    let node = MockNode::new(MockNodeConfig {
        entity_id: format!("{base}/metadata"),
        sso_url: format!("{base}/sso"),
        signing_key_pem: None,
        signing_certificate_pem: None,
        sp_entity_id: SP_ENTITY.into(),
        sp_acs_url: ACS.into(),
        sp_certificate_pem: sp_cert.clone(),
        identities: default_identities(),
        encrypts_assertions: true,
    })
    .expect("mock node");
    let app = super::mock::router(node.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let cfg = EidasSpConfig {
        entity_id: SP_ENTITY.into(),
        acs_url: ACS.into(),
        signing_key_pem: sp_key,
        signing_certificate_pem: sp_cert.clone(),
        sp_type: super::SpType::Public,
        requested_loa: Loa::Substantial,
        clock_skew_secs: 60,
        node_metadata_url: None,
        node_metadata_signing_certificate_pem: None,
        node_entity_id: Some(format!("{base}/metadata")),
        node_sso_url: Some(format!("{base}/sso")),
        node_certificate_pem: Some(node.certificate_pem().to_string()),
    };
    let sp = ServiceProvider::new(&cfg).expect("sp");
    Fixture { sp, node, base, sp_cert_pem: sp_cert }
}

/// A pending request as if the SP had sent one at `now`.
pub(super) fn pending(f: &Fixture, loa: Loa, now: OffsetDateTime) -> PendingRequest {
    let params = AuthnParams { loa, requested_country: None };
    build_authn_request(&f.sp, &params, now).expect("request").1
}

pub(super) fn identity(f: &Fixture, country: &str) -> DemoIdentity {
    f.node.config().identities.iter().find(|i| i.country == country).cloned().expect("demo identity")
}

/// The value of a hidden input, HTML entities decoded.
pub(super) fn field(html: &str, name: &str) -> String {
    let marker = format!(r#"name="{name}" value=""#);
    let start = html.find(&marker).expect("field present") + marker.len();
    let end = html[start..].find('"').expect("closing quote") + start;
    unescape(&html[start..end])
}

pub(super) fn form_action(html: &str) -> String {
    let marker = r#"<form method="post" action=""#;
    let start = html.find(marker).expect("form") + marker.len();
    let end = html[start..].find('"').expect("quote") + start;
    unescape(&html[start..end])
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let Some(j) = rest[i..].find(';') else { break };
        let entity = &rest[i + 1..i + j];
        let c = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            e if e.starts_with("#x") => u32::from_str_radix(&e[2..], 16).ok().and_then(char::from_u32),
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        out.push(c.expect("known entity"));
        rest = &rest[i + j + 1..];
    }
    out.push_str(rest);
    out
}
