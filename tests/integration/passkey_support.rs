//! A software passkey authenticator for the tests: a P-256 key (aws-lc-rs), `none`
//! attestation, authenticator data with UP|UV, a signature counter and a hand-written
//! CBOR encoding (test code, not product crypto).

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::helpers::TestApp;

pub const NRN: &str = "78.03.14-123.49";

pub struct SoftPasskey {
    key: EcdsaKeyPair,
    pub credential_id: Vec<u8>,
    pub user_handle: String,
    pub counter: u32,
    rp_id: String,
    pub origin: String,
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn cbor_head(major: u8, n: u64, out: &mut Vec<u8>) {
    let m = major << 5;
    if n < 24 {
        out.push(m | n as u8);
    } else if n < 256 {
        out.extend([m | 24, n as u8]);
    } else {
        out.push(m | 25);
        out.extend((n as u16).to_be_bytes());
    }
}

fn cbor_int(i: i64, out: &mut Vec<u8>) {
    if i >= 0 { cbor_head(0, i as u64, out) } else { cbor_head(1, (-1 - i) as u64, out) }
}

fn cbor_bytes(b: &[u8], out: &mut Vec<u8>) {
    cbor_head(2, b.len() as u64, out);
    out.extend_from_slice(b);
}

fn cbor_text(s: &str, out: &mut Vec<u8>) {
    cbor_head(3, s.len() as u64, out);
    out.extend_from_slice(s.as_bytes());
}

impl SoftPasskey {
    pub fn new(app: &TestApp) -> Self {
        let key = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_ASN1_SIGNING).expect("key");
        let mut credential_id = vec![0u8; 32];
        aws_lc_rs::rand::fill(&mut credential_id).expect("random");
        // The app's public origin, `http://localhost:PORT`: a host name, as WebAuthn needs.
        let origin = app.address.clone();
        SoftPasskey {
            key,
            credential_id,
            user_handle: String::new(),
            counter: 0,
            rp_id: "localhost".into(),
            origin,
        }
    }

    fn client_data(&self, kind: &str, challenge: &str) -> Vec<u8> {
        json!({ "type": kind, "challenge": challenge, "origin": self.origin, "crossOrigin": false })
            .to_string()
            .into_bytes()
    }

    fn auth_data(&self, flags: u8, attested: bool) -> Vec<u8> {
        let mut data = Sha256::digest(self.rp_id.as_bytes()).to_vec();
        data.push(flags);
        data.extend(self.counter.to_be_bytes());
        if attested {
            data.extend([0u8; 16]);
            data.extend((self.credential_id.len() as u16).to_be_bytes());
            data.extend(&self.credential_id);
            let point = self.key.public_key().as_ref();
            let mut cose = Vec::new();
            cbor_head(5, 5, &mut cose);
            for (k, v) in [(1, 2), (3, -7), (-1, 1)] {
                cbor_int(k, &mut cose);
                cbor_int(v, &mut cose);
            }
            cbor_int(-2, &mut cose);
            cbor_bytes(&point[1..33], &mut cose);
            cbor_int(-3, &mut cose);
            cbor_bytes(&point[33..65], &mut cose);
            data.extend(cose);
        }
        data
    }

    /// `navigator.credentials.create` for the options Poort sent.
    pub fn create(&mut self, options: &Value) -> Value {
        let pk = &options["publicKey"];
        self.user_handle = pk["user"]["id"].as_str().expect("user id").to_string();
        let challenge = pk["challenge"].as_str().expect("challenge");
        let client_data = self.client_data("webauthn.create", challenge);
        let auth_data = self.auth_data(0x01 | 0x04 | 0x40, true);
        let mut att = Vec::new();
        cbor_head(5, 3, &mut att);
        cbor_text("fmt", &mut att);
        cbor_text("none", &mut att);
        cbor_text("attStmt", &mut att);
        cbor_head(5, 0, &mut att);
        cbor_text("authData", &mut att);
        cbor_bytes(&auth_data, &mut att);
        json!({
            "id": b64(&self.credential_id),
            "rawId": b64(&self.credential_id),
            "type": "public-key",
            "response": { "attestationObject": b64(&att), "clientDataJSON": b64(&client_data) },
            "extensions": {}
        })
    }

