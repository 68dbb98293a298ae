//! eIDAS levels of assurance (Commission Implementing Regulation (EU) 2015/1502) and their
//! mapping to FAS levels (low→200, substantial→400, high→450; docs/RELYING_PARTIES.md).

use serde::{Deserialize, Serialize};

/// An eIDAS level of assurance; ordered low < substantial < high.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Loa {
    Low,
    Substantial,
    High,
}

impl Loa {
    /// The `AuthnContextClassRef` URI (eIDAS SAML Message Format v1.2 §2.4.1).
    pub fn uri(self) -> &'static str {
        match self {
            Loa::Low => "http://eidas.europa.eu/LoA/low",
            Loa::Substantial => "http://eidas.europa.eu/LoA/substantial",
            Loa::High => "http://eidas.europa.eu/LoA/high",
        }
    }

    /// Parses an `AuthnContextClassRef` URI; anything else (including the non-notified
    /// `http://eidas.europa.eu/NotNotified/LoA/*` URIs) is `None`.
    pub fn from_uri(uri: &str) -> Option<Loa> {
        [Loa::Low, Loa::Substantial, Loa::High].into_iter().find(|l| l.uri() == uri.trim())
    }

    /// Short name, as in configuration and forms.
    pub fn as_str(self) -> &'static str {
        match self {
            Loa::Low => "low",
            Loa::Substantial => "substantial",
            Loa::High => "high",
        }
    }

    /// Parses the short name (`low`, `substantial`, `high`).
    pub fn from_name(name: &str) -> Option<Loa> {
        [Loa::Low, Loa::Substantial, Loa::High].into_iter().find(|l| l.as_str() == name)
    }

    /// The FAS level an eIDAS login at this LoA maps to.
    pub fn fas_level(self) -> u16 {
        match self {
            Loa::Low => 200,
            Loa::Substantial => 400,
            Loa::High => 450,
        }
    }
}
