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

    /// A JWT signed with this key (`typ: JWT`), e.g. a request object.
    pub fn sign_jwt(&self, claims: &Value) -> String {
        self.key.sign(claims, "JWT").expect("jwt")
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

/// `/authorize?…` for `client_id` asking `scope` (PKCE with [`CHALLENGE`], `state=st`,
/// `nonce=n`), plus `extra` parameters.
pub fn authorize_path(client_id: &str, redirect: &str, scope: &str, extra: &[(&str, &str)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    s.append_pair("response_type", "code")
        .append_pair("client_id", client_id)
        .append_pair("redirect_uri", redirect)
        .append_pair("scope", scope)
        .append_pair("state", "st")
        .append_pair("nonce", "n")
        .append_pair("code_challenge", CHALLENGE)
        .append_pair("code_challenge_method", "S256");
    for (k, v) in extra {
        s.append_pair(k, v);
    }
    format!("/authorize?{}", s.finish())
}

/// Where a browser's way through Poort ended: a redirect out of Poort (`location`), or a
/// page (`body`).
#[derive(Debug)]
pub struct Arrival {
    pub status: u16,
    pub location: Option<String>,
    pub body: String,
}

impl Arrival {
    /// The code the client received.
    pub fn code(&self) -> String {
        let to = self.location.as_deref().unwrap_or_else(|| panic!("a page, not a redirect: {self:?}"));
        query_param(to, "code").unwrap_or_else(|| panic!("no code in {to}"))
    }
}

/// A browser going through `path` (an `/authorize` request): logs in as Jan at Level500
/// with the test login when the login page comes, allows consent when asked, and follows
/// Poort's own redirects. Ends at the first answer that leaves Poort's pages: a redirect to
/// the client, or a page that is neither the login nor the consent page (an error page, the
/// `form_post` page).
pub async fn browse(app: &TestApp, path: &str) -> Arrival {
    let mut resp = app.get(path).await;
    for _ in 0..10 {
        let status = resp.status().as_u16();
        if resp.status().is_redirection() {
            let to = location(&resp);
            if !to.starts_with('/') {
                return Arrival { status, location: Some(to), body: String::new() };
            }
            resp = match to.strip_prefix("/login?tx=") {
                Some(tx) => app.test_login(tx.split('&').next().unwrap_or(tx), JAN, 500).await,
                None => app.get(&to).await,
            };
            continue;
        }
        let body = resp.text().await.expect("page");
        match crate::helpers::extract_hidden(&body, "tx").filter(|_| body.contains("/authorize/consent")) {
            Some(tx) => {
                let csrf = crate::helpers::extract_hidden(&body, "csrf").expect("csrf");
                resp = app
                    .post_form("/authorize/consent", &[("csrf", &csrf), ("tx", &tx), ("decision", "allow")])
                    .await;
            }
            None => return Arrival { status, location: None, body },
        }
    }
    panic!("too many steps through {path}");
}

/// Exchanges `code` for tokens as `client_id` with `client_secret_basic`.
pub async fn exchange_code(
    app: &TestApp,
    client_id: &str,
    secret: &str,
    redirect: &str,
    code: &str,
) -> Value {
    let resp = post(
        app,
        "/token",
        Some(&basic(client_id, secret)),
        None,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_eq!(resp.status(), 200, "token: {}", resp.text().await.unwrap_or_default());
    resp.json().await.expect("json")
}
