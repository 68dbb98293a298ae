//! Identifiers of the Crossroads Bank for Enterprises (Kruispuntbank van
//! Ondernemingen, KBO).
//!
//! - Enterprise number (ondernemingsnummer): 10 digits, first digit 0 or 1,
//!   written `0474.603.083`; the last two digits are `97 - (first 8 digits
//!   mod 97)` (docs/DOMAIN.md §3). Older screens show the 9-digit form
//!   `474.603.083`; it is accepted and normalised by prefixing `0`. A leading
//!   `BE` (VAT spelling) is accepted too.
//! - Establishment number (vestigingseenheidsnummer): 10 digits, first digit
//!   2–8, written `2.000.000.339` (KBO open-data cookbook), same mod-97 check
//!   (verified on real numbers from the open-data files).

use std::fmt;

use super::digits::{self, Digits};
use super::string_identifier;

const SEPARATORS: &[char] = &[' ', '.'];

/// Enterprise number (ondernemingsnummer / numéro d'entreprise).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct EnterpriseNumber {
    digits: String,
}

/// Why a text is not an enterprise number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnterpriseNumberError {
    #[error("the enterprise number may only contain digits, spaces and dots, not '{found}'")]
    Character { found: char },
    #[error("the enterprise number must have 10 digits (or 9 in the old notation), not {found}")]
    Length { found: usize },
    #[error("an enterprise number starts with 0 or 1, not {found}")]
    FirstDigit { found: char },
    #[error("check digits do not match")]
    CheckDigits,
}

impl EnterpriseNumberError {
    /// Stable key for translations and API error codes.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Character { .. } => "enterprise_number.character",
            Self::Length { .. } => "enterprise_number.length",
            Self::FirstDigit { .. } => "enterprise_number.first_digit",
            Self::CheckDigits => "enterprise_number.check_digits",
        }
    }
}

impl EnterpriseNumber {
    /// Parses `0474603083`, `0474.603.083`, `0474 603 083`, `BE0474603083`,
    /// `BE 0474.603.083`, `474.603.083` or `474603083`.
    pub fn parse(input: &str) -> Result<Self, EnterpriseNumberError> {
        let trimmed = input.trim();
        let without_prefix = match trimmed.get(..2) {
            Some(p) if p.eq_ignore_ascii_case("BE") => &trimmed[2..],
            _ => trimmed,
        };
        let mut digits = match digits::collect(without_prefix, SEPARATORS) {
            Digits::Ok(d) => d,
            Digits::Forbidden(found) => return Err(EnterpriseNumberError::Character { found }),
        };
        match digits.len() {
            10 => {}
            9 => digits.insert(0, '0'),
            found => return Err(EnterpriseNumberError::Length { found }),
        }
        let first = digits.chars().next().unwrap_or('0');
        if !matches!(first, '0' | '1') {
            return Err(EnterpriseNumberError::FirstDigit { found: first });
        }
        if !check_digits_match(&digits) {
            return Err(EnterpriseNumberError::CheckDigits);
        }
        Ok(Self { digits })
    }

    /// Builds the valid number whose first 8 digits are `base` (0–19 999 999),
    /// computing the check digits. For demo data and tests.
    pub fn from_base(base: u32) -> Result<Self, EnterpriseNumberError> {
        let check = digits::mod97_complement(u64::from(base));
        Self::parse(&format!("{base:08}{check:02}"))
    }

    /// The 10 digits: `0474603083`.
    pub fn as_str(&self) -> &str {
        &self.digits
    }

    /// The official written form `0474.603.083` (same as `Display`).
    pub fn formatted(&self) -> String {
        let d = &self.digits;
        format!("{}.{}.{}", &d[0..4], &d[4..7], &d[7..10])
    }
}

impl fmt::Display for EnterpriseNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.formatted())
    }
}

string_identifier!(EnterpriseNumber, EnterpriseNumberError);

/// Establishment number (vestigingseenheidsnummer / numéro d'unité
/// d'établissement): a place where an enterprise works.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct EstablishmentNumber {
    digits: String,
}

/// Why a text is not an establishment number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EstablishmentNumberError {
    #[error("the establishment number may only contain digits, spaces and dots, not '{found}'")]
    Character { found: char },
    #[error("the establishment number must have 10 digits, not {found}")]
    Length { found: usize },
    #[error("an establishment number starts with a digit from 2 to 8, not {found}")]
    FirstDigit { found: char },
    #[error("check digits do not match")]
    CheckDigits,
}

impl EstablishmentNumberError {
    /// Stable key for translations and API error codes.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Character { .. } => "establishment_number.character",
            Self::Length { .. } => "establishment_number.length",
            Self::FirstDigit { .. } => "establishment_number.first_digit",
            Self::CheckDigits => "establishment_number.check_digits",
        }
    }
}

