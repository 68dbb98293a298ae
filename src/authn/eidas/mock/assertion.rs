//! The mock node's `Response`: built by hand (samael's IdP helper signs only the Response with
//! SHA-1 and omits the validity window), the `Assertion` signed first, then the `Response`
//! (SAML core §5; eIDAS SAML Message Format v1.2 §2.5).

use time::{Duration, OffsetDateTime};

use super::{DemoIdentity, MockNode};
use crate::authn::eidas::identity::MINIMUM_DATA_SET;
use crate::authn::eidas::loa::Loa;
use crate::kernel::saml::encryption::{self, Algorithms};
use crate::kernel::saml::xml::{
    CM_BEARER, NAME_FORMAT_URI, NAMEID_ENTITY, NAMEID_PERSISTENT, NS_EIDAS_NATURAL, NS_SAML, NS_SAMLP,
    STATUS_PREFIX, escape, instant, new_id,
};

/// How long an answer stays usable.
const VALIDITY: Duration = Duration::minutes(5);

/// Everything a success answer says; tests vary one field to build a bad answer.
#[derive(Debug, Clone)]
pub struct ResponseSpec<'a> {
    pub in_response_to: &'a str,
    pub acs_url: &'a str,
    pub audience: &'a str,
    pub identity: &'a DemoIdentity,
    pub loa: Loa,
    pub now: OffsetDateTime,
    pub sign_assertion: bool,
    pub sign_response: bool,
    /// Encrypt the assertion to the SP's certificate (AES-256-GCM, RSA-OAEP with SHA-256),
    /// as real nodes do.
    pub encrypt: bool,
}

