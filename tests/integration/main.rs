//! Integration tests: the real application over real HTTP, on SQLite (default) and on
//! PostgreSQL (`TEST_DATABASE=postgres`). One test binary, one link.

mod helpers;

mod authn_spine;
mod cli;
mod password_helpers;
mod password_keys;
mod password_login;
mod password_refusals;
mod registry;
mod web_shell;
