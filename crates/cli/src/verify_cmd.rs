//! `wastetrail verify`: reads the input (a mirror directory, a server, an evidence file or an
//! export bundle), builds the trust anchors from the options, runs `wastetrail-verify` with a
//! progress bar on a terminal, prints the summary or the JSON report, writes the case's
//! chain-of-custody report, and answers the customs officer's QR check.

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use wastetrail_basel::Facts;
use wastetrail_ledger::checkpoint::Checkpoint;
use wastetrail_ledger::qr::MovementRef;
use wastetrail_verify::proven::{EVIDENCE_FORMAT, movement_answer};
use wastetrail_verify::{
    DirSource, Evidence, ExportFile, LogSource, Options, Report, Trust, verify_proven, verify_with,
};

use crate::audit::{BorderAnswer, HttpSource, TrustArgs};
use crate::cli::VerifyArgs;
use crate::cli::{EXIT_INVALID, EXIT_OK, EXIT_REFUSED};
use crate::commands::{connect_as, fail, runtime};
use crate::keys;

/// What `wastetrail verify` reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// A tiles mirror directory.
    Dir(PathBuf),
    /// A running server's read paths.
    Url(String),
    /// An evidence file or an export bundle.
    File(PathBuf),
}

impl Input {
    /// Tells the input kind from the argument: a URL by its scheme, else what the path is.
    pub fn of(arg: &str) -> anyhow::Result<Input> {
        if arg.starts_with("http://") || arg.starts_with("https://") {
            return Ok(Input::Url(arg.trim_end_matches('/').to_owned()));
        }
        let p = PathBuf::from(arg);
        if p.is_dir() {
            Ok(Input::Dir(p))
        } else if p.is_file() {
            Ok(Input::File(p))
        } else {
            anyhow::bail!("{arg}: no such directory, file or http(s) URL")
        }
    }
}

/// `wastetrail verify`.
pub fn verify(args: &VerifyArgs) -> ExitCode {
    let trust = match crate::audit::trust(&TrustArgs {
        log_key: &args.log_key,
        registrar_key: args.registrar_key.as_deref(),
        registrar_id: &args.registrar_id,
        registrar_country: &args.registrar_country,
        witnesses: &args.witnesses,
        quorum: args.quorum,
    }) {
        Ok(t) => t,
        Err(e) => return fail(EXIT_INVALID, &e),
    };
    if let Some(payload) = &args.qr {
        return verify_qr(args, payload, &trust);
    }
    if args.report.is_some() && args.case.is_none() && args.evidence.is_none() {
        let is_file = args
            .source
            .as_deref()
            .is_some_and(|s| Path::new(s).is_file());
        if !is_file {
            return fail(
                EXIT_INVALID,
                &anyhow::anyhow!(
                    "--report needs --case ID (the case whose chain of custody to report)"
                ),
            );
        }
    }
    let input = match (&args.source, &args.evidence) {
        (Some(s), _) => Input::of(s),
        (None, Some(e)) => Ok(Input::File(e.clone())),
        (None, None) => Err(anyhow::anyhow!(
            "give a mirror directory, a server URL or a file"
        )),
    };
    let input = match input {
        Ok(i) => i,
        Err(e) => return fail(EXIT_INVALID, &e),
    };
    let report = match run(args, &input, &trust) {
        Ok(r) => r,
        Err(e) => return fail(EXIT_INVALID, &e),
    };
    if let Err(e) = output(args, &input, &report) {
        return fail(EXIT_INVALID, &e);
    }
    let strict_fail = args.strict && !report.findings.is_empty();
    ExitCode::from(if report.fault.is_some() || strict_fail {
        EXIT_REFUSED
    } else {
        EXIT_OK
    })
}

/// The built-in law data, with the overrides of `file` (a deployment's `facts_file`).
pub fn load_facts(file: Option<&Path>) -> anyhow::Result<Facts> {
    let builtin = Facts::try_builtin().map_err(|e| anyhow::anyhow!("law data: {e}"))?;
    let Some(path) = file else {
        return Ok(builtin);
    };
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let v: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))?;
    builtin
        .with_overrides(&v)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

