//! A quality with 10,000 users (issue 12, item 10): the social-security user list's first
//! and last page, two filters and the CSV export, through the same service calls the pages
//! and the API make, on SQLite or PostgreSQL. Measured in the same run against the bare
//! limit of a token issuance: one ES256 signature with Poort's signing function.
//!
//! ```sh
//! cargo build --release --example ss_users
//! target/release/examples/ss_users                       # SQLite in a temporary directory
//! createdb -h 127.0.0.1 -U postgres poort_bench && \
//!   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/poort_bench target/release/examples/ss_users
//! ```
//!
//! Knobs: `BENCH_USERS` (default 10000), `BENCH_RUNS` (default 15; the export runs a
//! third as often). Prints one `name median_ms ratio` line per operation (the ratio is the
//! operation's time over one ES256 signature) and the plans of the list's query.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use poort::access::btb::Who;
use poort::access::social_security::capability::demo_decision;
use poort::app::Application;
use poort::config::Settings;
use poort::domain::{AuthLevel, EnterpriseNumber, Language, NationalNumber};
use poort::protocol::oidc::keys::{Alg, generate};
use poort::store::access_grants::GrantRole;
use poort::store::social_security::{NewSsGrant, PlanMode, SsPath, UserFilter};
use serde_json::json;

const CLINIC: &str = "0410561210";
const QUALITY: &str = "mammography_unit";
/// Emma, the demo quality's local admin.
const EMMA: &str = "03021716216";
const LAST_NAMES: [&str; 20] = [
    "Peeters",
    "Janssens",
    "Maes",
    "Jacobs",
    "Mertens",
    "Willems",
    "Claes",
    "Goossens",
    "Wouters",
    "De Smet",
    "Dubois",
    "Lambert",
    "Dupont",
    "Martin",
    "Martens",
    "Simon",
    "Lemaire",
    "Müller",
    "Declercq",
    "Vermeulen",
];
const FIRST_NAMES: [&str; 10] =
    ["Anna", "Lucas", "Léa", "Noah", "Marie", "Louis", "Elise", "Arthur", "Chloé", "Jules"];

/// A valid national number for `i` (born in 1960; mod-97 check digits).
fn national_number(i: usize) -> NationalNumber {
    let (day, serial) = (i / 900, i % 900 + 1);
    let first9 = format!("60{:02}{:02}{serial:03}", 1 + (day / 28) % 12, 1 + day % 28);
    let check = 97 - first9.parse::<u64>().expect("digits") % 97;
    NationalNumber::parse(&format!("{first9}{check:02}")).expect("a valid national number")
}

