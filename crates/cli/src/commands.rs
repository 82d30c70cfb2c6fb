//! The commands that talk to a server or run one: `serve`, `demo`, `keygen`, `file`, `export`.
//! Each returns the process exit status; errors are printed to standard error with their
//! context chain.

use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;
use wastetrail_ledger::statement::ParticipantSigner;
use wastetrail_server::{Application, Config};

use crate::cli::{
    DemoArgs, EXIT_INVALID, EXIT_OK, EXIT_REFUSED, EXIT_UNAVAILABLE, EXIT_UNVERIFIED, ExportArgs,
    FileArgs, KeygenArgs, ServeArgs,
};
use crate::client::{Client, ClientError};
use crate::filing::{self, StatementFile};
use crate::{demo, export, keys};

pub(crate) fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

pub(crate) fn fail(code: u8, err: &anyhow::Error) -> ExitCode {
    eprintln!("error: {err:#}");
    ExitCode::from(code)
}

/// Installs the log subscriber: to standard error (standard output carries the `listening on`
/// line and reports), level from `RUST_LOG` (default `info`), JSON lines when `json`, colours
/// only on a terminal.
pub fn init_tracing(json: bool) {
    use std::io::IsTerminal as _;
    use tracing_subscriber::EnvFilter;
    // Refused requests (4xx) are answers, not faults: tracing-actix-web would log each one as a
    // warning with its whole problem body, so by default only server errors (5xx) are logged
    // from that middleware. `RUST_LOG` overrides this.
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,tracing_actix_web=error"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    // An error means a subscriber is installed already, which is fine.
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

/// `wastetrail serve`.
pub fn serve(args: ServeArgs) -> ExitCode {
    init_tracing(args.log_json);
    match runtime().and_then(|rt| rt.block_on(serve_async(args))) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(1, &e),
    }
}

/// The configuration of `serve`: defaults, file, environment, then the options.
pub fn serve_config(args: &ServeArgs) -> anyhow::Result<Config> {
    let mut config = Config::load(args.config.as_deref()).context("invalid configuration")?;
    if let Some(l) = &args.listen {
        config.listen = l.clone();
    }
    if let Some(d) = &args.data_dir {
        config.data_dir = d.clone();
    }
    if let Some(u) = &args.database_url {
        config.database_url = Some(u.clone());
    }
    config.validate().context("invalid configuration")?;
    Ok(config)
}

async fn serve_async(args: ServeArgs) -> anyhow::Result<()> {
    let config = serve_config(&args)?;
    let listen = config.listen.clone();
    let app = Application::build(config)
        .await
        .context("cannot start the server")?;
    println!("listening on {}", demo::client_url(&listen, app.port()));
    let _ = std::io::stdout().flush();
    app.run_until_stopped().await.context("the server failed")
}

/// `wastetrail demo`.
pub fn demo(args: DemoArgs) -> ExitCode {
    init_tracing(false);
    let opts = demo::DemoOptions {
        dir: args.dir,
        listen: args.listen,
        no_serve: args.no_serve,
    };
    match runtime().and_then(|rt| rt.block_on(demo::run(opts))) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(1, &e),
    }
}

/// `wastetrail keygen`.
pub fn keygen(args: &KeygenArgs) -> ExitCode {
    let signer = wastetrail_ledger::statement::ParticipantSigner::generate();
    if let Err(e) = keys::write_signer(&args.out, &signer) {
        return fail(EXIT_INVALID, &e);
    }
    let d = keys::describe(&signer);
    if args.json {
        println!("{d}");
    } else {
        println!("wrote {} (PKCS#8 PEM, mode 0600)", args.out.display());
        println!(
            "public_key: {}",
            d["public_key"].as_str().unwrap_or_default()
        );
        println!("key_id:     {}", d["key_id"].as_str().unwrap_or_default());
        println!("for a registration body: \"key\": {d}");
    }
    ExitCode::SUCCESS
}

fn exit_of(e: &ClientError) -> u8 {
    match e {
        ClientError::Problem(p) if p.status >= 500 || p.status == 429 => EXIT_UNAVAILABLE,
        ClientError::Problem(_) => EXIT_REFUSED,
        ClientError::Transport(_) | ClientError::Unexpected { .. } => EXIT_UNAVAILABLE,
        ClientError::Verification(_) => EXIT_UNVERIFIED,
        ClientError::Invalid(_) => EXIT_INVALID,
    }
}

/// Prints a refusal in plain words: code, rule and citation, field errors.
fn explain(e: &ClientError) {
    match e.problem() {
        Some(p) => {
            eprintln!("refused: {} {} ({})", p.status, p.code, p.title);
            eprintln!("  {}", p.detail);
            if let Some(r) = &p.rule_id {
                eprintln!("  rule: {r}");
            }
            if let Some(c) = &p.citation {
                eprintln!("  legal basis: {c}");
            }
            for f in &p.errors {
                eprintln!("  field {}: {}", f.path, f.message);
            }
            if let Some(h) = &p.head {
                eprintln!(
                    "  case head now: {}",
                    h.as_deref().unwrap_or("(no entry yet)")
                );
            }
            if let Some(s) = p.retry_after {
                eprintln!("  retry after {s} s");
            }
        }
        None => eprintln!("error: {e}"),
    }
}

