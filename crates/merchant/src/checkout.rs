//! The widget's merchant contract, written once for every gateway over its [`Connector`]
//! (README, "Merchant server contract"):
//!
//! - `POST {PATH}`: starts a payment of an order for the order's amount (never one from the
//!   browser), each gateway its own way ([`Gateway`]): [`omise`] charges the source the widget
//!   made (`/checkout/charges`), [`wooshpay`] confirms a PaymentIntent for the customer's
//!   terminal (`/wooshpay/payment_intents`); one payment per order and request, however often
//!   the request is repeated;
//! - `GET {PATH}/:id?wait=N`: this merchant's payment, held up to N seconds (at most 30; a
//!   fifth less at random, so that customers who came together do not come back together)
//!   while pending, woken by the webhook that changes it;
//! - `POST /webhooks/{NAME}`: the gateway's signed events, verified, handled once each; the
//!   payment they announce is re-read from the gateway rather than trusted, recorded if its
//!   event overtook the answer to the request that made it, and settled with its order
//!   (`settlement`).
//!
//! Status requests read the merchant's copy of each payment ([`crate::records`]), so waiting
//! customers cost the gateway nothing; a customer asking again after a hold is answered from
//! the copy kept since the payment's last change ([`crate::waiters`]), so not even a read.
//! Should webhooks stop arriving, a copy older than [`FALLBACK_REFRESH_MS`] is re-read once
//! for all its waiters (while they arrive, only one older than [`SLOW_FALLBACK_REFRESH_MS`]),
//! within the instance's budgets of such re-reads ([`crate::rereads`]).

pub mod omise;
pub mod wooshpay;

use crate::connector::{Connector, Read, Settled};
use crate::customers::Proxies;
use crate::error::MerchantError;
use crate::orders::Orders;
use crate::records::{now_ms, Records};
use crate::waiters::Waiting;
use crate::webhooks::Noted;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{header, Extensions, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, MethodRouter};
use axum::{Json, Router};
use paywasm_core::checkout::{Payment, Status};
use serde::Deserialize;
use serde_json::Value;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// While webhooks arrive, a pending copy older than this is still re-read once (a single lost
/// delivery waits for the gateway's retry otherwise).
pub const SLOW_FALLBACK_REFRESH_MS: i64 = 60_000;
/// When no webhook has arrived for this long, pending copies older than this are re-read: the
/// webhooks may be misconfigured or down. Re-reading every waiting charge this often would
/// cost the gateway a read per charge every 10 s (1,000 a second at 10,000 waiting
/// customers), which is why it is not done while webhooks flow (BENCHMARKS.md), and is
/// budgeted when they do not ([`crate::rereads::SILENT_REREADS_PER_SEC`]).
pub const FALLBACK_REFRESH_MS: i64 = 10_000;

/// Longest hold of a status request, in seconds.
pub const MAX_WAIT_SECS: u32 = 30;
/// The share of a hold that is cut off at random. Customers who began to wait together (a
/// burst of orders, every client reconnecting after a deploy) would otherwise come back
/// together at the end of every hold, thousands of requests in a few seconds that slow the
/// webhooks' answers (BENCHMARKS.md); holds cut by up to a fifth spread them out.
const HOLD_SPREAD: f64 = 0.2;
pub use crate::customers::{MAX_HELD, MAX_HELD_PER_CUSTOMER};
/// What an answer given at once past a cap tells the client (`Retry-After`, seconds): when to
/// ask again, as the widget does anyway after an answer that was not held.
pub const RETRY_AFTER_UNHELD_SECS: u32 = 3;
/// Longest a waiting customer's re-read of its charge may take (the client's own repeats
/// included).
const REFRESH_DEADLINE: Duration = Duration::from_secs(5);
/// After a re-read that failed, how long until the next (ms).
const RETRY_REFRESH_MS: i64 = 2_000;
/// `last_webhook_checked_ms` while one request asks the records when a webhook was last
/// handled ([`Checkout::webhooks`]).
const ASKING_THE_RECORDS: i64 = i64::MAX;
/// After a safety-net re-read the instance's budget refused, how long until the next (ms).
const REFUSED_REREAD_MS: std::ops::Range<i64> = 2_000..10_000;

