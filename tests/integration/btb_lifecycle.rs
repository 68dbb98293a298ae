//! Lifecycle from the register: an import that ends the head's legal function suspends
//! that role at once (the enterprise is left without a head, its general address is
//! mailed, the trail says why); stopping the enterprise suspends every role on it. Access
//! managers and the audit chain stay intact.

use crate::btb_support::*;

/// A copy of the demo register with `edit` applied to one file.
fn register_with(edit: impl Fn(&str, String) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tmp");
    for name in ["persons.csv", "enterprises.csv", "representatives.csv", "employments.csv"] {
        let text =
            std::fs::read_to_string(crate::helpers::repo_path(&format!("config/demo/registry/{name}")))
                .expect("read");
        std::fs::write(dir.path().join(name), edit(name, text)).expect("write");
    }
    dir
}

#[tokio::test]
async fn an_import_that_ends_a_function_or_stops_the_enterprise_suspends_the_roles_resting_on_it() {
    let app = btb_app().await;
    let store = app.state.store();
    let reader = reader_token(&app).await;
    let (_, before) = api(&app, "GET", "/api/btb/v1/enterprises/0410561210", &reader, None).await;
    assert_eq!(before["head"]["name"], "Marie Dubois");
    // Marie's function ends.
    let ended = register_with(|name, text| {
        if name == "representatives.csv" {
            text.replace(
                "65.06.21-084.14,0410.561.210,chair_of_the_board,2015-01-01,",
                "65.06.21-084.14,0410.561.210,chair_of_the_board,2015-01-01,2021-12-31",
            )
        } else {
            text
        }
    });
    poort::store::registry_import::load_files_into(store, ended.path()).await.expect("import");
    let report = app.state.btb().review_lifecycle().await.expect("review");
    assert_eq!(report.suspended, 1, "{report:?}");
    let (_, after) = api(&app, "GET", "/api/btb/v1/enterprises/0410561210", &reader, None).await;
    assert!(after["head"].is_null(), "a suspended head leaves the enterprise without one: {after}");
    let health = after["domains"]
        .as_array()
        .expect("domains")
        .iter()
        .find(|d| d["code"] == "health_care")
        .expect("d")
        .clone();
    assert_eq!(health["access_managers"][0]["name"], "Emma Wouters", "access managers stay");
    assert!(
        !mails_to(&app, "directie@rembertus.example").await.is_empty(),
        "the enterprise is told it has no head"
    );
    let trail = store
        .find_access_audit_of_enterprise(&poort::domain::EnterpriseNumber::parse(CLINIC).expect("n"), 10)
        .await
        .expect("trail");
    let suspension = trail.iter().find(|r| r.kind == "btb.grant_suspended").expect("the trail says it");
    assert!(suspension.detail.contains("legal_function_ended") && suspension.capacity == "register");
    // Marie cannot manage any more, nor designate again.
    let marie = person_token(&app, MARIE, 450).await;
    let (status, answer) = api(
        &app,
        "POST",
        "/api/btb/v1/enterprises/0410561210/co-heads",
        &marie,
        Some(serde_json::json!({"national_number": CAMILLE})),
    )
    .await;
    assert_eq!((status, answer["error"].as_str()), (403, Some("not_manager")));
    // A second review changes nothing.
    assert_eq!(app.state.btb().review_lifecycle().await.expect("review").suspended, 0);
    // The enterprise stops: every role on it is suspended.
    let stopped = register_with(|name, text| {
        if name == "enterprises.csv" {
            text.replace(
                "KLINIEK EN MATERNITEIT ST REMBERTUS,,,,VZW,active",
                "KLINIEK EN MATERNITEIT ST REMBERTUS,,,,VZW,stopped",
            )
        } else {
            text
        }
    });
    poort::store::registry_import::load_files_into(store, stopped.path()).await.expect("import");
    // Emma's access-manager role and the demo clinic's five social-security roles (its
    // mammography unit's local admin, subdivision admin and three users).
    assert_eq!(app.state.btb().review_lifecycle().await.expect("review").suspended, 1 + 5);
    let (_, roles) = api(&app, "GET", "/api/btb/v1/persons/03021716216/roles", &reader, None).await;
    assert_eq!(roles["enterprises"], serde_json::json!([]));
    assert_eq!(poort::access::audit::verify(store).await.expect("verify").problem, None);
}

#[tokio::test]
async fn audit_verify_finds_an_edited_or_deleted_row() {
    let app = btb_app().await;
    let store = app.state.store();
    let report = poort::access::audit::verify(store).await.expect("verify");
    assert!(report.rows >= 3 && report.problem.is_none(), "the demo seed is in the trail: {report:?}");
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&app.state.settings().database.url).await.expect("pool");
    sqlx::query("UPDATE access_audit SET subject = '69012330870' WHERE seq = 2")
        .execute(&pool)
        .await
        .expect("edit");
    let report = poort::access::audit::verify(store).await.expect("verify");
    assert!(
        matches!(report.problem, Some(poort::access::audit::ChainProblem::Edited { seq: 2 })),
        "{report:?}"
    );
    sqlx::query("DELETE FROM access_audit WHERE seq = 2").execute(&pool).await.expect("delete");
    let report = poort::access::audit::verify(store).await.expect("verify");
    assert!(
        matches!(report.problem, Some(poort::access::audit::ChainProblem::Broken { seq: 3, .. })),
        "{report:?}"
    );
    pool.close().await;
}
