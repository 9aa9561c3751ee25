// Benchmark: what hostile traffic costs the sandbox (gateway and demo shop in one process, the
// release build, SQLite on disk), each attack beside a baseline in the same run.
//
// A normal customer (the figure that matters) opens the product page, makes a PromptPay source,
// asks the shop for the charge and waits on its long poll; the gateway then marks it paid. Its
// reaction is the time from that mark to the customer's answer. Customers come one after
// another, first alone (the baseline), then during each attack:
//   - signature flood: forged webhooks, each a 1 MB body with 10,000 empty signature candidates
//     (unauthenticated: anyone can send them);
//   - held long polls from one address: the shop holds at most --shop-max-held-per-customer
//     status requests of one customer (told apart by the address its proxy names); 1,500
//     clients from one address keep asking, each re-asking at once when answered;
//   - held long polls past the cap: the shop holds at most --shop-max-held status requests in
//     all; more clients than that, each from its own address, keep asking the same way;
//   - order and charge flood: product-page views and charge requests for their orders (a view
//     writes nothing; each charge request stores its order);
//   - deep nesting: POST /sources with the public key, a form key nested 20,000 deep.
// Each phase prints the customers' p95 reaction over the baseline's, the process's resident
// memory, its CPU time, what the attack sent, and whether the process stayed up.
//
//   node scripts/bench-abuse.mjs [customers=30] [seconds=8]
// Prints one JSON line per figure (read by scripts/bench.mjs) after a readable summary.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent, setGlobalDispatcher, fetch } from "undici";

const customers = Number(process.argv[2] ?? 30);
const seconds = Number(process.argv[3] ?? 8);
const PUBLIC = "Basic " + Buffer.from("pkey_test_5paywasmsandbox0demo0:").toString("base64");
const SECRET = "Basic " + Buffer.from("skey_test_5paywasmsandbox0demo0:").toString("base64");
const BINARY = "target/release/paywasm-sandbox";
const GATEWAY = "http://127.0.0.1:17270";
const SHOP = "http://127.0.0.1:17271";
const MAX_HELD = 500;

setGlobalDispatcher(new Agent({ connections: null, pipelining: 0, keepAliveTimeout: 30_000, headersTimeout: 60_000, bodyTimeout: 60_000 }));

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const pct = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

const data = mkdtempSync(join(tmpdir(), "paywasm-abuse-"));
const child = spawn(BINARY, ["--gateway", GATEWAY.slice(7), "--shop", SHOP.slice(7), "--data", data, "--rate-limit", "0", "--shop-max-held", String(MAX_HELD), "--shop-trusted-proxy", "127.0.0.1"], { stdio: ["ignore", "pipe", "ignore"] });
process.on("exit", () => {
  child.kill();
  rmSync(data, { recursive: true, force: true });
});
await new Promise((resolve, reject) => {
  child.stdout.on("data", (d) => String(d).includes("shop:") && resolve());
  child.on("exit", (code) => reject(new Error(`paywasm-sandbox stopped (${code}): are ports 17270-17271 free?`)));
});

/** The process's resident memory (MB) and CPU time so far (s). */
function usage() {
  const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
  const rss = Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
  const stat = readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1].split(" ");
  const cpu = (Number(stat[11]) + Number(stat[12])) / 100;
  return { rss, cpu };
}
const alive = () => {
  try {
    process.kill(child.pid, 0);
    return child.exitCode === null;
  } catch {
    return false;
  }
};

async function json(response) {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return { text };
  }
}

/** One customer's checkout; the reaction (ms) from the payment to its answer. */
async function customer() {
  const page = await (await fetch(`${SHOP}/`)).text();
  const config = JSON.parse(/id="checkout-config">(.*?)<\/script>/s.exec(page)[1]).widget;
  const source = await json(await fetch(`${GATEWAY}/sources`, { method: "POST", headers: { authorization: PUBLIC, "content-type": "application/json" }, body: JSON.stringify({ type: "promptpay", amount: config.amount, currency: "THB" }) }));
  const charge = await json(await fetch(`${SHOP}/checkout/charges`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ source: source.id, order: config.order }) }));
  if (!charge.id) throw new Error(`no charge: ${JSON.stringify(charge)}`);
  const waiting = (async () => {
    for (;;) {
      const seen = await json(await fetch(`${SHOP}/checkout/charges/${charge.id}?wait=20`));
      if (seen.status !== "pending") return performance.now();
    }
  })();
  await sleep(50);
  const paidAt = performance.now();
  await fetch(`${GATEWAY}/charges/${charge.id}/mark_as_paid`, { method: "POST", headers: { authorization: SECRET } }).then((r) => r.text());
  return (await waiting) - paidAt;
}

async function customersNow() {
  const reactions = [];
  for (let i = 0; i < customers; i++) reactions.push(await customer());
  return reactions;
}

/** Runs `attack` (a function sending one request, resolving when answered) from `clients`
 *  loops while the customers check out; what it cost. */
