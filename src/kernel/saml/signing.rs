//! XML signatures (XML-DSig, SAML core §5): enveloped, exclusive C14N, RSA-SHA256 (or
//! ECDSA-SHA256 with a P-256 key) with a SHA-256 digest, via xmlsec (verification through
//! samael, signing through `xmlsec-keyed`, which keeps the key loaded); and the detached signatures of the HTTP-Redirect
//! binding (SAML bindings §3.4.4.1), via OpenSSL. No hand-rolled canonicalisation or crypto.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::sign::{Signer, Verifier};
use openssl::x509::X509;
use std::sync::Arc;

use samael::crypto::{AllowedSignatureAlgorithm, CertificateDer, Crypto, CryptoProvider, ReduceMode};
use xmlsec_keyed::KeyedSigner;

use super::xml::escape;

/// Signature algorithms accepted on incoming messages (never SHA-1).
const ACCEPTED: &[AllowedSignatureAlgorithm] = &[
    AllowedSignatureAlgorithm::RsaSha256,
    AllowedSignatureAlgorithm::RsaSha384,
    AllowedSignatureAlgorithm::RsaSha512,
    AllowedSignatureAlgorithm::EcdsaSha256,
    AllowedSignatureAlgorithm::EcdsaSha384,
    AllowedSignatureAlgorithm::EcdsaSha512,
];

/// `SigAlg` of RSA-SHA256 (XML-DSig more, RFC 6931 §2.3.2).
pub const SIG_RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
/// `SigAlg` of RSA-SHA1: refused (RFC 6931 §2.3 deprecates it).
pub const SIG_RSA_SHA1: &str = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";

/// A PEM that is not a usable key or certificate.
#[derive(Debug, thiserror::Error)]
#[error("invalid {what}: {reason}")]
pub struct PemError {
    pub what: &'static str,
    pub reason: String,
}

/// `SignatureMethod` of ECDSA-SHA256 (RFC 6931 §2.3.6).
pub const SIG_ECDSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256";

/// A private key (RSA, or ECDSA on P-256) and its certificate, loaded once: xmlsec keeps it
/// for XML signatures ([`KeyedSigner`]), OpenSSL for detached signatures and decryption.
#[derive(Clone)]
pub struct SigningKey {
    key: PKey<Private>,
    signer: Arc<KeyedSigner>,
    cert_der: Vec<u8>,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningKey(..)") // never print key material
    }
}

impl SigningKey {
    pub fn from_pem(key_pem: &str, cert_pem: &str) -> Result<Self, PemError> {
        let invalid = |e: openssl::error::ErrorStack| PemError { what: "signing key", reason: e.to_string() };
        let key = PKey::private_key_from_pem(key_pem.as_bytes()).map_err(invalid)?;
        let is_ec = key.ec_key().is_ok();
        if !is_ec && key.rsa().is_err() {
            return Err(PemError { what: "signing key", reason: "neither an RSA nor an EC key".into() });
        }
        // PKCS#8 for EC keys: the form xmlsec's DER loader recognises for every key type.
        let key_der = if is_ec { key.private_key_to_pkcs8() } else { key.private_key_to_der() };
        let key_der = key_der.map_err(invalid)?;
        let cert_der = cert_der_from_pem(cert_pem, "signing certificate")?;
        let signer = KeyedSigner::new(&key_der)
            .map_err(|e| PemError { what: "signing key", reason: e.to_string() })?;
        Ok(SigningKey { key, signer: Arc::new(signer), cert_der })
    }

