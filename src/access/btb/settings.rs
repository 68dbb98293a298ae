//! `[btb]`: the management of access managers. The domain list is configuration: each
//! domain has a stable code (used in URLs, grants, tokens and the web service) and its
//! names in NL/FR/DE/EN. The default holds the domains the source manuals name
//! (docs/DOMAIN.md §6); the real service has twenty.

use serde::{Deserialize, Serialize};

use crate::domain::{AuthLevel, Language};
use crate::kernel::ConfigError;

/// One domain (a group of applications).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DomainSetting {
    /// Stable code: lowercase letters, digits and `_`.
    pub code: String,
    pub nl: String,
    pub fr: String,
    pub de: String,
    pub en: String,
}

impl DomainSetting {
    /// The name in `language`.
    pub fn name(&self, language: Language) -> &str {
        match language {
            Language::Nl => &self.nl,
            Language::Fr => &self.fr,
            Language::De => &self.de,
            Language::En => &self.en,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BtbSettings {
    /// The level a session or token needs for the standard procedure and for managing
    /// access managers (default 400: any key of substantial assurance).
    pub required_level: AuthLevel,
    /// The level the back office needs (default 450: eID or itsme).
    pub back_office_level: AuthLevel,
    /// Largest signed request document the back office may upload, in bytes.
    pub upload_max_bytes: usize,
    pub domains: Vec<DomainSetting>,
}

fn domain(code: &str, nl: &str, fr: &str, de: &str, en: &str) -> DomainSetting {
    DomainSetting { code: code.into(), nl: nl.into(), fr: fr.into(), de: de.into(), en: en.into() }
}

/// The domains named in the source manuals.
pub fn default_domains() -> Vec<DomainSetting> {
    vec![
        domain("home_affairs", "Binnenlandse zaken", "Intérieur", "Inneres", "Home affairs"),
        domain(
            "foreign_affairs",
            "Buitenlandse zaken",
            "Affaires étrangères",
            "Auswärtige Angelegenheiten",
            "Foreign affairs",
        ),
        domain("economy", "Economie", "Économie", "Wirtschaft", "Economy"),
        domain("finance", "Financiën", "Finances", "Finanzen", "Finance"),
        domain("health_care", "Gezondheidszorg", "Soins de santé", "Gesundheitswesen", "Health care"),
        domain("housing", "Huisvesting", "Logement", "Wohnungswesen", "Housing"),
        domain("justice", "Justitie", "Justice", "Justiz", "Justice"),
        domain("environment", "Leefmilieu", "Environnement", "Umwelt", "Environment"),
        domain(
            "mobility",
            "Mobiliteit (vervoer, infrastructuur, telecommunicatie)",
            "Mobilité (transport, infrastructure, télécommunications)",
            "Mobilität (Verkehr, Infrastruktur, Telekommunikation)",
            "Mobility (transport, infrastructure, telecom)",
        ),
        domain(
            "public_procurement",
            "Overheidsopdrachten",
            "Marchés publics",
            "Öffentliche Aufträge",
            "Public procurement",
        ),
        domain(
            "spatial_planning",
            "Ruimtelijke ordening",
            "Aménagement du territoire",
            "Raumordnung",
            "Spatial planning",
        ),
        domain("system_admin", "System Admin", "System Admin", "System Admin", "System admin"),
        domain("employment", "Werkgelegenheid", "Emploi", "Beschäftigung", "Employment"),
        domain(
            "social_security",
            "Werkgever RSZ / Sociale zekerheid",
            "Employeur ONSS / Sécurité sociale",
            "Arbeitgeber LSS / Soziale Sicherheit",
            "Employer NSSO / Social security",
        ),
    ]
}

impl Default for BtbSettings {
    fn default() -> Self {
        Self {
            required_level: AuthLevel::PASSWORD_WITH_APP,
            back_office_level: AuthLevel::ITSME,
            upload_max_bytes: 5 * 1024 * 1024,
            domains: default_domains(),
        }
    }
}

impl BtbSettings {
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.domains.is_empty() {
            return Err(ConfigError::Invalid {
                key: concat!("btb", ".domains"),
                problem: "at least one domain is needed".into(),
            });
        }
        let mut seen = std::collections::HashSet::new();
        for d in &self.domains {
            let is_code = !d.code.is_empty()
                && d.code.len() <= 40
                && d.code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !is_code {
                return Err(ConfigError::Invalid {
                    key: concat!("btb", ".domains"),
                    problem: format!("domain code {:?}: use 1-40 of a-z, 0-9 and _", d.code),
                });
            }
            if !seen.insert(d.code.as_str()) {
                return Err(ConfigError::Invalid {
                    key: concat!("btb", ".domains"),
                    problem: format!("domain code {:?} twice", d.code),
                });
            }
            if [&d.nl, &d.fr, &d.de, &d.en].iter().any(|n| n.trim().is_empty()) {
                return Err(ConfigError::Invalid {
                    key: concat!("btb", ".domains"),
                    problem: format!("domain {:?} needs a name in nl, fr, de and en", d.code),
                });
            }
        }
        if self.upload_max_bytes < 1024 || self.upload_max_bytes > 20 * 1024 * 1024 {
            return Err(ConfigError::Invalid {
                key: concat!("btb", ".upload_max_bytes"),
                problem: "between 1 KiB and 20 MiB".into(),
            });
        }
        Ok(())
    }

    pub fn domain(&self, code: &str) -> Option<&DomainSetting> {
        self.domains.iter().find(|d| d.code == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_domains_are_valid_and_a_bad_code_or_a_twin_is_refused() {
        let settings = BtbSettings::default();
        assert!(settings.validate().is_ok());
        assert_eq!(settings.domain("health_care").map(|d| d.name(Language::Nl)), Some("Gezondheidszorg"));
        let mut bad = BtbSettings::default();
        bad.domains[0].code = "Home Affairs".into();
        assert!(bad.validate().is_err());
        let mut twin = BtbSettings::default();
        twin.domains.push(twin.domains[0].clone());
        assert!(twin.validate().is_err());
    }
}
