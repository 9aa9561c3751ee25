// Benchmark: how fast a waiting customer hears that the gateway marked the charge paid, and how
// many waiting customers the reference merchant server holds.
//
// Each simulated customer does what the widget does after showing the PromptPay QR: it asks the
// demo shop `GET /checkout/charges/:id?wait=25` again and again (long poll, woken by the
// gateway's webhook). The baseline, in the same run, polls `GET /checkout/charges/:id` every
// 2 s (Adyen's schedule). The gateway marks each charge paid at a random moment
// (`POST /charges/:id/mark_as_paid`); the latency is from that answer to the customer's answer.
//
//   node scripts/bench-reaction.mjs [customers=200] [scale=10000]
// Prints one JSON line per figure (read by scripts/bench.mjs) after a readable summary.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { Agent, setGlobalDispatcher, fetch } from "undici";

const customers = Number(process.argv[2] ?? 200);
const scale = Number(process.argv[3] ?? 10000);
const GATEWAY = "http://127.0.0.1:17370";
const SHOP = "http://127.0.0.1:17371";
const PUBLIC = "Basic " + Buffer.from("pkey_test_5paywasmsandbox0demo0:").toString("base64");
const SECRET = "Basic " + Buffer.from("skey_test_5paywasmsandbox0demo0:").toString("base64");

// One connection per waiting customer, as browsers have; no pool limit.
setGlobalDispatcher(
  new Agent({ connections: null, pipelining: 0, connect: { timeout: 60_000 }, keepAliveTimeout: 60_000, headersTimeout: 60_000, bodyTimeout: 60_000 }),
);

const sandbox = spawn("target/release/paywasm-sandbox", ["--gateway", "127.0.0.1:17370", "--shop", "127.0.0.1:17371", "--rate-limit", "0"], {
  stdio: ["ignore", "pipe", "ignore"],
  // The gateway's webhook rounds, so that a slow run explains itself (see `webhookRounds`).
  env: { ...process.env, NO_COLOR: "1", RUST_LOG: "paywasm_sandbox=info,paywasm_sandbox::gateway::webhooks=debug" },
});
/** The gateway's webhook delivery rounds as it logs them (to stdout): when, how many, how long,
 *  what was left. */
