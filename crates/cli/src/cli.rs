//! Command-line arguments (clap derive) and dispatch to the commands.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::check::{self, Outcome};
use crate::commands;
use crate::render;

/// A signed, append-only, publicly verifiable ledger of transboundary movements of hazardous
/// wastes and e-waste under the Basel Convention.
#[derive(Debug, Parser)]
#[command(name = "wastetrail", version, about, long_about = None)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands of `wastetrail`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check one case file against the Basel Convention consent rules and answer its question.
    ///
    /// Exit status: 0 the shipment may start (or the "what is due" question was answered),
    /// 1 it may not (or a statement of the file was refused), 2 the case file is invalid.
    Check(CheckArgs),
    /// Run the server (HTTP API over the log; SQLite by default, PostgreSQL by URL).
    ///
    /// Settings: defaults, then the --config file, then WASTETRAIL_* environment variables,
    /// then these options. Prints `listening on http://HOST:PORT` once the socket is bound.
    Serve(ServeArgs),
    /// Create a demo deployment (keys, configuration, three cases filed through the API) and
    /// serve it.
    Demo(DemoArgs),
    /// Create an Ed25519 participant key (PKCS#8 PEM, permissions 0600) and print its public
    /// key and key ID.
    Keygen(KeygenArgs),
    /// Sign and file one statement with a participant key (the reference API client).
    ///
    /// Exit status: 0 accepted (or already in the log), 1 refused by the server (the problem
    /// code, and for rule refusals the rule ID and citation, are printed), 2 invalid input,
    /// 3 the server could not be reached or failed, 4 the server's receipt does not verify.
    File(FileArgs),
    /// Export the whole log, or one case, as a verifiable bundle (docs/export-bundle.md).
    ///
    /// Exit status: 0 written, 1 the server's data does not verify, 2 invalid input,
    /// 3 the server could not be reached or failed.
    Export(ExportArgs),
    /// Copy a log into a static C2SP tlog-tiles mirror (checkpoint, hash tiles, and with an
    /// auditor's or participant's key the entry bundles and disclosures it may read).
    ///
    /// Exit status: 0 written, 1 the server's checkpoint does not verify, 2 invalid input,
    /// 3 the server could not be reached or failed.
    Mirror(MirrorArgs),
    /// Verify a log — a tiles mirror, a server, an evidence file or an export bundle — with the
    /// log key (and registrar key) you trust; check a movement document's QR code; write a
    /// case's chain-of-custody report.
    ///
    /// Exit status: 0 verified (findings listed), 1 a fault (the first one is located: check,
    /// file, leaf index, case, statement type, rule) or, with --strict, a finding; 2 cannot
    /// verify (unreadable input, missing trusted key).
    Verify(VerifyArgs),
}

/// Arguments of `wastetrail mirror`.
#[derive(Debug, Args)]
pub struct MirrorArgs {
    /// The server, e.g. http://127.0.0.1:8080.
    #[arg(long, value_name = "URL")]
    pub server: String,
    /// The mirror directory (created if missing; a second run adds only what is new).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The log key the server must have (note verifier key).
    #[arg(long, value_name = "VKEY")]
    pub log_key: Option<String>,
    /// Log in with this key to mirror the entries and disclosures it may read.
    #[arg(long, value_name = "KEY.pem", requires = "participant")]
    pub key: Option<PathBuf>,
    /// The participant id of --key.
    #[arg(long, value_name = "ID", requires = "key")]
    pub participant: Option<String>,
}

