//! XML signatures (XML-DSig, SAML core §5): enveloped, exclusive C14N, RSA-SHA256 with a
//! SHA-256 digest (eIDAS SAML Message Format v1.2 §3.1 forbids SHA-1), via samael/xmlsec.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use openssl::pkey::PKey;
use openssl::x509::X509;
use samael::crypto::{AllowedSignatureAlgorithm, CertificateDer, Crypto, CryptoProvider, ReduceMode};

use super::error::EidasConfigError;
use super::xml::escape;

/// Signature algorithms we accept on incoming messages (eIDAS crypto requirements).
const ACCEPTED: &[AllowedSignatureAlgorithm] = &[
    AllowedSignatureAlgorithm::RsaSha256,
    AllowedSignatureAlgorithm::RsaSha384,
    AllowedSignatureAlgorithm::RsaSha512,
    AllowedSignatureAlgorithm::EcdsaSha256,
    AllowedSignatureAlgorithm::EcdsaSha384,
    AllowedSignatureAlgorithm::EcdsaSha512,
];

/// A private RSA key and its certificate, ready for xmlsec.
#[derive(Clone)]
pub(crate) struct SigningKey {
    key_der: Vec<u8>,
    cert_der: Vec<u8>,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningKey(..)") // never print key material
    }
}

impl SigningKey {
    pub(crate) fn from_pem(key_pem: &str, cert_pem: &str) -> Result<Self, EidasConfigError> {
        let key = PKey::private_key_from_pem(key_pem.as_bytes())
            .map_err(|e| EidasConfigError::Invalid { what: "signing key", reason: e.to_string() })?;
        let key_der = key
            .private_key_to_der()
            .map_err(|e| EidasConfigError::Invalid { what: "signing key", reason: e.to_string() })?;
        let cert_der = cert_der_from_pem(cert_pem, "signing certificate")?;
        Ok(SigningKey { key_der, cert_der })
    }

    pub(crate) fn cert_b64(&self) -> String {
        STANDARD.encode(&self.cert_der)
    }

    /// A `ds:Signature` template referencing `#id`, to be placed right after the `Issuer`.
    pub(crate) fn template(&self, id: &str) -> String {
        format!(
            concat!(
                r#"<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>"#,
                r#"<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>"#,
                r#"<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>"#,
                r##"<ds:Reference URI="#{id}"><ds:Transforms>"##,
                r#"<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>"#,
                r#"<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>"#,
                r#"</ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>"#,
                r#"<ds:DigestValue></ds:DigestValue></ds:Reference></ds:SignedInfo>"#,
                r#"<ds:SignatureValue></ds:SignatureValue><ds:KeyInfo><ds:X509Data>"#,
                r#"<ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>"#,
                r#"</ds:Signature>"#
            ),
            id = escape(id),
            cert = self.cert_b64()
        )
    }

    /// Fills in the first empty signature template of `xml`; returns the document without an
    /// XML declaration.
    pub(crate) fn sign(&self, xml: &str) -> Result<String, String> {
        let signed = Crypto::sign_xml(xml, &self.key_der).map_err(|e| e.to_string())?;
        Ok(super::xml::strip_declaration(&signed).to_string())
    }
}

/// DER bytes of a PEM certificate.
pub(crate) fn cert_der_from_pem(pem: &str, what: &'static str) -> Result<Vec<u8>, EidasConfigError> {
    X509::from_pem(pem.as_bytes())
        .and_then(|c| c.to_der())
        .map_err(|e| EidasConfigError::Invalid { what, reason: e.to_string() })
}

/// Verifies every signature in `xml` with `cert_der` and returns a document holding only
/// signed content (samael's `ValidateAndMarkNoAncestors`): unsigned elements are removed, so
/// whatever is read afterwards is covered by a verified signature (defence against XML
/// signature wrapping).
pub(crate) fn verify_and_reduce(xml: &str, cert_der: &[u8]) -> Result<String, ()> {
    let certs = [CertificateDer::from(cert_der.to_vec())];
    Crypto::reduce_xml_to_signed_with_allowed_algorithms(
        xml,
        &certs,
        ReduceMode::ValidateAndMarkNoAncestors,
        Some(ACCEPTED),
    )
    .map_err(|_| ())
}
