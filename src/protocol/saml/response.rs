//! The `Response` Poort sends to a service provider's ACS over HTTP-POST (SAML core §3.2.2,
//! profiles §4.1.4.2): the Assertion with its bearer `SubjectConfirmationData` (exact
//! `InResponseTo`, `Recipient`, `NotOnOrAfter`), `Conditions` with the `Audience`, the
//! `AuthnStatement` with the level's class reference and the `SessionIndex`, and the
//! attributes; the Assertion signed, then encrypted when the SP asks (AES-GCM, RSA-OAEP),
//! then the Response signed (RSA-SHA256, exclusive C14N).
//! Also error responses (a status and no assertion), always signed.

use time::{Duration, OffsetDateTime};

use super::idp::Idp;
use super::request::SamlRequest;
use super::sp::Encryption;
use crate::domain::{Language, NationalNumber, Profile, Role};
use crate::kernel::saml::encryption::encrypt_element;
use crate::kernel::saml::signing::SigningKey;
use crate::kernel::saml::xml::{
    CM_BEARER, NAMEID_ENTITY, NS_SAML, NS_SAMLP, STATUS_PREFIX, escape, instant, new_id,
};

/// `NameFormat` of attributes named by a URI, and of the FAS short names.
const FORMAT_URI: &str = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri";
const FORMAT_BASIC: &str = "urn:oasis:names:tc:SAML:2.0:attrname-format:basic";

/// Every attribute Poort can release: (short name, SAML Name, NameFormat). The default set
/// is every one but `egovNRN`, which a service provider receives only when its registration
/// names it (the national number, as the OIDC scope `egovnrn`).
pub const ATTRIBUTES: &[(&str, &str, &str)] = &[
    ("fedid", "urn:be:fedict:iam:attr:fedid", FORMAT_URI),
    ("egovNRN", "egovNRN", FORMAT_BASIC),
    ("givenName", "givenName", FORMAT_BASIC),
    ("surname", "surname", FORMAT_BASIC),
    ("mail", "mail", FORMAT_BASIC),
    ("PrefLanguage", "PrefLanguage", FORMAT_BASIC),
    ("profileKind", "urn:be:poort:attr:profileKind", FORMAT_URI),
    ("enterpriseNumber", "urn:be:poort:attr:enterpriseNumber", FORMAT_URI),
    ("enterpriseName", "urn:be:poort:attr:enterpriseName", FORMAT_URI),
    ("roles", "urn:be:poort:attr:roles", FORMAT_URI),
];

/// Whether `name` is an attribute short name.
pub fn is_attribute(name: &str) -> bool {
    ATTRIBUTES.iter().any(|(n, _, _)| *n == name)
}

/// Who logged in, as the attributes need it.
#[derive(Debug, Clone)]
pub struct Person<'a> {
    pub fedid: &'a str,
    pub national_number: Option<&'a NationalNumber>,
    pub given_names: &'a str,
    pub surname: &'a str,
    pub email: Option<&'a str>,
    pub language: Option<Language>,
}

/// The attribute values released: `wanted` short names (empty: the default set), from the
/// person and the profile (already reduced to what concerns the service provider).
pub fn attribute_values(
    person: &Person<'_>,
    profile: &Profile,
    wanted: &[String],
) -> Vec<(&'static str, Vec<String>)> {
    let is_wanted = |n: &str| if wanted.is_empty() { n != "egovNRN" } else { wanted.iter().any(|w| w == n) };
    let mut out = Vec::new();
    for (short, _, _) in ATTRIBUTES {
        if !is_wanted(short) {
            continue;
        }
        let values: Vec<String> = match *short {
            "fedid" => vec![person.fedid.to_string()],
            "egovNRN" => person.national_number.map(|n| n.as_str().to_string()).into_iter().collect(),
            "givenName" => vec![person.given_names.to_string()],
            "surname" => vec![person.surname.to_string()],
            "mail" => person.email.map(str::to_string).into_iter().collect(),
            "PrefLanguage" => person.language.map(|l| l.code().to_string()).into_iter().collect(),
            "profileKind" => vec![profile.kind().to_string()],
            "enterpriseNumber" => {
                profile.enterprise_ref().map(|(n, _)| n.as_str().to_string()).into_iter().collect()
            }
            "enterpriseName" => {
                profile.enterprise_ref().map(|(_, name)| name.to_string()).into_iter().collect()
            }
            "roles" => profile.roles().iter().map(Role::claim).collect(),
            _ => Vec::new(),
        };
        if !values.is_empty() {
            out.push((*short, values));
        }
    }
    out
}

/// What a successful response states.
#[derive(Debug, Clone)]
pub struct Assertion<'a> {
    pub sp_entity_id: &'a str,
    pub acs_url: &'a str,
    /// `None`: an unsolicited (IdP-initiated) response.
    pub in_response_to: Option<&'a str>,
    pub name_id: &'a str,
    pub name_id_format: &'a str,
    pub class_ref: &'a str,
    pub auth_instant: OffsetDateTime,
    pub session_index: &'a str,
    pub attributes: &'a [(&'static str, Vec<String>)],
    pub sign_assertion: bool,
    pub sign_response: bool,
    /// The key that signs (the IdP's RSA key, or its ECDSA key for SPs that list it).
    pub key: &'a SigningKey,
    /// Encrypt the assertion to this certificate with these algorithms.
    pub encryption: Option<&'a Encryption>,
    pub now: OffsetDateTime,
}

