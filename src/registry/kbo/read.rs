//! The three streaming passes over the KBO files.

use std::collections::BTreeMap;
use std::path::Path;

use super::{ADDRESS_FILE, DENOMINATION_FILE, ENTERPRISE_FILE, KboError, SkipReason, codes};
use crate::domain::{EnterpriseNumber, EstablishmentNumber, Language};
use crate::registry::model::{Address, Enterprise, EnterpriseStatus, Names};
use crate::registry::problem::Problems;
use crate::registry::table::{DateStyle, ExtraColumns, Row, Rule, Table};

/// An enterprise being assembled from the three files.
pub(super) struct Partial {
    status: EnterpriseStatus,
    legal_form: String,
    start_date: Option<time::Date>,
    names: BTreeMap<Language, String>,
    unknown_language_name: Option<String>,
    address: Option<Address>,
}

pub(super) type Partials = BTreeMap<EnterpriseNumber, Partial>;
pub(super) type SkipCounts = BTreeMap<(&'static str, SkipReason), u64>;

const ENTERPRISE_COLUMNS: [&str; 7] = [
    "EnterpriseNumber",
    "Status",
    "JuridicalSituation",
    "TypeOfEnterprise",
    "JuridicalForm",
    "JuridicalFormCAC",
    "StartDate",
];
const DENOMINATION_COLUMNS: [&str; 4] = ["EntityNumber", "Language", "TypeOfDenomination", "Denomination"];
const ADDRESS_COLUMNS: [&str; 13] = [
    "EntityNumber",
    "TypeOfAddress",
    "CountryNL",
    "CountryFR",
    "Zipcode",
    "MunicipalityNL",
    "MunicipalityFR",
    "StreetNL",
    "StreetFR",
    "HouseNumber",
    "Box",
    "ExtraAddressInfo",
    "DateStrikingOff",
];

pub(super) fn enterprises(dir: &Path, error: &mut KboError) -> Partials {
    let mut problems = Problems::new(ENTERPRISE_FILE);
    let mut partials = Partials::new();
    let columns = &ENTERPRISE_COLUMNS;
    if let Some(table) = Table::open(dir, ENTERPRISE_FILE, columns, ExtraColumns::Ignore, &mut problems) {
        table.for_each_row(&mut problems, |row| {
            let number = row.parse("EnterpriseNumber", EnterpriseNumber::parse);
            let status = row.parse("Status", |raw| {
                codes::status(raw)
                    .ok_or_else(|| rule(format!("'{raw}' is not a known status (AC or ST)"), "kbo.status"))
            });
            let start_date = row.date("StartDate", DateStyle::Kbo);
            let form = row.optional_text("JuridicalFormCAC").or_else(|| row.optional_text("JuridicalForm"));
            let legal_form = match form {
                Some(code) => codes::legal_form(&code),
                None if row.raw("TypeOfEnterprise") == "1" => "natural person".to_owned(),
                None => {
                    row.problem(
                        "JuridicalForm",
                        "a legal person needs a juridical form",
                        "kbo.juridical_form",
                    );
                    return;
                }
            };
            if let (Some(number), Some(status), Some(start_date)) = (number, status, start_date) {
                let partial = Partial {
                    status,
                    legal_form,
                    start_date: Some(start_date),
                    names: BTreeMap::new(),
                    unknown_language_name: None,
                    address: None,
                };
                if partials.insert(number, partial).is_some() {
                    row.problem(
                        "EnterpriseNumber",
                        "this enterprise number appears more than once",
                        "kbo.duplicate",
                    );
                }
            }
        });
    }
    problems.drain_into(error);
    partials
}

pub(super) fn denominations(
    dir: &Path,
    partials: &mut Partials,
    skipped: &mut SkipCounts,
    error: &mut KboError,
) {
    let mut problems = Problems::new(DENOMINATION_FILE);
    let columns = &DENOMINATION_COLUMNS;
    if let Some(table) = Table::open(dir, DENOMINATION_FILE, columns, ExtraColumns::Ignore, &mut problems) {
        table.for_each_row(&mut problems, |row| {
            let Some(number) = enterprise_of(row, DENOMINATION_FILE, skipped) else {
                return;
            };
            let language = row.parse("Language", |raw| {
                codes::language(raw).ok_or_else(|| {
                    rule(format!("'{raw}' is not a KBO language code (0 to 4)"), "kbo.language")
                })
            });
            let name = row.text("Denomination");
            let (Some(language), Some(name)) = (language, name) else {
                return;
            };
            if row.raw("TypeOfDenomination") != codes::LEGAL_NAME {
                return count(skipped, DENOMINATION_FILE, SkipReason::NotALegalName);
            }
            let Some(partial) = partials.get_mut(&number) else {
                return count(skipped, DENOMINATION_FILE, SkipReason::UnknownEnterprise);
            };
            let slot = match language {
                Some(language) => partial.names.entry(language).or_default(),
                None => partial.unknown_language_name.get_or_insert_with(String::new),
            };
            if slot.is_empty() {
                *slot = name;
            } else {
                count(skipped, DENOMINATION_FILE, SkipReason::SecondNameInSameLanguage);
            }
        });
    }
    problems.drain_into(error);
}

pub(super) fn addresses(dir: &Path, partials: &mut Partials, skipped: &mut SkipCounts, error: &mut KboError) {
    let mut problems = Problems::new(ADDRESS_FILE);
    let columns = &ADDRESS_COLUMNS;
    if let Some(table) = Table::open(dir, ADDRESS_FILE, columns, ExtraColumns::Ignore, &mut problems) {
        table.for_each_row(&mut problems, |row| {
            let Some(number) = enterprise_of(row, ADDRESS_FILE, skipped) else {
                return;
            };
            let Some(struck_off) = row.optional_date("DateStrikingOff", DateStyle::Kbo) else {
                return;
            };
            if row.raw("TypeOfAddress") != codes::REGISTERED_OFFICE {
                return count(skipped, ADDRESS_FILE, SkipReason::NotRegisteredOffice);
            }
            if struck_off.is_some() {
                return count(skipped, ADDRESS_FILE, SkipReason::StruckOff);
            }
            let Some(partial) = partials.get_mut(&number) else {
                return count(skipped, ADDRESS_FILE, SkipReason::UnknownEnterprise);
            };
            let either = |nl: &str, fr: &str| {
                row.optional_text(nl).or_else(|| row.optional_text(fr)).unwrap_or_default()
            };
            partial.address = Some(Address {
                street: either("StreetNL", "StreetFR"),
                house_number: row.raw("HouseNumber").to_owned(),
                box_number: row.optional_text("Box"),
                postal_code: row.raw("Zipcode").to_owned(),
                municipality: either("MunicipalityNL", "MunicipalityFR"),
                country: row.optional_text("CountryNL").unwrap_or_else(|| "BE".to_owned()),
            });
        });
    }
    problems.drain_into(error);
}

/// Builds the enterprises; those without any legal name are counted and left out.
pub(super) fn finish(partials: Partials, skipped: &mut SkipCounts) -> Vec<Enterprise> {
    partials
        .into_iter()
        .filter_map(|(number, partial)| {
            let mut by_language = partial.names;
            if by_language.is_empty()
                && let Some(name) = partial.unknown_language_name
            {
                by_language.insert(Language::Nl, name);
            }
            let Ok(names) = Names::try_from(by_language) else {
                count(skipped, ENTERPRISE_FILE, SkipReason::NoLegalName);
                return None;
            };
            Some(Enterprise {
                number,
                names,
                legal_form: partial.legal_form,
                status: partial.status,
                address: partial.address,
                start_date: partial.start_date,
            })
        })
        .collect()
}

/// The enterprise a row is about; establishment units and branch offices
/// are counted and give `None`, as do invalid numbers (problem recorded).
fn enterprise_of(
    row: &mut Row<'_>,
    file: &'static str,
    skipped: &mut SkipCounts,
) -> Option<EnterpriseNumber> {
    let raw = row.raw("EntityNumber");
    match raw.chars().next() {
        Some('2'..='8') => {
            if row.parse("EntityNumber", EstablishmentNumber::parse).is_some() {
                count(skipped, file, SkipReason::EstablishmentUnit);
            }
            None
        }
        Some('9') => {
            count(skipped, file, SkipReason::BranchOffice);
            None
        }
        _ => row.parse("EntityNumber", EnterpriseNumber::parse),
    }
}

fn count(skipped: &mut SkipCounts, file: &'static str, reason: SkipReason) {
    *skipped.entry((file, reason)).or_default() += 1;
}

fn rule(message: String, code: &'static str) -> Rule {
    Rule { message, code }
}
