//! The social-security identification number of a person (INSZ / NISS).
//!
//! Two kinds share one layout `YYMMDD SSS CC` (docs/DOMAIN.md §3):
//! - the National Register number (rijksregisternummer) of people registered
//!   in Belgium;
//! - the BIS number (BIS-nummer), given by the Crossroads Bank for Social
//!   Security to people who are not in the National Register; its month is
//!   raised by 20 (sex unknown when the number was given) or 40 (sex known).
//!
//! Rules applied, in this order (each failure names its rule):
//! 1. only digits, spaces, dots and dashes (`85073003328`, `850730 033 28`,
//!    `85.07.30-033.28`); any other character is refused;
//! 2. exactly 11 digits;
//! 3. month `00`–`12` (register), `20`–`32` or `40`–`52` (BIS); `00` (or
//!    `20`/`40`) means "birth month unknown", which the National Register uses
//!    for people whose birth date is only partially known;
//! 4. day `00`–`31`; `00` means "birth day unknown";
//! 5. serial `001`–`998` (royal decree of 3 April 1984: 001–997 for men,
//!    002–998 for women; 000 and 999 are never given);
//! 6. check digits `CC = 97 - (first 9 digits mod 97)`, or, for people born in
//!    2000 or later, `97 - ((2 followed by the first 9 digits) mod 97)`. The
//!    two results always differ, so at most one century validates and that
//!    one gives the birth century (1900s or 2000s; numbers of people born
//!    before 1900 are read as 1900s);
//! 7. when month and day are both known, they must form a calendar date in
//!    that century (no 30 February, no 29 February outside leap years).

use std::fmt;

use time::{Date, Month};

use super::digits::{self, Digits};
use super::string_identifier;

/// Social-security identification number (INSZ): a National Register number
/// (rijksregisternummer) or a BIS number. See the module documentation for
/// the rules.
///
/// `Debug` prints the masked form only (`85.07.30-***.**`): Debug output ends
/// up in logs, and full national numbers must never be logged.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NationalNumber {
    digits: String,
}

/// Which register issued the number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NumberKind {
    /// National Register number (rijksregisternummer).
    Register,
    /// BIS number; `is_sex_known` is true for month + 40, false for month + 20.
    Bis { is_sex_known: bool },
}

/// The kind of BIS number to build with [`NationalNumber::from_parts`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BisKind {
    /// Month + 20: the sex was unknown when the number was given.
    SexUnknown,
    /// Month + 40: the sex was known.
    SexKnown,
}

impl BisKind {
    fn month_offset(self) -> u8 {
        match self {
            BisKind::SexUnknown => 20,
            BisKind::SexKnown => 40,
        }
    }
}

/// Sex as encoded in the serial number (odd: man, even: woman).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

/// Why a text is not a national number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NationalNumberError {
    #[error("the national number may only contain digits, spaces, dots and dashes, not '{found}'")]
    Character { found: char },
    #[error("the national number must have 11 digits, not {found}")]
    Length { found: usize },
    #[error("month {month} is not a valid birth month")]
    Month { month: u8 },
    #[error("day {day} is not a valid birth day")]
    Day { day: u8 },
    #[error("the serial number must be between 001 and 998, not {serial:03}")]
    Serial { serial: u16 },
    #[error("check digits do not match")]
    CheckDigits,
    #[error("{year:04}-{month:02}-{day:02} is not a date in the calendar")]
    Date { year: i32, month: u8, day: u8 },
    #[error("a national number can only hold a birth year from 1900 to 2099, not {year}")]
    BirthYear { year: i32 },
}

impl NationalNumberError {
    /// Stable key for translations and API error codes.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Character { .. } => "national_number.character",
            Self::Length { .. } => "national_number.length",
            Self::Month { .. } => "national_number.month",
            Self::Day { .. } => "national_number.day",
            Self::Serial { .. } => "national_number.serial",
            Self::CheckDigits => "national_number.check_digits",
            Self::Date { .. } => "national_number.date",
            Self::BirthYear { .. } => "national_number.birth_year",
        }
    }
}

const SEPARATORS: &[char] = &[' ', '.', '-'];
const PREFIX_2000: u64 = 2_000_000_000;

impl NationalNumber {
    /// Parses any accepted spelling; see the module documentation.
    pub fn parse(input: &str) -> Result<Self, NationalNumberError> {
        let digits = match digits::collect(input, SEPARATORS) {
            Digits::Ok(d) => d,
            Digits::Forbidden(found) => return Err(NationalNumberError::Character { found }),
        };
        if digits.len() != 11 {
            return Err(NationalNumberError::Length { found: digits.len() });
        }
        let number = Self { digits };
        let raw_month = number.raw_month();
        if !matches!(raw_month, 0..=12 | 20..=32 | 40..=52) {
            return Err(NationalNumberError::Month { month: raw_month });
        }
        let day = number.day();
        if day > 31 {
            return Err(NationalNumberError::Day { day });
        }
        let serial = number.serial();
        if !(1..=998).contains(&serial) {
            return Err(NationalNumberError::Serial { serial });
        }
        let century = number.century().ok_or(NationalNumberError::CheckDigits)?;
        let month = number.month();
        if month != 0 && day != 0 {
            let year = century + i32::from(number.two_digit_year());
            calendar_date(year, month, day)?;
        }
        Ok(number)
    }

