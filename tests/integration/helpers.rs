//! Test harness: starts the real application on port 0 with a fresh database and drives
//! it over HTTP with a cookie jar and redirects off.
//!
//! `TEST_DATABASE=postgres` runs against PostgreSQL at `TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432`): each test makes its own database and drops
//! it afterwards. If PostgreSQL is unreachable the test fails loudly — never skipped.

use std::path::PathBuf;

use poort::app::{AppState, Application};
use poort::config::Settings;
use tokio::sync::oneshot;

pub struct TestApp {
    /// The public origin, `http://localhost:PORT`.
    pub address: String,
    /// The main listener's bound address.
    pub bound: std::net::SocketAddr,
    pub client: reqwest::Client,
    pub state: AppState,
    _db: TestDb,
    /// Files of this app only (the demo CA of the mock eIDAS node).
    _data: tempfile::TempDir,
    _shutdown: oneshot::Sender<()>,
}

pub fn repo_path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Settings for a test: demo mode (demo secrets), demo registry, port 0.
pub fn test_settings(database_url: &str) -> Settings {
    let mut settings = Settings::default();
    settings.demo.is_enabled = true;
    settings.server.listen = "127.0.0.1:0".parse().expect("addr");
    settings.database.url = database_url.to_string();
    settings.database.max_connections = 5;
    settings.registry.load_dirs = vec![repo_path("config/demo/registry")];
    settings.demo.is_test_login_enabled = true;
    // Tests fire many requests from one address; the rate limit has tests of its own.
    settings.limits.rate_per_minute = 1_000_000;
    settings.limits.burst = 100_000;
    settings
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
        Self::spawn_from(test_settings, adjust).await
    }

    /// The demo configuration as shipped (`config/poort.toml`: every digital key and its
    /// mock), on free ports (`server.side_ports = auto`), with a fresh database and its
    /// demo keys in a temporary directory; `adjust` runs last.
    pub async fn spawn_demo(adjust: impl FnOnce(&mut Settings)) -> TestApp {
        let demo = |url: &str| {
            // The data directory is set for every instance below (keep_demo_files_in).
            Settings::demo_in(&repo_path(""), url, std::path::Path::new(".")).expect("the demo configuration")
        };
        Self::spawn_from(demo, |s| {
            // Cheaper password hashing (the OWASP parameters are unit-tested).
            s.password.argon2_memory_kib = 8 * 1024;
            s.password.argon2_iterations = 1;
            adjust(s);
        })
        .await
    }

    async fn spawn_from(base: impl FnOnce(&str) -> Settings, adjust: impl FnOnce(&mut Settings)) -> TestApp {
        let db = TestDb::create().await;
        let data = tempfile::tempdir().expect("temp dir");
        let mut settings = base(&db.url);
        settings.keep_demo_files_in(data.path());
        adjust(&mut settings);
        let app = Application::build(settings).await.expect("the application builds");
        // The public origin (`http://localhost:PORT`): pages asked for under another host
        // name are redirected there, as a browser would be. Behind a (pretend) proxy, with
        // `server.public_url` set, the test talks to the listener itself.
        let address = if app.state().settings().is_public_url_derived() {
            app.state().public_url().to_string()
        } else {
            format!("http://{}", app.address())
        };
        let bound = app.address();
        let state = app.state().clone();
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(async move {
            app.run_until(async {
                let _ = rx.await;
            })
            .await
            .expect("server runs");
        });
        TestApp { address, bound, client: client(), state, _db: db, _data: data, _shutdown: tx }
    }

    /// The URL of this app's own database (to start a second node on it).
    pub fn database_url(&self) -> &str {
        &self._db.url
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    pub async fn get_lang(&self, path: &str, accept_language: &str) -> reqwest::Response {
        self.client.get(self.url(path)).header("accept-language", accept_language).send().await.expect("GET")
    }

    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client.post(self.url(path)).form(form).send().await.expect("POST")
    }

    /// Opens a portal login (`GET /login?next=…`) and returns the transaction id.
    pub async fn start_portal_login(&self, next: &str) -> String {
        let resp = self.get(&format!("/login?next={next}")).await;
        assert_eq!(resp.status(), 303, "a portal login redirects to its login page");
        let location = resp.headers()["location"].to_str().expect("ascii").to_string();
        location.split("tx=").nth(1).expect("tx in location").split('&').next().expect("tx").to_string()
    }

    /// A browser of its own (cookie jar, redirects off).
    pub fn spawn_client() -> reqwest::Client {
        client()
    }

    /// Opens a portal login in `browser` and returns the transaction id.
    pub async fn start_portal_login_with(&self, browser: &reqwest::Client, next: &str) -> String {
        let resp = browser.get(self.url(&format!("/login?next={next}"))).send().await.expect("GET");
        assert_eq!(resp.status(), 303, "a portal login redirects to its login page");
        let location = resp.headers()["location"].to_str().expect("ascii").to_string();
        location.split("tx=").nth(1).expect("tx in location").split('&').next().expect("tx").to_string()
    }

    /// Opens a portal login even when a session exists (a higher level than any session).
    pub async fn start_portal_login_forced(&self) -> String {
        // Level 500 is the highest; end the current session first so a new login is needed.
        let token = self.csrf_token("/").await;
        let _ = self.post_form("/logout", &[("csrf", token.as_str())]).await;
        self.start_portal_login("/my/session").await
    }

    /// Completes transaction `tx` with the demo-only test login as `national_number` at `level`.
    pub async fn test_login(&self, tx: &str, national_number: &str, level: u16) -> reqwest::Response {
        let token = self.csrf_token(&format!("/login?tx={tx}")).await;
        let level = level.to_string();
        self.post_form(
            "/demo/test-login",
            &[
                ("csrf", token.as_str()),
                ("tx", tx),
                ("national_number", national_number),
                ("level", level.as_str()),
            ],
        )
        .await
    }

    /// `GET /api/v1/me` as JSON (None when not logged in).
    pub async fn me(&self) -> Option<serde_json::Value> {
        let resp = self.get("/api/v1/me").await;
        if resp.status() == 401 {
            return None;
        }
        assert_eq!(resp.status(), 200);
        Some(resp.json().await.expect("json"))
    }

    /// Fetches `page` and returns the CSRF token of its first form.
    pub async fn csrf_token(&self, page: &str) -> String {
        let body = self.get(page).await.text().await.expect("body");
        extract_hidden(&body, "csrf").expect("the page has a csrf field")
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .expect("client")
}

