// Benchmark: how fast a waiting customer hears that the gateway marked the charge paid, and how
// many waiting customers the reference merchant server holds, on one instance (SQLite) and on
// two instances sharing a PostgreSQL database, in the same run.
//
// Each simulated customer does what the widget does after showing the PromptPay QR: it asks the
// demo shop `GET /checkout/charges/:id?wait=25` again and again (long poll, woken by the
// gateway's webhook). The baseline, in the same run, polls `GET /checkout/charges/:id` every
// 2 s (Adyen's schedule). The gateway marks each charge paid at a random moment
// (`POST /charges/:id/mark_as_paid`); the latency is from that answer to the customer's answer.
// With two instances, customers are spread over both and every webhook reaches the first only
// (the worst case: half the customers are woken across instances, by LISTEN/NOTIFY).
//
//   node scripts/bench-reaction.mjs [customers=200] [scale=10000] [setups=sqlite,postgres]
// "postgres" needs PAYWASM_TEST_POSTGRES (a server: `source scripts/postgres.sh`); each run
// gets a database of its own. Prints one JSON line per figure (read by scripts/bench.mjs) after
// a readable summary.
import { spawn, execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { Agent, setGlobalDispatcher, fetch } from "undici";

const customers = Number(process.argv[2] ?? 200);
const scale = Number(process.argv[3] ?? 10000);
const setups = (process.argv[4] ?? "sqlite,postgres").split(",");
const PUBLIC = "Basic " + Buffer.from("pkey_test_5paywasmsandbox0demo0:").toString("base64");
const SECRET = "Basic " + Buffer.from("skey_test_5paywasmsandbox0demo0:").toString("base64");
const BINARY = "target/release/paywasm-sandbox";

// One connection per waiting customer, as browsers have; no pool limit.
setGlobalDispatcher(
  new Agent({ connections: null, pipelining: 0, connect: { timeout: 60_000 }, keepAliveTimeout: 60_000, headersTimeout: 60_000, bodyTimeout: 60_000 }),
);

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

const running = [];
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => (running.forEach((p) => p.kill()), process.exit(1)));
process.on("exit", () => running.forEach((p) => p.kill()));

/** Starts `paywasm-sandbox` with `args`; resolves once it prints its shop's URL. `log` collects
 *  what it logs of its work: the gateway's webhook delivery rounds (`rounds`), and the shop's
 *  time per webhook (`refreshes`: the gateway's re-read, the settlement, the copy kept;
 *  `webhooks`: the whole answer). */
