//! The legal functions (wettelijke functies) a person can hold in an
//! enterprise, as the KBO records them for legal representatives.
//!
//! The codes are Poort's own stable snake_case codes (the KBO open data does
//! not publish functions; its internal code table was not available to us).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::domain::Language;

/// A legal function in an enterprise. Unknown functions keep their text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", from = "String")]
pub enum LegalFunction {
    /// Bestuurder / administrateur.
    Director,
    /// Zaakvoerder / gérant (of a BV, formerly BVBA).
    Manager,
    /// Gedelegeerd bestuurder / administrateur délégué.
    ManagingDirector,
    /// Voorzitter raad van bestuur / président du conseil d'administration.
    ChairOfTheBoard,
    /// Persoon belast met het dagelijks bestuur / délégué à la gestion journalière.
    DailyManagement,
    /// Vaste vertegenwoordiger / représentant permanent (of a legal person
    /// that is itself a director).
    PermanentRepresentative,
    /// Vereffenaar / liquidateur.
    Liquidator,
    /// Any other function, as written in the source.
    Other(String),
}

/// (function, code, nl, fr, de, en)
const KNOWN: [(LegalFunction, &str, [&str; 4]); 7] = [
    (
        LegalFunction::Director,
        "director",
        ["Bestuurder", "Administrateur", "Verwaltungsratsmitglied", "Director"],
    ),
    (LegalFunction::Manager, "manager", ["Zaakvoerder", "Gérant", "Geschäftsführer", "Manager"]),
    (
        LegalFunction::ManagingDirector,
        "managing_director",
        [
            "Gedelegeerd bestuurder",
            "Administrateur délégué",
            "Delegiertes Verwaltungsratsmitglied",
            "Managing director",
        ],
    ),
    (
        LegalFunction::ChairOfTheBoard,
        "chair_of_the_board",
        [
            "Voorzitter raad van bestuur",
            "Président du conseil d'administration",
            "Vorsitzender des Verwaltungsrates",
            "Chair of the board of directors",
        ],
    ),
    (
        LegalFunction::DailyManagement,
        "daily_management",
        [
            "Persoon belast met het dagelijks bestuur",
            "Délégué à la gestion journalière",
            "Mit der täglichen Geschäftsführung beauftragte Person",
            "Person in charge of day-to-day management",
        ],
    ),
    (
        LegalFunction::PermanentRepresentative,
        "permanent_representative",
        [
            "Vaste vertegenwoordiger",
            "Représentant permanent",
            "Ständiger Vertreter",
            "Permanent representative",
        ],
    ),
    (LegalFunction::Liquidator, "liquidator", ["Vereffenaar", "Liquidateur", "Liquidator", "Liquidator"]),
];

impl LegalFunction {
    /// Reads a code (`manager`) or a label in any of the four languages
    /// (`Zaakvoerder`, `gérant`), ignoring case and surrounding spaces.
    /// Anything else becomes [`LegalFunction::Other`] with the trimmed text.
    pub fn parse(input: &str) -> Self {
        let wanted = input.trim();
        KNOWN
            .iter()
            .find(|(_, code, labels)| {
                code.eq_ignore_ascii_case(wanted)
                    || labels.iter().any(|l| l.to_lowercase() == wanted.to_lowercase())
            })
            .map(|(function, _, _)| function.clone())
            .unwrap_or_else(|| Self::Other(wanted.to_owned()))
    }

    /// The stable code (`manager`); for `Other`, its text.
    pub fn code(&self) -> &str {
        match self {
            Self::Other(text) => text,
            known => KNOWN.iter().find(|(f, _, _)| f == known).map_or("", |(_, code, _)| code),
        }
    }

    /// The label in `language` (`Zaakvoerder`, `Gérant`…); for `Other`, its text.
    pub fn label(&self, language: Language) -> &str {
        let index = match language {
            Language::Nl => 0,
            Language::Fr => 1,
            Language::De => 2,
            Language::En => 3,
        };
        match self {
            Self::Other(text) => text,
            known => KNOWN.iter().find(|(f, _, _)| f == known).map_or("", |(_, _, labels)| labels[index]),
        }
    }
}

/// Displays the code.
impl fmt::Display for LegalFunction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl From<String> for LegalFunction {
    fn from(s: String) -> Self {
        Self::parse(&s)
    }
}

impl From<LegalFunction> for String {
    fn from(f: LegalFunction) -> Self {
        f.code().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_labels_in_every_language_are_recognised() {
        for input in ["manager", "Zaakvoerder", "zaakvoerder", "Gérant", "GÉRANT", " Geschäftsführer "] {
            assert_eq!(LegalFunction::parse(input), LegalFunction::Manager, "{input}");
        }
        assert_eq!(LegalFunction::parse("Gedelegeerd bestuurder"), LegalFunction::ManagingDirector);
        assert_eq!(LegalFunction::parse("Voorzitter raad van bestuur"), LegalFunction::ChairOfTheBoard);
    }

    #[test]
    fn an_unknown_function_keeps_its_text() {
        let function = LegalFunction::parse(" Curator ");
        assert_eq!(function, LegalFunction::Other("Curator".into()));
        assert_eq!(function.code(), "Curator");
        assert_eq!(function.label(Language::Fr), "Curator");
    }

    #[test]
    fn every_known_function_round_trips_through_its_code_and_has_four_labels() {
        for (function, code, _) in KNOWN.iter() {
            assert_eq!(function.code(), *code);
            assert_eq!(&LegalFunction::parse(code), function);
            for language in Language::ALL {
                assert!(!function.label(language).is_empty());
            }
            let json = serde_json::to_string(function).unwrap();
            assert_eq!(&serde_json::from_str::<LegalFunction>(&json).unwrap(), function);
        }
        assert_eq!(LegalFunction::Manager.label(Language::Nl), "Zaakvoerder");
        assert_eq!(LegalFunction::Manager.label(Language::Fr), "Gérant");
    }
}