/// Verifies `input`; an error is input that cannot be read (exit 2), a fault of the log is in
/// the report.
fn run(args: &VerifyArgs, input: &Input, trust: &Trust) -> anyhow::Result<Report> {
    let facts = load_facts(args.facts.as_deref())?;
    let since = args
        .since
        .as_deref()
        .map(|p| crate::audit::saved_checkpoint(p, trust))
        .transpose()?
        .flatten();
    match input {
        Input::Dir(dir) => {
            let source = DirSource::new(dir);
            let report = verify_source(args, &source, trust, &facts, since.as_ref())?;
            save_since(args, &source, &report)?;
            Ok(report)
        }
        Input::Url(url) => {
            let login = match (&args.key, &args.participant) {
                (Some(k), Some(p)) => Some((p.clone(), keys::read_signer(k)?)),
                _ => None,
            };
            let rt = runtime()?;
            let client = rt.block_on(connect_as(url, Some(&args.log_key), login.as_ref()))?;
            let source = HttpSource::new(&client, &rt);
            let report = verify_source(args, &source, trust, &facts, since.as_ref())?;
            save_since(args, &source, &report)?;
            Ok(report)
        }
        Input::File(path) => {
            anyhow::ensure!(
                args.since.is_none(),
                "--since is for mirrors and servers, not files"
            );
            let bytes =
                std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
            let is_evidence = serde_json::from_slice::<serde_json::Value>(&bytes)
                .map(|v| v["format"] == EVIDENCE_FORMAT)
                .unwrap_or(false);
            let evidence = if is_evidence {
                Evidence::parse(&bytes)?
            } else {
                match ExportFile::parse(&bytes)? {
                    ExportFile::Case(e) => e,
                    ExportFile::Log(source) => {
                        return verify_source(args, &source, trust, &facts, None);
                    }
                }
            };
            if let Some(c) = &args.case {
                anyhow::ensure!(
                    *c == evidence.case,
                    "{} is about case {}, not {c}",
                    path.display(),
                    evidence.case
                );
            }
            Ok(verify_proven(&evidence, trust, &facts).0)
        }
    }
}

/// A whole log read from `source`, with a progress bar on a terminal.
fn verify_source(
    args: &VerifyArgs,
    source: &dyn LogSource,
    trust: &Trust,
    facts: &Facts,
    since: Option<&Checkpoint>,
) -> anyhow::Result<Report> {
    let size = source
        .checkpoint()
        .ok()
        .and_then(|n| note_size(&n))
        .unwrap_or(0);
    let bar = if std::io::stderr().is_terminal() && !args.json {
        let bar = indicatif::ProgressBar::new(size);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "verifying {bar:40} {pos}/{len} leaves ({per_sec}, {eta} left)",
        ) {
            bar.set_style(style);
        }
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let progress = |n: u64| bar.set_position(n);
    let report = verify_with(
        source,
        trust,
        facts,
        &Options {
            since,
            case: args.case.as_deref(),
            progress: Some(&progress),
        },
    )?;
    bar.finish_and_clear();
    Ok(report)
}

/// The tree size on a checkpoint note's second line (for the progress bar only: the
/// verifier opens the note with the trusted key).
fn note_size(note: &[u8]) -> Option<u64> {
    std::str::from_utf8(note).ok()?.lines().nth(1)?.parse().ok()
}

/// Monitoring mode: after a run without fault, the checkpoint verified is saved to `--since`.
fn save_since(args: &VerifyArgs, source: &dyn LogSource, report: &Report) -> anyhow::Result<()> {
    let Some(path) = &args.since else {
        return Ok(());
    };
    if report.fault.is_some() {
        return Ok(());
    }
    let note = source.checkpoint()?;
    let tmp = path.with_extension("part");
    std::fs::write(&tmp, note).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))
}

fn label(input: &Input) -> String {
    match input {
        Input::Dir(p) | Input::File(p) => p.display().to_string(),
        Input::Url(u) => u.clone(),
    }
}

