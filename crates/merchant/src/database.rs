//! The merchant server's database: SQLite (the embedded `paywasm-store`, one instance) or
//! PostgreSQL (a pool, shared by every instance). The library keeps its [`crate::records`] in
//! it; a merchant may keep its own tables beside them (the demo shop keeps its orders there),
//! so that one setting moves the whole merchant side from one machine to several.
//!
//! Each statement is written once per dialect, side by side at the call site (`?1` and `$1`;
//! `INTEGER` and `BIGINT`), with its parameters given once as [`Param`]s and its row read as a
//! [`Row`] from either store. On PostgreSQL each statement is prepared once per connection
//! (one round trip a statement, not two: parse, then bind and run).

use crate::error::MerchantError;
#[cfg(feature = "postgres")]
use std::time::Duration;

#[cfg(feature = "postgres")]
mod tls;

#[cfg(not(any(feature = "sqlite", feature = "postgres")))]
compile_error!("paywasm-merchant keeps its records in SQLite or PostgreSQL: enable the feature `sqlite`, `postgres` or both");

#[cfg(feature = "postgres")]
/// Serializes schema changes across instances starting at once (two instances applying the
/// same migration would race on its tables and on its line in the history).
const SCHEMA_LOCK: i64 = 0x7061_7977_6173_6d01;

/// One owner's tables (the library's records, a merchant's own), as versioned migrations
/// written in each dialect (files `V1__name.sql`, `V2__...`, embedded with
/// `refinery::embed_migrations!`), and the table in which a database lists those it has
/// applied. A released migration is never edited: a change is a new version.
pub struct Schema {
    /// The history table: one per owner, so that owners' versions are counted apart.
    pub history: &'static str,
    /// The migrations in SQLite's dialect.
    pub sqlite: refinery::Runner,
    /// The migrations in PostgreSQL's dialect.
    pub postgres: refinery::Runner,
}

/// How a merchant server uses its PostgreSQL database: how many connections, and how long it
/// waits for one before it answers `503` (a database that hangs must not hold the customers'
/// requests, nor every task of the server, until it comes back).
#[cfg(feature = "postgres")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PostgresOptions {
    /// Connections kept at most, per instance (each is a backend process on the server: size
    /// the instances' sum to the server's `max_connections`).
    pub pool_size: usize,
    /// The longest a request waits for a free connection, or for a new one to be made.
    pub wait: Duration,
    /// The longest a statement may take: a database that stops answering is given up on after
    /// it, and the connection closed.
    pub statement: Duration,
}

#[cfg(feature = "postgres")]
impl Default for PostgresOptions {
    /// 16 connections; 3 s to get one, 5 s a statement (the longest any takes here is a few
    /// milliseconds: past that, the database is in trouble, and the customer is better told).
    fn default() -> Self {
        Self {
            pool_size: 16,
            wait: Duration::from_secs(3),
            statement: Duration::from_secs(5),
        }
    }
}

/// TCP keepalive on every connection: a server that vanished (a failover, a cut network) is
/// noticed by the operating system within a minute instead of hours.
#[cfg(feature = "postgres")]
const KEEPALIVE_IDLE: Duration = Duration::from_secs(30);

/// The connection settings of `url` (`postgres://user@host:port/db?...`), with the connect
/// timeout of `options` and TCP keepalive, and its TLS as its `sslmode` and `sslrootcert` ask
/// ([`tls`]): what the pool's connections and the listener's use.
#[cfg(feature = "postgres")]
pub(crate) fn postgres_config(
    url: &str,
    options: &PostgresOptions,
) -> Result<
    (
        tokio_postgres::Config,
        tokio_postgres_rustls::MakeRustlsConnect,
    ),
    MerchantError,
> {
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        return Err(MerchantError::BadRequest(format!(
            "the database {url:?} is not a postgres:// URL"
        )));
    }
    let (url, ssl_mode, tls) = tls::tls_of(url)?;
    let mut config: tokio_postgres::Config = url
        .parse()
        .map_err(|error| MerchantError::BadRequest(format!("the database URL: {error}")))?;
    config
        .ssl_mode(ssl_mode)
        .connect_timeout(options.wait)
        .keepalives(true)
        .keepalives_idle(KEEPALIVE_IDLE);
    Ok((config, tls))
}