/// Whether the gateway's webhooks reach the merchant, as far as this instance can tell: what
/// decides how old a waiting customer's copy may get and whose budget a re-read spends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Webhooks {
    /// One was handled (by any instance) within [`FALLBACK_REFRESH_MS`].
    Flowing,
    /// None for longer: they may be misconfigured or down.
    Silent,
}

impl Webhooks {
    /// How old a pending copy may get before it is re-read.
    fn refresh_after_ms(self) -> i64 {
        match self {
            Webhooks::Flowing => SLOW_FALLBACK_REFRESH_MS,
            Webhooks::Silent => FALLBACK_REFRESH_MS,
        }
    }
}

/// `url` with the `order` query parameter `reference` (encoded: a merchant's references may
/// hold any character): where a customer returns to.
pub(crate) fn with_order(url: &str, reference: &str) -> Result<String, MerchantError> {
    let mut url = reqwest::Url::parse(url).map_err(|error| {
        MerchantError::Internal(format!("the return URL {url:?} is not a URL: {error}"))
    })?;
    url.query_pairs_mut().append_pair("order", reference);
    Ok(url.into())
}

/// A gateway's own part of the contract: how the browser starts a payment of an order. The
/// rest (reading and waiting, webhooks, records, settlement) is the same for every gateway.
pub trait Gateway: Connector + Sized {
    /// Where the browser starts a payment (`POST`) and reads one (`GET {PATH}/{id}`).
    const PATH: &'static str;

    /// The handler of `POST {PATH}`.
    fn start<O: Orders>() -> MethodRouter<Arc<Checkout<Self, O>>>;
}

/// The checkout of one merchant at gateway `C`: its orders, its records, its client of the
/// gateway.
pub struct Checkout<C, O> {
    orders: O,
    records: Records,
    gateway: C,
    /// The keys the merchant's webhook endpoint signs with, as the gateway's dashboard shows
    /// them (more than one while a key is rotated); endpoints registered through the gateway's
    /// API keep theirs in the records.
    webhook_keys: Vec<Vec<u8>>,
    return_url: String,
    /// When the last verified webhook arrived here, or was handled by any instance as the
    /// records last said (ms): the fallback refresh depends on it.
    last_webhook_ms: AtomicI64,
    /// When the records were last asked for it (ms): at most once a second.
    last_webhook_checked_ms: AtomicI64,
    /// One re-read of a payment at a time, for all its waiters (by payment).
    refreshing: std::sync::Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// The merchant's own proxies, which name the customer.
    proxies: Proxies,
    /// How long a customer may take to pay a QR, in seconds (0: the gateway account's default).
    qr_lifetime_secs: AtomicI64,
}

/// The answer to a status request.
#[derive(Debug, Clone)]
pub struct StatusAnswer {
    /// The payment, as the widget reads it.
    pub charge: Payment,
    /// When the request could not be held (a cap was reached): the seconds after which to
    /// ask again (`Retry-After`).
    pub retry_after_secs: Option<u32>,
}

impl<C: Gateway, O: Orders> Checkout<C, O> {
    /// The checkout of `orders`, kept in `records`, through `gateway`; webhooks are signed
    /// with one of `webhook_keys` (the decoded secrets; none when the endpoint is registered
    /// through the gateway's API, as WooshPay's `Checkout::register_webhook` does); when the
    /// customer comes back from the gateway's page, it is to `return_url` with `?order=` (or
    /// `&order=`) and the order's reference.
    ///
    /// `return_url` is the merchant's public address, the same on every instance: a request
    /// that one instance sent before it died is sent again by the instance the customer moves
    /// to, under the same `Idempotency-Key`, and the gateway takes it for the same request only
    /// if its body is the same.
    pub fn new(
        orders: O,
        records: Records,
        gateway: C,
        webhook_keys: Vec<Vec<u8>>,
        return_url: String,
    ) -> Arc<Self> {
        Arc::new(Self {
            orders,
            records,
            gateway,
            webhook_keys,
            return_url,
            // Webhooks are presumed to flow from the start; silence is noticed after 10 s.
            last_webhook_ms: AtomicI64::new(now_ms()),
            last_webhook_checked_ms: AtomicI64::new(0),
            refreshing: std::sync::Mutex::default(),
            proxies: Proxies::default(),
            qr_lifetime_secs: AtomicI64::new(0),
        })
    }

