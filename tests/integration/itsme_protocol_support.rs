//! Test harness: a mock itsme on 127.0.0.1:0 and a browser that clicks through it.
use std::sync::OnceLock;

use josekit::jwk::KeyPair as _;
use poort::authn::itsme::jose::{DecryptionKey, SigningKey};
use poort::authn::itsme::mock::{self, DemoIdentity, MockClient, MockClientAuth, MockConfig, MockProvider};
use poort::authn::itsme::upstream::{CallbackParams, ClientAuth, UpstreamConfig};
use serde_json::json;

pub const CLIENT_ID: &str = "poort-demo";
pub const GENERIC_CLIENT_ID: &str = "generic-rp";
pub const GENERIC_SECRET: &str = "s3cret: with/odd chars";
pub const REDIRECT_URI: &str = "https://poort.localhost/login/itsme/callback";
pub const NRN: &str = "85073003328";

/// Keys generated once per test binary (RSA generation is slow in debug builds).
pub struct Keys {
    pub mock_signing_pem: String,
    pub client_signing_pem: String,
    pub other_signing_pem: String,
    pub client_encryption_pem: String,
}

pub fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| {
        let rsa = josekit::jwe::RSA_OAEP_256.generate_key_pair(2048).expect("rsa");
        Keys {
            mock_signing_pem: SigningKey::generate_es256().expect("es256").1,
            client_signing_pem: SigningKey::generate_es256().expect("es256").1,
            other_signing_pem: SigningKey::generate_es256().expect("es256").1,
            client_encryption_pem: String::from_utf8(rsa.to_pem_private_key()).expect("pem"),
        }
    })
}

pub struct Harness {
    pub issuer: String,
    pub browser: reqwest::Client,
    pub http: poort::kernel::outbound::Outbound,
}

/// Starts the mock with an itsme-style client and a generic (secret, no encryption) client.
pub async fn start_mock() -> Harness {
    let k = keys();
    let sig = SigningKey::from_pem(&k.client_signing_pem).expect("sig");
    let enc = DecryptionKey::from_pem(&k.client_encryption_pem).expect("enc");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let issuer = format!("http://127.0.0.1:{}", listener.local_addr().expect("addr").port());
    let cfg = MockConfig {
        issuer: issuer.clone(),
        signing_key_pem: Some(k.mock_signing_pem.clone()),
        clients: vec![
            MockClient {
                client_id: CLIENT_ID.into(),
                redirect_uris: vec![REDIRECT_URI.into()],
                jwks: Some(json!({ "keys": [sig.public_jwk().as_ref(), enc.public_jwk().as_ref()] })),
                token_endpoint_auth_method: MockClientAuth::PrivateKeyJwt,
                client_secret: None,
            },
            MockClient {
                client_id: GENERIC_CLIENT_ID.into(),
                redirect_uris: vec![REDIRECT_URI.into()],
                jwks: None,
                token_endpoint_auth_method: MockClientAuth::ClientSecretBasic,
                client_secret: Some(GENERIC_SECRET.into()),
            },
        ],
        identities: vec![DemoIdentity {
            national_number: "85.07.30-033.28".into(),
            given_names: "Jan Pieter".into(),
            surname: "Peeters".into(),
            birth_date: "1985-07-30".into(),
            email: Some("jan.peeters@example.be".into()),
        }],
        code_ttl_secs: 60,
        interaction_ttl_secs: 600,
        max_entries: 1000,
    };
    let mock = MockProvider::new(cfg).expect("mock config");
    let app = mock::router(mock);
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    let browser =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let http =
        poort::kernel::outbound::Outbound::new(poort::kernel::outbound::OutboundPolicy::demo(), None, "test")
            .expect("client");
    Harness { issuer, browser, http }
}

impl Harness {
    /// Poort's configuration in itsme mode (private_key_jwt, request object, encryption).
    pub fn itsme_config(&self) -> UpstreamConfig {
        let k = keys();
        let mut cfg = UpstreamConfig::new(&self.issuer, CLIENT_ID, REDIRECT_URI);
        cfg.signing_key_pem = Some(k.client_signing_pem.clone());
        cfg.encryption_key_pem = Some(k.client_encryption_pem.clone());
        cfg
    }

    /// Poort's configuration for a generic provider (client_secret_basic, no JWE).
    pub fn generic_config(&self) -> UpstreamConfig {
        let mut cfg = UpstreamConfig::new(&self.issuer, GENERIC_CLIENT_ID, REDIRECT_URI);
        cfg.client_auth = ClientAuth::ClientSecretBasic;
        cfg.client_secret = Some(GENERIC_SECRET.into());
        cfg.use_request_object = false;
        cfg.scopes = vec!["openid".into(), "profile".into(), "email".into()];
        cfg
    }

    /// Opens the authorize URL like a browser; returns status and page.
    pub async fn open(&self, url: &url::Url) -> (u16, String) {
        let resp = self.browser.get(url.as_str()).send().await.expect("authorize");
        (resp.status().as_u16(), resp.text().await.expect("page"))
    }

    /// Follows the authorize URL, answers the phone page, returns the callback parameters.
    pub async fn login(&self, url: &url::Url, decision: &str) -> CallbackParams {
        let (status, page) = self.open(url).await;
        assert_eq!(status, 200, "confirm page expected, got: {page}");
        assert!(page.contains("DEMO — mock itsme, not the real service"));
        let interaction = hidden_value(&page, "interaction");
        let resp = self
            .browser
            .post(format!("{}/authorize/decision", self.issuer))
            .form(&[("interaction", interaction.as_str()), ("identity", "0"), ("decision", decision)])
            .send()
            .await
            .expect("decision");
        assert_eq!(resp.status().as_u16(), 303);
        let location = resp.headers()["location"].to_str().expect("location").to_owned();
        assert!(location.starts_with(REDIRECT_URI));
        callback_from(&location)
    }
}

fn hidden_value(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page.find(&marker).expect("hidden field") + marker.len();
    page[start..].split('"').next().expect("value").to_owned()
}

pub fn callback_from(location: &str) -> CallbackParams {
    let url = url::Url::parse(location).expect("location url");
    let mut cb = CallbackParams::default();
    for (k, v) in url.query_pairs() {
        let v = Some(v.into_owned());
        match k.as_ref() {
            "code" => cb.code = v,
            "state" => cb.state = v,
            "error" => cb.error = v,
            "error_description" => cb.error_description = v,
            "iss" => cb.iss = v,
            _ => {}
        }
    }
    cb
}
