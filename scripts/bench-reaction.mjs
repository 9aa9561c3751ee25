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
import { Worker } from "node:worker_threads";
import { readFileSync, writeFileSync, openSync, closeSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { Agent, setGlobalDispatcher, fetch } from "undici";

const customers = Number(process.argv[2] ?? 200);
const scale = Number(process.argv[3] ?? 10000);
const setups = (process.argv[4] ?? "sqlite,postgres").split(",");
const PUBLIC = "Basic " + Buffer.from("pkey_test_5paywasmsandbox0demo0:").toString("base64");
const SECRET = "Basic " + Buffer.from("skey_test_5paywasmsandbox0demo0:").toString("base64");
const BINARY = "target/release/paywasm-sandbox";
/** Worker threads holding the scale figure's waiting customers (scripts/bench-customers.mjs). */
const CUSTOMER_THREADS = 4;
/** How the scale figure's customers began to wait: `herd` (all within 4 s, as after an
 *  outage; the figure's schedule since it began: their holds end together until the shops'
 *  spread of holds dissolves the wave) or `steady` (at any moment of one hold, as a day's
 *  customers do: 10,000 waiting ask 400 times a second, evenly). */
const ARRIVAL = process.env.ARRIVAL ?? "herd";

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
/** Where the processes' logs go (kept after the run, for a closer look). */
const logFolder = mkdtempSync(`${tmpdir()}/paywasm-bench-`);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => (running.forEach((p) => p.kill()), process.exit(1)));
process.on("exit", () => running.forEach((p) => p.kill()));

/** Starts `paywasm-sandbox` with `args`; resolves once it prints its shop's URL. Its log goes
 *  to a file, never a pipe: a pipe this busy process (10,000 customers) drains late fills up,
 *  and then every write to it blocks the server's threads, which is the server waiting on the
 *  benchmark, not on itself. `log` collects, when `readLogs` is called, the gateway's webhook
 *  rounds and the shops' time per webhook (`refreshes`: the gateway's re-read, the settlement,
 *  the copy kept; `webhooks`: the whole answer), each at the time the process wrote it. */
async function start(args, log) {
  const path = `${logFolder}/${running.length}.log`;
  const file = openSync(path, "w");
  const child = spawn(BINARY, [...args, "--rate-limit", "0"], {
    stdio: ["ignore", file, "ignore"],
    // The gateway's webhook rounds, so that a slow run explains itself (see `webhookRounds`).
    env: { ...process.env, NO_COLOR: "1", RUST_LOG: "paywasm_sandbox=info,paywasm_sandbox::api::delivery=trace,paywasm_merchant::checkout=debug,paywasm_merchant::database=trace" },
  });
  closeSync(file);
  running.push(child);
  log.files.push({ path, read: 0, unread: "" });
  let exited = null;
  child.on("exit", (code) => (exited = code));
  while (!readFileSync(path, "utf8").includes("shop:")) {
    if (exited !== null) throw new Error(`paywasm-sandbox ${args.join(" ")} stopped (${exited}): are its ports free?`);
    await sleep(50);
  }
  return child;
}

/** Reads what the processes logged since the last call into `log`; each line's `at` is its
 *  own timestamp on the `performance.now()` clock. */