    /// The routes of the contract: what the browser calls (`{PATH}` and `{PATH}/{id}`: give
    /// them the CORS a hosted page needs), and the gateway's (`/webhooks/{NAME}`). Customers
    /// are told apart by address: serve with `into_make_service_with_connect_info::<SocketAddr>`.
    pub fn routes(self: &Arc<Self>) -> (Router, Router) {
        let browser = Router::new()
            .route(C::PATH, C::start::<O>())
            .route(&format!("{}/{{id}}", C::PATH), get(payments_show::<C, O>))
            .with_state(self.clone());
        let webhooks = Router::new()
            .route(
                &format!("/webhooks/{}", C::NAME),
                post(webhooks_receive::<C, O>),
            )
            .with_state(self.clone());
        (browser, webhooks)
    }

    /// Holds at most `max` status requests at once on this instance (default [`MAX_HELD`]):
    /// past it, a status request is answered at once with the copy. Each held request costs
    /// a task and a connection; size it to the connections the server may keep open. The
    /// caps are the instance's, not one checkout's: every checkout over the same
    /// [`Records`] (a server's markets, its gateways) counts against them together.
    pub fn limit_held(&self, max: usize) {
        self.records.held().limit(Some(max), None);
    }

    /// Holds at most `max` status requests of one customer at once (default
    /// [`MAX_HELD_PER_CUSTOMER`]). Customers are told apart by address: serve the routes with
    /// `into_make_service_with_connect_info::<SocketAddr>`, and name the merchant's proxies
    /// ([`Checkout::trust_proxies`]); without the peers' addresses only the total is capped.
    pub fn limit_held_per_customer(&self, max: usize) {
        self.records.held().limit(None, Some(max));
    }

    /// The merchant's proxies in front of this server (load balancers, a CDN's addresses):
    /// requests from them name the customer in `X-Forwarded-For`
    /// ([`crate::customers::client_ip`]). None by default: the peer is the customer.
    pub fn trust_proxies(&self, proxies: Vec<IpAddr>) {
        self.proxies.trust(proxies);
    }

    /// How long a customer may take to pay a QR this checkout shows (PromptPay), unless the
    /// order says ([`crate::orders::Order::qr_lifetime`]): sent as the payment's expiry, at
    /// most the method's own limit (24 h). Without it, the gateway account's default.
    pub fn set_qr_lifetime(&self, lifetime: Duration) {
        let secs = i64::try_from(lifetime.as_secs()).unwrap_or(i64::MAX);
        self.qr_lifetime_secs.store(secs, Ordering::Relaxed);
    }

    /// The merchant's records.
    pub fn records(&self) -> &Records {
        &self.records
    }

    /// The client of the gateway.
    pub fn gateway(&self) -> &C {
        &self.gateway
    }

    /// The merchant's orders.
    pub fn orders(&self) -> &O {
        &self.orders
    }

    /// Whether payment `id` is one of this merchant's.
    pub async fn owns(&self, id: &str) -> Result<bool, MerchantError> {
        Ok(self.records.order_of(id).await?.is_some())
    }

    /// Re-reads payment `id` from the gateway (the seeds' advice after a webhook), tells the
    /// merchant's orders how it ended, and keeps the copy, which wakes its waiters.
    pub async fn refresh(&self, id: &str) -> Result<Payment, MerchantError> {
        let order = self.records.order_of(id).await?;
        self.refresh_of(id, order.as_deref(), None).await
    }

