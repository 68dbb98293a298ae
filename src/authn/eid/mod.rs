//! Login with the Belgian eID card: TLS client-certificate authentication with the card's
//! authentication certificate (DOMAIN.md §4), at level Level500 with amr
//! `["hwk", "sc", "pin"]` (RFC 8176 §2: a hardware-secured key on a smart card, unlocked
//! with a PIN).
//!
//! The card is checked on a **separate TLS listener** (`[eid]`, default
//! `127.0.0.1:8443`) that requests, but does not require, a client certificate, so a
//! missing or refused card still gets a translated page. On success that listener cannot
//! finish the login transaction itself (another origin: no cookies of the main site), so it
//! hands the identity over with a one-time [`ticket`] redeemed on the main listener.
//!
//! - [`verify`]: the certificate check, plain values in and out.
//! - [`listener`]: the TLS listener handing the check's outcome to HTTP handlers.
//! - [`ticket`]: the single-use, 60-second hand-over ticket.
//! - [`cards`], [`revocation`]: the DEMO PKI issuing test cards (demo mode only).
//! - `tls_routes` (`GET /eid/login` on the TLS listener) and `routes`
//!   (`GET /login/eid/complete` on the main listener, the login-page entry).

pub mod cards;
pub mod listener;
pub mod revocation;
mod routes;
pub mod settings;
mod start;
pub mod ticket;
mod tls_routes;
pub mod verify;

pub use listener::{EidListener, EidListenerConfig, EidListenerError, EidOutcome, EidPeer};
pub use routes::{AMR, method_entry, router};
pub use settings::EidSettings;
pub use start::{EidEndpoint, bind};
pub use tls_routes::tls_router;
pub use verify::{CardKeyType, EidCertificate, EidRefusal, EidTrustError, EidVerifier};
