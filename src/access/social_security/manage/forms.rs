//! The forms the actions take: a person to appoint, their password account, who
//! administers a new place, and a subdivision or site to add.

use serde::Deserialize;

use crate::store::social_security::join_codes;

/// A person to appoint: the seed's record (the register gives the names).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PersonForm {
    pub national_number: String,
    pub title: String,
    pub language: String,
    pub email: String,
    pub local_email: String,
    pub applications: Vec<String>,
    pub functions: Vec<String>,
}

/// A new password account for an appointed admin (seed 001: username twice, password twice).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AccountForm {
    pub username: String,
    pub username_confirm: String,
    pub password: String,
    pub password_confirm: String,
}

/// Who administers a new quality, subdivision or site.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdminChoice {
    /// "I manage it myself."
    Myself,
    /// Appoint someone (and, optionally, give them a username and password).
    Person { person: Box<PersonForm>, account: Option<Box<AccountForm>> },
}

/// A subdivision or site to add.
#[derive(Debug, Clone, Deserialize)]
pub struct PlaceForm {
    #[serde(rename = "type")]
    pub type_code: String,
    #[serde(default)]
    pub identifier: String,
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub applications: Vec<String>,
    pub admin: Option<AdminChoice>,
}

/// The codes of a form's application list, as stored.
pub fn normalized(codes: &[String]) -> String {
    join_codes(codes)
}