    /// [`Checkout::refresh`] of a payment of `order` (`None`: not one of the merchant's), in
    /// answer to webhook event `event` (noted handled with the copy) if there is one.
    async fn refresh_of(
        &self,
        id: &str,
        order: Option<&str>,
        event: Option<&str>,
    ) -> Result<Payment, MerchantError> {
        let started = Instant::now();
        let read = self.gateway.read(id).await?;
        let read_at = Instant::now();
        if let Some(order) = order {
            self.settle(order, &read.settled).await?;
        }
        let settled_at = Instant::now();
        self.records
            .update_copy(&read.copy, now_ms(), event)
            .await?;
        // Where a refresh's time goes, for the benchmarks (`scripts/bench-reaction.mjs`).
        tracing::debug!(
            payment = id,
            read_ms = millis(read_at - started),
            settle_ms = millis(settled_at - read_at),
            copy_ms = millis(settled_at.elapsed()),
            "payment refreshed"
        );
        Ok(read.copy)
    }

    /// Tells the merchant's orders what `payment` of order `reference`, as the gateway has it
    /// now, means for the order (`settlement`). Safe to repeat, on any instance.
    async fn settle(&self, reference: &str, payment: &Settled) -> Result<(), MerchantError> {
        crate::settlement::settle(
            &self.orders,
            &self.records,
            &self.gateway,
            reference,
            payment,
        )
        .await
    }

    /// Keeps payment `read`, just made for order `reference`, as one of its payments and, if
    /// the gateway decided it at once (an in-store code paid on the spot), tells the orders
    /// now: its webhook may have come and gone before the payment was known here. The copy
    /// kept, which a webhook may have brought up to date meanwhile.
    pub async fn record(&self, reference: &str, read: &Read) -> Result<Payment, MerchantError> {
        let copy = &read.copy;
        self.records
            .record_payment(
                C::NAME,
                reference,
                copy,
                read.client_secret.as_deref(),
                now_ms(),
            )
            .await?;
        if copy.status.is_terminal() {
            self.settle(reference, &read.settled).await?;
            self.records.update_copy(copy, now_ms(), None).await?;
        }
        Ok(match self.records.copy(&copy.id).await? {
            Some((kept, _)) => kept,
            None => copy.clone(),
        })
    }

    /// A webhook about payment `id`, which this server has not recorded: its event may have
    /// overtaken the gateway's answer to the request that made it (an in-store code paid on
    /// the spot is announced as soon as the gateway commits it). The payment is read from the
    /// gateway (never the event's copy): when its metadata names one of the merchant's orders,
    /// as every payment this library makes does, it is recorded and settled now, so the order
    /// is paid without waiting for a delivery again. A payment that names no order of the
    /// merchant's is not this checkout's (one made from the dashboard, another integration on
    /// the same account). A failure to read it is an error answer: the gateway delivers the
    /// event again.
    async fn adopt(&self, id: &str) -> Result<(), MerchantError> {
        let read = match self.gateway.read(id).await {
            Ok(read) => read,
            // Not at the gateway under this key: not this merchant's.
            Err(MerchantError::NotFound(_)) => return Ok(()),
            Err(other) => return Err(other),
        };
        if let Some(reference) = &read.settled.order {
            if self.orders.order(reference).await?.is_some() {
                self.record(reference, &read).await?;
            }
        }
        Ok(())
    }