/// Prints the summary (or JSON) and writes the chain-of-custody report.
fn output(args: &VerifyArgs, input: &Input, report: &Report) -> anyhow::Result<()> {
    if args.json {
        println!("{}", serde_json::to_string_pretty(report)?);
    } else {
        print!("{}", crate::audit::summary(&label(input), report));
    }
    let Some(path) = &args.report else {
        return Ok(());
    };
    let trail = report.trail.as_ref().with_context(|| {
        format!(
            "case {} has no entry in this log (or none this copy may read): no report written",
            args.case.as_deref().unwrap_or("?")
        )
    })?;
    let is_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let bytes = if is_json {
        serde_json::to_vec_pretty(report)?
    } else {
        crate::custody::render_html(report, trail, &label(input))?.into_bytes()
    };
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    if !args.json {
        println!(
            "chain-of-custody report of case {} written to {}",
            trail.case,
            path.display()
        );
    }
    Ok(())
}

/// `wastetrail verify --qr PAYLOAD (--server URL | --evidence FILE)`.
fn verify_qr(args: &VerifyArgs, payload: &str, trust: &Trust) -> ExitCode {
    let qr = match MovementRef::parse(payload) {
        Ok(q) => q,
        Err(e) => return fail(EXIT_INVALID, &anyhow::Error::from(e)),
    };
    let result = match (&args.server, &args.evidence) {
        (Some(server), _) => runtime().and_then(|rt| {
            rt.block_on(async {
                let client = crate::client::Client::connect(server, Some(&args.log_key)).await?;
                crate::audit::check_qr(&client, &qr).await
            })
        }),
        (None, Some(path)) => qr_from_evidence(args, path, &qr, trust),
        (None, None) => Err(anyhow::anyhow!(
            "--qr needs --server URL or --evidence FILE"
        )),
    };
    match result {
        Ok((answer, why)) => {
            let (word, code) = match answer {
                BorderAnswer::Consented => ("CONSENTED", EXIT_OK),
                BorderAnswer::NotConsented => ("NOT CONSENTED", EXIT_REFUSED),
                BorderAnswer::NotInLog => ("NOT IN THE LOG", EXIT_REFUSED),
            };
            println!("{word}: {why}");
            ExitCode::from(code)
        }
        Err(e) => fail(EXIT_INVALID, &e.context("cannot verify the document")),
    }
}

/// The QR check answered offline from an evidence file.
fn qr_from_evidence(
    args: &VerifyArgs,
    path: &Path,
    qr: &MovementRef,
    trust: &Trust,
) -> anyhow::Result<(BorderAnswer, String)> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let evidence = Evidence::parse(&bytes)?;
    let (report, _) = verify_proven(&evidence, trust, &load_facts(args.facts.as_deref())?);
    if let Some(f) = &report.fault {
        return Ok((
            BorderAnswer::NotInLog,
            format!("the evidence file does not verify: {f}"),
        ));
    }
    let origin = evidence
        .entries
        .first()
        .and_then(|e| Checkpoint::open(e.checkpoint.as_bytes(), &trust.log_key).ok())
        .map(|c| c.origin)
        .unwrap_or_default();
    if origin != qr.origin {
        return Ok((
            BorderAnswer::NotInLog,
            format!(
                "the document names the log {}, the evidence is from {origin}",
                qr.origin
            ),
        ));
    }
    let hash = hex::encode(qr.leaf_hash);
    let in_file = evidence.entries.iter().any(|e| {
        e.index == qr.index && hex::encode(wastetrail_ledger::merkle::leaf_hash(&e.leaf)) == hash
    });
    if !in_file {
        return Ok((
            BorderAnswer::NotInLog,
            format!(
                "the evidence file proves no entry with this leaf hash at leaf {}",
                qr.index
            ),
        ));
    }
    let answer = movement_answer(&report, &hash).with_context(|| {
        "the entry is in the log, but it is not a movement document whose body this evidence discloses: consent cannot be checked"
    })?;
    let rule = format!("{} ({})", answer.rule_id, answer.citation);
    Ok(if answer.consented {
        (
            BorderAnswer::Consented,
            format!(
                "leaf {} of {origin} is proven in a checkpoint of {} entries and shipment {} was consented when it started: {rule}",
                answer.index, report.size, answer.shipment_no
            ),
        )
    } else {
        (
            BorderAnswer::NotConsented,
            format!(
                "leaf {} is in the log, but shipment {} was not consented when it started: {rule}; checks not met: {}",
                answer.index,
                answer.shipment_no,
                answer.failed_rules.join(", ")
            ),
        )
    })
}
