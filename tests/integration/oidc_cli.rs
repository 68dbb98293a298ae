//! `poort client …` and `poort keys rotate`, and the demo configuration's clients.

use std::process::Command;

use crate::helpers::{TestApp, TestDb, repo_path};
use crate::oidc_support::{basic, json, post};

fn poort(db: &TestDb, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_poort"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("RUST_LOG")
        .args(args)
        .args(["--config", "config/poort.toml", "--database-url", &db.url])
        .output()
        .expect("runs");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

fn secret_of(output: &str) -> String {
    output.lines().find_map(|l| l.strip_prefix("client_secret: ")).expect("a secret is printed").to_string()
}

#[tokio::test]
async fn clients_are_added_listed_given_a_new_secret_and_removed_from_the_command_line() {
    let db = TestDb::create().await;
    let (ok, out) = poort(
        &db,
        &[
            "client",
            "add",
            "cli-rp",
            "--redirect-uri",
            "https://rp.example/cb",
            "--grant",
            "client_credentials",
        ],
    );
    assert!(ok, "{out}");
    let first = secret_of(&out);
    let (ok, out) = poort(&db, &["client", "list"]);
    assert!(ok && out.contains("cli-rp\tcli\tclient_secret_basic"), "{out}");
    assert!(!out.contains(&first), "secrets are never listed");
    let (ok, again) = poort(&db, &["client", "add", "cli-rp", "--redirect-uri", "https://rp.example/cb"]);
    assert!(!ok && again.contains("exists already"), "{again}");
    let (ok, out) = poort(&db, &["client", "rotate-secret", "cli-rp"]);
    assert!(ok, "{out}");
    let second = secret_of(&out);
    assert_ne!(first, second);
    let (ok, out) = poort(&db, &["client", "rotate-secret", "nobody"]);
    assert!(!ok && out.contains("no client with id nobody"), "{out}");
    let (ok, out) = poort(&db, &["keys", "rotate"]);
    assert!(ok && out.contains("ES256") && out.contains("RS256"), "{out}");
    let (ok, out) = poort(&db, &["client", "remove", "cli-rp"]);
    assert!(ok, "{out}");
    let (ok, _) = poort(&db, &["client", "remove", "cli-rp"]);
    assert!(!ok);
}

#[tokio::test]
async fn a_client_added_on_the_command_line_authenticates_with_its_printed_secret() {
    let app = TestApp::spawn().await;
    let db_url = app.state.settings().database.url.clone();
    let settings = app.state.settings().clone();
    let new = poort::protocol::oidc::admin::NewClient {
        id: "cli-rp".into(),
        name: "CLI RP".into(),
        redirect_uris: vec!["https://rp.example/cb".into()],
        is_public: false,
        auth_method: None,
        scopes: vec![],
        grants: vec![poort::protocol::oidc::client::GrantType::ClientCredentials],
        is_first_party: false,
        domains: vec![],
        applications: vec![],
        is_pkce_required: true,
    };
    let secret = poort::protocol::oidc::admin::add_client(
        &settings.oidc,
        &poort::app::key_deriver(&settings).expect("keys"),
        app.state.store(),
        new,
    )
    .await
    .expect("added")
    .expect("a secret");
    let resp =
        post(&app, "/token", Some(&basic("cli-rp", &secret)), None, &[("grant_type", "client_credentials")])
            .await;
    assert_eq!(resp.status(), 200, "{db_url}");
}

#[tokio::test]
async fn the_demo_configuration_registers_demo_rp_with_its_secret() {
    let mut demo = poort::config::Settings::load(Some(&repo_path("config/poort.toml"))).expect("demo config");
    let clients = std::mem::take(&mut demo.oidc.clients);
    assert!(clients.iter().any(|c| c.id == "demo-rp"));
    let app = TestApp::spawn_with(move |s| {
        s.oidc.clients = clients;
        s.oidc.registration_initial_access_token = demo.oidc.registration_initial_access_token.clone();
    })
    .await;
    let resp = post(
        &app,
        "/token",
        Some(&basic("demo-rp", "demo-rp-secret")),
        None,
        &[("grant_type", "client_credentials")],
    )
    .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(json(resp).await["token_type"], "Bearer");
    let d = json(app.get("/.well-known/openid-configuration").await).await;
    assert!(d.get("registration_endpoint").is_some());
}

#[tokio::test]
async fn no_pkce_is_stored_for_a_confidential_client_and_refused_for_a_public_one() {
    let db = TestDb::create().await;
    let add = |id: &'static str, extra: &'static [&'static str]| {
        let mut args = vec!["client", "add", id, "--redirect-uri", "https://rp.example/cb", "--no-pkce"];
        args.extend_from_slice(extra);
        args
    };
    let (ok, out) = poort(&db, &add("suite-rp", &[]));
    assert!(ok, "{out}");
    let (ok, out) = poort(&db, &add("public-rp", &["--public"]));
    assert!(!ok && out.contains("--no-pkce"), "{out}");
    let store = poort::store::Store::connect(&db.url, 1).await.expect("store");
    let stored: poort::protocol::oidc::client::Client =
        store.find_oidc_client("suite-rp").await.expect("query").expect("stored");
    assert!(!stored.require_pkce && !stored.is_pkce_required());
}
