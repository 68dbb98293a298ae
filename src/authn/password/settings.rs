//! `[password]` settings: the username and password policy, the hashing pool, throttling
//! and the demo accounts. (Username + password + one-time code.)

use serde::{Deserialize, Serialize};

use crate::kernel::ConfigError;

/// A `password.…` configuration key (built with `concat!` so the translation-key scanner
/// does not take it for a catalogue key).
macro_rules! key {
    ($name:literal) => {
        concat!("password", ".", $name)
    };
}

/// The special characters the CSAM rules allow (docs/DOMAIN.md §7) in a password.
pub const SEED_SPECIAL_CHARS: &str = ";,:=?./*$%><&@#'(!{})_-";

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PasswordSettings {
    /// Offer "username + password + code" on the login page.
    pub is_enabled: bool,
    /// Password alone (Level200) completes a login when the person has no second factor
    /// or the relying party asks for Level200 only. Off by default.
    pub is_password_alone_allowed: bool,
    pub username_min_length: usize,
    pub username_max_length: usize,
    pub password_min_length: usize,
    /// Seed 001 says 15; we default to 128 (OWASP ASVS V2.1.2 allows at least 64).
    pub password_max_length: usize,
    pub password_min_non_letters: usize,
    /// The only non-alphanumeric characters a password may contain.
    pub password_special_chars: String,
    /// Argon2id hashes running at once; 0 = the number of CPUs.
    pub hash_workers: usize,
    /// How long a login may wait for a free hashing worker before 503.
    pub hash_queue_wait_ms: u64,
    /// Argon2id memory in KiB (OWASP: 19 MiB), iterations and parallelism.
    pub argon2_memory_kib: u32,
    pub argon2_iterations: u32,
    pub argon2_parallelism: u32,
    pub throttle: ThrottleSettings,
    /// Lifetime of a code sent by e-mail, in seconds.
    pub email_code_ttl_secs: i64,
    /// The issuer shown in authenticator apps.
    pub totp_issuer: String,
    /// Accounts created at start in demo mode (idempotent). Ignored outside demo mode.
    pub demo_accounts: Vec<DemoAccount>,
}

/// Growing delays after failed attempts, per account and per client address.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ThrottleSettings {
    /// Failures allowed before delays start.
    pub free_failures: i64,
    /// The first delay; each further failure doubles it.
    pub base_delay_secs: i64,
    pub max_delay_secs: i64,
    /// Failures are forgotten after this many seconds without a new one.
    pub window_secs: i64,
    /// After this many failures on an account its owner gets an e-mail.
    pub notify_after_failures: i64,
    /// The per-address budget is larger (many people behind one NAT).
    pub address_free_failures: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoAccount {
    pub national_number: String,
    pub username: String,
    pub password: String,
    #[serde(default)]
    pub email: Option<String>,
    /// Base32 TOTP secret (demo only: a known secret so the README can list it).
    #[serde(default)]
    pub totp_secret: Option<String>,
    /// Give the account the demo token card (code N = N written three times: 07 → 070707).
    #[serde(default)]
    pub has_demo_token_card: bool,
}

impl Default for PasswordSettings {
    fn default() -> Self {
        Self {
            is_enabled: false,
            is_password_alone_allowed: false,
            username_min_length: 8,
            username_max_length: 30,
            password_min_length: 10,
            password_max_length: 128,
            password_min_non_letters: 2,
            password_special_chars: SEED_SPECIAL_CHARS.into(),
            hash_workers: 0,
            hash_queue_wait_ms: 250,
            argon2_memory_kib: 19 * 1024,
            argon2_iterations: 2,
            argon2_parallelism: 1,
            throttle: ThrottleSettings::default(),
            email_code_ttl_secs: 600,
            totp_issuer: "Poort".into(),
            demo_accounts: Vec::new(),
        }
    }
}

impl Default for ThrottleSettings {
    fn default() -> Self {
        Self {
            free_failures: 3,
            base_delay_secs: 2,
            max_delay_secs: 900,
            window_secs: 3600,
            notify_after_failures: 5,
            address_free_failures: 20,
        }
    }
}

