//! SAML metadata (SAML metadata §2; eIDAS SAML Message Format v1.2 §2.1): ours, signed, for
//! the node operator (one key signs our requests and decrypts the node's assertions, with
//! the AES-GCM and RSA-OAEP algorithms we accept); and reading the node's signed metadata.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::config::{EidasSpConfig, NodeTrust, ServiceProvider};
use super::error::EidasConfigError;
use crate::kernel::saml::encryption;
use crate::kernel::saml::signing::{cert_der_from_pem, verify_and_reduce};
use crate::kernel::saml::xml::{
    BINDING_POST, MAX_MESSAGE_BYTES, NS_DS, NS_EIDAS, NS_MD, children, descendants, escape, is, new_id,
    only_child, parse_strict, text,
};

/// Our `EntityDescriptor`, signed with our key (falls back to unsigned if signing fails).
pub fn sp_metadata_xml(sp: &ServiceProvider) -> String {
    let id = new_id();
    let cert = sp.key.cert_b64();
    let xml = format!(
        concat!(
            r#"<md:EntityDescriptor xmlns:md="{md}" xmlns:ds="{ds}" xmlns:eidas="{eidas}" "#,
            r#"ID="{id}" entityID="{entity}">{signature}"#,
            r#"<md:Extensions><eidas:SPType>{sp_type}</eidas:SPType></md:Extensions>"#,
            r#"<md:SPSSODescriptor AuthnRequestsSigned="true" WantAssertionsSigned="true" "#,
            r#"protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">"#,
            r#"<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data>"#,
            r#"<ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>"#,
            r#"</md:KeyDescriptor>"#,
            r#"<md:KeyDescriptor use="encryption"><ds:KeyInfo><ds:X509Data>"#,
            r#"<ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>"#,
            r#"<md:EncryptionMethod Algorithm="{aes256}"/><md:EncryptionMethod Algorithm="{aes128}"/>"#,
            r#"<md:EncryptionMethod Algorithm="{oaep11}"/><md:EncryptionMethod Algorithm="{oaep}"/>"#,
            r#"</md:KeyDescriptor>"#,
            r#"<md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>"#,
            r#"<md:AssertionConsumerService Binding="{binding}" Location="{acs}" index="0" isDefault="true"/>"#,
            r#"</md:SPSSODescriptor></md:EntityDescriptor>"#
        ),
        md = NS_MD,
        ds = NS_DS,
        eidas = NS_EIDAS,
        id = id,
        entity = escape(&sp.entity_id),
        signature = sp.key.template(&id),
        sp_type = sp.sp_type.as_str(),
        cert = cert,
        aes256 = encryption::AES256_GCM,
        aes128 = encryption::AES128_GCM,
        oaep11 = encryption::RSA_OAEP,
        oaep = encryption::RSA_OAEP_MGF1P,
        binding = BINDING_POST,
        acs = escape(&sp.acs_url),
    );
    match sp.key.sign(&xml) {
        Ok(signed) => signed,
        Err(e) => {
            tracing::warn!(error = %e, "SP metadata left unsigned");
            xml
        }
    }
}

/// How long node metadata may be used before it is read again (SAML metadata §2.3.1):
/// `cacheDuration` (an `xs:duration` of days, hours, minutes, seconds), capped by
/// `validUntil`; six hours when the metadata says neither.
pub fn refresh_after(xml: &str, now: time::OffsetDateTime) -> Result<time::Duration, EidasConfigError> {
    let bad = |r: &str| EidasConfigError::Metadata(r.to_string());
    let doc = parse_strict(xml).ok_or_else(|| bad("not well-formed XML"))?;
    let root = doc.get_root_element().ok_or_else(|| bad("empty"))?;
    let mut after = match root.get_attribute("cacheDuration") {
        Some(d) => parse_duration(&d).ok_or_else(|| bad("cacheDuration is not a duration"))?,
        None => time::Duration::hours(6),
    };
    if let Some(until) = root.get_attribute("validUntil") {
        let until =
            crate::kernel::saml::xml::parse_instant(&until).ok_or_else(|| bad("validUntil is not a time"))?;
        if until <= now {
            return Err(bad("the metadata has expired (validUntil)"));
        }
        after = after.min(until - now);
    }
    Ok(after.max(time::Duration::minutes(1)))
}

