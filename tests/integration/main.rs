//! Integration tests: the real application over real HTTP, on SQLite (default) and on
//! PostgreSQL (`TEST_DATABASE=postgres`). One test binary, one link.

mod helpers;

mod authn_spine;
mod cli;
mod eidas_login;
mod eidas_refusals;
mod registry;
mod web_shell;
