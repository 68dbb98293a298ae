//! The web shell: health, metrics, languages, security headers, CSRF, friendly errors.

use poort::domain::{EnterpriseNumber, Language};
use poort::web::i18n::Tr;

use crate::helpers::{TestApp, text_of};

#[tokio::test]
async fn healthz_answers_ok() {
    let app = TestApp::spawn().await;
    let resp = app.get("/healthz").await;
    assert_eq!(resp.status(), 200);
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(body["status"], "ok");
}

#[tokio::test]
async fn readyz_checks_the_database() {
    let app = TestApp::spawn().await;
    let resp = app.get("/readyz").await;
    assert_eq!(resp.status(), 200);
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(body["database"], "ok");

    app.state.store().close().await;
    let resp = app.get("/readyz").await;
    assert_eq!(resp.status(), 503, "a closed pool is not ready");
}

#[tokio::test]
async fn metrics_count_requests_per_route() {
    let app = TestApp::spawn().await;
    assert_eq!(app.get("/healthz").await.status(), 200);
    let resp = app.get("/metrics").await;
    assert_eq!(resp.status(), 200);
    let text = resp.text().await.expect("text");
    assert!(text.contains("poort_http_requests_total"), "{text}");
    assert!(text.contains("route=\"/healthz\""), "{text}");
}

#[tokio::test]
async fn the_home_page_speaks_the_language_the_browser_asks_for() {
    let app = TestApp::spawn().await;
    for (header, lang) in [
        ("nl-BE,nl;q=0.9", Language::Nl),
        ("fr-BE", Language::Fr),
        ("de", Language::De),
        ("en-GB,en;q=0.8", Language::En),
    ] {
        let resp = app.get_lang("/", header).await;
        assert_eq!(resp.status(), 200);
        let body = text_of(&resp.text().await.expect("body"));
        assert!(body.contains(&format!("<html lang=\"{}\">", lang.code())), "{header}");
        let heading = Tr::new(lang).t("lookup.submit");
        assert!(body.contains(heading), "{header}: {heading} missing");
    }
}

#[tokio::test]
async fn without_a_preference_the_home_page_is_dutch() {
    let app = TestApp::spawn().await;
    let body = app.get_lang("/", "es, it;q=0.5").await.text().await.expect("body");
    assert!(body.contains("<html lang=\"nl\">"));
}

#[tokio::test]
async fn the_language_switch_is_remembered_in_a_cookie() {
    let app = TestApp::spawn().await;
    let resp = app.get("/lang/de?next=/enterprises/0474603083").await;
    assert_eq!(resp.status(), 303);
    assert_eq!(resp.headers()["location"], "/enterprises/0474603083");
    let cookie = resp.headers()["set-cookie"].to_str().expect("ascii");
    assert!(cookie.starts_with("poort_lang=de"), "{cookie}");
    let body = app.get_lang("/", "fr").await.text().await.expect("body");
    assert!(body.contains("<html lang=\"de\">"), "the cookie wins over Accept-Language");
}

#[tokio::test]
async fn the_language_switch_never_redirects_off_site() {
    let app = TestApp::spawn().await;
    for next in ["//evil.example/", "https://evil.example/", "/\\evil.example"] {
        let url = format!("/lang/fr?next={}", urlencode(next));
        let resp = app.get(&url).await;
        assert_eq!(resp.status(), 303);
        assert_eq!(resp.headers()["location"], "/", "{next}");
    }
    assert_eq!(app.get("/lang/xx").await.status(), 404);
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test]
async fn every_page_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    let resp = app.get("/").await;
    let h = resp.headers();
    let csp = h["content-security-policy"].to_str().expect("ascii");
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["cache-control"], "no-store");
    assert!(h.contains_key("x-request-id"));
    assert!(!h.contains_key("strict-transport-security"), "HSTS only over https");
}

#[tokio::test]
async fn hsts_is_sent_when_the_public_url_is_https() {
    let app = TestApp::spawn_with(|s| s.server.public_url = "https://poort.example".into()).await;
    let resp = app.get("/").await;
    assert!(resp.headers()["strict-transport-security"].to_str().expect("ascii").contains("max-age="));
}

#[tokio::test]
async fn a_form_without_its_csrf_token_is_refused_with_a_page() {
    let app = TestApp::spawn().await;
    let _ = app.get("/").await; // gets the CSRF cookie
    let resp = app.post_form("/enterprises/lookup", &[("number", "0474603083")]).await;
    assert_eq!(resp.status(), 403);
    let body = text_of(&resp.text().await.expect("body"));
    assert!(body.contains(Tr::new(Language::Nl).t("error.csrf")), "{body}");

    let resp = app.post_form("/enterprises/lookup", &[("number", "0474603083"), ("csrf", "forged")]).await;
    assert_eq!(resp.status(), 403);
}

