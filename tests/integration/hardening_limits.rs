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
