//! Enveloped XML signatures through libxmlsec1 — the library samael signs with — with the
//! private key loaded **once**: [`KeyedSigner`] keeps it in an xmlsec keys manager and every
//! signature finds it there (xmlsec duplicates a key by taking a reference, not by parsing
//! it again). samael's `Crypto::sign_xml` decodes the DER key and sets up a fresh OpenSSL key
//! on every call, which costs more than the RSA signature itself.
//!
//! Canonicalisation, digests and the signature are xmlsec's; this crate only hands it the
//! document, the template and the key. It is the only place of Poort with `unsafe` code:
//! the FFI calls below, each with the invariant it relies on.

use std::ffi::c_int;
use std::ptr::NonNull;

use foreign_types::ForeignType;
use libxml::bindings::xmlNodePtr;
use libxml::parser::{Parser, ParserOptions};
use libxml::tree::{Document, Node};
use openssl::pkey::{PKey, Private};
use samael::crypto::{Crypto, CryptoProvider};

const NS_DS: &str = "http://www.w3.org/2000/09/xmldsig#";

#[repr(C)]
struct KeysMngr {
    _opaque: [u8; 0],
}
#[repr(C)]
struct Key {
    _opaque: [u8; 0],
}
#[repr(C)]
struct KeyData {
    _opaque: [u8; 0],
}
#[repr(C)]
struct DSigCtx {
    _opaque: [u8; 0],
}

#[link(name = "xmlsec1-openssl")]
unsafe extern "C" {
    fn xmlSecOpenSSLEvpKeyAdopt(pkey: *mut openssl_sys::EVP_PKEY) -> *mut KeyData;
    fn xmlSecOpenSSLAppDefaultKeysMngrInit(mngr: *mut KeysMngr) -> c_int;
    fn xmlSecOpenSSLAppDefaultKeysMngrAdoptKey(mngr: *mut KeysMngr, key: *mut Key) -> c_int;
}

#[link(name = "xmlsec1")]
unsafe extern "C" {
    fn xmlSecKeyCreate() -> *mut Key;
    fn xmlSecKeySetValue(key: *mut Key, value: *mut KeyData) -> c_int;
    fn xmlSecKeyDestroy(key: *mut Key);
    fn xmlSecKeyDataDestroy(data: *mut KeyData);
    fn xmlSecKeysMngrCreate() -> *mut KeysMngr;
    fn xmlSecKeysMngrDestroy(mngr: *mut KeysMngr);
    fn xmlSecDSigCtxCreate(mngr: *mut KeysMngr) -> *mut DSigCtx;
    fn xmlSecDSigCtxSign(ctx: *mut DSigCtx, template: xmlNodePtr) -> c_int;
    fn xmlSecDSigCtxDestroy(ctx: *mut DSigCtx);
    fn xmlSecAddIDs(doc: libxml::bindings::xmlDocPtr, cur: xmlNodePtr, ids: *const *const u8);
}

/// Why a signature could not be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignError(pub String);

impl std::fmt::Display for SignError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "XML signing failed: {}", self.0)
    }
}

impl std::error::Error for SignError {}

fn fail(what: &str) -> SignError {
    SignError(what.to_string())
}

/// A private key held by xmlsec for many signatures. Cheap to share between threads.
pub struct KeyedSigner {
    /// Owns the keys manager (and through it the key). Only read after `new`.
    mngr: NonNull<KeysMngr>,
}

// SAFETY: the keys manager is never changed after `new`; signing only looks the key up
// (xmlsec's simple keys store hands out a duplicate: a new reference to the OpenSSL key),
// and every signature has its own signature context. OpenSSL keys may sign concurrently.
unsafe impl Send for KeyedSigner {}
unsafe impl Sync for KeyedSigner {}

impl std::fmt::Debug for KeyedSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyedSigner(..)") // never print key material
    }
}

