//! Authenticator apps: TOTP (RFC 6238) with SHA-1, 6 digits, 30-second steps and one step
//! of clock skew either way. `check` returns the matched time step; the caller stores it
//! and refuses a step not later than the last one used (RFC 6238 §5.2: a code is
//! accepted only once).
//!
//! Secrets are sealed at rest ([`SecretCipher`], on `kernel::seal`): AES-256-GCM under a key
//! derived from the configured secret ("password-totp"), the account id as additional data,
//! stored as `v1:` + base64(nonce ‖ ciphertext ‖ tag).

use base64::Engine as _;
use totp_rs::{Builder, Secret, Totp};

use crate::kernel::seal::Sealer;

#[derive(Debug, thiserror::Error)]
pub enum TotpSetupError {
    #[error("the stored TOTP secret is not base32")]
    Secret,
    #[error("the TOTP secret has {bits} bits; RFC 4226 §4 (R6) requires at least 128")]
    TooShort { bits: usize },
    #[error("cannot build the enrolment URL: {0}")]
    Url(String),
    #[error("cannot draw the QR code: {0}")]
    Qr(String),
    #[error("the stored TOTP secret cannot be decrypted (was security.secret_key changed?)")]
    Decrypt,
    #[error("cannot seal the TOTP secret")]
    Seal,
}

/// The prefix of a sealed secret; a value without it is a clear base32 secret written
/// before secrets were sealed (sealed at start by `PasswordService::seal_clear_totp_secrets`).
const SEALED_V1: &str = "v1:";

/// Seals and opens TOTP secrets for the `password_totp` table (the kernel's sealer, the
/// account id as additional data).
#[derive(Clone, Debug)]
pub struct SecretCipher(Sealer);

impl SecretCipher {
    pub fn new(key: [u8; 32]) -> Self {
        Self(Sealer::new(key))
    }

    /// `v1:` + base64(nonce ‖ ciphertext ‖ tag), bound to `account_id`.
    pub fn seal(&self, account_id: &str, secret_base32: &str) -> Result<String, TotpSetupError> {
        let sealed = self.0.seal(account_id, secret_base32.as_bytes()).map_err(|_| TotpSetupError::Seal)?;
        Ok(format!("{SEALED_V1}{sealed}"))
    }

    /// The base32 secret of a stored value: opened when sealed, taken as is when it is a
    /// clear secret from before sealing.
    pub fn open(&self, account_id: &str, stored: &str) -> Result<String, TotpSetupError> {
        let Some(sealed) = stored.strip_prefix(SEALED_V1) else {
            return Ok(stored.to_string());
        };
        let plain = self.0.open(account_id, sealed).map_err(|_| TotpSetupError::Decrypt)?;
        String::from_utf8(plain).map_err(|_| TotpSetupError::Decrypt)
    }

    /// Whether a stored value is sealed (and not a clear secret from before sealing).
    pub fn is_sealed(stored: &str) -> bool {
        stored.starts_with(SEALED_V1)
    }
}

/// A fresh 160-bit secret (the RFC's recommended length), base32.
pub fn new_secret() -> String {
    Secret::generate().to_base32()
}

/// RFC 4226 §4 (R6): a shared secret has at least 128 bits (160 recommended). Current
/// authenticator libraries (pyotp 2.12, totp-rs) refuse shorter ones.
pub const MIN_SECRET_BITS: usize = 128;

/// The length in bits of a base32 secret (`None` when it is not base32).
pub fn secret_bits(secret_base32: &str) -> Option<usize> {
    Secret::try_from_base32(secret_base32).ok().map(|s| s.as_ref().len() * 8)
}

fn totp(secret_base32: &str, account_name: &str, issuer: &str) -> Result<Totp, TotpSetupError> {
    let secret = Secret::try_from_base32(secret_base32).map_err(|_| TotpSetupError::Secret)?;
    Builder::new()
        .with_secret(secret)
        .with_skew(1)
        .with_step_duration(30)
        .with_digits(6)
        .with_account_name(account_name.replace(':', ""))
        .with_issuer(Some(issuer.replace(':', "")))
        .build()
        .map_err(|e| match e {
            totp_rs::TotpError::SecretTooShort { bits } => TotpSetupError::TooShort { bits },
            other => TotpSetupError::Url(other.to_string()),
        })
}

/// The time step (unix time / 30) a code matches, within ±1 step of `now`.
pub fn check(secret_base32: &str, code: &str, now: i64) -> Option<i64> {
    let totp = totp(secret_base32, "", "Poort").ok()?;
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let now = u64::try_from(now).ok()?;
    totp.check(&code, now).and_then(|step| i64::try_from(step).ok())
}

