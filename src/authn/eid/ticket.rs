//! The one-time hand-over from the eID TLS listener to the main listener.
//!
//! The TLS listener is another origin: it cannot set or read the main site's cookies, so
//! it cannot finish the login transaction (bound to the browser by a cookie of the main
//! origin). Instead it stores a random **ticket** (the spine's `one_time_tickets`, purpose
//! `eid`): single use, valid 60 seconds, bound to the transaction id and the verified card
//! identity, kept only as a SHA-256 hash. The browser carries it to the main listener,
//! which redeems it once and then completes the transaction with the browser's own
//! cookies, so a ticket lifted into another browser fails the transaction's binding.

use serde::{Deserialize, Serialize};

use super::verify::EidCertificate;
use crate::domain::{CertificateFacts, NationalNumber};
use crate::kernel::token::{hash_token, random_token};
use crate::store::login_transactions::StoredJson;
use crate::store::{Store, StoreError};

/// How long a ticket may wait to be redeemed.
pub const TICKET_TTL_SECS: i64 = 60;
/// The `one_time_tickets.purpose` of eID tickets.
const PURPOSE: &str = "eid";
/// A ticket value is 32 random bytes, base64url without padding (43 characters).
const TICKET_BYTES: usize = 32;

/// Why a ticket cannot be redeemed.
#[derive(Debug, thiserror::Error)]
pub enum TicketError {
    /// Unknown, already used or expired: the three look the same on purpose.
    #[error("the eID ticket is unknown, used or expired")]
    Invalid,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The card identity a ticket carries (stored as the ticket's JSON payload).
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Payload {
    national_number: String,
    given_names: String,
    surname: String,
    certificate_sha256: String,
    /// The card's certificate facts, for the `certificateInfo` claims.
    certificate: CertificateFacts,
}

/// What a redeemed ticket hands to the login transaction.
#[derive(Debug, Clone)]
pub struct Redeemed {
    pub tx_id: String,
    pub national_number: NationalNumber,
    pub given_names: String,
    pub surname: String,
    pub certificate: CertificateFacts,
}

/// Stores a new ticket for `tx_id` and `card`, valid until `now + 60 s`; returns the
/// ticket value (never logged).
pub async fn issue(
    store: &Store,
    tx_id: &str,
    card: &EidCertificate,
    now: i64,
) -> Result<String, StoreError> {
    let ticket = random_token(TICKET_BYTES);
    let payload = Payload {
        national_number: card.national_number.as_str().to_string(),
        given_names: card.given_names.clone(),
        surname: card.surname.clone(),
        certificate_sha256: card.fingerprint_sha256.clone(),
        certificate: CertificateFacts {
            subject: card.subject.clone(),
            issuer: card.issuer.clone(),
            serial_number: card.serial_hex.clone(),
        },
    };
    let payload = StoredJson::new(&payload)?;
    store
        .create_one_time_ticket(&hash_token(&ticket), PURPOSE, tx_id, &payload, now + TICKET_TTL_SECS)
        .await?;
    Ok(ticket)
}

/// Redeems `ticket` once. A second redemption, a late one or an unknown value fails.
pub async fn redeem(store: &Store, ticket: &str, now: i64) -> Result<Redeemed, TicketError> {
    let is_shaped =
        ticket.len() == 43 && ticket.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !is_shaped {
        return Err(TicketError::Invalid);
    }
    let (tx_id, payload) =
        store.redeem_one_time_ticket(&hash_token(ticket), PURPOSE, now).await?.ok_or(TicketError::Invalid)?;
    let payload: Payload = payload.parse()?;
    let national_number = NationalNumber::parse(&payload.national_number)
        .map_err(|e| StoreError::Corrupt(format!("eid ticket national number: {}", e.code())))?;
    Ok(Redeemed {
        tx_id,
        national_number,
        given_names: payload.given_names,
        surname: payload.surname,
        certificate: payload.certificate,
    })
}
