//! Poort with itsme on and its mock itsme served over TLS on port 0, and a browser that
//! clicks through the mock's "confirm on your phone" page.
use poort::authn::itsme::mock::DemoIdentity;
use poort::config::Settings;

use crate::helpers::{TestApp, extract_hidden};

pub const JAN: &str = "78.03.14-123.49";
/// Index of Jan Peeters on the mock's page.
pub const MOCK_JAN: &str = "0";
/// Index of a mock person who is not in the demo register.
pub const MOCK_UNKNOWN: &str = "1";

pub struct ItsmeApp {
    pub app: TestApp,
    /// The mock's browser side (trusts the mock's demo CA).
    pub phone: reqwest::Client,
    _keys: tempfile::TempDir,
}

pub fn demo_identities() -> Vec<DemoIdentity> {
    let person = |nrn: &str, given: &str, surname: &str, birth: &str| DemoIdentity {
        national_number: nrn.into(),
        given_names: given.into(),
        surname: surname.into(),
        birth_date: birth.into(),
        email: None,
    };
    vec![
        person(JAN, "Jan", "Peeters", "1978-03-14"),
        person("99.12.31-997.42", "Pieter", "Onbekend", "1999-12-31"),
    ]
}

/// Poort with itsme and the mock itsme (TLS, port 0); `adjust` runs last.
pub async fn spawn_itsme(adjust: impl FnOnce(&mut Settings)) -> ItsmeApp {
    let keys = tempfile::tempdir().expect("temp dir");
    let dir = keys.path().to_path_buf();
    let app = TestApp::spawn_with(move |s| {
        s.itsme.is_enabled = true;
        s.itsme.demo_key_dir = dir;
        s.itsme.upstream.client_id = "poort-test".into();
        s.itsme.mock.is_enabled = true;
        s.itsme.mock.listen = "127.0.0.1:0".parse().expect("addr");
        s.itsme.mock.identities = demo_identities();
        adjust(s);
    })
    .await;
    let mut phone = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none());
    if let Ok(ca) = std::fs::read(keys.path().join("mock-ca.pem")) {
        phone = phone.tls_certs_only([reqwest::Certificate::from_pem(&ca).expect("demo CA")]);
    }
    ItsmeApp { app, phone: phone.build().expect("client"), _keys: keys }
}

pub fn location(resp: &reqwest::Response) -> String {
    resp.headers()["location"].to_str().expect("ascii").to_string()
}

impl ItsmeApp {
    /// Opens a portal login requiring `level`; returns the transaction id.
    pub async fn open_login(&self, level: u16) -> String {
        let resp = self.app.get(&format!("/login?next=/my/session&level={level}")).await;
        assert_eq!(resp.status(), 303, "a portal login redirects to its login page");
        location(&resp).split("tx=").nth(1).expect("tx").split('&').next().expect("tx").to_string()
    }

    /// `GET /login/itsme/start?tx=…`; returns the authorize URL at the mock.
    pub async fn start(&self, tx: &str) -> String {
        let resp = self.app.get(&format!("/login/itsme/start?tx={tx}")).await;
        assert_eq!(resp.status(), 303, "start redirects to the provider");
        location(&resp)
    }

    /// Answers the mock's phone page; returns Poort's callback URL the mock redirects to.
    pub async fn answer_phone(&self, authorize_url: &str, identity: &str, decision: &str) -> String {
        assert!(
            authorize_url.starts_with("https://127.0.0.1:"),
            "the mock is served over TLS: {authorize_url}"
        );
        let resp = self.phone.get(authorize_url).send().await.expect("authorize");
        assert_eq!(resp.status(), 200);
        let page = resp.text().await.expect("page");
        assert!(page.contains("DEMO — mock itsme, not the real service"), "{page}");
        let interaction = extract_hidden(&page, "interaction").expect("interaction");
        let origin = authorize_url.split("/authorize").next().expect("origin");
        let resp = self
            .phone
            .post(format!("{origin}/authorize/decision"))
            .form(&[("interaction", interaction.as_str()), ("identity", identity), ("decision", decision)])
            .send()
            .await
            .expect("decision");
        assert_eq!(resp.status(), 303);
        let callback = location(&resp);
        assert!(callback.starts_with(&self.app.url("/login/itsme/callback")), "{callback}");
        callback
    }

    /// The callback, in the browser that started the login.
    pub async fn callback(&self, callback_url: &str) -> reqwest::Response {
        self.app.client.get(callback_url).header("accept-language", "en").send().await.expect("callback")
    }

    /// A whole itsme login as `identity` for transaction `tx`; the callback's response.
    pub async fn login(&self, tx: &str, identity: &str) -> reqwest::Response {
        let authorize = self.start(tx).await;
        let callback = self.answer_phone(&authorize, identity, "confirm").await;
        self.callback(&callback).await
    }
}
