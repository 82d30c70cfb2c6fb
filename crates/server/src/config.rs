//! Configuration: defaults, an optional TOML file and `WASTETRAIL_*` environment variables
//! (in that order of precedence, the environment winning), and the key files of the data
//! directory.
//!
//! This is a small hand-written layer rather than the `config` crate: the server has about
//! twenty flat settings, each is read by name from exactly one file key and one environment
//! variable (listed in `docs/api.md`), an error names the exact variable or key that is wrong,
//! and unknown file keys are refused instead of being silently ignored.

use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine as _;
use serde::Deserialize;
use wastetrail_basel::{CountryCode, REGISTRY_CASE};
use wastetrail_ledger::note::NoteSigner;
use wastetrail_ledger::statement::{ParticipantPublicKey, ParticipantSigner};

/// Errors of configuration and key files.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The configuration file could not be read.
    #[error("cannot read configuration file {path}: {source}")]
    ReadFile {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The configuration file is not valid TOML for this configuration.
    #[error("invalid configuration file: {0}")]
    File(String),
    /// A setting has an invalid value.
    #[error("invalid value for {name}: {reason}")]
    Invalid {
        /// The file key or environment variable.
        name: String,
        /// What is wrong.
        reason: String,
    },
    /// A key file could not be read, created or parsed.
    #[error("key file {path}: {reason}")]
    KeyFile {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
}

/// The server configuration. [`Config::default`] works without any file: everything lives in
/// `./wastetrail-data`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// Address to listen on (`host:port`; port 0 picks a free port). Default `127.0.0.1:8080`.
    pub listen: String,
    /// Directory for the SQLite database and the key files. Default `./wastetrail-data`.
    pub data_dir: PathBuf,
    /// Database URL; default `sqlite:<data_dir>/wastetrail.db`. `postgres://...` for
    /// PostgreSQL.
    pub database_url: Option<String>,
    /// The log's private key file (note `PRIVATE+KEY+...` text or PKCS#8 PEM); default
    /// `<data_dir>/log.key`, generated on first start with permissions 0600.
    pub log_key_file: Option<PathBuf>,
    /// The log origin (checkpoint name). Default `localhost/wastetrail`.
    pub origin: String,
    /// The registrar's participant id. Default `registrar`.
    pub registrar_id: String,
    /// The registrar's country (ISO 3166-1 alpha-2 or user-assigned). Default `ZZ`.
    pub registrar_country: String,
    /// The registrar's name. Default `Registrar`.
    pub registrar_name: String,
    /// The registrar's Ed25519 public key (standard base64 of 32 bytes), the root of trust.
    /// When unset, `<data_dir>/registrar.pub` is read; when that is missing too, a registrar key
    /// pair is generated into `<data_dir>/registrar.pem` (0600, to be moved offline) and
    /// `<data_dir>/registrar.pub`.
    pub registrar_public_key: Option<String>,
    /// Optional JSON file of country-fact overrides (`wastetrail-facts/1`).
    pub facts_file: Option<PathBuf>,
    /// Lifetime of a login challenge. Default 120 s.
    pub challenge_ttl: Duration,
    /// Lifetime of a session. Default 8 h.
    pub session_ttl: Duration,
    /// Largest request body. Default 65536 bytes.
    pub max_body_bytes: usize,
    /// Time limit of one request (long polls excepted). Default 30 s.
    pub request_timeout: Duration,
    /// Longest wait of a long poll on `/api/v1/events`. Default 25 s.
    pub long_poll_max: Duration,
    /// Filings and logins per participant per minute (token bucket refill). Default 120.
    pub rate_limit_per_minute: u32,
    /// Burst size of the per-participant token bucket. Default 30.
    pub rate_limit_burst: u32,
    /// Largest accepted difference between a statement's `issued_at` and the server clock.
    /// Default 300 s.
    pub max_clock_skew: Duration,
    /// Mark the session cookie `Secure` (set when served over HTTPS). Default false.
    pub cookie_secure: bool,
    /// Most login challenges pending at once; when full, `POST /api/v1/login/challenge`
    /// answers 503 with `Retry-After`. Default 10000.
    pub max_pending_challenges: usize,
    /// Login challenges per client address per minute (token bucket refill). Default 120.
    pub challenge_rate_per_minute: u32,
    /// Burst size of the per-address challenge bucket. Default 60.
    pub challenge_rate_burst: u32,
    /// Take the client address from `Forwarded` / `X-Forwarded-For` (set only behind a
    /// reverse proxy that overwrites them); otherwise the peer address of the connection is
    /// used. Default false.
    pub trust_proxy_headers: bool,
    /// HTTP worker threads; default: the number of CPUs.
    pub workers: Option<usize>,
    /// How long personal data (contact persons in statement bodies) is kept after the
    /// statement's integration before it is erased (docs/privacy.md). Default 1,826 days
    /// (five years: Regulation (EU) 2024/1157 Art. 20 [M]).
    pub personal_data_retention: Duration,
    /// How often the server looks for personal data past its retention. Default 1 hour.
    pub erasure_interval: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("wastetrail-data"),
            database_url: None,
            log_key_file: None,
            origin: "localhost/wastetrail".into(),
            registrar_id: "registrar".into(),
            registrar_country: "ZZ".into(),
            registrar_name: "Registrar".into(),
            registrar_public_key: None,
            facts_file: None,
            challenge_ttl: Duration::from_secs(120),
            session_ttl: Duration::from_secs(8 * 3600),
            // A submission is the signed statement plus the disclosure of its body.
            max_body_bytes: 128 * 1024,
            request_timeout: Duration::from_secs(30),
            long_poll_max: Duration::from_secs(25),
            rate_limit_per_minute: 120,
            rate_limit_burst: 30,
            max_clock_skew: Duration::from_secs(300),
            cookie_secure: false,
            max_pending_challenges: 10_000,
            challenge_rate_per_minute: 120,
            challenge_rate_burst: 60,
            trust_proxy_headers: false,
            workers: None,
            personal_data_retention: Duration::from_secs(1826 * 86_400),
            erasure_interval: Duration::from_secs(3600),
        }
    }
}