/// `wastetrail file`.
pub fn file(args: FileArgs) -> ExitCode {
    match runtime() {
        Ok(rt) => rt.block_on(file_async(args)),
        Err(e) => fail(EXIT_UNAVAILABLE, &e),
    }
}

async fn file_async(args: FileArgs) -> ExitCode {
    let text = match std::fs::read_to_string(&args.statement)
        .with_context(|| format!("cannot read {}", args.statement.display()))
    {
        Ok(t) => t,
        Err(e) => return fail(EXIT_INVALID, &e),
    };
    let input = match filing::parse_statement_file(&text)
        .with_context(|| format!("{}", args.statement.display()))
    {
        Ok(i) => i,
        Err(e) => return fail(EXIT_INVALID, &e),
    };
    let signer = match keys::read_signer(&args.key) {
        Ok(s) => s,
        Err(e) => return fail(EXIT_INVALID, &e),
    };
    let actor = match (&input, &args.actor) {
        (StatementFile::Signed(s), _) => s.signed.statement.actor().to_owned(),
        (StatementFile::Draft(d), Some(a)) => {
            if let Some(own) = &d.actor
                && own != a
            {
                return fail(
                    EXIT_INVALID,
                    &anyhow::anyhow!("the statement's actor is {own}, but --actor says {a}"),
                );
            }
            a.clone()
        }
        (StatementFile::Draft(d), None) => match &d.actor {
            Some(a) => a.clone(),
            None => {
                return fail(
                    EXIT_INVALID,
                    &anyhow::anyhow!("the statement names no actor: add \"actor\" or use --actor"),
                );
            }
        },
    };
    let result = async {
        let mut client = Client::connect(&args.server, args.log_key.as_deref()).await?;
        client.login(&actor, &signer).await?;
        match &input {
            StatementFile::Signed(s) => client.submit(s).await,
            StatementFile::Draft(d) => filing::file_draft(&client, &actor, &signer, d).await,
        }
    }
    .await;
    match result {
        Ok(r) => {
            if args.json {
                println!(
                    "{}",
                    serde_json::json!({
                        "accepted": true, "duplicate": r.duplicate, "index": r.index,
                        "leaf_hash": r.leaf_hash, "integrated_at": r.integrated_at,
                        "size": r.size, "checkpoint": r.checkpoint, "proof": r.proof,
                    })
                );
            } else {
                if r.duplicate {
                    println!("already in the log (the identical statement was accepted before)");
                } else {
                    println!("accepted");
                }
                println!("index:      {}", r.index);
                println!("leaf_hash:  {}", r.leaf_hash);
                println!("integrated: {}", r.integrated_at);
                println!(
                    "checkpoint: size {} (signature and inclusion proof verified)",
                    r.size
                );
            }
            ExitCode::from(EXIT_OK)
        }
        Err(e) => {
            if args.json
                && let Some(p) = e.problem()
            {
                println!(
                    "{}",
                    serde_json::json!({
                        "accepted": false, "status": p.status, "code": p.code, "detail": p.detail,
                        "rule_id": p.rule_id, "citation": p.citation,
                        "errors": p.errors.iter().map(|f| serde_json::json!({"path": f.path, "message": f.message})).collect::<Vec<_>>(),
                    })
                );
            }
            explain(&e);
            ExitCode::from(exit_of(&e))
        }
    }
}

fn registrar_arg(args: &ExportArgs) -> anyhow::Result<Option<export::Registrar>> {
    let Some(k) = &args.registrar_key else {
        return Ok(None);
    };
    let text = if Path::new(k).is_file() {
        std::fs::read_to_string(k).with_context(|| format!("cannot read {k}"))?
    } else {
        k.clone()
    };
    let key = wastetrail_ledger::statement::ParticipantPublicKey::parse_base64(text.trim())
        .context("--registrar-key is not a base64 Ed25519 public key (or a file holding one)")?;
    Ok(Some(export::Registrar {
        id: args.registrar_id.clone(),
        public_key: key.to_base64(),
        source: "operator",
    }))
}

/// A client of `server` (log key pinned if given), logged in as `login` if given.
pub(crate) async fn connect_as(
    server: &str,
    log_key: Option<&str>,
    login: Option<&(String, ParticipantSigner)>,
) -> anyhow::Result<Client> {
    let mut client = Client::connect(server, log_key).await?;
    if let Some((p, s)) = login {
        client
            .login(p, s)
            .await
            .with_context(|| format!("login of {p}"))?;
    }
    Ok(client)
}

/// `wastetrail export`.
pub fn export(args: ExportArgs) -> ExitCode {
    match runtime() {
        Ok(rt) => rt.block_on(export_async(args)),
        Err(e) => fail(EXIT_UNAVAILABLE, &e),
    }
}

