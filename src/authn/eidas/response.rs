//! Accepting the eIDAS node's `Response` (HTTP-POST binding, SAML bindings §3.5; eIDAS SAML
//! Message Format v1.2 §2.5). The structure checks run on the received document; every value
//! that decides *who* logged in is read only from the signature-verified reduction of it.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use libxml::tree::{Document, Node};
use time::OffsetDateTime;

use super::config::ServiceProvider;
use super::error::EidasError;
use super::identity::EidasIdentity;
use super::replay::ReplayGuard;
use super::request::PendingRequest;
use super::response_checks::{check_assertion, read_attributes};
use crate::kernel::saml::encryption::decrypt_element;
use crate::kernel::saml::signing::verify_and_reduce_any;
use crate::kernel::saml::xml::{
    MAX_MESSAGE_BYTES, NS_DS, NS_SAML, NS_SAMLP, STATUS_PREFIX, children, descendants, is, only_child,
    parse_strict,
};

/// Validates the node's answer to `pending` and returns the authenticated person.
///
/// `relay_state` is the `RelayState` form field; `replay` records the assertion ID (last,
/// so that only an otherwise valid assertion is remembered).
pub async fn validate_response(
    sp: &ServiceProvider,
    saml_response_b64: &str,
    relay_state: &str,
    pending: &PendingRequest,
    now: OffsetDateTime,
    replay: &dyn ReplayGuard,
) -> Result<EidasIdentity, EidasError> {
    // All XML work happens in the synchronous part: libxml documents are not `Send`.
    let accepted = check_response(sp, saml_response_b64, relay_state, pending, now)?;
    match replay.first_use(&accepted.assertion_id, accepted.keep_until, now).await {
        Ok(true) => {}
        Ok(false) => return Err(EidasError::Replayed),
        Err(e) => {
            tracing::error!(error = %e, "eIDAS replay guard unavailable");
            return Err(EidasError::ReplayGuardUnavailable);
        }
    }
    let identity = accepted.identity;
    tracing::info!(
        saml.assertion_id = %accepted.assertion_id,
        eidas.country = %identity.country_of_origin,
        eidas.loa = %identity.loa,
        "eIDAS assertion accepted"
    );
    Ok(identity)
}

/// A response that passed every check but the replay check.
pub(crate) struct AcceptedResponse {
    pub identity: EidasIdentity,
    pub assertion_id: String,
    pub keep_until: OffsetDateTime,
}

/// Every check on the answer except one-time use.
pub(crate) fn check_response(
    sp: &ServiceProvider,
    saml_response_b64: &str,
    relay_state: &str,
    pending: &PendingRequest,
    now: OffsetDateTime,
) -> Result<AcceptedResponse, EidasError> {
    if relay_state != pending.relay_state {
        return Err(EidasError::RelayStateMismatch);
    }
    let xml = decode(saml_response_b64)?;
    let doc = parse_strict(&xml).ok_or(EidasError::Malformed("not well-formed XML"))?;
    let root = doc.get_root_element().ok_or(EidasError::Malformed("empty document"))?;
    if !is(&root, NS_SAMLP, "Response") || root.get_attribute("Version").as_deref() != Some("2.0") {
        return Err(EidasError::Malformed("not a SAML 2.0 Response"));
    }
    check_response_envelope(sp, pending, &root)?;
    check_status(sp, &xml, &root)?;

    // Exactly one assertion, a direct child of the Response, carrying its own signature
    // over itself: any wrapping (a second assertion anywhere) is refused here already. It
    // comes in the clear or encrypted to our key (real nodes encrypt).
    if let Some(sig) = only_child(&root, NS_DS, "Signature") {
        let response_id = root.get_attribute("ID").unwrap_or_default();
        if reference_uri(&sig).as_deref() != Some(&format!("#{response_id}")) {
            return Err(EidasError::InvalidSignature);
        }
    }
    let encrypted = descendants(&root, NS_SAML, "EncryptedAssertion");
    let (reduced, assertion_id) = if encrypted.is_empty() {
        plain_assertion(sp, &xml, &root)?
    } else {
        encrypted_assertion(sp, &xml, &root, encrypted.len())?
    };
    let reduced_root = reduced.get_root_element().ok_or(EidasError::InvalidSignature)?;
    let signed_assertion = if is(&reduced_root, NS_SAML, "Assertion") {
        reduced_root
    } else if is(&reduced_root, NS_SAMLP, "Response") {
        only_child(&reduced_root, NS_SAML, "Assertion").ok_or(EidasError::UnsignedAssertion)?
    } else {
        return Err(EidasError::InvalidSignature);
    };
    if signed_assertion.get_attribute("ID").as_deref() != Some(assertion_id.as_str()) {
        return Err(EidasError::InvalidSignature);
    }

    let checked = check_assertion(sp, pending, &signed_assertion, now)?;
    let identity = EidasIdentity::from_attributes(read_attributes(&signed_assertion)?, checked.loa)?;
    if pending.requested_country.as_ref().is_some_and(|c| *c != identity.country_of_origin) {
        return Err(EidasError::CountryMismatch);
    }
    Ok(AcceptedResponse { identity, assertion_id, keep_until: checked.keep_until })
}

