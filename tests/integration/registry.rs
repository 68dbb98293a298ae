//! The authentic sources as stored: demo files loaded at start, read through `Registry`.

use poort::domain::{EnterpriseNumber, NationalNumber};
use poort::registry::model::LegalFunction;
use time::macros::date;

use crate::helpers::{TestApp, TestDb, repo_path, test_settings};

fn nrn(s: &str) -> NationalNumber {
    NationalNumber::parse(s).expect("valid demo number")
}

fn ent(s: &str) -> EnterpriseNumber {
    EnterpriseNumber::parse(s).expect("valid demo number")
}

#[tokio::test]
async fn the_demo_register_knows_jan_peeters_as_manager_of_iatreion() {
    let app = TestApp::spawn().await;
    let registry = app.state.registry();
    let jan = registry.find_person(&nrn("78.03.14-123.49")).await.expect("query").expect("known");
    assert_eq!((jan.first_names.as_str(), jan.last_name.as_str()), ("Jan", "Peeters"));
    assert!(jan.has_belgian_eid);

    let today = date!(2026 - 11 - 23);
    assert!(registry.is_legal_representative(&jan.number, &ent("0474.603.083"), today).await.expect("query"));
    assert!(
        !registry.is_legal_representative(&jan.number, &ent("0410.561.210"), today).await.expect("query")
    );
    let reps = registry.representations_of(&jan.number).await.expect("query");
    assert!(matches!(reps[0].function, LegalFunction::Manager), "{:?}", reps[0].function);
}

#[tokio::test]
async fn an_ended_legal_function_no_longer_counts() {
    let app = TestApp::spawn().await;
    let registry = app.state.registry();
    let geert = nrn("58.12.01-211.91");
    let clinic = ent("0410.561.210");
    assert!(registry.is_legal_representative(&geert, &clinic, date!(2020 - 01 - 01)).await.expect("query"));
    assert!(!registry.is_legal_representative(&geert, &clinic, date!(2026 - 11 - 23)).await.expect("query"));
    assert!(!registry.is_employee(&geert, &clinic, date!(2026 - 11 - 23)).await.expect("query"));
}

#[tokio::test]
async fn employees_and_foreign_representatives_are_known() {
    let app = TestApp::spawn().await;
    let registry = app.state.registry();
    let today = date!(2026 - 11 - 23);
    assert!(registry.is_employee(&nrn("90.11.02-246.12"), &ent("0474603083"), today).await.expect("query"));
    let willem = registry.find_person(&nrn("70.49.05-017.94")).await.expect("query").expect("known");
    assert!(!willem.has_belgian_eid);
    assert_eq!(willem.nationality, "NL");
    let clinic_reps = registry.representatives_of(&ent("0410561210")).await.expect("query");
    assert_eq!(clinic_reps.iter().filter(|r| r.is_valid_on(today)).count(), 2);
    let born = registry.persons_born_on(date!(1970 - 09 - 05)).await.expect("query");
    assert_eq!(born.len(), 1, "the BIS register can be searched by birth date");
}

#[tokio::test]
async fn an_unknown_person_is_none_not_an_error() {
    let app = TestApp::spawn().await;
    let unknown = NationalNumber::from_parts(date!(1999 - 12 - 31), 997, None).expect("valid");
    assert!(app.state.registry().find_person(&unknown).await.expect("query").is_none());
}

#[tokio::test]
async fn loading_the_demo_files_twice_changes_nothing() {
    let db = TestDb::create().await;
    let store = poort::store::Store::connect(&db.url, 2).await.expect("connect");
    store.migrate().await.expect("migrate");
    let dir = repo_path("config/demo/registry");
    let first = poort::store::registry_import::load_files_into(&store, &dir).await.expect("load");
    let second = poort::store::registry_import::load_files_into(&store, &dir).await.expect("load again");
    assert_eq!(first, second);
    let reps = store.find_registry_representatives_of_enterprise(&ent("0410561210")).await.expect("query");
    assert_eq!(reps.len(), 3, "no duplicates after a reload");
    store.close().await;
}

#[tokio::test]
async fn a_broken_registry_file_stops_the_start_with_file_and_line() {
    let db = TestDb::create().await;
    let dir = tempfile::tempdir().expect("tmp");
    for f in ["persons.csv", "enterprises.csv", "representatives.csv", "employments.csv"] {
        std::fs::copy(repo_path("config/demo/registry").join(f), dir.path().join(f)).expect("copy");
    }
    let persons = std::fs::read_to_string(dir.path().join("persons.csv")).expect("read");
    std::fs::write(dir.path().join("persons.csv"), persons.replacen("78.03.14-123.49", "78.03.14-123.48", 1))
        .expect("write");
    let mut settings = test_settings(&db.url);
    settings.registry.load_dirs = vec![dir.path().to_path_buf()];
    let err = match poort::app::Application::build(settings).await {
        Ok(_) => panic!("a broken registry file must stop the start"),
        Err(e) => format!("{e:#}"),
    };
    assert!(err.contains("persons.csv line 2"), "{err}");
}
