//! The broker against an upstream it did not write: panva `oidc-provider` (npm), set up only
//! through Poort's configuration (client_secret_basic, no encryption, no request object,
//! standard claims plus a national-number claim).
//!
//! Needs Node and `npm ci` in tests/upstream; runs when `TEST_NODE_UPSTREAM=1` (CI sets it),
//! otherwise it says loudly that it was skipped.
use std::process::Stdio;

use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::process::{Child, Command};

use crate::helpers::{TestApp, repo_path};
use crate::itsme_support::location;
use poort::authn::itsme::upstream::ClientAuth;

const SECRET: &str = "third-party-secret: with/odd chars";
const ACR: &str = "urn:poort:test:upstream:high";

struct NodeProvider {
    child: Child,
    lines: tokio::io::Lines<BufReader<tokio::process::ChildStdout>>,
    issuer: String,
}

impl NodeProvider {
    async fn start() -> NodeProvider {
        let mut child = Command::new("node")
            .arg(repo_path("tests/upstream/oidc-provider-server.mjs"))
            .current_dir(repo_path("tests/upstream"))
            .env("UPSTREAM_PORT", "0")
            .env("UPSTREAM_CLIENT_ID", "poort")
            .env("UPSTREAM_CLIENT_SECRET", SECRET)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .expect("TEST_NODE_UPSTREAM=1 but `node` cannot be started");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let first = lines.next_line().await.expect("read").expect("the provider printed its address");
        let issuer = first.strip_prefix("LISTENING ").expect("LISTENING line").to_string();
        NodeProvider { child, lines, issuer }
    }

    /// Registers Poort's callback as the client's redirect URI.
    async fn register(&mut self, redirect_uri: &str) {
        let stdin = self.child.stdin.as_mut().expect("stdin");
        stdin.write_all(format!("CLIENT {redirect_uri}\n").as_bytes()).await.expect("write");
        stdin.flush().await.expect("flush");
        let ready = self.lines.next_line().await.expect("read").expect("READY line");
        assert_eq!(ready, "READY");
    }
}

fn absolute(base: &str, location: &str) -> String {
    url::Url::parse(base).expect("base").join(location).expect("location").to_string()
}

fn form_action(html: &str) -> String {
    let start = html.find("action=\"").expect("a form") + "action=\"".len();
    html[start..].split('"').next().expect("action").replace("&amp;", "&")
}

#[tokio::test]
async fn a_login_through_a_third_party_openid_provider_configured_only_by_settings() {
    if std::env::var("TEST_NODE_UPSTREAM").as_deref() != Ok("1") {
        eprintln!(
            "SKIPPED a_login_through_a_third_party_openid_provider_configured_only_by_settings: \
             set TEST_NODE_UPSTREAM=1 after `(cd tests/upstream && npm ci)` to run it (CI does)"
        );
        return;
    }
    let mut node = NodeProvider::start().await;
    let issuer = node.issuer.clone();
    let app = TestApp::spawn_with(move |s| {
        let up = &mut s.itsme.upstream;
        s.itsme.is_enabled = true;
        up.issuer = issuer;
        up.client_id = "poort".into();
        up.client_auth = ClientAuth::ClientSecretBasic;
        up.client_secret = Some(SECRET.into());
        up.use_request_object = false;
        up.is_token_encryption_required = false;
        up.scopes = ["openid", "profile", "national_number"].map(String::from).to_vec();
        up.requested_claims = Vec::new();
        up.acr_values = vec![ACR.into()];
        up.acr_map = [(ACR.to_string(), 450)].into_iter().collect();
        up.claim_map.national_number = "national_number".into();
    })
    .await;
    node.register(&app.url("/login/itsme/callback")).await;

    let resp = app.get("/login?next=/my/session&level=450").await;
    let tx = location(&resp).split("tx=").nth(1).expect("tx").to_string();
    let resp = app.get(&format!("/login/itsme/start?tx={tx}")).await;
    assert_eq!(resp.status(), 303, "start redirects to the provider");
    let mut url = location(&resp);
    assert!(url.starts_with(&node.issuer), "{url}");

    // The provider's own pages, like a browser: follow redirects, fill in its forms.
    let browser = crate::helpers::client();
    let callback = app.url("/login/itsme/callback");
    for _ in 0..12 {
        if url.starts_with(&callback) {
            break;
        }
        let resp = browser.get(&url).send().await.expect("provider page");
        if resp.status().is_redirection() {
            url = absolute(&url, &location(&resp));
            continue;
        }
        assert_eq!(resp.status(), 200, "at {url}");
        let html = resp.text().await.expect("page");
        let action = absolute(&url, &form_action(&html));
        let form: Vec<(&str, &str)> = if html.contains("name=\"login\"") {
            vec![("prompt", "login"), ("login", "jan"), ("password", "any")]
        } else {
            vec![("prompt", "consent")]
        };
        let resp = browser.post(&action).form(&form).send().await.expect("submit");
        assert!(resp.status().is_redirection(), "submitting {action}: {}", resp.status());
        url = absolute(&action, &location(&resp));
    }
    assert!(url.starts_with(&callback), "the provider sends the browser back to Poort: {url}");

    let resp = app.client.get(&url).header("accept-language", "en").send().await.expect("callback");
    let status = resp.status();
    let body = resp.text().await.unwrap_or_default();
    assert_eq!(status, 303, "{body}");
    let me = app.me().await.expect("logged in");
    assert_eq!(me["given_names"], "Jan");
    assert_eq!(me["surname"], "Peeters");
    assert_eq!(me["national_number_masked"], "78.03.14-***.**");
    assert_eq!(me["level"], 450);
    assert_eq!(me["method"], "itsme");
}
