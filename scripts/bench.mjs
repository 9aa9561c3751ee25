// `npm run bench`: every benchmark in one run, printed as one table (figure, this
// run, target, baseline measured in the same run). Copy the table into BENCHMARKS.md with the
// machine it ran on. Builds what it needs (release widget, debug and release sandbox).
//   npm run bench [-- --quick]   (--quick: fewer runs, 2,000 instead of 10,000 waiting customers)
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

const quick = process.argv.includes("--quick");
const run = (cmd, args) => {
  const result = spawnSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 64 << 20 });
  if (result.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed`);
  process.stderr.write(result.stdout.split("\n").filter((l) => !l.startsWith("{")).join("\n") + "\n");
  return result.stdout
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line));
};

execFileSync("bash", ["scripts/build-widget.sh"], { stdio: ["ignore", "ignore", "inherit"] });
execFileSync("cargo", ["build", "-q", "-p", "paywasm-sandbox"], { stdio: "inherit" });
execFileSync("cargo", ["build", "-q", "--release", "-p", "paywasm-sandbox"], { stdio: "inherit" });

const rows = [];
// Weight: what a checkout page downloads (the heavier of its two entries), and the cashier's.
rows.push(...run("node", ["scripts/size.mjs", "--rows"]));
rows.push(...run("node", ["scripts/bench-widget.mjs", quick ? "5" : "150"]));
rows.push(...run("node", ["scripts/bench-slow-network.mjs", quick ? "3" : "7", quick ? "3" : "9"]));
// One shop instance on SQLite beside two sharing a throwaway PostgreSQL.
rows.push(...run("bash", ["-c", `source scripts/postgres.sh && node scripts/bench-reaction.mjs ${quick ? "50 2000" : "200 10000"} sqlite,postgres`]));
// Waiting customers over two instances on a throwaway PostgreSQL, beside one
// instance woken in-process.
rows.push(...run("bash", ["-c", `source scripts/postgres.sh && cargo run -q --release -p paywasm-merchant --features postgres --example wakeups -- ${quick ? 2000 : 10000}`]));

// What hostile traffic costs: a signature flood, held long polls past the cap, an order and
// charge flood, deep nesting, each beside the same customers without an attack.
rows.push(...run("node", ["scripts/bench-abuse.mjs", quick ? "10" : "30", quick ? "4" : "8"]));

// Sandbox throughput (wrk): requests per second and p99, persistence on.
const wrk = spawnSync("bash", ["scripts/bench-sandbox.sh", quick ? "5" : "10", "32"], { encoding: "utf8" }).stdout;
process.stderr.write(wrk);
const sections = wrk.split("== ").slice(1);
for (const [label, section] of [["POST /charges", sections[0]], ["GET /charges/:id", sections[1]]]) {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(section ?? "")?.[1];
  const p99 = /99%\s+([\d.]+\w+)/.exec(section ?? "")?.[1];
  rows.push({ name: `sandbox ${label} (SQLite on disk)`, value: `${Math.round(Number(rps))} req/s, p99 ${p99}`, unit: "", target: "measured", baseline: "" });
}

const cpu = readFileSync("/proc/cpuinfo", "utf8").match(/model name\s*:\s*(.*)/)?.[1] ?? "unknown CPU";
console.log(`\n| figure | this run | target | baseline (same run) |\n|---|---|---|---|`);
for (const r of rows) console.log(`| ${r.name} | ${r.value} ${r.unit} | ${r.target} | ${r.baseline} |`);
console.log(`\nMachine: ${cpu}, ${execFileSync("nproc").toString().trim()} cores; ${new Date().toISOString().slice(0, 10)}`);
