//! Protocols that hand out identities to relying parties: the OpenID Provider (`oidc`).

pub mod oidc;
