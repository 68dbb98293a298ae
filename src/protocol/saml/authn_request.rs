//! Accepting a service provider's `AuthnRequest` (SAML core §3.4.1) over HTTP-Redirect
//! (DEFLATE + base64, detached signature over the query: SAML bindings §3.4.4.1) or
//! HTTP-POST (base64, enveloped signature: §3.5). Plain values in, plain values out: the
//! XML is read synchronously (libxml documents are not `Send`) and the service provider is
//! looked up between [`parse`] and [`verify`].

use std::io::Read as _;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use super::sp::{BINDING_REDIRECT, ServiceProvider};
use crate::domain::AuthLevel;
use crate::kernel::saml::signing::{DetachedError, uses_sha1, verify_and_reduce_any, verify_detached};
use crate::kernel::saml::xml::{
    BINDING_POST, MAX_MESSAGE_BYTES, NS_DS, NS_SAML, NS_SAMLP, children, is, only_child, parse_instant,
    parse_strict, text,
};

/// The binding a message arrived over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Binding {
    Redirect,
    Post,
}

/// `RequestedAuthnContext/@Comparison` (SAML core §3.3.2.2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Comparison {
    Exact,
    Minimum,
    Maximum,
    Better,
}

/// What the service provider asked of the authentication.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestedContext {
    pub comparison: Comparison,
    /// The class references Poort knows (FAS levels, eIDAS LoA), with their levels.
    pub refs: Vec<(String, u16)>,
}

/// A parsed, not yet trusted, AuthnRequest.
#[derive(Debug, Clone)]
pub struct ParsedRequest {
    pub id: String,
    pub issuer: String,
    pub issue_instant: OffsetDateTime,
    pub destination: Option<String>,
    pub acs_url: Option<String>,
    pub acs_index: Option<u16>,
    pub protocol_binding: Option<String>,
    pub force_authn: bool,
    pub is_passive: bool,
    pub name_id_format: Option<String>,
    pub requested: Option<RequestedContext>,
    /// Class references were asked for but Poort knows none of them.
    pub has_unknown_context: bool,
    xml: String,
    has_enveloped_signature: bool,
}

/// Why an AuthnRequest is refused. None of these is answered to the service provider's
/// ACS: the request could not be trusted enough to know where to send an answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    #[error("the SAMLRequest is not base64, not DEFLATE-compressed, or too large")]
    Encoding,
    #[error("the SAMLRequest is not well-formed XML, or it declares a DTD or entities")]
    Xml,
    #[error("the SAML message cannot be used: {0}")]
    Invalid(&'static str),
    #[error("the issuer is not a registered service provider")]
    UnknownSp,
    #[error("this service provider must sign its requests, and this one is not signed")]
    Unsigned,
    #[error("the signature algorithm is refused (SHA-1 or unknown)")]
    SignatureAlgorithm,
    #[error("the signature does not verify with the service provider's certificate")]
    BadSignature,
    #[error("the request was sent to another destination")]
    WrongDestination,
    #[error("the request is too old or from the future (IssueInstant)")]
    Stale,
    #[error("this request was already answered (replay)")]
    Replayed,
    #[error("the AssertionConsumerService is not in the service provider's metadata")]
    UnknownAcs,
    #[error("only the HTTP-POST binding is supported for the response")]
    UnsupportedBinding,
}

impl RequestError {
    /// A stable code for logs and metrics.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Encoding => "saml_request.encoding",
            Self::Xml => "saml_request.xml",
            Self::Invalid(_) => "saml_request.invalid",
            Self::UnknownSp => "saml_request.unknown_sp",
            Self::Unsigned => "saml_request.unsigned",
            Self::SignatureAlgorithm => "saml_request.signature_algorithm",
            Self::BadSignature => "saml_request.bad_signature",
            Self::WrongDestination => "saml_request.wrong_destination",
            Self::Stale => "saml_request.stale",
            Self::Replayed => "saml_request.replayed",
            Self::UnknownAcs => "saml_request.unknown_acs",
            Self::UnsupportedBinding => "saml_request.unsupported_binding",
        }
    }
}

/// Decodes the `SAMLRequest` parameter: base64, then (Redirect) raw DEFLATE, with a size cap
/// on both the input and the inflated output (no decompression bomb).
pub fn decode(binding: Binding, b64: &str) -> Result<String, RequestError> {
    if b64.len() > MAX_MESSAGE_BYTES * 2 {
        return Err(RequestError::Encoding);
    }
    let compact: String = b64.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let bytes = STANDARD.decode(compact).map_err(|_| RequestError::Encoding)?;
    let bytes = match binding {
        Binding::Post => bytes,
        Binding::Redirect => {
            let mut out = Vec::new();
            flate2::read::DeflateDecoder::new(bytes.as_slice())
                .take(MAX_MESSAGE_BYTES as u64 + 1)
                .read_to_end(&mut out)
                .map_err(|_| RequestError::Encoding)?;
            if out.len() > MAX_MESSAGE_BYTES {
                return Err(RequestError::Encoding);
            }
            out
        }
    };
    String::from_utf8(bytes).map_err(|_| RequestError::Encoding)
}

