//! The shop's orders: it opens them for its product (or a cashier's sale), and the merchant
//! library reads them ([`ShopOrders`]) to serve the widget's contract
//! (`paywasm_merchant::checkout`), which charges only an order's own amount.

use super::error::MerchantError;
use super::{ShopState, PRODUCT};
use paywasm_core::ids;
use paywasm_core::money::{Amount, Currency};
use rusqlite::OptionalExtension;

pub(crate) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS orders (
    id          TEXT PRIMARY KEY,
    created_at  INTEGER NOT NULL,
    product     TEXT NOT NULL,
    amount      INTEGER NOT NULL,
    currency    TEXT NOT NULL,
    paid        INTEGER NOT NULL DEFAULT 0
);
";

/// An order of the shop.
#[derive(Debug, Clone)]
pub struct Order {
    /// `ord_...`.
    pub id: String,
    /// What it is for.
    pub product: String,
    /// What it costs.
    pub amount: Amount,
    /// In what.
    pub currency: Currency,
    /// Whether a charge for it succeeded.
    pub paid: bool,
}

/// Opens an order for the shop's product.
pub(crate) fn create_order(state: &ShopState) -> Result<Order, MerchantError> {
    create_order_for(state, PRODUCT.name, Amount(PRODUCT.amount), Currency::thb())
}

/// Opens an order for `product` at `amount`.
pub(crate) fn create_order_for(
    state: &ShopState,
    product: &str,
    amount: Amount,
    currency: Currency,
) -> Result<Order, MerchantError> {
    create_in(&state.store, product, amount, currency)
}

fn create_in(
    store: &crate::store::Store,
    product: &str,
    amount: Amount,
    currency: Currency,
) -> Result<Order, MerchantError> {
    let id = String::from(crate::ids::new::<ids::OrderId>());
    let now = crate::api::now().unix();
    store.call(|db| {
        db.execute(
            "INSERT INTO orders (id, created_at, product, amount, currency) VALUES (?1, ?2, ?3, ?4, ?5)",
            rusqlite::params![id, now, product, amount.0, currency.as_str()],
        )
    })?;
    Ok(Order {
        id,
        product: product.to_owned(),
        amount,
        currency,
        paid: false,
    })
}

pub(crate) fn find_order(state: &ShopState, id: &str) -> Result<Option<Order>, MerchantError> {
    find_in(&state.store, id)
}

fn find_in(store: &crate::store::Store, id: &str) -> Result<Option<Order>, MerchantError> {
    let row = store.call(|db| {
        db.query_row(
            "SELECT product, amount, currency, paid FROM orders WHERE id = ?1",
            [id],
            |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, i64>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, bool>(3)?,
                ))
            },
        )
        .optional()
    })?;
    row.map(|(product, amount, currency, paid)| {
        Ok(Order {
            id: id.to_owned(),
            product,
            amount: Amount(amount),
            currency: Currency::parse(&currency)?,
            paid,
        })
    })
    .transpose()
}

/// The shop's orders, as the merchant library reads them: those in `currency` only, when it
/// is set (the WooshPay mode sells in CNY; its checkout does not see the THB orders).
#[derive(Clone)]
pub struct ShopOrders {
    pub(crate) store: crate::store::Store,
    pub(crate) currency: Option<&'static str>,
}

impl paywasm_merchant::orders::Orders for ShopOrders {
    async fn order(
        &self,
        reference: &str,
    ) -> Result<Option<paywasm_merchant::orders::Order>, MerchantError> {
        let order = find_in(&self.store, reference)?.filter(|order| {
            self.currency
                .is_none_or(|only| order.currency.as_str() == only)
        });
        Ok(order.map(|order| paywasm_merchant::orders::Order {
            description: format!("{} (order {reference})", order.product),
            amount: order.amount,
            currency: order.currency,
            paid: order.paid,
        }))
    }

    async fn record_payment(&self, reference: &str, charge_id: &str) -> Result<(), MerchantError> {
        self.store
            .call(|db| db.execute("UPDATE orders SET paid = 1 WHERE id = ?1", [reference]))?;
        tracing::info!(order = %reference, charge = %charge_id, "order paid");
        Ok(())
    }

    async fn record_failure(
        &self,
        reference: &str,
        charge_id: &str,
        failure_code: Option<&str>,
    ) -> Result<(), MerchantError> {
        // The order stays open: the customer may pay it with another charge.
        tracing::info!(order = %reference, charge = %charge_id, ?failure_code, "charge ended unpaid");
        Ok(())
    }
}

impl paywasm_merchant::pos::Sales for ShopOrders {
    async fn open_sale(
        &self,
        amount: Amount,
        currency: &Currency,
        description: &str,
    ) -> Result<String, MerchantError> {
        Ok(create_in(&self.store, description, amount, currency.clone())?.id)
    }

    async fn record_refund(
        &self,
        reference: &str,
        charge_id: &str,
        refund_id: &str,
        amount: Amount,
    ) -> Result<(), MerchantError> {
        // The demo keeps no books: the gateway's refund is the record.
        tracing::info!(order = %reference, charge = %charge_id, refund = %refund_id, amount = amount.0, "refunded");
        Ok(())
    }
}