/// Verifies every signature of `xml` with the node's certificates and keeps only signed
/// content (a document whose root is the Response or the Assertion).
fn verified(sp: &ServiceProvider, xml: &str) -> Result<Document, EidasError> {
    let reduced_xml = verify_and_reduce_any(xml, &sp.node.certificates_der).map_err(|_| {
        let cause = crate::kernel::saml::signing::diagnose_failure(xml, &sp.node.certificates_der);
        tracing::info!(eidas.signature = cause, "eIDAS response signature refused");
        EidasError::InvalidSignature
    })?;
    parse_strict(&reduced_xml).ok_or(EidasError::InvalidSignature)
}

/// The assertion in the clear: the whole Response is verified and reduced.
fn plain_assertion(sp: &ServiceProvider, xml: &str, root: &Node) -> Result<(Document, String), EidasError> {
    if descendants(root, NS_SAML, "Assertion").len() != 1 {
        return Err(EidasError::AssertionCount);
    }
    let assertion = only_child(root, NS_SAML, "Assertion").ok_or(EidasError::AssertionCount)?;
    let assertion_id = assertion.get_attribute("ID").ok_or(EidasError::Malformed("assertion without ID"))?;
    signature_covers(&assertion, &assertion_id)?;
    Ok((verified(sp, xml)?, assertion_id))
}

/// The assertion encrypted to our key (SAML core §6.2): the Response's own signature, if
/// any, is verified over the ciphertext; the decrypted assertion must carry the node's
/// signature over itself, verified as a document of its own (encryption proves nothing
/// about who wrote it: anyone can encrypt to our public key).
fn encrypted_assertion(
    sp: &ServiceProvider,
    xml: &str,
    root: &Node,
    count: usize,
) -> Result<(Document, String), EidasError> {
    if count != 1 || !descendants(root, NS_SAML, "Assertion").is_empty() {
        return Err(EidasError::AssertionCount);
    }
    let container = only_child(root, NS_SAML, "EncryptedAssertion").ok_or(EidasError::AssertionCount)?;
    if only_child(root, NS_DS, "Signature").is_some() {
        verified(sp, xml)?;
    }
    let plain = decrypt_element(&container, &sp.key).map_err(|e| {
        tracing::info!(eidas.decryption = %e, "eIDAS encrypted assertion refused");
        EidasError::Undecryptable(e.to_string())
    })?;
    let doc = parse_strict(&plain).ok_or(EidasError::Malformed("the decrypted assertion is not XML"))?;
    let assertion = doc.get_root_element().ok_or(EidasError::AssertionCount)?;
    if !is(&assertion, NS_SAML, "Assertion") || descendants(&assertion, NS_SAML, "Assertion").len() != 1 {
        return Err(EidasError::AssertionCount);
    }
    let assertion_id = assertion.get_attribute("ID").ok_or(EidasError::Malformed("assertion without ID"))?;
    signature_covers(&assertion, &assertion_id)?;
    Ok((verified(sp, &plain)?, assertion_id))
}

