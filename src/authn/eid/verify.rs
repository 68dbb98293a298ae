//! The eID card certificate check.
//!
//! Path building, validity period, signatures, extended key usage and CRL revocation are
//! done by rustls-webpki (RFC 5280 §6 path validation, §5 CRLs) through
//! `WebPkiClientVerifier`; the subject (Belgian eID authentication certificate profile:
//! `C=BE, CN=<Given> <Surname> (Authentication), SN, GN, serialNumber=<national number>`)
//! and key usage are read with x509-parser.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::aws_lc_rs;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, CertificateRevocationListDer, UnixTime};
use rustls::server::WebPkiClientVerifier;
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{CertificateError, DigitallySignedStruct, DistinguishedName, RootCertStore};
use time::OffsetDateTime;
use x509_parser::oid_registry::Oid;
use x509_parser::oid_registry::{OID_X509_GIVEN_NAME, OID_X509_SERIALNUMBER, OID_X509_SURNAME};
use x509_parser::prelude::{FromDer, X509Certificate, X509Name};
use x509_parser::public_key::PublicKey;

use crate::domain::NationalNumber;

/// Key algorithm of a card certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardKeyType {
    Rsa { bits: usize },
    EcP256,
    EcP384,
    Other,
}

/// A card that passed every check.
#[derive(Clone, PartialEq, Eq)]
pub struct EidCertificate {
    /// From the subject serialNumber (a valid INSZ: register or BIS number).
    pub national_number: NationalNumber,
    pub given_names: String,
    pub surname: String,
    pub key_type: CardKeyType,
    /// Certificate serial, lowercase hex without separators.
    pub serial_hex: String,
    /// Subject and issuer distinguished names (RFC 4514 strings) for the `certificateInfo`
    /// claims. The subject holds the national number: never logged.
    pub subject: String,
    pub issuer: String,
    /// SHA-256 of the certificate DER, lowercase hex.
    pub fingerprint_sha256: String,
    pub not_after: OffsetDateTime,
}

impl std::fmt::Debug for EidCertificate {
    // Never prints the full national number (docs/LOGGING.md).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EidCertificate")
            .field("national_number", &self.national_number.masked())
            .field("key_type", &self.key_type)
            .field("serial_hex", &self.serial_hex)
            .field("not_after", &self.not_after)
            .finish_non_exhaustive()
    }
}

/// Why a card was refused. `Display` is the message shown to the citizen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EidRefusal {
    #[error("No eID card was presented. Insert your card in the reader and try again.")]
    NoCertificate,
    #[error("Your eID card has expired. Please renew it at your municipality.")]
    Expired,
    #[error("Your eID card is not valid yet. Please try again later.")]
    NotYetValid,
    #[error("The certificates on this eID card have been revoked.")]
    Revoked,
    #[error("This card was not issued by a recognised Belgian eID authority.")]
    UnknownIssuer,
    #[error("This is not the authentication certificate of an eID card.")]
    NotAnAuthenticationCertificate,
    #[error("The card's certificate does not carry a valid national register number and name.")]
    MalformedSubject,
    #[error("The card's certificate could not be read.")]
    MalformedCertificate,
    #[error("The revocation status of this eID card could not be checked. Try again later.")]
    RevocationStatusUnknown,
    #[error("The card's certificate could not be verified.")]
    Invalid,
}

impl EidRefusal {
    /// Stable machine-readable code (logs, metrics, tests, translated messages).
    pub fn code(&self) -> &'static str {
        match self {
            Self::NoCertificate => "eid.no_certificate",
            Self::Expired => "eid.expired",
            Self::NotYetValid => "eid.not_yet_valid",
            Self::Revoked => "eid.revoked",
            Self::UnknownIssuer => "eid.unknown_issuer",
            Self::NotAnAuthenticationCertificate => "eid.not_authentication_certificate",
            Self::MalformedSubject => "eid.malformed_subject",
            Self::MalformedCertificate => "eid.malformed_certificate",
            Self::RevocationStatusUnknown => "eid.revocation_status_unknown",
            Self::Invalid => "eid.invalid",
        }
    }

    fn from_webpki(err: &rustls::Error) -> Self {
        use CertificateError as C;
        match err {
            rustls::Error::InvalidCertificate(cert) => match cert {
                C::Expired | C::ExpiredContext { .. } => Self::Expired,
                C::NotValidYet | C::NotValidYetContext { .. } => Self::NotYetValid,
                C::Revoked => Self::Revoked,
                // A CA signature that does not verify under our anchors (typically a forged
                // CA reusing the real CA names) means the card is not from a known issuer.
                // The TLS handshake signature (card key possession) is checked separately.
                C::UnknownIssuer | C::BadSignature => Self::UnknownIssuer,
                C::BadEncoding => Self::MalformedCertificate,
                C::InvalidPurpose | C::InvalidPurposeContext { .. } => Self::NotAnAuthenticationCertificate,
                C::UnknownRevocationStatus
                | C::ExpiredRevocationList
                | C::ExpiredRevocationListContext { .. } => Self::RevocationStatusUnknown,
                _ => Self::Invalid,
            },
            _ => Self::Invalid,
        }
    }
}

