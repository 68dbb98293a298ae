//! The one-time hand-over from the eID TLS listener to the main listener.
//!
//! The TLS listener is another origin: it cannot set or read the main site's cookies, so
//! it cannot finish the login transaction (which is bound to the browser by a cookie of the
//! main origin). Instead it stores a random **ticket** — single use, valid 60 seconds,
//! bound to the transaction id and the verified card identity, kept only as a SHA-256
//! hash — and redirects the browser to the main listener, which redeems it once and then
//! completes the transaction with the browser's own cookies (so a ticket lifted from
//! another browser fails the transaction's browser binding).

use base64::Engine as _;
use rand::RngCore as _;
use sha2::{Digest, Sha256};

use super::verify::EidCertificate;
use crate::domain::NationalNumber;
use crate::store::eid_tickets::EidTicketRow;
use crate::store::{Store, StoreError};

/// How long a ticket may wait to be redeemed.
pub const TICKET_TTL_SECS: i64 = 60;
/// A ticket value is 32 random bytes, base64url without padding (43 characters).
const TICKET_BYTES: usize = 32;

/// Why a ticket cannot be redeemed.
#[derive(Debug, thiserror::Error)]
pub enum TicketError {
    #[error("no such eID ticket")]
    Unknown,
    #[error("the eID ticket was already used")]
    Used { tx_id: String },
    #[error("the eID ticket expired")]
    Expired { tx_id: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a redeemed ticket hands to the login transaction.
#[derive(Debug, Clone)]
pub struct Redeemed {
    pub tx_id: String,
    pub national_number: NationalNumber,
    pub given_names: String,
    pub surname: String,
}

fn hash(ticket: &str) -> String {
    Sha256::digest(ticket.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Stores a new ticket for `tx_id` and `card`; returns the ticket value (never logged).
pub async fn issue(store: &Store, tx_id: &str, card: &EidCertificate, now: i64) -> Result<String, StoreError> {
    let mut bytes = [0u8; TICKET_BYTES];
    rand::rng().fill_bytes(&mut bytes);
    let ticket = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let row = EidTicketRow {
        tx_id: tx_id.to_string(),
        national_number: card.national_number.as_str().to_string(),
        given_names: card.given_names.clone(),
        surname: card.surname.clone(),
        certificate_sha256: card.fingerprint_sha256.clone(),
        expires_at: now + TICKET_TTL_SECS,
        used_at: None,
    };
    store.create_eid_ticket(&hash(&ticket), &row, now).await?;
    Ok(ticket)
}

/// Redeems `ticket` once. A second redemption, a late one or an unknown value fails.
pub async fn redeem(store: &Store, ticket: &str, now: i64) -> Result<Redeemed, TicketError> {
    let is_shaped = ticket.len() == 43 && ticket.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !is_shaped {
        return Err(TicketError::Unknown);
    }
    let key = hash(ticket);
    let row = store.find_eid_ticket(&key).await?.ok_or(TicketError::Unknown)?;
    if row.used_at.is_some() {
        return Err(TicketError::Used { tx_id: row.tx_id });
    }
    if row.expires_at <= now {
        return Err(TicketError::Expired { tx_id: row.tx_id });
    }
    if !store.update_eid_ticket_used(&key, now).await? {
        return Err(TicketError::Used { tx_id: row.tx_id });
    }
    let national_number = NationalNumber::parse(&row.national_number)
        .map_err(|e| StoreError::Corrupt(format!("eid_tickets.national_number: {}", e.code())))?;
    Ok(Redeemed { tx_id: row.tx_id, national_number, given_names: row.given_names, surname: row.surname })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ticket_is_stored_as_a_sha256_hash() {
        assert_eq!(hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
