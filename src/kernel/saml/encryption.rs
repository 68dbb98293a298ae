//! XML Encryption of SAML elements (SAML core §6; XML Encryption 1.1): the element's octets
//! under AES-GCM with a fresh key, that key under RSA-OAEP to the recipient's certificate —
//! and the reverse, for what an eIDAS node encrypts to us. The ciphers are OpenSSL's; only
//! the `xenc:EncryptedData` wrapping is written here. AES-CBC (padding-oracle attacks on XML
//! Encryption) and RSA PKCS#1 v1.5 key transport (Bleichenbacher) are refused both ways.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use libxml::tree::Node;
use openssl::encrypt::{Decrypter, Encrypter};
use openssl::hash::MessageDigest;
use openssl::rsa::Padding;
use openssl::symm::Cipher;
use openssl::x509::X509;

use super::signing::SigningKey;
use super::xml::{NS_DS, children, escape, new_id, only_child, parse_strict, text};

pub const NS_XENC: &str = "http://www.w3.org/2001/04/xmlenc#";
pub const NS_XENC11: &str = "http://www.w3.org/2009/xmlenc11#";
pub const AES128_GCM: &str = "http://www.w3.org/2009/xmlenc11#aes128-gcm";
pub const AES192_GCM: &str = "http://www.w3.org/2009/xmlenc11#aes192-gcm";
pub const AES256_GCM: &str = "http://www.w3.org/2009/xmlenc11#aes256-gcm";
/// RSA-OAEP with MGF1-SHA1 (XML Encryption 1.0 §5.4.2); the digest defaults to SHA-1.
pub const RSA_OAEP_MGF1P: &str = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p";
/// RSA-OAEP with a chosen digest and mask generation function (XML Encryption 1.1 §5.5.2).
pub const RSA_OAEP: &str = "http://www.w3.org/2009/xmlenc11#rsa-oaep";
const TYPE_ELEMENT: &str = "http://www.w3.org/2001/04/xmlenc#Element";
const DIGEST_SHA256: &str = "http://www.w3.org/2001/04/xmlenc#sha256";
const GCM_IV_LEN: usize = 12;
const GCM_TAG_LEN: usize = 16;

/// The algorithms of one encryption.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Algorithms {
    pub data: &'static str,
    pub key_transport: &'static str,
}

/// The recipient offers no algorithm Poort encrypts with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the recipient's metadata offers no AES-GCM content encryption (only {0}); AES-CBC is not used")]
pub struct NoCommonAlgorithm(pub String);

impl Algorithms {
    /// What to use with a recipient whose metadata lists `advertised` (`md:EncryptionMethod`,
    /// SAML metadata §2.4.1.1): the strongest AES-GCM it names (AES-256-GCM when it names no
    /// content algorithm), and XML Encryption 1.1 RSA-OAEP with SHA-256 when it names it, else
    /// the universally supported `rsa-oaep-mgf1p`.
    pub fn choose(advertised: &[String]) -> Result<Self, NoCommonAlgorithm> {
        let names = |a: &str| advertised.iter().any(|x| x == a);
        let content: Vec<&String> = advertised.iter().filter(|a| a.contains("aes")).collect();
        let data = if content.is_empty() || names(AES256_GCM) {
            AES256_GCM
        } else if names(AES128_GCM) {
            AES128_GCM
        } else if names(AES192_GCM) {
            AES192_GCM
        } else {
            let listed: Vec<&str> = content.iter().map(|s| s.as_str()).collect();
            return Err(NoCommonAlgorithm(listed.join(", ")));
        };
        let key_transport = if names(RSA_OAEP) { RSA_OAEP } else { RSA_OAEP_MGF1P };
        Ok(Self { data, key_transport })
    }
}

fn gcm(uri: &str) -> Option<Cipher> {
    match uri {
        AES128_GCM => Some(Cipher::aes_128_gcm()),
        AES192_GCM => Some(Cipher::aes_192_gcm()),
        AES256_GCM => Some(Cipher::aes_256_gcm()),
        _ => None,
    }
}

