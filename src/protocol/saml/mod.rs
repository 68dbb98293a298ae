//! Poort's SAML 2.0 identity provider (SAML core, bindings, profiles and metadata 2.0):
//! SP-initiated single sign-on over HTTP-Redirect and HTTP-POST, IdP-initiated single
//! sign-on for service providers that allow it, signed Responses and Assertions
//! (RSA-SHA256 or ECDSA-SHA256 via samael/xmlsec), transient, pairwise persistent and e-mail NameIDs, and
//! the FAS attributes plus the chosen profile's enterprise and roles.
//!
//! It reuses the login transaction of `authn` and the profile module — the same login, level
//! and profile choice as the OpenID Provider. The rules are plain functions on plain values
//! (`authn_request`, `response`, `metadata`, `sp`); `endpoints/` holds thin axum handlers;
//! `idp` the running state (keys, entity ID); all SQL is in `store/saml.rs`. The attribute
//! mapping is documented in docs/RELYING_PARTIES.md.
//!
//! Assertions are encrypted for SPs that ask (AES-GCM, RSA-OAEP: `kernel::saml::encryption`),
//! and signed with ECDSA for SPs whose metadata lists it. Single logout, SP-, IdP- or
//! OpenID-initiated, reaches the session's OpenID clients (back-channel, through the login
//! layer's session events) and its SAML SPs through the browser (`propagation`, the login
//! layer's `FrontChannel`).

pub mod admin;
pub mod authn_request;
pub mod endpoints;
pub mod idp;
pub mod logout;
pub mod metadata;
pub mod propagation;
pub mod request;
pub mod response;
pub mod settings;
pub mod sp;
pub mod state;

pub use idp::Idp;
pub use settings::SamlSettings;
pub use state::SamlState;
