//! The `poort` binary: configuration checks, imports, and `serve` answering over HTTP.

use std::process::{Command, Stdio};
use std::time::Duration;

use crate::helpers::{TestDb, repo_path};

fn poort() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_poort"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR")).env_remove("RUST_LOG");
    cmd
}

#[test]
fn check_config_accepts_the_demo_configuration() {
    let out = poort().args(["check-config", "--config", "config/poort.toml"]).output().expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("demo mode: true"));
}

#[test]
fn check_config_names_an_unknown_key() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("bad.toml");
    std::fs::write(&file, "[demo]\nis_enabled = true\n[server]\nlisten_address = \"127.0.0.1:1\"\n")
        .expect("write");
    let out = poort().args(["check-config", "--config"]).arg(&file).output().expect("runs");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("listen_address"), "{stderr}");
}

#[test]
fn an_environment_variable_overrides_the_file_and_is_validated() {
    let out = poort()
        .args(["check-config", "--config", "config/poort.toml"])
        .env("POORT_DATABASE__MAX_CONNECTIONS", "0")
        .output()
        .expect("runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("database.max_connections"));
}

#[test]
fn a_missing_configuration_file_is_an_error() {
    let out = poort().args(["check-config", "--config", "config/nope.toml"]).output().expect("runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope.toml"));
}

#[tokio::test]
async fn import_kbo_reads_the_official_open_data_format() {
    let db = TestDb::create().await;
    let out = poort()
        .args([
            "registry",
            "import-kbo",
            "config/demo/kbo-sample",
            "--config",
            "config/poort.toml",
            "--database-url",
            &db.url,
        ])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("imported"), "{stdout}");

    let store = poort::store::Store::connect(&db.url, 1).await.expect("connect");
    let number = poort::domain::EnterpriseNumber::parse("0410.561.210").expect("valid");
    let clinic = store.find_registry_enterprise(&number).await.expect("query").expect("imported");
    assert!(clinic.names.display(poort::domain::Language::Nl).contains("REMBERTUS"));
    store.close().await;
}