fn median_ms(runs: usize, mut f: impl FnMut() -> Duration) -> f64 {
    let mut times: Vec<f64> = (0..runs.max(1)).map(|_| f().as_secs_f64() * 1e3).collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn es256_sign_ms() -> f64 {
    let key = generate(Alg::ES256, 1_900_000_000).expect("a P-256 key");
    let claims = json!({"iss": "http://127.0.0.1:8080", "sub": "p-1", "aud": "rp", "exp": 2_000_000_000, "iat": 1_900_000_000});
    let start = Instant::now();
    let n = 2_000;
    for _ in 0..n {
        black_box(key.sign(black_box(&claims), "JWT").expect("signed"));
    }
    start.elapsed().as_secs_f64() * 1e3 / n as f64
}

fn settings(database_url: &str, data: &std::path::Path) -> Settings {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    Settings::demo_in(&root, database_url, data).expect("the demo configuration")
}

#[allow(clippy::print_stdout)]
#[tokio::main]
async fn main() -> anyhow::Result<()> {
    poort::app::install_crypto_provider();
    let users: usize = std::env::var("BENCH_USERS").ok().and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let runs: usize = std::env::var("BENCH_RUNS").ok().and_then(|s| s.parse().ok()).unwrap_or(15);
    let data = tempfile::tempdir()?;
    let url = std::env::var("BENCH_DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}?mode=rwc", data.path().join("poort.db").display()));
    let app = Application::build(settings(&url, data.path())).await?;
    let ss = app.state().social_security().clone();
    let store = app.state().store().clone();
    let quality = ss.quality(&EnterpriseNumber::parse(CLINIC)?, QUALITY).await?;
    let sites = store.find_ss_sites(&quality.id).await?;
    let site = sites.iter().find(|s| s.name == "Campus Torhout").expect("the demo site");
    let path = SsPath {
        quality_id: quality.id.clone(),
        subdivision_id: site.subdivision_id.clone(),
        site_id: Some(site.id.clone()),
    };
    let decision = demo_decision(&quality, &site.id);
    let started = Instant::now();
    let both = vec!["ehealthbox".to_string(), "heracles".to_string()];
    let heracles = vec!["heracles".to_string()];
    let functions = vec!["radiologist".to_string()];
    for i in 0..users {
        let holder = national_number(i);
        let grant = NewSsGrant {
            holder: &holder,
            role: GrantRole::SiteUser,
            applications: if i % 4 == 0 { &both } else { &heracles },
            functions: &functions,
            last_name: LAST_NAMES[i % LAST_NAMES.len()],
            first_name: FIRST_NAMES[(i / LAST_NAMES.len()) % FIRST_NAMES.len()],
            title: None,
            language: Some("nl"),
            email: None,
            local_email: None,
        };
        store.create_ss_grant(&decision, &path, &grant).await?;
    }
    let load_s = started.elapsed().as_secs_f64();
    store.analyze().await?;

    let who = Who {
        person: NationalNumber::parse(EMMA)?,
        level: AuthLevel::EID,
        session_ref: "session:bench".into(),
        language: Language::Nl,
    };
    let right = ss.may_view(&who, quality.clone()).await?;
    let all = UserFilter::default();
    let (_, total) = ss.users(&right, &all, 1).await?;
    assert!(total as usize >= users, "the list holds every user: {total}");
    let last_page = (total + ss.settings().page_size - 1) / ss.settings().page_size;
    let mart = UserFilter { last_name: "mart".into(), ..Default::default() };
    let ehealthbox = UserFilter { application: "ehealthbox".into(), ..Default::default() };

    let mut timed = Vec::new();
    for (name, filter, page) in [
        ("list_first_page", &all, 1),
        ("list_last_page", &all, last_page),
        ("filter_last_name_mart", &mart, 1),
        ("filter_application_ehealthbox", &ehealthbox, 1),
    ] {
        let mut times = Vec::new();
        for _ in 0..runs {
            let t = Instant::now();
            let (rows, n) = ss.users(&right, filter, page).await?;
            times.push(t.elapsed());
            assert!(!rows.is_empty() && n > 0, "{name} finds users");
        }
        let mut it = times.into_iter();
        timed.push((name, median_ms(runs, || it.next().unwrap_or_default())));
    }
    let mut times = Vec::new();
    let mut lines = 0;
    for _ in 0..runs.div_ceil(3) {
        let t = Instant::now();
        let csv = ss.export_csv(&right, &all).await?;
        times.push(t.elapsed());
        lines = csv.lines().count();
    }
    assert_eq!(lines as i64, total + 1, "the export holds a header and every user");
    let mut it = times.into_iter();
    timed.push(("export_csv_all", median_ms(runs.div_ceil(3), || it.next().unwrap_or_default())));

    let sign = es256_sign_ms();
    println!("database={} users={total} load_s={load_s:.1}", format!("{:?}", store.backend()).to_lowercase());
    println!("es256_sign_ms={sign:.4}");
    for (name, ms) in &timed {
        println!("{name} median_ms={ms:.2} ratio_to_es256_sign={:.0}", ms / sign);
    }
    for (name, filter) in [("list", &all), ("last_name", &mart), ("application", &ehealthbox)] {
        println!("plan {name}:");
        for line in store.explain_ss_users(&quality.id, filter, PlanMode::AsChosen).await? {
            println!("  {line}");
        }
    }
    Ok(())
}
