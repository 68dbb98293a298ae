//! The natural-person minimum data set (eIDAS SAML Attribute Profile v1.2 §2.2) and the
//! identity we hand to the login transaction.

use serde::{Deserialize, Serialize};
use time::Date;
use time::macros::format_description;

use super::error::EidasError;
use super::loa::Loa;

pub(crate) const ATTR_PERSON_IDENTIFIER: &str =
    "http://eidas.europa.eu/attributes/naturalperson/PersonIdentifier";
pub(crate) const ATTR_FAMILY_NAME: &str = "http://eidas.europa.eu/attributes/naturalperson/CurrentFamilyName";
pub(crate) const ATTR_GIVEN_NAME: &str = "http://eidas.europa.eu/attributes/naturalperson/CurrentGivenName";
pub(crate) const ATTR_DATE_OF_BIRTH: &str = "http://eidas.europa.eu/attributes/naturalperson/DateOfBirth";

/// (FriendlyName, Name) of the four mandatory attributes, in request order.
pub(crate) const MINIMUM_DATA_SET: [(&str, &str); 4] = [
    ("PersonIdentifier", ATTR_PERSON_IDENTIFIER),
    ("FamilyName", ATTR_FAMILY_NAME),
    ("FirstName", ATTR_GIVEN_NAME),
    ("DateOfBirth", ATTR_DATE_OF_BIRTH),
];

/// The receiving member state of our identifiers: the `YY` of `XX/YY/id`.
pub(crate) const RECEIVING_COUNTRY: &str = "BE";

/// A person authenticated through eIDAS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EidasIdentity {
    /// As given by the node, e.g. `NL/BE/123456`.
    pub person_identifier: String,
    /// The `XX` prefix: the member state that identified the person.
    pub country_of_origin: String,
    /// `country_of_origin == "BE"`.
    pub is_belgian: bool,
    /// The identifier part when the person was identified by Belgium (a national number).
    pub national_number_if_belgian: Option<String>,
    pub family_name: String,
    pub given_name: String,
    pub birth_date: Date,
    /// The asserted `AuthnContextClassRef` URI.
    pub loa: String,
    /// The FAS level it maps to (low 200, substantial 400, high 450).
    pub level: u16,
}

/// Raw attribute values read from the verified assertion.
pub(crate) struct RawAttributes {
    pub person_identifier: Option<String>,
    pub family_name: Option<String>,
    pub given_name: Option<String>,
    pub date_of_birth: Option<String>,
}

impl EidasIdentity {
    pub(crate) fn from_attributes(raw: RawAttributes, loa: Loa) -> Result<Self, EidasError> {
        let pid = raw.person_identifier.ok_or(EidasError::MissingAttribute("PersonIdentifier"))?;
        let (origin, id_part) = split_person_identifier(&pid)?;
        let family_name = non_empty(raw.family_name, "FamilyName")?;
        let given_name = non_empty(raw.given_name, "FirstName")?;
        let dob = raw.date_of_birth.ok_or(EidasError::MissingAttribute("DateOfBirth"))?;
        // xsd:date, YYYY-MM-DD (Attribute Profile §2.2.4).
        let birth_date = Date::parse(dob.trim(), format_description!("[year]-[month]-[day]"))
            .map_err(|_| EidasError::InvalidAttribute("DateOfBirth"))?;
        let is_belgian = origin == "BE";
        let national_number_if_belgian = if is_belgian {
            if !is_national_number(id_part) {
                return Err(EidasError::InvalidAttribute("PersonIdentifier"));
            }
            Some(id_part.to_string())
        } else {
            None
        };
        Ok(EidasIdentity {
            country_of_origin: origin.to_string(),
            person_identifier: pid.clone(),
            is_belgian,
            national_number_if_belgian,
            family_name,
            given_name,
            birth_date,
            loa: loa.uri().to_string(),
            level: loa.fas_level(),
        })
    }
}

fn non_empty(v: Option<String>, name: &'static str) -> Result<String, EidasError> {
    let v = v.ok_or(EidasError::MissingAttribute(name))?;
    let v = v.trim();
    if v.is_empty() || v.chars().count() > 256 || v.chars().any(char::is_control) {
        return Err(EidasError::InvalidAttribute(name));
    }
    Ok(v.to_string())
}

/// `XX/YY/id` (Attribute Profile §2.2.3): XX the identifying state, YY the receiving state.
pub(crate) fn split_person_identifier(pid: &str) -> Result<(&str, &str), EidasError> {
    let bad = EidasError::InvalidAttribute("PersonIdentifier");
    let mut parts = pid.splitn(3, '/');
    let (Some(xx), Some(yy), Some(id)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad);
    };
    let is_cc = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase());
    let id_ok =
        !id.is_empty() && id.len() <= 256 && id.chars().all(|c| !c.is_control() && !c.is_whitespace());
    if !is_cc(xx) || yy != RECEIVING_COUNTRY || !id_ok {
        return Err(bad);
    }
    Ok((xx, id))
}

/// 11 digits whose last two are 97 − (first nine mod 97), or with "2" prefixed to the first
/// nine for people born from 2000 on.
pub(crate) fn is_national_number(s: &str) -> bool {
    if s.len() != 11 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let (Ok(base), Ok(check)) = (s[..9].parse::<u64>(), s[9..].parse::<u64>()) else {
        return false;
    };
    97 - base % 97 == check || 97 - (2_000_000_000 + base) % 97 == check
}
