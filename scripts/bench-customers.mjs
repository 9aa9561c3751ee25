// The waiting customers of `scripts/bench-reaction.mjs`'s scale figure, a share of them per
// worker thread. One event loop holding 10,000 long polls fell seconds behind when their holds
// ended together (its loop measured 3.4 s late): the payments it was to spread over a minute
// then left in bursts of hundreds, and the shops were measured on a burst the benchmark made.
// Each worker holds its share on a loop of its own; times are epoch milliseconds
// (`performance.timeOrigin + performance.now()`), comparable across threads.
import { parentPort, workerData } from "node:worker_threads";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Agent, setGlobalDispatcher, fetch } from "undici";

const SECRET = "Basic " + Buffer.from("skey_test_5paywasmsandbox0demo0:").toString("base64");

// One connection per waiting customer, as browsers have; no pool limit.
setGlobalDispatcher(
  new Agent({ connections: null, pipelining: 0, connect: { timeout: 60_000 }, keepAliveTimeout: 60_000, headersTimeout: 60_000, bodyTimeout: 60_000 }),
);

/** How long a customer asks its shop to hold each request, as the widget does (`wait=25`). */
const HOLD_MS = 25_000;
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** What this worker did, second by second (wall clock). */
const timeline = {};
function tick(what) {
  const second = new Date().toISOString().slice(11, 19);
  timeline[second] ??= {};
  timeline[second][what] = (timeline[second][what] ?? 0) + 1;
}

/** Waits like the widget (long poll); resolves with the moment it saw the charge paid. */
async function wait({ id, shop, address }, stats) {
  for (;;) {
    stats.requests++;
    tick("status asked");
    const response = await fetch(`${shop}/checkout/charges/${id}?wait=25`, { headers: { "X-Forwarded-For": address } });
    const charge = await response.json();
    tick("status answered");
    if (charge.status !== "pending") return now();
    // An answer that was not held says when to ask again, and the widget waits that long.
    const retryAfter = Number(response.headers.get("retry-after") ?? 0);
    if (retryAfter > 0) await sleep(retryAfter * 1000);
  }
}

/** Marks the charge paid at the gateway at epoch `at`; the moment the gateway answered. */
async function markPaid({ id }, gateway, at) {
  await sleep(at - now());
  tick("payment asked");
  await fetch(`${gateway}/charges/${id}/mark_as_paid`, { method: "POST", headers: { Authorization: SECRET } });
  return now();
}

const { customers, gateway, arrival } = workerData;
const stats = { requests: 0 };
const seen = [];
if (arrival === "herd") {
  // All within a few seconds: their holds then end together, a wave every hold until the
  // shops' spread of holds dissolves it.
  for (let i = 0; i < customers.length; i += 60) {
    for (const customer of customers.slice(i, i + 60)) seen.push(wait(customer, stats));
    await sleep(100);
  }
} else {
  // Steady: customers began to wait at any moment of one hold, as they do when they come and
  // go all day (10,000 waiting, their requests spread evenly over time).
  await Promise.all(
    customers.map(async (customer, i) => {
      await sleep(Math.random() * HOLD_MS);
      seen[i] = wait(customer, stats);
    }),
  );
}
parentPort.postMessage({ holding: true });
const { payAt } = await new Promise((resolve) => parentPort.once("message", resolve));
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
const paid = await Promise.all(customers.map((customer, i) => markPaid(customer, gateway, payAt[i])));
const seenAt = await Promise.all(seen);
loop.disable();
parentPort.postMessage({
  latencies: customers.map((_, i) => Math.max(0, seenAt[i] - paid[i])),
  requests: stats.requests,
  timeline,
  loopLateMs: { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 },
});
