//! HCO number (HCO-nummer): identifies a health-care subdivision, such as a
//! mammography unit, in social-security access management (docs/DOMAIN.md §7:
//! "Subafdeling: Mammografische eenheid: Sint-Rembertziekenhuis; HCO-nummer:
//! 12817"; the "add a subdivision" form has a free "HCO-nummer" field).
//!
//! The seeds give one example and no rule, and no public description of a
//! check digit was found. So this type checks the format only: after
//! trimming surrounding whitespace, 1 to 10 ASCII digits, nothing else
//! (no separators). Leading zeros are kept as typed, since we do not know
//! whether they are significant.

use std::fmt;

use super::string_identifier;

const MAX_LEN: usize = 10;

/// Identifier of a health-care subdivision (HCO-nummer).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct HcoNumber {
    digits: String,
}

/// Why a text is not an HCO number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HcoNumberError {
    #[error("the HCO number is required")]
    Empty,
    #[error("the HCO number may only contain digits, not '{found}'")]
    Character { found: char },
    #[error("the HCO number can have at most 10 digits, not {found}")]
    Length { found: usize },
}

impl HcoNumberError {
    /// Stable key for translations and API error codes.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "hco_number.empty",
            Self::Character { .. } => "hco_number.character",
            Self::Length { .. } => "hco_number.length",
        }
    }
}

impl HcoNumber {
    /// Parses `12817` (1 to 10 digits).
    pub fn parse(input: &str) -> Result<Self, HcoNumberError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(HcoNumberError::Empty);
        }
        if let Some(found) = trimmed.chars().find(|c| !c.is_ascii_digit()) {
            return Err(HcoNumberError::Character { found });
        }
        if trimmed.len() > MAX_LEN {
            return Err(HcoNumberError::Length { found: trimmed.len() });
        }
        Ok(Self { digits: trimmed.to_owned() })
    }

    /// The digits: `12817`.
    pub fn as_str(&self) -> &str {
        &self.digits
    }
}

impl fmt::Display for HcoNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.digits)
    }
}

string_identifier!(HcoNumber, HcoNumberError);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_hco_number_from_the_seed_is_accepted() {
        let number = HcoNumber::parse(" 12817 ").unwrap();
        assert_eq!(number.as_str(), "12817");
        assert_eq!(number.to_string(), "12817");
    }

    #[test]
    fn invalid_hco_numbers_name_the_rule_that_failed() {
        let table: &[(&str, HcoNumberError)] = &[
            ("", HcoNumberError::Empty),
            ("   ", HcoNumberError::Empty),
            ("12 817", HcoNumberError::Character { found: ' ' }),
            ("HCO12817", HcoNumberError::Character { found: 'H' }),
            ("12345678901", HcoNumberError::Length { found: 11 }),
        ];
        for (input, expected) in table {
            assert_eq!(HcoNumber::parse(input).as_ref(), Err(expected), "{input}");
        }
        assert_eq!(HcoNumberError::Empty.code(), "hco_number.empty");
    }

    proptest! {
        #[test]
        fn digit_strings_round_trip(s in "[0-9]{1,10}") {
            let number = HcoNumber::parse(&s).unwrap();
            prop_assert_eq!(&HcoNumber::parse(&number.to_string()).unwrap(), &number);
            prop_assert_eq!(&HcoNumber::parse(number.as_str()).unwrap(), &number);
            let json = serde_json::to_string(&number).unwrap();
            prop_assert_eq!(serde_json::from_str::<HcoNumber>(&json).unwrap(), number);
        }
    }
}
