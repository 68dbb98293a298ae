//! Attack review finding 5 (slowloris): a client that never finishes its headers is
//! disconnected, and a body shorter than its Content-Length does not hold the request until
//! the request timeout.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::TestApp;

fn address(app: &TestApp) -> String {
    app.address.trim_start_matches("http://").to_string()
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_disconnected() {
    let app = TestApp::spawn_with(|s| s.server.header_read_timeout_secs = 1).await;
    let mut stream = tokio::net::TcpStream::connect(address(&app)).await.expect("connect");
    stream.write_all(b"GET / HTTP/1.1\r\nHost: poort\r\nX-Slow: ").await.expect("write");
    let started = Instant::now();
    let mut buf = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(8), stream.read_to_end(&mut buf)).await;
    assert!(read.is_ok(), "the server closed the connection");
    assert!(started.elapsed() < Duration::from_secs(5), "within the header timeout, not the request timeout");
    // Served connections still work.
    assert_eq!(app.get("/healthz").await.status(), 200);
}

#[tokio::test]
async fn a_body_shorter_than_its_content_length_is_cut_off() {
    let app = TestApp::spawn_with(|s| s.server.body_timeout_secs = 1).await;
    let mut stream = tokio::net::TcpStream::connect(address(&app)).await.expect("connect");
    let head = "POST /token HTTP/1.1\r\nHost: poort\r\nContent-Type: application/x-www-form-urlencoded\r\n\
                Content-Length: 1000\r\n\r\ngrant_type=";
    stream.write_all(head.as_bytes()).await.expect("write");
    let started = Instant::now();
    let mut buf = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(8), stream.read(&mut buf))
        .await
        .expect("an answer before the request timeout")
        .expect("read");
    let answer = String::from_utf8_lossy(&buf[..n]);
    assert!(started.elapsed() < Duration::from_secs(5), "cut after the body timeout");
    assert!(!answer.starts_with("HTTP/1.1 2"), "no success for an incomplete body: {answer}");
    assert!(!answer.starts_with("HTTP/1.1 5"), "no server error either: {answer}");
}

/// Attack review finding 4: a 30 KB state or nonce is refused before anything is stored.
#[tokio::test]
async fn an_over_long_state_or_nonce_is_refused_and_nothing_is_stored() {
    let app = crate::oidc_support::app_with(vec![]).await;
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&app.state.settings().database.url).await.expect("db");
    for (name, value) in [("state", "s".repeat(30_000)), ("nonce", "n".repeat(30_000))] {
        let q = form_urlencoded::Serializer::new(String::new())
            .append_pair("response_type", "code")
            .append_pair("client_id", "rp-1")
            .append_pair("redirect_uri", crate::oidc_support::RP_REDIRECT)
            .append_pair("scope", "openid")
            .append_pair("code_challenge", crate::oidc_support::CHALLENGE)
            .append_pair("code_challenge_method", "S256")
            .append_pair(name, &value)
            .finish();
        let resp = app.get(&format!("/authorize?{q}")).await;
        assert_eq!(resp.status(), 400, "{name}");
        let body = resp.text().await.expect("body");
        assert!(body.contains(&format!("{name} is too long")), "the page names the parameter: {name}");
    }
    let row = sqlx::query("SELECT COUNT(*) FROM login_transactions").fetch_one(&pool).await.expect("count");
    assert_eq!(sqlx::Row::try_get::<i64, _>(&row, 0).expect("n"), 0, "no login transaction was stored");
}

/// Attack review finding 4: an address hammering /authorize is answered 429 with
/// Retry-After once its burst is spent; other addresses and other endpoints are served.
#[tokio::test]
async fn an_address_over_its_rate_gets_429_with_retry_after() {
    let app = TestApp::spawn_with(|s| {
        s.limits.rate_per_minute = 60;
        s.limits.burst = 5;
    })
    .await;
    let mut statuses = Vec::new();
    for _ in 0..8 {
        statuses.push(app.get("/authorize?client_id=nobody").await);
    }
    let limited: Vec<_> = statuses.iter().filter(|r| r.status() == 429).collect();
    assert_eq!(limited.len(), 3, "five in the burst, then refused");
    assert!(
        limited[0].headers()["retry-after"].to_str().expect("ascii").parse::<u64>().expect("seconds") >= 1
    );
    let token = app.client.post(app.url("/token")).form(&[("grant_type", "x")]).send().await.expect("POST");
    assert_eq!(token.status(), 429, "the token endpoint shares the address's budget");
    assert_eq!(token.headers()["content-type"], "application/json");
    assert_eq!(app.get("/healthz").await.status(), 200, "health is never rate-limited");
    assert_eq!(app.get("/").await.status(), 200, "nor are ordinary pages");
}
