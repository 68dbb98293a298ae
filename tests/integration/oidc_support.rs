//! Helpers for the OpenID Provider tests: clients, PKCE, DPoP proofs, client assertions.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use poort::protocol::oidc::client::Client;
use poort::protocol::oidc::keys::{Alg, SigningKey, generate};
use serde_json::{Value, json};

use crate::helpers::TestApp;

pub const RP_SECRET: &str = "rp-secret-1";
pub const RP_REDIRECT: &str = "http://127.0.0.1:9/cb";
/// RFC 7636 Appendix B.
pub const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
pub const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
pub const JAN: &str = "78.03.14-123.49";

/// A client from TOML (the same shape as `[[oidc.clients]]`).
pub fn client(toml_text: &str) -> Client {
    toml::from_str(toml_text).expect("client toml")
}

/// The confidential test client `rp-1` (basic auth) with every grant.
pub fn rp1() -> Client {
    client(&format!(
        r#"
        id = "rp-1"
        name = "Test RP"
        kind = "confidential"
        secret = "{RP_SECRET}"
        auth_method = "client_secret_basic"
        redirect_uris = ["{RP_REDIRECT}"]
        post_logout_redirect_uris = ["http://127.0.0.1:9/bye"]
        grant_types = ["authorization_code", "refresh_token", "client_credentials"]
        scopes = ["openid", "profile", "email", "egovnrn", "api.read"]
        allowed_claims = ["given_name", "family_name", "email", "egovNRN"]
        claims_in_id_token = true
        is_first_party = true
        "#
    ))
}

/// An app with `rp-1` and the extra clients given.
pub async fn app_with(extra: Vec<Client>) -> TestApp {
    TestApp::spawn_with(move |s| {
        s.oidc.clients = vec![rp1()];
        s.oidc.clients.extend(extra);
        s.oidc.registration_initial_access_token = "reg-token".into();
    })
    .await
}

pub fn basic(id: &str, secret: &str) -> String {
    let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    format!("Basic {}", STANDARD.encode(format!("{}:{}", enc(id), enc(secret))))
}

/// POSTs a form to `path` with an optional Authorization and DPoP header.
pub async fn post(
    app: &TestApp,
    path: &str,
    authorization: Option<&str>,
    dpop: Option<&str>,
    form: &[(&str, &str)],
) -> reqwest::Response {
    let mut req = app.client.post(app.url(path)).form(form);
    if let Some(a) = authorization {
        req = req.header("authorization", a);
    }
    if let Some(d) = dpop {
        req = req.header("dpop", d);
    }
    req.send().await.expect("POST")
}

pub async fn json(resp: reqwest::Response) -> Value {
    resp.json().await.expect("json body")
}

/// A key pair held by a client (for DPoP or private_key_jwt), with its public JWK.
pub struct ClientKey {
    key: SigningKey,
    pub jwk: Value,
}

impl ClientKey {
    pub fn new() -> Self {
        let key = generate(Alg::ES256, 0).expect("key");
        let jwk = serde_json::to_value(key.to_jwk_public()).expect("jwk");
        Self { key, jwk }
    }

    fn encoding(&self) -> jsonwebtoken::EncodingKey {
        let der = STANDARD.decode(self.key.to_stored().private_pkcs8_b64).expect("der");
        jsonwebtoken::EncodingKey::from_ec_der(&der)
    }

    /// RFC 9449 §4.2 proof for `htm htu` (with `ath` when an access token is given).
    pub fn dpop(&self, htm: &str, htu: &str, access_token: Option<&str>) -> String {
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES256);
        header.typ = Some("dpop+jwt".into());
        header.jwk = Some(serde_json::from_value(self.jwk.clone()).expect("jwk"));
        let mut claims =
            json!({"htm": htm, "htu": htu, "iat": now(), "jti": uuid::Uuid::new_v4().to_string()});
        if let Some(at) = access_token {
            use sha2::Digest as _;
            claims["ath"] = json!(URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(at.as_bytes())));
        }
        jsonwebtoken::encode(&header, &claims, &self.encoding()).expect("proof")
    }

    /// RFC 7523 client assertion.
    pub fn assertion(&self, client_id: &str, aud: &str) -> String {
        let claims = json!({"iss": client_id, "sub": client_id, "aud": aud, "exp": now() + 60,
            "iat": now(), "jti": uuid::Uuid::new_v4().to_string()});
        self.key.sign(&claims, "JWT").expect("assertion")
    }

    /// RFC 7638 thumbprint.
    pub fn jkt(&self) -> String {
        let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_value(self.jwk.clone()).expect("jwk");
        jwk.thumbprint(jsonwebtoken::jwk::ThumbprintHash::SHA256).expect("thumbprint")
    }
}

pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// The payload of a JWT, unverified (the test checks signatures separately where it matters).
pub fn claims_of(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).expect("payload");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("b64")).expect("json")
}

/// The `Location` header of a redirect.
pub fn location(resp: &reqwest::Response) -> String {
    resp.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
}

/// A query parameter of a URL.
pub fn query_param(url: &str, name: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    parsed.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}
