//! Test harness shared by the integration tests: a fresh database per test (an SQLite file
//! in a temporary directory, or a fresh PostgreSQL database of the workspace's one harness,
//! `wastetrail_e2e::pg`, dropped afterwards), raw SQL access and a log signer.

#![allow(dead_code)]

use std::str::FromStr as _;

use sqlx::{Connection as _, Executor as _};
use wastetrail_e2e::pg::FreshDatabase;
use wastetrail_ledger::note::{NoteSigner, NoteVerifier};
use wastetrail_store::{StoreConfig, StoreError};

/// Origin of the test logs (also the log key's name).
pub const ORIGIN: &str = "wastetrail.test/log";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

/// One fresh database and the log key used with it.
pub struct TestDb {
    pub kind: Kind,
    pub url: String,
    pub skey: String,
    _dir: Option<tempfile::TempDir>,
    /// The PostgreSQL database (dropped with the `TestDb`).
    _pg: Option<FreshDatabase>,
}

impl TestDb {
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite:{}", dir.path().join("log.db").display());
        Self {
            kind: Kind::Sqlite,
            url,
            skey: NoteSigner::generate(ORIGIN).1,
            _dir: Some(dir),
            _pg: None,
        }
    }

    /// A fresh PostgreSQL database, or `None` (saying so) when `WASTETRAIL_TEST_PG_URL` is not
    /// set.
    pub fn postgres() -> Option<Self> {
        let pg = FreshDatabase::create("this store test")?;
        Some(Self {
            kind: Kind::Postgres,
            url: pg.url().to_owned(),
            skey: NoteSigner::generate(ORIGIN).1,
            _dir: None,
            _pg: Some(pg),
        })
    }

    pub fn signer(&self) -> NoteSigner {
        NoteSigner::parse(&self.skey).unwrap()
    }

    pub fn verifier(&self) -> NoteVerifier {
        self.signer().verifier()
    }

    pub fn config(&self) -> StoreConfig {
        StoreConfig::new(ORIGIN)
    }

    pub async fn open(&self) -> wastetrail_store::Store {
        self.open_with(self.config()).await.unwrap()
    }

    pub async fn open_with(
        &self,
        config: StoreConfig,
    ) -> Result<wastetrail_store::Store, StoreError> {
        wastetrail_store::open(&self.url, self.signer(), config).await
    }

    /// Runs one raw SQL statement outside the store.
    pub async fn raw_execute(&self, sql: &str) -> Result<u64, sqlx::Error> {
        match self.kind {
            Kind::Sqlite => {
                let mut c = sqlx::SqliteConnection::connect(&self.url).await?;
                let r = c.execute(sql).await.map(|r| r.rows_affected());
                c.close().await?;
                r
            }
            Kind::Postgres => {
                let mut c = sqlx::PgConnection::connect(&self.url).await?;
                let r = c.execute(sql).await.map(|r| r.rows_affected());
                c.close().await?;
                r
            }
        }
    }

    /// Runs a raw query returning one i64.
    pub async fn raw_i64(&self, sql: &str) -> i64 {
        match self.kind {
            Kind::Sqlite => {
                let mut c = sqlx::SqliteConnection::connect(&self.url).await.unwrap();
                sqlx::query_scalar(sql).fetch_one(&mut c).await.unwrap()
            }
            Kind::Postgres => {
                let mut c = sqlx::PgConnection::connect(&self.url).await.unwrap();
                sqlx::query_scalar(sql).fetch_one(&mut c).await.unwrap()
            }
        }
    }

    /// Takes the log's write lock from outside the store (the lock its writer needs), until
    /// the guard is released.
    pub async fn hold_write_lock(&self) -> LockGuard {
        match self.kind {
            Kind::Sqlite => {
                let opts = sqlx::sqlite::SqliteConnectOptions::from_str(&self.url).unwrap();
                let mut c = sqlx::SqliteConnection::connect_with(&opts).await.unwrap();
                c.execute("BEGIN IMMEDIATE").await.unwrap();
                LockGuard::Sqlite(c)
            }
            Kind::Postgres => {
                let mut c = sqlx::PgConnection::connect(&self.url).await.unwrap();
                c.execute("BEGIN").await.unwrap();
                c.execute("SELECT size FROM log_state WHERE id = 1 FOR UPDATE")
                    .await
                    .unwrap();
                LockGuard::Postgres(c)
            }
        }
    }
}

pub enum LockGuard {
    Sqlite(sqlx::SqliteConnection),
    Postgres(sqlx::PgConnection),
}

impl LockGuard {
    pub async fn release(self) {
        match self {
            LockGuard::Sqlite(mut c) => {
                c.execute("ROLLBACK").await.unwrap();
                c.close().await.unwrap();
            }
            LockGuard::Postgres(mut c) => {
                c.execute("ROLLBACK").await.unwrap();
                c.close().await.unwrap();
            }
        }
    }
}

/// `n` distinct test entries, tagged so that different runs differ.
pub fn entries(tag: &str, n: usize) -> Vec<Vec<u8>> {
    (0..n)
        .map(|i| format!("{{\"test\":\"{tag}\",\"n\":{i}}}").into_bytes())
        .collect()
}