fn decode(b64: &str) -> Result<String, EidasError> {
    if b64.len() > MAX_MESSAGE_BYTES * 2 {
        return Err(EidasError::Malformed("message too large"));
    }
    let compact: String = b64.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let bytes = STANDARD.decode(compact).map_err(|_| EidasError::Malformed("not base64"))?;
    String::from_utf8(bytes).map_err(|_| EidasError::Malformed("not UTF-8"))
}

/// Response-level `InResponseTo`, `Destination` and `Issuer` (SAML core §3.2.2; eIDAS §2.5).
fn check_response_envelope(
    sp: &ServiceProvider,
    pending: &PendingRequest,
    root: &Node,
) -> Result<(), EidasError> {
    if root.get_attribute("InResponseTo").as_deref() != Some(pending.request_id.as_str()) {
        return Err(EidasError::WrongInResponseTo);
    }
    if root.get_attribute("Destination").as_deref() != Some(sp.acs_url.as_str()) {
        return Err(EidasError::WrongDestination);
    }
    let issuers = children(root, NS_SAML, "Issuer");
    if issuers.len() > 1
        || issuers.first().is_some_and(|i| crate::kernel::saml::xml::text(i) != sp.node.entity_id)
    {
        return Err(EidasError::WrongIssuer);
    }
    Ok(())
}

/// `Status` (SAML core §3.2.2.2). A failure may come unsigned; if it is signed the signature
/// must still verify. `RequestDenied` is how nodes report a user who cancelled.
fn check_status(sp: &ServiceProvider, xml: &str, root: &Node) -> Result<(), EidasError> {
    let status = only_child(root, NS_SAMLP, "Status").ok_or(EidasError::Malformed("no Status"))?;
    let code = only_child(&status, NS_SAMLP, "StatusCode").ok_or(EidasError::Malformed("no StatusCode"))?;
    let top = code.get_attribute("Value").unwrap_or_default();
    if top == format!("{STATUS_PREFIX}Success") {
        return Ok(());
    }
    if !descendants(root, NS_DS, "Signature").is_empty()
        && verify_and_reduce_any(xml, &sp.node.certificates_der).is_err()
    {
        return Err(EidasError::InvalidSignature);
    }
    let second =
        only_child(&code, NS_SAMLP, "StatusCode").and_then(|c| c.get_attribute("Value")).unwrap_or_default();
    let short = |v: &str| v.strip_prefix(STATUS_PREFIX).unwrap_or(v).to_string();
    tracing::info!(saml.status = %short(&top), saml.substatus = %short(&second), "eIDAS node refused");
    Err(match short(&second).as_str() {
        "RequestDenied" => EidasError::Cancelled,
        "AuthnFailed" => EidasError::AuthnFailed,
        "" => EidasError::NodeError(short(&top)),
        s => EidasError::NodeError(format!("{}/{s}", short(&top))),
    })
}

/// The element's own enveloped signature must reference the element itself.
fn signature_covers(element: &Node, id: &str) -> Result<(), EidasError> {
    let sig = only_child(element, NS_DS, "Signature").ok_or(EidasError::UnsignedAssertion)?;
    if reference_uri(&sig).as_deref() != Some(&format!("#{id}")) {
        return Err(EidasError::InvalidSignature);
    }
    Ok(())
}

/// The URI of the only `Reference` of a signature (SAML core §5.4.2: exactly one).
fn reference_uri(sig: &Node) -> Option<String> {
    let signed_info = only_child(sig, NS_DS, "SignedInfo")?;
    only_child(&signed_info, NS_DS, "Reference")?.get_attribute("URI")
}
