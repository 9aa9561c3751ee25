//! Embedded SQL storage (SQLite): one database per party (the test gateway, a merchant
//! server), in a data folder or in memory.
//!
//! Each domain module owns its tables and queries and runs them through [`Store::call`]; this
//! crate only opens databases, applies schemas and makes commits durable.
//!
//! **Durability by group commit.** On disk the database is in WAL mode with
//! `synchronous=NORMAL`: a commit appends to the WAL without waiting for the disk. Every
//! answer waits, in [`durable_answers`], until every commit made before it is on disk
//! ([`Store::durable`]); one background fsync of the WAL covers every commit made before it
//! started, so concurrent requests share one fsync instead of paying one each (`POST /charges`
//! with 32 connections: 279 -> 682 req/s, p99 262 -> 106 ms; BENCHMARKS.md). Whatever the
//! method: a GET that changed state (an overdue charge expired as it is read) or that shows a
//! change another request made, not yet on disk, waits too; an answer with nothing unsynced
//! behind it does not. Nothing is acknowledged before it is on disk, as with `synchronous=FULL`.

use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::{watch, Notify};

#[cfg(feature = "crash-testing")]
/// Crash testing (`--crash-after-commits`): the probability, as a fraction of `u64::MAX`, that
/// the process dies right after a commit, before whoever committed can answer. That is the
/// hardest point for a payment server: the effect happened, nobody was told.
static CRASH_AFTER_COMMIT: AtomicU64 = AtomicU64::new(0);

#[cfg(feature = "crash-testing")]
/// Arms the crash point of `CRASH_AFTER_COMMIT` for every store of this process: after a
/// commit, the process aborts with probability `rate` (0 disarms). The abort is immediate, as a
/// `kill -9` would be: no destructor, no answer, no flush beyond what SQLite already wrote.
pub fn crash_after_commits(rate: f64) {
    let threshold = (rate.clamp(0.0, 1.0) * u64::MAX as f64) as u64;
    CRASH_AFTER_COMMIT.store(threshold, Ordering::Relaxed);
}

/// Called after a call that changed rows ([`Store::call`]).
#[cfg(feature = "crash-testing")]
fn maybe_crash_after(connection: &Connection) {
    let threshold = CRASH_AFTER_COMMIT.load(Ordering::Relaxed);
    if threshold == 0 || !connection.is_autocommit() {
        return;
    }
    if rand::random::<u64>() < threshold {
        eprintln!("paywasm: crashing after a commit (--crash-after-commits)");
        std::process::abort();
    }
}

