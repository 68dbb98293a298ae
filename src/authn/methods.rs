//! The digital keys the login page offers. Each method module contributes one entry
//! when it is configured; the page shows them strongest first.

use super::transaction::LoginTransaction;
use crate::domain::AuthLevel;
use crate::startup::AppState;

/// One digital key on the login page.
#[derive(Debug, Clone)]
pub struct MethodEntry {
    pub id: &'static str,
    pub title_key: &'static str,
    pub text_key: &'static str,
    /// The level this key reaches (the strongest variant when a method has several).
    pub level: AuthLevel,
    /// Where the key's login starts (a site path or an absolute URL), carrying `tx`.
    pub start_url: String,
}

/// Every configured method, strongest first.
pub fn available(state: &AppState, tx: &LoginTransaction) -> Vec<MethodEntry> {
    let mut entries: Vec<MethodEntry> = Vec::new();
    entries.extend(super::test_login::method_entry(state, tx));
    entries.extend(super::eid::method_entry(state, tx));
    entries.extend(super::password::routes::method_entry(state, tx));
    entries.extend(super::itsme::routes::method_entry(state, tx));
    entries.extend(super::eidas::method_entry(state, tx));
    entries.extend(super::passkey::method_entry(state, tx));
    entries.sort_by_key(|e| std::cmp::Reverse(e.level));
    entries
}
