//! Revocation in the DEMO PKI: the citizen CA's CRL (RFC 5280 §5), regenerated from a
//! plain serials list and re-signed on every revocation. Demo mode only.

use rcgen::{CertificateRevocationListParams, RevocationReason, RevokedCertParams, SerialNumber};
use time::{Duration, OffsetDateTime};

use super::cards::{CardError, DemoPki, read, write};

/// The citizen CA's CRL, regenerated and re-signed on every revocation.
pub const CRL_FILE: &str = "crl.pem";
/// One revoked serial a line: `<serial hex> <revocation unix seconds>`.
pub const REVOKED_FILE: &str = "revoked-serials.txt";

/// Adds `serial_hex` to the revoked list and regenerates + re-signs `crl.pem`.
pub fn revoke_card(pki: &DemoPki, serial_hex: &str) -> Result<(), CardError> {
    let serial = serial_hex.trim().to_ascii_lowercase();
    if serial.is_empty() || !serial.len().is_multiple_of(2) || !serial.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return Err(CardError::Request("serial must be hex".into()));
    }
    let list_path = pki.dir.join(REVOKED_FILE);
    let mut list = if list_path.exists() { read(&list_path)? } else { String::new() };
    if !list.lines().any(|l| l.split_whitespace().next() == Some(serial.as_str())) {
        list.push_str(&format!("{serial} {}\n", OffsetDateTime::now_utc().unix_timestamp()));
        write(&list_path, list)?;
    }
    write_crl(pki)
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    (0..s.len()).step_by(2).map(|i| s.get(i..i + 2).and_then(|b| u8::from_str_radix(b, 16).ok())).collect()
}

/// RFC 5280 §5: CRL of the citizen CA; crlNumber = issue time in milliseconds (monotonic).
pub(super) fn write_crl(pki: &DemoPki) -> Result<(), CardError> {
    let list_path = pki.dir.join(REVOKED_FILE);
    let list = if list_path.exists() { read(&list_path)? } else { String::new() };
    let mut revoked_certs = Vec::new();
    for line in list.lines().filter(|l| !l.trim().is_empty()) {
        let mut parts = line.split_whitespace();
        let serial = parts.next().and_then(unhex).ok_or(CardError::Corrupt(list_path.clone()))?;
        let when = parts
            .next()
            .and_then(|t| t.parse::<i64>().ok())
            .and_then(|t| OffsetDateTime::from_unix_timestamp(t).ok())
            .ok_or(CardError::Corrupt(list_path.clone()))?;
        revoked_certs.push(RevokedCertParams {
            serial_number: SerialNumber::from_slice(&serial),
            revocation_time: when,
            reason_code: Some(RevocationReason::Unspecified),
            invalidity_date: None,
        });
    }
    let now = OffsetDateTime::now_utc();
    let crl_number = u64::try_from(now.unix_timestamp_nanos() / 1_000_000).unwrap_or(1);
    let params = CertificateRevocationListParams {
        this_update: now - Duration::minutes(1),
        next_update: now + Duration::days(7),
        crl_number: SerialNumber::from(crl_number),
        issuing_distribution_point: None,
        revoked_certs,
        key_identifier_method: rcgen::KeyIdMethod::Sha256,
    };
    write(&pki.crl_pem, params.signed_by(&pki.citizen)?.pem()?)
}