impl EstablishmentNumber {
    /// Parses `2000000339` or `2.000.000.339` (spaces and dots ignored).
    pub fn parse(input: &str) -> Result<Self, EstablishmentNumberError> {
        let digits = match digits::collect(input, SEPARATORS) {
            Digits::Ok(d) => d,
            Digits::Forbidden(found) => {
                return Err(EstablishmentNumberError::Character { found });
            }
        };
        if digits.len() != 10 {
            return Err(EstablishmentNumberError::Length { found: digits.len() });
        }
        let first = digits.chars().next().unwrap_or('0');
        if !matches!(first, '2'..='8') {
            return Err(EstablishmentNumberError::FirstDigit { found: first });
        }
        if !check_digits_match(&digits) {
            return Err(EstablishmentNumberError::CheckDigits);
        }
        Ok(Self { digits })
    }

    /// The 10 digits: `2000000339`.
    pub fn as_str(&self) -> &str {
        &self.digits
    }

    /// The official written form `2.000.000.339` (same as `Display`).
    pub fn formatted(&self) -> String {
        let d = &self.digits;
        format!("{}.{}.{}.{}", &d[0..1], &d[1..4], &d[4..7], &d[7..10])
    }
}

impl fmt::Display for EstablishmentNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.formatted())
    }
}

string_identifier!(EstablishmentNumber, EstablishmentNumberError);

/// Last two digits == 97 - (first eight digits mod 97).
fn check_digits_match(ten_digits: &str) -> bool {
    digits::mod97_complement(digits::value(&ten_digits[0..8])) == digits::value(&ten_digits[8..10])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    use EnterpriseNumberError as E;

    #[test]
    fn the_real_demo_enterprises_validate() {
        let iatreion = EnterpriseNumber::parse("0474.603.083").unwrap();
        assert_eq!(iatreion.as_str(), "0474603083");
        assert_eq!(iatreion.to_string(), "0474.603.083");
        let rembertus = EnterpriseNumber::parse("0410.561.210").unwrap();
        assert_eq!(rembertus.to_string(), "0410.561.210");
    }

    #[test]
    fn every_accepted_spelling_gives_the_same_number() {
        for input in [
            "0474603083",
            "0474.603.083",
            "0474 603 083",
            "BE0474603083",
            "be0474603083",
            "BE 0474.603.083",
            "474.603.083",
            "474603083",
        ] {
            let number = EnterpriseNumber::parse(input).unwrap();
            assert_eq!(number.as_str(), "0474603083", "{input}");
        }
    }

    #[test]
    fn invalid_enterprise_numbers_name_the_rule_that_failed() {
        let table: &[(&str, E)] = &[
            // 9 digits are read as the old notation, then fail the check.
            ("047460308", E::CheckDigits),
            ("04746030", E::Length { found: 8 }),
            ("04746030831", E::Length { found: 11 }),
            ("0474-603-083", E::Character { found: '-' }),
            ("0474.6O3.083", E::Character { found: 'O' }),
            ("NL0474603083", E::Character { found: 'N' }),
            ("0474603084", E::CheckDigits),
            ("2123456791", E::FirstDigit { found: '2' }),
        ];
        for (input, expected) in table {
            assert_eq!(EnterpriseNumber::parse(input).as_ref(), Err(expected), "{input}");
        }
        assert_eq!(E::FirstDigit { found: '2' }.code(), "enterprise_number.first_digit");
    }

    #[test]
    fn an_establishment_number_starts_with_2_to_8_and_uses_the_same_check() {
        let number = EstablishmentNumber::parse("2.000.000.339").unwrap();
        assert_eq!(number.as_str(), "2000000339");
        assert_eq!(number.to_string(), "2.000.000.339");
        assert_eq!(
            EstablishmentNumber::parse("0474.603.083"),
            Err(EstablishmentNumberError::FirstDigit { found: '0' })
        );
        assert_eq!(EstablishmentNumber::parse("2.000.000.338"), Err(EstablishmentNumberError::CheckDigits));
        assert_eq!(
            EstablishmentNumber::parse("200.000.033"),
            Err(EstablishmentNumberError::Length { found: 9 })
        );
    }

    #[test]
    fn serde_uses_the_canonical_digits() {
        let number = EnterpriseNumber::parse("474.603.083").unwrap();
        assert_eq!(serde_json::to_string(&number).unwrap(), "\"0474603083\"");
        let back: EnterpriseNumber = serde_json::from_str("\"BE 0474.603.083\"").unwrap();
        assert_eq!(back, number);
        assert!(serde_json::from_str::<EnterpriseNumber>("\"0474603084\"").is_err());
    }

    proptest! {
        #[test]
        fn generated_enterprise_numbers_round_trip(base in 0u32..20_000_000) {
            let number = EnterpriseNumber::from_base(base).unwrap();
            prop_assert_eq!(&EnterpriseNumber::parse(&number.to_string()).unwrap(), &number);
            prop_assert_eq!(&EnterpriseNumber::parse(number.as_str()).unwrap(), &number);
        }

        #[test]
        fn generated_establishment_numbers_round_trip(base in 20_000_000u32..90_000_000) {
            let check = digits::mod97_complement(u64::from(base));
            let number = EstablishmentNumber::parse(&format!("{base:08}{check:02}")).unwrap();
            prop_assert_eq!(&EstablishmentNumber::parse(&number.to_string()).unwrap(), &number);
            prop_assert_eq!(&EstablishmentNumber::parse(number.as_str()).unwrap(), &number);
        }
    }
}