/// Where a merchant server keeps its records.
#[derive(Clone)]
pub enum Database {
    /// One instance: an embedded SQLite database (in a data folder, or in memory).
    #[cfg(feature = "sqlite")]
    Sqlite(paywasm_store::Store),
    /// Several instances: a PostgreSQL database they share.
    #[cfg(feature = "postgres")]
    Postgres {
        /// The connections statements run on.
        pool: deadpool_postgres::Pool,
        /// Its sizes and timeouts.
        options: PostgresOptions,
        /// The same database, for the one connection per instance that listens for changes
        /// (a pooled connection cannot: it is shared).
        url: String,
    },
}

/// A value bound to a statement, in either store.
#[derive(Debug, Clone, Copy)]
pub enum Param<'a> {
    /// `TEXT`.
    Text(&'a str),
    /// `TEXT` or `NULL`.
    OptionalText(Option<&'a str>),
    /// `INTEGER` (SQLite), `BIGINT` (PostgreSQL).
    Int(i64),
    /// `BLOB` (SQLite), `BYTEA` (PostgreSQL).
    Bytes(&'a [u8]),
}

impl<'a> From<&'a str> for Param<'a> {
    fn from(text: &'a str) -> Self {
        Param::Text(text)
    }
}

impl<'a> From<&'a String> for Param<'a> {
    fn from(text: &'a String) -> Self {
        Param::Text(text)
    }
}

impl<'a> From<Option<&'a str>> for Param<'a> {
    fn from(text: Option<&'a str>) -> Self {
        Param::OptionalText(text)
    }
}

impl From<i64> for Param<'_> {
    fn from(number: i64) -> Self {
        Param::Int(number)
    }
}

impl<'a> From<&'a [u8]> for Param<'a> {
    fn from(bytes: &'a [u8]) -> Self {
        Param::Bytes(bytes)
    }
}

#[cfg(feature = "sqlite")]
impl rusqlite::ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        match self {
            Param::Text(text) => text.to_sql(),
            Param::OptionalText(text) => text.to_sql(),
            Param::Int(number) => number.to_sql(),
            Param::Bytes(bytes) => bytes.to_sql(),
        }
    }
}

#[cfg(feature = "postgres")]
impl Param<'_> {
    fn postgres(&self) -> &(dyn tokio_postgres::types::ToSql + Sync) {
        match self {
            Param::Text(text) => text,
            Param::OptionalText(text) => text,
            Param::Int(number) => number,
            Param::Bytes(bytes) => bytes,
        }
    }
}

/// A column's value, readable from each store the crate is built with.
pub trait Column: dialects::SqliteColumn + dialects::PostgresColumn {}
impl<T: dialects::SqliteColumn + dialects::PostgresColumn> Column for T {}

/// What a [`Column`] must be in each dialect built (anything, in one that is not).
mod dialects {
    #[cfg(feature = "sqlite")]
    pub trait SqliteColumn: rusqlite::types::FromSql {}
    #[cfg(feature = "sqlite")]
    impl<T: rusqlite::types::FromSql> SqliteColumn for T {}
    #[cfg(not(feature = "sqlite"))]
    pub trait SqliteColumn {}
    #[cfg(not(feature = "sqlite"))]
    impl<T> SqliteColumn for T {}

    #[cfg(feature = "postgres")]
    pub trait PostgresColumn: for<'a> tokio_postgres::types::FromSql<'a> {}
    #[cfg(feature = "postgres")]
    impl<T: for<'a> tokio_postgres::types::FromSql<'a>> PostgresColumn for T {}
    #[cfg(not(feature = "postgres"))]
    pub trait PostgresColumn {}
    #[cfg(not(feature = "postgres"))]
    impl<T> PostgresColumn for T {}
}

