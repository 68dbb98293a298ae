//! Attack review findings 7 and 9: cookies carry the `__Host-` prefix over https, and a
//! step-up gives the session a new cookie value (the `sid` stays).

use crate::helpers::TestApp;

const JAN: &str = "78.03.14-123.49";

/// The value of the session cookie set by a response, if any.
fn session_cookie(resp: &reqwest::Response) -> Option<String> {
    resp.headers().get_all("set-cookie").iter().find_map(|v| {
        let v = v.to_str().ok()?;
        v.strip_prefix("poort_session=").map(|rest| rest.split(';').next().unwrap_or_default().to_string())
    })
}

/// `/api/v1/me` with only this session cookie.
async fn me_with(app: &TestApp, value: &str) -> reqwest::StatusCode {
    reqwest::Client::new()
        .get(app.url("/api/v1/me"))
        .header("cookie", format!("poort_session={value}"))
        .send()
        .await
        .expect("GET")
        .status()
}

#[tokio::test]
async fn a_step_up_gives_the_session_a_new_cookie_value_and_keeps_its_sid() {
    let app = TestApp::spawn().await;
    let tx = app.start_portal_login("/my/session").await;
    let first = app.test_login(&tx, JAN, 300).await;
    let before = session_cookie(&first).expect("a session cookie");
    let sid = app.me().await.expect("logged in")["sid"].clone();
    assert_eq!(me_with(&app, &before).await, 200);

    let resp = app.get("/login?next=/my/session&level=450").await;
    let location = resp.headers()["location"].to_str().expect("ascii").to_string();
    let tx = location.split("tx=").nth(1).expect("tx").to_string();
    let stepped = app.test_login(&tx, JAN, 450).await;
    assert_eq!(stepped.status(), 303);
    let after = session_cookie(&stepped).expect("a new session cookie");
    assert_ne!(after, before);
    let me = app.me().await.expect("still logged in");
    assert_eq!(me["sid"], sid, "relying parties keep seeing one session");
    assert_eq!(me["level"], 450);
    assert_eq!(me_with(&app, &before).await, 401, "the value captured before the step-up is worthless");
    assert_eq!(me_with(&app, &after).await, 200);
}

#[tokio::test]
async fn over_https_cookies_are_host_prefixed_secure_and_http_only() {
    let app = TestApp::spawn_with(|s| s.security.is_cookie_secure = Some(true)).await;
    let resp = app.get("/").await;
    let cookies: Vec<String> =
        resp.headers().get_all("set-cookie").iter().map(|v| v.to_str().expect("ascii").to_string()).collect();
    let csrf =
        cookies.iter().find(|c| c.starts_with("__Host-poort_csrf=")).expect("the CSRF cookie, prefixed");
    for attribute in ["HttpOnly", "Secure", "Path=/", "SameSite=Lax"] {
        assert!(csrf.contains(attribute), "{attribute} in {csrf}");
    }
    assert!(!csrf.contains("Domain="), "a __Host- cookie has no Domain: {csrf}");
    // The prefixed cookies are the ones set and read back by the login.
    let value = csrf.trim_start_matches("__Host-poort_csrf=").split(';').next().expect("value").to_string();
    let page = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .get(app.url("/login?next=/my/session"))
        .header("cookie", format!("__Host-poort_csrf={value}"))
        .send()
        .await
        .expect("GET");
    assert_eq!(page.status(), 303);
    let binding =
        page.headers().get_all("set-cookie").iter().any(|v| {
            v.to_str().is_ok_and(|v| v.starts_with("__Host-poort_browser=") && v.contains("Secure"))
        });
    assert!(binding, "the login transaction's binding cookie is prefixed too");
}
