//! End-to-end tests of the `wastetrail` commands, each run as a real process (the binary is
//! built by `wastetrail_e2e::process::binary`): `check` on every example case file, `keygen`
//! and `file` against `serve`, `demo` with `export`, and `mirror` with `verify`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod check;
mod demo;
mod keygen_file;
mod mirror_verify;
