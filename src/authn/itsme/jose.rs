//! JOSE helpers shared by the upstream client and the mock provider (josekit underneath).
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use josekit::jwe::{JweDecrypter, JweHeader, RSA_OAEP_256};
use josekit::jwk::{Jwk, JwkSet};
use josekit::jws::{ES256, JwsHeader, JwsSigner, JwsVerifier, PS256, RS256};
use rand::RngCore as _;
use serde_json::{Map, Value};
use sha2::{Digest as _, Sha256};

/// Content encryption used by itsme for id_tokens and userinfo (RFC 7518 §5.2.3).
pub const ENC_A128CBC_HS256: &str = "A128CBC-HS256";
/// Key management algorithm used by itsme (RFC 7518 §4.3).
pub const ALG_RSA_OAEP_256: &str = "RSA-OAEP-256";

/// A JOSE failure, deliberately without detail (the detail may echo attacker input).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct JoseFailure(pub &'static str);

/// `n` random bytes, base64url (no padding). 32 bytes = 256 bits.
pub fn random_token(n: usize) -> String {
    let mut buf = vec![0u8; n];
    rand::rng().fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

/// PKCE S256 challenge for a verifier (RFC 7636 §4.2).
pub fn pkce_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// A private signing key (RS256 or ES256) with its public JWK and key id.
#[derive(Debug)]
pub struct SigningKey {
    signer: Box<dyn JwsSigner>,
    public: Jwk,
    alg: &'static str,
}

impl SigningKey {
    /// Loads a PKCS#8 (or traditional) PEM private key: EC P-256 gives ES256, RSA gives RS256.
    pub fn from_pem(pem: &str) -> Result<Self, JoseFailure> {
        let bad = JoseFailure("not an EC P-256 or RSA private key in PEM");
        if let Ok(pair) = ES256.key_pair_from_pem(pem) {
            let signer = ES256.signer_from_pem(pem).map_err(|_| bad)?;
            return Ok(Self::assemble(Box::new(signer), pair.to_jwk_public_key(), "ES256"));
        }
        let pair = RS256.key_pair_from_pem(pem).map_err(|_| bad)?;
        let signer = RS256.signer_from_pem(pem).map_err(|_| JoseFailure("bad RSA key"))?;
        Ok(Self::assemble(Box::new(signer), pair.to_jwk_public_key(), "RS256"))
    }

    /// Generates a fresh ES256 key (mock provider without configured key).
    pub fn generate_es256() -> Result<(Self, String), JoseFailure> {
        let pair = ES256.generate_key_pair().map_err(|_| JoseFailure("key generation"))?;
        let pem = String::from_utf8(pair.to_pem_private_key()).map_err(|_| JoseFailure("key generation"))?;
        Ok((Self::from_pem(&pem)?, pem))
    }

    fn assemble(signer: Box<dyn JwsSigner>, mut public: Jwk, alg: &'static str) -> Self {
        let kid = thumbprint(&public);
        public.set_key_id(kid);
        public.set_key_use("sig");
        public.set_algorithm(alg);
        Self { signer, public, alg }
    }

    pub fn kid(&self) -> &str {
        self.public.key_id().unwrap_or_default()
    }
    pub fn alg(&self) -> &'static str {
        self.alg
    }
    /// The public half, as a JWK with `kid`, `use=sig`, `alg`.
    pub fn public_jwk(&self) -> &Jwk {
        &self.public
    }

    /// Signs a JSON object as a compact JWS with `kid` (RFC 7515 §7.1).
    pub fn sign(&self, claims: &Map<String, Value>, typ: Option<&str>) -> Result<String, JoseFailure> {
        let mut header = JwsHeader::new();
        header.set_key_id(self.kid());
        if let Some(typ) = typ {
            header.set_token_type(typ);
        }
        let payload = serde_json::to_vec(claims).map_err(|_| JoseFailure("serialize"))?;
        josekit::jws::serialize_compact(&payload, &header, self.signer.as_ref())
            .map_err(|_| JoseFailure("signing failed"))
    }
}

/// RFC 7638-style key id: SHA-256 over the required public members.
fn thumbprint(jwk: &Jwk) -> String {
    let members: &[&str] = match jwk.key_type() {
        "EC" => &["crv", "kty", "x", "y"],
        _ => &["e", "kty", "n"],
    };
    let mut obj = Map::new();
    for m in members {
        if let Some(v) = jwk.parameter(m) {
            obj.insert((*m).to_owned(), v.clone());
        }
    }
    let json = serde_json::to_vec(&obj).unwrap_or_default();
    URL_SAFE_NO_PAD.encode(Sha256::digest(json))
}

/// Our RSA decryption key for JWE (RSA-OAEP-256).
#[derive(Debug)]
pub struct DecryptionKey {
    decrypter: Box<dyn JweDecrypter>,
    public: Jwk,
}

impl DecryptionKey {
    pub fn from_pem(pem: &str) -> Result<Self, JoseFailure> {
        let bad = JoseFailure("not an RSA private key in PEM");
        let pair = RSA_OAEP_256.key_pair_from_pem(pem).map_err(|_| bad)?;
        let decrypter = RSA_OAEP_256.decrypter_from_pem(pem).map_err(|_| JoseFailure("bad RSA key"))?;
        let mut public = pair.to_jwk_public_key();
        public.set_key_id(thumbprint(&public));
        public.set_key_use("enc");
        public.set_algorithm(ALG_RSA_OAEP_256);
        Ok(Self { decrypter: Box::new(decrypter), public })
    }
    /// The public half to register at the provider (`use=enc`).
    pub fn public_jwk(&self) -> &Jwk {
        &self.public
    }
    /// Decrypts a compact JWE (RFC 7516 §5.2); returns the plaintext (a nested JWS).
    pub fn decrypt(&self, jwe: &str) -> Result<Vec<u8>, JoseFailure> {
        let (plain, _header) = josekit::jwe::deserialize_compact(jwe, self.decrypter.as_ref())
            .map_err(|_| JoseFailure("the token could not be decrypted"))?;
        Ok(plain)
    }
}

