//! Who is asking: the customer's address behind the merchant's own proxies, and what each
//! customer may hold open at once.

use axum::http::HeaderMap;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, RwLock};

/// The customer's address, for a request that came from `peer` with `headers`: `peer` itself,
/// unless it is one of the merchant's `trusted` proxies; then the right-most address of
/// `X-Forwarded-For` that is not one of them (each proxy appends the address it saw, so the
/// entries left of it are the client's to write, and may be forged).
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|entry| entry.trim().parse().ok())
        .collect();
    forwarded
        .iter()
        .rev()
        .find(|address| !trusted.contains(address))
        .or(forwarded.first())
        .copied()
        .unwrap_or(peer)
}

/// The merchant's own proxies (load balancers): the customer's address is the one they name
/// in `X-Forwarded-For`, not theirs ([`client_ip`]). None by default.
#[derive(Debug, Default)]
pub(crate) struct Proxies(RwLock<Vec<IpAddr>>);

impl Proxies {
    /// Trusts `proxies` from now on.
    pub(crate) fn trust(&self, proxies: Vec<IpAddr>) {
        *self
            .0
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = proxies;
    }

    /// The customer behind a request from `peer` with `headers`.
    pub(crate) fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let trusted = self
            .0
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        client_ip(peer, headers, &trusted)
    }
}

/// The requests held open on one instance (status requests waiting for their charge), at
/// most so many in all and so many per customer: each costs a task and a connection, and one
/// client holding thousands would leave none for the others.
#[derive(Debug)]
pub(crate) struct HeldRequests {
    total: AtomicUsize,
    max_total: AtomicUsize,
    by_customer: Mutex<HashMap<IpAddr, usize>>,
    max_per_customer: AtomicUsize,
}

/// Most status requests held at once on one instance (each costs a task and a connection);
/// past it, a status request is answered at once.
pub const MAX_HELD: usize = 20_000;
/// Most status requests of one customer (one address) held at once: a customer waits on one
/// charge; the rest is room for the customers behind one carrier-grade NAT. Past it, a status
/// request is answered at once.
pub const MAX_HELD_PER_CUSTOMER: usize = 32;

impl Default for HeldRequests {
    /// At most [`MAX_HELD`] in all, [`MAX_HELD_PER_CUSTOMER`] of one customer.
    fn default() -> Self {
        Self::new(MAX_HELD, MAX_HELD_PER_CUSTOMER)
    }
}

impl HeldRequests {
    /// At most `max_total` in all, `max_per_customer` of one customer.
    pub(crate) fn new(max_total: usize, max_per_customer: usize) -> Self {
        Self {
            total: AtomicUsize::new(0),
            max_total: AtomicUsize::new(max_total),
            by_customer: Mutex::default(),
            max_per_customer: AtomicUsize::new(max_per_customer),
        }
    }

    /// Changes the caps.
    pub(crate) fn limit(&self, max_total: Option<usize>, max_per_customer: Option<usize>) {
        if let Some(max) = max_total {
            self.max_total.store(max, Ordering::Relaxed);
        }
        if let Some(max) = max_per_customer {
            self.max_per_customer.store(max, Ordering::Relaxed);
        }
    }

    /// Leave to hold one more request of `customer` (unknown when the server was not given
    /// the peers' addresses: then only the total is capped), counted until the [`Hold`] is
    /// dropped; `None` past a cap.
    pub(crate) fn hold(&self, customer: Option<IpAddr>) -> Option<Hold<'_>> {
        let before = self.total.fetch_add(1, Ordering::AcqRel);
        let mut hold = Hold {
            held: self,
            customer: None,
        };
        if before >= self.max_total.load(Ordering::Relaxed) {
            return None;
        }
        if let Some(customer) = customer {
            let mut by_customer = self
                .by_customer
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let count = by_customer.entry(customer).or_insert(0);
            if *count >= self.max_per_customer.load(Ordering::Relaxed) {
                if *count == 0 {
                    by_customer.remove(&customer);
                }
                return None;
            }
            *count += 1;
            hold.customer = Some(customer);
        }
        Some(hold)
    }
}

/// One held request, counted until dropped (answered, or dropped with a client that went
/// away).
#[derive(Debug)]
pub(crate) struct Hold<'a> {
    held: &'a HeldRequests,
    customer: Option<IpAddr>,
}

impl Drop for Hold<'_> {
    fn drop(&mut self) {
        self.held.total.fetch_sub(1, Ordering::AcqRel);
        if let Some(customer) = self.customer {
            let mut by_customer = self
                .held
                .by_customer
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            if let Some(count) = by_customer.get_mut(&customer) {
                *count -= 1;
                if *count == 0 {
                    by_customer.remove(&customer);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{client_ip, HeldRequests};
    use axum::http::{HeaderMap, HeaderValue};
    use std::net::IpAddr;

    fn ip(text: &str) -> IpAddr {
        text.parse()
            .unwrap_or_else(|_| unreachable!("a test address"))
    }

    /// Before: the customer's address was the socket's peer, which behind a load balancer is
    /// the balancer (every customer one address to Alipay's risk checks).
    #[test]
    fn the_customer_is_named_by_the_merchants_own_proxies_only() {
        let balancer = ip("10.0.0.2");
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_static("203.0.113.9, 198.51.100.7"),
        );
        // Behind the merchant's balancer: the right-most address it did not add itself.
        assert_eq!(
            client_ip(balancer, &headers, &[balancer]),
            ip("198.51.100.7")
        );
        // Straight from a client: what it writes in the header is not believed.
        assert_eq!(
            client_ip(ip("192.0.2.1"), &headers, &[balancer]),
            ip("192.0.2.1")
        );
        assert_eq!(client_ip(balancer, &headers, &[]), balancer);
        // Two proxies of the merchant's in a row.
        let cdn = ip("198.51.100.7");
        assert_eq!(
            client_ip(balancer, &headers, &[balancer, cdn]),
            ip("203.0.113.9")
        );
        assert_eq!(
            client_ip(balancer, &HeaderMap::new(), &[balancer]),
            balancer
        );
    }

    #[test]
    fn one_customer_holds_at_most_its_share_and_all_at_most_the_total() {
        let held = HeldRequests::new(5, 2);
        let (one, two, three) = (ip("192.0.2.1"), ip("192.0.2.2"), ip("192.0.2.3"));
        let first = held.hold(Some(one)).expect("the first of one");
        let second = held.hold(Some(one)).expect("the second of one");
        assert!(
            held.hold(Some(one)).is_none(),
            "a third of one is past its share"
        );
        let others = [
            held.hold(Some(two)),
            held.hold(Some(two)),
            held.hold(Some(three)),
        ];
        assert!(others.iter().all(Option::is_some));
        assert!(held.hold(Some(three)).is_none(), "five held in all");
        assert!(held.hold(None).is_none(), "five held in all");
        drop(first);
        assert!(
            held.hold(Some(one)).is_some(),
            "one's share freed by an answer"
        );
        drop(second);
        drop(others);
        // Counts of customers with nothing held are forgotten (the table stays small).
        assert!(
            held.by_customer
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .len()
                <= 1
        );
    }
}
