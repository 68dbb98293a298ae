//! Demo certificates: a demo CA created once per directory, server certificates issued by
//! it for one host, and self-signed RSA keys (SAML signing in demo mode). rcgen on aws-lc-rs.

use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose,
    SanType,
};

use super::files::{read_text, write_private, write_public};

const CA_CERT_FILE: &str = "mock-ca.pem";
const CA_KEY_FILE: &str = "mock-ca-key.pem";

/// A TLS certificate for a demo service, issued by a demo CA.
pub struct DemoTls {
    /// The demo CA (PEM): trusted by Poort's client of that service, importable in a browser.
    pub ca_pem: String,
    pub ca_path: PathBuf,
    pub cert_pem: String,
    pub key_pem: String,
}

impl std::fmt::Debug for DemoTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DemoTls").field("ca_path", &self.ca_path).finish_non_exhaustive()
    }
}

/// The demo CA (created once under `dir`) and a fresh server certificate for `hosts`;
/// `service` names the service in both ("mock itsme", "mock eIDAS node").
pub fn demo_tls(dir: &Path, hosts: &[&str], service: &str) -> anyhow::Result<DemoTls> {
    let ca_path = dir.join(CA_CERT_FILE);
    let ca_key_path = dir.join(CA_KEY_FILE);
    if !(ca_path.exists() && ca_key_path.exists()) {
        let key = KeyPair::generate()?;
        let mut params = CertificateParams::new(Vec::<String>::new())?;
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, format!("Poort DEMO CA for the {service} (not trusted anywhere)"));
        params.distinguished_name = dn;
        params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        params.not_after = time::OffsetDateTime::now_utc() + time::Duration::days(3650);
        let cert = params.self_signed(&key)?;
        write_private(&ca_key_path, key.serialize_pem())?;
        write_public(&ca_path, cert.pem())?;
        tracing::info!(path = %ca_path.display(), "DEMO: generated the CA of the {service}'s TLS certificate");
    }
    let ca_pem = read_text(&ca_path)?;
    let ca_key = KeyPair::from_pem(&read_text(&ca_key_path)?)?;
    let issuer = Issuer::from_ca_cert_pem(&ca_pem, ca_key)?;
    let key = KeyPair::generate()?;
    let mut params = CertificateParams::new(Vec::<String>::new())?;
    for host in hosts {
        params.subject_alt_names.push(match host.parse::<std::net::IpAddr>() {
            Ok(ip) => SanType::IpAddress(ip),
            Err(_) => SanType::DnsName((*host).try_into()?),
        });
    }
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, format!("DEMO {service}"));
    params.distinguished_name = dn;
    params.not_after = time::OffsetDateTime::now_utc() + time::Duration::days(365);
    let cert = params.signed_by(&key, &issuer)?;
    Ok(DemoTls { ca_pem, ca_path, cert_pem: cert.pem(), key_pem: key.serialize_pem() })
}

/// A fresh RSA-2048 key and a self-signed certificate for it: (key PEM, certificate PEM).
pub fn self_signed_rsa(common_name: &str) -> Result<(String, String), rcgen::Error> {
    self_signed(&rcgen::PKCS_RSA_SHA256, common_name)
}

/// A fresh ECDSA P-256 key and a self-signed certificate for it: (key PEM, certificate PEM).
pub fn self_signed_ec(common_name: &str) -> Result<(String, String), rcgen::Error> {
    self_signed(&rcgen::PKCS_ECDSA_P256_SHA256, common_name)
}

fn self_signed(
    alg: &'static rcgen::SignatureAlgorithm,
    common_name: &str,
) -> Result<(String, String), rcgen::Error> {
    let key = KeyPair::generate_for(alg)?;
    let mut params = CertificateParams::new(Vec::<String>::new())?;
    params.distinguished_name.push(DnType::CommonName, common_name);
    let cert = params.self_signed(&key)?;
    Ok((key.serialize_pem(), cert.pem()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_ca_is_made_once_and_signs_each_server_certificate() {
        let dir = tempfile::tempdir().expect("dir");
        let a = demo_tls(dir.path(), &["127.0.0.1", "localhost"], "mock test").expect("tls");
        let b = demo_tls(dir.path(), &["127.0.0.1"], "mock test").expect("tls");
        assert_eq!(a.ca_pem, b.ca_pem, "the CA is kept across starts");
        assert_ne!(a.cert_pem, b.cert_pem, "each start gets its own server certificate");
        assert!(a.cert_pem.starts_with("-----BEGIN CERTIFICATE-----"));
    }
}
