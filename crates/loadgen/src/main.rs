//! `wastetrail-loadgen`: a load generator for a running wastetrail server.
//!
//! **What it is.** It registers a small cast of participants (with the registrar's key),
//! signs N distinct `notification.submitted` statements beforehand (one new case each, so
//! that the rules accept every one of them), then posts them over many concurrent HTTP
//! connections and reports accepted filings per second and the latency distribution (p50,
//! p90, p99, max). In the same run it measures the machine's bare Ed25519 verification rate
//! (`verify_strict` on statement-sized messages, one thread and all threads) and reports the
//! ratio, since a filing costs the server at least one signature verification.
//!
//! **What it is not.** Not a correctness test (the server's receipts are checked only for a
//! sample, after the timed phase, so that the client does not compete for the CPU while it
//! measures) and not a benchmark of the store alone (see `crates/store/benches`). The server
//! must allow the rate: start it with `WASTETRAIL_RATE_LIMIT_PER_MINUTE` and
//! `WASTETRAIL_RATE_LIMIT_BURST` high enough (the per-participant defaults are 120/min, 30).
//!
//! **Formats.** Statements as `wastetrail-ledger` defines them (RFC 8785 canonical JSON,
//! Ed25519); the API of `wastetrail-server`; the report as plain text or one JSON line.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use clap::Parser;
use ed25519_dalek::{Signer as _, SigningKey};
use serde_json::{Value, json};
use wastetrail::client::{Client, ClientError};
use wastetrail::filing::{Draft, file_draft};
use wastetrail_basel::body::ParticipantRegistered;
use wastetrail_basel::{CountryCode, ParticipantKind, REGISTRY_CASE};
use wastetrail_ledger::statement::{ParticipantSigner, Submission, Timestamp};

/// Options.
#[derive(Debug, Parser)]
#[command(name = "wastetrail-loadgen", version, about)]
struct Args {
    /// The server, e.g. http://127.0.0.1:8080.
    #[arg(long)]
    server: String,
    /// The registrar's private key (PKCS#8 PEM); `wastetrail serve` generates
    /// `<data_dir>/registrar.pem` when no registrar key is configured.
    #[arg(long, value_name = "KEY.pem")]
    registrar_key: PathBuf,
    /// The registrar's participant id.
    #[arg(long, default_value = "registrar")]
    registrar_id: String,
    /// Number of filings.
    #[arg(long, short, default_value_t = 20_000)]
    n: usize,
    /// Concurrent connections (requests in flight).
    #[arg(long, short, default_value_t = 64)]
    concurrency: usize,
    /// Receipts checked after the run (checkpoint signature and inclusion proof).
    #[arg(long, default_value_t = 200)]
    verify_sample: usize,
    /// Seconds of the Ed25519 verification measurement (per thread count).
    #[arg(long, default_value_t = 2.0)]
    verify_seconds: f64,
    /// A label for the report (e.g. the backend).
    #[arg(long, default_value = "")]
    label: String,
    /// Print the report as one JSON line as well.
    #[arg(long)]
    json: bool,
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    match rt.block_on(run(args)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::from(1)
        }
    }
}

/// Ed25519 `verify_strict` operations per second on `threads` threads, over `seconds`.
fn verify_rate(threads: usize, seconds: f64, message_len: usize) -> f64 {
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            std::thread::spawn(move || {
                let key = SigningKey::from_bytes(&[u8::try_from(t % 200).unwrap_or(0) + 1; 32]);
                let vk = key.verifying_key();
                let msgs: Vec<Vec<u8>> = (0..64u8)
                    .map(|i| (0..message_len).map(|j| (j as u8) ^ i).collect())
                    .collect();
                let sigs: Vec<_> = msgs.iter().map(|m| key.sign(m)).collect();
                let start = Instant::now();
                let mut n = 0u64;
                let mut ok = true;
                while start.elapsed().as_secs_f64() < seconds {
                    for (m, s) in msgs.iter().zip(&sigs) {
                        ok &= std::hint::black_box(vk.verify_strict(m, s)).is_ok();
                        n += 1;
                    }
                }
                let per = n as f64 / start.elapsed().as_secs_f64();
                if ok { per } else { 0.0 }
            })
        })
        .collect();
    handles.into_iter().map(|h| h.join().unwrap_or(0.0)).sum()
}