    /// Whether webhooks flow, given how recently one came to any instance. With several
    /// instances, the gateway's deliveries may all reach another one: before this instance
    /// takes the webhooks for stopped, it asks the records (at most once a second, one question
    /// at a time), which know when any instance last handled one. While that question is out,
    /// the others asking meanwhile are given the benefit of the doubt (the webhooks flow); once
    /// answered, its answer is what they go by until the next.
    async fn webhooks(&self, now_ms: i64) -> Result<Webhooks, MerchantError> {
        let by = |last: i64| {
            if now_ms - last >= FALLBACK_REFRESH_MS {
                Webhooks::Silent
            } else {
                Webhooks::Flowing
            }
        };
        let last = self.last_webhook_ms.load(Ordering::Acquire);
        if by(last) == Webhooks::Flowing {
            return Ok(Webhooks::Flowing);
        }
        let checked = self.last_webhook_checked_ms.load(Ordering::Acquire);
        if checked == ASKING_THE_RECORDS {
            return Ok(Webhooks::Flowing);
        }
        // Asked within the last second: its answer is in `last` already.
        if now_ms - checked < 1_000 {
            return Ok(by(last));
        }
        if self
            .last_webhook_checked_ms
            .compare_exchange(
                checked,
                ASKING_THE_RECORDS,
                Ordering::AcqRel,
                Ordering::Acquire,
            )
            .is_err()
        {
            // Another request took the question (or answered it) meanwhile.
            return Ok(Webhooks::Flowing);
        }
        // Answered, failed or dropped with a customer who went away: the question is no
        // longer out either way.
        struct Asked<'a>(&'a AtomicI64, i64);
        impl Drop for Asked<'_> {
            fn drop(&mut self) {
                self.0.store(self.1, Ordering::Release);
            }
        }
        let _asked = Asked(&self.last_webhook_checked_ms, now_ms);
        let handled = self.records.last_webhook_ms().await?;
        if let Some(handled) = handled {
            self.last_webhook_ms.fetch_max(handled, Ordering::AcqRel);
        }
        Ok(by(handled.map_or(last, |handled| last.max(handled))))
    }

    /// Re-reads pending charge `charge_id`, whose copy was refreshed at `refreshed_ms`, once
    /// for all its waiters on this instance: the first re-reads, the others wait for it and
    /// take the copy it kept. Within [`REFRESH_DEADLINE`]; `None` when the gateway did not
    /// answer in time or failed (the caller keeps the copy it has).
    async fn refresh_once(&self, charge_id: &str, refreshed_ms: i64) -> Option<Payment> {
        let flight = {
            let mut flights = self.refreshing.lock().unwrap_or_else(|e| e.into_inner());
            flights.entry(charge_id.to_owned()).or_default().clone()
        };
        let refreshed = tokio::time::timeout(REFRESH_DEADLINE, async {
            let _turn = flight.lock().await;
            match self.records.copy(charge_id).await {
                // Another waiter re-read it meanwhile.
                Ok(Some((copy, at))) if at > refreshed_ms => Ok(copy),
                _ => self.refresh(charge_id).await,
            }
        })
        .await;
        {
            let mut flights = self.refreshing.lock().unwrap_or_else(|e| e.into_inner());
            if Arc::strong_count(&flight) <= 2 {
                flights.remove(charge_id);
            }
        }
        match refreshed {
            Ok(Ok(copy)) => Some(copy),
            Ok(Err(error)) => {
                tracing::warn!(charge = %charge_id, %error, "a waiting customer's charge could not be re-read");
                None
            }
            Err(_) => {
                tracing::warn!(charge = %charge_id, "the gateway did not answer a re-read in time");
                None
            }
        }
    }

    /// This merchant's charge `charge_id`, once it is no longer pending or `wait` has passed,
    /// for `customer` (its address, when known). At most [`MAX_HELD`] requests are held at once
    /// on an instance, [`MAX_HELD_PER_CUSTOMER`] of one customer: past that, a request is
    /// answered at once with the copy and when to ask again, so held requests cannot exhaust
    /// the server, nor one client take the room of all.
    pub async fn status(
        &self,
        charge_id: &str,
        wait: Duration,
        customer: Option<IpAddr>,
    ) -> Result<StatusAnswer, MerchantError> {
        // Counted until answered, or dropped with a customer who went away.
        let hold = if wait.is_zero() {
            None
        } else {
            self.records.held().hold(customer)
        };
        let (wait, retry_after_secs) = match hold {
            Some(_) => (spread(wait, rand::random()), None),
            None if wait.is_zero() => (wait, None),
            None => (Duration::ZERO, Some(RETRY_AFTER_UNHELD_SECS)),
        };
        let charge = self.status_within(charge_id, wait).await?;
        drop(hold);
        Ok(StatusAnswer {
            charge,
            retry_after_secs,
        })
    }

    async fn status_within(
        &self,
        charge_id: &str,
        wait: Duration,
    ) -> Result<Payment, MerchantError> {
        let deadline = Instant::now() + wait;
        // Registered before the first read, so a change between the read and the wait still
        // wakes it.
        let mut waiting = self.records.waiters().wait_on(charge_id);
        // Only the merchant's own charges: a browser cannot read arbitrary charges here. The
        // copy kept since the charge's last change, if there is one (`waiters`), else read.
        let read_copy = async |waiting: &Waiting| {
            if let Some(kept) = waiting.kept() {
                return Ok(kept);
            }
            let wakes = waiting.wakes();
            let copy = self.records.copy(charge_id).await?.ok_or_else(|| {
                MerchantError::NotFound(format!("charge {charge_id} was not found"))
            })?;
            waiting.keep(wakes, &copy);
            Ok::<_, MerchantError>(copy)
        };
        let (mut charge, mut refreshed_ms) = read_copy(&waiting).await?;
        loop {
            let age_ms = now_ms() - refreshed_ms;
            let webhooks = self.webhooks(now_ms()).await?;
            let refresh_after = webhooks.refresh_after_ms();
            let mut until_refresh_ms = refresh_after - age_ms;
            // A re-read is within the instance's budget: the safety net's while webhooks
            // flow, a larger one while they are silent; past it, this customer's turn comes a
            // few seconds later (spread, so that the customers refused together do not all
            // ask again together).
            let due = charge.status == Status::Pending && age_ms >= refresh_after;
            let budget = match webhooks {
                Webhooks::Silent => &self.records.rereads().silent,
                Webhooks::Flowing => &self.records.rereads().safety_net,
            };
            if due && !budget.take(Instant::now()) {
                until_refresh_ms = rand::random_range(REFUSED_REREAD_MS);
            } else if due {
                // How often waiting customers cost the gateway a read, and why, for the
                // benchmarks (`scripts/bench-reaction.mjs`).
                tracing::debug!(
                    charge = charge_id,
                    webhooks_silent = webhooks == Webhooks::Silent,
                    "waiting customer's copy re-read"
                );
                match self.refresh_once(charge_id, refreshed_ms).await {
                    Some(fresh) => {
                        charge = fresh;
                        refreshed_ms = now_ms();
                        until_refresh_ms = refresh_after;
                    }
                    // The gateway is slow or failing: the copy is what is known, and the
                    // re-read is tried again a while later, not at once.
                    None => until_refresh_ms = RETRY_REFRESH_MS,
                }
            }
            let now = Instant::now();
            if charge.status != Status::Pending || now >= deadline {
                return Ok(charge);
            }
            // Checked again at least every FALLBACK_REFRESH_MS, in case webhooks stop meanwhile.
            let until_refresh = Duration::from_millis(
                u64::try_from(until_refresh_ms.min(FALLBACK_REFRESH_MS)).unwrap_or(0),
            );
            tokio::select! {
                // The copy changed (on any instance; every instance's waiters are woken after a
                // lost notification too): read it again.
                _ = waiting.changed() => (charge, refreshed_ms) = read_copy(&waiting).await?,
                // Time to see whether a re-read is due, which needs no read of the copy: it has
                // not changed, or the wake-up above would have come. At 10,000 waiting
                // customers, reading it anyway cost the database 1,000 reads a second.
                _ = tokio::time::sleep_until(deadline.min(now + until_refresh).into()) => {}
            }
        }
    }

    /// Handles one webhook delivery (`webhooks`): its signature (and timestamp, where the
    /// gateway signs one) verified with the checkout's keys or those of the endpoints
    /// registered through the gateway's API, each event once, the payment it announces re-read
    /// from the gateway. What it answers (`{"received": id}`), or why not: a failure is a 5xx
    /// so that the gateway delivers the event again.
    pub async fn receive_webhook(
        &self,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Value, MerchantError> {
        let delivery = match crate::webhooks::verified::<C>(headers, body, &self.webhook_keys) {
            Ok(delivery) => delivery,
            // Perhaps signed by an endpoint registered through the API: its key is in the
            // records (read only now, so a checkout whose keys are configured reads nothing).
            Err(MerchantError::Unauthorized(why)) => {
                let registered: Vec<Vec<u8>> = self
                    .records
                    .webhook_secrets(C::NAME)
                    .await?
                    .into_iter()
                    .map(String::into_bytes)
                    .collect();
                if registered.is_empty() {
                    return Err(MerchantError::Unauthorized(why));
                }
                crate::webhooks::verified::<C>(headers, body, &registered)?
            }
            Err(other) => return Err(other),
        };
        self.last_webhook_ms.store(now_ms(), Ordering::Relaxed);
        let started = Instant::now();
        let answer = crate::webhooks::handle_once(&self.records, &delivery, async {
            let Some(payment) = &delivery.payment else {
                return Ok(Noted::No);
            };
            // Its order read once, for both the question and the settlement.
            let noted = match self.records.order_of(payment).await? {
                Some(order) => {
                    self.refresh_of(payment, Some(&order), Some(&delivery.event))
                        .await?;
                    Noted::Yes
                }
                None => {
                    self.adopt(payment).await?;
                    Noted::No
                }
            };
            tracing::info!(event = %delivery.event, %payment, "webhook handled");
            Ok(noted)
        })
        .await;
        // With the refresh's own figures, what the event's bookkeeping (whether it was
        // handled, marking it) adds: for the benchmarks.
        tracing::debug!(
            event = %delivery.event,
            total_ms = millis(started.elapsed()),
            "webhook answered"
        );
        answer
    }
}

