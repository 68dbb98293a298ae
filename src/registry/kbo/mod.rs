//! Reader for the official KBO open-data files ("KboOpenData_<nr>_<year>_<month>_Full"),
//! published monthly by FOD Economie (Cookbook KBO Open Data).
//!
//! Three of the files are read, streaming (the real ones are hundreds of MB):
//!
//! ```text
//! enterprise.csv    "EnterpriseNumber","Status","JuridicalSituation","TypeOfEnterprise",
//!                   "JuridicalForm","JuridicalFormCAC","StartDate"
//! denomination.csv  "EntityNumber","Language","TypeOfDenomination","Denomination"
//! address.csv       "EntityNumber","TypeOfAddress","CountryNL","CountryFR","Zipcode",
//!                   "MunicipalityNL","MunicipalityFR","StreetNL","StreetFR","HouseNumber",
//!                   "Box","ExtraAddressInfo","DateStrikingOff"
//! ```
//!
//! Comma separated, text between double quotes, empty values as nothing
//! between two commas, dates `dd-mm-yyyy` (unquoted), enterprise numbers
//! `0474.603.083`, establishment numbers `2.000.000.339`.
//!
//! Mapping to [`Enterprise`]: the legal name (denomination type 001) per
//! language; status AC → active, ST → stopped; the legal form from
//! `JuridicalFormCAC` when present (the form to read pending the statutes'
//! adaptation to the 2019 companies code), else `JuridicalForm`, as an
//! abbreviation ([`codes::legal_form`]); the registered office (REGO) that is
//! not struck off, Dutch street and municipality names first; the start date.
//! Rows about establishment units (numbers starting 2–8) and branch offices
//! (ids starting 9) are skipped and counted, as are other names and address
//! types. A name in language 0 ("unknown") is used only when the enterprise
//! has no legal name in a known language; it is then stored as the Dutch
//! name. Enterprises without any legal name are skipped and counted.

pub mod codes;
mod read;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use super::model::Enterprise;
pub use super::problem::FileError as KboError;

/// The KBO file of enterprises.
pub const ENTERPRISE_FILE: &str = "enterprise.csv";
/// The KBO file of names.
pub const DENOMINATION_FILE: &str = "denomination.csv";
/// The KBO file of addresses.
pub const ADDRESS_FILE: &str = "address.csv";

/// What a KBO import produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KboImport {
    /// Enterprises in enterprise-number order.
    pub enterprises: Vec<Enterprise>,
    /// Rows (or enterprises) left out on purpose, counted per file and reason.
    pub skipped: Vec<Skipped>,
}

impl KboImport {
    /// How many rows were skipped for `reason`, over all files.
    pub fn skipped_for(&self, reason: SkipReason) -> u64 {
        self.skipped.iter().filter(|s| s.reason == reason).map(|s| s.count).sum()
    }
}

/// A count of skipped rows of one file for one reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub file: &'static str,
    pub reason: SkipReason,
    pub count: u64,
}

/// Why a row was left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SkipReason {
    /// The row is about an establishment unit (number starting 2–8).
    EstablishmentUnit,
    /// The row is about a foreign entity's branch office (id starting 9).
    BranchOffice,
    /// An abbreviation, commercial name or branch-office name.
    NotALegalName,
    /// A second legal name in the same language (the first is kept).
    SecondNameInSameLanguage,
    /// An address that is not the registered office.
    NotRegisteredOffice,
    /// A registered-office address that was struck off.
    StruckOff,
    /// The entity is not in enterprise.csv.
    UnknownEnterprise,
    /// The enterprise has no legal name; it is left out of the import.
    NoLegalName,
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::EstablishmentUnit => "establishment unit",
            Self::BranchOffice => "branch office",
            Self::NotALegalName => "not a legal name",
            Self::SecondNameInSameLanguage => "second legal name in the same language",
            Self::NotRegisteredOffice => "not the registered office",
            Self::StruckOff => "address struck off",
            Self::UnknownEnterprise => "enterprise not in enterprise.csv",
            Self::NoLegalName => "enterprise without a legal name",
        })
    }
}

/// Reads `enterprise.csv`, `denomination.csv` and `address.csv` from `path`.
/// Every problem (up to 100 per file) names file, line, column and rule.
pub fn read_dir(path: &Path) -> Result<KboImport, KboError> {
    let mut error = KboError { problems: Vec::new(), omitted: 0 };
    let mut skipped = BTreeMap::new();
    let mut enterprises = read::enterprises(path, &mut error);
    read::denominations(path, &mut enterprises, &mut skipped, &mut error);
    read::addresses(path, &mut enterprises, &mut skipped, &mut error);
    if !error.problems.is_empty() || error.omitted > 0 {
        return Err(error);
    }
    let enterprises = read::finish(enterprises, &mut skipped);
    let skipped =
        skipped.into_iter().map(|((file, reason), count)| Skipped { file, reason, count }).collect();
    Ok(KboImport { enterprises, skipped })
}
