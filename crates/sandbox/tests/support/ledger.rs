//! The merchant's orders as the library sees them, in memory, with everything the library told
//! them: what the merchant-library tests give `Checkout` and `PointOfSale` for the merchant's
//! own books.

use paywasm_core::money::{Amount, Currency};
use paywasm_merchant::orders::{Order, Orders, StrayPayment};
use paywasm_merchant::pos::Sales;
use paywasm_merchant::MerchantError;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// A payment the library recorded: the order, the charge, and what the order cost then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// The order.
    pub order: String,
    /// The charge that paid it.
    pub charge: String,
    /// What the order cost when the payment was recorded.
    pub amount: Amount,
}

/// The merchant's orders as the library sees them, with everything it was told.
#[derive(Clone, Default)]
pub struct Ledger(pub Arc<Mutex<Books>>);

/// What the merchant's books hold.
#[derive(Default)]
pub struct Books {
    /// The orders, by reference.
    pub orders: HashMap<String, Order>,
    /// The payments recorded, each once.
    pub payments: Vec<Recorded>,
    /// The stray payments reported, each once, with their order.
    pub strays: Vec<(String, StrayPayment)>,
    /// The refunds the point of sale recorded.
    pub refunds: Vec<String>,
}

impl Ledger {
    pub fn open(&self, reference: &str, amount: i64) {
        self.open_in(reference, amount, Currency::thb());
    }

    pub fn open_in(&self, reference: &str, amount: i64, currency: Currency) {
        self.0.lock().unwrap().orders.insert(
            reference.to_owned(),
            Order {
                amount: Amount(amount),
                currency,
                description: format!("order {reference}"),
                paid: false,
                qr_lifetime: None,
            },
        );
    }

    pub fn reprice(&self, reference: &str, amount: i64) {
        if let Some(order) = self.0.lock().unwrap().orders.get_mut(reference) {
            order.amount = Amount(amount);
        }
    }

    pub fn payments_of(&self, reference: &str) -> Vec<String> {
        let mut charges: Vec<String> = (self.0.lock().unwrap().payments.iter())
            .filter(|payment| payment.order == reference)
            .map(|payment| payment.charge.clone())
            .collect();
        charges.dedup();
        charges
    }

    pub fn strays_of(&self, reference: &str) -> Vec<StrayPayment> {
        (self.0.lock().unwrap().strays.iter())
            .filter(|(order, _)| order == reference)
            .map(|(_, stray)| stray.clone())
            .collect()
    }
}

impl Orders for Ledger {
    async fn order(&self, reference: &str) -> Result<Option<Order>, MerchantError> {
        Ok(self.0.lock().unwrap().orders.get(reference).cloned())
    }

    async fn record_payment(&self, reference: &str, charge_id: &str) -> Result<(), MerchantError> {
        let mut books = self.0.lock().unwrap();
        let amount = books.orders.get(reference).map(|order| order.amount);
        if let Some(order) = books.orders.get_mut(reference) {
            order.paid = true;
        }
        let recorded = Recorded {
            order: reference.to_owned(),
            charge: charge_id.to_owned(),
            amount: amount.unwrap_or(Amount(-1)),
        };
        // Recording again is harmless (a repeat of the same event), as the trait asks.
        if !books
            .payments
            .iter()
            .any(|payment| payment.order == recorded.order && payment.charge == recorded.charge)
        {
            books.payments.push(recorded);
        }
        Ok(())
    }

    async fn record_failure(
        &self,
        _reference: &str,
        _charge_id: &str,
        _failure_code: Option<&str>,
    ) -> Result<(), MerchantError> {
        Ok(())
    }

    async fn record_stray_payment(
        &self,
        reference: &str,
        payment: &StrayPayment,
    ) -> Result<(), MerchantError> {
        let mut books = self.0.lock().unwrap();
        if !books
            .strays
            .iter()
            .any(|(_, stray)| stray.charge_id == payment.charge_id)
        {
            books.strays.push((reference.to_owned(), payment.clone()));
        }
        Ok(())
    }
}

impl Sales for Ledger {
    async fn open_sale(
        &self,
        amount: Amount,
        _currency: &Currency,
        _description: &str,
    ) -> Result<String, MerchantError> {
        let reference = format!("sale_{:016x}", rand::random::<u64>());
        self.open(&reference, amount.0);
        Ok(reference)
    }

    async fn record_refund(
        &self,
        _reference: &str,
        _charge_id: &str,
        refund_id: &str,
        _amount: Amount,
    ) -> Result<(), MerchantError> {
        self.0.lock().unwrap().refunds.push(refund_id.to_owned());
        Ok(())
    }
}
