//! The records Poort reads from the authentic sources: persons (National
//! Register and BIS register), enterprises and their legal representatives
//! (KBO), and employment (social-security declarations). Poort does not own
//! them; it reads them through the `Registry` interface.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::domain::{EnterpriseNumber, Language, NationalNumber};

pub use super::integrity::{IntegrityProblem, IntegrityRule, RecordKind, RegistryData};
pub use super::legal_function::LegalFunction;

/// A natural person as the National Register or the BIS register knows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub number: NationalNumber,
    pub first_names: String,
    pub last_name: String,
    pub birth_date: Date,
    /// The language the person is addressed in.
    pub language: Language,
    /// Holds a Belgian eID card or electronic foreigner card. A legal
    /// representative without one needs the exception procedure (docs/DOMAIN.md §5).
    pub has_belgian_eid: bool,
    /// ISO 3166-1 alpha-2 code, e.g. `BE`.
    pub nationality: String,
}

impl Person {
    /// `first_names last_name`, for screens.
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_names, self.last_name)
    }
}

/// An enterprise (onderneming) as the KBO knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enterprise {
    pub number: EnterpriseNumber,
    /// The legal name (KBO denomination type 001) per language.
    pub names: Names,
    /// The legal form, as an abbreviation (`BV`, `VZW`) or, for forms Poort
    /// has no abbreviation for, the KBO code (`124`).
    pub legal_form: String,
    pub status: EnterpriseStatus,
    /// The registered office (KBO address type REGO).
    pub address: Option<Address>,
    pub start_date: Option<Date>,
}

/// Whether the enterprise is active in the KBO.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EnterpriseStatus {
    /// KBO status `AC` (actief / actif).
    Active,
    /// Stopped (gestopt / arrêté).
    Stopped,
}

impl EnterpriseStatus {
    /// The code used in Poort registry files: `active`, `stopped`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Stopped => "stopped",
        }
    }
}

/// A postal address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub street: String,
    pub house_number: String,
    pub box_number: Option<String>,
    pub postal_code: String,
    pub municipality: String,
    /// ISO 3166-1 alpha-2 code (`BE`) in Poort files. Imports from the KBO
    /// give `BE` for Belgian addresses and the KBO's Dutch country name for
    /// foreign ones (the KBO has no country codes).
    pub country: String,
}

/// The names of an enterprise, per language; never empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "BTreeMap<Language, String>", into = "BTreeMap<Language, String>")]
pub struct Names {
    by_language: BTreeMap<Language, String>,
}

/// Why a set of names is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NamesError {
    #[error("an enterprise needs a name in at least one language")]
    Missing,
    #[error("the {language} name is blank")]
    Blank { language: Language },
}

impl NamesError {
    /// Stable key for translations.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Missing => "names.missing",
            Self::Blank { .. } => "names.blank",
        }
    }
}

impl Names {
    /// One name in one language.
    pub fn new(language: Language, name: impl Into<String>) -> Result<Self, NamesError> {
        Self::try_from(BTreeMap::from([(language, name.into())]))
    }

    /// Names from optional per-language values (as in the file columns
    /// `name_nl,name_fr,name_de,name_en`); blank values count as absent.
    pub fn from_options(
        nl: Option<String>,
        fr: Option<String>,
        de: Option<String>,
        en: Option<String>,
    ) -> Result<Self, NamesError> {
        let by_language: BTreeMap<Language, String> = Language::ALL
            .into_iter()
            .zip([nl, fr, de, en])
            .filter_map(|(l, n)| n.filter(|n| !n.trim().is_empty()).map(|n| (l, n)))
            .collect();
        Self::try_from(by_language)
    }

    /// Adds or replaces the name in `language`.
    pub fn insert(&mut self, language: Language, name: impl Into<String>) -> Result<(), NamesError> {
        let name = name.into();
        if name.trim().is_empty() {
            return Err(NamesError::Blank { language });
        }
        self.by_language.insert(language, name);
        Ok(())
    }

    /// The name in exactly this language.
    pub fn get(&self, language: Language) -> Option<&str> {
        self.by_language.get(&language).map(String::as_str)
    }

    /// The name to show to someone reading `language`: that language's name,
    /// else the closest one a Belgian reader is likely to read. German readers
    /// get French before Dutch (German-speaking Belgium is in Wallonia),
    /// English readers get Dutch, then French.
    pub fn display(&self, language: Language) -> &str {
        let order = match language {
            Language::Nl => [Language::Nl, Language::Fr, Language::En, Language::De],
            Language::Fr => [Language::Fr, Language::Nl, Language::En, Language::De],
            Language::De => [Language::De, Language::Fr, Language::Nl, Language::En],
            Language::En => [Language::En, Language::Nl, Language::Fr, Language::De],
        };
        order
            .into_iter()
            .find_map(|l| self.get(l))
            .or_else(|| self.by_language.values().next().map(String::as_str))
            .unwrap_or_default()
    }

