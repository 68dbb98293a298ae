//! Codes of the KBO open-data files (Cookbook KBO Open Data, and the
//! `code.csv` that ships with every extract).
//!
//! Verified against the cookbook and published extracts:
//! - `Language` of a denomination: 0 unknown, 1 French, 2 Dutch, 3 German,
//!   4 English;
//! - `TypeOfDenomination`: 001 name (legal name), 002 abbreviation,
//!   003 commercial name, 004 branch-office name;
//! - `TypeOfAddress`: REGO registered office (zetel), BAET establishment unit,
//!   ABBR branch office, OBAD oldest active establishment unit;
//! - `Status`: AC active (the full file only contains active entities);
//! - `JuridicalForm` 124 = Openbare instelling.
//!
//! Not verified (no code table reachable; from general knowledge of the KBO
//! code table): `Status` ST (stopped), and the juridical forms 014, 015, 017
//! and 610 below. A real import should read `code.csv`; until then unknown
//! codes are kept as the code itself.

use crate::domain::Language;
use crate::registry::model::EnterpriseStatus;

/// KBO denomination type of the legal name.
pub(crate) const LEGAL_NAME: &str = "001";
/// KBO address type of the registered office.
pub(crate) const REGISTERED_OFFICE: &str = "REGO";

/// A KBO language code: `Some(Some(_))` a language, `Some(None)` code 0
/// (unknown), `None` not a known code.
pub(crate) fn language(code: &str) -> Option<Option<Language>> {
    match code {
        "0" => Some(None),
        "1" => Some(Some(Language::Fr)),
        "2" => Some(Some(Language::Nl)),
        "3" => Some(Some(Language::De)),
        "4" => Some(Some(Language::En)),
        _ => None,
    }
}

/// A KBO status code.
pub(crate) fn status(code: &str) -> Option<EnterpriseStatus> {
    match code {
        "AC" => Some(EnterpriseStatus::Active),
        "ST" => Some(EnterpriseStatus::Stopped),
        _ => None,
    }
}

/// A juridical form Poort knows by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JuridicalForm {
    /// KBO code, 3 digits.
    pub code: &'static str,
    /// What Poort stores as `legal_form` (the Dutch abbreviation).
    pub abbreviation: &'static str,
    /// French abbreviation.
    pub abbreviation_fr: &'static str,
    /// Dutch name.
    pub name_nl: &'static str,
    /// Whether the code was checked against a published KBO code table.
    pub is_verified: bool,
}

/// The juridical forms of the demo sample plus the most common ones.
pub const JURIDICAL_FORMS: [JuridicalForm; 5] = [
    JuridicalForm {
        code: "014",
        abbreviation: "NV",
        abbreviation_fr: "SA",
        name_nl: "Naamloze vennootschap",
        is_verified: false,
    },
    JuridicalForm {
        code: "015",
        abbreviation: "BVBA",
        abbreviation_fr: "SPRL",
        name_nl: "Besloten vennootschap met beperkte aansprakelijkheid",
        is_verified: false,
    },
    JuridicalForm {
        code: "017",
        abbreviation: "VZW",
        abbreviation_fr: "ASBL",
        name_nl: "Vereniging zonder winstoogmerk",
        is_verified: false,
    },
    JuridicalForm {
        code: "124",
        abbreviation: "Openbare instelling",
        abbreviation_fr: "Etablissement public",
        name_nl: "Openbare instelling",
        is_verified: true,
    },
    JuridicalForm {
        code: "610",
        abbreviation: "BV",
        abbreviation_fr: "SRL",
        name_nl: "Besloten vennootschap",
        is_verified: false,
    },
];

/// The `legal_form` Poort stores for a KBO code: the abbreviation when
/// known, else the code itself.
pub fn legal_form(code: &str) -> String {
    JURIDICAL_FORMS
        .iter()
        .find(|f| f.code == code)
        .map_or_else(|| code.to_owned(), |f| f.abbreviation.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_forms_become_abbreviations_and_unknown_ones_keep_their_code() {
        assert_eq!(legal_form("610"), "BV");
        assert_eq!(legal_form("017"), "VZW");
        assert_eq!(legal_form("999"), "999");
    }

    #[test]
    fn denomination_languages_follow_the_kbo_code_table() {
        assert_eq!(language("1"), Some(Some(Language::Fr)));
        assert_eq!(language("2"), Some(Some(Language::Nl)));
        assert_eq!(language("3"), Some(Some(Language::De)));
        assert_eq!(language("4"), Some(Some(Language::En)));
        assert_eq!(language("0"), Some(None));
        assert_eq!(language("5"), None);
    }
}