/// The configuration file: every key optional, unknown keys refused.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<String>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    log_key_file: Option<PathBuf>,
    origin: Option<String>,
    registrar_id: Option<String>,
    registrar_country: Option<String>,
    registrar_name: Option<String>,
    registrar_public_key: Option<String>,
    facts_file: Option<PathBuf>,
    challenge_ttl_secs: Option<u64>,
    session_ttl_secs: Option<u64>,
    max_body_bytes: Option<usize>,
    request_timeout_secs: Option<u64>,
    long_poll_max_secs: Option<u64>,
    rate_limit_per_minute: Option<u32>,
    rate_limit_burst: Option<u32>,
    max_clock_skew_secs: Option<u64>,
    cookie_secure: Option<bool>,
    max_pending_challenges: Option<usize>,
    challenge_rate_per_minute: Option<u32>,
    challenge_rate_burst: Option<u32>,
    trust_proxy_headers: Option<bool>,
    workers: Option<usize>,
    personal_data_retention_days: Option<u64>,
    erasure_interval_secs: Option<u64>,
}

fn parse_env<T: std::str::FromStr>(name: &str, v: &str) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    v.trim().parse::<T>().map_err(|e| ConfigError::Invalid {
        name: name.to_owned(),
        reason: e.to_string(),
    })
}

impl Config {
    /// Defaults with everything in `data_dir`.
    pub fn for_data_dir(data_dir: impl Into<PathBuf>) -> Config {
        Config {
            data_dir: data_dir.into(),
            ..Config::default()
        }
    }

    /// Loads the configuration: defaults, then the TOML file (if given), then the process's
    /// `WASTETRAIL_*` environment variables.
    pub fn load(file: Option<&Path>) -> Result<Config, ConfigError> {
        let text = match file {
            Some(p) => {
                Some(
                    std::fs::read_to_string(p).map_err(|source| ConfigError::ReadFile {
                        path: p.to_owned(),
                        source,
                    })?,
                )
            }
            None => None,
        };
        Config::from_sources(text.as_deref(), |k| std::env::var(k).ok())
    }

