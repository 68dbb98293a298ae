//! Two Poort nodes on one database: a login that bounces between them at every step, and
//! one whose first node dies mid-login and the other finishes it. One browser (one cookie
//! jar: cookies are per host, not per port) talks to both, as behind a load balancer.

use poort::app::Application;
use serde_json::Value;

use crate::helpers::{TestDb, client, extract_hidden, test_settings};
use crate::oidc_support::{CHALLENGE, RP_REDIRECT, RP_SECRET, VERIFIER, basic, query_param, rp1};

const JAN: &str = "78.03.14-123.49";
/// The public URL both nodes share (the load balancer's; nothing listens there).
const PUBLIC: &str = "http://127.0.0.1:1";

struct Node {
    address: String,
    task: tokio::task::JoinHandle<()>,
    _data: tempfile::TempDir,
}

impl Node {
    async fn start(db: &TestDb) -> Node {
        Self::start_with(db, |_| {}).await
    }

    async fn start_with(db: &TestDb, adjust: impl FnOnce(&mut poort::config::Settings)) -> Node {
        let data = tempfile::tempdir().expect("dir");
        let mut settings = test_settings(&db.url);
        settings.server.public_url = PUBLIC.into();
        settings.eidas.mock.demo_tls_dir = data.path().join("eidas-mock");
        let mut third = rp1();
        third.is_first_party = false;
        settings.oidc.clients = vec![third];
        adjust(&mut settings);
        let app = Application::build(settings).await.expect("a node builds");
        let address = format!("http://{}", app.address());
        let task = tokio::spawn(async move { app.run_until(std::future::pending()).await.expect("serves") });
        Node { address, task, _data: data }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// Kills the node: its listener and every connection go away at once (no drain).
    fn kill(self) {
        self.task.abort();
    }
}

fn location(resp: &reqwest::Response) -> String {
    resp.headers()["location"].to_str().expect("ascii").to_string()
}

fn authorize_path(extra: &str) -> String {
    let q = form_urlencoded::Serializer::new(String::new())
        .append_pair("response_type", "code")
        .append_pair("client_id", "rp-1")
        .append_pair("redirect_uri", RP_REDIRECT)
        .append_pair("scope", "openid profile")
        .append_pair("state", "two-nodes")
        .append_pair("nonce", "n")
        .append_pair("code_challenge", CHALLENGE)
        .append_pair("code_challenge_method", "S256")
        .finish();
    format!("/authorize?{q}{extra}")
}

/// The test login of transaction `tx` on `node`.
async fn log_in(browser: &reqwest::Client, node: &Node, tx: &str) -> reqwest::Response {
    let page = browser.get(node.url(&format!("/login?tx={tx}"))).send().await.expect("GET");
    assert_eq!(page.status(), 200, "the login page of a transaction opened elsewhere");
    let csrf = extract_hidden(&page.text().await.expect("body"), "csrf").expect("csrf");
    browser
        .post(node.url("/demo/test-login"))
        .form(&[("csrf", csrf.as_str()), ("tx", tx), ("national_number", JAN), ("level", "500")])
        .send()
        .await
        .expect("POST")
}

async fn token(node: &Node, form: &[(&str, &str)]) -> Value {
    let resp = reqwest::Client::new()
        .post(node.url("/token"))
        .header("authorization", basic("rp-1", RP_SECRET))
        .form(form)
        .send()
        .await
        .expect("POST");
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap_or_default());
    resp.json().await.expect("json")
}

