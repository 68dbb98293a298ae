//! eID test kit: a DEMO PKI in a temp dir, demo cards, an application with the eID TLS
//! listener on port 0, and a browser-like client presenting a card over real mTLS.
//!
//! Reusable by every login flow: `eid_login(&app, &tx_login_url, &card)` goes from a login
//! page that lists the eID method to the main listener's final redirect.

use poort::authn::eid::cards::{self, CardFiles, CardProfile, CardRequest, DemoPki, KeyType};

use crate::helpers::TestApp;

/// Demo persons (config/demo/registry) and one valid number the register does not know.
pub const JAN_PEETERS: &str = "78.03.14-123.49";
pub const SOFIE_CLAES: &str = "90.11.02-246.12";
pub const NOT_IN_REGISTER: &str = "85.07.30-033.28";

/// A DEMO PKI living as long as the test.
pub struct EidKit {
    pub pki: DemoPki,
    dir: tempfile::TempDir,
}

impl EidKit {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let pki = cards::init_ca(&dir.path().join("pki")).expect("demo PKI");
        Self { pki, dir }
    }

    /// An authentication card for `nrn` (any spelling), adjusted by `adjust`.
    pub fn card_with(
        &self,
        nrn: &str,
        given: &str,
        surname: &str,
        key: KeyType,
        adjust: impl FnOnce(&mut CardRequest),
    ) -> CardFiles {
        let number = poort::domain::NationalNumber::parse(nrn).expect("a valid national number");
        let mut request = CardRequest {
            national_number: number.as_str().to_string(),
            given_names: given.into(),
            surname: surname.into(),
            key,
            is_revoked: false,
            not_after: None,
            profile: CardProfile::Authentication,
        };
        adjust(&mut request);
        let out = self.dir.path().join("cards").join(uuid::Uuid::new_v4().simple().to_string());
        cards::issue_card(&self.pki, &request, &out).expect("card issued")
    }

    pub fn jan(&self) -> CardFiles {
        self.card_with(JAN_PEETERS, "Jan", "Peeters", KeyType::Rsa2048, |_| {})
    }

    pub fn sofie(&self) -> CardFiles {
        self.card_with(SOFIE_CLAES, "Sofie", "Claes", KeyType::EcP384, |_| {})
    }

    /// Starts the application with the eID listener on port 0 using this PKI (through
    /// `eid.demo_pki_dir`, as the demo configuration does).
    pub async fn spawn_app(&self) -> TestApp {
        self.spawn_app_with(|_| {}).await
    }

    /// Like [`EidKit::spawn_app`], with more settings adjusted by `adjust`.
    pub async fn spawn_app_with(&self, adjust: impl FnOnce(&mut poort::config::Settings)) -> TestApp {
        let dir = self.pki.dir.clone();
        TestApp::spawn_with(move |s| {
            s.eid.is_enabled = true;
            s.eid.listen = "127.0.0.1:0".parse().expect("addr");
            s.eid.demo_pki_dir = Some(dir);
            adjust(s);
        })
        .await
    }

    /// A browser talking to the eID listener: trusts the listener's (demo) TLS CA, presents
    /// `card` when asked, never follows redirects, opens a new connection per request (the
    /// card check belongs to the TLS connection).
    pub fn browser(&self, card: Option<&CardFiles>) -> reqwest::Client {
        let ca = std::fs::read(&self.pki.tls_ca_cert_pem).expect("TLS CA");
        let mut builder = reqwest::Client::builder()
            .tls_certs_only([reqwest::Certificate::from_pem(&ca).expect("TLS CA PEM")])
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(0)
            .default_headers(
                [(reqwest::header::ACCEPT_LANGUAGE, reqwest::header::HeaderValue::from_static("en"))]
                    .into_iter()
                    .collect(),
            );
        if let Some(card) = card {
            let mut pem = std::fs::read(&card.cert_pem).expect("card");
            pem.extend(std::fs::read(&card.chain_pem).expect("chain"));
            pem.extend(std::fs::read(&card.key_pem).expect("key"));
            builder = builder.identity(reqwest::Identity::from_pem(&pem).expect("client identity"));
        }
        builder.build().expect("eID browser")
    }
}

pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get(reqwest::header::LOCATION)
        .unwrap_or_else(|| panic!("a redirect, got {}", response.status()))
        .to_str()
        .expect("ASCII location")
        .to_string()
}

/// The eID entry of a login page (`/login?tx=…` on the main listener): its absolute link.
pub async fn eid_start_url(app: &TestApp, tx_login_url: &str) -> String {
    let html = app.get(tx_login_url).await.text().await.expect("login page");
    let start =
        html.find("/eid/login?tx=").unwrap_or_else(|| panic!("no eID entry on the login page: {html}"));
    let begin = html[..start].rfind('"').expect("href start") + 1;
    let end = start + html[start..].find('"').expect("href end");
    html[begin..end].replace("&amp;", "&")
}

/// Presents `card` at the eID listener's start URL (step 1: the TLS side).
pub async fn present_card(kit: &EidKit, start_url: &str, card: Option<&CardFiles>) -> reqwest::Response {
    kit.browser(card).get(start_url).send().await.expect("eID listener answers")
}

/// The whole eID login from a login page to the main listener's final redirect: picks the
/// eID entry, presents `card` over mTLS, follows the ticket back to the main listener with
/// the app's cookie jar, and returns the `Location` the login then redirects to.
pub async fn eid_login(app: &TestApp, kit: &EidKit, tx_login_url: &str, card: &CardFiles) -> String {
    let start = eid_start_url(app, tx_login_url).await;
    let tls = present_card(kit, &start, Some(card)).await;
    assert_eq!(tls.status(), 303, "the card is accepted: {}", tls.text().await.unwrap_or_default());
    let ticket_url = location(&tls);
    assert!(ticket_url.starts_with(&app.url("/login/eid/complete?ticket=")), "{ticket_url}");
    let done = app.client.get(&ticket_url).send().await.expect("ticket redeemed");
    assert!(
        done.status().is_redirection(),
        "login completes: {} {}",
        done.status(),
        done.text().await.unwrap_or_default()
    );
    location(&done)
}
