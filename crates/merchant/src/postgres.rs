//! Several instances of a merchant server on one PostgreSQL database: a customer waits on
//! whichever instance holds its status request, and the webhook that changes its charge may
//! reach any other. The instance that records the change sends `NOTIFY` on [`CHANNEL`] in the
//! statement that writes it (`Records::update_copy`; in a merchant's own transaction,
//! [`notify_changed`]), so it goes out only once the change is committed; every
//! instance keeps one connection that `LISTEN`s ([`listen`]) and wakes its own [`Waiters`] of
//! that charge, who then read the committed state.
//!
//! A notification sent while a listener is disconnected is lost (PostgreSQL keeps none for a
//! session that is gone), so on every (re)connection the listener wakes all its waiters: each
//! re-reads its charge, and nothing that changed meanwhile is missed.

use crate::database::{postgres_config, PostgresOptions};
use crate::error::MerchantError;
use crate::waiters::Waiters;
use futures_util::StreamExt;
use std::time::Duration;
use tokio_postgres::AsyncMessage;

/// The channel on which a changed charge's id is sent.
pub const CHANNEL: &str = "paywasm_charge_changed";

/// Tells every instance, once `transaction` commits, that `charge_id` changed.
pub async fn notify_changed(
    transaction: &impl tokio_postgres::GenericClient,
    charge_id: &str,
) -> Result<(), tokio_postgres::Error> {
    transaction
        .execute("SELECT pg_notify($1, $2)", &[&CHANNEL, &charge_id])
        .await
        .map(drop)
}

/// This instance's listener: wakes `waiters` of each charge another instance (or this one)
/// notifies, until dropped.
pub struct Listener {
    task: tokio::task::JoinHandle<()>,
    connected: tokio::sync::watch::Receiver<u64>,
}

impl Listener {
    /// Resolves once the listener has (re)connected `count` times in all: a test's way to know
    /// that notifications reach it from now on.
    pub async fn connected(&mut self, count: u64) {
        // The sender lives as long as the task, which never ends while the listener lives.
        let _ = self
            .connected
            .wait_for(|connections| *connections >= count)
            .await;
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Listens on `url`'s database for changed charges and wakes `waiters`, reconnecting (100 ms
/// doubling to 5 s) when the connection is lost. Fails only if the first connection cannot
/// be made: a merchant server that cannot reach its database should not start. Its connection
/// has the pool's connect timeout and TCP keepalive (a server that vanished is noticed, and
/// the listener reconnects, instead of waiting on a dead connection).
pub async fn listen(url: &str, waiters: Waiters) -> Result<Listener, MerchantError> {
    let (config, tls) = postgres_config(url, &PostgresOptions::default())?;
    let first = subscribe(&config, &tls, &waiters).await?;
    let (connected, connections) = tokio::sync::watch::channel(1);
    let task = tokio::spawn(async move {
        let mut session = Some(first);
        let mut backoff = Duration::from_millis(100);
        loop {
            if let Some(session) = session.take() {
                backoff = Duration::from_millis(100);
                if let Err(error) = session.await {
                    tracing::warn!(%error, "the PostgreSQL listener lost its connection");
                }
            }
            tokio::time::sleep(backoff).await;
            match subscribe(&config, &tls, &waiters).await {
                Ok(next) => {
                    // Changes made while disconnected were told to no one here.
                    waiters.wake_all();
                    connected.send_modify(|count| *count += 1);
                    session = Some(next);
                }
                Err(error) => {
                    tracing::warn!(%error, "the PostgreSQL listener cannot reconnect; retrying");
                    backoff = (backoff * 2).min(Duration::from_secs(5));
                }
            }
        }
    });
    Ok(Listener {
        task,
        connected: connections,
    })
}

/// Connects, `LISTEN`s, and returns the session: a future that wakes `waiters` on each
/// notification and ends when the connection does.
async fn subscribe(
    config: &tokio_postgres::Config,
    tls: &tokio_postgres_rustls::MakeRustlsConnect,
    waiters: &Waiters,
) -> Result<
    impl std::future::Future<Output = Result<(), tokio_postgres::Error>> + Send + 'static,
    tokio_postgres::Error,
> {
    let (client, mut connection) = config.connect(tls.clone()).await?;
    let mut messages = Box::pin(futures_util::stream::poll_fn(move |context| {
        connection.poll_message(context)
    }));
    {
        // The connection must be polled for LISTEN to be answered: both at once.
        let statement = format!("LISTEN {CHANNEL}");
        let listening = client.batch_execute(&statement);
        tokio::pin!(listening);
        loop {
            tokio::select! {
                answered = &mut listening => break answered?,
                message = messages.next() => match message {
                    Some(Err(error)) => return Err(error),
                    // A notice before the answer; or the connection ended, which the
                    // answer then tells.
                    Some(Ok(_)) => {}
                    None => break (&mut listening).await?,
                },
            }
        }
    }
    let waiters = waiters.clone();
    Ok(async move {
        let _client = client; // the connection lives as long as its client
        while let Some(message) = messages.next().await {
            if let AsyncMessage::Notification(notification) = message? {
                waiters.wake(notification.payload());
            }
        }
        Ok(())
    })
}
