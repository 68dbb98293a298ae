//! Mapping upstream claims to the identity Poort works with.
use serde_json::{Map, Value};

use super::config::ClaimMap;
use super::error::UpstreamError;
use crate::domain::NationalNumber;

/// Who logged in upstream, in our terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpstreamIdentity {
    /// The provider's `sub` (stable per provider and client).
    pub subject: String,
    pub national_number: Option<NationalNumber>,
    pub given_names: String,
    pub surname: String,
    pub birth_date: Option<time::Date>,
    pub email: Option<String>,
    /// The acr asserted by the provider.
    pub acr: String,
    /// The FAS level it maps to (e.g. 450).
    pub level: u16,
}

/// Maps claims (userinfo first, then id_token) through `map`.
pub fn map_identity(
    map: &ClaimMap,
    subject: String,
    acr: String,
    level: u16,
    userinfo: &Map<String, Value>,
    id_token: &Map<String, Value>,
) -> Result<UpstreamIdentity, UpstreamError> {
    let get = |name: &str| {
        userinfo
            .get(name)
            .or_else(|| id_token.get(name))
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    let national_number = match get(&map.national_number) {
        Some(v) => {
            Some(NationalNumber::parse(v).map_err(|_| UpstreamError::InvalidClaim("national_number"))?)
        }
        None => None,
    };
    let given_names = get(&map.given_names).ok_or(UpstreamError::MissingClaim("given_names"))?;
    let surname = get(&map.surname).ok_or(UpstreamError::MissingClaim("surname"))?;
    let birth_date = match get(&map.birth_date) {
        // Core §5.1: birthdate is YYYY-MM-DD.
        Some(v) => Some(
            time::Date::parse(v, time::macros::format_description!("[year]-[month]-[day]"))
                .map_err(|_| UpstreamError::InvalidClaim("birth_date"))?,
        ),
        None => None,
    };
    let email = match get(&map.email) {
        Some(v) if v.len() <= 254 && v.contains('@') => Some(v.to_owned()),
        Some(_) => return Err(UpstreamError::InvalidClaim("email")),
        None => None,
    };
    let bounded = |v: &str, what| {
        if v.chars().count() <= 200 { Ok(v.to_owned()) } else { Err(UpstreamError::InvalidClaim(what)) }
    };
    Ok(UpstreamIdentity {
        subject,
        national_number,
        given_names: bounded(given_names, "given_names")?,
        surname: bounded(surname, "surname")?,
        birth_date,
        email,
        acr,
        level,
    })
}
