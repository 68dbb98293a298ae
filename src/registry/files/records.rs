//! One row of a Poort registry file to one record. Every field is read (so
//! every problem of the row is reported) before the record is built.

use crate::domain::{EnterpriseNumber, Language, NationalNumber};
use crate::registry::model::{
    Address, Employment, Enterprise, EnterpriseStatus, LegalFunction, LegalRepresentative, Names, Person,
};
use crate::registry::table::{DateStyle, Row, Rule};

pub(super) fn person(row: &mut Row<'_>) -> Option<Person> {
    let number = row.parse("number", NationalNumber::parse);
    let first_names = row.text("first_names");
    let last_name = row.text("last_name");
    let birth_date = row.date("birth_date", DateStyle::Iso);
    let language = row.parse("language", Language::parse);
    let has_belgian_eid = row.parse("has_belgian_eid", flag);
    let nationality = row.parse("nationality", country_code);
    Some(Person {
        number: number?,
        first_names: first_names?,
        last_name: last_name?,
        birth_date: birth_date?,
        language: language?,
        has_belgian_eid: has_belgian_eid?,
        nationality: nationality?,
    })
}

pub(super) fn enterprise(row: &mut Row<'_>) -> Option<Enterprise> {
    let number = row.parse("number", EnterpriseNumber::parse);
    let names = Names::from_options(
        row.optional_text("name_nl"),
        row.optional_text("name_fr"),
        row.optional_text("name_de"),
        row.optional_text("name_en"),
    );
    let names = match names {
        Ok(names) => Some(names),
        Err(error) => {
            row.problem("name_nl", &error, error.code());
            None
        }
    };
    let legal_form = row.text("legal_form");
    let status = row.parse("status", status);
    let address = address(row);
    let start_date = row.optional_date("start_date", DateStyle::Iso);
    Some(Enterprise {
        number: number?,
        names: names?,
        legal_form: legal_form?,
        status: status?,
        address: address?,
        start_date: start_date?,
    })
}

pub(super) fn representative(row: &mut Row<'_>) -> Option<LegalRepresentative> {
    let person = row.parse("person", NationalNumber::parse);
    let enterprise = row.parse("enterprise", EnterpriseNumber::parse);
    let function = row.text("function").map(|f| LegalFunction::parse(&f));
    let valid_from = row.date("valid_from", DateStyle::Iso);
    let valid_until = row.optional_date("valid_until", DateStyle::Iso);
    Some(LegalRepresentative {
        person: person?,
        enterprise: enterprise?,
        function: function?,
        valid_from: valid_from?,
        valid_until: valid_until?,
    })
}

pub(super) fn employment(row: &mut Row<'_>) -> Option<Employment> {
    let person = row.parse("person", NationalNumber::parse);
    let enterprise = row.parse("enterprise", EnterpriseNumber::parse);
    let valid_from = row.date("valid_from", DateStyle::Iso);
    let valid_until = row.optional_date("valid_until", DateStyle::Iso);
    Some(Employment {
        person: person?,
        enterprise: enterprise?,
        valid_from: valid_from?,
        valid_until: valid_until?,
    })
}

/// The address columns: all empty means no address; otherwise street, house
/// number, postal code, municipality and country are required.
/// `Some(None)`: no address; `None`: invalid (problems recorded).
fn address(row: &mut Row<'_>) -> Option<Option<Address>> {
    const COLUMNS: [&str; 6] =
        ["street", "house_number", "box_number", "postal_code", "municipality", "country"];
    if COLUMNS.iter().all(|c| row.raw(c).is_empty()) {
        return Some(None);
    }
    let street = row.text("street");
    let house_number = row.text("house_number");
    let box_number = row.optional_text("box_number");
    let postal_code = row.text("postal_code");
    let municipality = row.text("municipality");
    let country = row.parse("country", country_code);
    Some(Some(Address {
        street: street?,
        house_number: house_number?,
        box_number,
        postal_code: postal_code?,
        municipality: municipality?,
        country: country?,
    }))
}

fn flag(raw: &str) -> Result<bool, Rule> {
    match raw.to_ascii_lowercase().as_str() {
        "yes" | "true" => Ok(true),
        "no" | "false" => Ok(false),
        _ => Err(Rule { message: format!("'{raw}' is not yes or no"), code: "file.flag" }),
    }
}

fn country_code(raw: &str) -> Result<String, Rule> {
    if raw.len() == 2 && raw.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(raw.to_owned())
    } else {
        Err(Rule {
            message: format!("'{raw}' is not an ISO 3166-1 alpha-2 country code such as BE"),
            code: "file.country",
        })
    }
}

fn status(raw: &str) -> Result<EnterpriseStatus, Rule> {
    match raw {
        "active" => Ok(EnterpriseStatus::Active),
        "stopped" => Ok(EnterpriseStatus::Stopped),
        _ => {
            Err(Rule { message: format!("'{raw}' is not a status (active or stopped)"), code: "file.status" })
        }
    }
}
