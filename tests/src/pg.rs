//! The one fresh-PostgreSQL harness of the workspace's tests: a randomly named database on the
//! server named by `WASTETRAIL_TEST_PG_URL`, created for one test and dropped when the handle
//! is dropped (also when the test panics).
//!
//! Used by the end-to-end tests of this package, the server's API tests and the store's
//! conformance tests and benchmark (both dev-depend on this package). Without
//! `WASTETRAIL_TEST_PG_URL` (or with it empty) [`FreshDatabase::create`] returns `None` and says
//! on standard error which PostgreSQL run is skipped.
//!
//! The handle is synchronous: creating and dropping run on a helper thread with a runtime of
//! its own, so it works the same from a plain `#[test]`, from inside a tokio or actix runtime,
//! and in `Drop`, which cannot await.

use rand::Rng as _;
use sqlx::{Connection as _, Executor as _};

/// The environment variable with the URL of the PostgreSQL server the tests may use. Its
/// database is only the entry point: every test gets a fresh database of its own.
pub const PG_URL_ENV: &str = "WASTETRAIL_TEST_PG_URL";

/// The PostgreSQL server URL of the tests, if `WASTETRAIL_TEST_PG_URL` is set and not empty.
pub fn server_url() -> Option<String> {
    std::env::var(PG_URL_ENV).ok().filter(|u| !u.is_empty())
}

/// A randomly named, empty PostgreSQL database, dropped (`WITH (FORCE)`) on drop.
#[derive(Debug)]
pub struct FreshDatabase {
    admin_url: String,
    name: String,
    url: String,
}

impl FreshDatabase {
    /// Creates a fresh database on the server of `WASTETRAIL_TEST_PG_URL`; `None`, after saying
    /// on standard error that `what` is skipped on PostgreSQL, when the variable is not set.
    ///
    /// # Panics
    /// When the server cannot be reached or refuses to create the database: a set
    /// `WASTETRAIL_TEST_PG_URL` that does not work is a failing test, not a skipped one.
    pub fn create(what: &str) -> Option<FreshDatabase> {
        let Some(admin_url) = server_url() else {
            eprintln!("{PG_URL_ENV} is not set: {what} on PostgreSQL is skipped");
            return None;
        };
        let name = format!("wt_test_{:016x}", rand::thread_rng().r#gen::<u64>());
        let sql = format!("CREATE DATABASE {name}");
        if let Err(e) = on_helper_thread(admin_url.clone(), sql) {
            panic!("cannot create the test database {name} on {admin_url}: {e}");
        }
        Some(FreshDatabase {
            url: url_with_database(&admin_url, &name),
            admin_url,
            name,
        })
    }

    /// The URL of the fresh database.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Its name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for FreshDatabase {
    fn drop(&mut self) {
        // Never panic here: this also runs while a failed assertion unwinds. FORCE ends the
        // connections a killed server process or a leaked pool may have left.
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        if let Err(e) = on_helper_thread(self.admin_url.clone(), sql) {
            eprintln!("could not drop the test database {}: {e}", self.name);
        }
    }
}

/// Runs one SQL statement on the server's entry database, from a thread with its own runtime.
fn on_helper_thread(admin_url: String, sql: String) -> Result<(), String> {
    let worker = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        rt.block_on(async move {
            let mut admin = sqlx::PgConnection::connect(&admin_url)
                .await
                .map_err(|e| e.to_string())?;
            let done = admin.execute(sql.as_str()).await.map(|_| ());
            let _ = admin.close().await;
            done.map_err(|e| e.to_string())
        })
    });
    worker
        .join()
        .unwrap_or_else(|_| Err("the helper thread panicked".into()))
}

/// Replaces the database name of a PostgreSQL URL (keeping user, host, port and query).
pub fn url_with_database(url: &str, database: &str) -> String {
    let (main, query) = match url.split_once('?') {
        Some((m, q)) => (m, format!("?{q}")),
        None => (url, String::new()),
    };
    let authority_start = main.find("://").map_or(0, |i| i + 3);
    let host_end = main
        .get(authority_start..)
        .and_then(|rest| rest.find('/'))
        .map_or(main.len(), |i| authority_start + i);
    format!("{}/{database}{query}", main.get(..host_end).unwrap_or(main))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_name_is_replaced_and_the_rest_kept() {
        assert_eq!(
            url_with_database("postgres://u@h:5432/entry", "wt_x"),
            "postgres://u@h:5432/wt_x"
        );
        assert_eq!(
            url_with_database("postgres://u@h/entry?sslmode=disable", "wt_x"),
            "postgres://u@h/wt_x?sslmode=disable"
        );
        assert_eq!(
            url_with_database("postgres://h", "wt_x"),
            "postgres://h/wt_x"
        );
    }
}
