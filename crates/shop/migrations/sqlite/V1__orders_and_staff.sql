-- The demo shop's tables, as every version before versioned migrations made them (hence IF
-- NOT EXISTS: on such a database this version changes nothing and is recorded).
CREATE TABLE IF NOT EXISTS orders (
    id          TEXT PRIMARY KEY,
    created_at  INTEGER NOT NULL,
    product     TEXT NOT NULL,
    amount      INTEGER NOT NULL,
    currency    TEXT NOT NULL,
    paid        INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS stray_payments (
    charge_id   TEXT PRIMARY KEY,
    order_id    TEXT NOT NULL,
    amount      INTEGER NOT NULL,
    currency    TEXT NOT NULL,
    reason      TEXT NOT NULL,
    refund_id   TEXT
);
CREATE TABLE IF NOT EXISTS staff_key (
    singleton  INTEGER PRIMARY KEY CHECK (singleton = 1),
    key        BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS staff_sessions (
    id          TEXT PRIMARY KEY,
    staff       TEXT NOT NULL,
    expires_ms  INTEGER NOT NULL
);
