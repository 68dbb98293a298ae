//! Housekeeping: one run of each purge job removes the rows past their lifetime and keeps
//! the live ones, on SQLite and PostgreSQL. Rows are made by the real flows, then aged in
//! the database.

use poort::store::housekeeping::HousekeepingSettings;

use crate::helpers::TestApp;

const JAN: &str = "78.03.14-123.49";

/// A connection of its own to the test's database (to age rows and count them).
async fn db(app: &TestApp) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    sqlx::AnyPool::connect(&app.state.settings().database.url).await.expect("connect")
}

async fn count(pool: &sqlx::AnyPool, sql: &str) -> i64 {
    let row = sqlx::query(sqlx::AssertSqlSafe(sql.to_string())).fetch_one(pool).await.expect("count");
    sqlx::Row::try_get::<i64, _>(&row, 0).expect("n")
}

async fn exec(pool: &sqlx::AnyPool, sql: &str) {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_string())).execute(pool).await.expect("update");
}

async fn run_jobs(jobs: Vec<poort::kernel::jobs::Job>) {
    for job in jobs {
        job.run_once().await.expect("the job runs");
    }
}

#[tokio::test]
async fn the_login_purge_removes_expired_transactions_tickets_and_sessions_and_keeps_live_ones() {
    let app = TestApp::spawn().await;
    let pool = db(&app).await;
    // A finished login: a session and its (completed) transaction.
    let done = app.start_portal_login("/my/session").await;
    assert_eq!(app.test_login(&done, JAN, 400).await.status(), 303);
    // A login still in progress elsewhere.
    let other = TestApp::spawn_client();
    let live = app.start_portal_login_with(&other, "/my/session").await;
    // The finished one expired long ago; so did an old ended session.
    exec(&pool, &format!("UPDATE login_transactions SET expires_at = 1 WHERE id = '{done}'")).await;
    exec(&pool, "INSERT INTO browser_sessions (id_hash, sid, identity_id, level, amr, method, auth_time, created_at, last_seen_at, expires_at, ended_at) SELECT 'old-hash', 'old-sid', identity_id, level, amr, method, 1, 1, 1, 4000000000, 2 FROM browser_sessions").await;
    exec(&pool, "INSERT INTO browser_sessions (id_hash, sid, identity_id, level, amr, method, auth_time, created_at, last_seen_at, expires_at, ended_at) SELECT 'exp-hash', 'exp-sid', identity_id, level, amr, method, 1, 1, 1, 3, NULL FROM browser_sessions WHERE sid <> 'old-sid'").await;
    exec(&pool, &format!("INSERT INTO one_time_tickets (ticket_hash, purpose, tx_id, payload, created_at, expires_at, used_at) VALUES ('t-old', 'eid', '{live}', 'null', 1, 2, NULL), ('t-live', 'eid', '{live}', 'null', 1, 4000000000, NULL)")).await;
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM browser_sessions").await, 3);

    run_jobs(poort::authn::jobs::jobs(app.state.store(), &HousekeepingSettings::default())).await;

    assert_eq!(
        count(&pool, &format!("SELECT COUNT(*) FROM login_transactions WHERE id = '{done}'")).await,
        0
    );
    assert_eq!(
        count(&pool, &format!("SELECT COUNT(*) FROM login_transactions WHERE id = '{live}'")).await,
        1
    );
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM one_time_tickets").await, 1, "only the live ticket stays");
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM browser_sessions").await, 1, "only the live session stays");
    assert!(app.me().await.is_some(), "the live session still works");
    assert_eq!(app.get(&format!("/login?tx={live}")).await.status(), 400, "another browser's transaction");
    assert_eq!(other.get(app.url(&format!("/login?tx={live}"))).send().await.expect("GET").status(), 200);
}

#[tokio::test]
async fn the_oidc_purge_removes_expired_requests_identifiers_and_finished_deliveries() {
    let app = TestApp::spawn().await;
    let pool = db(&app).await;
    let store = app.state.store();
    let now = poort::store::unix_now();
    store.create_oidc_used_jti("test", "iss", "old", now - 10).await.expect("jti");
    store.create_oidc_used_jti("test", "iss", "live", now + 600).await.expect("jti");
    exec(&pool, "INSERT INTO oidc_par_requests (request_key, client_id, request, expires_at) VALUES ('old', 'c', '{}', 1), ('live', 'c', '{}', 4000000000)").await;
    exec(&pool, "INSERT INTO oidc_logout_deliveries (id, client_id, sid, identity_id, status, attempts, created_at, next_attempt_at) VALUES ('d-old', 'c', 's', 'i', 'delivered', 1, 1, 1), ('d-pending', 'c', 's', 'i', 'pending', 0, 1, 4000000000), ('d-new', 'c', 's', 'i', 'failed', 3, 4000000000, 1)").await;

    let provider = app.state.oidc_arc();
    let backchannel =
        poort::protocol::oidc::endpoints::backchannel::Backchannel { store: store.clone(), provider };
    let jobs: Vec<_> = poort::protocol::oidc::jobs::jobs(&backchannel, &HousekeepingSettings::default())
        .into_iter()
        .filter(|j| j.name.starts_with("purge"))
        .collect();
    assert_eq!(jobs.len(), 1);
    run_jobs(jobs).await;

    assert_eq!(count(&pool, "SELECT COUNT(*) FROM oidc_used_jtis WHERE namespace = 'test'").await, 1);
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM oidc_par_requests").await, 1);
    assert_eq!(
        count(&pool, "SELECT COUNT(*) FROM oidc_logout_deliveries").await,
        2,
        "a pending delivery and a recent finished one stay"
    );
}

#[tokio::test]
async fn audit_events_older_than_the_retention_are_removed_and_recent_ones_stay() {
    let app = TestApp::spawn().await;
    let pool = db(&app).await;
    let store = app.state.store();
    store.create_audit_event("test.recent", None, None, &serde_json::json!({})).await.expect("audit");
    exec(&pool, "INSERT INTO audit_events (id, at, kind, identity_id, client_id, detail) VALUES ('a-old', 1, 'test.old', NULL, NULL, '{}')").await;
    let before = count(&pool, "SELECT COUNT(*) FROM audit_events").await;
    assert_eq!(store.purge_audit_events(poort::store::unix_now() - 86_400).await.expect("purge"), 1);
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM audit_events").await, before - 1);
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM audit_events WHERE kind = 'test.recent'").await, 1);
}
