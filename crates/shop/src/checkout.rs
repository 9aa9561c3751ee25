//! The shop's orders: it opens them for its product (or a cashier's sale), and the merchant
//! library reads them ([`ShopOrders`]) to serve the widget's contract
//! (`paywasm_merchant::checkout`), which charges only an order's own amount.
//!
//! A page view writes nothing: it hands out the reference of an order not yet stored (a
//! [`Listing`]'s), and the order is stored when the library first asks for it, to charge it.
//! A crawler reading product pages fills no table; a reference of the shop's form that it never
//! handed out is no more than a page view would give (an order of the product at its price).

use super::error::MerchantError;
use super::PRODUCT;
use paywasm_core::ids;
use paywasm_core::money::{Amount, Currency};
use paywasm_merchant::database::Database;

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

/// What a page sells: what an order it hands out is for, at what price.
#[derive(Debug, Clone, Copy)]
pub struct Listing {
    /// The product's name.
    pub product: &'static str,
    /// Its price, in the currency's smallest unit.
    pub amount: i64,
    /// In what.
    pub currency: &'static str,
}

impl Listing {
    /// The shop's product, in THB.
    pub(crate) const fn product() -> Self {
        Self {
            product: PRODUCT.name,
            amount: PRODUCT.amount,
            currency: PRODUCT.currency,
        }
    }

    /// A new order of this listing, not stored yet ([`ShopOrders::order`] stores it).
    pub(crate) fn new_order(self) -> Result<Order, MerchantError> {
        Ok(Order {
            id: String::from(ids::make::new::<ids::OrderId>()),
            product: self.product.to_owned(),
            amount: Amount(self.amount),
            currency: Currency::parse(self.currency)?,
            paid: false,
        })
    }
}

/// A new order of the shop's product, for a page: nothing is written.
pub(crate) fn new_order() -> Result<Order, MerchantError> {
    Listing::product().new_order()
}

/// Opens an order for `product` at `amount`.
pub(crate) async fn open_order(
    database: &Database,
    product: &str,
    amount: Amount,
    currency: Currency,
) -> Result<Order, MerchantError> {
    let id = String::from(ids::make::new::<ids::OrderId>());
    store_order(database, &id, product, amount, &currency).await?;
    Ok(Order {
        id,
        product: product.to_owned(),
        amount,
        currency,
        paid: false,
    })
}

/// Stores order `id`, unless it is stored already (two first charges of one order at once).
async fn store_order(
    database: &Database,
    id: &str,
    product: &str,
    amount: Amount,
    currency: &Currency,
) -> Result<(), MerchantError> {
    // The shop's own clock: it takes nothing of the gateway's.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX)
        });
    database
        .execute(
            "INSERT INTO orders (id, created_at, product, amount, currency) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (id) DO NOTHING",
            "INSERT INTO shop_orders (id, created_at, product, amount, currency) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (id) DO NOTHING",
            &[
                id.into(),
                now.into(),
                product.into(),
                amount.0.into(),
                currency.as_str().into(),
            ],
        )
        .await?;
    Ok(())
}

/// The order `id`, if the shop has it.
pub(crate) async fn find_order(
    database: &Database,
    id: &str,
) -> Result<Option<Order>, MerchantError> {
    let row: Option<(String, i64, String, bool)> = database
        .read_one(
            "SELECT product, amount, currency, paid FROM orders WHERE id = ?1",
            "SELECT product, amount, currency, paid FROM shop_orders WHERE id = $1",
            &[id.into()],
        )
        .await?;
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
/// is set (the WooshPay mode sells in CNY; its checkout does not see the THB orders), and the
/// orders of `listing` its pages handed out, stored when first asked for.
#[derive(Clone)]
pub struct ShopOrders {
    pub(crate) database: Database,
    pub(crate) currency: Option<&'static str>,
    pub(crate) listing: Listing,
}

impl ShopOrders {
    /// The order `reference`: the stored one, or, for a reference of the shop's form that is
    /// not stored yet (handed out by a page), the listing's, stored now.
    async fn stored(&self, reference: &str) -> Result<Option<Order>, MerchantError> {
        if let Some(order) = find_order(&self.database, reference).await? {
            return Ok(Some(order));
        }
        if !ids::make::has_plain_form::<ids::OrderId>(reference) {
            return Ok(None);
        }
        let listing = self.listing;
        let currency = Currency::parse(listing.currency)?;
        store_order(
            &self.database,
            reference,
            listing.product,
            Amount(listing.amount),
            &currency,
        )
        .await?;
        find_order(&self.database, reference).await
    }
}

impl paywasm_merchant::orders::Orders for ShopOrders {
    async fn order(
        &self,
        reference: &str,
    ) -> Result<Option<paywasm_merchant::orders::Order>, MerchantError> {
        let order = self.stored(reference).await?.filter(|order| {
            self.currency
                .is_none_or(|only| order.currency.as_str() == only)
        });
        Ok(order.map(|order| paywasm_merchant::orders::Order {
            description: format!("{} (order {reference})", order.product),
            amount: order.amount,
            currency: order.currency,
            paid: order.paid,
            // The checkout's (the gateway account's default unless set).
            qr_lifetime: None,
        }))
    }

    async fn record_payment(&self, reference: &str, charge_id: &str) -> Result<(), MerchantError> {
        self.database
            .execute(
                "UPDATE orders SET paid = 1 WHERE id = ?1",
                "UPDATE shop_orders SET paid = TRUE WHERE id = $1",
                &[reference.into()],
            )
            .await?;
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

    async fn record_stray_payment(
        &self,
        reference: &str,
        payment: &paywasm_merchant::orders::StrayPayment,
    ) -> Result<(), MerchantError> {
        use paywasm_merchant::orders::StrayReason;
        let reason = match &payment.reason {
            StrayReason::AlreadyPaid { by } => format!("order already paid by {by}"),
            StrayReason::AmountMismatch => "not what the order costs".to_owned(),
        };
        // Kept for the shop's staff to account for (and, unrefunded, to repay).
        self.database
            .execute(
                "INSERT INTO stray_payments (charge_id, order_id, amount, currency, reason, refund_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (charge_id) DO NOTHING",
                "INSERT INTO shop_stray_payments (charge_id, order_id, amount, currency, reason, refund_id)
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (charge_id) DO NOTHING",
                &[
                    (&payment.charge_id).into(),
                    reference.into(),
                    payment.amount.0.into(),
                    payment.currency.as_str().into(),
                    (&reason).into(),
                    payment.refund_id.as_deref().into(),
                ],
            )
            .await?;
        tracing::warn!(order = %reference, charge = %payment.charge_id, %reason, refund = ?payment.refund_id, "a payment did not pay its order");
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
        Ok(
            open_order(&self.database, description, amount, currency.clone())
                .await?
                .id,
        )
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
