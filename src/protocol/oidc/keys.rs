//! Poort's own signing keys: generation (aws-lc-rs), JWKS publication, rotation with a
//! verification-only overlap, signing and verifying our own tokens.
//!
//! Rotation (documented semantics):
//! * Exactly one *active* key per [`Alg`]; it signs everything of that algorithm.
//! * [`KeySet::rotate`] makes a fresh key active and moves the previous one to *retired* with
//!   `verify_until = now + overlap`. A retired key never signs, is still published in the JWKS
//!   (relying parties verify tokens they already hold) and still verifies our own tokens
//!   (`id_token_hint`, logout tokens) until `verify_until`.
//! * `overlap` must be at least the longest lifetime of any token signed with the key
//!   (id_token, JWT access token) plus the relying parties' JWKS cache time (we advise 1 h),
//!   so a token signed just before rotation stays verifiable until it expires.
//!   `id_token_hint` older than that is refused (the user is then asked to confirm logout).
//! * [`KeySet::prune`] drops retired keys past `verify_until`.
//!
//! Storage: [`StoredKey`] (PKCS#8 DER, base64) is what the database keeps; the storage engineer
//! may encrypt `private_pkcs8_b64` at rest. Never log it.

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair, RSA_PKCS1_SHA256, RsaKeyPair,
};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::DecodingKey;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::protocol::oidc::jwt::JwtError;

pub use crate::kernel::jose::Alg;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("key generation failed")]
    Generation,
    #[error("stored key is not valid PKCS#8 for its algorithm")]
    BadKey,
    #[error("no active key for {0:?}")]
    NoActiveKey(Alg),
    #[error("signing failed")]
    Signing,
    #[error(transparent)]
    Token(#[from] JwtError),
}

/// Public JWK as published in the JWKS (RFC 7517 §4, RFC 7518 §6.2.1 / §6.3.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicJwk {
    pub kty: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crv: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub y: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub n: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub e: Option<String>,
    pub kid: String,
    pub alg: String,
    #[serde(rename = "use")]
    pub use_: String,
}

impl PublicJwk {
    /// RFC 7638 §3.2 thumbprint input: required members only, lexicographic order.
    fn thumbprint(&self) -> String {
        let input = match self.kty.as_str() {
            "EC" => format!(
                r#"{{"crv":"{}","kty":"EC","x":"{}","y":"{}"}}"#,
                self.crv.as_deref().unwrap_or_default(),
                self.x.as_deref().unwrap_or_default(),
                self.y.as_deref().unwrap_or_default()
            ),
            _ => format!(
                r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#,
                self.e.as_deref().unwrap_or_default(),
                self.n.as_deref().unwrap_or_default()
            ),
        };
        URL_SAFE_NO_PAD.encode(Sha256::digest(input.as_bytes()))
    }
}

/// One of Poort's private signing keys.
pub struct SigningKey {
    pub kid: String,
    pub alg: Alg,
    pub created_at: i64,
    private_pkcs8_der: Vec<u8>,
    /// The key pair, parsed once when the key is loaded (parsing checks the key, which
    /// costs about as much as a signature).
    signer: Signer,
    public: PublicJwk,
}

enum Signer {
    Es256(EcdsaKeyPair),
    Rs256(RsaKeyPair),
}

/// The protected header of Poort's tokens (RFC 7515 §4.1).
#[derive(Serialize)]
struct JwsHeader<'a> {
    alg: &'static str,
    kid: &'a str,
    typ: &'a str,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .field("alg", &self.alg)
            .field("created_at", &self.created_at)
            .finish_non_exhaustive()
    }
}

impl Drop for SigningKey {
    /// Best-effort wipe of our copy of the private key (no `zeroize` crate in the contract;
    /// aws-lc frees the parsed key pair with its own cleansing).
    fn drop(&mut self) {
        self.private_pkcs8_der.iter_mut().for_each(|b| *b = 0);
        std::hint::black_box(&self.private_pkcs8_der);
    }
}

/// Storage form of a [`SigningKey`].
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredKey {
    pub kid: String,
    pub alg: Alg,
    pub created_at: i64,
    /// Base64 (standard) of the PKCS#8 v1 DER private key. Secret.
    pub private_pkcs8_b64: String,
}

impl std::fmt::Debug for StoredKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "StoredKey({}, {:?})", self.kid, self.alg)
    }
}

/// Generates a new key: ES256 on P-256 or RS256 with RSA-2048.
pub fn generate(alg: Alg, created_at: i64) -> Result<SigningKey, KeyError> {
    let der = match alg {
        Alg::ES256 => EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING)
            .and_then(|k| k.to_pkcs8v1())
            .map_err(|_| KeyError::Generation)?
            .as_ref()
            .to_vec(),
        Alg::RS256 => aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048)
            .and_then(|k| k.as_der())
            .map_err(|_| KeyError::Generation)?
            .as_ref()
            .to_vec(),
    };
    SigningKey::from_pkcs8(alg, der, created_at)
}

