//! `[social_security]`: the catalogue of social-security access management (docs/DOMAIN.md
//! §7, seeds 001, 003, 004) as configuration. Each quality (hoedanigheid) has a stable code,
//! names in NL/FR/DE/EN, the BTB domain whose access managers manage it, the identifier it
//! is known by, the subdivision and site types it allows (each with the identifier it
//! needs), the secured applications it allows and the functions its users may hold. The
//! default holds what the seeds show; a deployment lists its own.

use serde::{Deserialize, Serialize};

use crate::domain::{HcoNumber, Language, RszNumber};
use crate::kernel::ConfigError;

mod catalogue;
pub use catalogue::default_catalogue;

/// Names in the four languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Names {
    pub nl: String,
    pub fr: String,
    pub de: String,
    pub en: String,
}

impl Names {
    pub fn get(&self, language: Language) -> &str {
        match language {
            Language::Nl => &self.nl,
            Language::Fr => &self.fr,
            Language::De => &self.de,
            Language::En => &self.en,
        }
    }

    fn is_complete(&self) -> bool {
        [&self.nl, &self.fr, &self.de, &self.en].iter().all(|n| !n.trim().is_empty())
    }
}

fn names(nl: &str, fr: &str, de: &str, en: &str) -> Names {
    Names { nl: nl.into(), fr: fr.into(), de: de.into(), en: en.into() }
}

/// The identifier a place is known by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentifierKind {
    /// The enterprise number (no input: the quality is the enterprise's).
    EnterpriseNumber,
    /// An RSZ registration number (`1743295-63`), checked by [`RszNumber`].
    RszNumber,
    /// An HCO number (`12817`), checked by [`HcoNumber`].
    HcoNumber,
    /// None.
    None,
}

impl IdentifierKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::EnterpriseNumber => "enterprise_number",
            Self::RszNumber => "rsz_number",
            Self::HcoNumber => "hco_number",
            Self::None => "none",
        }
    }

    /// Whether a form must ask for it.
    pub fn is_asked(self) -> bool {
        matches!(self, Self::RszNumber | Self::HcoNumber)
    }

    /// The identifier in its canonical form, or `None` when `raw` is not one.
    pub fn parse(self, raw: &str) -> Option<String> {
        match self {
            Self::RszNumber => RszNumber::parse(raw).ok().map(|n| n.formatted()),
            Self::HcoNumber => HcoNumber::parse(raw).ok().map(|n| n.as_str().to_string()),
            Self::EnterpriseNumber | Self::None => Some(String::new()),
        }
    }
}

/// A secured application (beveiligde toepassing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplicationSetting {
    pub code: String,
    pub names: Names,
}

/// A function a site user may hold (functie), e.g. chief radiologist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FunctionSetting {
    pub code: String,
    pub names: Names,
}

/// A type of subdivision or site, with the identifier it needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlaceType {
    pub code: String,
    pub names: Names,
    pub identifier: IdentifierKind,
}

/// A quality (hoedanigheid).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QualitySetting {
    pub code: String,
    pub names: Names,
    /// The BTB domain (`[btb] domains`) whose access managers manage the quality.
    pub domain: String,
    /// What identifies the quality: the enterprise number or an RSZ number.
    pub identifier: IdentifierKind,
    pub subdivision_types: Vec<PlaceType>,
    pub site_types: Vec<PlaceType>,
    /// The secured applications the quality allows (codes of `applications`).
    pub applications: Vec<String>,
    /// The functions its site users may hold (codes of `functions`).
    #[serde(default)]
    pub functions: Vec<String>,
    /// When set, only these enterprises (numbers, 10 digits) may activate the quality: the
    /// authority's list of recognised institutions (seed 001: "U mag de hoedanigheid niet
    /// activeren" for an enterprise the authority knows under another number).
    #[serde(default)]
    pub recognised_enterprises: Option<Vec<String>>,
}

impl QualitySetting {
    pub fn subdivision_type(&self, code: &str) -> Option<&PlaceType> {
        self.subdivision_types.iter().find(|t| t.code == code)
    }

    pub fn site_type(&self, code: &str) -> Option<&PlaceType> {
        self.site_types.iter().find(|t| t.code == code)
    }

    pub fn allows_application(&self, code: &str) -> bool {
        self.applications.iter().any(|a| a == code)
    }

    pub fn allows_function(&self, code: &str) -> bool {
        self.functions.iter().any(|f| f == code)
    }