/// Encrypts a nested JWS to a public RSA key: RSA-OAEP-256 + A128CBC-HS256, `cty: JWT`
/// (OpenID Connect Core §16.14: sign then encrypt).
pub fn encrypt_to(jwk: &Jwk, nested_jws: &str) -> Result<String, JoseFailure> {
    let encrypter =
        RSA_OAEP_256.encrypter_from_jwk(jwk).map_err(|_| JoseFailure("unusable encryption key"))?;
    let mut header = JweHeader::new();
    header.set_content_encryption(ENC_A128CBC_HS256);
    header.set_content_type("JWT");
    if let Some(kid) = jwk.key_id() {
        header.set_key_id(kid);
    }
    josekit::jwe::serialize_compact(nested_jws.as_bytes(), &header, &encrypter)
        .map_err(|_| JoseFailure("encryption failed"))
}

/// Reads the unverified JWS header (`alg`, `kid`) of a compact JWS.
pub fn jws_header(jws: &str) -> Result<(String, Option<String>), JoseFailure> {
    let bad = JoseFailure("malformed JWS");
    let head = jws.split('.').next().ok_or(JoseFailure("malformed JWS"))?;
    let bytes = URL_SAFE_NO_PAD.decode(head).map_err(|_| JoseFailure("malformed JWS"))?;
    let v: Map<String, Value> = serde_json::from_slice(&bytes).map_err(|_| bad)?;
    let alg = v.get("alg").and_then(Value::as_str).ok_or(JoseFailure("no alg"))?;
    let kid = v.get("kid").and_then(Value::as_str).map(str::to_owned);
    Ok((alg.to_owned(), kid))
}

/// Outcome of looking for a verification key.
#[derive(Debug, PartialEq, Eq)]
pub enum VerifyError {
    UnsupportedAlg,
    UnknownKey,
    BadSignature,
    Malformed,
}

/// Verifies a compact JWS against a JWK set: picks the key by `kid` (or the only key that fits
/// the algorithm), allows RS256, PS256, ES256 only (never `none`, RFC 8725 §3.1), and returns
/// the JSON object payload.
pub fn verify_with_jwks(jws: &str, jwks: &JwkSet) -> Result<Map<String, Value>, VerifyError> {
    if jws.split('.').count() != 3 {
        return Err(VerifyError::Malformed);
    }
    let (alg, kid) = jws_header(jws).map_err(|_| VerifyError::Malformed)?;
    let kty = match alg.as_str() {
        "RS256" | "PS256" => "RSA",
        "ES256" => "EC",
        _ => return Err(VerifyError::UnsupportedAlg),
    };
    let candidates: Vec<&Jwk> = jwks
        .keys()
        .into_iter()
        .filter(|k| k.key_type() == kty && k.key_use().is_none_or(|u| u == "sig"))
        .filter(|k| match &kid {
            Some(kid) => k.key_id() == Some(kid.as_str()),
            None => true,
        })
        .collect();
    let [jwk] = candidates.as_slice() else {
        return Err(VerifyError::UnknownKey);
    };
    let verifier: Box<dyn JwsVerifier> = match alg.as_str() {
        "RS256" => Box::new(RS256.verifier_from_jwk(jwk).map_err(|_| VerifyError::UnknownKey)?),
        "PS256" => Box::new(PS256.verifier_from_jwk(jwk).map_err(|_| VerifyError::UnknownKey)?),
        _ => Box::new(ES256.verifier_from_jwk(jwk).map_err(|_| VerifyError::UnknownKey)?),
    };
    let (payload, _) =
        josekit::jws::deserialize_compact(jws, verifier.as_ref()).map_err(|_| VerifyError::BadSignature)?;
    serde_json::from_slice(&payload).map_err(|_| VerifyError::Malformed)
}

/// Builds a JWK set from single keys.
pub fn jwk_set(keys: &[&Jwk]) -> JwkSet {
    let mut set = JwkSet::new();
    for k in keys {
        set.push_key((*k).clone());
    }
    set
}

/// Seconds since the Unix epoch.
pub fn now_unix() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pkce_challenge_matches_rfc_7636_appendix_b() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert_eq!(pkce_challenge(verifier), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    #[test]
    fn random_tokens_carry_at_least_128_bits_and_differ() {
        let (a, b) = (random_token(32), random_token(32));
        assert_ne!(a, b);
        assert!(a.len() >= 43);
    }

    #[test]
    fn a_signed_token_verifies_with_the_public_key_only() {
        let (key, _) = SigningKey::generate_es256().expect("key");
        let mut claims = Map::new();
        claims.insert("sub".into(), Value::from("x"));
        let jws = key.sign(&claims, None).expect("sign");
        let set = jwk_set(&[key.public_jwk()]);
        assert_eq!(verify_with_jwks(&jws, &set).expect("verify")["sub"], "x");
        assert_eq!(verify_with_jwks(&jws, &JwkSet::new()), Err(VerifyError::UnknownKey));
    }
}
