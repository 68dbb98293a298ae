//! The CPU cost of a person's profiles (issue 13, item 7): a person with 50 enterprises and
//! 200 roles — the rows the one database query returns (`store::profiles::SourceRow`) —
//! turned into profiles (`profile::build::build`), decided for a Finance-bound client
//! (`profile::choose::decide`) and projected for it (`Profile::released_to`), on one thread.
//! Measured in the same run against the bare limit of a token issuance: one ES256
//! signature with Poort's signing function.
//!
//! ```sh
//! cargo build --release --example profile_build
//! taskset -c 0 target/release/examples/profile_build [SECONDS]
//! ```
//!
//! Prints `build_decide_project_us=<µs per person> es256_sign_us=<µs per token> ratio=<…>`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use poort::domain::{Audience, EnterpriseNumber, Language, Profile};
use poort::profile::build::build;
use poort::profile::choose::{ChoiceRequest, decide};
use poort::protocol::oidc::keys::{Alg, generate};
use poort::store::profiles::{SourceKind, SourceRow};
use serde_json::json;

/// A valid enterprise number for `i` (mod-97 check digits).
fn number(i: u64) -> EnterpriseNumber {
    let base = 2_000_000 + i;
    let check = 97 - (base % 97);
    EnterpriseNumber::parse(&format!("0{base}{check:02}")).expect("valid number")
}

/// 50 enterprises, 4 roles each: a legal function, an employment, head access manager and
/// access manager of a domain.
fn rows() -> Vec<SourceRow> {
    let domains = ["finance", "health_care", "economy", "employment", "mobility"];
    let mut out = Vec::new();
    for i in 0..50 {
        let enterprise = number(i);
        let names = [Some(format!("ENTERPRISE {i:02} NV")), None, None, None];
        let row = |kind, role: &str, scope: &str| SourceRow {
            kind,
            enterprise: enterprise.clone(),
            names: names.clone(),
            role: role.to_string(),
            scope_id: scope.to_string(),
        };
        out.push(row(SourceKind::Legal, "director", ""));
        out.push(row(SourceKind::Employment, "employee", ""));
        out.push(row(SourceKind::Grant, "head_access_manager", ""));
        out.push(row(SourceKind::Grant, "access_manager", domains[(i as usize) % domains.len()]));
    }
    out
}

fn per_iteration(seconds: f64, mut f: impl FnMut()) -> f64 {
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let start = Instant::now();
    let mut n = 0u64;
    while Instant::now() < deadline {
        for _ in 0..64 {
            f();
        }
        n += 64;
    }
    start.elapsed().as_secs_f64() * 1e6 / n as f64
}

#[allow(clippy::print_stdout)]
fn main() {
    let seconds: f64 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(3.0);
    let rows = rows();
    assert_eq!(rows.len(), 200);
    let audience = Audience { domains: vec!["finance".into()], applications: vec![] };
    let req = ChoiceRequest {
        relying_party: "rp",
        relying_party_name: "RP",
        audience: &audience,
        always_ask: false,
        pinned: None,
    };
    let profiles = build(&rows, Language::Nl);
    assert_eq!(profiles.len(), 51, "citizen and 50 enterprises");
    let profile_us = per_iteration(seconds, || {
        let profiles = build(black_box(&rows), Language::Nl);
        let chosen = match decide(profiles.clone(), &req, Some("0200000040")) {
            poort::profile::Decision::Take(p) => p,
            _ => profiles.get(1).cloned().unwrap_or(Profile::Citizen),
        };
        black_box(chosen.released_to(&audience));
    });
    let key = generate(Alg::ES256, 1_900_000_000).expect("a P-256 key");
    let claims = json!({"iss": "http://127.0.0.1:8080", "sub": "p-1", "aud": "rp", "exp": 2_000_000_000, "iat": 1_900_000_000,
        "roles": ["btb:head_access_manager", "btb:access_manager:finance", "legal:director", "employment:employee"]});
    let sign_us = per_iteration(seconds, || {
        black_box(key.sign(black_box(&claims), "JWT").expect("signed"));
    });
    println!(
        "build_decide_project_us={profile_us:.2} es256_sign_us={sign_us:.2} ratio={:.3}",
        profile_us / sign_us
    );
}