const rounds = [];
let unread = "";
sandbox.stdout.on("data", (chunk) => {
  const lines = (unread + String(chunk)).split("\n");
  unread = lines.pop();
  for (const line of lines) {
    const round = /webhook round delivered=(\d+) took_ms=(\d+) still_due=(-?\d+)/.exec(line.replace(/\x1b\[[0-9;]*m/g, ""));
    if (round) rounds.push({ at: performance.now(), delivered: +round[1], tookMs: +round[2], stillDue: +round[3] });
  }
});
/** What the webhook worker did between `from` and `to` (performance.now()), in words. */
function webhookRounds(from, to) {
  const during = rounds.filter((r) => r.at >= from && r.at <= to);
  if (during.length === 0) return "no webhook rounds logged";
  const delivered = during.reduce((sum, r) => sum + r.delivered, 0);
  const slowest = Math.max(...during.map((r) => r.tookMs));
  const backlog = Math.max(...during.map((r) => r.stillDue));
  return `${delivered} webhooks in ${during.length} rounds, slowest round ${slowest} ms, at most ${backlog} still due after a round`;
}
await new Promise((resolve, reject) => {
  sandbox.stdout.on("data", (d) => String(d).includes("shop:") && resolve());
  sandbox.on("exit", (code) => reject(new Error(`the sandbox stopped (${code}): are ports 17370/17371 free?`)));
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => (sandbox.kill(), process.exit(1)));
process.on("exit", () => sandbox.kill());
await new Promise((resolve) => setTimeout(resolve, 300)); // the WooshPay webhook registration

const rssKb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${sandbox.pid}/status`, "utf8"))[1]);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const pct = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

/** Runs `work` over `items` with at most `limit` at once. */
async function pool(items, limit, work) {
  const results = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i], i);
      }
    }),
  );
  return results;
}

/** An order at the shop, its PromptPay source and the shop's charge: a customer at the QR. */
async function customerAtQr() {
  const page = await (await fetch(`${SHOP}/`)).text();
  const config = JSON.parse(/id="checkout-config">([^<]*)</.exec(page)[1]).widget;
  const source = await (
    await fetch(`${GATEWAY}/sources`, {
      method: "POST",
      headers: { Authorization: PUBLIC, "Content-Type": "application/json" },
      body: JSON.stringify({ type: "promptpay", amount: config.amount, currency: config.currency }),
    })
  ).json();
  const charge = await (
    await fetch(`${SHOP}/checkout/charges`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ source: source.id, order: config.order }),
    })
  ).json();
  return charge.id;
}

/** Waits like the widget (long poll) or like the baseline (every 2 s); resolves when paid. */
async function wait(id, mode, stats) {
  for (;;) {
    const url = mode === "long-poll" ? `${SHOP}/checkout/charges/${id}?wait=25` : `${SHOP}/checkout/charges/${id}`;
    stats.requests++;
    const charge = await (await fetch(url)).json();
    if (charge.status !== "pending") return performance.now();
    if (mode === "poll-2s") await sleep(2000);
  }
}

async function markPaid(id) {
  await fetch(`${GATEWAY}/charges/${id}/mark_as_paid`, { method: "POST", headers: { Authorization: SECRET } });
  return performance.now();
}

/** `ids` wait in `mode`; each is paid at a random moment within `spreadMs`. */
async function reaction(ids, mode, spreadMs) {
  const stats = { requests: 0 };
  const started = performance.now();
  const seen = ids.map((id) => wait(id, mode, stats));
  const paid = ids.map(async (id) => {
    await sleep(500 + Math.random() * spreadMs);
    return markPaid(id);
  });
  const [paidAt, seenAt] = [await Promise.all(paid), await Promise.all(seen)];
  const latencies = ids.map((_, i) => Math.max(0, seenAt[i] - paidAt[i]));
  const minutes = (performance.now() - started) / 60_000;
  return {
    p50: pct(latencies, 50),
    p95: pct(latencies, 95),
    max: Math.max(...latencies),
    perMinute: stats.requests / ids.length / minutes,
  };
}

const figures = [];
const figure = (name, value, unit, target, baseline) => figures.push({ name, value, unit, target, baseline });

// 1. Reaction: long poll + webhooks against the 2-second polling baseline, same run.
const spreadMs = 30_000;
const longIds = await pool(Array.from({ length: customers }), 32, customerAtQr);
const pollIds = await pool(Array.from({ length: customers }), 32, customerAtQr);
const reactionFrom = performance.now();
const [long, poll] = await Promise.all([reaction(longIds, "long-poll", spreadMs), reaction(pollIds, "poll-2s", spreadMs)]);
const reactionRounds = webhookRounds(reactionFrom, performance.now());
console.log(`reaction, ${customers} customers each way, paid at random within ${spreadMs / 1000} s:`);
console.log(`  long poll + webhook: p50 ${long.p50.toFixed(0)} ms, p95 ${long.p95.toFixed(0)} ms, max ${long.max.toFixed(0)} ms, ${long.perMinute.toFixed(1)} requests/min/customer`);
console.log(`  2 s polling:         p50 ${poll.p50.toFixed(0)} ms, p95 ${poll.p95.toFixed(0)} ms, max ${poll.max.toFixed(0)} ms, ${poll.perMinute.toFixed(1)} requests/min/customer`);
console.log(`  gateway meanwhile: ${reactionRounds}`);
figure("reaction p95 (long poll + webhook)", Math.round(long.p95), "ms", "< 300", `${Math.round(poll.p95)} (2 s polling)`);
figure("requests per minute per waiting customer", Number(long.perMinute.toFixed(1)), "req/min", "<= 4", `${poll.perMinute.toFixed(1)} (2 s polling)`);

// 2. Scale: `scale` customers long-polling at once; then each paid at a random moment within
// 60 s (about 170 payments a second for 10,000).
if (scale > 0) {
  const ids = await pool(Array.from({ length: scale }), 64, customerAtQr);
  await sleep(Number(process.env.SETTLE_MS ?? 1000));
  const before = rssKb();
  const stats = { requests: 0 };
  // Customers arrive over a few seconds (a listen queue takes a burst of 10,000 connects badly).
  const seen = [];
  for (let i = 0; i < ids.length; i += 250) {
    for (const id of ids.slice(i, i + 250)) seen.push(wait(id, "long-poll", stats));
    await sleep(100);
  }
  await sleep(3000); // every customer holds a request now
  const during = rssKb();
  const perCustomerKb = (during - before) / scale;
  const paymentsFrom = performance.now();
  const paid = await Promise.all(
    ids.map(async (id) => {
      await sleep(Math.random() * 60_000);
      return markPaid(id);
    }),
  );
  const seenAt = await Promise.all(seen);
  const paymentRounds = webhookRounds(paymentsFrom, performance.now());
  const latencies = ids.map((_, i) => Math.max(0, seenAt[i] - paid[i]));
  console.log(`scale: ${scale} customers long-polling; sandbox RSS ${(before / 1024).toFixed(0)} MB -> ${(during / 1024).toFixed(0)} MB (${perCustomerKb.toFixed(1)} KB per waiting customer); woken after payment: p50 ${pct(latencies, 50).toFixed(0)} ms, p95 ${pct(latencies, 95).toFixed(0)} ms`);
  console.log(`  gateway during the payments: ${paymentRounds}`);
  figure(`waiting customers held (2 cores)`, scale, "customers", ">= 10000", "");
  figure("memory per waiting customer", Number(perCustomerKb.toFixed(1)), "KB", "measured", "");
  figure(`reaction p95 with ${scale} waiting`, Math.round(pct(latencies, 95)), "ms", "< 300", "");
}

sandbox.kill();
for (const f of figures) console.log(JSON.stringify(f));
process.exit(0);
