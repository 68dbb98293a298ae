//! The login layer's housekeeping: expired login transactions, one-time tickets, e-mail
//! codes, passkey registrations and browser sessions are removed on a schedule.

use std::time::Duration;

use crate::kernel::jobs::Job;
use crate::store::Store;
use crate::store::housekeeping::HousekeepingSettings;
use crate::store::unix_now;

/// The purge of login state, every `housekeeping.interval_secs`.
pub fn jobs(store: &Store, settings: &HousekeepingSettings) -> Vec<Job> {
    let store = store.clone();
    let retention = settings.ended_retention_days * 86_400;
    vec![Job::new("purge login state", Duration::from_secs(settings.interval_secs), move || {
        let store = store.clone();
        async move {
            let now = unix_now();
            let purged = store.purge_login_state(now, now - retention).await?;
            if purged.total() > 0 {
                tracing::info!(purged.rows = purged.total(), purged.tables = ?purged.0, "login state purged");
            }
            Ok(())
        }
    })]
}
