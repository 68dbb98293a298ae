//! Token revocation (RFC 7009): what a revocation request means.
//!
//! * Revoking a refresh token revokes its whole grant (RFC 7009 §2.1 "SHOULD also
//!   invalidate all access tokens based on the same authorization grant").
//! * Revoking an access token revokes that token only (its `jti`, or its opaque row).
//! * Unknown, invalid or already revoked tokens, and tokens of another client, are
//!   answered with 200 and nothing happens (RFC 7009 §2.2: the client cannot tell).

/// RFC 7009 §2.1 `token_type_hint`: only a hint; both kinds are tried anyway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    AccessToken,
    RefreshToken,
    None,
}

impl Hint {
    /// Unknown hints are ignored (RFC 7009 §2.1: the server "MAY ignore" the hint and
    /// extend its search); `unsupported_token_type` is never needed since both are
    /// revocable.
    pub fn parse(value: Option<&str>) -> Self {
        match value {
            Some("access_token") => Self::AccessToken,
            Some("refresh_token") => Self::RefreshToken,
            _ => Self::None,
        }
    }
}

/// What to revoke once the token is identified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Revocation {
    /// A refresh token: the grant and every token of it.
    Grant(String),
    /// An opaque access token row.
    OpaqueAccess(String),
    /// A JWT access token: its `jti` until it would expire anyway.
    JwtAccess { jti: String, exp: i64 },
    /// Not ours, not valid, or not this client's: do nothing, answer 200.
    Nothing,
}

/// Decides what a client may revoke: only tokens issued to it.
pub fn decide(caller: &str, token_client: Option<&str>, revocation: Revocation) -> Revocation {
    match token_client {
        Some(owner) if owner == caller => revocation,
        _ => Revocation::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_cannot_revoke_the_tokens_of_another_client() {
        assert_eq!(decide("a", Some("b"), Revocation::Grant("g".into())), Revocation::Nothing);
        assert_eq!(decide("a", None, Revocation::Grant("g".into())), Revocation::Nothing);
        assert_eq!(decide("a", Some("a"), Revocation::Grant("g".into())), Revocation::Grant("g".into()));
    }

    #[test]
    fn unknown_hints_are_ignored() {
        assert_eq!(Hint::parse(Some("refresh_token")), Hint::RefreshToken);
        assert_eq!(Hint::parse(Some("id_token")), Hint::None);
        assert_eq!(Hint::parse(None), Hint::None);
    }
}