    /// The XML-DSig `SignatureMethod` (and Redirect `SigAlg`) of this key.
    pub fn signature_method(&self) -> &'static str {
        if self.is_ec() { SIG_ECDSA_SHA256 } else { SIG_RSA_SHA256 }
    }

    /// An ECDSA key (it cannot decrypt: RSA-OAEP needs an RSA key).
    pub fn is_ec(&self) -> bool {
        self.key.id() == openssl::pkey::Id::EC
    }

    /// The private key, for decryption in this module's siblings.
    pub(super) fn private_key(&self) -> &PKey<Private> {
        &self.key
    }

    pub fn cert_der(&self) -> &[u8] {
        &self.cert_der
    }

    pub fn cert_b64(&self) -> String {
        STANDARD.encode(&self.cert_der)
    }

    /// A `ds:Signature` template referencing `#id`, to be placed right after the `Issuer`.
    pub fn template(&self, id: &str) -> String {
        format!(
            concat!(
                r#"<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>"#,
                r#"<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>"#,
                r#"<ds:SignatureMethod Algorithm="{method}"/>"#,
                r##"<ds:Reference URI="#{id}"><ds:Transforms>"##,
                r#"<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>"#,
                r#"<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>"#,
                r#"</ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>"#,
                r#"<ds:DigestValue></ds:DigestValue></ds:Reference></ds:SignedInfo>"#,
                r#"<ds:SignatureValue></ds:SignatureValue><ds:KeyInfo><ds:X509Data>"#,
                r#"<ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>"#,
                r#"</ds:Signature>"#
            ),
            method = self.signature_method(),
            id = escape(id),
            cert = self.cert_b64()
        )
    }

    /// Fills in the first empty signature template of `xml`; returns the document without an
    /// XML declaration.
    pub fn sign(&self, xml: &str) -> Result<String, String> {
        let signed = self.signer.sign(xml).map_err(|e| e.to_string())?;
        Ok(super::xml::strip_declaration(&signed).to_string())
    }

    /// RSA-SHA256 (or ECDSA-SHA256, as XML-DSig's r||s) over `octets`: the detached
    /// signature of the HTTP-Redirect binding.
    pub fn sign_octets(&self, octets: &[u8]) -> Result<Vec<u8>, String> {
        let mut signer = Signer::new(MessageDigest::sha256(), &self.key).map_err(|e| e.to_string())?;
        signer.update(octets).map_err(|e| e.to_string())?;
        let signature = signer.sign_to_vec().map_err(|e| e.to_string())?;
        if !self.is_ec() {
            return Ok(signature);
        }
        let sig = openssl::ecdsa::EcdsaSig::from_der(&signature).map_err(|e| e.to_string())?;
        let half = 32; // P-256
        let (r, s) = (sig.r().to_vec_padded(half), sig.s().to_vec_padded(half));
        Ok([r.map_err(|e| e.to_string())?, s.map_err(|e| e.to_string())?].concat())
    }
}

/// DER bytes of a PEM certificate.
pub fn cert_der_from_pem(pem: &str, what: &'static str) -> Result<Vec<u8>, PemError> {
    X509::from_pem(pem.as_bytes())
        .and_then(|c| c.to_der())
        .map_err(|e| PemError { what, reason: e.to_string() })
}

/// No signature in the document verifies with the trusted certificates (or none is accepted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the XML signature does not verify")]
pub struct SignatureInvalid;

/// Verifies every signature in `xml` with `cert_der` and returns a document holding only
/// signed content (samael's `ValidateAndMarkNoAncestors`): unsigned elements are removed, so
/// whatever is read afterwards is covered by a verified signature (defence against XML
/// signature wrapping).
pub fn verify_and_reduce(xml: &str, cert_der: &[u8]) -> Result<String, SignatureInvalid> {
    verify_and_reduce_any(xml, std::slice::from_ref(&cert_der.to_vec()))
}

/// [`verify_and_reduce`] trusting any of `certs` (a key rollover publishes two).
pub fn verify_and_reduce_any(xml: &str, certs: &[Vec<u8>]) -> Result<String, SignatureInvalid> {
    // xmlsec stops at a certificate of the other key type, so RSA and EC certificates are
    // tried as separate groups.
    let is_ec =
        |der: &Vec<u8>| X509::from_der(der).and_then(|c| c.public_key()).is_ok_and(|k| k.ec_key().is_ok());
    let (ec, rsa): (Vec<&Vec<u8>>, Vec<&Vec<u8>>) = certs.iter().partition(|c| is_ec(c));
    for group in [rsa, ec].into_iter().filter(|g| !g.is_empty()) {
        let group: Vec<CertificateDer> = group.into_iter().map(|c| CertificateDer::from(c.clone())).collect();
        let reduced = Crypto::reduce_xml_to_signed_with_allowed_algorithms(
            xml,
            &group,
            ReduceMode::ValidateAndMarkNoAncestors,
            Some(ACCEPTED),
        );
        if let Ok(reduced) = reduced {
            return Ok(reduced);
        }
    }
    Err(SignatureInvalid)
}