impl KeyedSigner {
    /// Keeps the private key `key_der` (RSA or EC, DER: PKCS#1, SEC1 or PKCS#8) for signing.
    /// samael signs a one-element document with it first, which initialises libxmlsec1
    /// (samael owns its global initialisation) and proves that xmlsec accepts the key. The
    /// key is decoded here once, so OpenSSL holds it in its own provider form, whatever
    /// built it.
    pub fn new(key_der: &[u8]) -> Result<Self, SignError> {
        let key: PKey<Private> =
            PKey::private_key_from_der(key_der).map_err(|e| SignError(format!("the key: {e}")))?;
        let probe = format!(
            concat!(
                r#"<p xmlns="urn:xmlsec-keyed:probe" ID="_p"><ds:Signature xmlns:ds="{ds}"><ds:SignedInfo>"#,
                r#"<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>"#,
                r##"<ds:SignatureMethod Algorithm="{method}"/><ds:Reference URI="#_p"><ds:Transforms>"##,
                r#"<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>"#,
                r#"</ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>"#,
                r#"<ds:DigestValue/></ds:Reference></ds:SignedInfo><ds:SignatureValue/></ds:Signature></p>"#
            ),
            ds = NS_DS,
            method = if key.ec_key().is_ok() {
                "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
            } else {
                "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
            },
        );
        Crypto::sign_xml(probe, key_der).map_err(|e| SignError(format!("the key: {e}")))?;
        // SAFETY: xmlsec is initialised (above). Each pointer is checked before use; on
        // failure what was created is destroyed once, by its owner at that point.
        unsafe {
            let mngr = NonNull::new(xmlSecKeysMngrCreate()).ok_or_else(|| fail("no keys manager"))?;
            let signer = KeyedSigner { mngr }; // destroys the manager on every early return
            if xmlSecOpenSSLAppDefaultKeysMngrInit(mngr.as_ptr()) < 0 {
                return Err(fail("keys manager not initialised"));
            }
            // xmlsec adopts one reference to the OpenSSL key; the caller keeps its own.
            let raw = key.as_ptr();
            if openssl_sys::EVP_PKEY_up_ref(raw) != 1 {
                return Err(fail("key not referenced"));
            }
            let data = xmlSecOpenSSLEvpKeyAdopt(raw);
            if data.is_null() {
                openssl_sys::EVP_PKEY_free(raw);
                return Err(fail("key not adopted"));
            }
            let xkey = xmlSecKeyCreate();
            if xkey.is_null() {
                xmlSecKeyDataDestroy(data);
                return Err(fail("no key"));
            }
            if xmlSecKeySetValue(xkey, data) < 0 {
                xmlSecKeyDataDestroy(data);
                xmlSecKeyDestroy(xkey);
                return Err(fail("key value not set"));
            }
            if xmlSecOpenSSLAppDefaultKeysMngrAdoptKey(mngr.as_ptr(), xkey) < 0 {
                xmlSecKeyDestroy(xkey);
                return Err(fail("key not kept"));
            }
            Ok(signer)
        }
    }

    /// Fills in the first empty `ds:Signature` template of `xml` (every `ID` attribute is
    /// registered as an XML ID, so `#id` references resolve). Returns the serialised
    /// document, with an XML declaration. The template's `KeyInfo` is kept as written.
    pub fn sign(&self, xml: &str) -> Result<String, SignError> {
        let options = ParserOptions { recover: false, no_net: true, ..ParserOptions::default() };
        let doc = Parser::default()
            .parse_string_with_options(xml, options)
            .map_err(|e| SignError(format!("not well-formed: {e:?}")))?;
        let root = doc.get_root_element().ok_or_else(|| fail("empty document"))?;
        register_ids(&doc, &root);
        let mut template =
            first_empty_signature(&root).ok_or_else(|| fail("no empty ds:Signature template"))?;
        // The template's KeyInfo (the certificate, for the verifier) is set aside while xmlsec
        // signs: xmlsec would read it to find the key and try to validate that certificate
        // at every signature. It is not signed (SignedInfo does not cover it, and the
        // enveloped-signature transform removes the whole Signature), so it goes back after.
        let mut key_info = template.get_child_elements().into_iter().find(|c| is_ds(c, "KeyInfo"));
        if let Some(k) = key_info.as_mut() {
            k.unlink_node();
        }
        // SAFETY: the template node belongs to `doc`, alive for the whole call; the context
        // is created and destroyed here and the keys manager outlives it.
        let rc = unsafe {
            let ctx = xmlSecDSigCtxCreate(self.mngr.as_ptr());
            if ctx.is_null() {
                return Err(fail("no signature context"));
            }
            let rc = xmlSecDSigCtxSign(ctx, template.node_ptr());
            xmlSecDSigCtxDestroy(ctx);
            rc
        };
        if rc < 0 {
            return Err(fail("xmlsec could not sign the template"));
        }
        if let Some(mut k) = key_info {
            template.add_child(&mut k).map_err(|e| SignError(format!("KeyInfo not put back: {e}")))?;
        }
        Ok(doc.to_string())
    }
}

