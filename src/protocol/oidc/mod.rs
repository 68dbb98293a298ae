//! Poort's OpenID Provider: OpenID Connect Core 1.0 with the code flow only, PKCE (S256) for
//! every client, PAR (RFC 9126), JAR (RFC 9101), DPoP (RFC 9449), JWT access tokens
//! (RFC 9068), introspection (RFC 7662), revocation (RFC 7009), dynamic registration
//! (RFC 7591), RP-initiated and back-channel logout.
//!
//! The protocol rules are plain functions on plain values (the files at this level, tested
//! without a server); `endpoints/` holds one thin axum handler per endpoint or grant;
//! `provider` holds the running state (keys, peppers); all SQL is in `store/oidc_*.rs`.
//! See docs/RELYING_PARTIES.md for what application teams need to know.

pub mod access_token;
pub mod admin;
pub mod authorize_request;
pub mod client;
pub mod client_auth;
pub mod client_keys;
pub mod code;
pub mod discovery;
pub mod dpop;
pub mod endpoints;
pub mod error;
pub mod grant;
pub mod introspection;
pub mod jobs;
pub mod jwt;
pub mod keys;
pub mod keystore;
pub mod logout;
pub mod par;
pub mod pkce;
pub mod provider;
pub mod refresh;
pub mod registration;
pub mod replay;
pub mod request_uri;
pub mod revocation;
pub mod settings;
pub mod state;
pub mod tokens;

pub use endpoints::{protocol_router, router};
pub use provider::Provider;
pub use settings::OidcSettings;
pub use state::OidcState;
