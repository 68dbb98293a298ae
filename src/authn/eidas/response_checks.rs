//! Checks on the signature-verified `Assertion` (SAML core §2.3–2.7, SAML profiles §4.1.4.3,
//! eIDAS SAML Message Format v1.2 §2.5.2) and reading its attributes.

use libxml::tree::Node;
use time::{Duration, OffsetDateTime};

use super::config::ServiceProvider;
use super::error::EidasError;
use super::identity::{
    ATTR_DATE_OF_BIRTH, ATTR_FAMILY_NAME, ATTR_GIVEN_NAME, ATTR_PERSON_IDENTIFIER, RawAttributes,
};
use super::loa::Loa;
use super::request::PendingRequest;
use crate::kernel::saml::xml::{CM_BEARER, NS_SAML, children, only_child, parse_instant, text};

/// A pending request older than this is stale: the user must start again.
const REQUEST_LIFETIME: Duration = Duration::minutes(30);

pub(crate) struct CheckedAssertion {
    pub loa: Loa,
    /// Until when the assertion ID must be remembered against replay.
    pub keep_until: OffsetDateTime,
}

pub(crate) fn check_assertion(
    sp: &ServiceProvider,
    pending: &PendingRequest,
    assertion: &Node,
    now: OffsetDateTime,
) -> Result<CheckedAssertion, EidasError> {
    let skew = sp.clock_skew;
    if now - pending.issued_at > REQUEST_LIFETIME + skew {
        return Err(EidasError::Expired);
    }
    let issuer = only_child(assertion, NS_SAML, "Issuer").ok_or(EidasError::WrongIssuer)?;
    if text(&issuer) != sp.node.entity_id {
        return Err(EidasError::WrongIssuer);
    }
    let confirmation_until = check_subject(sp, pending, assertion, now)?;
    let conditions_until = check_conditions(sp, assertion, now)?;
    let loa = asserted_loa(assertion)?;
    if loa < pending.loa {
        return Err(EidasError::InsufficientLoa);
    }
    Ok(CheckedAssertion { loa, keep_until: confirmation_until.max(conditions_until) + skew })
}

/// A bearer `SubjectConfirmation` whose data names our ACS, our request, and is still valid.
fn check_subject(
    sp: &ServiceProvider,
    pending: &PendingRequest,
    assertion: &Node,
    now: OffsetDateTime,
) -> Result<OffsetDateTime, EidasError> {
    let subject = only_child(assertion, NS_SAML, "Subject").ok_or(EidasError::MissingConfirmation)?;
    let bearer: Vec<Node> = children(&subject, NS_SAML, "SubjectConfirmation")
        .into_iter()
        .filter(|c| c.get_attribute("Method").as_deref() == Some(CM_BEARER))
        .collect();
    let [confirmation] = bearer.as_slice() else {
        return Err(EidasError::MissingConfirmation);
    };
    let data = only_child(confirmation, NS_SAML, "SubjectConfirmationData")
        .ok_or(EidasError::MissingConfirmation)?;
    if data.get_attribute("Recipient").as_deref() != Some(sp.acs_url.as_str()) {
        return Err(EidasError::WrongRecipient);
    }
    if data.get_attribute("InResponseTo").as_deref() != Some(pending.request_id.as_str()) {
        return Err(EidasError::WrongInResponseTo);
    }
    let (not_before, not_on_or_after) = window(&data)?;
    let not_on_or_after = not_on_or_after.ok_or(EidasError::MissingConfirmation)?;
    check_window(not_before, not_on_or_after, now, sp.clock_skew)?;
    Ok(not_on_or_after)
}

/// `Conditions`: validity window and an `AudienceRestriction` naming us (SAML core §2.5.1.4:
/// every restriction must be satisfied, any audience within one suffices).
fn check_conditions(
    sp: &ServiceProvider,
    assertion: &Node,
    now: OffsetDateTime,
) -> Result<OffsetDateTime, EidasError> {
    let conditions = only_child(assertion, NS_SAML, "Conditions").ok_or(EidasError::MissingConfirmation)?;
    let (not_before, not_on_or_after) = window(&conditions)?;
    let not_on_or_after = not_on_or_after.ok_or(EidasError::MissingConfirmation)?;
    check_window(not_before, not_on_or_after, now, sp.clock_skew)?;
    let restrictions = children(&conditions, NS_SAML, "AudienceRestriction");
    let names_us = |r: &Node| children(r, NS_SAML, "Audience").iter().any(|a| text(a) == sp.entity_id);
    if restrictions.is_empty() || !restrictions.iter().all(names_us) {
        return Err(EidasError::WrongAudience);
    }
    Ok(not_on_or_after)
}

fn window(node: &Node) -> Result<(Option<OffsetDateTime>, Option<OffsetDateTime>), EidasError> {
    let read = |name: &str| match node.get_attribute(name) {
        None => Ok(None),
        Some(v) => parse_instant(&v).map(Some).ok_or(EidasError::Malformed("bad instant")),
    };
    Ok((read("NotBefore")?, read("NotOnOrAfter")?))
}

fn check_window(
    not_before: Option<OffsetDateTime>,
    not_on_or_after: OffsetDateTime,
    now: OffsetDateTime,
    skew: Duration,
) -> Result<(), EidasError> {
    if not_before.is_some_and(|nb| now + skew < nb) {
        return Err(EidasError::NotYetValid);
    }
    if now - skew >= not_on_or_after {
        return Err(EidasError::Expired);
    }
    Ok(())
}

/// The LoA of the (single) `AuthnStatement`; unknown URIs count as insufficient.
fn asserted_loa(assertion: &Node) -> Result<Loa, EidasError> {
    let statement = only_child(assertion, NS_SAML, "AuthnStatement")
        .ok_or(EidasError::Malformed("no single AuthnStatement"))?;
    let class_ref = only_child(&statement, NS_SAML, "AuthnContext")
        .and_then(|c| only_child(&c, NS_SAML, "AuthnContextClassRef"))
        .ok_or(EidasError::InsufficientLoa)?;
    Loa::from_uri(&text(&class_ref)).ok_or(EidasError::InsufficientLoa)
}

/// The first value of each minimum-data-set attribute; a repeated attribute is refused.
pub(crate) fn read_attributes(assertion: &Node) -> Result<RawAttributes, EidasError> {
    let attributes: Vec<Node> = children(assertion, NS_SAML, "AttributeStatement")
        .iter()
        .flat_map(|s| children(s, NS_SAML, "Attribute"))
        .collect();
    let value = |name: &str, friendly: &'static str| -> Result<Option<String>, EidasError> {
        let found: Vec<&Node> =
            attributes.iter().filter(|a| a.get_attribute("Name").as_deref() == Some(name)).collect();
        match found.as_slice() {
            [] => Ok(None),
            [one] => Ok(children(one, NS_SAML, "AttributeValue").first().map(text)),
            _ => Err(EidasError::InvalidAttribute(friendly)),
        }
    };
    Ok(RawAttributes {
        person_identifier: value(ATTR_PERSON_IDENTIFIER, "PersonIdentifier")?,
        family_name: value(ATTR_FAMILY_NAME, "FamilyName")?,
        given_name: value(ATTR_GIVEN_NAME, "FirstName")?,
        date_of_birth: value(ATTR_DATE_OF_BIRTH, "DateOfBirth")?,
    })
}