/// The code an app shows at `now` (used by tests and the demo).
pub fn code_at(secret_base32: &str, now: i64) -> Option<String> {
    let totp = totp(secret_base32, "", "Poort").ok()?;
    Some(totp.generate(u64::try_from(now).ok()?).to_string())
}

/// The `otpauth://totp/…` URL an app scans.
pub fn otpauth_url(secret_base32: &str, username: &str, issuer: &str) -> Result<String, TotpSetupError> {
    totp(secret_base32, username, issuer)?.to_url().map_err(|e| TotpSetupError::Url(e.to_string()))
}

/// The URL as a QR code, an SVG in a `data:` URI (the CSP allows `img-src data:`).
pub fn qr_svg_data_uri(url: &str) -> Result<String, TotpSetupError> {
    let code = qrcode::QrCode::new(url.as_bytes()).map_err(|e| TotpSetupError::Qr(e.to_string()))?;
    let svg =
        code.render::<qrcode::render::svg::Color<'_>>().min_dimensions(220, 220).quiet_zone(true).build();
    Ok(format!("data:image/svg+xml;base64,{}", base64::engine::general_purpose::STANDARD.encode(svg)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The demo secret of `config/poort.toml`: 160 bits.
    const DEMO: &str = "KBXW64TUFVSGK3LPFVKE6VCQFUZDAMRW";

    #[test]
    fn a_secret_under_128_bits_is_refused_and_the_demo_secret_has_160() {
        assert_eq!(secret_bits(DEMO), Some(160));
        // The old 80-bit demo secret: refused, as pyotp 2.12 refuses it.
        assert!(matches!(totp("JBSWY3DPEHPK3PXP", "", "Poort"), Err(TotpSetupError::TooShort { bits: 80 })));
        assert_eq!(check("JBSWY3DPEHPK3PXP", "123456", 1_800_000_000), None);
        assert_eq!(secret_bits(&new_secret()), Some(160));
        assert_eq!(secret_bits("not base32!"), None);
    }

    #[test]
    fn a_code_matches_its_own_step_and_one_step_either_side() {
        let now = 1_800_000_000;
        let code = code_at(DEMO, now).expect("code");
        assert_eq!(check(DEMO, &code, now), Some(now / 30));
        assert_eq!(check(DEMO, &code, now + 30), Some(now / 30));
        assert_eq!(check(DEMO, &code, now - 30), Some(now / 30));
        assert_eq!(check(DEMO, &code, now + 90), None);
    }

    #[test]
    fn a_wrong_or_malformed_code_does_not_match() {
        let now = 1_800_000_000;
        let code = code_at(DEMO, now).expect("code");
        let wrong = format!("{:06}", (code.parse::<u32>().expect("digits") + 1) % 1_000_000);
        assert_eq!(check(DEMO, &wrong, now), None);
        assert_eq!(check(DEMO, "12a456", now), None);
        assert_eq!(check(DEMO, "", now), None);
    }

    #[test]
    fn a_sealed_secret_opens_for_its_own_account_only() {
        let cipher = SecretCipher::new([7; 32]);
        let sealed = cipher.seal("account-1", DEMO).expect("seal");
        assert!(SecretCipher::is_sealed(&sealed));
        assert!(!sealed.contains(DEMO), "{sealed}");
        assert_eq!(cipher.open("account-1", &sealed).expect("open"), DEMO);
        assert!(matches!(cipher.open("account-2", &sealed), Err(TotpSetupError::Decrypt)));
        assert!(matches!(
            SecretCipher::new([8; 32]).open("account-1", &sealed),
            Err(TotpSetupError::Decrypt)
        ));
    }

    #[test]
    fn a_clear_secret_from_before_sealing_is_read_as_is() {
        let cipher = SecretCipher::new([7; 32]);
        assert!(!SecretCipher::is_sealed(DEMO));
        assert_eq!(cipher.open("account-1", DEMO).expect("open"), DEMO);
    }

    #[test]
    fn the_enrolment_url_and_qr_code_carry_the_secret() {
        let secret = new_secret();
        let url = otpauth_url(&secret, "janpeeters", "Poort").expect("url");
        assert!(url.starts_with("otpauth://totp/Poort:janpeeters?"), "{url}");
        assert!(url.contains(&format!("secret={secret}")), "{url}");
        assert!(qr_svg_data_uri(&url).expect("qr").starts_with("data:image/svg+xml;base64,"));
    }
}
