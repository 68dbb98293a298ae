//! Issue 14, item 3: what the identity provider does for service providers whose metadata
//! asks more of it — assertions encrypted to their encryption certificate (AES-GCM, the key
//! under RSA-OAEP, the algorithms their `md:EncryptionMethod`s name) and responses signed
//! with ECDSA when their `alg:SigningMethod`s list it.

use poort::kernel::saml::encryption::{
    AES128_GCM, AES256_GCM, Algorithms, DecryptError, RSA_OAEP_MGF1P, decrypt_element,
};
use poort::kernel::saml::signing::verify_and_reduce_any;
use poort::kernel::saml::xml::{NS_SAML, only_child, parse_strict};
use poort::protocol::saml::sp::{ServiceProvider, SpSettings, from_metadata};

use crate::btb_support::JAN;
use crate::helpers::TestApp;
use crate::saml_support::{TestSp, idp_certs, saml_app, sso, status_of, verify};

/// `sp`'s metadata with an encryption key descriptor naming `methods`.
fn with_encryption(sp: &TestSp, methods: &[&str]) -> String {
    let methods: String =
        methods.iter().map(|m| format!(r#"<md:EncryptionMethod Algorithm="{m}"/>"#)).collect();
    sp.metadata(true).replacen(
        "<md:SingleLogoutService",
        &format!(
            r#"<md:KeyDescriptor use="encryption"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>{methods}</md:KeyDescriptor><md:SingleLogoutService"#,
            sp.key.cert_b64()
        ),
        1,
    )
}

async fn register(app: &TestApp, metadata: &str, settings: SpSettings) -> ServiceProvider {
    let sp = from_metadata(metadata, settings).expect("metadata");
    app.state.store().upsert_saml_sp(&sp.entity_id, &sp).await.expect("registered");
    sp
}

async fn login(app: &TestApp, sp: &TestSp) -> String {
    let b = TestApp::spawn_client();
    sso(app, &b, &sp.signed_redirect(&sp.request(app, "_in", "", ""), None), JAN, 400, None).await.xml
}

#[tokio::test]
async fn an_sp_with_an_encryption_key_receives_the_assertion_encrypted_to_it() {
    let app = saml_app().await;
    let sp = TestSp::new("enc");
    let settings = SpSettings { encrypt_assertion: true, sign_assertion: true, ..SpSettings::default() };
    let registered = register(&app, &with_encryption(&sp, &[AES128_GCM]), settings).await;
    assert_eq!(
        registered.encryption().expect("possible").map(|e| e.algorithms),
        Some(Algorithms { data: AES128_GCM, key_transport: RSA_OAEP_MGF1P }),
        "the strongest AES-GCM its metadata names"
    );
    let xml = login(&app, &sp).await;
    assert!(xml.contains("EncryptedAssertion") && xml.contains(AES128_GCM), "{xml}");
    assert!(!xml.contains("Peeters") && !xml.contains("<saml:Assertion"), "nothing in the clear");
    // The Response's signature covers the ciphertext.
    verify_and_reduce_any(&xml, &idp_certs(&app)).expect("the Response is signed");
    assert_eq!(status_of(&xml), "Success");
    let doc = parse_strict(&xml).expect("xml");
    let container = only_child(&doc.get_root_element().expect("root"), NS_SAML, "EncryptedAssertion")
        .expect("one EncryptedAssertion");
    let assertion = decrypt_element(&container, &sp.key).expect("decrypts with the SP's key");
    assert!(assertion.contains(">Peeters<"), "{assertion}");
    let signed = verify_and_reduce_any(&assertion, &idp_certs(&app)).expect("signed inside the encryption");
    assert!(signed.contains(">Peeters<"));
    // Nobody else can read it.
    assert_eq!(decrypt_element(&container, &TestSp::new("enc-other").key), Err(DecryptError::NotForUs));

    // Without algorithms named: AES-256-GCM.
    let sp256 = TestSp::new("enc256");
    let settings = SpSettings { encrypt_assertion: true, ..SpSettings::default() };
    register(&app, &with_encryption(&sp256, &[]), settings).await;
    let xml = login(&app, &sp256).await;
    assert!(xml.contains(AES256_GCM), "{xml}");
    let doc = parse_strict(&xml).expect("xml");
    let container =
        only_child(&doc.get_root_element().expect("root"), NS_SAML, "EncryptedAssertion").expect("encrypted");
    assert!(decrypt_element(&container, &sp256.key).expect("decrypts").contains(">Peeters<"));
}

#[tokio::test]
async fn encryption_that_cannot_be_done_is_refused_at_registration_and_at_login() {
    let app = saml_app().await;
    let sp = TestSp::new("enc-none");
    let wants = SpSettings { encrypt_assertion: true, ..SpSettings::default() };
    // No encryption certificate, or only AES-CBC: registration says why.
    let no_key = from_metadata(&sp.metadata(true), wants.clone()).expect("metadata");
    // (`sp.metadata` publishes a signing-only key.)
    assert!(no_key.encryption().expect_err("impossible").contains("no encryption certificate"));
    let cbc =
        from_metadata(&with_encryption(&sp, &["http://www.w3.org/2001/04/xmlenc#aes128-cbc"]), wants.clone())
            .expect("metadata");
    assert!(cbc.encryption().expect_err("impossible").contains("AES-CBC is not used"));
    // Stored anyway (metadata replaced behind the command's back): the login is answered with
    // a signed refusal, never in the clear.
    app.state.store().upsert_saml_sp(&no_key.entity_id, &no_key).await.expect("stored");
    let xml = login(&app, &sp).await;
    assert_eq!(status_of(&xml), "Responder/RequestDenied");
    assert!(!xml.contains("Peeters"));
}

#[tokio::test]
async fn an_sp_that_lists_ecdsa_gets_ecdsa_signatures_and_the_others_rsa() {
    let app = saml_app().await;
    let metadata = app.get("/saml/metadata").await.text().await.expect("xml");
    assert!(
        metadata.contains(
            r#"<alg:SigningMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"/>"#
        ),
        "{metadata}"
    );
    assert_eq!(metadata.matches(r#"use="signing""#).count(), 2, "the RSA and the ECDSA certificates sign");
    assert_eq!(metadata.matches(r#"use="encryption""#).count(), 1, "only the RSA key decrypts");

    let ec = TestSp::new("ecdsa");
    let listed = ec.metadata(true).replacen(
        "<md:SPSSODescriptor",
        r#"<md:Extensions><alg:SigningMethod xmlns:alg="urn:oasis:names:tc:SAML:metadata:algsupport" Algorithm="http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"/></md:Extensions><md:SPSSODescriptor"#,
        1,
    );
    register(&app, &listed, SpSettings::default()).await;
    let xml = login(&app, &ec).await;
    assert!(xml.contains("xmldsig-more#ecdsa-sha256") && !xml.contains("xmldsig-more#rsa-sha256"), "{xml}");
    let v = verify(&app, &xml);
    assert!(v.is_assertion_signed);
    assert_eq!(v.attribute("surname"), Some(&["Peeters".to_string()][..]));
    // Only the ECDSA certificate verifies it.
    let ec_cert = app.state.saml().expect("idp").ec_key().expect("ec key").cert_der().to_vec();
    verify_and_reduce_any(&xml, std::slice::from_ref(&ec_cert)).expect("ECDSA");

    let rsa = TestSp::new("rsa");
    register(&app, &rsa.metadata(true), SpSettings::default()).await;
    let xml = login(&app, &rsa).await;
    assert!(xml.contains("xmldsig-more#rsa-sha256") && !xml.contains("ecdsa"), "{xml}");
    assert!(verify_and_reduce_any(&xml, &[ec_cert]).is_err());
    verify(&app, &xml);
}
