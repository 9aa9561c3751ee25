-- The merchant library's records, as every version before versioned migrations made them
-- (hence IF NOT EXISTS: on such a database this version changes nothing and is recorded).
-- A migration, once released, is never edited: a change is a new version.
-- `order_charges.seq` orders an order's charges (the latest is resumed).
CREATE TABLE IF NOT EXISTS order_charges (
    charge_id     TEXT PRIMARY KEY,
    order_id      TEXT NOT NULL,
    seq           INTEGER NOT NULL,
    charge        TEXT NOT NULL,
    refreshed_ms  INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS order_charges_by_order ON order_charges (order_id, seq);
CREATE TABLE IF NOT EXISTS processed_events (
    id            TEXT PRIMARY KEY,
    processed_ms  INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS processed_events_by_time ON processed_events (processed_ms);
CREATE TABLE IF NOT EXISTS wooshpay_intents (
    payment_intent  TEXT PRIMARY KEY,
    order_id        TEXT NOT NULL,
    client_secret   TEXT NOT NULL,
    seq             INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS wooshpay_webhook_endpoints (
    endpoint  TEXT PRIMARY KEY,
    secret    TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS pos_sales (
    key          TEXT PRIMARY KEY,
    fingerprint  TEXT NOT NULL,
    order_id     TEXT NOT NULL,
    charge_id    TEXT
);
CREATE TABLE IF NOT EXISTS order_payments (
    order_id   TEXT PRIMARY KEY,
    charge_id  TEXT NOT NULL,
    paid_ms    INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS stray_charges (
    charge_id  TEXT PRIMARY KEY,
    order_id   TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS order_attempts (
    key        TEXT PRIMARY KEY,
    order_id   TEXT NOT NULL,
    params     TEXT NOT NULL,
    charge_id  TEXT
);
CREATE INDEX IF NOT EXISTS order_attempts_by_order ON order_attempts (order_id);
CREATE TABLE IF NOT EXISTS order_locks (
    order_id  TEXT PRIMARY KEY,
    holder    TEXT NOT NULL,
    until_ms  INTEGER NOT NULL
);
