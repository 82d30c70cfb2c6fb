//! Prometheus text-format metrics: filings accepted and refused (by problem code), every
//! refused request (by area and problem code: login refusals, 401s, 429s, ...), pending login
//! challenges, append latency (histogram) and tree size.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds (seconds) of the append-latency histogram buckets.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

/// The server's counters.
#[derive(Default)]
pub struct Metrics {
    accepted: AtomicU64,
    refused: Mutex<BTreeMap<&'static str, u64>>,
    requests_refused: Mutex<BTreeMap<(&'static str, &'static str), u64>>,
    pending_challenges: AtomicU64,
    buckets: [AtomicU64; 12],
    latency_count: AtomicU64,
    latency_sum_micros: AtomicU64,
    tree_size: AtomicU64,
    personal_erased: AtomicU64,
}

impl Metrics {
    /// Counts disclosures whose personal data was erased.
    pub fn personal_data_erased(&self, n: u64) {
        self.personal_erased.fetch_add(n, Ordering::Relaxed);
    }

    /// Counts an accepted filing.
    pub fn accepted(&self) {
        self.accepted.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a refused filing by its problem code.
    pub fn refused(&self, code: &'static str) {
        if let Ok(mut m) = self.refused.lock() {
            *m.entry(code).or_insert(0) += 1;
        }
    }

    /// Counts a refused request (status 4xx) by the area of the API (`login`, `filing`,
    /// `read`, `public`) and its problem code.
    pub fn request_refused(&self, area: &'static str, code: &'static str) {
        if let Ok(mut m) = self.requests_refused.lock() {
            *m.entry((area, code)).or_insert(0) += 1;
        }
    }

    /// Sets the pending login challenges gauge.
    pub fn pending_challenges(&self, n: usize) {
        self.pending_challenges
            .store(u64::try_from(n).unwrap_or(u64::MAX), Ordering::Relaxed);
    }

    /// Records the latency of one append.
    pub fn append_latency(&self, d: Duration) {
        let s = d.as_secs_f64();
        for (b, bound) in self.buckets.iter().zip(BUCKETS) {
            if s <= bound {
                b.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.latency_count.fetch_add(1, Ordering::Relaxed);
        let micros = u64::try_from(d.as_micros()).unwrap_or(u64::MAX);
        self.latency_sum_micros.fetch_add(micros, Ordering::Relaxed);
    }

    /// Sets the tree size gauge.
    pub fn tree_size(&self, n: u64) {
        self.tree_size.store(n, Ordering::Relaxed);
    }

    /// The metrics in Prometheus text format 0.0.4.
    pub fn render(&self) -> String {
        let mut o = String::new();
        let _ = writeln!(
            o,
            "# HELP wastetrail_filings_accepted_total Statements accepted and appended to the log."
        );
        let _ = writeln!(o, "# TYPE wastetrail_filings_accepted_total counter");
        let _ = writeln!(
            o,
            "wastetrail_filings_accepted_total {}",
            self.accepted.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            o,
            "# HELP wastetrail_filings_refused_total Statements refused, by problem code."
        );
        let _ = writeln!(o, "# TYPE wastetrail_filings_refused_total counter");
        if let Ok(m) = self.refused.lock() {
            for (code, n) in m.iter() {
                let _ = writeln!(o, "wastetrail_filings_refused_total{{code=\"{code}\"}} {n}");
            }
        }
        let _ = writeln!(
            o,
            "# HELP wastetrail_personal_data_erased_total Disclosures whose personal data was erased after its retention period."
        );
        let _ = writeln!(o, "# TYPE wastetrail_personal_data_erased_total counter");
        let _ = writeln!(
            o,
            "wastetrail_personal_data_erased_total {}",
            self.personal_erased.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            o,
            "# HELP wastetrail_refused_total Requests refused with a 4xx problem (login refusals, missing or revoked sessions, rate limits, ...), by API area and problem code."
        );
        let _ = writeln!(o, "# TYPE wastetrail_refused_total counter");
        if let Ok(m) = self.requests_refused.lock() {
            for ((area, code), n) in m.iter() {
                let _ = writeln!(
                    o,
                    "wastetrail_refused_total{{area=\"{area}\",code=\"{code}\"}} {n}"
                );
            }
        }
        let _ = writeln!(
            o,
            "# HELP wastetrail_login_challenges_pending Login challenge slots in use (bounded by max_pending_challenges)."
        );
        let _ = writeln!(o, "# TYPE wastetrail_login_challenges_pending gauge");
        let _ = writeln!(
            o,
            "wastetrail_login_challenges_pending {}",
            self.pending_challenges.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            o,
            "# HELP wastetrail_append_seconds Time from handing an entry to the log writer to its durable commit."
        );
        let _ = writeln!(o, "# TYPE wastetrail_append_seconds histogram");
        for (b, bound) in self.buckets.iter().zip(BUCKETS) {
            let _ = writeln!(
                o,
                "wastetrail_append_seconds_bucket{{le=\"{bound}\"}} {}",
                b.load(Ordering::Relaxed)
            );
        }
        let count = self.latency_count.load(Ordering::Relaxed);
        let _ = writeln!(o, "wastetrail_append_seconds_bucket{{le=\"+Inf\"}} {count}");
        let sum = self.latency_sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(o, "wastetrail_append_seconds_sum {sum}");
        let _ = writeln!(o, "wastetrail_append_seconds_count {count}");
        let _ = writeln!(
            o,
            "# HELP wastetrail_tree_size Number of entries in the log."
        );
        let _ = writeln!(o, "# TYPE wastetrail_tree_size gauge");
        let _ = writeln!(
            o,
            "wastetrail_tree_size {}",
            self.tree_size.load(Ordering::Relaxed)
        );
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_cumulative_buckets() {
        let m = Metrics::default();
        m.accepted();
        m.refused("rule_violation");
        m.refused("rule_violation");
        m.append_latency(Duration::from_millis(3));
        m.tree_size(7);
        m.request_refused("login", "login_failed");
        m.request_refused("filing", "unauthenticated");
        m.request_refused("login", "login_failed");
        m.pending_challenges(12);
        let t = m.render();
        assert!(t.contains("wastetrail_refused_total{area=\"login\",code=\"login_failed\"} 2\n"));
        assert!(
            t.contains("wastetrail_refused_total{area=\"filing\",code=\"unauthenticated\"} 1\n")
        );
        assert!(t.contains("wastetrail_login_challenges_pending 12\n"));
        assert!(t.contains("wastetrail_filings_accepted_total 1\n"), "{t}");
        assert!(t.contains("wastetrail_filings_refused_total{code=\"rule_violation\"} 2\n"));
        assert!(t.contains("wastetrail_append_seconds_bucket{le=\"0.0025\"} 0\n"));
        assert!(t.contains("wastetrail_append_seconds_bucket{le=\"0.005\"} 1\n"));
        assert!(t.contains("wastetrail_append_seconds_bucket{le=\"+Inf\"} 1\n"));
        assert!(t.contains("wastetrail_tree_size 7\n"));
    }
}