/// A storage failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite refused or failed.
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    /// A stored document no longer parses.
    #[error("stored document is corrupt: {0}")]
    Corrupt(#[from] serde_json::Error),
    /// The data folder cannot be created.
    #[error("cannot create the data folder: {0}")]
    Io(#[from] std::io::Error),
}

/// The JSON text of a document to store. Serializing our own types does not fail; if it ever
/// did, the statement fails with it (an internal error), and nothing half-written is stored.
pub fn json_text(document: &impl serde::Serialize) -> rusqlite::Result<String> {
    serde_json::to_string(document)
        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
}

/// A stored document, parsed: one that no longer parses is a corrupt store, reported, never
/// skipped or read as empty.
pub fn parsed<T: serde::de::DeserializeOwned>(text: &str) -> rusqlite::Result<T> {
    serde_json::from_str(text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// Statements run through the connection's cache of prepared statements: SQLite otherwise
/// parses and plans each statement anew at every call, which was 15% of the test gateway's
/// CPU with 10,000 customers waiting (`perf`, BENCHMARKS.md), all of it under the store's
/// one lock. For the statements a server runs at every request.
pub trait Cached {
    /// [`Connection::execute`], prepared once.
    fn execute_cached<P: rusqlite::Params>(&self, sql: &str, params: P) -> rusqlite::Result<usize>;
    /// [`Connection::query_row`], prepared once.
    fn query_row_cached<T, P, F>(&self, sql: &str, params: P, row: F) -> rusqlite::Result<T>
    where
        P: rusqlite::Params,
        F: FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>;
}

impl Cached for Connection {
    fn execute_cached<P: rusqlite::Params>(&self, sql: &str, params: P) -> rusqlite::Result<usize> {
        self.prepare_cached(sql)?.execute(params)
    }

    fn query_row_cached<T, P, F>(&self, sql: &str, params: P, row: F) -> rusqlite::Result<T>
    where
        P: rusqlite::Params,
        F: FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    {
        self.prepare_cached(sql)?.query_row(params, row)
    }
}

/// A database shared by one server's handlers.
#[derive(Clone)]
pub struct Store {
    connection: Arc<Mutex<Connection>>,
    /// On disk: the group-commit syncer.
    syncer: Option<Arc<Syncer>>,
}

/// Tests of durability: holds the store's fsyncs while closed, as a disk that has not yet
/// confirmed a write. An answer given while it is closed was given before its data was on disk:
/// had the machine lost power then, the answer would be a lie.
#[derive(Debug, Clone)]
pub struct DiskGate(Arc<watch::Sender<bool>>);

impl Default for DiskGate {
    fn default() -> Self {
        Self(Arc::new(watch::channel(true).0))
    }
}

impl DiskGate {
    /// Holds every fsync from now on, until [`Self::open`].
    pub fn close(&self) {
        self.0.send_replace(false);
    }

    /// Lets fsyncs through again.
    pub fn open(&self) {
        self.0.send_replace(true);
    }

    async fn passed(&self) {
        let _ = self.0.subscribe().wait_for(|open| *open).await;
    }
}

/// fsyncs the WAL file. It may not exist yet (nothing written): then nothing needs it. Any
/// other failure to open or sync it means the commits are not known to be on disk.
fn sync_wal(wal: &Path) -> std::io::Result<()> {
    match std::fs::File::open(wal) {
        Ok(file) => file.sync_data(),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(error),
    }
}

/// How long the syncer waits before it tries again an fsync that failed.
const RETRY_SYNC: std::time::Duration = std::time::Duration::from_millis(200);

/// Makes the WAL durable for every request waiting, with one fsync per round.
struct Syncer {
    wal: PathBuf,
    /// Whether the background task runs (not when the store was opened outside a runtime).
    worker: bool,
    /// Commits made, counted after each ([`Store::call`]) ...
    commits: AtomicU64,
    /// ... and how many of them the last finished fsync covered.
    synced_commits: AtomicU64,
    gate: DiskGate,
    /// Rounds asked for (a request's ticket) ...
    requested: Mutex<u64>,
    /// ... and the last round whose fsync finished.
    done: watch::Sender<u64>,
    wake: Notify,
}

impl Syncer {
    fn start(wal: PathBuf, gate: DiskGate) -> Arc<Self> {
        // Outside a runtime (a test opening a store directly) there is no syncer task: the
        // store then syncs in place (see `durable`).
        let runtime = tokio::runtime::Handle::try_current().ok();
        let syncer = Arc::new(Self {
            wal,
            worker: runtime.is_some(),
            commits: AtomicU64::new(0),
            synced_commits: AtomicU64::new(0),
            gate,
            requested: Mutex::new(0),
            done: watch::channel(0).0,
            wake: Notify::new(),
        });
        if let Some(runtime) = runtime {
            let worker = syncer.clone();
            runtime.spawn(async move { worker.run().await });
        }
        syncer
    }

    async fn run(&self) {
        loop {
            self.wake.notified().await;
            loop {
                let upto = *self.requested.lock().unwrap_or_else(|p| p.into_inner());
                if upto <= *self.done.borrow() {
                    break;
                }
                // Every ticket up to `upto` was taken after its commit: this fsync covers them,
                // and every commit counted before it starts.
                let commits = self.commits.load(Ordering::Acquire);
                self.gate.passed().await;
                let wal = self.wal.clone();
                match tokio::task::spawn_blocking(move || sync_wal(&wal)).await {
                    Ok(Ok(())) => {
                        self.synced_commits.fetch_max(commits, Ordering::AcqRel);
                        self.done.send_replace(upto);
                    }
                    // Not on disk: no answer waiting on it goes out (they wait, as PostgreSQL
                    // stops rather than acknowledge what it could not sync), and it is tried
                    // again.
                    failed => {
                        tracing::error!(?failed, "cannot fsync the WAL: answers wait");
                        tokio::time::sleep(RETRY_SYNC).await;
                    }
                }
            }
        }
    }
}

impl Store {
    /// Opens (creating) `{dir}/{name}.sqlite`, or an in-memory database without `dir`.
    pub fn open(dir: Option<&Path>, name: &str) -> Result<Self, StoreError> {
        Self::open_behind(dir, name, DiskGate::default())
    }

    /// [`Self::open`], with its fsyncs behind `gate` (tests of durability).
    pub fn open_behind(dir: Option<&Path>, name: &str, gate: DiskGate) -> Result<Self, StoreError> {
        let connection = match dir {
            Some(dir) => {
                std::fs::create_dir_all(dir)?;
                let connection = Connection::open(dir.join(format!("{name}.sqlite")))?;
                connection.pragma_update(None, "journal_mode", "WAL")?;
                connection.pragma_update(None, "synchronous", "NORMAL")?;
                (
                    connection,
                    Some(Syncer::start(dir.join(format!("{name}.sqlite-wal")), gate)),
                )
            }
            None => (Connection::open_in_memory()?, None),
        };
        let (connection, syncer) = connection;
        connection.busy_timeout(std::time::Duration::from_secs(5))?;
        // Room for every statement a server runs at each request ([`Cached`]).
        connection.set_prepared_statement_cache_capacity(64);
        Ok(Self {
            connection: Arc::new(Mutex::new(connection)),
            syncer,
        })
    }

    /// Returns once everything committed before the call is on disk: at once in memory, or
    /// when the last fsync already covered every commit.
    pub async fn durable(&self) {
        let Some(syncer) = &self.syncer else {
            return;
        };
        let commits = syncer.commits.load(Ordering::Acquire);
        if commits <= syncer.synced_commits.load(Ordering::Acquire) {
            return;
        }
        if !syncer.worker {
            while let Err(error) = sync_wal(&syncer.wal) {
                tracing::error!(%error, "cannot fsync the WAL: the answer waits");
                std::thread::sleep(RETRY_SYNC);
            }
            syncer.synced_commits.fetch_max(commits, Ordering::AcqRel);
            return;
        }
        let ticket = {
            let mut requested = syncer.requested.lock().unwrap_or_else(|p| p.into_inner());
            *requested += 1;
            *requested
        };
        let mut done = syncer.done.subscribe();
        syncer.wake.notify_one();
        let _ = done.wait_for(|&finished| finished >= ticket).await;
    }

    /// Applies a schema (idempotent `CREATE ... IF NOT EXISTS` statements).
    pub fn migrate(&self, schema: &str) -> Result<(), StoreError> {
        self.call(|connection| connection.execute_batch(schema))
    }

    /// Runs `work` with the connection. Statements are short and local, so callers on the
    /// async runtime run them in place.
    pub fn call<T>(
        &self,
        work: impl FnOnce(&mut Connection) -> rusqlite::Result<T>,
    ) -> Result<T, StoreError> {
        // A panic while holding the lock cannot leave SQLite inconsistent (each statement is
        // atomic), so a poisoned lock is still safe to use.
        let mut connection = self
            .connection
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let changes_before = connection.total_changes();
        let result = work(&mut connection);
        if connection.total_changes() != changes_before {
            #[cfg(feature = "crash-testing")]
            maybe_crash_after(&connection);
            if let Some(syncer) = &self.syncer {
                syncer.commits.fetch_add(1, Ordering::AcqRel);
            }
        }
        Ok(result?)
    }
}

/// Middleware: every answer waits until what it could reflect is durable ([`Store::durable`]):
/// its own commits (any method: a GET may expire an overdue charge) and any other request's
/// it read. With nothing unsynced, it answers at once.
pub async fn durable_answers(
    axum::extract::State(store): axum::extract::State<Store>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let response = next.run(request).await;
    store.durable().await;
    response
}

#[cfg(test)]
mod sync_tests {
    use super::sync_wal;
    use std::path::Path;

    #[test]
    fn a_wal_that_cannot_be_synced_is_not_counted_as_synced() {
        // No WAL yet: nothing was written, nothing needs syncing.
        let dir = std::env::temp_dir().join(format!("paywasm-store-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        assert!(sync_wal(&dir.join("absent.sqlite-wal")).is_ok());
        // A WAL that cannot be opened (here: under a file, not a folder) is a failure, which
        // the syncer must not take for a sync (it used to log it and go on).
        let file = dir.join("a-file");
        std::fs::write(&file, b"x").unwrap();
        assert!(sync_wal(&file.join("store.sqlite-wal")).is_err());
        assert!(sync_wal(Path::new(&file)).is_ok());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