async function start(args, log) {
  const child = spawn(BINARY, [...args, "--rate-limit", "0"], {
    stdio: ["ignore", "pipe", "ignore"],
    // The gateway's webhook rounds, so that a slow run explains itself (see `webhookRounds`).
    env: { ...process.env, NO_COLOR: "1", RUST_LOG: "paywasm_sandbox=info,paywasm_sandbox::api::delivery=trace,paywasm_merchant::checkout=debug" },
  });
  running.push(child);
  let unread = "";
  child.stdout.on("data", (chunk) => {
    const lines = (unread + String(chunk)).split("\n");
    unread = lines.pop();
    for (const raw of lines) {
      const line = raw.replace(/\x1b\[[0-9;]*m/g, "");
      const at = performance.now();
      const round = /webhook round delivered=(\d+) took_ms=(\d+) still_due=(-?\d+)/.exec(line);
      if (round) log.rounds.push({ at, delivered: +round[1], tookMs: +round[2], stillDue: +round[3] });
      const refresh = /payment refreshed .*read_ms=([\d.]+) settle_ms=([\d.]+) copy_ms=([\d.]+)/.exec(line);
      if (refresh) log.refreshes.push({ at, read: +refresh[1], settle: +refresh[2], copy: +refresh[3] });
      const answered = /webhook answered .*total_ms=([\d.]+)/.exec(line);
      if (answered) log.webhooks.push({ at, total: +answered[1] });
      const reread = /waiting customer's copy re-read .*webhooks_silent=(true|false)/.exec(line);
      if (reread) log.rereads.push({ at, silent: reread[1] === "true" });
      const turn = /webhook turn sweep_us=(\d+) turn_us=(\d+) room=(\d+)/.exec(line);
      if (turn) log.turns.push({ at, sweep: +turn[1], turn: +turn[2], room: +turn[3] });
      const attempt = /webhook attempt waited_ms=(-?\d+) queued_ms=(-?\d+) start_ms=(\d+) build_ms=(\d+) took_ms=(\d+) keep_ms=(\d+)/.exec(line);
      if (attempt) {
        const [waited, queued, start, build, took, keep] = attempt.slice(1).map(Number);
        log.attempts.push({ at, waited, queued, start, build, took, keep });
      }
    }
  });
  await new Promise((resolve, reject) => {
    child.stdout.on("data", (d) => String(d).includes("shop:") && resolve());
    child.on("exit", (code) => reject(new Error(`paywasm-sandbox ${args.join(" ")} stopped (${code}): are its ports free?`)));
  });
  return child;
}

/** The shops stand behind a proxy on loopback that names each customer (`X-Forwarded-For`), as a
 *  load balancer does: customers come from many addresses, and the shop's cap on one address's
 *  held requests (32, room for a carrier-grade NAT) is not what is measured. */
const behindProxy = ["--shop-trusted-proxy", "127.0.0.1"];
/** Customer `n`'s address, as the proxy names it. */
const addressOf = (n) => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;

/** A database of its own on the PostgreSQL server of PAYWASM_TEST_POSTGRES: its URL. */
function freshPostgres() {
  const server = process.env.PAYWASM_TEST_POSTGRES;
  if (!server) throw new Error("PAYWASM_TEST_POSTGRES: source scripts/postgres.sh first");
  const name = `paywasm_bench_${Date.now()}`;
  execFileSync("psql", [server, "-q", "-c", `CREATE DATABASE ${name}`]);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The processes of a setup: the gateway's URL and the shop instances' URLs, all started. */
async function setUp(setup, log) {
  if (setup === "sqlite") {
    const gateway = "127.0.0.1:17370", shop = "127.0.0.1:17371";
    const sandbox = await start(["--gateway", gateway, "--shop", shop, ...behindProxy], log);
    await sleep(300); // the WooshPay webhook registration
    return { name: "one instance, SQLite", gateway: `http://${gateway}`, shops: [`http://${shop}`], processes: [sandbox], processNames: ["gateway and shop"] };
  }
  // The gateway (its own demo shop unused) sends every event to instance A only.
  const database = freshPostgres();
  const [gateway, a, b] = ["127.0.0.1:17380", "127.0.0.1:17382", "127.0.0.1:17383"];
  const gatewayProcess = await start(["--gateway", gateway, "--shop", "127.0.0.1:17381", "--webhook-url", `http://${a}/webhooks/omise`], log);
  const shopArgs = (addr) => ["--gateway-url", `http://${gateway}`, "--shop", addr, "--shop-database", database, "--shop-public-url", `http://${a}`, ...behindProxy];
  const shops = [await start(shopArgs(a), log), await start(shopArgs(b), log)];
  await sleep(300);
  return { name: "two instances, PostgreSQL", gateway: `http://${gateway}`, shops: [`http://${a}`, `http://${b}`], processes: [gatewayProcess, ...shops], processNames: ["gateway", "shop A", "shop B"], database };
}

/** How many transactions the database of `url` has committed (each statement outside a
 *  transaction is one): what the shops asked of it, read beside a clock. */
const committed = (url) => Number(execFileSync("psql", [url, "-tA", "-c", "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"]).toString().trim());

/** CPU seconds (user and system) that process `pid` has used so far. */
function cpuSecs(pid) {
  // Fields 14 and 15 of /proc/PID/stat, after the command name (which may hold spaces).
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The CPU seconds of each party: this load generator, each sandbox process, PostgreSQL's. */
function cpuOf(processes) {
  let postgres = [];
  try {
    postgres = execFileSync("pgrep", ["-x", "postgres"], { encoding: "utf8" }).split("\n").filter(Boolean);
  } catch {
    // none running (pgrep exits 1)
  }
  const sum = (pids) => pids.reduce((total, pid) => { try { return total + cpuSecs(pid); } catch { return total; } }, 0);
  return [cpuSecs(process.pid), ...processes.map((p) => cpuSecs(p.pid)), sum(postgres)];
}

/** What a setup's processes hold in memory (KB). */
const rssKb = (processes) => processes.reduce((sum, p) => sum + Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p.pid}/status`, "utf8"))[1]), 0);

/** What the webhook worker did between `from` and `to` (performance.now()), in words, and where
 *  the shop's time per webhook went. */
function webhookRounds(log, from, to) {
  const shop = webhookTimes(log, from, to);
  const during = log.rounds.filter((r) => r.at >= from && r.at <= to);
  if (during.length === 0) return "no webhook rounds logged";
  const delivered = during.reduce((sum, r) => sum + r.delivered, 0);
  const slowest = Math.max(...during.map((r) => r.tookMs));
  const backlog = Math.max(...during.map((r) => r.stillDue));
  // The gateway logs each 64 attempts ended (up to 64 run at once, a new one as one ends).
  return `${delivered} webhooks, the slowest 64 to end took ${slowest} ms, at most ${backlog} still due then${shop}`;
}

/** The shop's time per webhook between `from` and `to`: p50 and p95 of each part, in words. */
function webhookTimes(log, from, to) {
  const within = (list) => list.filter((r) => r.at >= from && r.at <= to);
  const [refreshes, webhooks, attempts, rereads, turns] = [within(log.refreshes), within(log.webhooks), within(log.attempts), within(log.rereads), within(log.turns)];
  if (webhooks.length === 0) return "";
  const gateway = attempts.length === 0 ? "" :
    `\n  the gateway per delivery, ms p50/p95/p99 (${attempts.length} attempts): waiting to start ` +
    [50, 95, 99].map((p) => pct(attempts.map((r) => r.waited), p).toFixed(0)).join("/") +
    ", the request to its answer " + [50, 95, 99].map((p) => pct(attempts.map((r) => r.took), p).toFixed(0)).join("/") +
    // The gateway gives up on a request after 10 s, holding one of its 64 slots meanwhile.
    `, the slowest ${Math.max(...attempts.map((r) => r.took))}; ${attempts.filter((r) => r.took >= 10_000).length} unanswered within 10 s` +
    // The wait, taken apart: due until handed to a task, the task's start, its event read.
    "\n  the wait taken apart, ms p50/p95/p99: until handed to a task " +
    [50, 95, 99].map((p) => pct(attempts.map((r) => r.queued), p).toFixed(0)).join("/") +
    ", the task's start " + [50, 95, 99].map((p) => pct(attempts.map((r) => r.start), p).toFixed(0)).join("/") +
    ", its event read and signed " + [50, 95, 99].map((p) => pct(attempts.map((r) => r.build), p).toFixed(0)).join("/") +
    "; after the answer, its outcome kept " + [50, 95, 99].map((p) => pct(attempts.map((r) => r.keep), p).toFixed(0)).join("/") +
    (turns.length === 0 ? "" :
      `\n  the delivery worker's ${turns.length} turns, µs p50/p95/p99: the whole turn ` +
      [50, 95, 99].map((p) => pct(turns.map((r) => r.turn), p).toFixed(0)).join("/") +
      ", its expiry sweep " + [50, 95, 99].map((p) => pct(turns.map((r) => r.sweep), p).toFixed(0)).join("/") +
      `; ${turns.filter((r) => r.room === 0).length} turns with all 64 slots taken`);
  const part = (name, values) => `${name} ${pct(values, 50).toFixed(1)}/${pct(values, 95).toFixed(1)}`;
  const sum = (list, key) => list.reduce((total, r) => total + r[key], 0) / list.length;
  // The rest of an answer: verifying it, whether the event was handled, the payment's order,
  // marking the event handled.
  const rest = sum(webhooks, "total") - sum(refreshes, "read") - sum(refreshes, "settle") - sum(refreshes, "copy");
  return (
    `\n  the shop per webhook, ms p50/p95 (${webhooks.length} answered): ` +
    [part("whole answer", webhooks.map((r) => r.total)) + ` (p99 ${pct(webhooks.map((r) => r.total), 99).toFixed(1)})`, part("gateway re-read", refreshes.map((r) => r.read)), part("settlement", refreshes.map((r) => r.settle)), part("copy kept", refreshes.map((r) => r.copy))].join(", ") +
    `; the rest (event checked and marked, the order read) ${rest.toFixed(1)} on average` +
    // Re-reads besides the webhooks': a waiting customer's copy that grew old, while webhooks
    // flowed (the safety net, budgeted) or while the instance heard of none for 10 s.
    `; waiting customers' copies re-read besides: ${rereads.filter((r) => !r.silent).length} while webhooks flowed, ${rereads.filter((r) => r.silent).length} while the instance heard of none` +
    gateway
  );
}

/** Measures `setup`: reaction (long poll against 2 s polling) and, with `scale`, that many
 *  customers waiting at once. */
async function measure(setup) {
  const log = { rounds: [], refreshes: [], webhooks: [], attempts: [], rereads: [], turns: [] };
  const s = await setUp(setup, log);
  const shopOf = (n) => s.shops[n % s.shops.length];

  /** Customer `n` at the QR: an order at its instance, its PromptPay source, the charge. */
  async function customerAtQr(_, n) {
    const shop = shopOf(n);
    const page = await (await fetch(`${shop}/`)).text();
    const config = JSON.parse(/id="checkout-config">([^<]*)</.exec(page)[1]).widget;
    const source = await (
      await fetch(`${s.gateway}/sources`, {
        method: "POST",
        headers: { Authorization: PUBLIC, "Content-Type": "application/json" },
        body: JSON.stringify({ type: "promptpay", amount: config.amount, currency: config.currency }),
      })
    ).json();
    const charge = await (
      await fetch(`${shop}/checkout/charges`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ source: source.id, order: config.order }),
      })
    ).json();
    return { id: charge.id, shop, address: addressOf(n) };
  }

  /** Waits like the widget (long poll) or like the baseline (every 2 s); resolves when paid. */
  async function wait({ id, shop, address }, mode, stats) {
    for (;;) {
      const url = mode === "long-poll" ? `${shop}/checkout/charges/${id}?wait=25` : `${shop}/checkout/charges/${id}`;
      stats.requests++;
      const response = await fetch(url, { headers: { "X-Forwarded-For": address } });
      const charge = await response.json();
      if (charge.status !== "pending") return performance.now();
      // An answer that was not held says when to ask again, and the widget waits that long.
      const retryAfter = Number(response.headers.get("retry-after") ?? 0);
      if (mode === "poll-2s") await sleep(2000);
      else if (retryAfter > 0) await sleep(retryAfter * 1000);
    }
  }

  async function markPaid({ id }) {
    await fetch(`${s.gateway}/charges/${id}/mark_as_paid`, { method: "POST", headers: { Authorization: SECRET } });
    return performance.now();
  }

  /** `waiting` wait in `mode`; each is paid at a random moment within `spreadMs`. */
  async function reaction(waiting, mode, spreadMs) {
    const stats = { requests: 0 };
    const started = performance.now();
    const seen = waiting.map((c) => wait(c, mode, stats));
    const paid = waiting.map(async (c) => {
      await sleep(500 + Math.random() * spreadMs);
      return markPaid(c);
    });
    const [paidAt, seenAt] = [await Promise.all(paid), await Promise.all(seen)];
    const latencies = waiting.map((_, i) => Math.max(0, seenAt[i] - paidAt[i]));
    const minutes = (performance.now() - started) / 60_000;
    return { p50: pct(latencies, 50), p95: pct(latencies, 95), max: Math.max(...latencies), perMinute: stats.requests / waiting.length / minutes };
  }

  // 1. Reaction: long poll + webhooks against the 2-second polling baseline, same run.
  const spreadMs = 30_000;
  const longWaiting = await pool(Array.from({ length: customers }), 32, customerAtQr);
  const pollWaiting = await pool(Array.from({ length: customers }), 32, customerAtQr);
  const reactionFrom = performance.now();
  const [long, poll] = await Promise.all([reaction(longWaiting, "long-poll", spreadMs), reaction(pollWaiting, "poll-2s", spreadMs)]);
  console.log(`${s.name}: reaction, ${customers} customers each way, paid at random within ${spreadMs / 1000} s:`);
  console.log(`  long poll + webhook: p50 ${long.p50.toFixed(0)} ms, p95 ${long.p95.toFixed(0)} ms, max ${long.max.toFixed(0)} ms, ${long.perMinute.toFixed(1)} requests/min/customer`);
  console.log(`  2 s polling:         p50 ${poll.p50.toFixed(0)} ms, p95 ${poll.p95.toFixed(0)} ms, max ${poll.max.toFixed(0)} ms, ${poll.perMinute.toFixed(1)} requests/min/customer`);
  console.log(`  gateway meanwhile: ${webhookRounds(log, reactionFrom, performance.now())}`);
  const result = { name: s.name, long, poll };

  // 2. Scale: `scale` customers long-polling at once; then each paid at a random moment within
  // 60 s (about 170 payments a second for 10,000).
  if (scale > 0) {
    const arriving = performance.now();
    const waiting = await pool(Array.from({ length: scale }), 64, customerAtQr);
    console.log(`${s.name}: ${scale} customers at the QR in ${((performance.now() - arriving) / 1000).toFixed(0)} s`);
    await sleep(Number(process.env.SETTLE_MS ?? 1000));
    const before = rssKb(s.processes);
    const stats = { requests: 0 };
    // Customers arrive over a few seconds (a listen queue takes a burst of 10,000 connects badly).
    const seen = [];
    for (let i = 0; i < waiting.length; i += 250) {
      for (const c of waiting.slice(i, i + 250)) seen.push(wait(c, "long-poll", stats));
      await sleep(100);
    }
    await sleep(3000); // every customer holds a request now
    const during = rssKb(s.processes);
    const perCustomerKb = (during - before) / scale;
    const paymentsFrom = performance.now();
    const committedBefore = s.database && committed(s.database);
    const cpuBefore = cpuOf(s.processes);
    const paid = await Promise.all(
      waiting.map(async (c) => {
        await sleep(Math.random() * 60_000);
        return markPaid(c);
      }),
    );
    const seenAt = await Promise.all(seen);
    const cpuSpent = cpuOf(s.processes).map((secs, i) => secs - cpuBefore[i]);
    const seconds = (performance.now() - paymentsFrom) / 1000;
    const names = ["load generator", ...s.processNames, "PostgreSQL"];
    const alongside = [`  CPU during the payments (${seconds.toFixed(0)} s, 2 cores): ` + names.map((name, i) => `${name} ${((cpuSpent[i] / seconds) * 100).toFixed(0)}%`).join(", ")];
    if (s.database) {
      const perSecond = (committed(s.database) - committedBefore) / seconds;
      alongside.push(`  database during the payments: ${perSecond.toFixed(0)} statements a second (transactions committed, reads included)`);
    }
    const latencies = waiting.map((_, i) => Math.max(0, seenAt[i] - paid[i]));
    console.log(`${s.name}: ${scale} customers long-polling; RSS of its processes ${(before / 1024).toFixed(0)} MB -> ${(during / 1024).toFixed(0)} MB (${perCustomerKb.toFixed(1)} KB per waiting customer); woken after payment: p50 ${pct(latencies, 50).toFixed(0)} ms, p95 ${pct(latencies, 95).toFixed(0)} ms`);
    console.log(`  gateway during the payments: ${webhookRounds(log, paymentsFrom, performance.now())}`);
    for (const line of alongside) console.log(line);
    Object.assign(result, { perCustomerKb, scaleP95: pct(latencies, 95) });
  }
  for (const p of s.processes) p.kill();
  await sleep(300);
  return result;
}

