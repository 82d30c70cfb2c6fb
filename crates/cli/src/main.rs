//! The `wastetrail` binary (being written).
fn main() {}
