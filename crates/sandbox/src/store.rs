//! SQL storage (SQLite): one database per party, in `--data DIR` or in memory.
//!
//! Each domain module owns its tables and queries and runs them through [`Store::call`]; this
//! module only opens databases and applies schemas, so a server database can replace SQLite
//! here without touching the handlers' logic.

use rusqlite::Connection;
use std::path::Path;
use std::sync::{Arc, Mutex};

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

/// A database shared by one server's handlers.
#[derive(Clone)]
pub struct Store {
    connection: Arc<Mutex<Connection>>,
}

impl Store {
    /// Opens (creating) `{dir}/{name}.sqlite`, or an in-memory database without `dir`.
    pub fn open(dir: Option<&Path>, name: &str) -> Result<Self, StoreError> {
        let connection = match dir {
            Some(dir) => {
                std::fs::create_dir_all(dir)?;
                let connection = Connection::open(dir.join(format!("{name}.sqlite")))?;
                connection.pragma_update(None, "journal_mode", "WAL")?;
                connection.pragma_update(None, "synchronous", "FULL")?;
                connection
            }
            None => Connection::open_in_memory()?,
        };
        connection.busy_timeout(std::time::Duration::from_secs(5))?;
        Ok(Self {
            connection: Arc::new(Mutex::new(connection)),
        })
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
        Ok(work(&mut connection)?)
    }
}