    /// `navigator.credentials.get` for the options Poort sent (counter + 1).
    pub fn get(&mut self, options: &Value) -> Value {
        self.counter += 1;
        let challenge = options["publicKey"]["challenge"].as_str().expect("challenge");
        let client_data = self.client_data("webauthn.get", challenge);
        let auth_data = self.auth_data(0x01 | 0x04, false);
        let mut signed = auth_data.clone();
        signed.extend(Sha256::digest(&client_data));
        let signature = self.key.sign(&SystemRandom::new(), &signed).expect("sign");
        json!({
            "id": b64(&self.credential_id),
            "rawId": b64(&self.credential_id),
            "type": "public-key",
            "response": {
                "authenticatorData": b64(&auth_data),
                "clientDataJSON": b64(&client_data),
                "signature": b64(signature.as_ref()),
                "userHandle": self.user_handle,
            },
            "extensions": {}
        })
    }
}

pub async fn spawn() -> TestApp {
    TestApp::spawn_with(|s| s.passkey.is_enabled = true).await
}

/// POSTs JSON with the CSRF header (`csrf: None` leaves the header out).
pub async fn post_json(app: &TestApp, path: &str, csrf: Option<&str>, body: &Value) -> reqwest::Response {
    let mut req = app.client.post(app.url(path)).json(body);
    if let Some(token) = csrf {
        req = req.header("x-csrf-token", token);
    }
    req.send().await.expect("POST")
}

/// Registers a new soft passkey for the logged-in person.
pub async fn register(app: &TestApp) -> SoftPasskey {
    let csrf = app.csrf_token("/").await;
    let start =
        post_json(app, "/my/keys/passkey/register/start", Some(&csrf), &json!({"name": "Laptop"})).await;
    assert_eq!(start.status(), 200, "registration starts");
    let options: Value = start.json().await.expect("json");
    assert_eq!(options["publicKey"]["authenticatorSelection"]["residentKey"], "required");
    let mut passkey = SoftPasskey::new(app);
    let credential = passkey.create(&options);
    let finish = post_json(app, "/my/keys/passkey/register/finish", Some(&csrf), &credential).await;
    let status = finish.status();
    let body: Value = finish.json().await.expect("json");
    assert_eq!(status, 200, "registration finishes: {body}");
    assert_eq!(body["redirect"], "/my/keys?done=passkey");
    passkey
}

/// Logs out, opens a portal login and fetches the passkey challenge: `(tx, csrf, options)`.
pub async fn login_start(app: &TestApp) -> (String, String, Value) {
    let tx = app.start_portal_login_forced().await;
    let (csrf, options) = challenge_for(app, &tx).await;
    (tx, csrf, options)
}

/// The passkey login page of transaction `tx` and its challenge: `(csrf, options)`.
pub async fn challenge_for(app: &TestApp, tx: &str) -> (String, Value) {
    let page = app.get(&format!("/login/passkey?tx={tx}")).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    let csrf =
        html.split("data-csrf=\"").nth(1).expect("data-csrf").split('"').next().expect("csrf").to_string();
    let start = post_json(app, &format!("/login/passkey/start?tx={tx}"), Some(&csrf), &json!({})).await;
    assert_eq!(start.status(), 200, "the challenge is given");
    let options: Value = start.json().await.expect("json");
    (csrf, options)
}

pub async fn login_finish(app: &TestApp, tx: &str, csrf: Option<&str>, assertion: &Value) -> (u16, Value) {
    let resp = post_json(app, &format!("/login/passkey/finish?tx={tx}"), csrf, assertion).await;
    let status = resp.status().as_u16();
    (status, resp.json().await.expect("a JSON answer"))
}