impl PasswordSettings {
    /// The number of hashing workers actually used.
    pub fn workers(&self) -> usize {
        if self.hash_workers == 0 {
            std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2)
        } else {
            self.hash_workers
        }
    }

    /// Checks beyond types; each error names the key.
    pub fn validate(&self, is_demo: bool) -> Result<(), ConfigError> {
        let invalid =
            |key: &'static str, problem: &str| ConfigError::Invalid { key, problem: problem.into() };
        if self.username_min_length < 1 || self.username_min_length > self.username_max_length {
            return Err(invalid(
                key!("username_min_length"),
                "must be at least 1 and at most password.username_max_length",
            ));
        }
        if self.password_min_length < 8 {
            return Err(invalid(key!("password_min_length"), "must be at least 8 (OWASP ASVS V2.1.1)"));
        }
        if self.password_max_length < 64.max(self.password_min_length) {
            return Err(invalid(
                key!("password_max_length"),
                "must be at least 64 (OWASP ASVS V2.1.2) and at least password.password_min_length",
            ));
        }
        if self.password_max_length > 1024 {
            return Err(invalid(key!("password_max_length"), "must be at most 1024"));
        }
        if let Some(c) =
            self.password_special_chars.chars().find(|c| c.is_alphanumeric() || c.is_whitespace())
        {
            return Err(invalid(
                key!("password_special_chars"),
                &format!("must list only punctuation, found {c:?}"),
            ));
        }
        if self.argon2_memory_kib < 8 * 1024 || self.argon2_iterations < 1 || self.argon2_parallelism < 1 {
            return Err(invalid(
                key!("argon2_memory_kib"),
                "Argon2id needs at least 8 MiB, 1 iteration and 1 lane (OWASP: 19 MiB, t=2, p=1)",
            ));
        }
        if self.hash_queue_wait_ms > 30_000 {
            return Err(invalid(key!("hash_queue_wait_ms"), "must be at most 30000"));
        }
        if !(60..=3600).contains(&self.email_code_ttl_secs) {
            return Err(invalid(key!("email_code_ttl_secs"), "must be between 60 and 3600"));
        }
        if self.totp_issuer.contains(':') || self.totp_issuer.is_empty() {
            return Err(invalid(key!("totp_issuer"), "must be non-empty and contain no ':'"));
        }
        let t = &self.throttle;
        if t.free_failures < 1 || t.base_delay_secs < 1 || t.max_delay_secs < t.base_delay_secs {
            return Err(invalid(
                key!("throttle"),
                "free_failures and base_delay_secs must be at least 1, max_delay_secs at least base_delay_secs",
            ));
        }
        if t.window_secs < 60 || t.address_free_failures < t.free_failures {
            return Err(invalid(
                key!("throttle"),
                "window_secs must be at least 60 and address_free_failures at least free_failures",
            ));
        }
        if !is_demo && !self.demo_accounts.is_empty() {
            return Err(invalid(key!("demo_accounts"), "only allowed in demo mode"));
        }
        for account in &self.demo_accounts {
            if crate::domain::NationalNumber::parse(&account.national_number).is_err() {
                return Err(invalid(key!("demo_accounts"), "a national_number is not valid"));
            }
            if let Some(secret) = &account.totp_secret {
                match super::totp::secret_bits(secret) {
                    None => return Err(invalid(key!("demo_accounts"), "a totp_secret is not base32")),
                    Some(bits) if bits < super::totp::MIN_SECRET_BITS => {
                        return Err(invalid(
                            key!("demo_accounts"),
                            &format!(
                                "a totp_secret has {bits} bits; at least 128 (RFC 4226 §4), 160 recommended"
                            ),
                        ));
                    }
                    Some(_) => {}
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_valid_and_follow_the_seed_except_the_maximum() {
        let s = PasswordSettings::default();
        assert!(s.validate(false).is_ok());
        assert_eq!((s.username_min_length, s.username_max_length), (8, 30));
        assert_eq!((s.password_min_length, s.password_max_length), (10, 128));
        assert_eq!(s.password_special_chars, SEED_SPECIAL_CHARS);
        assert!(!s.is_enabled && !s.is_password_alone_allowed);
    }

    #[test]
    fn a_maximum_below_64_is_refused_naming_the_key() {
        let s = PasswordSettings { password_max_length: 15, ..PasswordSettings::default() };
        assert!(s.validate(true).unwrap_err().to_string().contains("password_max_length"));
    }

    #[test]
    fn demo_accounts_are_refused_outside_demo_mode() {
        let s = PasswordSettings {
            demo_accounts: vec![DemoAccount {
                national_number: "78.03.14-123.49".into(),
                username: "janpeeters".into(),
                password: "Poort-demo-2026".into(),
                email: None,
                totp_secret: Some("KBXW64TUFVSGK3LPFVKE6VCQFUZDAMRW".into()),
                has_demo_token_card: false,
            }],
            ..PasswordSettings::default()
        };
        assert!(s.validate(true).is_ok());
        assert!(s.validate(false).unwrap_err().to_string().contains("demo_accounts"));
    }

    #[test]
    fn a_demo_totp_secret_under_128_bits_is_refused() {
        let mut s = PasswordSettings {
            demo_accounts: vec![DemoAccount {
                national_number: "78.03.14-123.49".into(),
                username: "janpeeters".into(),
                password: "Poort-demo-2026".into(),
                email: None,
                totp_secret: Some("JBSWY3DPEHPK3PXP".into()),
                has_demo_token_card: false,
            }],
            ..PasswordSettings::default()
        };
        let err = s.validate(true).unwrap_err().to_string();
        assert!(err.contains("80 bits"), "{err}");
        s.demo_accounts[0].totp_secret = Some("not base32!".into());
        assert!(s.validate(true).unwrap_err().to_string().contains("not base32"));
    }
}
