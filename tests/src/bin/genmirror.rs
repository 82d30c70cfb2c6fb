//! `genmirror DIR ENTRIES`: writes a generated log of `ENTRIES` entries (complete signed cases
//! of every statement type) into `DIR` as a tiles mirror, in bounded memory (see
//! `wastetrail_e2e::stream`). Run it in release:
//! `cargo run --release -p wastetrail-e2e --bin genmirror -- /tmp/m100k 100000`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(dir), Some(n)) = (args.get(1), args.get(2).and_then(|n| n.parse::<u64>().ok()))
    else {
        eprintln!("usage: genmirror DIR ENTRIES");
        std::process::exit(2);
    };
    let t = Instant::now();
    let w = wastetrail_e2e::stream::write_mirror(std::path::Path::new(dir), n).unwrap();
    eprintln!(
        "{} entries, {} cases ({} open) in {:.1} s: {dir}/full, {dir}/public",
        w.entries,
        w.cases,
        w.open_cases,
        t.elapsed().as_secs_f64()
    );
}
