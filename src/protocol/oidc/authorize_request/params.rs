//! The raw parameters: how many, how long, none repeated (RFC 6749 §3.1), and the `acr`
//! values Poort knows.

use std::collections::HashMap;

use crate::protocol::oidc::error::OAuthError;

/// The most parameters one request may carry.
pub const MAX_PARAMETERS: usize = 64;

/// The longest value a parameter may have (in bytes): signed objects may be long, what is
/// echoed or stored per login is kept short (attack review finding 4: 30 KB states and
/// nonces made every unauthenticated request a large database row).
pub fn max_length(name: &str) -> usize {
    match name {
        "request" | "client_assertion" | "claims" | "id_token_hint" | "logout_token" => 32 * 1024,
        "state" => 2048,
        "nonce" | "login_hint" => 512,
        "code_verifier" | "code_challenge" => 128,
        _ => 4096,
    }
}

/// RFC 6749 §3.1: parameters sent more than once are refused; so are too many parameters
/// and over-long values, each with a message naming the parameter and its limit. Builds the
/// map the validators take from raw (query or form) pairs.
pub fn params_from_pairs(
    pairs: impl IntoIterator<Item = (String, String)>,
) -> Result<HashMap<String, String>, OAuthError> {
    let mut out = HashMap::new();
    for (k, v) in pairs {
        if out.len() >= MAX_PARAMETERS {
            return Err(OAuthError::invalid_request(format!(
                "at most {MAX_PARAMETERS} parameters are accepted"
            )));
        }
        let limit = max_length(&k);
        if v.len() > limit || k.len() > 64 {
            let name: String = k.chars().take(64).collect();
            return Err(OAuthError::invalid_request(format!("{name} is too long (at most {limit} bytes)")));
        }
        if out.insert(k, v).is_some() {
            return Err(OAuthError::invalid_request("a parameter was sent more than once"));
        }
    }
    Ok(out)
}

/// Maps an `acr` value to a FAS level: `urn:be:fedict:iam:fas:LevelNNN` or eIDAS LoA
/// (low ≥200, substantial ≥300, high ≥450; docs/RELYING_PARTIES.md, "Levels of assurance").
pub fn acr_to_level(acr: &str) -> Option<u16> {
    if let Some(n) = acr.strip_prefix("urn:be:fedict:iam:fas:Level") {
        return n.parse().ok().filter(|l| [100, 200, 300, 400, 450, 500].contains(l));
    }
    match acr {
        "http://eidas.europa.eu/LoA/low" => Some(200),
        "http://eidas.europa.eu/LoA/substantial" => Some(300),
        "http://eidas.europa.eu/LoA/high" => Some(450),
        _ => None,
    }
}