/// A row read from either store: a tuple of [`Column`]s, in the order the query selects them.
pub trait Row: Sized {
    /// The row from SQLite.
    #[cfg(feature = "sqlite")]
    fn from_sqlite(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self>;
    /// The row from PostgreSQL.
    #[cfg(feature = "postgres")]
    fn from_postgres(row: &tokio_postgres::Row) -> Result<Self, tokio_postgres::Error>;
}

macro_rules! row_of_columns {
    ($($column:ident $index:tt),+) => {
        impl<$($column: Column),+> Row for ($($column,)+) {
            #[cfg(feature = "sqlite")]
            fn from_sqlite(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
                Ok(($(row.get($index)?,)+))
            }
            #[cfg(feature = "postgres")]
            fn from_postgres(row: &tokio_postgres::Row) -> Result<Self, tokio_postgres::Error> {
                Ok(($(row.try_get($index)?,)+))
            }
        }
    };
}
row_of_columns!(A 0);
row_of_columns!(A 0, B 1);
row_of_columns!(A 0, B 1, C 2);
row_of_columns!(A 0, B 1, C 2, D 3);

#[cfg(feature = "postgres")]
impl From<tokio_postgres::Error> for MerchantError {
    fn from(error: tokio_postgres::Error) -> Self {
        // A connection lost or refused passes (a restart, a failover): the request may be made
        // again. Anything else (a statement the database refuses) is a fault here.
        let lost = error.is_closed()
            || std::error::Error::source(&error).is_some_and(|cause| cause.is::<std::io::Error>());
        if lost {
            MerchantError::DatabaseUnavailable(format!("database connection: {error}"))
        } else {
            MerchantError::Internal(format!("database error: {error}"))
        }
    }
}

#[cfg(feature = "postgres")]
impl From<deadpool_postgres::PoolError> for MerchantError {
    /// No connection could be had in time, or made: the database is down or overloaded.
    fn from(error: deadpool_postgres::PoolError) -> Self {
        // "error performing TLS handshake" says why only in its source.
        MerchantError::DatabaseUnavailable(format!("database pool: {}", with_causes(&error)))
    }
}

#[cfg(feature = "sqlite")]
impl From<rusqlite::Error> for MerchantError {
    fn from(error: rusqlite::Error) -> Self {
        MerchantError::Internal(format!("database error: {error}"))
    }
}

impl Database {
    /// The PostgreSQL database at `url` (`postgres://user@host:port/db`), through a pool
    /// with the default [`PostgresOptions`]. Nothing is connected yet: the first statement (or
    /// [`Self::migrate`]) tells whether the database can be reached.
    #[cfg(feature = "postgres")]
    pub fn postgres(url: &str) -> Result<Self, MerchantError> {
        Self::postgres_with(url, PostgresOptions::default())
    }

    /// The PostgreSQL database at `url`, used as `options` say.
    #[cfg(feature = "postgres")]
    pub fn postgres_with(url: &str, options: PostgresOptions) -> Result<Self, MerchantError> {
        let (config, tls) = postgres_config(url, &options)?;
        let manager = deadpool_postgres::Manager::new(config, tls);
        let pool = deadpool_postgres::Pool::builder(manager)
            .max_size(options.pool_size.max(1))
            .wait_timeout(Some(options.wait))
            .create_timeout(Some(options.wait))
            .recycle_timeout(Some(options.wait))
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .build()
            .map_err(|error| MerchantError::Internal(format!("database pool: {error}")))?;
        Ok(Database::Postgres {
            pool,
            options,
            url: url.to_owned(),
        })
    }

    /// The merchant's own `pool` of the database `url` names (for the listener's connection,
    /// which a pool cannot lend: it is kept), with the statement timeout of `options`.
    #[cfg(feature = "postgres")]
    pub fn postgres_pool(
        pool: deadpool_postgres::Pool,
        url: &str,
        options: PostgresOptions,
    ) -> Self {
        Database::Postgres {
            pool,
            options,
            url: url.to_owned(),
        }
    }

    /// The SQLite store, when that is the database: its answers wait for its group commit
    /// (`paywasm_store::durable_answers`); PostgreSQL's commits are durable when they return.
    #[cfg(feature = "sqlite")]
    pub fn sqlite(&self) -> Option<&paywasm_store::Store> {
        match self {
            Database::Sqlite(store) => Some(store),
            #[cfg(feature = "postgres")]
            Database::Postgres { .. } => None,
        }
    }

