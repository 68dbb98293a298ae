//! Loading and checking the settings.
use super::*;
use std::io::Write;

fn load_text(text: &str) -> Result<Settings, ConfigError> {
    let mut file = tempfile::NamedTempFile::new().expect("temp file");
    file.write_all(text.as_bytes()).expect("write");
    Settings::load(Some(file.path()))
}

#[test]
fn an_unknown_key_is_an_error_that_names_it() {
    let err = load_text("[server]\nlisten = \"127.0.0.1:1\"\nlistne = 3\n").unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("listne"), "{msg}");
}

#[test]
fn a_bad_listen_address_names_the_key() {
    let err = load_text("[demo]\nis_enabled = true\n[server]\nlisten = \"nowhere\"\n").unwrap_err();
    assert!(err.to_string().contains("server.listen"), "{err}");
}

#[test]
fn outside_demo_mode_a_secret_key_is_required() {
    let err = load_text("").unwrap_err();
    assert!(err.to_string().contains("security.secret_key"), "{err}");
}

#[test]
fn the_demo_key_is_refused_outside_demo_mode() {
    let err = load_text(&format!("[security]\nsecret_key = \"{DEMO_SECRET_KEY}\"\n")).unwrap_err();
    assert!(err.to_string().contains("refused outside demo mode"), "{err}");
}

#[test]
fn a_short_secret_key_is_refused() {
    let err = load_text("[security]\nsecret_key = \"c2hvcnQ=\"\n").unwrap_err();
    assert!(err.to_string().contains("at least 32 bytes"), "{err}");
}

#[test]
fn a_database_url_of_another_kind_is_refused() {
    let err = load_text("[demo]\nis_enabled = true\n[database]\nurl = \"mysql://x\"\n").unwrap_err();
    assert!(err.to_string().contains("database.url"), "{err}");
}

#[test]
fn the_demo_configuration_has_one_public_origin_http_localhost_8080() {
    let s = Settings::load(Some(Path::new("config/poort.toml"))).expect("the demo configuration");
    assert_eq!(s.public_url(s.server.listen), "http://localhost:8080");
    assert!(s.is_public_url_derived());
    assert!(s.eid.public_url.is_empty(), "the eID URL follows its listener");
    assert!(s.eidas.mock.public_url.is_empty(), "the mock node's URL follows its listener");
}

#[test]
fn an_unset_public_url_names_a_loopback_listener_localhost_and_keeps_other_addresses() {
    let s = Settings::default();
    assert_eq!(s.public_url("127.0.0.1:8081".parse().expect("addr")), "http://localhost:8081");
    assert_eq!(s.public_url("[::1]:8081".parse().expect("addr")), "http://localhost:8081");
    assert_eq!(s.public_url("192.0.2.7:80".parse().expect("addr")), "http://192.0.2.7:80");
}

#[test]
fn side_ports_auto_puts_every_side_listener_on_a_free_port_of_its_address() {
    let mut s = Settings::default();
    s.eid.listen = "127.0.0.2:8443".parse().expect("addr");
    let unchanged = s.clone().with_side_ports_applied();
    assert_eq!(unchanged.eid.listen.port(), 8443);
    assert_eq!(unchanged.itsme.mock.listen.port(), 9443);
    s.server.side_ports = SidePorts::Auto;
    let moved = s.with_side_ports_applied();
    assert_eq!(moved.eid.listen, "127.0.0.2:0".parse().expect("addr"));
    assert_eq!(moved.itsme.mock.listen.port(), 0);
    assert_eq!(moved.eidas.mock.listen.port(), 0);
}

#[test]
fn a_complete_file_loads() {
    let s = load_text(
        "[demo]\nis_enabled = true\n[server]\nlisten = \"127.0.0.1:9999\"\npublic_url = \"https://poort.example\"\n",
    )
    .expect("valid");
    assert_eq!(s.server.listen.port(), 9999);
    assert_eq!(s.public_url(s.server.listen), "https://poort.example");
}