/// `duration` in milliseconds, to a microsecond: how the timings are logged.
fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1_000.0
}

/// The hold of a request that asked to `wait`, shortened by up to [`HOLD_SPREAD`] of it as
/// `random` (in `0.0..1.0`) says.
fn spread(wait: Duration, random: f64) -> Duration {
    wait.mul_f64(1.0 - HOLD_SPREAD * random.clamp(0.0, 1.0))
}

/// Query of `GET {PATH}/:id`.
#[derive(Debug, Deserialize)]
struct Wait {
    /// Seconds to hold the request while the payment is pending (at most [`MAX_WAIT_SECS`]).
    wait: Option<u32>,
}

async fn payments_show<C: Gateway, O: Orders>(
    State(checkout): State<Arc<Checkout<C, O>>>,
    Path(id): Path<String>,
    Query(query): Query<Wait>,
    headers: HeaderMap,
    extensions: Extensions,
) -> Result<Response, MerchantError> {
    let wait = Duration::from_secs(u64::from(query.wait.unwrap_or(0).min(MAX_WAIT_SECS)));
    let customer = extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| checkout.proxies.client(peer.ip(), &headers));
    let answer = checkout.status(&id, wait, customer).await?;
    let mut response = Json(answer.charge).into_response();
    if let Some(seconds) = answer.retry_after_secs {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    Ok(response)
}

