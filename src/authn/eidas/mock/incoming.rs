//! The mock node's side of the `AuthnRequest`: decode, check the SP's signature, read the
//! few fields a node needs (SAML core §3.4.1; eIDAS SAML Message Format v1.2 §2.4).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::MockNode;
use crate::authn::eidas::loa::Loa;
use crate::kernel::saml::signing::verify_and_reduce;
use crate::kernel::saml::xml::{NS_DS, NS_SAML, NS_SAMLP, is, only_child, parse_strict, text};

/// A verified request from the registered SP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockRequest {
    pub id: String,
    pub requested_loa: Loa,
}

impl MockNode {
    /// Verifies a posted `SAMLRequest`; the error is a short reason shown on the demo page.
    pub fn verify_request(&self, saml_request_b64: &str) -> Result<MockRequest, &'static str> {
        let compact: String = saml_request_b64.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        let bytes = STANDARD.decode(compact).map_err(|_| "SAMLRequest is not base64")?;
        let xml = String::from_utf8(bytes).map_err(|_| "SAMLRequest is not UTF-8")?;
        let doc = parse_strict(&xml).ok_or("SAMLRequest is not well-formed XML")?;
        let root = doc.get_root_element().ok_or("empty SAMLRequest")?;
        if !is(&root, NS_SAMLP, "AuthnRequest") {
            return Err("not an AuthnRequest");
        }
        let id = root.get_attribute("ID").ok_or("AuthnRequest without ID")?;
        // The signature must be the request's own enveloped signature (HTTP-POST binding).
        let reference = only_child(&root, NS_DS, "Signature")
            .and_then(|s| only_child(&s, NS_DS, "SignedInfo"))
            .and_then(|s| only_child(&s, NS_DS, "Reference"))
            .and_then(|r| r.get_attribute("URI"));
        if reference.as_deref() != Some(&format!("#{id}")) {
            return Err("AuthnRequest is not signed");
        }
        let reduced = verify_and_reduce(&xml, &self.inner.sp_cert_der)
            .map_err(|_| "AuthnRequest signature does not verify")?;
        let doc = parse_strict(&reduced).ok_or("AuthnRequest signature does not verify")?;
        let root = doc.get_root_element().ok_or("empty AuthnRequest")?;
        if !is(&root, NS_SAMLP, "AuthnRequest") || root.get_attribute("ID") != Some(id.clone()) {
            return Err("AuthnRequest signature does not cover the request");
        }
        let cfg = &self.inner.cfg;
        let issuer = only_child(&root, NS_SAML, "Issuer").map(|i| text(&i));
        if issuer.as_deref() != Some(cfg.sp_entity_id.as_str()) {
            return Err("unknown service provider");
        }
        if root.get_attribute("Destination").as_deref() != Some(cfg.sso_url.as_str()) {
            return Err("wrong Destination");
        }
        if root.get_attribute("AssertionConsumerServiceURL").is_some_and(|acs| acs != cfg.sp_acs_url) {
            return Err("unregistered AssertionConsumerServiceURL");
        }
        let requested_loa = only_child(&root, NS_SAMLP, "RequestedAuthnContext")
            .and_then(|c| only_child(&c, NS_SAML, "AuthnContextClassRef"))
            .and_then(|r| Loa::from_uri(&text(&r)))
            .ok_or("no eIDAS LoA requested")?;
        Ok(MockRequest { id, requested_loa })
    }
}
