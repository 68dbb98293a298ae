//! The JOSE signing algorithms Poort signs its own tokens with (RFC 7518 §3.1).

use jsonwebtoken::Algorithm;
use serde::{Deserialize, Serialize};

/// Signing algorithms Poort uses for its own tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Alg {
    ES256,
    RS256,
}

impl Alg {
    /// The same algorithm for jsonwebtoken (verification).
    pub fn jwt(self) -> Algorithm {
        match self {
            Self::ES256 => Algorithm::ES256,
            Self::RS256 => Algorithm::RS256,
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "ES256" => Some(Self::ES256),
            "RS256" => Some(Self::RS256),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ES256 => "ES256",
            Self::RS256 => "RS256",
        }
    }
}
