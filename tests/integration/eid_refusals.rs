//! Every way an eID login is refused: a translated page with a way back to the login
//! page, on the TLS listener for card problems and on the main listener for the rest.

use poort::authn::eid::cards::{self, CardProfile, KeyType};
use poort::authn::eid::{EidVerifier, ticket};
use time::{Duration, OffsetDateTime};

use crate::eid_support::*;
use crate::helpers::{TestApp, text_of};

/// Starts a portal login and presents `card` (or none) on the eID listener.
async fn refused_on_the_tls_listener(kit: &EidKit, app: &TestApp, card: Option<&cards::CardFiles>) -> String {
    let tx = app.start_portal_login("/my/session").await;
    let start = eid_start_url(app, &format!("/login?tx={tx}")).await;
    let resp = present_card(kit, &start, card).await;
    assert_eq!(resp.status(), 403, "a card problem is a refusal page, never a 500");
    let html = text_of(&resp.text().await.expect("page"));
    assert!(html.contains("Login with your eID card did not succeed"), "{html}");
    assert!(
        html.contains(&format!("href=\"{}\"", app.url(&format!("/login?tx={tx}")))),
        "a way back: {html}"
    );
    assert_eq!(app.get("/api/v1/me").await.status(), 401, "nobody is logged in");
    html
}

#[tokio::test]
async fn a_visitor_without_a_card_is_told_to_insert_it() {
    let kit = EidKit::new();
    let app = kit.spawn_app().await;
    let html = refused_on_the_tls_listener(&kit, &app, None).await;
    assert!(html.contains("data-refusal=\"eid.no_certificate\""), "{html}");
    assert!(html.contains("No eID card was presented"), "{html}");
}

#[tokio::test]
async fn an_expired_card_is_refused_as_expired() {
    let kit = EidKit::new();
    let app = kit.spawn_app().await;
    let card = kit.card_with(JAN_PEETERS, "Jan", "Peeters", KeyType::EcP384, |r| {
        r.not_after = Some(OffsetDateTime::now_utc() - Duration::days(2));
    });
    let html = refused_on_the_tls_listener(&kit, &app, Some(&card)).await;
    assert!(html.contains("Your eID card has expired"), "{html}");
}

#[tokio::test]
async fn a_revoked_card_is_refused_as_revoked() {
    let kit = EidKit::new();
    let app = kit.spawn_app().await;
    let card = kit.card_with(JAN_PEETERS, "Jan", "Peeters", KeyType::Rsa2048, |r| r.is_revoked = true);
    let html = refused_on_the_tls_listener(&kit, &app, Some(&card)).await;
    assert!(html.contains("data-refusal=\"eid.revoked\""), "{html}");
    assert!(html.contains("have been revoked"), "{html}");
}

#[tokio::test]
async fn a_card_from_an_unknown_ca_is_refused() {
    let kit = EidKit::new();
    let stranger = EidKit::new();
    let app = kit.spawn_app().await;
    let html = refused_on_the_tls_listener(&kit, &app, Some(&stranger.jan())).await;
    assert!(html.contains("not issued by a recognised Belgian eID authority"), "{html}");
}

#[tokio::test]
async fn the_signature_certificate_is_not_accepted_for_login() {
    let kit = EidKit::new();
    let app = kit.spawn_app().await;
    let card = kit.card_with(JAN_PEETERS, "Jan", "Peeters", KeyType::EcP384, |r| {
        r.profile = CardProfile::Signature;
    });
    let html = refused_on_the_tls_listener(&kit, &app, Some(&card)).await;
    assert!(html.contains("data-refusal=\"eid.not_authentication_certificate\""), "{html}");
}

#[tokio::test]
async fn a_refusal_page_speaks_the_visitors_language() {
    let kit = EidKit::new();
    let app = kit.spawn_app().await;
    let tx = app.start_portal_login("/my/session").await;
    let start = eid_start_url(&app, &format!("/login?tx={tx}")).await;
    let resp =
        kit.browser(None).get(&start).header("accept-language", "nl-BE").send().await.expect("answers");
    let html = text_of(&resp.text().await.expect("page"));
    assert!(html.contains("Er werd geen eID-kaart voorgelegd"), "{html}");
    assert!(html.contains("Terug naar de aanmeldpagina"), "{html}");
    let eid = app.state.eid().expect("eID").public_url.clone();
    let css = kit.browser(None).get(format!("{eid}/static/poort.css")).send().await.expect("css");
    assert_eq!(css.status(), 200, "the refusal page is styled on the eID origin too");
}

