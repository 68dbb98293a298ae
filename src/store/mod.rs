//! All SQL lives here, one module per aggregate.
//!
//! One `sqlx::AnyPool` serves SQLite (the embedded default) and PostgreSQL (many nodes).
//! Reads use [`Store::pool`], statements that write use [`Store::writer`]: the same pool on
//! PostgreSQL; on SQLite, which has one writer at a time anyway, a pool of one connection,
//! so writers queue in order instead of colliding on the database lock and sleeping in
//! SQLite's busy handler, and a read-then-write transaction cannot fail on a stale
//! snapshot. SQLite's read connections are `query_only`: a write sent to them fails.
//! Queries are written once in portable SQL with `$1` placeholders, which both
//! backends accept. Portable column types only: TEXT, BIGINT/INTEGER (timestamps are
//! unix seconds, flags are 0/1), no BLOB and no BOOLEAN (the `Any` driver cannot
//! decode SQLite booleans).

pub mod access_audit;
pub mod access_grants;
pub mod access_grants_admin;
pub mod access_rights;
pub mod btb;
pub mod btb_requests;
pub mod eidas;
pub mod housekeeping;
pub mod identities;
pub mod login_transactions;
pub mod oidc_clients;
pub mod oidc_consent;
pub mod oidc_grants;
pub mod oidc_keys;
pub mod oidc_requests;
pub mod outbox;
pub mod passkeys;
pub mod password;
pub mod password_throttle;
pub mod profiles;
pub mod registry;
pub mod registry_import;
pub mod registry_source;
pub mod saml;
pub mod sessions;
pub mod social_security;

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions, Executor};

/// Which database is behind the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A failure of the storage layer. The cause is logged once by the caller's error
/// mapping; users see a generic message.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration error: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("cannot prepare the database location: {0}")]
    Location(String),
}

impl StoreError {
    /// Every pooled connection was busy for the acquire timeout: the database is saturated
    /// (answered 503 with Retry-After, not 500).
    pub fn is_overloaded(&self) -> bool {
        matches!(self, StoreError::Database(sqlx::Error::PoolTimedOut))
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// The handle every store function takes.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    writer: AnyPool,
    backend: Backend,
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The role of a pool's connections, set up when each connects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// SQLite read connections (`query_only`).
    SqliteReader,
    /// The SQLite write connection, or an in-memory database's only connection.
    SqliteWriter,
    Postgres,
}

/// How long a PostgreSQL connection may sit idle before it is pinged on its next use.
const IDLE_BEFORE_PING: Duration = Duration::from_secs(30);

async fn open_pool(options: &AnyConnectOptions, max_connections: u32, role: Role) -> StoreResult<AnyPool> {
    let pool = AnyPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(5))
        // No ping before every use (a round trip per query on the hot paths): a connection
        // to a local SQLite file cannot go stale, and a PostgreSQL connection is pinged
        // only after it sat idle, when a restart or a dropped link may have broken it.
        .test_before_acquire(false)
        .before_acquire(move |conn, meta| {
            Box::pin(async move {
                if role == Role::Postgres && meta.idle_for > IDLE_BEFORE_PING {
                    sqlx::Connection::ping(conn).await?;
                }
                Ok(true)
            })
        })
        .after_connect(move |conn, _meta| {
            Box::pin(async move {
                let pragmas = match role {
                    Role::Postgres => return Ok(()),
                    Role::SqliteReader => {
                        "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; \
                         PRAGMA synchronous = NORMAL; PRAGMA query_only = ON;"
                    }
                    Role::SqliteWriter => {
                        "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; \
                         PRAGMA synchronous = NORMAL;"
                    }
                };
                conn.execute(pragmas).await?;
                Ok(())
            })
        })
        .connect_with(options.clone())
        .await?;
    Ok(pool)
}