/// Encrypts `element` (a serialised XML element declaring its own namespaces) to the RSA key
/// of `recipient_cert_der`: an `xenc:EncryptedData` of `Type` Element whose `ds:KeyInfo`
/// carries the `xenc:EncryptedKey`.
pub fn encrypt_element(element: &str, recipient_cert_der: &[u8], alg: Algorithms) -> Result<String, String> {
    let cipher = gcm(alg.data).ok_or_else(|| format!("{}: not an AES-GCM algorithm", alg.data))?;
    let public = X509::from_der(recipient_cert_der)
        .and_then(|c| c.public_key())
        .map_err(|e| format!("the recipient's certificate: {e}"))?;
    if public.rsa().is_err() {
        return Err("the recipient's encryption certificate is not an RSA key".into());
    }
    let mut key = vec![0u8; cipher.key_len()];
    let mut iv = [0u8; GCM_IV_LEN];
    openssl::rand::rand_bytes(&mut key).map_err(|e| e.to_string())?;
    openssl::rand::rand_bytes(&mut iv).map_err(|e| e.to_string())?;
    let mut tag = [0u8; GCM_TAG_LEN];
    let ciphertext = openssl::symm::encrypt_aead(cipher, &key, Some(&iv), &[], element.as_bytes(), &mut tag)
        .map_err(|e| e.to_string())?;
    let mut content = Vec::with_capacity(GCM_IV_LEN + ciphertext.len() + GCM_TAG_LEN);
    content.extend_from_slice(&iv);
    content.extend_from_slice(&ciphertext);
    content.extend_from_slice(&tag);

    let mut encrypter = Encrypter::new(&public).map_err(|e| e.to_string())?;
    encrypter.set_rsa_padding(Padding::PKCS1_OAEP).map_err(|e| e.to_string())?;
    let oaep_digest = if alg.key_transport == RSA_OAEP {
        encrypter.set_rsa_oaep_md(MessageDigest::sha256()).map_err(|e| e.to_string())?;
        // MGF1 stays SHA-1, XML Encryption 1.1's default when no xenc11:MGF is given
        // (OpenSSL would otherwise follow the OAEP digest).
        encrypter.set_rsa_mgf1_md(MessageDigest::sha1()).map_err(|e| e.to_string())?;
        format!(r#"<ds:DigestMethod Algorithm="{DIGEST_SHA256}"/>"#)
    } else {
        String::new()
    };
    let mut wrapped = vec![0u8; encrypter.encrypt_len(&key).map_err(|e| e.to_string())?];
    let n = encrypter.encrypt(&key, &mut wrapped).map_err(|e| e.to_string())?;
    wrapped.truncate(n);

    Ok(format!(
        concat!(
            r#"<xenc:EncryptedData xmlns:xenc="{xenc}" xmlns:ds="{ds}" Id="{id}" Type="{ty}">"#,
            r#"<xenc:EncryptionMethod Algorithm="{data}"/><ds:KeyInfo><xenc:EncryptedKey Id="{kid}">"#,
            r#"<xenc:EncryptionMethod Algorithm="{transport}">{oaep_digest}</xenc:EncryptionMethod>"#,
            r#"<xenc:CipherData><xenc:CipherValue>{key}</xenc:CipherValue></xenc:CipherData>"#,
            r#"</xenc:EncryptedKey></ds:KeyInfo>"#,
            r#"<xenc:CipherData><xenc:CipherValue>{content}</xenc:CipherValue></xenc:CipherData>"#,
            r#"</xenc:EncryptedData>"#
        ),
        xenc = NS_XENC,
        ds = NS_DS,
        id = new_id(),
        ty = TYPE_ELEMENT,
        data = alg.data,
        kid = new_id(),
        transport = escape(alg.key_transport),
        oaep_digest = oaep_digest,
        key = STANDARD.encode(wrapped),
        content = STANDARD.encode(content),
    ))
}

/// Why an encrypted element could not be decrypted. Each cause is distinct in the logs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecryptError {
    #[error("the encrypted element is malformed: {0}")]
    Malformed(&'static str),
    #[error("content encryption {0} is refused (only AES-GCM is accepted)")]
    ContentAlgorithm(String),
    #[error("key transport {0} is refused (only RSA-OAEP is accepted)")]
    KeyTransport(String),
    #[error("the content key is not encrypted to our key (another recipient, or a rollover)")]
    NotForUs,
    #[error("the encrypted content fails its integrity check (tampered or truncated)")]
    Integrity,
    #[error("the decrypted content is not a well-formed XML element")]
    NotXml,
}

/// Decrypts the `xenc:EncryptedData` child of `container` (e.g. `saml:EncryptedAssertion`)
/// with `key`. The `xenc:EncryptedKey` is taken from the data's `ds:KeyInfo` or, as SAML
/// core §6.1 also allows, from the container's children. Returns the element's XML with the
/// namespace declarations it relied on from its context added, so it parses on its own.
pub fn decrypt_element(container: &Node, key: &SigningKey) -> Result<String, DecryptError> {
    let data = only_child(container, NS_XENC, "EncryptedData")
        .ok_or(DecryptError::Malformed("not exactly one xenc:EncryptedData"))?;
    if data.get_attribute("Type").is_some_and(|t| t != TYPE_ELEMENT) {
        return Err(DecryptError::Malformed("EncryptedData is not of Type Element"));
    }
    let content_alg = algorithm(&data).ok_or(DecryptError::Malformed("no content EncryptionMethod"))?;
    let cipher = gcm(&content_alg).ok_or(DecryptError::ContentAlgorithm(content_alg.clone()))?;
    let mut encrypted_keys: Vec<Node> = only_child(&data, NS_DS, "KeyInfo")
        .map(|ki| children(&ki, NS_XENC, "EncryptedKey"))
        .unwrap_or_default();
    encrypted_keys.extend(children(container, NS_XENC, "EncryptedKey"));
    if encrypted_keys.is_empty() {
        return Err(DecryptError::Malformed("no xenc:EncryptedKey"));
    }
    // Several keys: one per recipient (or per certificate during a rollover); ours is the one
    // that decrypts. A refused algorithm is reported only when no key was usable.
    let mut failure = DecryptError::NotForUs;
    let mut content_key = None;
    for ek in &encrypted_keys {
        match unwrap_key(ek, key) {
            Ok(k) if k.len() == cipher.key_len() => {
                content_key = Some(k);
                break;
            }
            Ok(_) => failure = DecryptError::NotForUs,
            Err(e @ DecryptError::KeyTransport(_)) => failure = e,
            Err(_) => {}
        }
    }
    let content_key = content_key.ok_or(failure)?;
    let content = cipher_value(&data)?;
    if content.len() < GCM_IV_LEN + GCM_TAG_LEN {
        return Err(DecryptError::Malformed("the encrypted content is too short"));
    }
    let (iv, rest) = content.split_at(GCM_IV_LEN);
    let (ciphertext, tag) = rest.split_at(rest.len() - GCM_TAG_LEN);
    let plaintext = openssl::symm::decrypt_aead(cipher, &content_key, Some(iv), &[], ciphertext, tag)
        .map_err(|_| DecryptError::Integrity)?;
    let element = String::from_utf8(plaintext).map_err(|_| DecryptError::NotXml)?;
    let element = with_context_namespaces(element.trim(), container);
    if parse_strict(&element).and_then(|d| d.get_root_element()).is_none() {
        return Err(DecryptError::NotXml);
    }
    Ok(element)
}

fn algorithm(node: &Node) -> Option<String> {
    only_child(node, NS_XENC, "EncryptionMethod").and_then(|m| m.get_attribute("Algorithm"))
}

fn cipher_value(node: &Node) -> Result<Vec<u8>, DecryptError> {
    let value = only_child(node, NS_XENC, "CipherData")
        .and_then(|cd| only_child(&cd, NS_XENC, "CipherValue"))
        .ok_or(DecryptError::Malformed("no CipherData/CipherValue"))?;
    let b64: String = text(&value).chars().filter(|c| !c.is_ascii_whitespace()).collect();
    STANDARD.decode(b64).map_err(|_| DecryptError::Malformed("CipherValue is not base64"))
}

/// The content key inside one `xenc:EncryptedKey`, decrypted with RSA-OAEP.
fn unwrap_key(ek: &Node, key: &SigningKey) -> Result<Vec<u8>, DecryptError> {
    let method = only_child(ek, NS_XENC, "EncryptionMethod")
        .ok_or(DecryptError::Malformed("EncryptedKey without EncryptionMethod"))?;
    let transport = method.get_attribute("Algorithm").unwrap_or_default();
    if transport != RSA_OAEP_MGF1P && transport != RSA_OAEP {
        return Err(DecryptError::KeyTransport(transport));
    }
    let digest_of = |uri: &str| match uri {
        "http://www.w3.org/2000/09/xmldsig#sha1" => Some(MessageDigest::sha1()),
        "http://www.w3.org/2001/04/xmlenc#sha256" => Some(MessageDigest::sha256()),
        "http://www.w3.org/2001/04/xmldsig-more#sha384" => Some(MessageDigest::sha384()),
        "http://www.w3.org/2001/04/xmlenc#sha512" => Some(MessageDigest::sha512()),
        _ => None,
    };
    let oaep_md = match only_child(&method, NS_DS, "DigestMethod").and_then(|d| d.get_attribute("Algorithm"))
    {
        Some(uri) => digest_of(&uri).ok_or(DecryptError::KeyTransport(format!("{transport} with {uri}")))?,
        None => MessageDigest::sha1(),
    };
    let mgf1_md = match only_child(&method, NS_XENC11, "MGF").and_then(|m| m.get_attribute("Algorithm")) {
        Some(uri) if transport == RSA_OAEP => {
            let digest = uri.strip_prefix("http://www.w3.org/2009/xmlenc11#mgf1").unwrap_or_default();
            digest_of(&match digest {
                "sha1" => "http://www.w3.org/2000/09/xmldsig#sha1".to_string(),
                "sha256" => DIGEST_SHA256.to_string(),
                "sha384" => "http://www.w3.org/2001/04/xmldsig-more#sha384".to_string(),
                "sha512" => "http://www.w3.org/2001/04/xmlenc#sha512".to_string(),
                _ => String::new(),
            })
            .ok_or(DecryptError::KeyTransport(format!("{transport} with MGF {uri}")))?
        }
        _ => MessageDigest::sha1(),
    };
    let wrapped = cipher_value(ek)?;
    let mut decrypter = Decrypter::new(key.private_key()).map_err(|_| DecryptError::NotForUs)?;
    let configured = decrypter
        .set_rsa_padding(Padding::PKCS1_OAEP)
        .and_then(|()| decrypter.set_rsa_oaep_md(oaep_md))
        .and_then(|()| decrypter.set_rsa_mgf1_md(mgf1_md));
    configured.map_err(|_| DecryptError::NotForUs)?;
    let mut out = vec![0u8; decrypter.decrypt_len(&wrapped).map_err(|_| DecryptError::NotForUs)?];
    let n = decrypter.decrypt(&wrapped, &mut out).map_err(|_| DecryptError::NotForUs)?;
    out.truncate(n);
    Ok(out)
}

/// `element` with `xmlns:p` declarations added to its start tag for every prefix declared
/// on `context` or its ancestors and not on the element itself (an encrypter may serialise
/// an element that relies on its parent's declarations).
fn with_context_namespaces(element: &str, context: &Node) -> String {
    let Some(tag_end) = element.find('>') else { return element.to_string() };
    let start_tag = &element[..tag_end];
    let Some(name_end) = start_tag.find(|c: char| c.is_ascii_whitespace() || c == '/') else {
        return element.to_string();
    };
    let mut extra = String::new();
    let mut node = Some(context.clone());
    let mut seen = Vec::new();
    while let Some(n) = node {
        for ns in n.get_namespace_declarations() {
            let prefix = ns.get_prefix();
            let attr = if prefix.is_empty() { "xmlns".to_string() } else { format!("xmlns:{prefix}") };
            if !seen.contains(&attr) && !start_tag.contains(&format!("{attr}=")) {
                extra.push_str(&format!(r#" {attr}="{}""#, escape(&ns.get_href())));
            }
            seen.push(attr);
        }
        node = n.get_parent();
    }
    format!("{}{extra}{}", &element[..name_end], &element[name_end..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SigningKey {
        let (k, c) = crate::kernel::devpki::self_signed_rsa("test").expect("key");
        SigningKey::from_pem(&k, &c).expect("pem")
    }

    fn wrap(encrypted: &str) -> String {
        format!(
            r#"<saml:EncryptedAssertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">{encrypted}</saml:EncryptedAssertion>"#
        )
    }

    fn decrypt(xml: &str, key: &SigningKey) -> Result<String, DecryptError> {
        let doc = parse_strict(xml).expect("xml");
        decrypt_element(&doc.get_root_element().expect("root"), key)
    }

    const ASSERTION: &str =
        r#"<saml:Assertion ID="_a" Version="2.0"><saml:Issuer>x</saml:Issuer></saml:Assertion>"#;

    #[test]
    fn an_element_encrypted_to_a_key_decrypts_with_it_only() {
        let (ours, theirs) = (key(), key());
        for alg in [
            Algorithms { data: AES256_GCM, key_transport: RSA_OAEP_MGF1P },
            Algorithms { data: AES128_GCM, key_transport: RSA_OAEP },
        ] {
            let xml = wrap(&encrypt_element(ASSERTION, ours.cert_der(), alg).expect("encrypt"));
            let plain = decrypt(&xml, &ours).expect("decrypt");
            // The prefix relied on the container's declaration: it is carried over.
            assert!(
                plain.starts_with(r#"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion""#)
            );
            assert!(plain.contains("<saml:Issuer>x</saml:Issuer>"));
            assert_eq!(decrypt(&xml, &theirs), Err(DecryptError::NotForUs));
        }
    }

    #[test]
    fn tampering_and_refused_algorithms_are_named() {
        let ours = key();
        let alg = Algorithms { data: AES256_GCM, key_transport: RSA_OAEP_MGF1P };
        let xml = wrap(&encrypt_element(ASSERTION, ours.cert_der(), alg).expect("encrypt"));
        // Flip one byte of the content ciphertext (the last CipherValue).
        let start = xml.rfind("<xenc:CipherValue>").expect("value") + "<xenc:CipherValue>".len();
        let end = start + xml[start..].find('<').expect("end");
        let mut bytes = STANDARD.decode(&xml[start..end]).expect("b64");
        bytes[GCM_IV_LEN + 1] ^= 1;
        let tampered = format!("{}{}{}", &xml[..start], STANDARD.encode(bytes), &xml[end..]);
        assert_eq!(decrypt(&tampered, &ours), Err(DecryptError::Integrity));

        let cbc = xml.replace(AES256_GCM, "http://www.w3.org/2001/04/xmlenc#aes256-cbc");
        assert!(matches!(decrypt(&cbc, &ours), Err(DecryptError::ContentAlgorithm(_))));
        let pkcs1 = xml.replace(RSA_OAEP_MGF1P, "http://www.w3.org/2001/04/xmlenc#rsa-1_5");
        assert!(matches!(decrypt(&pkcs1, &ours), Err(DecryptError::KeyTransport(_))));
        assert!(matches!(decrypt(&wrap(""), &ours), Err(DecryptError::Malformed(_))));
    }

    #[test]
    fn the_recipients_advertised_algorithms_are_honoured() {
        let all = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            Algorithms::choose(&[]),
            Ok(Algorithms { data: AES256_GCM, key_transport: RSA_OAEP_MGF1P })
        );
        assert_eq!(
            Algorithms::choose(&all(&[AES128_GCM, RSA_OAEP])),
            Ok(Algorithms { data: AES128_GCM, key_transport: RSA_OAEP })
        );
        assert!(Algorithms::choose(&all(&["http://www.w3.org/2001/04/xmlenc#aes128-cbc"])).is_err());
    }
}
