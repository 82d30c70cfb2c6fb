//! Integration tests of the HTTP API: one binary, one module per area. Every test runs on
//! SQLite and, when WASTETRAIL_TEST_PG_URL is set, also on a fresh PostgreSQL database.

// Test code may unwrap and panic (the helpers in `common` are not #[test] functions).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod abuse;
mod common;
mod login;
mod matrix;
mod openapi;
mod pages;
mod privacy;
mod public;
mod reads;
mod statements;
mod whole_case;
