//! Brute-force protection: failed attempts are counted per account (by the username as
//! typed, so unknown usernames are throttled exactly like known ones: no enumeration)
//! and per client address. After `free_failures` failures each further one blocks the
//! key for a doubling delay (base, 2×base, 4×base … up to `max_delay_secs`); the
//! counters live in the database so the limits hold across nodes (OWASP ASVS V2.2.1).

use std::net::IpAddr;

use crate::authn::password::settings::ThrottleSettings;
use crate::store::{Store, StoreResult};

/// The throttle key of an account, by normalised username.
pub fn account_key(username: &str) -> String {
    format!("user:{username}")
}

/// The throttle key of a client address (IPv6 by /64, one subscriber's block).
pub fn address_key(addr: IpAddr) -> String {
    match addr {
        IpAddr::V4(v4) => format!("addr:{v4}"),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => format!("addr:{v4}"),
            None => {
                let s = v6.segments();
                format!("addr:{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// The delay after the `failures`-th failure, given the free budget.
pub fn delay_after(settings: &ThrottleSettings, failures: i64, free: i64) -> i64 {
    if failures <= free {
        return 0;
    }
    let doublings = u32::try_from((failures - free - 1).min(30)).unwrap_or(30);
    settings.base_delay_secs.saturating_mul(1i64 << doublings).min(settings.max_delay_secs)
}

/// Seconds to wait before any key may try again, or `None` when none is blocked.
pub async fn retry_after(store: &Store, keys: &[&str], now: i64) -> StoreResult<Option<i64>> {
    let mut wait = 0;
    for key in keys {
        if let Some(t) = store.find_throttle(key).await? {
            wait = wait.max(t.blocked_until - now);
        }
    }
    Ok((wait > 0).then_some(wait))
}

/// Counts a failure on `key` and blocks it if over budget. Returns the failure count.
pub async fn record_failure(
    store: &Store,
    settings: &ThrottleSettings,
    key: &str,
    free: i64,
    now: i64,
) -> StoreResult<i64> {
    let failures = store.add_throttle_failure(key, now, now - settings.window_secs).await?;
    let delay = delay_after(settings, failures, free);
    if delay > 0 {
        store.update_throttle_block(key, now + delay).await?;
    }
    Ok(failures)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_start_after_the_free_budget_and_double_up_to_the_maximum() {
        let s = ThrottleSettings::default();
        let delays: Vec<i64> = (1..=14).map(|n| delay_after(&s, n, 3)).collect();
        assert_eq!(delays, vec![0, 0, 0, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]);
        assert_eq!(delay_after(&s, i64::MAX, 3), 900);
    }

    #[test]
    fn addresses_are_keyed_per_ipv4_address_and_per_ipv6_64_block() {
        assert_eq!(address_key("192.0.2.7".parse().expect("ip")), "addr:192.0.2.7");
        assert_eq!(address_key("2001:db8:1:2:3:4:5:6".parse().expect("ip")), "addr:2001:db8:1:2::/64");
        assert_eq!(address_key("::ffff:192.0.2.7".parse().expect("ip")), "addr:192.0.2.7");
    }
}