    /// Brings `schema`'s tables up to its latest version: the migrations this database has
    /// not applied yet are applied in order, each in a transaction with its line in the
    /// schema's history table. A database holding a migration this build does not know (made
    /// by a newer version), or one whose text differs from what was applied, is refused
    /// rather than guessed at. On PostgreSQL under a lock, so that instances starting
    /// together apply each migration once.
    #[cfg_attr(not(feature = "postgres"), allow(unused_mut))]
    pub async fn migrate(&self, mut schema: Schema) -> Result<(), MerchantError> {
        match self {
            #[cfg(feature = "sqlite")]
            Database::Sqlite(store) => migrate_sqlite(store, schema)?,
            #[cfg(feature = "postgres")]
            Database::Postgres { pool, .. } => {
                let runner = schema.postgres.set_migration_table_name(schema.history);
                let mut client = pool.get().await?;
                client
                    .execute("SELECT pg_advisory_lock($1)", &[&SCHEMA_LOCK])
                    .await?;
                let ran = runner.run_async(&mut **client).await;
                let unlocked = client
                    .execute("SELECT pg_advisory_unlock($1)", &[&SCHEMA_LOCK])
                    .await;
                if ran.is_err() || unlocked.is_err() {
                    // Closed rather than pooled: the lock belongs to the connection's session,
                    // and ends with it.
                    drop(deadpool_postgres::Object::take(client));
                }
                ran.map_err(|error| schema.failed(error))?;
                unlocked?;
            }
        }
        Ok(())
    }