    /// Builds a configuration from file text (TOML) and an environment lookup function.
    pub fn from_sources(
        file_text: Option<&str>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let f: FileConfig = match file_text {
            Some(t) => toml::from_str(t).map_err(|e| ConfigError::File(e.to_string()))?,
            None => FileConfig::default(),
        };
        let mut c = Config::default();
        macro_rules! set {
            ($field:ident, $val:expr) => {
                if let Some(v) = $val {
                    c.$field = v;
                }
            };
        }
        set!(listen, f.listen);
        set!(data_dir, f.data_dir);
        c.database_url = f.database_url;
        c.log_key_file = f.log_key_file;
        set!(origin, f.origin);
        set!(registrar_id, f.registrar_id);
        set!(registrar_country, f.registrar_country);
        set!(registrar_name, f.registrar_name);
        c.registrar_public_key = f.registrar_public_key;
        c.facts_file = f.facts_file;
        set!(challenge_ttl, f.challenge_ttl_secs.map(Duration::from_secs));
        set!(session_ttl, f.session_ttl_secs.map(Duration::from_secs));
        set!(max_body_bytes, f.max_body_bytes);
        set!(
            request_timeout,
            f.request_timeout_secs.map(Duration::from_secs)
        );
        set!(long_poll_max, f.long_poll_max_secs.map(Duration::from_secs));
        set!(rate_limit_per_minute, f.rate_limit_per_minute);
        set!(rate_limit_burst, f.rate_limit_burst);
        set!(
            max_clock_skew,
            f.max_clock_skew_secs.map(Duration::from_secs)
        );
        set!(cookie_secure, f.cookie_secure);
        set!(max_pending_challenges, f.max_pending_challenges);
        set!(challenge_rate_per_minute, f.challenge_rate_per_minute);
        set!(challenge_rate_burst, f.challenge_rate_burst);
        set!(trust_proxy_headers, f.trust_proxy_headers);
        c.workers = f.workers.or(c.workers);
        set!(
            personal_data_retention,
            f.personal_data_retention_days
                .map(|d| Duration::from_secs(d.saturating_mul(86_400)))
        );
        set!(
            erasure_interval,
            f.erasure_interval_secs.map(Duration::from_secs)
        );

        let get = |k: &str| env(k).filter(|v| !v.is_empty());
        if let Some(v) = get("WASTETRAIL_LISTEN") {
            c.listen = v;
        }
        if let Some(v) = get("WASTETRAIL_DATA_DIR") {
            c.data_dir = PathBuf::from(v);
        }
        if let Some(v) = get("WASTETRAIL_DATABASE_URL") {
            c.database_url = Some(v);
        }
        if let Some(v) = get("WASTETRAIL_LOG_KEY_FILE") {
            c.log_key_file = Some(PathBuf::from(v));
        }
        if let Some(v) = get("WASTETRAIL_ORIGIN") {
            c.origin = v;
        }
        if let Some(v) = get("WASTETRAIL_REGISTRAR_ID") {
            c.registrar_id = v;
        }
        if let Some(v) = get("WASTETRAIL_REGISTRAR_COUNTRY") {
            c.registrar_country = v;
        }
        if let Some(v) = get("WASTETRAIL_REGISTRAR_NAME") {
            c.registrar_name = v;
        }
        if let Some(v) = get("WASTETRAIL_REGISTRAR_PUBLIC_KEY") {
            c.registrar_public_key = Some(v);
        }
        if let Some(v) = get("WASTETRAIL_FACTS_FILE") {
            c.facts_file = Some(PathBuf::from(v));
        }
        let secs = |name: &str| -> Result<Option<Duration>, ConfigError> {
            get(name)
                .map(|v| parse_env::<u64>(name, &v).map(Duration::from_secs))
                .transpose()
        };
        set!(challenge_ttl, secs("WASTETRAIL_CHALLENGE_TTL_SECS")?);
        set!(session_ttl, secs("WASTETRAIL_SESSION_TTL_SECS")?);
        set!(request_timeout, secs("WASTETRAIL_REQUEST_TIMEOUT_SECS")?);
        set!(long_poll_max, secs("WASTETRAIL_LONG_POLL_MAX_SECS")?);
        set!(max_clock_skew, secs("WASTETRAIL_MAX_CLOCK_SKEW_SECS")?);
        set!(erasure_interval, secs("WASTETRAIL_ERASURE_INTERVAL_SECS")?);
        if let Some(v) = get("WASTETRAIL_PERSONAL_DATA_RETENTION_DAYS") {
            let days: u64 = parse_env("WASTETRAIL_PERSONAL_DATA_RETENTION_DAYS", &v)?;
            c.personal_data_retention = Duration::from_secs(days.saturating_mul(86_400));
        }
        if let Some(v) = get("WASTETRAIL_MAX_BODY_BYTES") {
            c.max_body_bytes = parse_env("WASTETRAIL_MAX_BODY_BYTES", &v)?;
        }
        if let Some(v) = get("WASTETRAIL_RATE_LIMIT_PER_MINUTE") {
            c.rate_limit_per_minute = parse_env("WASTETRAIL_RATE_LIMIT_PER_MINUTE", &v)?;
        }
        if let Some(v) = get("WASTETRAIL_RATE_LIMIT_BURST") {
            c.rate_limit_burst = parse_env("WASTETRAIL_RATE_LIMIT_BURST", &v)?;
        }
        if let Some(v) = get("WASTETRAIL_COOKIE_SECURE") {
            c.cookie_secure = parse_env("WASTETRAIL_COOKIE_SECURE", &v)?;
        }
        if let Some(v) = get("WASTETRAIL_MAX_PENDING_CHALLENGES") {
            c.max_pending_challenges = parse_env("WASTETRAIL_MAX_PENDING_CHALLENGES", &v)?;
        }
        if let Some(v) = get("WASTETRAIL_CHALLENGE_RATE_PER_MINUTE") {
            c.challenge_rate_per_minute = parse_env("WASTETRAIL_CHALLENGE_RATE_PER_MINUTE", &v)?;
        }
        if let Some(v) = get("WASTETRAIL_CHALLENGE_RATE_BURST") {
            c.challenge_rate_burst = parse_env("WASTETRAIL_CHALLENGE_RATE_BURST", &v)?;
        }
        if let Some(v) = get("WASTETRAIL_TRUST_PROXY_HEADERS") {
            c.trust_proxy_headers = parse_env("WASTETRAIL_TRUST_PROXY_HEADERS", &v)?;
        }
        if let Some(v) = get("WASTETRAIL_WORKERS") {
            c.workers = Some(parse_env("WASTETRAIL_WORKERS", &v)?);
        }
        c.validate()?;
        Ok(c)
    }

