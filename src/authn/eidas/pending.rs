//! The eIDAS state kept in the login transaction between the redirects
//! (`authn::transaction::save_method_state`: in the database, so any node serves any step):
//! the pending `AuthnRequest`, then the accepted identity behind a one-time ticket.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::{EidasIdentity, PendingRequest};
use crate::authn::transaction::{self, LoginTransaction};
use crate::authn::{Authn, AuthnError};

/// The method's code (also the tag of its state in the transaction).
pub(crate) const ID: &str = "eidas";

/// SAML bindings §3.5.3: a RelayState MUST NOT exceed 80 bytes.
const MAX_RELAY_STATE: usize = 80;

/// What `method_state` holds for eIDAS.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Stored {
    pub request: PendingRequest,
    /// SHA-256 (base64url) of the one-time ticket, once the node's answer was accepted.
    #[serde(default)]
    pub ticket_hash: Option<String>,
    #[serde(default)]
    pub identity: Option<EidasIdentity>,
}

/// The one-time ticket carried from the ACS to the finish page.
#[derive(Debug, Clone)]
pub(crate) struct Ticket(String);

impl Ticket {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn hash(&self) -> String {
        URL_SAFE_NO_PAD.encode(Sha256::digest(self.0.as_bytes()))
    }
}

impl From<String> for Ticket {
    fn from(s: String) -> Self {
        Self(s)
    }
}

fn random_token() -> String {
    let bytes: [u8; 16] = rand::random();
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Saves the request; returns the RelayState `<tx id>.<128 random bits>`.
pub(crate) async fn save_request(
    state: &Authn,
    tx_id: &str,
    mut request: PendingRequest,
) -> Result<String, AuthnError> {
    let relay_state = format!("{tx_id}.{}", random_token());
    request.relay_state = relay_state.clone();
    let stored = Stored { request, ticket_hash: None, identity: None };
    transaction::save_method_state(state, tx_id, ID, Some(&stored)).await?;
    Ok(relay_state)
}

/// The transaction id a RelayState names (not yet verified: the caller compares the whole
/// RelayState with the stored one).
pub(crate) fn tx_of_relay_state(relay_state: &str) -> Option<&str> {
    if relay_state.len() > MAX_RELAY_STATE {
        return None;
    }
    let (tx, random) = relay_state.rsplit_once('.')?;
    (!tx.is_empty() && !random.is_empty()).then_some(tx)
}

/// What the ACS finds for a transaction.
pub(crate) enum Lookup {
    Found(Box<Stored>),
    Missing,
    Expired,
}

/// Reads the pending request of a transaction without the browser binding (the ACS is a
/// cross-site POST that carries no SameSite=Lax cookie).
pub(crate) async fn find(state: &Authn, tx_id: &str) -> Result<Lookup, AuthnError> {
    match transaction::load_unbound(state, tx_id).await {
        Ok(tx) => Ok(tx.method_state::<Stored>(ID)?.map_or(Lookup::Missing, |s| Lookup::Found(Box::new(s)))),
        Err(AuthnError::TransactionNotFound) => Ok(Lookup::Missing),
        Err(AuthnError::TransactionExpired) => Ok(Lookup::Expired),
        Err(e) => Err(e),
    }
}

/// Stores the accepted identity behind a fresh one-time ticket.
pub(crate) async fn save_ticket(
    state: &Authn,
    tx_id: &str,
    mut stored: Stored,
    identity: EidasIdentity,
) -> Result<Ticket, AuthnError> {
    let ticket = Ticket(format!("{}{}", random_token(), random_token()));
    stored.ticket_hash = Some(ticket.hash());
    stored.identity = Some(identity);
    transaction::save_method_state(state, tx_id, ID, Some(&stored)).await?;
    Ok(ticket)
}

/// Consumes the ticket of a (browser-bound) transaction: the identity once, then nothing.
pub(crate) async fn take_ticket(
    state: &Authn,
    tx: &LoginTransaction,
    ticket: &Ticket,
) -> Result<Option<EidasIdentity>, AuthnError> {
    let Some(stored) = tx.method_state::<Stored>(ID)? else {
        return Ok(None);
    };
    let (Some(hash), Some(identity)) = (stored.ticket_hash, stored.identity) else {
        return Ok(None);
    };
    if !bool::from(hash.as_bytes().ct_eq(ticket.hash().as_bytes())) {
        return Ok(None);
    }
    transaction::save_method_state::<Stored>(state, &tx.id, ID, None).await?;
    Ok(Some(identity))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_relay_state_names_its_transaction() {
        assert_eq!(tx_of_relay_state("abc.def"), Some("abc"));
        assert_eq!(tx_of_relay_state("a.b.c"), Some("a.b"));
        assert_eq!(tx_of_relay_state("nodot"), None);
        assert_eq!(tx_of_relay_state(".x"), None);
        assert_eq!(tx_of_relay_state("x."), None);
        assert_eq!(tx_of_relay_state(&"x.".repeat(41)), None);
    }
}