#[tokio::test]
async fn a_valid_card_of_a_person_unknown_to_the_register_is_refused_on_the_main_listener() {
    let kit = EidKit::new();
    let app = kit.spawn_app().await;
    let card = kit.card_with(NOT_IN_REGISTER, "Piet", "Onbekend", KeyType::EcP384, |_| {});
    let tx = app.start_portal_login("/my/session").await;
    let start = eid_start_url(&app, &format!("/login?tx={tx}")).await;
    let tls = present_card(&kit, &start, Some(&card)).await;
    assert_eq!(tls.status(), 303, "the card itself is fine");
    let resp = app.client.get(location(&tls)).header("accept-language", "en").send().await.expect("redeem");
    assert_eq!(resp.status(), 403);
    let html = text_of(&resp.text().await.expect("page"));
    assert!(html.contains("data-refusal=\"eid.unknown_person\""), "{html}");
    assert!(html.contains("not known to the register"), "{html}");
    assert!(html.contains(&format!("href=\"/login?tx={tx}\"")), "a way back: {html}");
    assert_eq!(app.get("/api/v1/me").await.status(), 401);
}

#[tokio::test]
async fn a_replayed_ticket_is_refused() {
    let kit = EidKit::new();
    let app = kit.spawn_app().await;
    let tx = app.start_portal_login("/my/session").await;
    let start = eid_start_url(&app, &format!("/login?tx={tx}")).await;
    let ticket_url = location(&present_card(&kit, &start, Some(&kit.jan())).await);
    assert!(app.client.get(&ticket_url).send().await.expect("first").status().is_redirection());
    let again = app.client.get(&ticket_url).header("accept-language", "en").send().await.expect("second");
    assert_eq!(again.status(), 400);
    let html = text_of(&again.text().await.expect("page"));
    assert!(html.contains("already been used or has expired"), "{html}");
}

#[tokio::test]
async fn an_expired_ticket_is_refused() {
    let kit = EidKit::new();
    let app = kit.spawn_app().await;
    let tx = app.start_portal_login("/my/session").await;
    let verifier = EidVerifier::from_pem_files(
        std::slice::from_ref(&kit.pki.root_cert_pem),
        std::slice::from_ref(&kit.pki.citizen_cert_pem),
        &[],
    )
    .expect("verifier");
    let chain = poort::authn::eid::verify::certs_from_pem(&kit.jan().cert_pem).expect("card");
    let card = verifier.verify_card(&chain, OffsetDateTime::now_utc()).expect("a valid card");
    let issued_at = poort::store::unix_now() - ticket::TICKET_TTL_SECS - 1;
    let value = ticket::issue(app.state.store(), &tx, &card, issued_at).await.expect("ticket");
    let resp = app.get(&format!("/login/eid/complete?ticket={value}")).await;
    assert_eq!(resp.status(), 400);
    assert_eq!(app.get("/api/v1/me").await.status(), 401);
}

#[tokio::test]
async fn a_forged_ticket_is_refused() {
    let kit = EidKit::new();
    let app = kit.spawn_app().await;
    for forged in ["x", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "<script>"] {
        let query: String =
            form_urlencoded::Serializer::new(String::new()).append_pair("ticket", forged).finish();
        let resp = app.get(&format!("/login/eid/complete?{query}")).await;
        assert_eq!(resp.status(), 400, "{forged}");
    }
}

#[tokio::test]
async fn a_ticket_carried_into_another_browser_does_not_log_it_in() {
    let kit = EidKit::new();
    let app = kit.spawn_app().await;
    let tx = app.start_portal_login("/my/session").await;
    let start = eid_start_url(&app, &format!("/login?tx={tx}")).await;
    let ticket_url = location(&present_card(&kit, &start, Some(&kit.jan())).await);
    let other = crate::helpers::client();
    let resp = other.get(&ticket_url).send().await.expect("answers");
    assert_eq!(resp.status(), 400, "the transaction belongs to the first browser");
    let me = other.get(app.url("/api/v1/me")).send().await.expect("me");
    assert_eq!(me.status(), 401);
}

#[tokio::test]
async fn an_unknown_login_transaction_is_refused_on_the_tls_listener() {
    let kit = EidKit::new();
    let app = kit.spawn_app().await;
    let eid = app.state.eid().expect("eID").public_url.clone();
    let resp = kit.browser(Some(&kit.jan())).get(format!("{eid}/eid/login?tx=unknown-tx")).send().await;
    let resp = resp.expect("answers");
    assert_eq!(resp.status(), 400);
    let html = text_of(&resp.text().await.expect("page"));
    assert!(html.contains("data-refusal=\"eid.transaction_unknown\""), "{html}");
}
