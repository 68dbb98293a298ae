//! Settings for running several Poorts side by side on one machine (the integration tests,
//! the benchmarks): the shipped demo configuration on free ports, and every file demo mode
//! generates (keys, demo CAs) kept in a directory of the instance's own.

use std::path::Path;

use super::{ConfigError, Settings, SidePorts};

impl Settings {
    /// The demo configuration as shipped (`config/poort.toml` under `root`), listening on a
    /// free loopback port with its side listeners on free ports too, on `database_url`, the
    /// demo register under `root` loaded, and its generated files under `data`.
    pub fn demo_in(root: &Path, database_url: &str, data: &Path) -> Result<Self, ConfigError> {
        let mut s = Settings::load(Some(&root.join("config/poort.toml")))?;
        s.server.listen = "127.0.0.1:0".parse().expect("a literal address");
        s.server.side_ports = SidePorts::Auto;
        s.database.url = database_url.to_string();
        s.registry.load_dirs = vec![root.join("config/demo/registry")];
        s.keep_demo_files_in(data);
        Ok(s)
    }

    /// Moves every file demo mode generates under `data`: the mock eIDAS node's demo CA, the
    /// eID demo PKI, the mock itsme keys, the eIDAS SP key and the SAML IdP key (the last two
    /// only when the configuration keeps them in files).
    pub fn keep_demo_files_in(&mut self, data: &Path) {
        self.eidas.mock.demo_tls_dir = data.join("eidas-mock");
        self.eid.demo_pki_dir = self.eid.demo_pki_dir.as_ref().map(|_| data.join("eid-demo"));
        self.itsme.demo_key_dir = data.join("itsme");
        if self.eidas.signing_key_path.is_some() {
            self.eidas.signing_key_path = Some(data.join("eidas-sp-key.pem"));
            self.eidas.signing_certificate_path = Some(data.join("eidas-sp-cert.pem"));
        }
        if self.saml.signing_key_path.is_some() {
            self.saml.signing_key_path = Some(data.join("saml-idp-key.pem"));
            self.saml.signing_certificate_path = Some(data.join("saml-idp-cert.pem"));
        }
        if self.saml.ec_signing_key_path.is_some() {
            self.saml.ec_signing_key_path = Some(data.join("saml-idp-ec-key.pem"));
            self.saml.ec_signing_certificate_path = Some(data.join("saml-idp-ec-cert.pem"));
        }
    }
}