function readLogs(log) {
  for (const file of log.files) {
    const bytes = readFileSync(file.path);
    const lines = (file.unread + bytes.subarray(file.read).toString()).split("\n");
    file.read = bytes.length;
    file.unread = lines.pop();
    for (const line of lines) {
      const stamp = /^(\S+Z)\s/.exec(line);
      if (!stamp) continue;
      const at = Date.parse(stamp[1]) - performance.timeOrigin;
      const round = /webhook round delivered=(\d+) took_ms=(\d+) still_due=(-?\d+)/.exec(line);
      if (round) log.rounds.push({ at, delivered: +round[1], tookMs: +round[2], stillDue: +round[3] });
      const refresh = /payment refreshed .*read_ms=([\d.]+) settle_ms=([\d.]+) copy_ms=([\d.]+)/.exec(line);
      if (refresh) log.refreshes.push({ at, read: +refresh[1], settle: +refresh[2], copy: +refresh[3] });
      const answered = /webhook answered .*total_ms=([\d.]+)/.exec(line);
      if (answered) log.webhooks.push({ at, total: +answered[1] });
      const reread = /waiting customer's copy re-read .*webhooks_silent=(true|false)/.exec(line);
      if (reread) log.rereads.push({ at, silent: reread[1] === "true" });
      const statement = /postgres statement pool_wait_us=(\d+) statement_us=(\d+)/.exec(line);
      if (statement) log.statements.push({ at, wait: +statement[1], run: +statement[2] });
      const turn = /webhook turn sweep_us=(\d+) turn_us=(\d+) room=(\d+)/.exec(line);
      if (turn) log.turns.push({ at, sweep: +turn[1], turn: +turn[2], room: +turn[3] });
      const attempt = /webhook attempt waited_ms=(-?\d+) queued_ms=(-?\d+) start_ms=(\d+) build_us=(\d+) took_ms=(\d+) keep_ms=(\d+)/.exec(line);
      if (attempt) {
        const [waited, queued, start, build, took, keep] = attempt.slice(1).map(Number);
        log.attempts.push({ at, waited, queued, start, build, took, keep });
      }
    }
  }
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
  readLogs(log);
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
  const [refreshes, webhooks, attempts, rereads, turns, statements] = [within(log.refreshes), within(log.webhooks), within(log.attempts), within(log.rereads), within(log.turns), within(log.statements)];
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
    ", its event read and signed (µs) " + [50, 95, 99].map((p) => pct(attempts.map((r) => r.build), p).toFixed(0)).join("/") +
    "; after the answer, its outcome kept " + [50, 95, 99].map((p) => pct(attempts.map((r) => r.keep), p).toFixed(0)).join("/") +
    (turns.length === 0 ? "" :
      `\n  the delivery worker's ${turns.length} turns, µs p50/p95/p99: the whole turn ` +
      [50, 95, 99].map((p) => pct(turns.map((r) => r.turn), p).toFixed(0)).join("/") +
      ", its expiry sweep " + [50, 95, 99].map((p) => pct(turns.map((r) => r.sweep), p).toFixed(0)).join("/") +
      `; ${turns.filter((r) => r.room === 0).length} turns with all 64 slots taken`);
  const part = (name, values) => `${name} ${[50, 95, 99].map((p) => pct(values, p).toFixed(1)).join("/")}`;
  const sum = (list, key) => list.reduce((total, r) => total + r[key], 0) / list.length;
  // The rest of an answer: verifying it, whether the event was handled, the payment's order,
  // marking the event handled.
  const rest = sum(webhooks, "total") - sum(refreshes, "read") - sum(refreshes, "settle") - sum(refreshes, "copy");
  return (
    `\n  the shop per webhook, ms p50/p95/p99 (${webhooks.length} answered): ` +
    [part("whole answer", webhooks.map((r) => r.total)), part("gateway re-read", refreshes.map((r) => r.read)), part("settlement", refreshes.map((r) => r.settle)), part("copy kept", refreshes.map((r) => r.copy))].join(", ") +
    `; the rest (event checked and marked, the order read) ${rest.toFixed(1)} on average` +
    // Re-reads besides the webhooks': a waiting customer's copy that grew old, while webhooks
    // flowed (the safety net, budgeted) or while the instance heard of none for 10 s.
    (statements.length === 0 ? "" :
      // Every PostgreSQL statement of the shops (webhooks, customers' waits, charges), its
      // wait for one of the pool's connections apart from its time on the server.
      `\n  the shops' ${statements.length} PostgreSQL statements, ms p50/p95/p99: waiting for a connection ` +
      [50, 95, 99].map((p) => (pct(statements.map((r) => r.wait), p) / 1000).toFixed(1)).join("/") +
      ", the statement " + [50, 95, 99].map((p) => (pct(statements.map((r) => r.run), p) / 1000).toFixed(1)).join("/")) +
    `; waiting customers' copies re-read besides: ${rereads.filter((r) => !r.silent).length} while webhooks flowed, ${rereads.filter((r) => r.silent).length} while the instance heard of none` +
    gateway
  );
}