impl MockNode {
    /// A success `Response` (XML, no declaration).
    pub fn success_response_xml(&self, spec: &ResponseSpec<'_>) -> Result<String, String> {
        let assertion_id = new_id();
        let mut assertion = self.assertion_xml(spec, &assertion_id);
        if spec.sign_assertion {
            assertion = self.inner.key.sign(&assertion)?;
        }
        if spec.encrypt {
            let algorithms = Algorithms { data: encryption::AES256_GCM, key_transport: encryption::RSA_OAEP };
            let encrypted = encryption::encrypt_element(&assertion, &self.inner.sp_cert_der, algorithms)?;
            assertion = format!("<saml2:EncryptedAssertion>{encrypted}</saml2:EncryptedAssertion>");
        }
        let status =
            format!(r#"<saml2p:Status><saml2p:StatusCode Value="{STATUS_PREFIX}Success"/></saml2p:Status>"#);
        self.envelope(spec.in_response_to, spec.acs_url, spec.now, &status, &assertion, spec.sign_response)
    }

    /// A failure `Response`: top-level `Responder`, second-level e.g. `RequestDenied`.
    pub fn status_response_xml(
        &self,
        in_response_to: &str,
        acs_url: &str,
        second_level: &str,
        message: &str,
        now: OffsetDateTime,
    ) -> Result<String, String> {
        let status = format!(
            concat!(
                r#"<saml2p:Status><saml2p:StatusCode Value="{p}Responder">"#,
                r#"<saml2p:StatusCode Value="{p}{second}"/></saml2p:StatusCode>"#,
                r#"<saml2p:StatusMessage>{message}</saml2p:StatusMessage></saml2p:Status>"#
            ),
            p = STATUS_PREFIX,
            second = escape(second_level),
            message = escape(message)
        );
        self.envelope(in_response_to, acs_url, now, &status, "", true)
    }

    fn envelope(
        &self,
        in_response_to: &str,
        acs_url: &str,
        now: OffsetDateTime,
        status: &str,
        assertion: &str,
        sign: bool,
    ) -> Result<String, String> {
        let id = new_id();
        let signature = if sign { self.inner.key.template(&id) } else { String::new() };
        let xml = format!(
            concat!(
                r#"<saml2p:Response xmlns:saml2p="{samlp}" xmlns:saml2="{saml}" ID="{id}" "#,
                r#"Version="2.0" IssueInstant="{now}" InResponseTo="{irt}" Destination="{acs}">"#,
                r#"<saml2:Issuer Format="{entity_fmt}">{issuer}</saml2:Issuer>{signature}"#,
                r#"{status}{assertion}</saml2p:Response>"#
            ),
            samlp = NS_SAMLP,
            saml = NS_SAML,
            id = id,
            now = instant(now),
            irt = escape(in_response_to),
            acs = escape(acs_url),
            entity_fmt = NAMEID_ENTITY,
            issuer = escape(&self.inner.cfg.entity_id),
            signature = signature,
            status = status,
            assertion = assertion,
        );
        if sign { self.inner.key.sign(&xml) } else { Ok(xml) }
    }

    fn assertion_xml(&self, spec: &ResponseSpec<'_>, id: &str) -> String {
        let who = spec.identity;
        let until = instant(spec.now + VALIDITY);
        let values = [
            ("PersonIdentifierType", &who.person_identifier),
            ("CurrentFamilyNameType", &who.family_name),
            ("CurrentGivenNameType", &who.given_name),
            ("DateOfBirthType", &who.date_of_birth),
        ];
        let attributes: String = MINIMUM_DATA_SET
            .iter()
            .zip(values)
            .map(|((friendly, name), (xsi_type, value))| {
                format!(
                    concat!(
                        r#"<saml2:Attribute FriendlyName="{f}" Name="{n}" NameFormat="{nf}">"#,
                        r#"<saml2:AttributeValue xsi:type="eidas-natural:{t}">{v}</saml2:AttributeValue>"#,
                        r#"</saml2:Attribute>"#
                    ),
                    f = friendly,
                    n = name,
                    nf = NAME_FORMAT_URI,
                    t = xsi_type,
                    v = escape(value)
                )
            })
            .collect();
        format!(
            concat!(
                r#"<saml2:Assertion xmlns:saml2="{saml}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" "#,
                r#"xmlns:eidas-natural="{natural}" ID="{id}" Version="2.0" IssueInstant="{now}">"#,
                r#"<saml2:Issuer Format="{entity_fmt}">{issuer}</saml2:Issuer>{signature}"#,
                r#"<saml2:Subject><saml2:NameID Format="{persistent}">{pid}</saml2:NameID>"#,
                r#"<saml2:SubjectConfirmation Method="{bearer}"><saml2:SubjectConfirmationData "#,
                r#"InResponseTo="{irt}" NotOnOrAfter="{until}" Recipient="{acs}"/>"#,
                r#"</saml2:SubjectConfirmation></saml2:Subject>"#,
                r#"<saml2:Conditions NotBefore="{now}" NotOnOrAfter="{until}"><saml2:AudienceRestriction>"#,
                r#"<saml2:Audience>{audience}</saml2:Audience></saml2:AudienceRestriction></saml2:Conditions>"#,
                r#"<saml2:AuthnStatement AuthnInstant="{now}"><saml2:AuthnContext>"#,
                r#"<saml2:AuthnContextClassRef>{loa}</saml2:AuthnContextClassRef>"#,
                r#"</saml2:AuthnContext></saml2:AuthnStatement>"#,
                r#"<saml2:AttributeStatement>{attributes}</saml2:AttributeStatement></saml2:Assertion>"#
            ),
            saml = NS_SAML,
            natural = NS_EIDAS_NATURAL,
            id = id,
            now = instant(spec.now),
            entity_fmt = NAMEID_ENTITY,
            issuer = escape(&self.inner.cfg.entity_id),
            signature = if spec.sign_assertion { self.inner.key.template(id) } else { String::new() },
            persistent = NAMEID_PERSISTENT,
            pid = escape(&who.person_identifier),
            bearer = CM_BEARER,
            irt = escape(spec.in_response_to),
            until = until,
            acs = escape(spec.acs_url),
            audience = escape(spec.audience),
            loa = spec.loa.uri(),
            attributes = attributes,
        )
    }
}