/// A browser without cookies of ours that trusts the demo CA of the app's mock eIDAS node
/// (when it serves TLS), to talk to that node.
pub fn eidas_node_client(app: &TestApp) -> reqwest::Client {
    let mut builder =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).cookie_store(true);
    if let Some(ca) = app.state.eidas().and_then(|e| e.mock_ca_pem.as_deref()) {
        builder = builder.tls_certs_only([reqwest::Certificate::from_pem(ca.as_bytes()).expect("demo CA")]);
    }
    builder.build().expect("client")
}

/// The value of `<input type="hidden" name="NAME" value="…">` in a page.
pub fn extract_hidden(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_string())
}

/// A database of its own for one test.
pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    postgres: Option<(String, String)>,
}

impl TestDb {
    pub async fn create() -> TestDb {
        match std::env::var("TEST_DATABASE").as_deref() {
            Ok("postgres") => Self::postgres().await,
            Ok("sqlite") | Err(_) => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("poort.db").display());
                TestDb { url, _dir: Some(dir), postgres: None }
            }
            Ok(other) => panic!("TEST_DATABASE must be sqlite or postgres, not {other:?}"),
        }
    }

    async fn postgres() -> TestDb {
        use sqlx::Connection as _;
        let base = std::env::var("TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into());
        let name = format!("poort_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = sqlx::PgConnection::connect(&format!("{base}/postgres")).await.unwrap_or_else(|e| {
            panic!("TEST_DATABASE=postgres but PostgreSQL at {base} is unreachable: {e}")
        });
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .expect("create test database");
        TestDb { url: format!("{base}/{name}"), _dir: None, postgres: Some((base, name)) }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((base, name)) = self.postgres.take() {
            // Drop from a thread of its own: we may be inside a runtime that is shutting down.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
                rt.block_on(async move {
                    use sqlx::Connection as _;
                    if let Ok(mut admin) = sqlx::PgConnection::connect(&format!("{base}/postgres")).await {
                        let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                        )))
                        .execute(&mut admin)
                        .await;
                    }
                });
            })
            .join();
        }
    }
}

/// The visible text of a page (or an attribute value): HTML entities decoded — the named
/// ones and every numeric one askama writes (`&#60;`, `&#x2f;`, …) — so catalogue strings
/// with apostrophes or ampersands, and URLs, can be compared.
pub fn text_of(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let decoded = rest.find(';').filter(|end| *end <= 10).and_then(|end| {
            let entity = &rest[1..end];
            let c = match entity {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => {
                    let code = match entity.strip_prefix("#x").or_else(|| entity.strip_prefix("#X")) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok(),
                        None => entity.strip_prefix('#').and_then(|dec| dec.parse().ok()),
                    };
                    code.and_then(char::from_u32)
                }
            };
            c.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn text_of_decodes_named_decimal_and_hex_entities_once() {
    assert_eq!(text_of("&#60;b&#62; &#38; &#34;x&#34; &#39;y&#x27; &#x2F;&#x2f;"), "<b> & \"x\" 'y' //");
    assert_eq!(text_of("&lt;&gt;&amp;&quot;"), "<>&\"");
    assert_eq!(text_of("&amp;lt; stays &lt;"), "&lt; stays <", "decoded once, not twice");
    assert_eq!(text_of("a & b &nonsense; &#xZZ;"), "a & b &nonsense; &#xZZ;");
}