    /// Checks the values that can be checked without touching the disk.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let bad = |name: &str, reason: &str| ConfigError::Invalid {
            name: name.into(),
            reason: reason.into(),
        };
        if self.max_body_bytes < 1024 {
            return Err(bad("max_body_bytes", "must be at least 1024"));
        }
        if self.rate_limit_per_minute == 0 || self.rate_limit_burst == 0 {
            return Err(bad(
                "rate_limit",
                "per-minute rate and burst must be at least 1",
            ));
        }
        if self.challenge_rate_per_minute == 0 || self.challenge_rate_burst == 0 {
            return Err(bad(
                "challenge_rate",
                "per-minute rate and burst must be at least 1",
            ));
        }
        if self.max_pending_challenges == 0 {
            return Err(bad("max_pending_challenges", "must be at least 1"));
        }
        if self.challenge_ttl.is_zero() || self.session_ttl.is_zero() {
            return Err(bad(
                "ttl",
                "challenge and session lifetimes must be positive",
            ));
        }
        if self.workers == Some(0) {
            return Err(bad("workers", "must be at least 1"));
        }
        CountryCode::parse(&self.registrar_country)
            .map_err(|e| bad("registrar_country", &e.to_string()))?;
        if self.registrar_id.is_empty() || self.registrar_id == REGISTRY_CASE {
            return Err(bad(
                "registrar_id",
                &format!("must be a non-empty id other than {REGISTRY_CASE:?}"),
            ));
        }
        Ok(())
    }

    /// The database URL in effect.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(u) => u.clone(),
            None => format!("sqlite:{}", self.data_dir.join("wastetrail.db").display()),
        }
    }

    /// The log key file in effect.
    pub fn log_key_path(&self) -> PathBuf {
        self.log_key_file
            .clone()
            .unwrap_or_else(|| self.data_dir.join("log.key"))
    }
}

/// Writes `contents` to a NEW file at `path` with permissions 0600 (on Unix), creating its
/// parent directories, and syncs it to disk; refuses to overwrite an existing file
/// (`ErrorKind::AlreadyExists`). The one writer of private key files: the log key and the
/// registrar key here, participant keys in `wastetrail keygen` and `demo`.
pub fn write_private_file(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(contents)?;
    f.sync_all()
}

fn key_err(path: &Path, reason: impl std::fmt::Display) -> ConfigError {
    ConfigError::KeyFile {
        path: path.to_owned(),
        reason: reason.to_string(),
    }
}

/// Loads the log's signing key from `path`, or generates one (note `PRIVATE+KEY+...` text,
/// permissions 0600) when the file does not exist. The key name must be `origin`.
pub fn load_or_create_log_key(path: &Path, origin: &str) -> Result<NoteSigner, ConfigError> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let text = text.trim();
            #[cfg(unix)]
            if let Ok(meta) = std::fs::metadata(path) {
                use std::os::unix::fs::PermissionsExt as _;
                if meta.permissions().mode() & 0o077 != 0 {
                    tracing::warn!(path = %path.display(), "log key file is readable by others; chmod 600 it");
                }
            }
            let signer = if text.starts_with("-----BEGIN") {
                NoteSigner::from_pkcs8_pem(origin, text).map_err(|e| key_err(path, e))?
            } else {
                NoteSigner::parse(text).map_err(|e| key_err(path, e))?
            };
            if signer.name() != origin {
                return Err(key_err(
                    path,
                    format!("key name {:?} is not the origin {origin:?}", signer.name()),
                ));
            }
            Ok(signer)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let (signer, skey) = NoteSigner::generate(origin);
            write_private_file(path, format!("{skey}\n").as_bytes())
                .map_err(|e| key_err(path, e))?;
            tracing::info!(path = %path.display(), vkey = %signer.verifier().to_vkey(), "generated a new log key");
            Ok(signer)
        }
        Err(e) => Err(key_err(path, e)),
    }
}