/// Reads an AuthnRequest; nothing in it is trusted yet.
pub fn parse(xml: String) -> Result<ParsedRequest, RequestError> {
    use RequestError::Invalid as Not;
    let doc = parse_strict(&xml).ok_or(RequestError::Xml)?;
    let root = doc.get_root_element().ok_or(RequestError::Xml)?;
    if !is(&root, NS_SAMLP, "AuthnRequest") {
        return Err(Not("the root element is not samlp:AuthnRequest"));
    }
    if root.get_attribute("Version").as_deref() != Some("2.0") {
        return Err(Not("Version is not 2.0"));
    }
    let id = root.get_attribute("ID").filter(|i| !i.is_empty() && i.len() <= 256).ok_or(Not("no ID"))?;
    let issue_instant =
        root.get_attribute("IssueInstant").and_then(|i| parse_instant(&i)).ok_or(Not("no IssueInstant"))?;
    let issuer = only_child(&root, NS_SAML, "Issuer").map(|i| text(&i)).ok_or(Not("no single Issuer"))?;
    let flag = |name: &str| root.get_attribute(name).is_some_and(|v| v == "true" || v == "1");
    let name_id_format = only_child(&root, NS_SAMLP, "NameIDPolicy").and_then(|p| p.get_attribute("Format"));
    let (requested, has_unknown_context) = match only_child(&root, NS_SAMLP, "RequestedAuthnContext") {
        None => (None, false),
        Some(rac) => {
            let comparison = match rac.get_attribute("Comparison").as_deref() {
                None | Some("exact") => Comparison::Exact,
                Some("minimum") => Comparison::Minimum,
                Some("maximum") => Comparison::Maximum,
                Some("better") => Comparison::Better,
                Some(_) => return Err(Not("unknown Comparison")),
            };
            let asked: Vec<String> =
                children(&rac, NS_SAML, "AuthnContextClassRef").iter().map(text).collect();
            let refs: Vec<(String, u16)> = asked
                .iter()
                .filter_map(|r| AuthLevel::required_by_acr(r).ok().map(|l| (r.clone(), l.number())))
                .collect();
            let unknown = refs.is_empty();
            ((!refs.is_empty()).then_some(RequestedContext { comparison, refs }), unknown)
        }
    };
    let has_enveloped_signature = only_child(&root, NS_DS, "Signature").is_some();
    Ok(ParsedRequest {
        id,
        issuer,
        issue_instant,
        destination: root.get_attribute("Destination"),
        acs_url: root.get_attribute("AssertionConsumerServiceURL"),
        acs_index: root.get_attribute("AssertionConsumerServiceIndex").and_then(|i| i.parse().ok()),
        protocol_binding: root.get_attribute("ProtocolBinding"),
        force_authn: flag("ForceAuthn"),
        is_passive: flag("IsPassive"),
        name_id_format,
        requested,
        has_unknown_context,
        xml,
        has_enveloped_signature,
    })
}

/// The detached signature of a Redirect-binding request: the raw query (as received) and
/// the decoded `SigAlg` and `Signature`.
#[derive(Debug, Clone, Copy)]
pub struct RedirectSignature<'a> {
    pub raw_query: &'a str,
    pub sig_alg: &'a str,
    pub signature_b64: &'a str,
}

/// The octets a Redirect signature covers (SAML bindings §3.4.4.1): `SAMLRequest`,
/// `RelayState` when present and `SigAlg`, each exactly as URL-encoded in the query.
pub fn redirect_signed_octets(raw_query: &str) -> Option<String> {
    let raw = |name: &str| {
        raw_query.split('&').find_map(|pair| pair.strip_prefix(name).and_then(|rest| rest.strip_prefix('=')))
    };
    // SAML bindings §3.4.4.1: SAMLRequest or SAMLResponse, RelayState, SigAlg, in that order.
    let mut out = match (raw("SAMLRequest"), raw("SAMLResponse")) {
        (Some(request), None) => format!("SAMLRequest={request}"),
        (None, Some(response)) => format!("SAMLResponse={response}"),
        _ => return None,
    };
    if let Some(relay) = raw("RelayState") {
        out.push_str(&format!("&RelayState={relay}"));
    }
    out.push_str(&format!("&SigAlg={}", raw("SigAlg")?));
    Some(out)
}

/// Checks the request's signature: required when the service provider must sign, and
/// verified whenever one is present. Returns whether the request was signed.
pub fn verify(
    parsed: &ParsedRequest,
    sp: &ServiceProvider,
    redirect: Option<RedirectSignature<'_>>,
) -> Result<bool, RequestError> {
    let message = SignedMessage {
        xml: &parsed.xml,
        root: "AuthnRequest",
        id: &parsed.id,
        issuer: &parsed.issuer,
        has_enveloped_signature: parsed.has_enveloped_signature,
    };
    let signed = verify_message(&message, sp, redirect)?;
    if !signed && sp.must_sign_requests() {
        return Err(RequestError::Unsigned);
    }
    Ok(signed)
}

