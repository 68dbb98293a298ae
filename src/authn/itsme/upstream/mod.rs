//! Poort as OpenID Connect client of an upstream provider (itsme in production).
//!
//! HTTP is done here with the caller's `reqwest::Client` (0.13) and JOSE with josekit, rather
//! than through `openidconnect`: itsme signs *then encrypts* id_tokens and userinfo
//! (RSA-OAEP-256 + A128CBC-HS256), which openidconnect cannot decrypt, and adapting its HTTP
//! trait would pull a second reqwest.
mod config;
mod discovery;
mod error;
mod finish;
mod identity;
mod start;
mod tokens;

pub use config::{
    ClaimMap, ClientAuth, ClientKeys, ITSME_ACR_ADVANCED, ITSME_ACR_BASIC, ITSME_NATIONAL_NUMBER,
    UpstreamConfig,
};
pub use discovery::{Provider, ProviderMetadata, discover};
pub use error::UpstreamError;
pub use finish::{CallbackParams, finish};
pub use identity::{UpstreamIdentity, map_identity};
pub use start::{PendingLogin, StartParams, start};
pub use tokens::{IdTokenClaims, check_id_token_claims, validate_id_token};