async fn export_async(args: ExportArgs) -> ExitCode {
    let registrar = match registrar_arg(&args) {
        Ok(r) => r,
        Err(e) => return fail(EXIT_INVALID, &e),
    };
    let login = match (&args.key, &args.participant) {
        (Some(k), Some(p)) => match keys::read_signer(k) {
            Ok(s) => Some((p.clone(), s)),
            Err(e) => return fail(EXIT_INVALID, &e),
        },
        _ => {
            return fail(
                EXIT_INVALID,
                &anyhow::anyhow!(
                    "statements are disclosed only to those entitled: give --key and \
                     --participant (an auditor for the whole log, a participant of the case \
                     for --case); the public can verify the log from its hash tiles and proofs"
                ),
            );
        }
    };
    let scope = match &args.case {
        Some(c) => export::Scope::Case(c.clone()),
        None => export::Scope::Log,
    };
    let movement = match args
        .movement
        .as_deref()
        .map(wastetrail_ledger::merkle::hash_from_hex)
    {
        None => None,
        Some(Ok(h)) => Some(h),
        Some(Err(_)) => {
            return fail(
                EXIT_INVALID,
                &anyhow::anyhow!("--movement is not a leaf hash (64 hex digits)"),
            );
        }
    };
    let result: Result<serde_json::Value, anyhow::Error> = async {
        let client = connect_as(&args.server, args.log_key.as_deref(), login.as_ref()).await?;
        if movement.is_some() || args.evidence {
            export::evidence(
                &client,
                args.case.as_deref(),
                movement,
                registrar,
                &args.registrar_country,
            )
            .await
        } else {
            export::export(&client, &scope, registrar).await
        }
    }
    .await;
    let bundle = match result {
        Ok(b) => b,
        Err(e) => {
            let code = match e.downcast_ref::<ClientError>() {
                Some(ClientError::Invalid(_)) => EXIT_INVALID,
                Some(ClientError::Verification(_)) | None => EXIT_REFUSED,
                Some(_) => EXIT_UNAVAILABLE,
            };
            return fail(code, &e);
        }
    };
    let text = match serde_json::to_string_pretty(&bundle) {
        Ok(t) => t + "\n",
        Err(e) => return fail(EXIT_INVALID, &anyhow::Error::from(e)),
    };
    let entries = bundle["entries"]
        .as_array()
        .or_else(|| bundle["proofs"].as_array())
        .map_or(0, Vec::len);
    match &args.out {
        Some(path) => {
            if let Err(e) = std::fs::write(path, text)
                .with_context(|| format!("cannot write {}", path.display()))
            {
                return fail(EXIT_INVALID, &e);
            }
            if bundle["format"] == wastetrail_verify::proven::EVIDENCE_FORMAT {
                eprintln!(
                    "wrote {} (evidence of case {}: {} entries, each a C2SP tlog-proof; verified offline before writing)",
                    path.display(),
                    bundle["case"].as_str().unwrap_or("?"),
                    entries
                );
            } else {
                eprintln!(
                    "wrote {} ({} entries of a log of size {}, checkpoint verified)",
                    path.display(),
                    entries,
                    bundle["size"]
                );
            }
        }
        None => {
            let mut out = std::io::stdout().lock();
            if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                return fail(EXIT_UNAVAILABLE, &anyhow::Error::from(e));
            }
        }
    }
    ExitCode::from(EXIT_OK)
}

/// `wastetrail mirror`.
pub fn mirror(args: crate::cli::MirrorArgs) -> ExitCode {
    let login = match (&args.key, &args.participant) {
        (Some(k), Some(p)) => match keys::read_signer(k) {
            Ok(s) => Some((p.clone(), s)),
            Err(e) => return fail(EXIT_INVALID, &e),
        },
        _ => None,
    };
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(e) => return fail(EXIT_UNAVAILABLE, &e),
    };
    let result = rt.block_on(async {
        let client = connect_as(&args.server, args.log_key.as_deref(), login.as_ref()).await?;
        crate::audit::mirror(&client, &args.out).await
    });
    match result {
        Ok(s) => {
            println!(
                "mirrored a log of {} entries into {}: {} hash tiles and {} entry bundles fetched, {} disclosures{}",
                s.size,
                args.out.display(),
                s.tiles_fetched,
                s.bundles_fetched,
                s.disclosures,
                if s.entries {
                    ""
                } else {
                    " (entry bundles are for auditors: this mirror holds hash tiles only)"
                }
            );
            ExitCode::from(EXIT_OK)
        }
        Err(e) => {
            let code = match e.downcast_ref::<ClientError>() {
                Some(ClientError::Verification(_)) => EXIT_REFUSED,
                Some(ClientError::Invalid(_)) => EXIT_INVALID,
                _ if crate::audit::is_unavailable(&e) => EXIT_UNAVAILABLE,
                _ => EXIT_INVALID,
            };
            fail(code, &e)
        }
    }
}