fn day(days: i64) -> String {
    let d = time::OffsetDateTime::now_utc().date() + time::Duration::days(days);
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

struct Cast {
    prefix: String,
    members: Vec<(String, &'static str, &'static str, ParticipantSigner)>,
}

impl Cast {
    fn new(prefix: &str) -> Cast {
        let m = |id: &str, kind: &'static str, country: &'static str| {
            (
                format!("{prefix}-{id}"),
                kind,
                country,
                ParticipantSigner::generate(),
            )
        };
        Cast {
            prefix: prefix.to_owned(),
            members: vec![
                m("ca-de", "competent_authority", "DE"),
                m("ca-nl", "competent_authority", "NL"),
                m("exporter", "exporter", "DE"),
                m("generator", "generator", "DE"),
                m("customs-de", "customs_office", "DE"),
                m("importer", "importer", "NL"),
                m("disposer", "disposer", "NL"),
                m("customs-nl", "customs_office", "NL"),
            ],
        }
    }

    fn id(&self, short: &str) -> String {
        format!("{}-{short}", self.prefix)
    }

    fn signer(&self, short: &str) -> anyhow::Result<&ParticipantSigner> {
        let id = self.id(short);
        self.members
            .iter()
            .find(|m| m.0 == id)
            .map(|m| &m.3)
            .with_context(|| format!("no member {id}"))
    }

    fn notification(&self) -> Value {
        json!({
            "kind": "single", "reason": "recovery of metals from printed circuit boards",
            "justification": "raw_material_for_recovery",
            "exporter": self.id("exporter"),
            "generators": [{"participant": self.id("generator"), "site": "Werk 1, Essen", "process": "dismantling of IT equipment"}],
            "importer": self.id("importer"), "disposer": self.id("disposer"),
            "facility": {"name": "Metals Recovery BV", "site": "Haven 5, Rotterdam"},
            "export": {"country": "DE", "authority": self.id("ca-de"), "customs_office": self.id("customs-de")},
            "import": {"country": "NL", "authority": self.id("ca-nl"), "customs_office": self.id("customs-nl")},
            "period": {"first_departure": day(0), "last_departure": day(90)},
            "planned_shipments": 1, "transport": ["road"],
            "waste": {"description": "waste printed circuit boards", "codes": ["A1181"],
                      "composition": "copper, precious metals, epoxy", "handling": "keep dry"},
            "packaging": ["palletised"], "quantity": {"total_kg": 15000}, "operation": "R4",
            "esm_assessment": "ISO 14001 certified facility", "contract": {"reference": "C-LOAD", "concluded_on": day(0)},
            "declaration_correct": true
        })
    }
}

async fn setup(client: &Client, args: &Args, cast: &Cast) -> anyhow::Result<Client> {
    let registrar = wastetrail::keys::read_signer(&args.registrar_key)?;
    let mut r = client.anonymous();
    r.login(&args.registrar_id, &registrar)
        .await
        .context("login of the registrar")?;
    let mut sessions: std::collections::HashMap<String, Client> = std::collections::HashMap::new();
    for (id, kind, country, signer) in &cast.members {
        let by = if *kind == "competent_authority" {
            args.registrar_id.clone()
        } else if *country == "DE" {
            cast.id("ca-de")
        } else {
            cast.id("ca-nl")
        };
        let by_signer = if by == args.registrar_id {
            &registrar
        } else {
            cast.signer(by.trim_start_matches(&format!("{}-", cast.prefix)))?
        };
        if !sessions.contains_key(&by) {
            let mut c = client.anonymous();
            c.login(&by, by_signer)
                .await
                .with_context(|| format!("login of {by}"))?;
            sessions.insert(by.clone(), c);
        }
        let body = serde_json::to_value(ParticipantRegistered {
            id: id.clone(),
            kind: ParticipantKind::parse(kind).with_context(|| format!("kind {kind}"))?,
            country: CountryCode::parse(country)?,
            name: id.clone(),
            address: "Load Street 1".into(),
            key: wastetrail_verify::key_info(&signer.public_key()),
        })?;
        let c = sessions.get(&by).context("session")?;
        file_draft(
            c,
            &by,
            by_signer,
            &Draft::new("participant.registered", REGISTRY_CASE, &by, body),
        )
        .await
        .with_context(|| format!("registration of {id}"))?;
    }
    let mut exporter = client.anonymous();
    exporter
        .login(&cast.id("exporter"), cast.signer("exporter")?)
        .await
        .context("login of the exporter")?;
    Ok(exporter)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    let i = rank.clamp(1, sorted.len()) - 1;
    sorted.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

async fn run(args: Args) -> anyhow::Result<()> {
    anyhow::ensure!(
        args.n > 0 && args.concurrency > 0,
        "n and concurrency must be positive"
    );
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(120))
        .pool_max_idle_per_host(args.concurrency)
        .build()?;
    let client = Client::connect_with(http, &args.server, None)
        .await
        .context("cannot reach the server")?;
    let prefix = format!("lg{:06x}", rand::random::<u32>() & 0xff_ffff);
    let cast = Cast::new(&prefix);
    let exporter = setup(&client, &args, &cast).await?;

    // Pre-sign every filing.
    let signer = cast.signer("exporter")?.clone();
    let body = cast.notification();
    let exporter_id = cast.id("exporter");
    let t = Instant::now();
    let mut bodies = Vec::with_capacity(args.n);
    for i in 0..args.n {
        let sub = Submission::seal(
            &signer,
            "notification.submitted",
            // CASE-03: <State of export>-<YYYY>-<serial>; the run's hex prefix keeps the ids
            // of several runs apart (hex digits are all allowed serial characters).
            &format!("DE-2026-{}{i:06}", &prefix[2..].to_uppercase()),
            &exporter_id,
            Timestamp::now(),
            None,
            body.clone(),
        )?;
        bodies.push(serde_json::to_vec(&sub.to_value())?);
    }
    let sign_secs = t.elapsed().as_secs_f64();
    let message_len = bodies.first().map_or(1000, Vec::len);
    eprintln!(
        "signed {} filings in {sign_secs:.2} s ({message_len} bytes each); posting with {} connections",
        args.n, args.concurrency
    );

    // Post them.
    let bodies = Arc::new(bodies);
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..args.concurrency {
        let (bodies, next, c) = (bodies.clone(), next.clone(), exporter.clone());
        workers.push(tokio::spawn(async move {
            let mut out = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(b) = bodies.get(i) else { break };
                let t = Instant::now();
                let r = c.submit_bytes(b.clone(), false).await;
                out.push((i, t.elapsed(), r));
            }
            out
        }));
    }
    let mut results = Vec::with_capacity(args.n);
    for w in workers {
        results.extend(w.await.context("a worker failed")?);
    }
    let elapsed = start.elapsed().as_secs_f64();

    let mut latencies: Vec<Duration> = Vec::new();
    let mut refused: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    let mut receipts = Vec::new();
    for (_, lat, r) in results {
        match r {
            Ok(rec) => {
                latencies.push(lat);
                receipts.push(rec);
            }
            Err(ClientError::Problem(p)) => *refused.entry(p.code.clone()).or_default() += 1,
            Err(e) => *refused.entry(format!("error: {e}")).or_default() += 1,
        }
    }
    latencies.sort_unstable();
    let accepted = latencies.len();
    let rate = accepted as f64 / elapsed;

    // Check a sample of receipts (outside the timed phase).
    let step = (receipts.len() / args.verify_sample.max(1)).max(1);
    let mut checked = 0;
    for r in receipts.iter().step_by(step) {
        client
            .verify_receipt(r)
            .context("a receipt does not verify")?;
        checked += 1;
    }
    let mut indices: Vec<u64> = receipts.iter().map(|r| r.index).collect();
    indices.sort_unstable();
    indices.dedup();
    anyhow::ensure!(
        indices.len() == receipts.len(),
        "two receipts name the same index"
    );

    let v1 = verify_rate(1, args.verify_seconds, message_len);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let vall = verify_rate(cores, args.verify_seconds, message_len);
    let report = json!({
        "label": args.label,
        "server": args.server,
        "n": args.n,
        "concurrency": args.concurrency,
        "accepted": accepted,
        "refused": refused,
        "seconds": elapsed,
        "filings_per_second": rate,
        "latency_ms": {
            "p50": percentile(&latencies, 50.0), "p90": percentile(&latencies, 90.0),
            "p99": percentile(&latencies, 99.0), "max": percentile(&latencies, 100.0),
        },
        "receipts_checked": checked,
        "presign_seconds": sign_secs,
        "statement_bytes": message_len,
        "ed25519_verify_per_second_1_thread": v1,
        "ed25519_verify_per_second_all_threads": vall,
        "threads": cores,
        "ratio_filings_to_verify_all_threads": if vall > 0.0 { rate / vall } else { 0.0 },
    });
    println!("wastetrail-loadgen {}", args.label);
    println!("  server:        {}", args.server);
    println!(
        "  filings:       {} posted, {accepted} accepted, refused/errors: {refused:?}",
        args.n
    );
    println!("  concurrency:   {}", args.concurrency);
    println!("  time:          {elapsed:.2} s");
    println!("  throughput:    {rate:.0} accepted filings/s (durable before each answer)");
    println!(
        "  latency (ms):  p50 {:.1}  p90 {:.1}  p99 {:.1}  max {:.1}",
        percentile(&latencies, 50.0),
        percentile(&latencies, 90.0),
        percentile(&latencies, 99.0),
        percentile(&latencies, 100.0)
    );
    println!("  receipts checked (signature + inclusion proof): {checked}");
    println!(
        "  Ed25519 verify_strict ({message_len}-byte messages): {v1:.0}/s on 1 thread, {vall:.0}/s on {cores} threads"
    );
    println!(
        "  ratio: filings/s = {:.4} x bare verifications/s ({cores} threads)",
        if vall > 0.0 { rate / vall } else { 0.0 }
    );
    if args.json {
        println!("{report}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&v, 50.0), 50.0);
        assert_eq!(percentile(&v, 99.0), 99.0);
        assert_eq!(percentile(&v, 100.0), 100.0);
        assert_eq!(percentile(&[], 50.0), 0.0);
    }

    #[test]
    fn verification_rate_is_positive() {
        assert!(verify_rate(1, 0.05, 200) > 0.0);
    }

    #[test]
    fn cast_ids_are_prefixed_and_unique() {
        let c = Cast::new("lgx");
        assert_eq!(c.id("exporter"), "lgx-exporter");
        assert!(c.signer("ca-nl").is_ok());
        assert_eq!(c.notification()["export"]["authority"], "lgx-ca-de");
    }
}
