//! The user list of a quality stays on its index (issue 12, item 10): the database's own
//! plan for the list's query, with each filter the pages offer, reads `ss_grant_details`
//! through `ss_grant_details_by_quality` and scans no table in full, on SQLite and
//! PostgreSQL. (The timings at 10,000 users are in the benchmark, bench/ss_users.rs.)

use crate::btb_support::*;
use crate::helpers::TestApp;
use poort::domain::EnterpriseNumber;
use poort::store::Backend;
use poort::store::access_grants::GrantRole;
use poort::store::social_security::{PlanMode, UserFilter};

/// A line of the plan that reads a whole table.
fn full_scan(backend: Backend, line: &str) -> bool {
    let line = line.trim_start_matches([' ', '-', '>']);
    match backend {
        // `SCAN t` reads t in full; `SCAN t USING INDEX i` reads all of i; `SEARCH` is a lookup.
        Backend::Sqlite => line.starts_with("SCAN ") && !line.starts_with("SCAN CONSTANT"),
        Backend::Postgres => line.contains("Seq Scan"),
    }
}

#[tokio::test]
async fn the_user_list_reads_one_quality_through_its_index_with_every_filter() {
    let app = TestApp::spawn().await;
    let store = app.state.store();
    let clinic = EnterpriseNumber::parse(CLINIC).expect("number");
    let quality =
        store.find_ss_quality(&clinic, "mammography_unit").await.expect("read").expect("the demo quality");
    let filters = [
        ("none", UserFilter::default()),
        ("last name", UserFilter { last_name: "mart".into(), ..Default::default() }),
        ("first name", UserFilter { first_name: "cam".into(), ..Default::default() }),
        ("username", UserFilter { username: "emma".into(), ..Default::default() }),
        ("type", UserFilter { roles: vec![GrantRole::SiteUser], ..Default::default() }),
        ("national number", UserFilter { holder: "94240800554".into(), ..Default::default() }),
        ("status", UserFilter { status: "suspended".into(), ..Default::default() }),
        ("application", UserFilter { application: "ehealthbox".into(), ..Default::default() }),
    ];
    for (name, filter) in filters {
        let plan =
            store.explain_ss_users(&quality.id, &filter, PlanMode::IndexesIfUsable).await.expect("plan");
        let text = plan.join("\n");
        assert!(!plan.is_empty(), "{name}: an empty plan");
        assert!(
            text.contains("ss_grant_details_by_quality"),
            "{name}: the list does not use ss_grant_details_by_quality:\n{text}"
        );
        let scans: Vec<&String> = plan.iter().filter(|l| full_scan(store.backend(), l)).collect();
        assert!(scans.is_empty(), "{name}: a full scan in the list's plan: {scans:?}\n{text}");
    }
}

#[tokio::test]
async fn a_full_scan_is_recognised_in_a_plan() {
    // The check above would pass on any plan if it recognised no scan: it does.
    assert!(full_scan(Backend::Sqlite, "SCAN g"));
    assert!(full_scan(Backend::Sqlite, "SCAN d USING INDEX ss_grant_details_by_site"));
    assert!(!full_scan(Backend::Sqlite, "SEARCH d USING INDEX ss_grant_details_by_quality (quality_id=?)"));
    assert!(full_scan(
        Backend::Postgres,
        "  ->  Seq Scan on access_grants g  (cost=0.00..1.10 rows=10 width=100)"
    ));
    assert!(!full_scan(
        Backend::Postgres,
        "  ->  Index Scan using ss_grant_details_by_quality on ss_grant_details d"
    ));
}
