-- One table of payments for every gateway, and one of webhook endpoints. The payments, in
-- place of Omise's charges (`order_charges`) and WooshPay's PaymentIntents
-- (`wooshpay_intents`): each payment names its gateway, keeps the
-- copy customers read and wait on, and, where the gateway has one, its client secret.
-- A PaymentIntent recorded before this version has no copy until its gateway is next read
-- (its webhook, or the return page); its order and client secret are kept.
CREATE TABLE payments (
    payment_id     TEXT PRIMARY KEY,
    gateway        TEXT NOT NULL,
    order_id       TEXT NOT NULL,
    seq            INTEGER NOT NULL,
    copy           TEXT,
    refreshed_ms   INTEGER NOT NULL,
    client_secret  TEXT
);
INSERT INTO payments (payment_id, gateway, order_id, seq, copy, refreshed_ms)
    SELECT charge_id, 'omise', order_id, seq, charge, refreshed_ms FROM order_charges;
-- After the order's charges, should an order have both (the demo shop offers both gateways).
INSERT INTO payments (payment_id, gateway, order_id, seq, refreshed_ms, client_secret)
    SELECT payment_intent, 'wooshpay', order_id,
           seq + (SELECT COALESCE(MAX(c.seq), 0) FROM order_charges c WHERE c.order_id = i.order_id),
           0, client_secret
    FROM wooshpay_intents i;
DROP TABLE order_charges;
DROP TABLE wooshpay_intents;
CREATE INDEX payments_by_order ON payments (order_id, seq);
-- The signing secrets of the merchant's webhook endpoints registered through the API, by
-- gateway, in place of WooshPay's own table.
CREATE TABLE webhook_endpoints (
    endpoint  TEXT PRIMARY KEY,
    gateway   TEXT NOT NULL,
    secret    TEXT NOT NULL
);
INSERT INTO webhook_endpoints (endpoint, gateway, secret)
    SELECT endpoint, 'wooshpay', secret FROM wooshpay_webhook_endpoints;
DROP TABLE wooshpay_webhook_endpoints;
