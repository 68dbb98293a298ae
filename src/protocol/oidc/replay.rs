//! Single-use identifiers (`jti` of client assertions, DPoP proofs, request objects).
//!
//! The protocol functions only ask "is this the first time?"; the storage engineer implements
//! [`ReplayGuard`] on a table `used_jti(namespace, jti, expires_at)` with a UNIQUE
//! (namespace, jti) constraint: an INSERT that fails on the constraint means "seen before".
//! Rows may be deleted once `expires_at` has passed (the token is refused on time anyway).

use std::collections::HashMap;

/// Namespaces keep identifiers of different token kinds apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReplayNamespace {
    /// RFC 7523 §3 item 7: client assertion `jti`.
    ClientAssertion,
    /// RFC 9449 §11.1: DPoP proof `jti`.
    DpopProof,
    /// RFC 9101 §10.8: request object `jti` (when present).
    RequestObject,
}

impl ReplayNamespace {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ClientAssertion => "client_assertion",
            Self::DpopProof => "dpop",
            Self::RequestObject => "request_object",
        }
    }
}

/// Records single-use identifiers.
pub trait ReplayGuard {
    /// Records `(namespace, issuer, jti)` and returns `true` if it had not been seen before.
    /// `keep_until` is when the record may be forgotten (unix seconds). Must be atomic.
    fn first_use(&mut self, namespace: ReplayNamespace, issuer: &str, jti: &str, keep_until: i64) -> bool;
}

/// In-memory guard for tests and single-node development.
#[derive(Debug, Default)]
pub struct MemoryReplayGuard {
    seen: HashMap<(ReplayNamespace, String, String), i64>,
}

impl ReplayGuard for MemoryReplayGuard {
    fn first_use(&mut self, namespace: ReplayNamespace, issuer: &str, jti: &str, keep_until: i64) -> bool {
        self.seen.insert((namespace, issuer.to_owned(), jti.to_owned()), keep_until).is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_jti_is_accepted_once_per_namespace_and_issuer() {
        let mut guard = MemoryReplayGuard::default();
        assert!(guard.first_use(ReplayNamespace::DpopProof, "c", "j", 10));
        assert!(!guard.first_use(ReplayNamespace::DpopProof, "c", "j", 10));
        assert!(guard.first_use(ReplayNamespace::ClientAssertion, "c", "j", 10));
        assert!(guard.first_use(ReplayNamespace::DpopProof, "other", "j", 10));
    }
}
