//! eID card login end to end: the portal login page, real mTLS on the eID listener with
//! demo cards, the one-time ticket redeemed on the main listener.

use crate::eid_support::*;

async fn me(app: &crate::helpers::TestApp) -> serde_json::Value {
    let resp = app.get("/api/v1/me").await;
    assert_eq!(resp.status(), 200, "logged in");
    resp.json().await.expect("json")
}

#[tokio::test]
async fn jan_peeters_logs_in_with_his_rsa_card_at_level_500() {
    let kit = EidKit::new();
    let app = kit.spawn_app().await;
    let tx = app.start_portal_login("/my/session").await;
    let next = eid_login(&app, &kit, &format!("/login?tx={tx}"), &kit.jan()).await;
    assert!(!next.contains("/login?tx="), "the login is done, not sent back: {next}");
    let me = me(&app).await;
    assert_eq!(me["given_names"], "Jan");
    assert_eq!(me["surname"], "Peeters");
    assert_eq!(me["national_number_masked"], "78.03.14-***.**");
    assert_eq!(me["acr"], "urn:be:fedict:iam:fas:Level500");
    assert_eq!(me["method"], "eid");
    assert_eq!(me["amr"], serde_json::json!(["hwk", "sc", "pin"]));
}

#[tokio::test]
async fn sofie_claes_logs_in_with_her_p384_card() {
    let kit = EidKit::new();
    let app = kit.spawn_app().await;
    let tx = app.start_portal_login("/my/session").await;
    eid_login(&app, &kit, &format!("/login?tx={tx}"), &kit.sofie()).await;
    let me = me(&app).await;
    assert_eq!((me["given_names"].as_str(), me["surname"].as_str()), (Some("Sofie"), Some("Claes")));
    assert_eq!(me["level"], 500);
}

#[tokio::test]
async fn the_login_page_links_to_the_eid_listener_on_its_bound_port() {
    let kit = EidKit::new();
    let app = kit.spawn_app().await;
    let eid = app.state.eid().expect("the eID listener runs").clone();
    assert_ne!(eid.address.port(), 0);
    assert_eq!(eid.public_url, format!("https://{}", eid.address));
    let tx = app.start_portal_login("/my/session").await;
    let start = eid_start_url(&app, &format!("/login?tx={tx}")).await;
    assert_eq!(start, format!("{}/eid/login?tx={tx}", eid.public_url));
}

#[tokio::test]
async fn without_eid_configuration_the_login_page_has_no_eid_entry() {
    let app = crate::helpers::TestApp::spawn().await;
    assert!(app.state.eid().is_none());
    let tx = app.start_portal_login("/my/session").await;
    let html = app.get(&format!("/login?tx={tx}")).await.text().await.expect("page");
    assert!(!html.contains("/eid/login"), "{html}");
}

#[tokio::test]
async fn explicit_trust_files_work_without_the_demo_pki_directory() {
    let kit = EidKit::new();
    let pki = &kit.pki;
    let (cert, key, root, citizen, crl) = (
        pki.server_cert_pem.clone(),
        pki.server_key_pem.clone(),
        pki.root_cert_pem.clone(),
        pki.citizen_cert_pem.clone(),
        pki.crl_pem.clone(),
    );
    let app = crate::helpers::TestApp::spawn_with(move |s| {
        s.eid.is_enabled = true;
        s.eid.listen = "127.0.0.1:0".parse().expect("addr");
        s.eid.server_cert = cert;
        s.eid.server_key = key;
        s.eid.trust_anchors = vec![root];
        s.eid.intermediates = vec![citizen];
        s.eid.crls = vec![crl];
    })
    .await;
    let tx = app.start_portal_login("/my/session").await;
    eid_login(&app, &kit, &format!("/login?tx={tx}"), &kit.jan()).await;
    assert_eq!(me(&app).await["surname"], "Peeters");
}

#[tokio::test]
async fn curl_logs_in_with_the_card_p12_and_the_demo_pin() {
    let kit = EidKit::new();
    let app = kit.spawn_app().await;
    let card = kit.jan();
    let tx = app.start_portal_login("/my/session").await;
    let start = eid_start_url(&app, &format!("/login?tx={tx}")).await;
    let (p12, ca) = (card.p12.clone(), kit.pki.tls_ca_cert_pem.clone());
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new("curl")
            .args(["-sS", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}", "--cert-type", "P12"])
            .arg("--cert")
            .arg(format!("{}:{}", p12.display(), poort::authn::eid::cards::DEMO_PIN))
            .arg("--cacert")
            .arg(ca)
            .arg(start)
            .output()
    })
    .await
    .expect("task")
    .expect("curl runs");
    let answer = String::from_utf8_lossy(&out.stdout);
    assert!(
        answer.starts_with(&format!("303 {}", app.url("/login/eid/complete?ticket="))),
        "{answer} {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn the_eid_listener_stops_with_the_application() {
    let kit = EidKit::new();
    let db = crate::helpers::TestDb::create().await;
    let mut settings = crate::helpers::test_settings(&db.url);
    settings.eid.is_enabled = true;
    settings.eid.listen = "127.0.0.1:0".parse().expect("addr");
    settings.eid.demo_pki_dir = Some(kit.pki.dir.clone());
    let app = poort::app::Application::build(settings).await.expect("builds");
    let eid = app.eid_address().expect("eID listener bound");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));
    let url = format!("https://{eid}/eid/login?tx=nope");
    assert_eq!(kit.browser(None).get(&url).send().await.expect("answers").status(), 400);
    let _ = stop.send(());
    tokio::time::timeout(std::time::Duration::from_secs(10), running)
        .await
        .expect("stops in time")
        .expect("task")
        .expect("clean stop");
    // The accept loop notices the stop right after the server returns.
    let mut is_closed = false;
    for _ in 0..50 {
        if kit.browser(None).get(&url).send().await.is_err() {
            is_closed = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(is_closed, "nothing listens on the eID port any more");
}