const results = [];
for (const setup of setups) results.push(await measure(setup));

const figures = [];
const figure = (name, value, unit, target, baseline) => figures.push({ name, value, unit, target, baseline });
const [first] = results;
for (const r of results) {
  // Two instances are compared with one, measured in the same run; one with 2 s polling.
  const beside = r === first ? null : first;
  const label = results.length > 1 ? ` (${r.name})` : "";
  figure(`reaction p95 (long poll + webhook)${label}`, Math.round(r.long.p95), "ms", "< 300", beside ? `${Math.round(beside.long.p95)} (${beside.name})` : `${Math.round(r.poll.p95)} (2 s polling)`);
  figure(`requests per minute per waiting customer${label}`, Number(r.long.perMinute.toFixed(1)), "req/min", "<= 4", beside ? `${beside.long.perMinute.toFixed(1)} (${beside.name})` : `${r.poll.perMinute.toFixed(1)} (2 s polling)`);
  if (scale > 0) {
    figure(`waiting customers held (2 cores)${label}`, scale, "customers", ">= 10000", "");
    figure(`memory per waiting customer${label}`, Number(r.perCustomerKb.toFixed(1)), "KB", "measured", beside ? `${beside.perCustomerKb.toFixed(1)} (${beside.name})` : "");
    figure(`reaction p95 with ${scale} waiting${label}`, Math.round(r.scaleP95), "ms", "< 300", beside ? `${Math.round(beside.scaleP95)} (${beside.name})` : "");
  }
}
for (const f of figures) console.log(JSON.stringify(f));
process.exit(0);
