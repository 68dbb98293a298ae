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

/// `poort serve --listen 127.0.0.1:PORT` with the demo configuration answers its probes.
#[tokio::test]
async fn serve_comes_up_with_demo_data_and_answers_its_probes() {
    let db = TestDb::create().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let keys = tempfile::tempdir().expect("temp dir");
    let mut child = poort()
        .args([
            "serve",
            "--config",
            "config/poort.toml",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--database-url",
            &db.url,
        ])
        // The demo's side listeners on any free port, their demo keys outside the
        // repository: the test must not depend on the demo's fixed ports being free.
        .env("POORT_ITSME__MOCK__LISTEN", "127.0.0.1:0")
        .env("POORT_ITSME__DEMO_KEY_DIR", keys.path())
        .env("POORT_EID__LISTEN", "127.0.0.1:0")
        .env("POORT_EID__DEMO_PKI_DIR", keys.path().join("eid"))
        .env("POORT_EIDAS__MOCK__LISTEN", "127.0.0.1:0")
        .env("POORT_EIDAS__MOCK__DEMO_TLS_DIR", keys.path().join("eidas-mock"))
        .env("POORT_EIDAS__SIGNING_KEY_PATH", keys.path().join("eidas-sp-key.pem"))
        .env("POORT_EIDAS__SIGNING_CERTIFICATE_PATH", keys.path().join("eidas-sp-cert.pem"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("starts");
    let client = crate::helpers::client();
    let base = format!("http://127.0.0.1:{port}");
    let mut ready = false;
    for _ in 0..150 {
        if let Ok(r) = client.get(format!("{base}/readyz")).send().await {
            ready = r.status() == 200;
            if ready {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
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
