//! The operator's commands of the access layer: `poort backoffice grant|revoke|list`,
//! `poort audit verify`, and the lifecycle review after `poort registry import`.

use std::process::Command;

use crate::helpers::TestDb;

fn poort(db: &TestDb, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_poort"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("RUST_LOG")
        .args(args)
        .args(["--config", "config/poort.toml", "--database-url", &db.url])
        .output()
        .expect("runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn the_back_office_role_is_granted_listed_and_revoked_and_the_trail_verifies() {
    let db = TestDb::create().await;
    let (ok, out, err) = poort(&db, &["backoffice", "grant", "69.01.23-308.70"]);
    assert!(ok, "{err}");
    assert!(out.contains("now a member") && out.contains("69.01.23-***.**"), "the number is masked: {out}");
    let (ok, out, _) = poort(&db, &["backoffice", "grant", "69012330870"]);
    assert!(ok && out.contains("already"), "{out}");
    let (_, out, _) = poort(&db, &["backoffice", "list"]);
    assert!(out.contains("69.01.23-308.70"), "{out}");
    let (ok, _, err) = poort(&db, &["backoffice", "grant", "69.01.23-308.71"]);
    assert!(!ok && err.contains("not a national number"), "{err}");
    let (ok, out, _) = poort(&db, &["backoffice", "revoke", "69.01.23-308.70"]);
    assert!(ok && out.contains("no longer"), "{out}");
    let (ok, out, err) = poort(&db, &["audit", "verify"]);
    assert!(ok, "{err}");
    assert!(out.contains("intact: 2 rows"), "{out}");
    let (ok, out, _) = poort(&db, &["registry", "import", "config/demo/registry"]);
    assert!(ok && out.contains("BTB roles reviewed"), "{out}");
    // An edited row is found.
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&db.url).await.expect("pool");
    sqlx::query("UPDATE access_audit SET capacity = 'head_access_manager' WHERE seq = 1")
        .execute(&pool)
        .await
        .expect("edit");
    pool.close().await;
    let (ok, _, err) = poort(&db, &["audit", "verify"]);
    assert!(!ok && err.contains("BROKEN") && err.contains("row 1"), "{err}");
}