/// The signed `Response` carrying the assertion (not yet base64).
pub fn success(idp: &Idp, a: &Assertion<'_>) -> Result<String, String> {
    let assertion_id = new_id();
    let lifetime = Duration::seconds(i64::try_from(idp.settings().assertion_lifetime_secs).unwrap_or(300));
    let until = instant(a.now + lifetime);
    let irt = a.in_response_to.map(|r| format!(r#" InResponseTo="{}""#, escape(r))).unwrap_or_default();
    let attributes: String = a
        .attributes
        .iter()
        .filter_map(|(short, values)| {
            let (_, name, format) = ATTRIBUTES.iter().find(|(n, _, _)| n == short)?;
            let values: String = values
                .iter()
                .map(|v| format!("<saml:AttributeValue>{}</saml:AttributeValue>", escape(v)))
                .collect();
            Some(format!(
                r#"<saml:Attribute Name="{name}" NameFormat="{format}" FriendlyName="{short}">{values}</saml:Attribute>"#
            ))
        })
        .collect();
    let statement = if attributes.is_empty() {
        String::new()
    } else {
        format!("<saml:AttributeStatement>{attributes}</saml:AttributeStatement>")
    };
    let mut assertion = format!(
        concat!(
            r#"<saml:Assertion xmlns:saml="{saml}" ID="{id}" Version="2.0" IssueInstant="{now}">"#,
            r#"<saml:Issuer>{issuer}</saml:Issuer>{signature}"#,
            r#"<saml:Subject><saml:NameID Format="{fmt}" NameQualifier="{issuer}" SPNameQualifier="{sp}">{name_id}</saml:NameID>"#,
            r#"<saml:SubjectConfirmation Method="{bearer}"><saml:SubjectConfirmationData{irt} "#,
            r#"NotOnOrAfter="{until}" Recipient="{acs}"/></saml:SubjectConfirmation></saml:Subject>"#,
            r#"<saml:Conditions NotBefore="{now}" NotOnOrAfter="{until}"><saml:AudienceRestriction>"#,
            r#"<saml:Audience>{sp}</saml:Audience></saml:AudienceRestriction></saml:Conditions>"#,
            r#"<saml:AuthnStatement AuthnInstant="{auth}" SessionIndex="{index}"><saml:AuthnContext>"#,
            r#"<saml:AuthnContextClassRef>{class_ref}</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>"#,
            "{statement}</saml:Assertion>"
        ),
        saml = NS_SAML,
        id = assertion_id,
        now = instant(a.now),
        issuer = escape(idp.entity_id()),
        signature = if a.sign_assertion { a.key.template(&assertion_id) } else { String::new() },
        fmt = escape(a.name_id_format),
        sp = escape(a.sp_entity_id),
        name_id = escape(a.name_id),
        bearer = CM_BEARER,
        irt = irt,
        until = until,
        acs = escape(a.acs_url),
        auth = instant(a.auth_instant),
        index = escape(a.session_index),
        class_ref = escape(a.class_ref),
        statement = statement,
    );
    if a.sign_assertion {
        assertion = a.key.sign(&assertion)?;
    }
    if let Some(e) = a.encryption {
        let encrypted = encrypt_element(&assertion, &e.cert_der, e.algorithms)?;
        assertion = format!("<saml:EncryptedAssertion>{encrypted}</saml:EncryptedAssertion>");
    }
    let status =
        format!(r#"<samlp:Status><samlp:StatusCode Value="{STATUS_PREFIX}Success"/></samlp:Status>"#);
    let signer = a.sign_response.then_some(a.key);
    envelope(idp, a.in_response_to, a.acs_url, a.now, &status, &assertion, signer)
}

/// A signed error `Response` (SAML core §3.2.2.2): `Requester` or `Responder` with a
/// second-level code (`NoPassive`, `NoAuthnContext`, `InvalidNameIDPolicy`, `RequestDenied`…).
pub fn failure(
    idp: &Idp,
    key: &SigningKey,
    request: &SamlRequest,
    top: &str,
    second: &str,
    message: &str,
    now: OffsetDateTime,
) -> Result<String, String> {
    let status = format!(
        concat!(
            r#"<samlp:Status><samlp:StatusCode Value="{p}{top}"><samlp:StatusCode Value="{p}{second}"/>"#,
            r#"</samlp:StatusCode><samlp:StatusMessage>{message}</samlp:StatusMessage></samlp:Status>"#
        ),
        p = STATUS_PREFIX,
        top = escape(top),
        second = escape(second),
        message = escape(message),
    );
    let irt = request.request_id.as_deref().unwrap_or_default();
    envelope(idp, Some(irt), &request.acs_url, now, &status, "", Some(key))
}

fn envelope(
    idp: &Idp,
    in_response_to: Option<&str>,
    destination: &str,
    now: OffsetDateTime,
    status: &str,
    assertion: &str,
    signer: Option<&SigningKey>,
) -> Result<String, String> {
    let id = new_id();
    let irt = in_response_to.map(|r| format!(r#" InResponseTo="{}""#, escape(r))).unwrap_or_default();
    let xml = format!(
        concat!(
            r#"<samlp:Response xmlns:samlp="{samlp}" xmlns:saml="{saml}" ID="{id}" Version="2.0" "#,
            r#"IssueInstant="{now}"{irt} Destination="{dest}">"#,
            r#"<saml:Issuer Format="{entity}">{issuer}</saml:Issuer>{signature}{status}{assertion}</samlp:Response>"#
        ),
        samlp = NS_SAMLP,
        saml = NS_SAML,
        id = id,
        now = instant(now),
        irt = irt,
        dest = escape(destination),
        entity = NAMEID_ENTITY,
        issuer = escape(idp.entity_id()),
        signature = signer.map(|k| k.template(&id)).unwrap_or_default(),
        status = status,
        assertion = assertion,
    );
    match signer {
        Some(k) => k.sign(&xml),
        None => Ok(xml),
    }
}