/// A protocol message whose signature is checked: its XML, root element, ID and issuer.
#[derive(Debug, Clone, Copy)]
pub struct SignedMessage<'a> {
    pub xml: &'a str,
    pub root: &'static str,
    pub id: &'a str,
    pub issuer: &'a str,
    pub has_enveloped_signature: bool,
}

/// Verifies a message's signature when it has one (detached over the Redirect query, or
/// enveloped); returns whether it was signed.
pub fn verify_message(
    m: &SignedMessage<'_>,
    sp: &ServiceProvider,
    redirect: Option<RedirectSignature<'_>>,
) -> Result<bool, RequestError> {
    let certs = sp.signing_certs_der();
    match redirect {
        Some(r) => {
            let octets = redirect_signed_octets(r.raw_query).ok_or(RequestError::BadSignature)?;
            let compact: String = r.signature_b64.chars().filter(|c| !c.is_ascii_whitespace()).collect();
            let signature = STANDARD.decode(compact).map_err(|_| RequestError::BadSignature)?;
            verify_detached(octets.as_bytes(), r.sig_alg, &signature, &certs).map_err(|e| match e {
                DetachedError::Algorithm => RequestError::SignatureAlgorithm,
                DetachedError::Mismatch => RequestError::BadSignature,
            })?;
            Ok(true)
        }
        None if m.has_enveloped_signature => {
            // The signature must cover the message itself: the verified reduction of the
            // document must be this message (no wrapped or detached element counts).
            let reduced = verify_and_reduce_any(m.xml, &certs).map_err(|_| {
                if uses_sha1(m.xml) { RequestError::SignatureAlgorithm } else { RequestError::BadSignature }
            })?;
            let doc = parse_strict(&reduced).ok_or(RequestError::BadSignature)?;
            let root = doc.get_root_element().ok_or(RequestError::BadSignature)?;
            if !is(&root, NS_SAMLP, m.root) || root.get_attribute("ID").as_deref() != Some(m.id) {
                return Err(RequestError::BadSignature);
            }
            let issuer = only_child(&root, NS_SAML, "Issuer").map(|i| text(&i));
            if issuer.as_deref() != Some(m.issuer) {
                return Err(RequestError::BadSignature);
            }
            Ok(true)
        }
        None => Ok(false),
    }
}

/// Checks on a request from a known service provider: destination, freshness, the
/// response binding and the assertion consumer service. Returns the ACS URL.
pub fn check(
    parsed: &ParsedRequest,
    sp: &ServiceProvider,
    sso_url: &str,
    now: OffsetDateTime,
    max_age: Duration,
    skew: Duration,
) -> Result<String, RequestError> {
    if parsed.destination.as_deref().is_some_and(|d| d != sso_url) {
        return Err(RequestError::WrongDestination);
    }
    if parsed.issue_instant > now + skew || now - parsed.issue_instant > max_age + skew {
        return Err(RequestError::Stale);
    }
    if parsed.protocol_binding.as_deref().is_some_and(|b| b != BINDING_POST) {
        return Err(RequestError::UnsupportedBinding);
    }
    let acs = sp.acs_for(parsed.acs_url.as_deref(), parsed.acs_index).ok_or(RequestError::UnknownAcs)?;
    Ok(acs.location.clone())
}

/// The level a requested context needs (`None`: no requirement). `exact`, `minimum` and
/// `maximum` are met by the weakest listed level; `better` needs more than the strongest.
pub fn required_level(requested: Option<&RequestedContext>) -> Option<AuthLevel> {
    let r = requested?;
    let levels = r.refs.iter().map(|(_, l)| *l);
    let level = match r.comparison {
        Comparison::Exact | Comparison::Minimum | Comparison::Maximum => levels.min()?,
        Comparison::Better => {
            let strongest = levels.max()?;
            [200, 300, 400, 450, 500].into_iter().find(|l| *l > strongest)?
        }
    };
    AuthLevel::new(level).ok()
}

/// The `AuthnContextClassRef` to assert for a session at `level`: for `exact` and
/// `maximum`, the strongest listed reference the level meets (a weaker statement is true);
/// otherwise the session's own FAS level. `None`: the level meets none of them.
pub fn class_ref(requested: Option<&RequestedContext>, level: AuthLevel) -> Option<String> {
    match requested {
        Some(r) if matches!(r.comparison, Comparison::Exact | Comparison::Maximum) => r
            .refs
            .iter()
            .filter(|(_, l)| level.number() >= *l)
            .max_by_key(|(_, l)| *l)
            .map(|(uri, _)| uri.clone()),
        Some(r) if r.comparison == Comparison::Better && r.refs.iter().any(|(_, l)| level.number() <= *l) => {
            None
        }
        Some(r) if r.refs.iter().all(|(_, l)| level.number() < *l) => None,
        _ => Some(level.fas_urn()),
    }
}

/// The binding of an endpoint URI (logout).
pub fn binding_of(uri: &str) -> Option<Binding> {
    match uri {
        BINDING_REDIRECT => Some(Binding::Redirect),
        BINDING_POST => Some(Binding::Post),
        _ => None,
    }
}

#[cfg(test)]
#[path = "authn_request_tests.rs"]
mod tests;
