//! The languages Poort speaks: the three national languages and English.

use std::fmt;

use super::string_identifier;

/// A language of the user interface and of the registers' names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Language {
    /// Dutch (Nederlands).
    Nl,
    /// French (français).
    Fr,
    /// German (Deutsch).
    De,
    /// English.
    En,
}

/// Why a text is not a supported language.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LanguageError {
    #[error("'{found}' is not a supported language (nl, fr, de or en)")]
    Unsupported { found: String },
}

impl LanguageError {
    /// Stable key for translations and API error codes.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unsupported { .. } => "language.unsupported",
        }
    }
}

impl Language {
    /// Every language, in the order used for fallbacks and lists.
    pub const ALL: [Language; 4] = [Language::Nl, Language::Fr, Language::De, Language::En];

    /// Parses a language code or tag: `nl`, `NL`, `nl-BE`, `fr_BE`, `de`,
    /// `en-GB`… Only the primary subtag counts.
    pub fn parse(input: &str) -> Result<Self, LanguageError> {
        let trimmed = input.trim();
        let primary = trimmed.split(['-', '_']).next().unwrap_or_default();
        match primary.to_ascii_lowercase().as_str() {
            "nl" => Ok(Self::Nl),
            "fr" => Ok(Self::Fr),
            "de" => Ok(Self::De),
            "en" => Ok(Self::En),
            _ => Err(LanguageError::Unsupported { found: trimmed.to_owned() }),
        }
    }

    /// The ISO 639-1 code: `nl`, `fr`, `de`, `en`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Nl => "nl",
            Self::Fr => "fr",
            Self::De => "de",
            Self::En => "en",
        }
    }

    /// Same as [`Language::code`]; lets the serde macro treat it like the
    /// identifiers.
    pub fn as_str(&self) -> &'static str {
        self.code()
    }

    /// The language's own name: `Nederlands`, `Français`, `Deutsch`, `English`.
    pub fn native_name(self) -> &'static str {
        match self {
            Self::Nl => "Nederlands",
            Self::Fr => "Français",
            Self::De => "Deutsch",
            Self::En => "English",
        }
    }
}

/// Displays the code (`nl`).
impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

string_identifier!(Language, LanguageError);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_tags_in_any_case_are_accepted() {
        let table = [
            ("nl", Language::Nl),
            ("NL", Language::Nl),
            ("nl-BE", Language::Nl),
            ("fr", Language::Fr),
            ("fr_BE", Language::Fr),
            ("De", Language::De),
            ("de-BE", Language::De),
            ("en-GB", Language::En),
            (" en ", Language::En),
        ];
        for (input, expected) in table {
            assert_eq!(Language::parse(input), Ok(expected), "{input}");
        }
    }

    #[test]
    fn other_languages_are_refused_with_what_was_found() {
        for input in ["it", "", "nederlands", "n"] {
            assert_eq!(Language::parse(input), Err(LanguageError::Unsupported { found: input.to_owned() }));
        }
        assert_eq!(LanguageError::Unsupported { found: "it".into() }.code(), "language.unsupported");
    }

    #[test]
    fn every_language_round_trips_through_its_code_and_serde() {
        for language in Language::ALL {
            assert_eq!(Language::parse(&language.to_string()), Ok(language));
            let json = serde_json::to_string(&language).unwrap();
            assert_eq!(json, format!("\"{}\"", language.code()));
            assert_eq!(serde_json::from_str::<Language>(&json).unwrap(), language);
        }
    }
}
