-- The return page reads an order's latest PaymentIntent: by order, as PostgreSQL's V1 had it.
CREATE INDEX IF NOT EXISTS wooshpay_intents_by_order ON wooshpay_intents (order_id, seq);
