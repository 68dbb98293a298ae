//! One-time codes sent by e-mail and printed on token cards: 6 random digits, stored
//! only as an HMAC under a key derived from the server secret (a database leak does not
//! reveal them, and 10^6 codes are not brute-forced offline without the key).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use rand::Rng as _;
use rand::seq::IndexedRandom as _;
use sha2::Sha256;

/// Codes on one token card.
pub const TOKEN_CARD_SIZE: usize = 24;

/// 6 random digits.
pub fn new_code() -> String {
    format!("{:06}", rand::rng().random_range(0..1_000_000u32))
}

/// The stored form of a code, bound to what it is for (`scope`: an account or a card).
pub fn code_hmac(key: &[u8; 32], scope: &str, code: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("any key length works for HMAC");
    mac.update(b"poort/password-code/v1:");
    mac.update(scope.as_bytes());
    mac.update(b":");
    mac.update(code.trim().as_bytes());
    URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// The 24 codes of a new token card.
pub fn new_token_card() -> Vec<String> {
    (0..TOKEN_CARD_SIZE).map(|_| new_code()).collect()
}

/// The demo token card: code N is N written three times (7 → `070707`, 24 → `242424`).
pub fn demo_token_card() -> Vec<String> {
    (1..=TOKEN_CARD_SIZE).map(|n| format!("{n:02}{n:02}{n:02}")).collect()
}

/// A card serial such as `4821-0937`.
pub fn new_serial() -> String {
    let mut rng = rand::rng();
    format!("{:04}-{:04}", rng.random_range(0..10_000u32), rng.random_range(0..10_000u32))
}

/// A random unused position to ask for.
pub fn pick_position(unused: &[i64]) -> Option<i64> {
    unused.choose(&mut rand::rng()).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_six_digits() {
        for _ in 0..100 {
            let code = new_code();
            assert_eq!(code.len(), 6);
            assert!(code.chars().all(|c| c.is_ascii_digit()));
        }
        assert_eq!(new_token_card().len(), 24);
    }

    #[test]
    fn a_code_hmac_depends_on_the_key_the_scope_and_the_code() {
        let a = code_hmac(&[1; 32], "acct", "123456");
        assert_eq!(a, code_hmac(&[1; 32], "acct", " 123456 "));
        assert_ne!(a, code_hmac(&[2; 32], "acct", "123456"));
        assert_ne!(a, code_hmac(&[1; 32], "other", "123456"));
        assert_ne!(a, code_hmac(&[1; 32], "acct", "123457"));
    }

    #[test]
    fn the_demo_card_is_the_documented_one() {
        let card = demo_token_card();
        assert_eq!(card[0], "010101");
        assert_eq!(card[6], "070707");
        assert_eq!(card[23], "242424");
    }

    #[test]
    fn a_position_is_picked_among_the_unused_ones() {
        assert_eq!(pick_position(&[]), None);
        assert_eq!(pick_position(&[5]), Some(5));
    }
}
