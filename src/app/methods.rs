//! The login methods of this deployment, in one list: each configured method installs
//! itself (its login-page entry, its routes, its side listeners). A new method is one
//! folder under `authn/` and one line here.

use std::sync::Arc;

use anyhow::Context as _;

use crate::authn::Authn;
use crate::authn::eid::EidEndpoint;
use crate::authn::eidas::EidasRuntime;
use crate::authn::itsme::ItsmeService;
use crate::authn::methods::{Installed, Methods};
use crate::authn::password::PasswordService;
use crate::authn::{eid, eidas, itsme, passkey, password, test_login};
use crate::config::Settings;
use crate::kernel::keys::KeyDeriver;
use crate::web::{Limits, WebShell};

/// The installed methods and the handles the application keeps of some of them.
pub(super) struct InstalledMethods {
    pub list: Vec<Installed>,
    pub eid: Option<EidEndpoint>,
    pub itsme: Option<Arc<ItsmeService>>,
    pub eidas: Option<Arc<EidasRuntime>>,
}

impl InstalledMethods {
    /// The login page's view of them.
    pub fn methods(&self) -> Methods {
        Methods::new(self.list.iter().map(|i| i.method.clone()).collect())
    }
}

pub(super) async fn install(
    settings: &Settings,
    authn: &Authn,
    password_service: &PasswordService,
    keys: &KeyDeriver,
    shell: &WebShell,
    limits: Limits,
) -> anyhow::Result<InstalledMethods> {
    let outbound = settings.outbound.policy(settings.demo.is_enabled);
    let mut list = Vec::new();
    list.extend(test_login::install(authn, settings.demo.is_test_login_enabled));
    let eid = match eid::install(authn, &settings.eid, shell.clone(), limits).await? {
        Some((installed, endpoint)) => {
            list.push(installed);
            Some(endpoint)
        }
        None => None,
    };
    list.extend(password::install(authn, password_service));
    let (installed, itsme) =
        itsme::install(authn, &settings.itsme, outbound).await.context("setting up the itsme login")?;
    list.extend(installed);
    let eidas = match eidas::install(authn, &settings.eidas, outbound).await? {
        Some((installed, runtime)) => {
            list.push(installed);
            Some(runtime)
        }
        None => None,
    };
    list.extend(passkey::install(authn, &settings.passkey, keys.derive("passkey/user-handle")));
    Ok(InstalledMethods { list, eid, itsme, eidas })
}
