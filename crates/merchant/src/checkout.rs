//! The widget's merchant contract on the Omise API (README, "Merchant server contract"):
//!
//! - `POST /checkout/charges` with `{"source", "order"}`: charges the order's amount (never
//!   one from the browser) after checking that the source was made for it; one charge per
//!   order and source, however often the request is repeated;
//! - `GET /checkout/charges/:id?wait=N`: this merchant's charge, held up to N seconds (at
//!   most 30) while pending, woken by the webhook that changes it;
//! - `POST /webhooks/omise`: the gateway's signed events, verified with their timestamp,
//!   handled once each, and re-read from the gateway rather than trusted.
//!
//! Status requests read the merchant's copy of each charge ([`crate::records`]), so waiting
//! customers cost the gateway nothing. Should webhooks stop arriving, a copy older than
//! [`FALLBACK_REFRESH_MS`] is re-read once for all its waiters (while they arrive, only one
//! older than [`SLOW_FALLBACK_REFRESH_MS`]).

use crate::client::OmiseClient;
use crate::connector::Settled;
use crate::customers::{HeldRequests, Proxies};
use crate::error::MerchantError;
use crate::orders::Orders;
use crate::records::{now_ms, Records};
use axum::body::Bytes;
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{header, Extensions, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use paywasm_core::checkout::{Payment, Status};
use paywasm_core::ids::{PrefixedId, SourceId};
use paywasm_core::method::Flow;
use paywasm_core::omise::objects::Charge;
use paywasm_core::time::Timestamp;
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
/// webhooks may be misconfigured or down. Re-reading every waiting charge this often costs the
/// gateway a read per charge every 10 s (1,000 a second at 10,000 waiting customers), which is
/// why it is not done while webhooks flow (BENCHMARKS.md).
pub const FALLBACK_REFRESH_MS: i64 = 10_000;

/// Longest hold of a status request, in seconds.
pub const MAX_WAIT_SECS: u32 = 30;
/// Most status requests held at once on one instance (each costs a task and a connection);
/// past it, a status request is answered at once.
pub const MAX_HELD: usize = 20_000;
/// Most status requests of one customer (one address) held at once: a customer waits on one
/// charge; the rest is room for the customers behind one carrier-grade NAT. Past it, a status
/// request is answered at once.
pub const MAX_HELD_PER_CUSTOMER: usize = 32;
/// What an answer given at once past a cap tells the client (`Retry-After`, seconds): when to
/// ask again, as the widget does anyway after an answer that was not held.
pub const RETRY_AFTER_UNHELD_SECS: u32 = 3;
/// Longest a waiting customer's re-read of its charge may take (the client's own repeats
/// included).
const REFRESH_DEADLINE: Duration = Duration::from_secs(5);
/// After a re-read that failed, how long until the next (ms).
const RETRY_REFRESH_MS: i64 = 2_000;

/// The most a charge request works on its order, gateway calls included: past it the
/// customer is asked to try again (the work is abandoned, and a repeat finds what it left).
pub const CHARGE_DEADLINE: Duration = Duration::from_secs(12);
/// How long a charge request's hold on its order lasts unless renewed (ms): the holder renews
/// it every [`ORDER_LOCK_RENEW`] while it works, so the hold of an instance that died runs
/// out this soon after.
const ORDER_LOCK_MS: i64 = 3_000;
/// How often a working charge request renews its hold.
const ORDER_LOCK_RENEW: Duration = Duration::from_secs(1);
/// How long a charge request waits for another request of the same order to finish: beyond
/// [`CHARGE_DEADLINE`], the longest a live holder works.
const ORDER_LOCK_WAIT: Duration = Duration::from_secs(15);

/// `url` with the `order` query parameter `reference` (encoded: a merchant's references may
/// hold any character): where a customer returns to.
pub(crate) fn with_order(url: &str, reference: &str) -> Result<String, MerchantError> {
    let mut url = reqwest::Url::parse(url).map_err(|error| {
        MerchantError::Internal(format!("the return URL {url:?} is not a URL: {error}"))
    })?;
    url.query_pairs_mut().append_pair("order", reference);
    Ok(url.into())
}

/// The Omise checkout of one merchant: its orders, its records, its client of the gateway.
pub struct Checkout<O> {
    orders: O,
    records: Records,
    gateway: OmiseClient,
    webhook_key: Vec<u8>,
    return_url: String,
    /// When the last verified webhook arrived here, or was handled by any instance as the
    /// records last said (ms): the fallback refresh depends on it.
    last_webhook_ms: AtomicI64,
    /// When the records were last asked for it (ms): at most once a second.
    last_webhook_checked_ms: AtomicI64,
    /// One re-read of a charge at a time, for all its waiters (by charge).
    refreshing: std::sync::Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// Status requests held now ([`MAX_HELD`] and [`MAX_HELD_PER_CUSTOMER`] unless limited).
    held: HeldRequests,
    /// The merchant's own proxies, which name the customer.
    proxies: Proxies,
    /// How long a customer may take to pay a QR, in seconds (0: the gateway account's default).
    qr_lifetime_secs: AtomicI64,
}

/// The answer to a status request.
#[derive(Debug, Clone)]
pub struct StatusAnswer {
    /// The charge, as the widget reads it.
    pub charge: Payment,
    /// When the request could not be held (a cap was reached): the seconds after which to
    /// ask again (`Retry-After`).
    pub retry_after_secs: Option<u32>,
}

impl<O: Orders> Checkout<O> {
    /// The checkout of `orders`, kept in `records`, through `gateway`; webhooks are signed
    /// with `webhook_key` (the decoded secret); after an `app_redirect` the customer returns
    /// to `return_url` with `?order=` (or `&order=`) and the order's reference.
    ///
    /// `return_url` is the merchant's public address, the same on every instance: a charge
    /// request that one instance sent before it died is sent again by the instance the
    /// customer moves to, under the same `Idempotency-Key`, and the gateway takes it for the
    /// same request only if its body is the same.
    pub fn new(
        orders: O,
        records: Records,
        gateway: OmiseClient,
        webhook_key: Vec<u8>,
        return_url: String,
    ) -> Arc<Self> {
        Arc::new(Self {
            orders,
            records,
            gateway,
            webhook_key,
            return_url,
            // Webhooks are presumed to flow from the start; silence is noticed after 10 s.
            last_webhook_ms: AtomicI64::new(now_ms()),
            last_webhook_checked_ms: AtomicI64::new(0),
            refreshing: std::sync::Mutex::default(),
            held: HeldRequests::new(MAX_HELD, MAX_HELD_PER_CUSTOMER),
            proxies: Proxies::default(),
            qr_lifetime_secs: AtomicI64::new(0),
        })
    }

    /// The routes of the contract: `/checkout/charges`, `/checkout/charges/{id}` (what the
    /// browser calls: give them the CORS a hosted page needs) and `/webhooks/omise`.
    pub fn routes(self: &Arc<Self>) -> (Router, Router) {
        let browser = Router::new()
            .route("/checkout/charges", post(charges_create::<O>))
            .route("/checkout/charges/{id}", get(charges_show::<O>))
            .with_state(self.clone());
        let webhooks = Router::new()
            .route("/webhooks/omise", post(webhooks_receive::<O>))
            .with_state(self.clone());
        (browser, webhooks)
    }

    /// Holds at most `max` status requests at once on this instance (default [`MAX_HELD`]):
    /// past it, a status request is answered at once with the copy. Each held request costs
    /// a task and a connection; size it to the connections the server may keep open.
    pub fn limit_held(&self, max: usize) {
        self.held.limit(Some(max), None);
    }

    /// Holds at most `max` status requests of one customer at once (default
    /// [`MAX_HELD_PER_CUSTOMER`]). Customers are told apart by address: serve the routes with
    /// `into_make_service_with_connect_info::<SocketAddr>`, and name the merchant's proxies
    /// ([`Checkout::trust_proxies`]); without the peers' addresses only the total is capped.
    pub fn limit_held_per_customer(&self, max: usize) {
        self.held.limit(None, Some(max));
    }

    /// The merchant's proxies in front of this server (load balancers, a CDN's addresses):
    /// requests from them name the customer in `X-Forwarded-For`
    /// ([`crate::customers::client_ip`]). None by default: the peer is the customer.
    pub fn trust_proxies(&self, proxies: Vec<IpAddr>) {
        self.proxies.trust(proxies);
    }

    /// How long a customer may take to pay a QR this checkout shows (PromptPay), unless the
    /// order says ([`crate::orders::Order::qr_lifetime`]): sent as the charge's `expires_at`,
    /// at most the method's own limit (24 h). Without it, the gateway account's default.
    pub fn set_qr_lifetime(&self, lifetime: Duration) {
        let secs = i64::try_from(lifetime.as_secs()).unwrap_or(i64::MAX);
        self.qr_lifetime_secs.store(secs, Ordering::Relaxed);
    }

    /// When a QR charge of `order` made now should expire, if the order or the checkout says.
    fn qr_expiry(
        &self,
        order: &crate::orders::Order,
        method: paywasm_core::method::SourceType,
    ) -> Option<Timestamp> {
        let method = method.method();
        if method.flow != Flow::Offline {
            return None;
        }
        let secs = match order.qr_lifetime {
            Some(lifetime) => i64::try_from(lifetime.as_secs()).unwrap_or(i64::MAX),
            None => self.qr_lifetime_secs.load(Ordering::Relaxed),
        };
        (secs > 0).then(|| {
            let now = Timestamp(now_ms() / 1_000);
            now.plus_seconds(secs.clamp(1, method.default_expiry_secs))
        })
    }

    /// The merchant's records.
    pub fn records(&self) -> &Records {
        &self.records
    }

    /// The client of the gateway.
    pub fn gateway(&self) -> &OmiseClient {
        &self.gateway
    }

    /// The merchant's orders.
    pub fn orders(&self) -> &O {
        &self.orders
    }

    /// Whether `charge_id` is one of this merchant's charges.
    pub async fn owns(&self, charge_id: &str) -> Result<bool, MerchantError> {
        Ok(self.records.order_of(charge_id).await?.is_some())
    }

    /// Re-reads a charge from the gateway (the seeds' advice after a webhook), tells the
    /// merchant's orders how it ended, and keeps the copy, which wakes its waiters.
    pub async fn refresh(&self, charge_id: &str) -> Result<Payment, MerchantError> {
        let charge = self.gateway.charge(charge_id).await?;
        if let Some(order) = self.records.order_of(charge_id).await? {
            self.settle(&order, &charge).await?;
        }
        let copy = Payment::from(&charge);
        self.records.update_copy(&copy, now_ms()).await?;
        Ok(copy)
    }

    /// Tells the merchant's orders what `charge` of order `reference`, as the gateway has it
    /// now, means for the order (`settlement`). Safe to repeat, on any instance.
    pub async fn settle(&self, reference: &str, charge: &Charge) -> Result<(), MerchantError> {
        crate::settlement::settle(
            &self.orders,
            &self.records,
            &self.gateway,
            reference,
            &Settled::from(charge),
        )
        .await
    }

    /// Keeps `charge`, just made for order `reference`, as one of its charges and, if the
    /// gateway decided it at once (an in-store code paid on the spot), tells the orders now:
    /// its webhook may have come and gone before the charge was known here. The copy kept,
    /// which a webhook may have brought up to date meanwhile.
    pub async fn record(&self, reference: &str, charge: &Charge) -> Result<Payment, MerchantError> {
        let copy = Payment::from(charge);
        self.records
            .record_charge(reference, &copy, now_ms())
            .await?;
        if copy.status.is_terminal() {
            self.settle(reference, charge).await?;
            self.records.update_copy(&copy, now_ms()).await?;
        }
        Ok(match self.records.copy(&copy.id).await? {
            Some((kept, _)) => kept,
            None => copy,
        })
    }

    /// Charges order `reference` with source `source_id`, or refuses. The order's earlier
    /// charges that can still be paid are ended first, so that an order has one payable
    /// charge at most; a paid order is refused (`order_paid`). The work goes on to its end
    /// (or its deadline) even if the customer's connection drops meanwhile.
    pub async fn charge(
        self: &Arc<Self>,
        reference: &str,
        source_id: &str,
    ) -> Result<Payment, MerchantError> {
        let checkout = self.clone();
        let (reference, source_id) = (reference.to_owned(), source_id.to_owned());
        tokio::spawn(async move { checkout.charge_now(&reference, &source_id).await })
            .await
            .map_err(|error| MerchantError::Internal(format!("a charge request stopped: {error}")))?
            .map_err(for_the_customer)
    }

    async fn charge_now(&self, reference: &str, source_id: &str) -> Result<Payment, MerchantError> {
        if SourceId::parse(source_id).is_none() {
            return Err(MerchantError::BadRequest(
                "source must be a source id (src_...)".into(),
            ));
        }
        let order = crate::orders::payable(&self.orders, reference).await?;
        self.refuse_if_paid(reference).await?;
        let source = self.gateway.source(source_id).await?;
        if source.amount != order.amount || source.currency != order.currency {
            return Err(MerchantError::Refused(
                "amount_mismatch",
                format!(
                    "the source is for {} {} but the order costs {} {}",
                    source.currency.format_decimal(source.amount),
                    source.currency,
                    order.currency.format_decimal(order.amount),
                    order.currency
                ),
            ));
        }
        let holder = format!("{:032x}", rand::random::<u128>());
        self.lock_order(reference, &holder).await?;
        let charged = tokio::time::timeout(
            CHARGE_DEADLINE,
            self.holding(
                reference,
                &holder,
                self.charge_locked(reference, &order, &source),
            ),
        )
        .await
        .unwrap_or_else(|_| {
            Err(MerchantError::Unavailable(
                "the payment gateway did not answer in time: try again".into(),
            ))
        });
        self.records.unlock_order(reference, &holder).await?;
        charged
    }

    /// Runs `work` while renewing `holder`'s hold on order `reference` every
    /// [`ORDER_LOCK_RENEW`]: a live request keeps its hold however long the gateway takes,
    /// and the hold of an instance that died runs out within [`ORDER_LOCK_MS`].
    async fn holding<T>(
        &self,
        reference: &str,
        holder: &str,
        work: impl std::future::Future<Output = T>,
    ) -> T {
        tokio::pin!(work);
        loop {
            tokio::select! {
                done = &mut work => return done,
                _ = tokio::time::sleep(ORDER_LOCK_RENEW) => {
                    let now = now_ms();
                    if let Err(error) = self
                        .records
                        .lock_order(reference, holder, now, now + ORDER_LOCK_MS)
                        .await
                    {
                        tracing::warn!(%error, order = %reference, "a hold on an order could not be renewed");
                    }
                }
            }
        }
    }

    /// Refuses a charge of an order that a charge already paid (`order_paid`).
    async fn refuse_if_paid(&self, reference: &str) -> Result<(), MerchantError> {
        crate::settlement::refuse_if_paid(&self.records, reference).await
    }

    /// Takes order `reference` for this request: one charge request of an order at a time,
    /// on any instance. Waits a while for another to finish, then asks the customer to try
    /// again.
    async fn lock_order(&self, reference: &str, holder: &str) -> Result<(), MerchantError> {
        let give_up = Instant::now() + ORDER_LOCK_WAIT;
        loop {
            let now = now_ms();
            if self
                .records
                .lock_order(reference, holder, now, now + ORDER_LOCK_MS)
                .await?
            {
                return Ok(());
            }
            if Instant::now() >= give_up {
                return Err(MerchantError::Unavailable(
                    "another payment of this order is being started: try again in a moment".into(),
                ));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The charge of `reference` under the order's lock: earlier charges ended, this one
    /// noted before it is asked for, then asked for and kept.
    async fn charge_locked(
        &self,
        reference: &str,
        order: &crate::orders::Order,
        source: &paywasm_core::omise::objects::Source,
    ) -> Result<Payment, MerchantError> {
        // One charge per order and source, however often the widget or this server repeats the
        // request after a lost answer: the gateway answers a repeated key with the first charge.
        let key = format!("checkout-{reference}-{}", source.id);
        self.end_earlier_charges(reference, &key).await?;
        self.refuse_if_paid(reference).await?;
        let first = self
            .records
            .attempts(reference)
            .await?
            .into_iter()
            .find(|(attempt, ..)| *attempt == key);
        let params: Vec<(String, String)> = match first {
            // A repeat sends what the first request sent, its `expires_at` too: the gateway
            // takes a repeated key for the same request only with the same body.
            Some((_, sent, _)) => serde_json::from_str(&sent)?,
            None => {
                let mut params = vec![
                    ("amount".to_owned(), order.amount.0.to_string()),
                    ("currency".to_owned(), order.currency.to_string()),
                    ("source".to_owned(), source.id.to_string()),
                    (
                        "return_uri".to_owned(),
                        with_order(&self.return_url, reference)?,
                    ),
                    ("description".to_owned(), order.description.clone()),
                    ("metadata[order_id]".to_owned(), reference.to_owned()),
                ];
                if let Some(expires_at) = self.qr_expiry(order, source.source_type) {
                    params.push(("expires_at".to_owned(), expires_at.to_string()));
                }
                params
            }
        };
        self.records
            .begin_attempt(&key, reference, &serde_json::to_string(&params)?)
            .await?;
        let charge = self.send_attempt(&key, &params).await?;
        self.records.finish_attempt(&key, &charge.id).await?;
        self.record(reference, &charge).await
    }

    /// Sends the charge request under `key` (again, when it was sent before).
    async fn send_attempt(
        &self,
        key: &str,
        params: &[(String, String)],
    ) -> Result<Charge, MerchantError> {
        let params: Vec<(&str, String)> = params
            .iter()
            .map(|(name, value)| (name.as_str(), value.clone()))
            .collect();
        self.gateway.create_charge_idempotent(&params, key).await
    }

    /// Ends every charge of order `reference` that can still be paid, but the one of request
    /// `key` (a repeat of it gets that charge): expired at the gateway, then re-read and
    /// settled. A request whose answer was lost with its process is sent again first, to
    /// learn its charge. Refuses when one of them was paid meanwhile (`order_paid`).
    async fn end_earlier_charges(&self, reference: &str, key: &str) -> Result<(), MerchantError> {
        let mut mine = None;
        for (attempt, params, charge_id) in self.records.attempts(reference).await? {
            if let Some(charge_id) = charge_id {
                if attempt == key {
                    mine = Some(charge_id);
                }
                continue;
            }
            // Sent before, its answer lost (this request's own first attempt among them: its
            // charge may have been recorded meanwhile by its webhook, and must not be taken
            // for an earlier one).
            let params: Vec<(String, String)> = serde_json::from_str(&params)?;
            match self.send_attempt(&attempt, &params).await {
                Ok(charge) => {
                    self.records.finish_attempt(&attempt, &charge.id).await?;
                    self.record(reference, &charge).await?;
                    if attempt == key {
                        mine = Some(charge.id.into());
                    }
                }
                // Refused: the gateway made no charge under it.
                Err(MerchantError::Refused(_, why)) => {
                    tracing::info!(%attempt, %why, "an unanswered charge request was refused when sent again");
                }
                Err(other) => return Err(other),
            }
        }
        for copy in self.records.charges_of(reference).await? {
            if copy.status.is_terminal() || mine.as_deref() == Some(copy.id.as_str()) {
                continue;
            }
            match self.gateway.expire(&copy.id).await {
                // Refused: the charge was decided meanwhile; the re-read below says how.
                Ok(_) | Err(MerchantError::Refused(..)) => {}
                Err(other) => return Err(other),
            }
            let now = self.refresh(&copy.id).await?;
            if now.status == Status::Successful {
                self.refuse_if_paid(reference).await?;
            } else if !now.status.is_terminal() {
                return Err(MerchantError::Unavailable(format!(
                    "an earlier payment of order {reference} could not be ended yet: try again"
                )));
            }
        }
        Ok(())
    }

    /// How old a pending copy may get before it is re-read, given how recently a webhook came
    /// to any instance. With several instances, the gateway's deliveries may all reach
    /// another one: before this instance takes the webhooks for stopped, it asks the records
    /// (at most once a second), which know when any instance last handled one.
    async fn refresh_after_ms(&self, now_ms: i64) -> Result<i64, MerchantError> {
        let silent = |last: i64| now_ms - last >= FALLBACK_REFRESH_MS;
        let mut last = self.last_webhook_ms.load(Ordering::Relaxed);
        if silent(last)
            && now_ms - self.last_webhook_checked_ms.swap(now_ms, Ordering::Relaxed) >= 1_000
        {
            if let Some(handled) = self.records.last_webhook_ms().await? {
                last = last.max(handled);
                self.last_webhook_ms.fetch_max(handled, Ordering::Relaxed);
            }
        }
        Ok(if silent(last) {
            FALLBACK_REFRESH_MS
        } else {
            SLOW_FALLBACK_REFRESH_MS
        })
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
            self.held.hold(customer)
        };
        let (wait, retry_after_secs) = match hold {
            Some(_) => (wait, None),
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
        loop {
            // Only the merchant's own charges: a browser cannot read arbitrary charges here.
            let (mut charge, refreshed_ms) =
                self.records.copy(charge_id).await?.ok_or_else(|| {
                    MerchantError::NotFound(format!("charge {charge_id} was not found"))
                })?;
            let mut age_ms = now_ms() - refreshed_ms;
            let refresh_after = self.refresh_after_ms(now_ms()).await?;
            if charge.status == Status::Pending && age_ms >= refresh_after {
                match self.refresh_once(charge_id, refreshed_ms).await {
                    Some(fresh) => charge = fresh,
                    // The gateway is slow or failing: the copy is what is known, and the
                    // re-read is tried again a while later, not at once.
                    None => age_ms = refresh_after - RETRY_REFRESH_MS,
                }
            }
            let now = Instant::now();
            if charge.status != Status::Pending || now >= deadline {
                return Ok(charge);
            }
            // Checked again at least every FALLBACK_REFRESH_MS, in case webhooks stop meanwhile.
            let until_refresh = Duration::from_millis(
                u64::try_from((refresh_after - age_ms).min(FALLBACK_REFRESH_MS)).unwrap_or(0),
            );
            tokio::select! {
                _ = waiting.changed() => {}
                _ = tokio::time::sleep_until(deadline.min(now + until_refresh).into()) => {}
            }
        }
    }

    /// Handles one webhook delivery (`webhooks`): its signature and timestamp
    /// verified, each event once, the charge re-read from the gateway. What it answers
    /// (`{"received": id}`), or why not: a failure is a 5xx so that the gateway delivers the
    /// event again.
    pub async fn receive_webhook(
        &self,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Value, MerchantError> {
        let delivery = crate::webhooks::verified::<OmiseClient>(
            headers,
            body,
            std::slice::from_ref(&self.webhook_key),
        )?;
        self.last_webhook_ms.store(now_ms(), Ordering::Relaxed);
        crate::webhooks::handle_once(&self.records, &delivery, async {
            if let Some(charge) = &delivery.payment {
                if self.owns(charge).await? {
                    self.refresh(charge).await?;
                } else {
                    self.adopt(charge).await?;
                }
                tracing::info!(event = %delivery.event, %charge, "webhook handled");
            }
            Ok(())
        })
        .await
    }
}

impl<O: Orders> Checkout<O> {
    /// A webhook about charge `charge_id`, which this server has not recorded: its event may
    /// have overtaken the gateway's answer to the request that made it (an in-store code paid
    /// on the spot is announced as soon as the gateway commits it). The charge is read from
    /// the gateway (never the event's copy): when its metadata names one of the merchant's
    /// orders, as every charge this library makes does, it is recorded and settled now, so
    /// the order is paid without waiting for a delivery again. A charge that names no order
    /// of the merchant's is not this checkout's (one made from the dashboard, another
    /// integration on the same account). A failure to read it is an error answer: the
    /// gateway delivers the event again.
    async fn adopt(&self, charge_id: &str) -> Result<(), MerchantError> {
        let charge = match self.gateway.charge(charge_id).await {
            Ok(charge) => charge,
            // Not at the gateway under this key: not this merchant's.
            Err(MerchantError::NotFound(_)) => return Ok(()),
            Err(other) => return Err(other),
        };
        let reference = charge.metadata.get("order_id").and_then(Value::as_str);
        if let Some(reference) = reference {
            if self.orders.order(reference).await?.is_some() {
                self.record(reference, &charge).await?;
            }
        }
        Ok(())
    }
}

/// What the customer's browser may be told of `error`: the gateway's own sentences name its
/// objects and pages (ids, URLs), which are the merchant's business, so a refusal by the
/// gateway goes to the log and the customer gets a sentence saying what to do.
fn for_the_customer(error: MerchantError) -> MerchantError {
    match error {
        MerchantError::Refused("payment_refused", detail) => {
            tracing::info!(%detail, "the gateway refused a charge");
            MerchantError::Refused(
                "payment_refused",
                "The payment provider refused this payment. Try again, or choose another way \
                 to pay."
                    .into(),
            )
        }
        other => other,
    }
}

/// `POST /checkout/charges` body.
#[derive(Debug, Deserialize)]
struct CreateCharge {
    /// The source the widget created (`src_...`).
    source: String,
    /// The merchant's order reference.
    order: String,
}

async fn charges_create<O: Orders>(
    State(checkout): State<Arc<Checkout<O>>>,
    body: Result<Json<CreateCharge>, JsonRejection>,
) -> Result<(StatusCode, Json<Payment>), MerchantError> {
    let Json(request) = body.map_err(|rejection| {
        MerchantError::BadRequest(format!(
            "send JSON {{\"source\": \"src_...\", \"order\": \"...\"}}: {}",
            rejection.body_text()
        ))
    })?;
    let charge = checkout.charge(&request.order, &request.source).await?;
    Ok((StatusCode::CREATED, Json(charge)))
}

/// Query of `GET /checkout/charges/:id`.
#[derive(Debug, Deserialize)]
struct Wait {
    /// Seconds to hold the request while the charge is pending (at most [`MAX_WAIT_SECS`]).
    wait: Option<u32>,
}

async fn charges_show<O: Orders>(
    State(checkout): State<Arc<Checkout<O>>>,
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

async fn webhooks_receive<O: Orders>(
    State(checkout): State<Arc<Checkout<O>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, MerchantError> {
    Ok(Json(checkout.receive_webhook(&headers, &body).await?))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_return_url_names_the_order_encoded() {
        let url = super::with_order("https://shop.example/return", "ord_1").unwrap();
        assert_eq!(url, "https://shop.example/return?order=ord_1");
        let url = super::with_order("https://shop.example/pay?step=2", "A&B 1").unwrap();
        assert_eq!(url, "https://shop.example/pay?step=2&order=A%26B+1");
        assert!(super::with_order("not a url", "ord_1").is_err());
    }
}