/// Why a document's signature did not verify, for the logs: a SHA-1 algorithm, a key that
/// is not trusted (the certificate in `KeyInfo` is none of `certs`), or content changed
/// after signing (a trusted or absent certificate whose signature or digest mismatches).
pub fn diagnose_failure(xml: &str, certs: &[Vec<u8>]) -> &'static str {
    if uses_sha1(xml) {
        return "a SHA-1 signature or digest, which is refused";
    }
    let embedded: Vec<Vec<u8>> = xml
        .split("X509Certificate>")
        .skip(1)
        .step_by(2)
        .filter_map(|chunk| chunk.split('<').next())
        .filter_map(|b64| STANDARD.decode(b64.split_whitespace().collect::<String>()).ok())
        .collect();
    if !embedded.is_empty() && !embedded.iter().any(|e| certs.contains(e)) {
        return "signed with a key that is not trusted";
    }
    "the signed content was changed after signing, or the signature is malformed"
}

/// The document names a SHA-1 signature or digest algorithm (refused everywhere).
pub fn uses_sha1(xml: &str) -> bool {
    xml.contains("xmldsig#rsa-sha1") || xml.contains("xmldsig#sha1") || xml.contains("xmldsig#dsa-sha1")
}

/// The query string of a signed HTTP-Redirect message (SAML bindings §3.4.4.1): `param`
/// (`SAMLRequest` or `SAMLResponse`) holding `xml` DEFLATE-compressed and base64-encoded,
/// `RelayState` when given, `SigAlg` RSA-SHA256 and the `Signature` over those octets.
pub fn signed_redirect_query(
    param: &str,
    xml: &str,
    relay_state: Option<&str>,
    key: &SigningKey,
) -> Result<String, String> {
    use std::io::Write as _;
    let mut deflater = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    deflater.write_all(xml.as_bytes()).map_err(|e| e.to_string())?;
    let deflated = deflater.finish().map_err(|e| e.to_string())?;
    let enc = |v: &str| form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>();
    let mut query = format!("{param}={}", enc(&STANDARD.encode(deflated)));
    if let Some(r) = relay_state {
        query.push_str(&format!("&RelayState={}", enc(r)));
    }
    query.push_str(&format!("&SigAlg={}", enc(key.signature_method())));
    let signature = key.sign_octets(query.as_bytes())?;
    Ok(format!("{query}&Signature={}", enc(&STANDARD.encode(signature))))
}

/// Why a detached (HTTP-Redirect) signature was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DetachedError {
    #[error("the signature algorithm is not accepted (SHA-1 or unknown)")]
    Algorithm,
    #[error("the signature does not verify with the signer's certificate")]
    Mismatch,
}

/// Checks the HTTP-Redirect binding's signature over `octets` (the query string
/// `SAMLRequest=…&RelayState=…&SigAlg=…` exactly as received) with any of `certs`.
pub fn verify_detached(
    octets: &[u8],
    sig_alg: &str,
    signature: &[u8],
    certs: &[Vec<u8>],
) -> Result<(), DetachedError> {
    let digest = match sig_alg {
        SIG_RSA_SHA256 | "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256" => MessageDigest::sha256(),
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384"
        | "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384" => MessageDigest::sha384(),
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512"
        | "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512" => MessageDigest::sha512(),
        _ => return Err(DetachedError::Algorithm),
    };
    let is_ecdsa = sig_alg.contains("ecdsa");
    for der in certs {
        let Ok(key) = X509::from_der(der).and_then(|c| c.public_key()) else { continue };
        let is_ec_key = key.ec_key().is_ok();
        if is_ec_key != is_ecdsa {
            continue;
        }
        // XML-DSig ECDSA signatures are r||s; OpenSSL verifies DER.
        let signature = if is_ecdsa { raw_ecdsa_to_der(signature) } else { Some(signature.to_vec()) };
        let Some(signature) = signature else { continue };
        let Ok(mut verifier) = Verifier::new(digest, &key) else { continue };
        if verifier.update(octets).is_ok() && verifier.verify(&signature).unwrap_or(false) {
            return Ok(());
        }
    }
    Err(DetachedError::Mismatch)
}