    /// Whether `enterprise` (10 digits) may activate the quality.
    pub fn is_activatable_by(&self, enterprise: &str) -> bool {
        self.recognised_enterprises.as_ref().is_none_or(|list| list.iter().any(|e| e == enterprise))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SocialSecuritySettings {
    pub applications: Vec<ApplicationSetting>,
    pub functions: Vec<FunctionSetting>,
    pub qualities: Vec<QualitySetting>,
    /// Rows per page of a quality's user list.
    pub page_size: i64,
}

impl Default for SocialSecuritySettings {
    fn default() -> Self {
        default_catalogue()
    }
}

fn is_code(c: &str) -> bool {
    !c.is_empty()
        && c.len() <= 40
        && c.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn invalid(problem: String) -> ConfigError {
    ConfigError::Invalid { key: "social_security", problem }
}

impl SocialSecuritySettings {
    /// Checks the catalogue; `domains` are the BTB domain codes.
    pub fn validate(&self, domains: &[&str]) -> Result<(), ConfigError> {
        let mut seen = std::collections::HashSet::new();
        for (kind, code, n) in self
            .applications
            .iter()
            .map(|a| ("application", &a.code, &a.names))
            .chain(self.functions.iter().map(|f| ("function", &f.code, &f.names)))
            .chain(self.qualities.iter().map(|q| ("quality", &q.code, &q.names)))
        {
            if !is_code(code) {
                return Err(invalid(format!("{kind} code {code:?}: use 1-40 of a-z, 0-9 and _")));
            }
            if !seen.insert((kind, code.as_str())) {
                return Err(invalid(format!("{kind} code {code:?} twice")));
            }
            if !n.is_complete() {
                return Err(invalid(format!("{kind} {code:?} needs a name in nl, fr, de and en")));
            }
        }
        for q in &self.qualities {
            if !domains.contains(&q.domain.as_str()) {
                return Err(invalid(format!("quality {:?}: unknown BTB domain {:?}", q.code, q.domain)));
            }
            if !matches!(q.identifier, IdentifierKind::EnterpriseNumber | IdentifierKind::RszNumber) {
                return Err(invalid(format!(
                    "quality {:?}: identifier enterprise_number or rsz_number",
                    q.code
                )));
            }
            if let Some(a) = q.applications.iter().find(|a| self.application(a).is_none()) {
                return Err(invalid(format!("quality {:?}: unknown application {a:?}", q.code)));
            }
            if let Some(f) = q.functions.iter().find(|f| self.function(f).is_none()) {
                return Err(invalid(format!("quality {:?}: unknown function {f:?}", q.code)));
            }
            for t in q.subdivision_types.iter().chain(&q.site_types) {
                if !is_code(&t.code) || !t.names.is_complete() {
                    return Err(invalid(format!("quality {:?}: place type {:?}", q.code, t.code)));
                }
            }
        }
        if !(5..=500).contains(&self.page_size) {
            return Err(invalid("page_size: between 5 and 500".into()));
        }
        Ok(())
    }

    pub fn quality(&self, code: &str) -> Option<&QualitySetting> {
        self.qualities.iter().find(|q| q.code == code)
    }

    pub fn application(&self, code: &str) -> Option<&ApplicationSetting> {
        self.applications.iter().find(|a| a.code == code)
    }

    pub fn function(&self, code: &str) -> Option<&FunctionSetting> {
        self.functions.iter().find(|f| f.code == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_catalogue_is_valid_and_a_bad_code_an_unknown_domain_or_application_is_refused() {
        let domains: Vec<String> =
            crate::access::btb::settings::default_domains().into_iter().map(|d| d.code).collect();
        let domains: Vec<&str> = domains.iter().map(String::as_str).collect();
        let s = SocialSecuritySettings::default();
        assert!(s.validate(&domains).is_ok());
        let mammo = s.quality("mammography_unit").expect("mammography unit");
        assert_eq!(mammo.names.get(Language::Nl), "Mammografische eenheid kankerbevolkingsonderzoek");
        assert!(mammo.allows_application("heracles") && mammo.allows_function("chief_radiologist"));
        let mut bad = s.clone();
        bad.qualities[0].code = "Employer RSZ".into();
        assert!(bad.validate(&domains).is_err());
        let mut domain = s.clone();
        domain.qualities[0].domain = "nowhere".into();
        assert!(domain.validate(&domains).is_err());
        let mut unknown = s.clone();
        unknown.qualities[1].applications.push("solitaire".into());
        assert!(unknown.validate(&domains).is_err());
    }

    #[test]
    fn identifiers_are_checked_by_their_domain_types() {
        assert_eq!(IdentifierKind::RszNumber.parse("174329563").as_deref(), Some("1743295-63"));
        assert_eq!(IdentifierKind::RszNumber.parse("1743295-64"), None);
        assert_eq!(IdentifierKind::HcoNumber.parse(" 12817 ").as_deref(), Some("12817"));
        assert_eq!(IdentifierKind::HcoNumber.parse("12a17"), None);
    }
}