#[tokio::test]
async fn a_login_bouncing_between_two_nodes_at_every_step_completes() {
    let db = TestDb::create().await;
    let (a, b) = (Node::start(&db).await, Node::start(&db).await);
    let browser = client();
    // authorize on A
    let resp = browser.get(a.url(&authorize_path("&prompt=select_account"))).send().await.expect("GET");
    let tx = location(&resp).trim_start_matches("/login?tx=").to_string();
    // log in on B
    let done = log_in(&browser, &b, &tx).await;
    assert_eq!(done.status(), 303);
    let resume = location(&done);
    // resume on A, the chooser on B
    let to_chooser = browser.get(a.url(&resume)).send().await.expect("GET");
    let chooser = browser.get(b.url(&location(&to_chooser))).send().await.expect("GET");
    let html = chooser.text().await.expect("body");
    let csrf = extract_hidden(&html, "csrf").expect("the chooser");
    let chosen = browser
        .post(a.url("/profile/choose"))
        .form(&[("csrf", csrf.as_str()), ("tx", tx.as_str()), ("profile", "0474603083")])
        .send()
        .await
        .expect("POST");
    // consent on A (rp-1 is a third party here)
    let consent = browser.get(a.url(&location(&chosen))).send().await.expect("GET");
    let html = consent.text().await.expect("body");
    let csrf = extract_hidden(&html, "csrf").expect("the consent page");
    let allowed = browser
        .post(a.url("/authorize/consent"))
        .form(&[("csrf", csrf.as_str()), ("tx", tx.as_str()), ("decision", "allow")])
        .send()
        .await
        .expect("POST");
    let to_client = browser.get(a.url(&location(&allowed))).send().await.expect("GET");
    let callback = location(&to_client);
    let code = query_param(&callback, "code").expect("a code");
    // token on B
    let tokens = token(
        &b,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", RP_REDIRECT),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    let refresh = tokens["refresh_token"].as_str().expect("refresh token");
    let id_token = tokens["id_token"].as_str().expect("id_token").to_string();
    // refresh on A
    let refreshed = token(&a, &[("grant_type", "refresh_token"), ("refresh_token", refresh)]).await;
    assert!(refreshed["access_token"].is_string());
    // logout on B ends the session everywhere
    let q = form_urlencoded::Serializer::new(String::new()).append_pair("id_token_hint", &id_token).finish();
    let out = browser.get(b.url(&format!("/logout?{q}"))).send().await.expect("GET");
    assert!(out.status().is_success(), "{}", out.status());
    let me = browser.get(a.url("/api/v1/me")).send().await.expect("GET");
    assert_eq!(me.status(), 401, "the session ended on B is gone on A");
    a.kill();
    b.kill();
}

#[tokio::test]
async fn when_a_node_dies_mid_login_the_other_finishes_it() {
    let db = TestDb::create().await;
    let (a, b) = (Node::start(&db).await, Node::start(&db).await);
    let browser = client();
    let resp = browser.get(a.url(&authorize_path(""))).send().await.expect("GET");
    let tx = location(&resp).trim_start_matches("/login?tx=").to_string();
    a.kill();
    let done = log_in(&browser, &b, &tx).await;
    assert_eq!(done.status(), 303);
    let consent = browser.get(b.url(&location(&done))).send().await.expect("GET");
    let html = consent.text().await.expect("body");
    let csrf = extract_hidden(&html, "csrf").expect("the consent page");
    let allowed = browser
        .post(b.url("/authorize/consent"))
        .form(&[("csrf", csrf.as_str()), ("tx", tx.as_str()), ("decision", "allow")])
        .send()
        .await
        .expect("POST");
    let to_client = browser.get(b.url(&location(&allowed))).send().await.expect("GET");
    let code = query_param(&location(&to_client), "code").expect("a code from the surviving node");
    let tokens = token(
        &b,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", RP_REDIRECT),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert!(tokens["id_token"].is_string());
    b.kill();
}

/// A password tried on one node counts on the other: the brute-force throttle lives in the
/// database, not in a node's memory.
#[tokio::test]
async fn password_failures_on_one_node_throttle_the_account_on_the_other() {
    let db = TestDb::create().await;
    let throttled = |s: &mut poort::config::Settings| {
        crate::password_helpers::password_settings(s);
        s.password.throttle.free_failures = 3;
        s.password.throttle.base_delay_secs = 60;
    };
    let (a, b) = (Node::start_with(&db, throttled).await, Node::start_with(&db, throttled).await);
    let browser = client();
    let attempt = |node: &Node, password: &'static str| {
        let (browser, login, page) = (browser.clone(), node.url("/login/password"), node.url(""));
        async move {
            let resp = browser.get(format!("{page}/login?next=/my/session")).send().await.expect("GET");
            let tx = location(&resp).trim_start_matches("/login?tx=").to_string();
            let form = browser
                .get(format!("{login}?tx={tx}"))
                .send()
                .await
                .expect("GET")
                .text()
                .await
                .expect("body");
            let csrf = extract_hidden(&form, "csrf").expect("csrf");
            browser
                .post(login)
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("tx", tx.as_str()),
                    ("username", "janpeeters"),
                    ("password", password),
                ])
                .send()
                .await
                .expect("POST")
                .status()
        }
    };
    for _ in 0..4 {
        assert_eq!(attempt(&a, "Wrong-pass-1").await, 401, "a wrong password on node A");
    }
    assert_eq!(
        attempt(&b, crate::password_helpers::JAN_PASSWORD).await,
        429,
        "node B knows the account is throttled, even for the right password"
    );
    a.kill();
    b.kill();
}
