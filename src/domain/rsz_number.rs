//! RSZ registration number (RSZ-stamnummer / numéro d'immatriculation ONSS):
//! identifies an employer at the National Social Security Office; in Poort it
//! identifies the quality "Employer RSZ" (docs/DOMAIN.md §3: `1743295-63`).
//!
//! Layout: a 7-digit base and 2 check digits, written `1743295-63`.
//! - The check digits are `96 - ((base × 100) mod 97)`, with `97` instead of
//!   `0`. Equivalently: the 9-digit number is congruent to 96 modulo 97.
//!   Source: PeopleWare's open-source `PPWCode.Util.Validation` (class `RSZ`),
//!   found with the search tool; the seed's `1743295-63` validates with it
//!   (1743295 × 100 mod 97 = 33, 96 − 33 = 63), which the plain
//!   "97 − (base mod 97)" rule does not (it gives 86).
//! - The base of a definitive number starts with 0 or 1 (social-security
//!   glossary entry "nssoNumber": positions 1–7 sequence number starting with
//!   0 or 1, range 100006–199999934). Provisional numbers (which start with
//!   other digits) are refused.
//!
//! Spaces, dots and dashes are ignored when parsing (`1743295-63`,
//! `174329563`, `1743295 63`).

use std::fmt;

use super::digits::{self, Digits};
use super::string_identifier;

/// RSZ registration number of an employer.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct RszNumber {
    digits: String,
}

/// Why a text is not an RSZ registration number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RszNumberError {
    #[error("the RSZ number may only contain digits, spaces, dots and a dash, not '{found}'")]
    Character { found: char },
    #[error("the RSZ number must have 9 digits (7 + 2 check digits), not {found}")]
    Length { found: usize },
    #[error("a definitive RSZ number starts with 0 or 1, not {found}")]
    FirstDigit { found: char },
    #[error("check digits do not match")]
    CheckDigits,
}

impl RszNumberError {
    /// Stable key for translations and API error codes.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Character { .. } => "rsz_number.character",
            Self::Length { .. } => "rsz_number.length",
            Self::FirstDigit { .. } => "rsz_number.first_digit",
            Self::CheckDigits => "rsz_number.check_digits",
        }
    }
}

impl RszNumber {
    /// Parses `1743295-63`, `174329563` or `1743295 63`.
    pub fn parse(input: &str) -> Result<Self, RszNumberError> {
        let digits = match digits::collect(input, &[' ', '.', '-']) {
            Digits::Ok(d) => d,
            Digits::Forbidden(found) => return Err(RszNumberError::Character { found }),
        };
        if digits.len() != 9 {
            return Err(RszNumberError::Length { found: digits.len() });
        }
        let first = digits.chars().next().unwrap_or('0');
        if !matches!(first, '0' | '1') {
            return Err(RszNumberError::FirstDigit { found: first });
        }
        if check_digits(digits::value(&digits[0..7])) != digits::value(&digits[7..9]) {
            return Err(RszNumberError::CheckDigits);
        }
        Ok(Self { digits })
    }

    /// Builds the valid number with the 7-digit `base` (0–1 999 999),
    /// computing the check digits. For demo data and tests.
    pub fn from_base(base: u32) -> Result<Self, RszNumberError> {
        let check = check_digits(u64::from(base));
        Self::parse(&format!("{base:07}{check:02}"))
    }

    /// The 9 digits: `174329563`.
    pub fn as_str(&self) -> &str {
        &self.digits
    }

    /// The official written form `1743295-63` (same as `Display`).
    pub fn formatted(&self) -> String {
        format!("{}-{}", &self.digits[0..7], &self.digits[7..9])
    }
}

/// `96 - ((base * 100) mod 97)`, where 0 becomes 97.
fn check_digits(base: u64) -> u64 {
    match 96 - (base * 100) % 97 {
        0 => 97,
        check => check,
    }
}

impl fmt::Display for RszNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.formatted())
    }
}

string_identifier!(RszNumber, RszNumberError);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    use RszNumberError as E;

    #[test]
    fn the_rsz_number_from_the_seed_validates() {
        for input in ["1743295-63", "174329563", "1743295 63", " 1743295-63 "] {
            let number = RszNumber::parse(input).unwrap();
            assert_eq!(number.as_str(), "174329563", "{input}");
            assert_eq!(number.to_string(), "1743295-63", "{input}");
        }
    }

    #[test]
    fn a_check_of_zero_is_written_97() {
        let number = RszNumber::parse("0100039-97").unwrap();
        assert_eq!(number.to_string(), "0100039-97");
        assert_eq!(RszNumber::from_base(100_039).unwrap(), number);
        assert_eq!(RszNumber::parse("0100039-00"), Err(E::CheckDigits));
    }

    #[test]
    fn invalid_rsz_numbers_name_the_rule_that_failed() {
        let table: &[(&str, E)] = &[
            ("1743295-64", E::CheckDigits),
            // The plain 97 - (base mod 97) rule would give 86: not this rule.
            ("1743295-86", E::CheckDigits),
            ("1743295-6", E::Length { found: 8 }),
            ("17432956300", E::Length { found: 11 }),
            ("1743295/63", E::Character { found: '/' }),
            ("17432A5-63", E::Character { found: 'A' }),
            ("5123456-00", E::FirstDigit { found: '5' }),
        ];
        for (input, expected) in table {
            assert_eq!(RszNumber::parse(input).as_ref(), Err(expected), "{input}");
        }
        assert_eq!(E::CheckDigits.code(), "rsz_number.check_digits");
    }

    #[test]
    fn serde_uses_the_canonical_digits() {
        let number = RszNumber::parse("1743295-63").unwrap();
        assert_eq!(serde_json::to_string(&number).unwrap(), "\"174329563\"");
        let back: RszNumber = serde_json::from_str("\"1743295-63\"").unwrap();
        assert_eq!(back, number);
    }

    proptest! {
        #[test]
        fn generated_rsz_numbers_round_trip(base in 0u32..2_000_000) {
            let number = RszNumber::from_base(base).unwrap();
            prop_assert_eq!(&RszNumber::parse(&number.to_string()).unwrap(), &number);
            prop_assert_eq!(&RszNumber::parse(number.as_str()).unwrap(), &number);
            prop_assert_eq!(digits::value(number.as_str()) % 97, 96);
        }
    }
}