async function phase(name, clients, attack) {
  let stop = false;
  let sent = 0;
  let failed = 0;
  const before = usage();
  let peak = before.rss;
  const watch = setInterval(() => (peak = Math.max(peak, usage().rss)), 200);
  const loops = Array.from({ length: clients }, async () => {
    while (!stop) {
      try {
        await attack();
        sent++;
      } catch {
        failed++;
        await sleep(10);
      }
    }
  });
  const started = performance.now();
  await sleep(500);
  const reactions = await customersNow();
  const minimum = seconds * 1000 - (performance.now() - started);
  if (minimum > 0) await sleep(minimum);
  stop = true;
  const elapsed = (performance.now() - started) / 1000;
  await Promise.race([Promise.all(loops), sleep(30_000)]);
  clearInterval(watch);
  const after = usage();
  return { name, p95: pct(reactions, 95), p50: pct(reactions, 50), rate: sent / elapsed, failed, rss: after.rss, peak, cpu: after.cpu - before.cpu, elapsed, up: alive() };
}

// The baseline: customers alone.
const baselineStart = usage();
const baselineStarted = performance.now();
const baseline = await customersNow();
const baselineRow = { name: "no attack", p95: pct(baseline, 95), p50: pct(baseline, 50), rate: 0, failed: 0, rss: usage().rss, peak: usage().rss, cpu: usage().cpu - baselineStart.cpu, elapsed: (performance.now() - baselineStarted) / 1000, up: alive() };

const megabyte = JSON.stringify({ id: "evnt_test_forged", key: "charge.complete", data: { object: "charge", id: "chrg_test_x" }, pad: "x".repeat(1 << 20) });
const flood = ",".repeat(10_000);
const forged = () =>
  fetch(`${SHOP}/webhooks/omise`, { method: "POST", headers: { "content-type": "application/json", "omise-signature-timestamp": String(Math.floor(Date.now() / 1000)), "omise-signature": flood }, body: megabyte }).then((r) => r.arrayBuffer());

// A pending charge that the held polls wait on.
const page = await (await fetch(`${SHOP}/`)).text();
const held = JSON.parse(/id="checkout-config">(.*?)<\/script>/s.exec(page)[1]).widget;
const heldSource = await json(await fetch(`${GATEWAY}/sources`, { method: "POST", headers: { authorization: PUBLIC, "content-type": "application/json" }, body: JSON.stringify({ type: "promptpay", amount: held.amount, currency: "THB" }) }));
const heldCharge = await json(await fetch(`${SHOP}/checkout/charges`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ source: heldSource.id, order: held.order }) }));
// The customers' requests name no address (the shop sees the proxy's, 127.0.0.1); the
// attackers' name theirs, as the merchant's proxy would.
const pollFrom = (address) => () =>
  fetch(`${SHOP}/checkout/charges/${heldCharge.id}?wait=30`, { headers: { "x-forwarded-for": address } }).then((r) => r.arrayBuffer());
let nextAddress = 0;
const pollFromAnywhere = () => pollFrom(`198.18.${(nextAddress >> 8) & 255}.${nextAddress++ & 255}`)();

const orderFlood = async () => {
  const page = await (await fetch(`${SHOP}/`)).text();
  const config = JSON.parse(/id="checkout-config">(.*?)<\/script>/s.exec(page)[1]).widget;
  await fetch(`${SHOP}/checkout/charges`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ source: "src_test_doesnotexist0000000", order: config.order }) }).then((r) => r.arrayBuffer());
};
const deep = "a" + "[b]".repeat(20_000) + "=1";
const nesting = () => fetch(`${GATEWAY}/sources`, { method: "POST", headers: { authorization: PUBLIC, "content-type": "application/x-www-form-urlencoded" }, body: deep }).then((r) => r.arrayBuffer());

const rows = [baselineRow];
rows.push(await phase("signature flood (1 MB body, 10,000 empty candidates)", 8, forged));
rows.push(await phase(`held long polls: ${MAX_HELD * 3} clients of one address, its share 32`, MAX_HELD * 3, pollFrom("203.0.113.66")));
rows.push(await phase(`held long polls: ${MAX_HELD * 3} clients of many addresses, cap ${MAX_HELD}`, MAX_HELD * 3, pollFromAnywhere));
rows.push(await phase("order and charge flood", 16, orderFlood));
rows.push(await phase("deep nesting (20,000 levels)", 16, nesting));

console.log(`\nabuse: ${customers} customers per phase, release sandbox, SQLite on disk`);
console.log("| phase | customer p95 (p50) | over baseline | attack requests/s | CPU s | memory MB (peak) | up |");
console.log("|---|---|---|---|---|---|---|");
for (const r of rows) {
  console.log(`| ${r.name} | ${r.p95.toFixed(1)} ms (${r.p50.toFixed(1)}) | ${(r.p95 / baselineRow.p95).toFixed(2)}x | ${r.rate.toFixed(0)} | ${r.cpu.toFixed(1)} in ${r.elapsed.toFixed(1)} | ${r.rss.toFixed(0)} (${r.peak.toFixed(0)}) | ${r.up ? "yes" : "NO"} |`);
}
for (const r of rows.slice(1)) {
  console.log(JSON.stringify({ name: `abuse: ${r.name}`, value: `p95 ${r.p95.toFixed(0)} ms (${(r.p95 / baselineRow.p95).toFixed(2)}x), ${r.rate.toFixed(0)} req/s, ${r.peak.toFixed(0)} MB, up: ${r.up ? "yes" : "no"}`, unit: "", target: "up, p95 within 2x", baseline: `p95 ${baselineRow.p95.toFixed(0)} ms, ${baselineRow.rss.toFixed(0)} MB` }));
}
process.exit(rows.every((r) => r.up) ? 0 : 1);