/// Arguments of `wastetrail verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// What to verify: a mirror directory (as `wastetrail mirror` writes it), a server URL
    /// (`http://…`: its public read paths; with --key, what that key may read), an evidence
    /// file (`wastetrail export --movement/--evidence`) or an export bundle
    /// (`wastetrail-export/1`).
    #[arg(required_unless_present_any = ["qr", "evidence"])]
    pub source: Option<String>,
    /// The customs officer's check of a movement document: its QR payload
    /// (`wt1:<index>:<size>:<leaf hash>:<origin>`), checked against --server or --evidence.
    /// One line: CONSENTED (exit 0), NOT CONSENTED or NOT IN THE LOG (exit 1), and why.
    #[arg(long, value_name = "PAYLOAD", conflicts_with = "source")]
    pub qr: Option<String>,
    /// The server to ask with --qr.
    #[arg(long, value_name = "URL", requires = "qr", conflicts_with = "evidence")]
    pub server: Option<String>,
    /// An evidence file to check (with --qr: the document must be the one it proves).
    #[arg(long, value_name = "FILE", conflicts_with = "source")]
    pub evidence: Option<PathBuf>,
    /// Keep the chain of custody of this case (with --report).
    #[arg(long, value_name = "ID")]
    pub case: Option<String>,
    /// Write the case's chain-of-custody report here: `.html` (one printable, self-contained
    /// page) or `.json`. Needs --case (evidence files and case bundles name their case).
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Findings (overdue confirmations, illegal traffic, re-imports, consents about to lapse)
    /// are faults: exit 1 when there is one.
    #[arg(long)]
    pub strict: bool,
    /// The law data the deployment runs with: its `facts_file` (`wastetrail-facts/1`
    /// overrides of the built-in country facts, e.g. the demo's `facts.json`). The rules are
    /// replayed with it; without it, with the built-in facts.
    #[arg(long, value_name = "FILE")]
    pub facts: Option<PathBuf>,
    /// With a server URL: log in with this key to verify what it may read (an auditor:
    /// every entry and body).
    #[arg(long, value_name = "KEY.pem", requires = "participant")]
    pub key: Option<PathBuf>,
    /// The participant id of --key.
    #[arg(long, value_name = "ID", requires = "key")]
    pub participant: Option<String>,
    /// The log key you trust (note verifier key, e.g. from the operator's announcement).
    #[arg(long, value_name = "VKEY")]
    pub log_key: String,
    /// The registrar's public key you trust (base64, or a file holding it): without it only
    /// the tree is checked, not signatures or rules.
    #[arg(long, value_name = "KEY")]
    pub registrar_key: Option<String>,
    /// The registrar's participant id.
    #[arg(long, value_name = "ID", default_value = "registrar")]
    pub registrar_id: String,
    /// The registrar's country (the server's `registrar_country`).
    #[arg(long, value_name = "CC", default_value = "ZZ")]
    pub registrar_country: String,
    /// A witness you trust (C2SP tlog-cosignature verifier key); repeat for several.
    #[arg(long = "witness", value_name = "VKEY")]
    pub witnesses: Vec<String>,
    /// How many of the witnesses must have cosigned the checkpoint (default: all of them).
    #[arg(long, value_name = "N")]
    pub quorum: Option<usize>,
    /// Monitoring: the checkpoint verified last time. The log must extend it (proven from the
    /// leaves); after success the new checkpoint is written back. A missing file is created.
    #[arg(long, value_name = "FILE")]
    pub since: Option<PathBuf>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `wastetrail serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on, `HOST:PORT` (port 0: any free port). Default 127.0.0.1:8080.
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,
    /// Data directory (SQLite database and key files). Default ./wastetrail-data.
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Configuration file (TOML; keys in docs/operations.md).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Database URL (`sqlite:PATH` or `postgres://...`); default SQLite in the data directory.
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// Write the logs as JSON lines.
    #[arg(long)]
    pub log_json: bool,
}

/// Arguments of `wastetrail demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// The demo directory (keys, configuration, data). Reused if it holds a demo already.
    #[arg(long, value_name = "DIR", default_value = "wastetrail-demo")]
    pub dir: PathBuf,
    /// Address to listen on. Default 127.0.0.1:8080.
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,
    /// Stop once the cases are filed instead of serving.
    #[arg(long)]
    pub no_serve: bool,
}

/// Arguments of `wastetrail keygen`.
#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// Where to write the private key (PKCS#8 PEM). The file must not exist.
    #[arg(long, short, value_name = "KEY.pem")]
    pub out: PathBuf,
    /// Print the public key and key ID as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `wastetrail file`.