async fn webhooks_receive<C: Gateway, O: Orders>(
    State(checkout): State<Arc<Checkout<C, O>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, MerchantError> {
    Ok(Json(checkout.receive_webhook(&headers, &body).await?))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    #[test]
    fn holds_are_cut_by_up_to_a_fifth_at_random() {
        let wait = Duration::from_secs(25);
        assert_eq!(super::spread(wait, 0.0), wait);
        for step in 0..1_000 {
            let held = super::spread(wait, f64::from(step) / 1_000.0);
            assert!(held <= wait && held > Duration::from_secs(20), "{held:?}");
        }
        // Spread across the whole fifth, not bunched: the customers of one moment come back
        // over five seconds.
        let holds: Vec<Duration> = (0..1_000)
            .map(|_| super::spread(wait, rand::random()))
            .collect();
        let (shortest, longest) = (holds.iter().min().unwrap(), holds.iter().max().unwrap());
        assert!(
            longest.saturating_sub(*shortest) > Duration::from_millis(4_500),
            "{shortest:?}..{longest:?}"
        );
    }

    #[test]
    fn the_return_url_names_the_order_encoded() {
        let url = super::with_order("https://shop.example/return", "ord_1").unwrap();
        assert_eq!(url, "https://shop.example/return?order=ord_1");
        let url = super::with_order("https://shop.example/pay?step=2", "A&B 1").unwrap();
        assert_eq!(url, "https://shop.example/pay?step=2&order=A%26B+1");
        assert!(super::with_order("not a url", "ord_1").is_err());
    }
}
