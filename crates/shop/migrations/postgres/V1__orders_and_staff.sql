-- The demo shop's tables, as every version before versioned migrations made them (hence IF
-- NOT EXISTS: on such a database this version changes nothing and is recorded).
CREATE TABLE IF NOT EXISTS shop_orders (
    id          TEXT PRIMARY KEY,
    created_at  BIGINT NOT NULL,
    product     TEXT NOT NULL,
    amount      BIGINT NOT NULL,
    currency    TEXT NOT NULL,
    paid        BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE TABLE IF NOT EXISTS shop_stray_payments (
    charge_id   TEXT PRIMARY KEY,
    order_id    TEXT NOT NULL,
    amount      BIGINT NOT NULL,
    currency    TEXT NOT NULL,
    reason      TEXT NOT NULL,
    refund_id   TEXT
);
CREATE TABLE IF NOT EXISTS shop_staff_key (
    singleton  INTEGER PRIMARY KEY CHECK (singleton = 1),
    key        BYTEA NOT NULL
);
CREATE TABLE IF NOT EXISTS shop_staff_sessions (
    id          TEXT PRIMARY KEY,
    staff       TEXT NOT NULL,
    expires_ms  BIGINT NOT NULL
);
