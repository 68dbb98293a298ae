//! Poort: a federated identity broker for Belgian e-government.
//!
//! The folder tree is the architecture (docs/ARCHITECTURE.md): `domain` holds plain
//! types and rules, `registry` the authentic sources, `authn` the login methods,
//! `protocol` the OpenID Connect (and later SAML) providers, `store` all SQL and `web`
//! the pages.
#![forbid(unsafe_code)]

pub mod access;
pub mod app;
pub mod authn;
pub mod cli;
pub mod config;
pub mod domain;
pub mod fuzzing;
pub mod kernel;
pub mod mail;
pub mod profile;
pub mod protocol;
pub mod registry;
pub mod store;
pub mod telemetry;
pub mod web;
