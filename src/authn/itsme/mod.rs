//! itsme login: Poort as OpenID Connect client of itsme (or any OpenID provider configured
//! the same way), plus a mock itsme provider for demo mode.
//!
//! - `upstream/`: the protocol, plain values in and out (discovery, authorization request,
//!   callback, id_token and userinfo checks). Written on josekit and our own reqwest
//!   client rather than the `openidconnect` crate: itsme signs *then encrypts* id_tokens and
//!   userinfo (JWE RSA-OAEP-256 + A128CBC-HS256), which `openidconnect` cannot decrypt, and its
//!   HTTP adapter would pull in a second reqwest.
//! - `mock/`: the mock itsme provider (demo mode only), served on its own port by
//!   `mock_server`.
//! - `settings` (`[itsme]`), `keys` (client keys, demo TLS), `service` (run-time state).
pub mod jose;
pub mod keys;
pub mod mock;
pub mod mock_server;
pub mod refusal;
pub mod routes;
pub mod service;
pub mod settings;
pub mod upstream;

pub use service::ItsmeService;
pub use settings::{ItsmeSettings, MockSettings};