impl Drop for KeyedSigner {
    fn drop(&mut self) {
        // SAFETY: the manager was created in `new` and is destroyed once, here (with its key).
        unsafe { xmlSecKeysMngrDestroy(self.mngr.as_ptr()) }
    }
}

/// Registers every `ID` attribute of `node` and its descendants as an XML ID (xmlsec's own
/// walk, in C).
fn register_ids(doc: &Document, node: &Node) {
    const IDS: [*const u8; 2] = [c"ID".as_ptr().cast(), std::ptr::null()];
    // SAFETY: the document and node are alive for the call; `IDS` is a NULL-terminated array
    // of NUL-terminated static strings, as xmlSecAddIDs expects. A repeated ID is left
    // unregistered (xmlsec then reports the reference as unresolved).
    unsafe { xmlSecAddIDs(doc.doc_ptr(), node.node_ptr(), IDS.as_ptr()) }
}

fn is_ds(n: &Node, name: &str) -> bool {
    n.get_name() == name && n.get_namespace().is_some_and(|ns| ns.get_href() == NS_DS)
}

/// The first `ds:Signature` in document order whose `SignatureValue` is empty.
fn first_empty_signature(node: &Node) -> Option<Node> {
    if is_ds(node, "Signature")
        && node
            .get_child_elements()
            .iter()
            .any(|c| is_ds(c, "SignatureValue") && c.get_content().trim().is_empty())
    {
        return Some(node.clone());
    }
    node.get_child_elements().iter().find_map(first_empty_signature)
}

#[cfg(test)]
mod tests {
    use openssl::asn1::Asn1Time;
    use openssl::ec::{EcGroup, EcKey};
    use openssl::hash::MessageDigest;
    use openssl::nid::Nid;
    use openssl::rsa::Rsa;
    use openssl::x509::{X509, X509NameBuilder};
    use samael::crypto::{CertificateDer, Crypto, CryptoProvider, ReduceMode};

    use super::*;

    fn certificate(key: &PKey<Private>) -> Vec<u8> {
        let mut name = X509NameBuilder::new().expect("name");
        name.append_entry_by_text("CN", "xmlsec-keyed test").expect("cn");
        let name = name.build();
        let mut b = X509::builder().expect("builder");
        b.set_version(2).expect("version");
        b.set_subject_name(&name).expect("subject");
        b.set_issuer_name(&name).expect("issuer");
        b.set_pubkey(key).expect("pubkey");
        b.set_not_before(&Asn1Time::days_from_now(0).expect("now")).expect("nb");
        b.set_not_after(&Asn1Time::days_from_now(30).expect("later")).expect("na");
        b.sign(key, MessageDigest::sha256()).expect("sign");
        b.build().to_der().expect("der")
    }

    fn template(id: &str, method: &str) -> String {
        format!(
            concat!(
                r#"<ds:Signature xmlns:ds="{ds}"><ds:SignedInfo>"#,
                r#"<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>"#,
                r##"<ds:SignatureMethod Algorithm="{method}"/><ds:Reference URI="#{id}"><ds:Transforms>"##,
                r#"<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>"#,
                r#"<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>"#,
                r#"<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/>"#,
                r#"</ds:Reference></ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:KeyName>kept</ds:KeyName></ds:KeyInfo></ds:Signature>"#
            ),
            ds = NS_DS,
            id = id,
            method = method,
        )
    }

