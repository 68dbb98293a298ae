//! `poort saml metadata` and `poort saml sp add|list|remove`, on a fresh database.

use std::process::Command;

use crate::helpers::TestDb;
use crate::saml_support::TestSp;

fn poort(db: &TestDb, keys: &std::path::Path, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_poort"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("RUST_LOG")
        .env("POORT_SAML__SIGNING_KEY_PATH", keys.join("key.pem"))
        .env("POORT_SAML__SIGNING_CERTIFICATE_PATH", keys.join("cert.pem"))
        .args(args)
        .args(["--config", "config/poort.toml", "--database-url", &db.url])
        .output()
        .expect("runs");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

#[tokio::test]
async fn service_providers_are_added_from_metadata_listed_and_removed() {
    let db = TestDb::create().await;
    let dir = tempfile::tempdir().expect("dir");
    let sp = TestSp::new("cli");
    let file = dir.path().join("sp.xml");
    std::fs::write(&file, sp.metadata(true)).expect("metadata");
    let file = file.to_str().expect("utf-8");
    let (ok, out) = poort(
        &db,
        dir.path(),
        &[
            "saml",
            "sp",
            "add",
            "--metadata",
            file,
            "--name-id-format",
            "persistent",
            "--attribute",
            "egovNRN",
            "--level",
            "400",
            "--domain",
            "finance",
        ],
    );
    assert!(ok, "{out}");
    assert!(out.contains("service provider https://cli.sp.example/metadata added"), "{out}");
    let (ok, out) = poort(&db, dir.path(), &["saml", "sp", "list"]);
    assert!(ok, "{out}");
    assert!(out.contains("https://cli.sp.example/metadata") && out.contains("nameid=Persistent"), "{out}");
    assert!(out.contains("signed_requests=required") && out.contains("level=400"), "{out}");
    // Refusals: a bad attribute, an unknown level, metadata that is not an SP's.
    let (ok, out) =
        poort(&db, dir.path(), &["saml", "sp", "add", "--metadata", file, "--attribute", "password"]);
    assert!(!ok && out.contains("--attribute password"), "{out}");
    let (ok, out) = poort(&db, dir.path(), &["saml", "sp", "add", "--metadata", file, "--level", "350"]);
    assert!(!ok && out.contains("not a FAS level"), "{out}");
    let idp_like = dir.path().join("idp.xml");
    std::fs::write(&idp_like, r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"><md:IDPSSODescriptor/></md:EntityDescriptor>"#).expect("file");
    let (ok, out) =
        poort(&db, dir.path(), &["saml", "sp", "add", "--metadata", idp_like.to_str().expect("utf-8")]);
    assert!(!ok && out.contains("no md:SPSSODescriptor"), "{out}");
    let (ok, out) = poort(&db, dir.path(), &["saml", "sp", "remove", "https://cli.sp.example/metadata"]);
    assert!(ok, "{out}");
    let (ok, out) = poort(&db, dir.path(), &["saml", "sp", "remove", "https://cli.sp.example/metadata"]);
    assert!(!ok && out.contains("no service provider"), "{out}");
}

#[tokio::test]
async fn the_metadata_is_printed_signed_with_the_configured_key() {
    let db = TestDb::create().await;
    let dir = tempfile::tempdir().expect("dir");
    let (ok, first) = poort(&db, dir.path(), &["saml", "metadata"]);
    assert!(ok, "{first}");
    assert!(first.contains("<md:IDPSSODescriptor") && first.contains("/saml/sso"), "{first}");
    assert!(dir.path().join("key.pem").exists(), "demo mode generates the key at the configured path");
    let (ok, signed) = poort(&db, dir.path(), &["saml", "metadata", "--signed"]);
    assert!(ok && signed.contains("<ds:SignatureValue>"), "{signed}");
    let cert = std::fs::read_to_string(dir.path().join("cert.pem")).expect("cert");
    let der = poort::kernel::saml::signing::cert_der_from_pem(&cert, "cert").expect("der");
    let start = signed.find("<md:EntityDescriptor").expect("metadata");
    let end = signed.find("</md:EntityDescriptor>").expect("end") + "</md:EntityDescriptor>".len();
    let xml = &signed[start..end];
    poort::kernel::saml::signing::verify_and_reduce(xml, &der).expect("signed with the configured key");
}
