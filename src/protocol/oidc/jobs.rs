//! The OpenID Provider's background work on every node: reload the signing keys (other
//! nodes or `poort keys rotate` may have rotated), check rotation by age, purge what
//! expired, and send back-channel logout notifications that are due.

use std::time::Duration;

use super::endpoints::backchannel::{Backchannel, deliver_due};
use crate::kernel::jobs::Job;
use crate::store::housekeeping::HousekeepingSettings;
use crate::store::unix_now;

pub fn jobs(backchannel: &Backchannel, settings: &HousekeepingSettings) -> Vec<Job> {
    let reload = backchannel.clone();
    let rotate = backchannel.clone();
    let purge = backchannel.clone();
    let deliver = backchannel.clone();
    let retention = settings.ended_retention_days * 86_400;
    vec![
        Job::new("reload signing keys", Duration::from_secs(60), move || {
            let s = reload.clone();
            async move { Ok(s.provider.reload_keys(&s.store).await?) }
        }),
        Job::new("signing key rotation check", Duration::from_secs(3600), move || {
            let s = rotate.clone();
            async move { Ok(s.provider.refresh_keys(&s.store).await?) }
        }),
        Job::new("purge OpenID Provider state", Duration::from_secs(settings.interval_secs), move || {
            let s = purge.clone();
            async move {
                let now = unix_now();
                let purged = s.store.purge_oidc_state(now, now - retention).await?;
                if purged.total() > 0 {
                    tracing::info!(purged.rows = purged.total(), purged.tables = ?purged.0, "OpenID Provider state purged");
                }
                Ok(())
            }
        }),
        Job::new("back-channel logout deliveries", Duration::from_secs(5), move || {
            let s = deliver.clone();
            async move {
                deliver_due(&s).await;
                Ok(())
            }
        }),
    ]
}
