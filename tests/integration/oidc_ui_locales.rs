//! `ui_locales` (OIDC Core §3.1.2.1; issue 10, item 15): an application's preferred
//! languages choose the language of Poort's pages for its login, before the person's
//! language cookie and `Accept-Language`; the person's own choice on the page still wins.

use crate::helpers::TestApp;
use crate::oidc_support::{RP_REDIRECT, app_with, authorize_path, location};

/// The `lang` of a page's `<html>` element.
async fn page_lang(app: &TestApp, path: &str) -> String {
    let html = app.get_lang(path, "en").await.text().await.expect("page");
    let start = html.find("<html lang=\"").expect("html lang") + "<html lang=\"".len();
    html[start..start + 2].to_string()
}

/// `/authorize` with `ui_locales`; returns the login page's path.
async fn authorize(app: &TestApp, ui_locales: &str) -> String {
    let resp = app
        .get_lang(&authorize_path("rp-1", RP_REDIRECT, "openid", &[("ui_locales", ui_locales)]), "en")
        .await;
    assert_eq!(resp.status(), 303);
    let to = location(&resp);
    assert!(to.starts_with("/login?tx="), "{to}");
    to
}

#[tokio::test]
async fn ui_locales_chooses_the_login_pages_language_before_the_cookie_and_accept_language() {
    let app = app_with(vec![]).await;
    assert_eq!(app.get("/lang/nl?next=/").await.status(), 303, "the person chose Dutch earlier");
    assert_eq!(page_lang(&app, "/").await, "nl");
    // Spanish is not offered: the first offered language in the application's order wins.
    let login = authorize(&app, "es de-BE fr").await;
    assert_eq!(page_lang(&app, &login).await, "de");
    let html = app.get_lang(&login, "en").await.text().await.expect("page");
    assert!(html.contains("Anmeld"), "German text on the login page");
}

#[tokio::test]
async fn the_persons_own_choice_on_the_page_wins_over_ui_locales() {
    let app = app_with(vec![]).await;
    let login = authorize(&app, "fr").await;
    assert_eq!(page_lang(&app, &login).await, "fr");
    let next: String = form_urlencoded::byte_serialize(login.as_bytes()).collect();
    let resp = app.get(&format!("/lang/en?next={next}")).await;
    assert_eq!(resp.status(), 303);
    assert_eq!(location(&resp), login);
    assert_eq!(page_lang(&app, &login).await, "en");
}

#[tokio::test]
async fn ui_locales_naming_no_offered_language_changes_nothing() {
    let app = app_with(vec![]).await;
    let login = authorize(&app, "es it").await;
    assert_eq!(page_lang(&app, &login).await, "en", "Accept-Language decides, as without ui_locales");
}
