//! The OP's key set: one active key per algorithm, retired keys kept for verification
//! until their overlap ends (rotation semantics in the parent module's documentation).

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{Alg, KeyError, PublicJwk, SigningKey, generate};
use crate::protocol::oidc::jwt::{self, Claims, JwtError};

/// A key kept for verification only.
#[derive(Debug)]
pub struct RetiredKey {
    pub key: SigningKey,
    /// Unix seconds; after this the key neither verifies nor is published.
    pub verify_until: i64,
}

/// What [`KeySet::verify_own`] checks besides the signature.
#[derive(Debug, Clone, Copy)]
pub struct OwnTokenCheck<'a> {
    pub issuer: &'a str,
    /// Expected `typ` header (e.g. `JWT` for id tokens, `at+jwt`).
    pub typ: &'a str,
    /// `false` for `id_token_hint`, which may be expired (OIDC RP-Initiated Logout §2).
    pub require_unexpired: bool,
}

/// The OP's key set.
#[derive(Debug, Default)]
pub struct KeySet {
    pub active: Vec<SigningKey>,
    pub retired: Vec<RetiredKey>,
}

impl KeySet {
    /// Builds a key set with one active key per algorithm given.
    pub fn new(active: Vec<SigningKey>) -> Self {
        Self { active, retired: Vec::new() }
    }

    pub fn active(&self, alg: Alg) -> Result<&SigningKey, KeyError> {
        self.active.iter().find(|k| k.alg == alg).ok_or(KeyError::NoActiveKey(alg))
    }

    /// JWKS document (RFC 7517 §5): active keys and retired keys still within their overlap.
    pub fn jwks(&self, now: i64) -> serde_json::Value {
        let keys: Vec<PublicJwk> = self
            .active
            .iter()
            .chain(self.retired.iter().filter(|r| r.verify_until > now).map(|r| &r.key))
            .map(SigningKey::to_jwk_public)
            .collect();
        serde_json::json!({ "keys": keys })
    }

    /// Makes `new_key` the active key of its algorithm; the previous one is retired until
    /// `now + overlap` (see the module documentation).
    pub fn rotate_to(&mut self, new_key: SigningKey, now: i64, overlap: i64) {
        if let Some(pos) = self.active.iter().position(|k| k.alg == new_key.alg) {
            let old = self.active.swap_remove(pos);
            self.retired.push(RetiredKey { key: old, verify_until: now + overlap });
        }
        self.active.push(new_key);
    }

    /// Generates a fresh key for every active algorithm and rotates to it.
    pub fn rotate(&mut self, now: i64, overlap: i64) -> Result<(), KeyError> {
        let algs: Vec<Alg> = self.active.iter().map(|k| k.alg).collect();
        for alg in algs {
            self.rotate_to(generate(alg, now)?, now, overlap);
        }
        Ok(())
    }

    /// Forgets retired keys whose overlap has ended.
    pub fn prune(&mut self, now: i64) {
        self.retired.retain(|r| r.verify_until > now);
    }

    /// Signs with the active key of `alg`.
    pub fn sign(&self, claims: &impl Serialize, alg: Alg, typ: &str) -> Result<String, KeyError> {
        self.active(alg)?.sign(claims, typ)
    }

    /// Verifies a token Poort signed itself (id_token_hint, refresh/logout checks): `kid` must
    /// name an active key or a retired key before its `verify_until`; `alg` must be the key's;
    /// `typ` and `iss` must match; `exp` is checked when asked.
    pub fn verify_own<T: DeserializeOwned>(
        &self,
        token: &str,
        now: i64,
        check: OwnTokenCheck<'_>,
    ) -> Result<T, KeyError> {
        let header = jwt::peek_header(token)?;
        let kid = header.kid.as_deref().ok_or(JwtError::UnknownKey)?;
        let key = self
            .active
            .iter()
            .find(|k| k.kid == kid)
            .or_else(|| {
                self.retired.iter().find(|r| r.key.kid == kid && r.verify_until > now).map(|r| &r.key)
            })
            .ok_or(JwtError::UnknownKey)?;
        if header.alg != key.alg.jwt() {
            return Err(JwtError::AlgorithmNotAllowed.into());
        }
        let (header, claims): (_, Claims) =
            jwt::verify_signature(token, &key.decoding_key()?, key.alg.jwt())?;
        if !jwt::typ_is(&header, check.typ) {
            return Err(JwtError::WrongType.into());
        }
        if jwt::str_claim(&claims, "iss")? != check.issuer {
            return Err(JwtError::WrongClaim("iss").into());
        }
        if check.require_unexpired {
            jwt::check_times(&claims, now)?;
        }
        serde_json::from_value(serde_json::Value::Object(claims))
            .map_err(|_| KeyError::Token(JwtError::Malformed))
    }
}
