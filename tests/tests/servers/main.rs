//! End-to-end tests of `wastetrail serve` processes under stress: SIGKILL while clients file
//! (SQLite and PostgreSQL), and three instances on one PostgreSQL log. Each scenario runs alone
//! (`wastetrail_e2e::process::one_heavy_scenario_at_a_time`); the PostgreSQL ones run on a
//! fresh database each (`wastetrail_e2e::pg`) and are skipped, saying so, without
//! `WASTETRAIL_TEST_PG_URL`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod crash;
mod multi_instance;