/// The registrar's public key: from the configuration, else `<data_dir>/registrar.pub`, else a
/// newly generated key pair in the data directory (`registrar.pem`, 0600, and `registrar.pub`).
pub fn registrar_public_key(config: &Config) -> Result<ParticipantPublicKey, ConfigError> {
    if let Some(k) = &config.registrar_public_key {
        return ParticipantPublicKey::parse_base64(k.trim()).map_err(|e| ConfigError::Invalid {
            name: "registrar_public_key".into(),
            reason: e.to_string(),
        });
    }
    let pub_path = config.data_dir.join("registrar.pub");
    match std::fs::read_to_string(&pub_path) {
        Ok(text) => {
            ParticipantPublicKey::parse_base64(text.trim()).map_err(|e| key_err(&pub_path, e))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(&config.data_dir).map_err(|e| key_err(&config.data_dir, e))?;
            let signer = ParticipantSigner::generate();
            let pem_path = config.data_dir.join("registrar.pem");
            let pem = signer.to_pkcs8_pem().map_err(|e| key_err(&pem_path, e))?;
            write_private_file(&pem_path, pem.as_bytes()).map_err(|e| key_err(&pem_path, e))?;
            let public = signer.public_key();
            std::fs::write(&pub_path, format!("{}\n", public.to_base64()))
                .map_err(|e| key_err(&pub_path, e))?;
            tracing::warn!(
                path = %pem_path.display(),
                "generated a registrar key pair; move the private key offline"
            );
            Ok(public)
        }
        Err(e) => Err(key_err(&pub_path, e)),
    }
}

/// Standard base64 (used for keys and signatures in the API).
pub(crate) const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// Decodes standard base64.
pub(crate) fn b64_decode(s: &str) -> Option<Vec<u8>> {
    B64.decode(s).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_overrides_file_and_defaults() {
        let file = "origin = \"example.org/log\"\nsession_ttl_secs = 60\nrate_limit_burst = 5\n";
        let c = Config::from_sources(Some(file), |k| match k {
            "WASTETRAIL_SESSION_TTL_SECS" => Some("7".into()),
            "WASTETRAIL_DATA_DIR" => Some("/tmp/x".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(c.origin, "example.org/log");
        assert_eq!(c.session_ttl, Duration::from_secs(7));
        assert_eq!(c.rate_limit_burst, 5);
        assert_eq!(c.database_url(), "sqlite:/tmp/x/wastetrail.db");
        assert_eq!(c.listen, "127.0.0.1:8080");
        assert_eq!(c.max_pending_challenges, 10_000);
        assert!(!c.trust_proxy_headers);
        let c = Config::from_sources(Some("max_pending_challenges = 50\n"), |k| {
            (k == "WASTETRAIL_TRUST_PROXY_HEADERS").then(|| "true".into())
        })
        .unwrap();
        assert_eq!(c.max_pending_challenges, 50);
        assert!(c.trust_proxy_headers);
    }

    #[test]
    fn bad_values_are_named() {
        let e = Config::from_sources(None, |k| {
            (k == "WASTETRAIL_SESSION_TTL_SECS").then(|| "soon".into())
        })
        .unwrap_err();
        assert!(e.to_string().contains("WASTETRAIL_SESSION_TTL_SECS"), "{e}");
        let e = Config::from_sources(Some("colour = 1\n"), |_| None).unwrap_err();
        assert!(e.to_string().contains("colour"), "{e}");
    }

    #[test]
    fn log_key_is_generated_private_and_reloaded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys/log.key");
        let a = load_or_create_log_key(&path, "example.org/log").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let b = load_or_create_log_key(&path, "example.org/log").unwrap();
        assert_eq!(a.verifier().to_vkey(), b.verifier().to_vkey());
        assert!(load_or_create_log_key(&path, "other.org/log").is_err());
    }

    #[test]
    fn a_private_file_is_new_0600_and_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/secret");
        write_private_file(&path, b"one").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let e = write_private_file(&path, b"two").unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
    }
}
