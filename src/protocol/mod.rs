//! Protocols that hand out identities to relying parties: the OpenID Provider (`oidc`) and
//! the SAML 2.0 identity provider (`saml`).

pub mod oidc;
pub mod saml;