    /// Builds a valid number from a birth date and a serial, computing the
    /// check digits (for demo data and tests). `serial` must be 1–998 and the
    /// birth year 1900–2099.
    pub fn from_parts(birth: Date, serial: u16, bis: Option<BisKind>) -> Result<Self, NationalNumberError> {
        let year = birth.year();
        if !(1900..=2099).contains(&year) {
            return Err(NationalNumberError::BirthYear { year });
        }
        if !(1..=998).contains(&serial) {
            return Err(NationalNumberError::Serial { serial });
        }
        let month = u8::from(birth.month()) + bis.map_or(0, BisKind::month_offset);
        let base = u64::try_from(year % 100).unwrap_or_default() * 10_000_000
            + u64::from(month) * 100_000
            + u64::from(birth.day()) * 1_000
            + u64::from(serial);
        let check = if year >= 2000 {
            digits::mod97_complement(PREFIX_2000 + base)
        } else {
            digits::mod97_complement(base)
        };
        Self::parse(&format!("{base:09}{check:02}"))
    }

    /// The 11 digits, without separators: `85073003328`.
    pub fn as_str(&self) -> &str {
        &self.digits
    }

    /// The official written form `85.07.30-033.28` (same as `Display`).
    pub fn formatted(&self) -> String {
        let d = &self.digits;
        format!("{}.{}.{}-{}.{}", &d[0..2], &d[2..4], &d[4..6], &d[6..9], &d[9..11])
    }

    /// The birth-date part with serial and check digits hidden:
    /// `85.07.30-***.**`. For logs and lists.
    pub fn masked(&self) -> String {
        let d = &self.digits;
        format!("{}.{}.{}-***.**", &d[0..2], &d[2..4], &d[4..6])
    }

    /// Register number or BIS number (and whether the BIS number knows the sex).
    pub fn kind(&self) -> NumberKind {
        match self.raw_month() {
            20..=32 => NumberKind::Bis { is_sex_known: false },
            40..=52 => NumberKind::Bis { is_sex_known: true },
            _ => NumberKind::Register,
        }
    }

    /// The birth date, when month and day are known.
    pub fn birth_date(&self) -> Option<Date> {
        let month = self.month();
        let day = self.day();
        if month == 0 || day == 0 {
            return None;
        }
        let year = self.century()? + i32::from(self.two_digit_year());
        calendar_date(year, month, day).ok()
    }

    /// The sex encoded in the serial (odd: man, even: woman); `None` for a BIS
    /// number given while the sex was unknown (month + 20).
    pub fn sex(&self) -> Option<Sex> {
        if self.kind() == (NumberKind::Bis { is_sex_known: false }) {
            return None;
        }
        Some(if self.serial() % 2 == 1 { Sex::Male } else { Sex::Female })
    }

    fn two_digit_year(&self) -> u8 {
        self.pair(0)
    }

    fn raw_month(&self) -> u8 {
        self.pair(2)
    }

    /// The birth month with the BIS offset removed (0 = unknown).
    fn month(&self) -> u8 {
        match self.raw_month() {
            m @ 40..=52 => m - 40,
            m @ 20..=32 => m - 20,
            m => m,
        }
    }

    fn day(&self) -> u8 {
        self.pair(4)
    }

    fn serial(&self) -> u16 {
        u16::try_from(digits::value(&self.digits[6..9])).unwrap_or(0)
    }

    fn pair(&self, at: usize) -> u8 {
        u8::try_from(digits::value(&self.digits[at..at + 2])).unwrap_or(0)
    }

    /// 1900 or 2000, whichever the check digits validate.
    fn century(&self) -> Option<i32> {
        let base = digits::value(&self.digits[0..9]);
        let check = digits::value(&self.digits[9..11]);
        if digits::mod97_complement(base) == check {
            Some(1900)
        } else if digits::mod97_complement(PREFIX_2000 + base) == check {
            Some(2000)
        } else {
            None
        }
    }
}

fn calendar_date(year: i32, month: u8, day: u8) -> Result<Date, NationalNumberError> {
    Month::try_from(month)
        .ok()
        .and_then(|m| Date::from_calendar_date(year, m, day).ok())
        .ok_or(NationalNumberError::Date { year, month, day })
}

impl fmt::Display for NationalNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.formatted())
    }
}

impl fmt::Debug for NationalNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NationalNumber({})", self.masked())
    }
}

string_identifier!(NationalNumber, NationalNumberError);

#[cfg(test)]
#[path = "national_number_tests.rs"]
mod tests;