#[tokio::test]
async fn a_token_from_another_browser_is_refused() {
    let app = TestApp::spawn().await;
    let other = TestApp::spawn().await;
    let foreign_token = other.csrf_token("/").await;
    let _ = app.get("/").await;
    let resp =
        app.post_form("/enterprises/lookup", &[("number", "0474603083"), ("csrf", &foreign_token)]).await;
    assert_eq!(resp.status(), 403);
}

#[tokio::test]
async fn looking_up_an_enterprise_in_any_spelling_shows_its_kbo_facts() {
    let app = TestApp::spawn().await;
    for spelling in ["0474.603.083", "474.603.083", "BE 0474 603 083"] {
        let token = app.csrf_token("/").await;
        let resp = app.post_form("/enterprises/lookup", &[("number", spelling), ("csrf", &token)]).await;
        assert_eq!(resp.status(), 303, "{spelling}");
        assert_eq!(resp.headers()["location"], "/enterprises/0474603083");
    }
    let body = app.get_lang("/enterprises/0474603083", "en").await.text().await.expect("body");
    assert!(body.contains("IATREION"), "{body}");
    assert!(body.contains("0474.603.083"));
}

#[tokio::test]
async fn a_malformed_enterprise_number_gets_a_page_naming_the_rule() {
    let app = TestApp::spawn().await;
    let tr = Tr::new(Language::En);
    for (input, rule) in [
        ("0474.603.084", "rule.enterprise_number.check_digits"),
        ("04746O3083", "rule.enterprise_number.character"),
        ("12345", "rule.enterprise_number.length"),
        ("2474603083", "rule.enterprise_number.first_digit"),
    ] {
        let token = app.csrf_token("/").await;
        let resp = app
            .client
            .post(app.url("/enterprises/lookup"))
            .header("accept-language", "en")
            .form(&[("number", input), ("csrf", token.as_str())])
            .send()
            .await
            .expect("POST");
        assert_eq!(resp.status(), 400, "{input}");
        let body = text_of(&resp.text().await.expect("body"));
        assert!(body.contains(tr.t(rule)), "{input}: expected {rule}");
    }
}

#[tokio::test]
async fn an_unknown_enterprise_is_a_404_page_not_an_error() {
    let app = TestApp::spawn().await;
    let unknown = EnterpriseNumber::from_base(9_876_543).expect("valid number");
    let resp = app.get_lang(&format!("/enterprises/{}", unknown.as_str()), "en").await;
    assert_eq!(resp.status(), 404);
    let body = resp.text().await.expect("body");
    assert!(body.contains(&unknown.formatted()), "{body}");
}

#[tokio::test]
async fn an_oversized_form_is_refused_cleanly() {
    let app = TestApp::spawn().await;
    let token = app.csrf_token("/").await;
    let huge = "9".repeat(200 * 1024);
    let resp = app.post_form("/enterprises/lookup", &[("number", &huge), ("csrf", &token)]).await;
    assert_eq!(resp.status(), 413);
    let body = resp.text().await.expect("body");
    assert!(body.contains("<html"), "a page, not a bare error");

    let long = "0".repeat(500);
    let resp = app.post_form("/enterprises/lookup", &[("number", &long), ("csrf", &token)]).await;
    assert_eq!(resp.status(), 400, "a long field within the body limit is a clear 400");
}

#[tokio::test]
async fn the_api_answers_errors_in_json() {
    let app = TestApp::spawn().await;
    let resp = app.get("/api/v1/enterprises/0474603083").await;
    assert_eq!(resp.status(), 200);
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(body["formatted"], "0474.603.083");
    assert_eq!(body["is_active"], true);

    let resp = app.get("/api/v1/enterprises/0474603084").await;
    assert_eq!(resp.status(), 400);
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(body["error"], "enterprise_number.check_digits");
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));

    let resp = app.get("/api/v1/nothing-here").await;
    assert_eq!(resp.status(), 404);
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(body["error"], "not_found");
}

#[tokio::test]
async fn unknown_pages_and_wrong_methods_get_friendly_pages() {
    let app = TestApp::spawn().await;
    let resp = app.get_lang("/no/such/page", "fr").await;
    assert_eq!(resp.status(), 404);
    let body = text_of(&resp.text().await.expect("body"));
    assert!(body.contains(Tr::new(Language::Fr).t("error.not_found")), "{body}");

    let resp = app.client.delete(app.url("/")).send().await.expect("DELETE");
    assert_eq!(resp.status(), 405);
    assert!(resp.text().await.expect("body").contains("<html"));
}

#[tokio::test]
async fn a_bad_query_string_is_a_400_page_not_a_500() {
    let app = TestApp::spawn().await;
    let resp = app.get("/lang/nl?next=%ZZ").await;
    assert!(resp.status().is_client_error() || resp.status().is_redirection(), "{}", resp.status());
}