/// `PnDTnHnMnS` (no years or months: their length varies).
fn parse_duration(s: &str) -> Option<time::Duration> {
    let rest = s.trim().strip_prefix('P')?;
    let (days, time_part) = match rest.split_once('T') {
        Some((d, t)) => (d, t),
        None => (rest, ""),
    };
    let mut total = 0f64;
    let mut take = |part: &str, units: &[(char, f64)]| -> Option<()> {
        let mut number = String::new();
        for c in part.chars() {
            if c.is_ascii_digit() || c == '.' {
                number.push(c);
            } else {
                let (_, secs) = units.iter().find(|(u, _)| *u == c)?;
                total += number.parse::<f64>().ok()? * secs;
                number.clear();
            }
        }
        number.is_empty().then_some(())
    };
    take(days, &[('D', 86_400.0)])?;
    take(time_part, &[('H', 3_600.0), ('M', 60.0), ('S', 1.0)])?;
    Some(time::Duration::seconds_f64(total))
}

/// Reads the node's `IDPSSODescriptor` from its metadata, after verifying the metadata's
/// signature with `metadata_signing_cert_der` (eIDAS metadata MUST be signed).
pub fn node_from_metadata_xml(
    xml: &str,
    metadata_signing_cert_der: &[u8],
) -> Result<NodeTrust, EidasConfigError> {
    let bad = |r: &str| EidasConfigError::Metadata(r.to_string());
    let unsigned = {
        let doc = parse_strict(xml).ok_or_else(|| bad("not well-formed XML"))?;
        let root = doc.get_root_element().ok_or_else(|| bad("empty"))?;
        only_child(&root, NS_DS, "Signature").is_none()
    };
    if unsigned {
        return Err(bad("the metadata is not signed (eIDAS node metadata must be)"));
    }
    let signed = verify_and_reduce(xml, metadata_signing_cert_der)
        .map_err(|_| bad("its signature does not verify with node_metadata_signing_certificate_path"))?;
    let doc = parse_strict(&signed).ok_or_else(|| bad("not well-formed XML"))?;
    let root = doc.get_root_element().ok_or_else(|| bad("empty"))?;
    if !is(&root, NS_MD, "EntityDescriptor") {
        return Err(bad("not a signed EntityDescriptor"));
    }
    let entity_id = root.get_attribute("entityID").ok_or_else(|| bad("no entityID"))?;
    let idp = only_child(&root, NS_MD, "IDPSSODescriptor").ok_or_else(|| bad("no IDPSSODescriptor"))?;
    let sso_url = children(&idp, NS_MD, "SingleSignOnService")
        .into_iter()
        .find(|s| s.get_attribute("Binding").as_deref() == Some(BINDING_POST))
        .and_then(|s| s.get_attribute("Location"))
        .ok_or_else(|| bad("no HTTP-POST SingleSignOnService"))?;
    // Every signing certificate: during a key rollover the node publishes two.
    let certificates_der = children(&idp, NS_MD, "KeyDescriptor")
        .into_iter()
        .filter(|k| k.get_attribute("use").as_deref() != Some("encryption"))
        .flat_map(|k| descendants(&k, NS_DS, "X509Certificate"))
        .map(|c| {
            let b64 = text(&c).split_whitespace().collect::<String>();
            STANDARD.decode(b64).map_err(|_| bad("a certificate is not base64"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if certificates_der.is_empty() {
        return Err(bad("no signing certificate"));
    }
    Ok(NodeTrust { entity_id, sso_url, certificates_der })
}

/// Fetches and verifies the node metadata named in the configuration; with how long it may
/// be used (`refresh_after`).
pub async fn fetch_node_metadata(
    cfg: &EidasSpConfig,
    client: &crate::kernel::outbound::Outbound,
) -> Result<(NodeTrust, time::Duration), EidasConfigError> {
    let (Some(url), Some(pem)) = (&cfg.node_metadata_url, &cfg.node_metadata_signing_certificate_pem) else {
        return Err(EidasConfigError::NodeNotConfigured);
    };
    let trust = cert_der_from_pem(pem, "node metadata signing certificate")?;
    let fetched = client
        .get_limited(url, MAX_MESSAGE_BYTES)
        .await
        .map_err(|e| EidasConfigError::Metadata(e.to_string()))?;
    if !fetched.status.is_success() {
        return Err(EidasConfigError::Metadata(format!("HTTP {}", fetched.status.as_u16())));
    }
    let body = String::from_utf8(fetched.body).map_err(|_| EidasConfigError::Metadata("not UTF-8".into()))?;
    let node = node_from_metadata_xml(&body, &trust)?;
    Ok((node, refresh_after(&body, time::OffsetDateTime::now_utc())?))
}
