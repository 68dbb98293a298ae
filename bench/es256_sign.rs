//! The bare limit of the token endpoint: build and sign ES256 tokens in a loop, with
//! Poort's own signing function (`SigningKey::sign`: the key pair parsed once, aws-lc-rs
//! ECDSA P-256), the same claims shape as the token endpoint, on one thread. No HTTP, no
//! database.
//!
//! ```sh
//! cargo build --release --example es256_sign
//! taskset -c 0 target/release/examples/es256_sign [SECONDS]
//! ```
//!
//! Prints one line per shape, `shape=<name> tokens_per_request=<n> rate=<requests/s>`:
//! `client_credentials` (one access token) and `authorization_code` (access token plus
//! id_token, as a code exchange signs). `bench/run.sh` divides the endpoint's rates by
//! these.

use std::hint::black_box;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use poort::protocol::oidc::keys::{Alg, generate};
use rand::RngCore as _;
use serde_json::{Map, Value, json};

const ISSUER: &str = "http://127.0.0.1:8080";

/// A 32-byte random handle, base64url: `jti`, session ids (as Poort makes them).
fn handle() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// The claims of a `client_credentials` access token (RFC 9068).
fn client_access_token(now: i64) -> Value {
    json!({
        "iss": ISSUER,
        "sub": "demo-rp",
        "aud": ISSUER,
        "client_id": "demo-rp",
        "scope": "",
        "iat": now,
        "exp": now + 300,
        "jti": handle(),
    })
}

/// The claims of a person's access token and id_token after a code exchange.
fn person_tokens(now: i64) -> (Value, Value) {
    let sub = "b5pD3kQ0v7sWzq1x9Ue2mGf8Lr4NcTjYhAo6KdEiXyB";
    let mut at = Map::new();
    at.insert("iss".into(), json!(ISSUER));
    at.insert("sub".into(), json!(sub));
    at.insert("aud".into(), json!(ISSUER));
    at.insert("exp".into(), json!(now + 300));
    at.insert("iat".into(), json!(now));
    at.insert("jti".into(), json!(handle()));
    at.insert("client_id".into(), json!("demo-rp"));
    at.insert("scope".into(), json!("openid profile"));
    at.insert("auth_time".into(), json!(now - 5));
    at.insert("acr".into(), json!("urn:be:fedict:iam:fas:Level500"));
    at.insert("sid".into(), json!(handle()));
    at.insert("grant_id".into(), json!(handle()));
    let id = json!({
        "iss": ISSUER,
        "sub": sub,
        "aud": "demo-rp",
        "exp": now + 300,
        "iat": now,
        "auth_time": now - 5,
        "nonce": handle(),
        "acr": "urn:be:fedict:iam:fas:Level500",
        "amr": ["test"],
        "sid": at["sid"].clone(),
        "azp": "demo-rp",
        "at_hash": "x3d0SR2pv1-0ytBbF6PqWA",
        "given_name": "Jan",
        "family_name": "Peeters",
        "locale": "nl",
    });
    (Value::Object(at), id)
}

/// Runs `f` for about `seconds`, returns calls per second.
fn rate(seconds: f64, mut f: impl FnMut()) -> f64 {
    // Warm-up.
    for _ in 0..200 {
        f();
    }
    let deadline = Duration::from_secs_f64(seconds);
    let start = Instant::now();
    let mut n: u64 = 0;
    while start.elapsed() < deadline {
        for _ in 0..100 {
            f();
        }
        n += 100;
    }
    n as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let seconds: f64 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(5.0);
    let key = generate(Alg::ES256, now()).expect("a P-256 key");

    let cc = rate(seconds, || {
        let claims = client_access_token(now());
        let token = key.sign(&claims, "at+jwt").expect("signs");
        black_box(token);
    });
    print_line("client_credentials", 1, cc);

    let ac = rate(seconds, || {
        let (at, id) = person_tokens(now());
        let access = key.sign(&at, "at+jwt").expect("signs");
        let id_token = key.sign(&id, "JWT").expect("signs");
        black_box((access, id_token));
    });
    print_line("authorization_code", 2, ac);
}

#[allow(clippy::print_stdout)]
fn print_line(shape: &str, tokens: u32, rate: f64) {
    println!("shape={shape} tokens_per_request={tokens} rate={rate:.0} us_per_request={:.1}", 1e6 / rate);
}
