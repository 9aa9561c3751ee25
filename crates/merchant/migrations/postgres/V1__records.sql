-- The merchant library's records, as every version before versioned migrations made them
-- (hence IF NOT EXISTS: on such a database this version changes nothing and is recorded).
-- A migration, once released, is never edited: a change is a new version.
-- `seq` is an identity shared by every instance: two instances recording charges of one order
-- at once get distinct, ordered numbers.
CREATE TABLE IF NOT EXISTS paywasm_order_charges (
    charge_id     TEXT PRIMARY KEY,
    order_id      TEXT NOT NULL,
    seq           BIGINT GENERATED ALWAYS AS IDENTITY,
    charge        TEXT NOT NULL,
    refreshed_ms  BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS paywasm_order_charges_by_order ON paywasm_order_charges (order_id, seq);
CREATE TABLE IF NOT EXISTS paywasm_processed_events (
    id            TEXT PRIMARY KEY,
    processed_ms  BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS paywasm_processed_events_by_time ON paywasm_processed_events (processed_ms);
CREATE TABLE IF NOT EXISTS paywasm_wooshpay_intents (
    payment_intent  TEXT PRIMARY KEY,
    order_id        TEXT NOT NULL,
    client_secret   TEXT NOT NULL,
    seq             BIGINT GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX IF NOT EXISTS paywasm_wooshpay_intents_by_order ON paywasm_wooshpay_intents (order_id, seq);
CREATE TABLE IF NOT EXISTS paywasm_wooshpay_webhook_endpoints (
    endpoint  TEXT PRIMARY KEY,
    secret    TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS paywasm_pos_sales (
    key          TEXT PRIMARY KEY,
    fingerprint  TEXT NOT NULL,
    order_id     TEXT NOT NULL,
    charge_id    TEXT
);
CREATE TABLE IF NOT EXISTS paywasm_order_payments (
    order_id   TEXT PRIMARY KEY,
    charge_id  TEXT NOT NULL,
    paid_ms    BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS paywasm_stray_charges (
    charge_id  TEXT PRIMARY KEY,
    order_id   TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS paywasm_order_attempts (
    key        TEXT PRIMARY KEY,
    order_id   TEXT NOT NULL,
    params     TEXT NOT NULL,
    charge_id  TEXT
);
CREATE INDEX IF NOT EXISTS paywasm_order_attempts_by_order ON paywasm_order_attempts (order_id);
CREATE TABLE IF NOT EXISTS paywasm_order_locks (
    order_id  TEXT PRIMARY KEY,
    holder    TEXT NOT NULL,
    until_ms  BIGINT NOT NULL
);