    /// Runs a statement that changes rows (`sqlite` and `postgres` are the same statement in
    /// each dialect); how many rows it changed.
    pub async fn execute(
        &self,
        sqlite: &str,
        postgres: &str,
        params: &[Param<'_>],
    ) -> Result<u64, MerchantError> {
        self.execute_together(&[sqlite], postgres, params).await
    }

    /// Runs statements that change rows as one commit: on SQLite `sqlite`'s, in turn, in one
    /// transaction, each given the leading `params` it numbers (`?1` to its highest); on
    /// PostgreSQL `postgres`, one statement doing the same (its data-modifying `WITH`
    /// clauses), so that they cost one round trip and one flush of the log, not one each. How
    /// many rows the first statement changed (on PostgreSQL: how many rows `postgres` gives).
    #[cfg_attr(
        not(all(feature = "sqlite", feature = "postgres")),
        allow(unused_variables)
    )]
    pub async fn execute_together(
        &self,
        sqlite: &[&str],
        postgres: &str,
        params: &[Param<'_>],
    ) -> Result<u64, MerchantError> {
        Ok(match self {
            #[cfg(feature = "sqlite")]
            Database::Sqlite(store) => store.call(|db| {
                let transaction = db.transaction()?;
                let mut first = None;
                for sql in sqlite {
                    let mut statement = transaction.prepare_cached(sql)?;
                    let wanted = statement.parameter_count();
                    if wanted > params.len() {
                        return Err(rusqlite::Error::InvalidParameterCount(wanted, params.len()));
                    }
                    for (index, param) in params[..wanted].iter().enumerate() {
                        statement.raw_bind_parameter(index + 1, param)?;
                    }
                    let changed = statement.raw_execute()? as u64;
                    first.get_or_insert(changed);
                }
                transaction.commit()?;
                Ok(first.unwrap_or(0))
            })?,
            #[cfg(feature = "postgres")]
            Database::Postgres { pool, options, .. } => {
                within(pool, options, async |client| {
                    let statement = client.prepare_cached(postgres).await?;
                    client.execute(&statement, &postgres_params(params)).await
                })
                .await?
            }
        })
    }

    /// The first row a query returns, if any (`sqlite` and `postgres` are the same query in
    /// each dialect). The queries that use it read one row by its key.
    pub async fn read_one<R: Row>(
        &self,
        sqlite: &str,
        postgres: &str,
        params: &[Param<'_>],
    ) -> Result<Option<R>, MerchantError> {
        Ok(self
            .read_all(sqlite, postgres, params)
            .await?
            .into_iter()
            .next())
    }

    /// Every row a query returns.
    #[cfg_attr(
        not(all(feature = "sqlite", feature = "postgres")),
        allow(unused_variables)
    )]
    pub async fn read_all<R: Row>(
        &self,
        sqlite: &str,
        postgres: &str,
        params: &[Param<'_>],
    ) -> Result<Vec<R>, MerchantError> {
        Ok(match self {
            #[cfg(feature = "sqlite")]
            Database::Sqlite(store) => store.call(|db| {
                db.prepare(sqlite)?
                    .query_map(rusqlite::params_from_iter(params), R::from_sqlite)?
                    .collect::<rusqlite::Result<Vec<R>>>()
            })?,
            #[cfg(feature = "postgres")]
            Database::Postgres { pool, options, .. } => {
                within(pool, options, async |client| {
                    let statement = client.prepare_cached(postgres).await?;
                    client
                        .query(&statement, &postgres_params(params))
                        .await?
                        .iter()
                        .map(R::from_postgres)
                        .collect::<Result<Vec<R>, _>>()
                })
                .await?
            }
        })
    }
}

/// `error` and each of its causes, `: `-separated: a driver's own words ("db error") say
/// nothing until its source does.
fn with_causes(error: &dyn std::error::Error) -> String {
    let mut why = error.to_string();
    let mut cause = error.source();
    while let Some(inner) = cause {
        why.push_str(&format!(": {inner}"));
        cause = inner.source();
    }
    why
}

impl Schema {
    /// Why the migrations failed, with every cause.
    fn failed(&self, error: refinery::Error) -> MerchantError {
        let newer = match error.kind() {
            refinery::error::Kind::MissingVersion(_) => {
                " (a newer version of this server upgraded the database: run that version, or \
                 a newer one)"
            }
            _ => "",
        };
        MerchantError::Internal(format!(
            "the schema of {}: {}{newer}",
            self.history,
            with_causes(&error)
        ))
    }
}

#[cfg(feature = "sqlite")]
/// [`Database::migrate`] on SQLite, which needs no runtime (one instance, one connection).
pub(crate) fn migrate_sqlite(
    store: &paywasm_store::Store,
    mut schema: Schema,
) -> Result<(), MerchantError> {
    let runner = schema.sqlite.set_migration_table_name(schema.history);
    store
        .call(|db| Ok(runner.run(db)))?
        .map_err(|error| schema.failed(error))?;
    Ok(())
}

/// Runs `work` on a connection of `pool` within the statement timeout of `options`. A
/// statement the database did not answer in time leaves its connection waiting on it: closed,
/// not pooled. The wait for the connection and the statement's time are traced (target
/// `paywasm_merchant::database`): under load, which of the two a request waits on says
/// whether the pool or the server is short.
#[cfg(feature = "postgres")]
async fn within<T>(
    pool: &deadpool_postgres::Pool,
    options: &PostgresOptions,
    work: impl AsyncFnOnce(&deadpool_postgres::Object) -> Result<T, tokio_postgres::Error>,
) -> Result<T, MerchantError> {
    let asked = std::time::Instant::now();
    let client = pool.get().await?;
    let got = std::time::Instant::now();
    let done = tokio::time::timeout(options.statement, work(&client)).await;
    tracing::trace!(
        pool_wait_us = (got - asked).as_micros() as u64,
        statement_us = got.elapsed().as_micros() as u64,
        "postgres statement"
    );
    match done {
        Ok(done) => Ok(done?),
        Err(_) => {
            drop(deadpool_postgres::Object::take(client));
            Err(MerchantError::DatabaseUnavailable(format!(
                "the database did not answer within {} s",
                options.statement.as_secs_f64()
            )))
        }
    }
}

#[cfg(feature = "postgres")]
fn postgres_params<'p>(
    params: &'p [Param<'_>],
) -> Vec<&'p (dyn tokio_postgres::types::ToSql + Sync)> {
    params.iter().map(Param::postgres).collect()
}