/** Measures `setup`: reaction (long poll against 2 s polling) and, with `scale`, that many
 *  customers waiting at once. */
async function measure(setup) {
  const log = { files: [], rounds: [], refreshes: [], webhooks: [], attempts: [], rereads: [], turns: [], statements: [] };
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
    // Their long polls and payments run on worker threads (scripts/bench-customers.mjs).
    const workers = Array.from({ length: CUSTOMER_THREADS }, (_, w) => {
      const share = waiting.filter((_, i) => i % CUSTOMER_THREADS === w);
      return new Worker(new URL("./bench-customers.mjs", import.meta.url), { workerData: { customers: share, gateway: s.gateway, arrival: ARRIVAL } });
    });
    const message = (worker) => new Promise((resolve, reject) => (worker.once("message", resolve), worker.once("error", reject)));
    await Promise.all(workers.map(message));
    await sleep(3000); // every customer holds a request now
    const during = rssKb(s.processes);
    const perCustomerKb = (during - before) / scale;
    const paymentsFrom = performance.now();
    const committedBefore = s.database && committed(s.database);
    const cpuBefore = cpuOf(s.processes);
    const start = performance.timeOrigin + performance.now() + 100;
    const ends = workers.map((worker, w) => {
      const ended = message(worker);
      const share = waiting.filter((_, i) => i % CUSTOMER_THREADS === w);
      worker.postMessage({ payAt: share.map(() => start + Math.random() * 60_000) });
      return ended;
    });
    const ended = await Promise.all(ends);
    workers.forEach((worker) => worker.terminate());
    const cpuSpent = cpuOf(s.processes).map((secs, i) => secs - cpuBefore[i]);
    const seconds = (performance.now() - paymentsFrom) / 1000;
    const names = ["load generator", ...s.processNames, "PostgreSQL"];
    const alongside = [`  CPU during the payments (${seconds.toFixed(0)} s, 2 cores): ` + names.map((name, i) => `${name} ${((cpuSpent[i] / seconds) * 100).toFixed(0)}%`).join(", ")];
    if (s.database) {
      const perSecond = (committed(s.database) - committedBefore) / seconds;
      alongside.push(`  database during the payments: ${perSecond.toFixed(0)} statements a second (transactions committed, reads included)`);
    }
    const latencies = ended.flatMap((e) => e.latencies);
    console.log(`${s.name}: ${scale} customers long-polling (arrival ${ARRIVAL}); RSS of its processes ${(before / 1024).toFixed(0)} MB -> ${(during / 1024).toFixed(0)} MB (${perCustomerKb.toFixed(1)} KB per waiting customer); woken after payment: p50 ${pct(latencies, 50).toFixed(0)} ms, p95 ${pct(latencies, 95).toFixed(0)} ms`);
    console.log(`  gateway during the payments: ${webhookRounds(log, paymentsFrom, performance.now())}`);
    for (const line of alongside) console.log(line);
    // A late loop sends its payments in bursts and sees answers late: the figure is then the
    // benchmark's, not the shops'.
    console.log(`  the customers' ${CUSTOMER_THREADS} threads, their event loops late by ms p99/max: ${ended.map((e) => `${e.loopLateMs.p99.toFixed(0)}/${e.loopLateMs.max.toFixed(0)}`).join(", ")}; second by second: ${logFolder}/timeline-*.json`);
    ended.forEach((e, w) => writeFileSync(`${logFolder}/timeline-${w}.json`, JSON.stringify(e.timeline, null, 1)));
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