#[test]
fn import_kbo_of_a_missing_directory_fails_clearly() {
    let out = poort()
        .args([
            "registry",
            "import-kbo",
            "/no/such/dir",
            "--config",
            "config/poort.toml",
            "--database-url",
            "sqlite::memory:",
        ])
        .output()
        .expect("runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("/no/such/dir"));
}

/// A free port of 127.0.0.1 (bound and released).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

/// `poort serve` with the demo configuration on `port`, its side listeners on free ports
/// (`--side-ports auto`: the test must not depend on the demo's fixed ports being free) and
/// its demo keys in `keys`, outside the repository.
fn serve_demo(port: u16, database_url: &str, keys: &std::path::Path) -> std::process::Child {
    poort()
        .args(["serve", "--config", "config/poort.toml", "--listen", &format!("127.0.0.1:{port}")])
        .args(["--side-ports", "auto", "--database-url", database_url])
        .env("POORT_ITSME__DEMO_KEY_DIR", keys)
        .env("POORT_EID__DEMO_PKI_DIR", keys.join("eid"))
        .env("POORT_EIDAS__MOCK__DEMO_TLS_DIR", keys.join("eidas-mock"))
        .env("POORT_EIDAS__SIGNING_KEY_PATH", keys.join("eidas-sp-key.pem"))
        .env("POORT_EIDAS__SIGNING_CERTIFICATE_PATH", keys.join("eidas-sp-cert.pem"))
        // Not configuration (no known section): a script's variable must not stop Poort.
        .env("POORT_BIN", "/usr/local/bin/poort")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("starts")
}

/// Waits up to 15 seconds for `/readyz` of `base` to answer 200.
async fn wait_ready(client: &reqwest::Client, base: &str) -> bool {
    for _ in 0..150 {
        if let Ok(r) = client.get(format!("{base}/readyz")).send().await
            && r.status() == 200
        {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

/// `poort serve --listen 127.0.0.1:PORT` with the demo configuration answers its probes and
/// its pages on the public origin `http://localhost:PORT`.
#[tokio::test]
async fn serve_comes_up_with_demo_data_and_answers_its_probes() {
    let db = TestDb::create().await;
    let port = free_port();
    let keys = tempfile::tempdir().expect("temp dir");
    let mut child = serve_demo(port, &db.url, keys.path());
    let client = crate::helpers::client();
    let base = format!("http://localhost:{port}");
    let ready = wait_ready(&client, &base).await;
    let result = async {
        assert!(ready, "poort serve did not become ready");
        assert_eq!(client.get(format!("{base}/healthz")).send().await?.status(), 200);
        assert!(
            client
                .get(format!("{base}/metrics"))
                .send()
                .await?
                .text()
                .await?
                .contains("poort_http_requests_total")
        );
        for lang in ["nl", "fr", "de", "en"] {
            let body =
                client.get(format!("{base}/")).header("accept-language", lang).send().await?.text().await?;
            assert!(body.contains(&format!("<html lang=\"{lang}\">")), "{lang}");
        }
        let body = client.get(format!("{base}/enterprises/0474603083")).send().await?.text().await?;
        assert!(body.contains("IATREION"), "demo data is loaded");
        Ok::<(), reqwest::Error>(())
    }
    .await;
    let _ = child.kill();
    let _ = child.wait();
    result.expect("requests");
    let _ = repo_path("config");
}

/// Two demo instances on one machine (`--side-ports auto`): both come up, and each login
/// page sends the browser to its own eID listener, never to the other's.
#[tokio::test]
async fn two_demo_instances_run_side_by_side_with_side_ports_auto() {
    let (db1, db2) = (TestDb::create().await, TestDb::create().await);
    let (keys1, keys2) = (tempfile::tempdir().expect("dir"), tempfile::tempdir().expect("dir"));
    let (port1, port2) = (free_port(), free_port());
    let mut first = serve_demo(port1, &db1.url, keys1.path());
    let mut second = serve_demo(port2, &db2.url, keys2.path());
    let client = crate::helpers::client();
    let bases = [format!("http://localhost:{port1}"), format!("http://localhost:{port2}")];
    let mut eid_links = Vec::new();
    let mut failure = None;
    for base in &bases {
        if !wait_ready(&client, base).await {
            failure = Some(format!("{base} did not become ready"));
            break;
        }
        let login = client.get(format!("{base}/login?next=/my/session")).send().await.expect("GET");
        let page = login.headers()["location"].to_str().expect("ascii").to_string();
        let body = client.get(format!("{base}{page}")).send().await.expect("GET").text().await.expect("body");
        let link = crate::helpers::text_of(&body)
            .split("href=\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .find(|href| href.contains("/eid/login?tx="))
            .map(str::to_string);
        eid_links.push(link);
    }
    for child in [&mut first, &mut second] {
        let _ = child.kill();
        let _ = child.wait();
    }
    assert!(failure.is_none(), "{failure:?}");
    let [Some(a), Some(b)] = [&eid_links[0], &eid_links[1]] else { panic!("no eID link: {eid_links:?}") };
    let port_of = |url: &str| url::Url::parse(url).expect("url").port().expect("port");
    assert_ne!(port_of(a), port_of(b), "each instance links its own eID listener");
    assert!(![8443, port1, port2].contains(&port_of(a)) && ![8443, port1, port2].contains(&port_of(b)));
}

/// Scripts and container platforms set `POORT_*` variables that are not configuration.
#[test]
fn a_poort_variable_outside_the_configuration_sections_is_ignored_and_named() {
    let out = poort()
        .args(["check-config", "--config", "config/poort.toml"])
        .env("POORT_BIN", "/usr/local/bin/poort")
        .env("POORT_VERSION", "1.2.3")
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("ignored environment variables") && stdout.contains("POORT_BIN"), "{stdout}");
    assert!(!stdout.contains("/usr/local/bin/poort"), "values are never printed: {stdout}");
}

/// Inside a known section a misspelt key is still an error that names it.
#[test]
fn a_misspelt_key_in_a_known_section_of_the_environment_is_an_error() {
    let out = poort()
        .args(["check-config", "--config", "config/poort.toml"])
        .env("POORT_SERVER__LISTNE", "127.0.0.1:1")
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("listne") && stderr.contains("unknown field"), "{stderr}");
}

/// `server.side_ports = auto` moves the listeners; a fixed side URL would then be wrong.
#[test]
fn side_ports_auto_refuses_a_fixed_eid_public_url() {
    let out = poort()
        .args(["check-config", "--config", "config/poort.toml"])
        .env("POORT_SERVER__SIDE_PORTS", "auto")
        .env("POORT_EID__PUBLIC_URL", "https://127.0.0.1:8443")
        .output()
        .expect("runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("public_url"));
}