/// Configuration problems (unreadable or invalid trust material).
#[derive(Debug, thiserror::Error)]
pub enum EidTrustError {
    #[error("reading {path}: {reason}")]
    File { path: PathBuf, reason: String },
    #[error("no eID trust anchor configured")]
    NoTrustAnchor,
    #[error("trust anchor rejected: {0}")]
    Anchor(rustls::Error),
    #[error("building the certificate verifier: {0}")]
    Verifier(#[from] rustls::server::VerifierBuilderError),
}

/// Reads every certificate in a PEM file.
pub fn certs_from_pem(path: &Path) -> Result<Vec<CertificateDer<'static>>, EidTrustError> {
    let fail = |reason: String| EidTrustError::File { path: path.into(), reason };
    CertificateDer::pem_file_iter(path)
        .map_err(|e| fail(e.to_string()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| fail(e.to_string()))
}

fn crls_from_pem(path: &Path) -> Result<Vec<CertificateRevocationListDer<'static>>, EidTrustError> {
    let fail = |reason: String| EidTrustError::File { path: path.into(), reason };
    CertificateRevocationListDer::pem_file_iter(path)
        .map_err(|e| fail(e.to_string()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| fail(e.to_string()))
}

/// Checks card certificate chains against fixed trust anchors, intermediates and CRLs.
#[derive(Debug, Clone)]
pub struct EidVerifier {
    webpki: Arc<dyn ClientCertVerifier>,
    intermediates: Vec<CertificateDer<'static>>,
}

impl EidVerifier {
    /// With CRLs, a card whose issuing CA has no CRL here is refused
    /// (`RevocationStatusUnknown`); only the card's own revocation is checked (the root's
    /// ARL is not required). CRL `nextUpdate` is not enforced.
    pub fn new(
        trust_anchors: &[CertificateDer<'static>],
        intermediates: Vec<CertificateDer<'static>>,
        crls: Vec<CertificateRevocationListDer<'static>>,
    ) -> Result<Self, EidTrustError> {
        if trust_anchors.is_empty() {
            return Err(EidTrustError::NoTrustAnchor);
        }
        let mut roots = RootCertStore::empty();
        for anchor in trust_anchors {
            roots.add(anchor.clone()).map_err(EidTrustError::Anchor)?;
        }
        // Explicit provider: no dependence on the process-wide default (with ring and aws-lc-rs both linked, rustls cannot choose).
        let provider = Arc::new(aws_lc_rs::default_provider());
        let webpki = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
            .with_crls(crls)
            .only_check_end_entity_revocation()
            .allow_unauthenticated()
            .build()?;
        Ok(Self { webpki, intermediates })
    }

    /// Loads PEM files: trust anchors (roots), intermediate CAs and CRLs.
    pub fn from_pem_files(
        trust_anchors: &[PathBuf],
        intermediates: &[PathBuf],
        crls: &[PathBuf],
    ) -> Result<Self, EidTrustError> {
        let mut anchors = Vec::new();
        for p in trust_anchors {
            anchors.extend(certs_from_pem(p)?);
        }
        let mut inter = Vec::new();
        for p in intermediates {
            inter.extend(certs_from_pem(p)?);
        }
        let mut lists = Vec::new();
        for p in crls {
            lists.extend(crls_from_pem(p)?);
        }
        Self::new(&anchors, inter, lists)
    }

    /// `chain[0]` is the card certificate; the rest are CA certificates the client sent.
    pub fn verify_card(
        &self,
        chain: &[CertificateDer<'_>],
        now: OffsetDateTime,
    ) -> Result<EidCertificate, EidRefusal> {
        let (card, sent) = chain.split_first().ok_or(EidRefusal::NoCertificate)?;
        let (_, x509) = X509Certificate::from_der(card).map_err(|_| EidRefusal::MalformedCertificate)?;
        let mut intermediates: Vec<CertificateDer<'_>> = sent.to_vec();
        intermediates.extend(self.intermediates.iter().cloned());
        let secs = u64::try_from(now.unix_timestamp()).unwrap_or(0);
        let at = UnixTime::since_unix_epoch(std::time::Duration::from_secs(secs));
        self.webpki.verify_client_cert(card, &intermediates, at).map_err(|e| {
            tracing::debug!(error = %e, "eID chain rejected by webpki");
            EidRefusal::from_webpki(&e)
        })?;

        // Authentication certificate: keyUsage digitalSignature (the signature certificate
        // has nonRepudiation only). EKU, when present, was checked for clientAuth above.
        let ku = x509.key_usage().map_err(|_| EidRefusal::MalformedCertificate)?;
        if !ku.is_some_and(|ku| ku.value.digital_signature()) {
            return Err(EidRefusal::NotAnAuthenticationCertificate);
        }
        let subject = x509.subject();
        let single = |oid: &Oid<'_>| single_attribute(subject, oid);
        let national_number = NationalNumber::parse(&single(&OID_X509_SERIALNUMBER)?)
            .map_err(|_| EidRefusal::MalformedSubject)?;
        let key_type = match x509.public_key().parsed() {
            Ok(PublicKey::RSA(rsa)) => CardKeyType::Rsa { bits: rsa.key_size() },
            Ok(PublicKey::EC(point)) if point.key_size() == 384 => CardKeyType::EcP384,
            Ok(PublicKey::EC(point)) if point.key_size() == 256 => CardKeyType::EcP256,
            _ => CardKeyType::Other,
        };
        Ok(EidCertificate {
            national_number,
            given_names: single(&OID_X509_GIVEN_NAME)?,
            surname: single(&OID_X509_SURNAME)?,
            key_type,
            serial_hex: x509.tbs_certificate.raw_serial().iter().map(|b| format!("{b:02x}")).collect(),
            subject: x509.subject().to_string(),
            issuer: x509.issuer().to_string(),
            fingerprint_sha256: {
                use sha2::Digest;
                sha2::Sha256::digest(card).iter().map(|b| format!("{b:02x}")).collect()
            },
            not_after: x509.validity().not_after.to_datetime(),
        })
    }

    /// The TLS-level verifier: *requests* a client certificate (hinting our roots) but never
    /// fails the handshake over the chain, so a missing or bad card still gets an HTTP page;
    /// the chain is judged after the handshake by [`EidVerifier::verify_card`]. The
    /// handshake signature (proof of possession of the card key) IS still verified.
    pub fn handshake_verifier(&self) -> Arc<dyn ClientCertVerifier> {
        Arc::new(RequestClientCert { inner: self.webpki.clone() })
    }
}

/// Exactly one non-empty value of attribute `oid` in `name`.
fn single_attribute(name: &X509Name<'_>, oid: &Oid<'_>) -> Result<String, EidRefusal> {
    let mut values = name.iter_by_oid(oid);
    let value = values.next().ok_or(EidRefusal::MalformedSubject)?;
    let text = value.as_str().map_err(|_| EidRefusal::MalformedSubject)?.trim();
    if values.next().is_some() || text.is_empty() {
        return Err(EidRefusal::MalformedSubject);
    }
    Ok(text.to_owned())
}

#[derive(Debug)]
struct RequestClientCert {
    inner: Arc<dyn ClientCertVerifier>,
}

impl ClientCertVerifier for RequestClientCert {
    fn offer_client_auth(&self) -> bool {
        true
    }

    fn client_auth_mandatory(&self) -> bool {
        false
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        self.inner.root_hint_subjects()
    }

    fn verify_client_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        // Deliberately deferred to EidVerifier::verify_card after the handshake.
        Ok(ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}