    fn verifies(xml: &str, cert: &[u8]) -> bool {
        Crypto::reduce_xml_to_signed(
            xml,
            &[CertificateDer::from(cert.to_vec())],
            ReduceMode::ValidateAndMarkNoAncestors,
        )
        .is_ok()
    }

    const RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";

    #[test]
    fn rsa_and_ec_keys_sign_many_documents_that_xmlsec_verifies() {
        let rsa = PKey::from_rsa(Rsa::generate(2048).expect("rsa")).expect("pkey");
        let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).expect("group");
        let ec = PKey::from_ec_key(EcKey::generate(&group).expect("ec")).expect("pkey");
        let ec_der = ec.private_key_to_pkcs8().expect("der");
        for (key, der, method) in [
            (&rsa, rsa.private_key_to_der().expect("der"), RSA_SHA256),
            (&ec, ec_der, "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"),
        ] {
            let signer = KeyedSigner::new(&der).expect("signer");
            let cert = certificate(key);
            for n in 0..3 {
                let xml = format!(
                    r#"<a xmlns="urn:t" ID="_a{n}">{}<b>{n}</b></a>"#,
                    template(&format!("_a{n}"), method)
                );
                let signed = signer.sign(&xml).expect("signed");
                assert!(verifies(&signed, &cert), "{signed}");
                assert!(
                    !verifies(&signed.replace(&format!("<b>{n}</b>"), "<b>x</b>"), &cert),
                    "tampering shows"
                );
            }
        }
    }

    #[test]
    fn the_first_empty_template_is_filled_and_the_signed_inner_part_kept() {
        let key = PKey::from_rsa(Rsa::generate(2048).expect("rsa")).expect("pkey");
        let signer = KeyedSigner::new(&key.private_key_to_der().expect("der")).expect("signer");
        let cert = certificate(&key);
        let inner = signer
            .sign(&format!(r#"<in xmlns="urn:t" ID="_in">{}</in>"#, template("_in", RSA_SHA256)))
            .expect("inner");
        let inner = inner.trim_start_matches(|c| c != '>').trim_start_matches('>').trim();
        let outer = format!(r#"<out xmlns="urn:t" ID="_out">{}{inner}</out>"#, template("_out", RSA_SHA256));
        let signed = signer.sign(&outer).expect("outer");
        assert_eq!(signed.matches("<ds:SignatureValue>").count(), 2, "{signed}");
        assert!(verifies(&signed, &cert));
    }

    #[test]
    fn a_document_without_a_template_or_not_well_formed_is_refused() {
        let key = PKey::from_rsa(Rsa::generate(2048).expect("rsa")).expect("pkey");
        let signer = KeyedSigner::new(&key.private_key_to_der().expect("der")).expect("signer");
        assert_eq!(signer.sign("<a ID=\"_a\"/>"), Err(fail("no empty ds:Signature template")));
        assert!(signer.sign("<a").is_err());
        // A reference to an ID that is not there.
        assert!(signer.sign(&format!("<a ID=\"_a\">{}</a>", template("_missing", RSA_SHA256))).is_err());
    }

    #[test]
    fn one_signer_serves_many_threads() {
        let key = PKey::from_rsa(Rsa::generate(2048).expect("rsa")).expect("pkey");
        let signer =
            std::sync::Arc::new(KeyedSigner::new(&key.private_key_to_der().expect("der")).expect("signer"));
        let cert = certificate(&key);
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let signer = signer.clone();
                std::thread::spawn(move || {
                    (0..10)
                        .map(|n| {
                            let id = format!("_t{t}n{n}");
                            signer
                                .sign(&format!(
                                    r#"<a xmlns="urn:t" ID="{id}">{}</a>"#,
                                    template(&id, RSA_SHA256)
                                ))
                                .expect("signed")
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for t in threads {
            for signed in t.join().expect("thread") {
                assert!(verifies(&signed, &cert));
            }
        }
    }
}
