//! Issue 14, item 7: the eIDAS node's metadata URL unreachable at start does not take Poort
//! down. Every other key works, eIDAS is shown unavailable on the login page and refused
//! with a clear 503, and once the metadata can be read the method is available again.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::response::IntoResponse;
use base64::Engine;
use poort::kernel::saml::signing::{SigningKey, cert_der_from_pem};

use crate::helpers::TestApp;

/// Signed node metadata (one signing certificate, an HTTP-POST SSO endpoint).
fn node_metadata(signer: &SigningKey, node_cert_pem: &str, cache: &str) -> String {
    let cert = base64::engine::general_purpose::STANDARD
        .encode(cert_der_from_pem(node_cert_pem, "node").expect("der"));
    let xml = format!(
        r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" ID="_node" entityID="https://node.example/metadata" cacheDuration="{cache}">{sig}<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor><md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://node.example/sso"/></md:IDPSSODescriptor></md:EntityDescriptor>"#,
        sig = signer.template("_node"),
    );
    signer.sign(&xml).expect("signed")
}

#[tokio::test]
async fn an_unreachable_node_leaves_poort_up_and_eidas_unavailable_until_its_metadata_is_read() {
    let dir = tempfile::tempdir().expect("dir");
    let (meta_key, meta_cert) = poort::kernel::devpki::self_signed_rsa("node metadata signer").expect("key");
    let (_, node_cert) = poort::kernel::devpki::self_signed_rsa("node").expect("key");
    let trust = dir.path().join("metadata-signer.pem");
    std::fs::write(&trust, &meta_cert).expect("cert");
    let signer = SigningKey::from_pem(&meta_key, &meta_cert).expect("pem");
    let xml = node_metadata(&signer, &node_cert, "PT1H");
    // The node's metadata server: down (503) until `is_up`.
    let is_up = Arc::new(AtomicBool::new(false));
    let router = {
        let is_up = is_up.clone();
        axum::Router::new().route(
            "/metadata",
            axum::routing::get(move || {
                let (is_up, xml) = (is_up.clone(), xml.clone());
                async move {
                    if is_up.load(Ordering::SeqCst) {
                        xml.into_response()
                    } else {
                        http::StatusCode::SERVICE_UNAVAILABLE.into_response()
                    }
                }
            }),
        )
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/metadata", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, router).await });

    let app = TestApp::spawn_with(|s| {
        s.eidas.is_enabled = true;
        s.eidas.mock.is_enabled = false;
        s.eidas.node_metadata_url = Some(url);
        s.eidas.node_metadata_signing_certificate_path = Some(trust);
    })
    .await;
    let rt = app.state.eidas().expect("the eIDAS method is installed");
    assert!(!rt.is_node_ready(), "the node is unknown");
    let tx = app.start_portal_login("/my/session").await;
    let page = app.get_lang(&format!("/login?tx={tx}"), "en").await.text().await.expect("page");
    assert!(
        page.contains("European login (eIDAS) is temporarily unavailable"),
        "{}",
        crate::helpers::text_of(&page)
    );
    assert!(!page.contains("href=\"/login/eidas/start"), "no link to an unavailable key");
    let refused = app.get_lang(&format!("/login/eidas/start?tx={tx}"), "en").await;
    assert_eq!(refused.status(), 503);
    assert!(refused.text().await.expect("page").contains("temporarily unavailable"));
    // Other keys still work.
    assert_eq!(app.test_login(&tx, crate::btb_support::JAN, 400).await.status(), 303);

    // The node comes back: the next retry reads its metadata.
    is_up.store(true, Ordering::SeqCst);
    rt.refresh_if_due().await;
    assert!(rt.is_node_ready(), "read once it answers");
    assert_eq!(rt.sp().node.entity_id, "https://node.example/metadata");
    let tx = app.start_portal_login_forced().await;
    let page = app.get_lang(&format!("/login?tx={tx}"), "en").await.text().await.expect("page");
    assert!(page.contains("href=\"/login/eidas/start"), "{}", crate::helpers::text_of(&page));
}

#[test]
fn metadata_validity_sets_when_it_is_read_again() {
    let now = time::OffsetDateTime::now_utc();
    let (k, c) = poort::kernel::devpki::self_signed_rsa("signer").expect("key");
    let signer = SigningKey::from_pem(&k, &c).expect("pem");
    let xml = node_metadata(&signer, &c, "PT2H30M");
    let after = poort::authn::eidas::metadata_refresh_after(&xml, now).expect("valid");
    assert_eq!(after.whole_minutes(), 150);
    let expired = xml.replacen(r#"cacheDuration="PT2H30M""#, r#"validUntil="2020-01-01T00:00:00Z""#, 1);
    let err = poort::authn::eidas::metadata_refresh_after(&expired, now).expect_err("expired");
    assert!(err.to_string().contains("expired"), "{err}");
}
