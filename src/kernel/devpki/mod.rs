//! The DEMO public-key infrastructure shared by every demo-mode listener: the demo CAs and
//! TLS certificates of the mock itsme, the mock eIDAS node and the eID listener, the files
//! they live in (private keys owner-only), and serving a router over TLS.
//!
//! Nothing here is trusted outside demo mode: the features that use it refuse it unless
//! demo mode is on. Real deployments configure real certificates.

mod files;
mod issue;
mod tls;

pub use files::{read_text, write_private, write_public};
pub use issue::{DemoTls, demo_tls, self_signed_ec, self_signed_rsa};
pub use tls::{TlsListener, acceptor, serve_router};