fn raw_ecdsa_to_der(raw: &[u8]) -> Option<Vec<u8>> {
    if raw.is_empty() || !raw.len().is_multiple_of(2) {
        return None;
    }
    let (r, s) = raw.split_at(raw.len() / 2);
    let r = openssl::bn::BigNum::from_slice(r).ok()?;
    let s = openssl::bn::BigNum::from_slice(s).ok()?;
    openssl::ecdsa::EcdsaSig::from_private_components(r, s).ok()?.to_der().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SigningKey {
        let (k, c) = crate::kernel::devpki::self_signed_rsa("test").expect("key");
        SigningKey::from_pem(&k, &c).expect("pem")
    }

    #[test]
    fn an_ec_key_signs_xml_and_redirect_messages_with_ecdsa() {
        let (k, c) = crate::kernel::devpki::self_signed_ec("ec test").expect("key");
        let ec = SigningKey::from_pem(&k, &c).expect("pem");
        assert_eq!(ec.signature_method(), SIG_ECDSA_SHA256);
        let xml = format!(r#"<a xmlns="urn:t" ID="_e">{}<b>x</b></a>"#, ec.template("_e"));
        let signed = ec.sign(&xml).expect("signed");
        assert!(signed.contains("ecdsa-sha256"), "{signed}");
        let certs = [ec.cert_der().to_vec()];
        verify_and_reduce_any(&signed, &certs).expect("verifies with the EC certificate");
        verify_and_reduce_any(&signed, &[key().cert_der().to_vec(), ec.cert_der().to_vec()])
            .expect("verifies with the EC certificate after an RSA one");
        assert!(verify_and_reduce_any(&signed, &[key().cert_der().to_vec()]).is_err());
        let octets = b"SAMLResponse=abc&SigAlg=ecdsa";
        let sig = ec.sign_octets(octets).expect("sign");
        assert_eq!(sig.len(), 64, "r||s");
        assert_eq!(verify_detached(octets, SIG_ECDSA_SHA256, &sig, &certs), Ok(()));
    }

    #[test]
    fn a_detached_signature_verifies_only_with_its_key_and_a_sha2_algorithm() {
        let (a, b) = (key(), key());
        let octets = b"SAMLRequest=abc&RelayState=x&SigAlg=rsa-sha256";
        let sig = a.sign_octets(octets).expect("sign");
        let certs = [a.cert_der().to_vec()];
        assert_eq!(verify_detached(octets, SIG_RSA_SHA256, &sig, &certs), Ok(()));
        assert_eq!(
            verify_detached(b"SAMLRequest=abd", SIG_RSA_SHA256, &sig, &certs),
            Err(DetachedError::Mismatch)
        );
        assert_eq!(
            verify_detached(octets, SIG_RSA_SHA256, &sig, &[b.cert_der().to_vec()]),
            Err(DetachedError::Mismatch)
        );
        assert_eq!(verify_detached(octets, SIG_RSA_SHA1, &sig, &certs), Err(DetachedError::Algorithm));
        // Rollover: either of two certificates is trusted.
        assert!(
            diagnose_failure("<x><ds:X509Certificate>AAAA</ds:X509Certificate></x>", &certs)
                .contains("not trusted")
        );
        let ours = format!("<x><ds:X509Certificate>{}</ds:X509Certificate></x>", a.cert_b64());
        assert!(diagnose_failure(&ours, &certs).contains("changed after signing"));
        assert!(
            diagnose_failure("<x Algorithm=\"http://www.w3.org/2000/09/xmldsig#rsa-sha1\"/>", &certs)
                .contains("SHA-1")
        );
        assert_eq!(
            verify_detached(octets, SIG_RSA_SHA256, &sig, &[b.cert_der().to_vec(), a.cert_der().to_vec()]),
            Ok(())
        );
    }
}