    /// Every (language, name) pair, in language order.
    pub fn iter(&self) -> impl Iterator<Item = (Language, &str)> {
        self.by_language.iter().map(|(l, n)| (*l, n.as_str()))
    }
}

impl TryFrom<BTreeMap<Language, String>> for Names {
    type Error = NamesError;

    fn try_from(by_language: BTreeMap<Language, String>) -> Result<Self, Self::Error> {
        if let Some((language, _)) = by_language.iter().find(|(_, n)| n.trim().is_empty()) {
            return Err(NamesError::Blank { language: *language });
        }
        if by_language.is_empty() {
            return Err(NamesError::Missing);
        }
        Ok(Self { by_language })
    }
}

impl From<Names> for BTreeMap<Language, String> {
    fn from(names: Names) -> Self {
        names.by_language
    }
}

/// A person holding a legal function in an enterprise (wettelijk
/// vertegenwoordiger, WV). Only a WV valid today may register the enterprise
/// and designate its head access manager (docs/DOMAIN.md §5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegalRepresentative {
    pub person: NationalNumber,
    pub enterprise: EnterpriseNumber,
    pub function: LegalFunction,
    pub valid_from: Date,
    /// Last day of the function (inclusive); `None` while it lasts.
    pub valid_until: Option<Date>,
}

impl LegalRepresentative {
    /// Whether the function is held on `date` (both ends inclusive).
    pub fn is_valid_on(&self, date: Date) -> bool {
        is_within(date, self.valid_from, self.valid_until)
    }
}

/// A person employed by an enterprise, as the social-security declarations
/// show. An employee may be designated head access manager.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Employment {
    pub person: NationalNumber,
    pub enterprise: EnterpriseNumber,
    pub valid_from: Date,
    /// Last day of employment (inclusive); `None` while it lasts.
    pub valid_until: Option<Date>,
}

impl Employment {
    /// Whether the person is employed on `date` (both ends inclusive).
    pub fn is_valid_on(&self, date: Date) -> bool {
        is_within(date, self.valid_from, self.valid_until)
    }
}

fn is_within(date: Date, from: Date, until: Option<Date>) -> bool {
    from <= date && until.is_none_or(|until| date <= until)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn names() -> Names {
        Names::from_options(
            Some("Vereniging Hoge Venen".into()),
            None,
            Some("Vereinigung Hohes Venn".into()),
            None,
        )
        .unwrap()
    }

    #[test]
    fn a_name_in_the_readers_language_wins() {
        assert_eq!(names().display(Language::Nl), "Vereniging Hoge Venen");
        assert_eq!(names().display(Language::De), "Vereinigung Hohes Venn");
    }

    #[test]
    fn a_missing_language_falls_back_to_the_nearest_one() {
        assert_eq!(names().display(Language::Fr), "Vereniging Hoge Venen");
        assert_eq!(names().display(Language::En), "Vereniging Hoge Venen");
        let french_only = Names::new(Language::Fr, "Clinique Saint-Rembert").unwrap();
        assert_eq!(french_only.display(Language::De), "Clinique Saint-Rembert");
    }

    #[test]
    fn names_cannot_be_empty_or_blank() {
        assert_eq!(Names::from_options(None, Some("  ".into()), None, None), Err(NamesError::Missing));
        assert_eq!(Names::new(Language::Nl, " "), Err(NamesError::Blank { language: Language::Nl }));
        assert!(serde_json::from_str::<Names>("{}").is_err());
    }

    #[test]
    fn names_serialize_as_a_map_per_language() {
        let json = serde_json::to_string(&names()).unwrap();
        assert_eq!(json, r#"{"nl":"Vereniging Hoge Venen","de":"Vereinigung Hohes Venn"}"#);
        assert_eq!(serde_json::from_str::<Names>(&json).unwrap(), names());
    }

    #[test]
    fn a_representation_is_valid_from_its_first_to_its_last_day() {
        let representative = LegalRepresentative {
            person: NationalNumber::parse("58120121191").unwrap(),
            enterprise: EnterpriseNumber::parse("0410561210").unwrap(),
            function: LegalFunction::Director,
            valid_from: date!(2010 - 01 - 01),
            valid_until: Some(date!(2022 - 06 - 30)),
        };
        assert!(!representative.is_valid_on(date!(2009 - 12 - 31)));
        assert!(representative.is_valid_on(date!(2010 - 01 - 01)));
        assert!(representative.is_valid_on(date!(2022 - 06 - 30)));
        assert!(!representative.is_valid_on(date!(2022 - 07 - 01)));
    }

    #[test]
    fn an_open_ended_employment_stays_valid() {
        let employment = Employment {
            person: NationalNumber::parse("90110224612").unwrap(),
            enterprise: EnterpriseNumber::parse("0474603083").unwrap(),
            valid_from: date!(2015 - 09 - 01),
            valid_until: None,
        };
        assert!(employment.is_valid_on(date!(2099 - 01 - 01)));
        assert!(!employment.is_valid_on(date!(2015 - 08 - 31)));
    }
}
