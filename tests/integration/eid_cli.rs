//! `poort eid init-ca | issue-card`: the DEMO PKI from the command line, demo mode only.

use std::process::Command;

fn poort() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_poort"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR")).env_remove("RUST_LOG");
    cmd
}

#[test]
fn init_ca_and_issue_card_write_a_pki_and_a_card_a_browser_can_import() {
    let dir = tempfile::tempdir().expect("tmp");
    let pki = dir.path().join("pki");
    let out = poort()
        .args(["--config", "config/poort.toml", "eid", "init-ca", "--dir"])
        .arg(&pki)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(pki.join("demo-belgium-root-ca.pem").is_file() && pki.join("crl.pem").is_file());
    let card = dir.path().join("jan");
    let out = poort()
        .args(["--config", "config/poort.toml", "eid", "issue-card", "--nrn", "78.03.14-123.49"])
        .args(["--given", "Jan", "--surname", "Peeters", "--out"])
        .arg(&card)
        .arg("--dir")
        .arg(&pki)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("78.03.14-***.**") && !stdout.contains("123.49"), "masked: {stdout}");
    for file in ["card.pem", "card.key", "chain.pem", "card.p12"] {
        assert!(card.join(file).is_file(), "{file}");
    }
    let p12 =
        openssl::pkcs12::Pkcs12::from_der(&std::fs::read(card.join("card.p12")).expect("p12")).expect("der");
    assert!(p12.parse2(poort::authn::eid::cards::DEMO_PIN).is_ok(), "opens with the demo PIN");
}

#[test]
fn issue_card_refuses_an_invalid_national_number() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = poort()
        .args(["--config", "config/poort.toml", "eid", "issue-card", "--nrn", "78.03.14-123.48"])
        .args(["--given", "Jan", "--surname", "Peeters", "--out"])
        .arg(dir.path().join("card"))
        .arg("--dir")
        .arg(dir.path().join("pki"))
        .output()
        .expect("runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--nrn"));
}

#[test]
fn the_demo_pki_commands_are_refused_outside_demo_mode() {
    let dir = tempfile::tempdir().expect("tmp");
    let config = dir.path().join("prod.toml");
    std::fs::write(&config, "[security]\nsecret_key = \"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=\"\n")
        .expect("write");
    let out = poort()
        .args(["eid", "init-ca", "--config"])
        .arg(&config)
        .arg("--dir")
        .arg(dir.path().join("pki"))
        .output()
        .expect("runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("refused outside demo mode"));
    assert!(!dir.path().join("pki").exists());
}
