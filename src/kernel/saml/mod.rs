//! SAML 2.0 plumbing shared by the eIDAS service provider (`authn/eidas`) and the identity
//! provider (`protocol/saml`): XML helpers on libxml ([`xml`]) and signatures on
//! samael/xmlsec and OpenSSL ([`signing`]); XML Encryption on OpenSSL ([`encryption`]).

pub mod encryption;
pub mod signing;
pub mod xml;