impl Store {
    /// Connects to `url` (`sqlite:…` or `postgres://…`). SQLite files are created with
    /// their directory; WAL, foreign keys and a busy timeout are switched on.
    pub async fn connect(url: &str, max_connections: u32) -> StoreResult<Self> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") { Backend::Sqlite } else { Backend::Postgres };
        let url = match backend {
            Backend::Sqlite => prepare_sqlite_url(url)?,
            Backend::Postgres => url.to_string(),
        };
        let options = AnyConnectOptions::from_str(&url)?
            .log_statements(tracing::log::LevelFilter::Trace)
            .log_slow_statements(tracing::log::LevelFilter::Warn, Duration::from_millis(500));
        let (pool, writer) = match backend {
            Backend::Postgres => {
                let pool = open_pool(&options, max_connections, Role::Postgres).await?;
                (pool.clone(), pool)
            }
            // Every connection to `:memory:` is a database of its own: one connection only.
            Backend::Sqlite if url == MEMORY_URL => {
                let pool = open_pool(&options, 1, Role::SqliteWriter).await?;
                (pool.clone(), pool)
            }
            Backend::Sqlite => {
                // The writer first: it creates the file and switches it to WAL.
                let writer = open_pool(&options, 1, Role::SqliteWriter).await?;
                (open_pool(&options, max_connections, Role::SqliteReader).await?, writer)
            }
        };
        Ok(Self { pool, writer, backend })
    }

    /// Applies every migration not yet applied. Safe to run on every start and from
    /// several nodes: the migrator takes a lock.
    pub async fn migrate(&self) -> StoreResult<()> {
        MIGRATOR.run(&self.writer).await?;
        Ok(())
    }

    /// `SELECT 1`, for readiness checks.
    pub async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// For statements that only read.
    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// For statements that write, and transactions that contain one.
    pub(crate) fn writer(&self) -> &AnyPool {
        &self.writer
    }

    /// Connections open and idle in the read pool (for the metrics endpoint).
    pub fn pool_stats(&self) -> (u32, usize) {
        (self.pool.size(), self.pool.num_idle())
    }

    pub async fn close(&self) {
        self.pool.close().await;
        self.writer.close().await;
    }
}

const MEMORY_URL: &str = "sqlite::memory:";

/// `sqlite://data/poort.db` → make sure `data/` exists and ask for create-if-missing.
fn prepare_sqlite_url(url: &str) -> StoreResult<String> {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path == ":memory:" {
        // Each connection gets its own memory database: for one-off commands only.
        return Ok(MEMORY_URL.into());
    }
    let parent = std::path::Path::new(path).parent().filter(|p| !p.as_os_str().is_empty());
    if let Some(parent) = parent {
        std::fs::create_dir_all(parent)
            .map_err(|e| StoreError::Location(format!("{}: {e}", parent.display())))?;
    }
    create_private(std::path::Path::new(path))?;
    let mut query = query.to_string();
    if !query.contains("mode=") {
        if !query.is_empty() {
            query.push('&');
        }
        query.push_str("mode=rwc");
    }
    Ok(format!("sqlite://{path}?{query}"))
}

/// Creates the database file owner-only (0600) when it does not exist yet; SQLite gives its
/// journal files the database file's permissions (attack review finding 6).
fn create_private(path: &std::path::Path) -> StoreResult<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(StoreError::Location(format!("{}: {e}", path.display()))),
    }
}

/// Seconds since the Unix epoch, the unit of every stored timestamp.
pub use crate::kernel::unix_now;

/// Flags are stored as 0/1 integers (portable across both backends).
pub(crate) fn flag(b: bool) -> i64 {
    i64::from(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sqlite_url_gets_create_mode_and_keeps_its_query() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("sub/poort.db");
        let url = prepare_sqlite_url(&format!("sqlite://{}", path.display())).expect("url");
        assert!(url.ends_with("?mode=rwc"), "{url}");
        assert!(path.parent().expect("parent").is_dir());
        assert_eq!(prepare_sqlite_url("sqlite::memory:").expect("url"), "sqlite::memory:");
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn a_new_sqlite_database_and_its_journal_are_owner_only() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("poort.db");
        let store = Store::connect(&format!("sqlite://{}", path.display()), 2).await.expect("connect");
        store.migrate().await.expect("migrate");
        for file in ["poort.db", "poort.db-wal"] {
            let mode = std::fs::metadata(dir.path().join(file)).expect(file).permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{file}");
        }
    }

    #[tokio::test]
    async fn sqlite_reads_refuse_writes_and_the_writer_serves_concurrent_writers_in_turn() {
        let dir = tempfile::tempdir().expect("tmp");
        let url = format!("sqlite://{}", dir.path().join("poort.db").display());
        let store = Store::connect(&url, 4).await.expect("connect");
        sqlx::query("CREATE TABLE t (n BIGINT)").execute(store.writer()).await.expect("create");
        let refused = sqlx::query("INSERT INTO t (n) VALUES (1)").execute(store.pool()).await;
        assert!(refused.is_err(), "a write on a read connection must fail");

        // Many concurrent transactions, each read-then-write: none fails or sleeps out the
        // busy timeout, none is lost.
        let writes = (0..50).map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut tx = store.writer().begin().await?;
                sqlx::query("SELECT COUNT(*) FROM t").fetch_one(&mut *tx).await?;
                sqlx::query("INSERT INTO t (n) VALUES ($1)").bind(i64::from(i)).execute(&mut *tx).await?;
                tx.commit().await
            })
        });
        for write in writes.collect::<Vec<_>>() {
            write.await.expect("task").expect("write");
        }
        let row = sqlx::query("SELECT COUNT(*) AS n FROM t").fetch_one(store.pool()).await.expect("count");
        assert_eq!(sqlx::Row::try_get::<i64, _>(&row, "n").expect("n"), 50);
    }
}