#[derive(Debug, Args)]
pub struct FileArgs {
    /// The statement: a draft `{type, case, actor?, key?, issued_at?, prev?, body}` (missing
    /// members are filled in) or a signed statement `{statement, sig}`.
    pub statement: PathBuf,
    /// The participant's private key (PKCS#8 PEM).
    #[arg(long, value_name = "KEY.pem")]
    pub key: PathBuf,
    /// The server, e.g. http://127.0.0.1:8080.
    #[arg(long, value_name = "URL")]
    pub server: String,
    /// The actor, when the statement does not name it.
    #[arg(long, value_name = "ID")]
    pub actor: Option<String>,
    /// The log key the server must have (note verifier key `<name>+<hex>+<base64>`).
    #[arg(long, value_name = "VKEY")]
    pub log_key: Option<String>,
    /// Print the receipt or the problem as JSON on standard output.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `wastetrail export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The server, e.g. http://127.0.0.1:8080.
    #[arg(long, value_name = "URL")]
    pub server: String,
    /// Export this case (with the registry) instead of the whole log.
    #[arg(long, value_name = "ID")]
    pub case: Option<String>,
    /// Write the evidence file of one shipment: the leaf hash (hex) of its
    /// `movement.started` entry. The case's statements up to it and the registry's, each a
    /// C2SP tlog-proof (format `wastetrail-evidence/1`); `wastetrail verify --evidence` checks
    /// it offline.
    #[arg(long, value_name = "LEAF_HASH")]
    pub movement: Option<String>,
    /// With --case: write an evidence file (`wastetrail-evidence/1`) instead of an export
    /// bundle.
    #[arg(long, requires = "case")]
    pub evidence: bool,
    /// The registrar's country, to check the evidence before writing it.
    #[arg(long, value_name = "CC", default_value = "ZZ")]
    pub registrar_country: String,
    /// Write the bundle here (default: standard output).
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// The log key the server must have (note verifier key).
    #[arg(long, value_name = "VKEY")]
    pub log_key: Option<String>,
    /// The registrar's public key (base64, or a file holding it) to put into the bundle.
    #[arg(long, value_name = "KEY")]
    pub registrar_key: Option<String>,
    /// The registrar's participant id (with --registrar-key).
    #[arg(long, value_name = "ID", default_value = "registrar")]
    pub registrar_id: String,
    /// Log in with this key (e.g. an auditor's) to read the registrar's key from the server.
    #[arg(long, value_name = "KEY.pem", requires = "participant")]
    pub key: Option<PathBuf>,
    /// The participant id of --key.
    #[arg(long, value_name = "ID", requires = "key")]
    pub participant: Option<String>,
}

/// Arguments of `wastetrail check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The case file (JSON, see docs/case-file.md).
    pub case_file: PathBuf,
    /// Answer with a JSON report on standard output instead of plain words.
    #[arg(long)]
    pub json: bool,
}

// The exit statuses of every command (the crate documentation lists them per command).

/// Success; for `check`: the shipment may start, or a "what is due" question was answered.
pub const EXIT_OK: u8 = 0;
/// `check`: the shipment may not start, or a statement of the file was refused.
pub const EXIT_MAY_NOT: u8 = 1;
/// `file`: the server refused the statement (or the login); `export`: the data does not verify.
pub const EXIT_REFUSED: u8 = 1;
/// Invalid input: an unreadable or invalid case file, statement, key or arguments.
pub const EXIT_INVALID: u8 = 2;
/// The server could not be reached, failed (5xx) or answered something unexpected.
pub const EXIT_UNAVAILABLE: u8 = 3;
/// `file`: the server's receipt does not verify against the log key.
pub const EXIT_UNVERIFIED: u8 = 4;

/// Runs the command and turns its outcome into the process exit status. Errors go to standard
/// error; reports go to standard output.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Check(args) => run_check(&args),
        Command::Serve(args) => commands::serve(args),
        Command::Demo(args) => commands::demo(args),
        Command::Keygen(args) => commands::keygen(&args),
        Command::File(args) => commands::file(args),
        Command::Export(args) => commands::export(args),
        Command::Mirror(args) => commands::mirror(args),
        Command::Verify(args) => crate::verify_cmd::verify(&args),
    }
}

fn run_check(args: &CheckArgs) -> ExitCode {
    let outcome = check::check_path(&args.case_file);
    let (text, code) = match &outcome {
        Outcome::Invalid(err) => {
            eprintln!("error: {}: {err:#}", args.case_file.display());
            let text = if args.json {
                Some(render::invalid_json(err))
            } else {
                None
            };
            (text, EXIT_INVALID)
        }
        Outcome::Answered(report) => {
            let text = if args.json {
                render::report_json(report)
            } else {
                render::report_plain(report)
            };
            let code = if report.is_affirmative() {
                EXIT_OK
            } else {
                EXIT_MAY_NOT
            };
            (Some(text), code)
        }
    };
    if let Some(text) = text {
        let mut out = std::io::stdout().lock();
        if let Err(err) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
            // A closed pipe is no reason to change the verdict's exit status, but say so.
            eprintln!("error: cannot write the report: {err}");
        }
    }
    ExitCode::from(code)
}