impl SigningKey {
    /// Loads a key from PKCS#8 DER; the `kid` is the RFC 7638 thumbprint of the public key.
    pub fn from_pkcs8(alg: Alg, der: Vec<u8>, created_at: i64) -> Result<Self, KeyError> {
        let (mut public, signer) = match alg {
            Alg::ES256 => {
                let kp = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &der)
                    .map_err(|_| KeyError::BadKey)?;
                let point = kp.public_key().as_ref();
                // SEC 1 uncompressed point: 0x04 || x (32) || y (32).
                if point.len() != 65 || point[0] != 4 {
                    return Err(KeyError::BadKey);
                }
                let jwk = PublicJwk {
                    kty: "EC".into(),
                    crv: Some("P-256".into()),
                    x: Some(URL_SAFE_NO_PAD.encode(&point[1..33])),
                    y: Some(URL_SAFE_NO_PAD.encode(&point[33..])),
                    n: None,
                    e: None,
                    kid: String::new(),
                    alg: alg.as_str().into(),
                    use_: "sig".into(),
                };
                (jwk, Signer::Es256(kp))
            }
            Alg::RS256 => {
                let kp = RsaKeyPair::from_pkcs8(&der).map_err(|_| KeyError::BadKey)?;
                let pk = kp.public_key();
                let jwk = PublicJwk {
                    kty: "RSA".into(),
                    crv: None,
                    x: None,
                    y: None,
                    n: Some(URL_SAFE_NO_PAD.encode(pk.modulus().big_endian_without_leading_zero())),
                    e: Some(URL_SAFE_NO_PAD.encode(pk.exponent().big_endian_without_leading_zero())),
                    kid: String::new(),
                    alg: alg.as_str().into(),
                    use_: "sig".into(),
                };
                (jwk, Signer::Rs256(kp))
            }
        };
        public.kid = public.thumbprint();
        Ok(Self { kid: public.kid.clone(), alg, created_at, private_pkcs8_der: der, signer, public })
    }

    pub fn to_stored(&self) -> StoredKey {
        StoredKey {
            kid: self.kid.clone(),
            alg: self.alg,
            created_at: self.created_at,
            private_pkcs8_b64: STANDARD.encode(&self.private_pkcs8_der),
        }
    }

    pub fn from_stored(stored: &StoredKey) -> Result<Self, KeyError> {
        let der = STANDARD.decode(&stored.private_pkcs8_b64).map_err(|_| KeyError::BadKey)?;
        let key = Self::from_pkcs8(stored.alg, der, stored.created_at)?;
        if key.kid != stored.kid {
            return Err(KeyError::BadKey);
        }
        Ok(key)
    }

    /// The PKCS#8 DER private key, to be encrypted before it is stored. Secret.
    pub(crate) fn private_der(&self) -> &[u8] {
        &self.private_pkcs8_der
    }

    pub fn to_jwk_public(&self) -> PublicJwk {
        self.public.clone()
    }

    fn decoding_key(&self) -> Result<DecodingKey, KeyError> {
        match self.alg {
            Alg::ES256 => DecodingKey::from_ec_components(
                self.public.x.as_deref().unwrap_or_default(),
                self.public.y.as_deref().unwrap_or_default(),
            ),
            Alg::RS256 => DecodingKey::from_rsa_components(
                self.public.n.as_deref().unwrap_or_default(),
                self.public.e.as_deref().unwrap_or_default(),
            ),
        }
        .map_err(|_| KeyError::BadKey)
    }

    /// Signs `claims` as a JWS in compact serialization (RFC 7515 §7.1) with header `alg`,
    /// `kid` and `typ`. The signature is aws-lc-rs's, with the key pair parsed at load
    /// (ES256: the fixed-width `R || S` of RFC 7518 §3.4; RS256: RSASSA-PKCS1-v1_5 with
    /// SHA-256, §3.3); what is done here is only the base64url framing.
    pub fn sign(&self, claims: &impl Serialize, typ: &str) -> Result<String, KeyError> {
        let header = JwsHeader { alg: self.alg.as_str(), kid: &self.kid, typ };
        let header = serde_json::to_vec(&header).map_err(|_| KeyError::Signing)?;
        let payload = serde_json::to_vec(claims).map_err(|_| KeyError::Signing)?;
        let mut jws = String::with_capacity((header.len() + payload.len()) * 4 / 3 + 400);
        URL_SAFE_NO_PAD.encode_string(&header, &mut jws);
        jws.push('.');
        URL_SAFE_NO_PAD.encode_string(&payload, &mut jws);
        let rng = SystemRandom::new();
        match &self.signer {
            Signer::Es256(kp) => {
                let signature = kp.sign(&rng, jws.as_bytes()).map_err(|_| KeyError::Signing)?;
                jws.push('.');
                URL_SAFE_NO_PAD.encode_string(signature.as_ref(), &mut jws);
            }
            Signer::Rs256(kp) => {
                let mut signature = vec![0u8; kp.public_modulus_len()];
                kp.sign(&RSA_PKCS1_SHA256, &rng, jws.as_bytes(), &mut signature)
                    .map_err(|_| KeyError::Signing)?;
                jws.push('.');
                URL_SAFE_NO_PAD.encode_string(&signature, &mut jws);
            }
        }
        Ok(jws)
    }
}

mod set;
pub use set::{KeySet, OwnTokenCheck, RetiredKey};

#[cfg(test)]
mod tests;

/// Test helpers shared by other modules' tests.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// A client-side key pair and its public JWKS, as a relying party would register it.
    pub(crate) fn client_key(alg: Alg) -> (SigningKey, jsonwebtoken::jwk::JwkSet) {
        let key = generate(alg, 0).unwrap();
        let jwk = serde_json::to_value(key.to_jwk_public()).unwrap();
        let set = serde_json::from_value(serde_json::json!({ "keys": [jwk] })).unwrap();
        (key, set)
    }
}
