// The architecture docs/ARCHITECTURE.md draws, checked (`npm test`):
// - each crate depends on the crates of ours its table row allows, and no others (the demo shop
//   on the merchant library and core alone, core on nothing);
// - no module of a crate uses a module that uses it back, directly or through others: each
//   module's `super::x` and `crate::x::y` paths, outside comments and its tests, are its uses.
//   A module using what an ancestor defines (the crate root's state, a parent's helpers) is not
//   counted: the parent assembles its children.
//   node scripts/check-architecture.mjs
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const crates = ["src", ...readdirSync("crates").map((name) => join("crates", name, "src"))].filter((dir) => {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
});

/** Every module of a crate: its path (`gateway::charges`) and its source file. */
function modules(root) {
  const found = new Map();
  const walk = (dir, path) => {
    for (const entry of readdirSync(dir)) {
      const file = join(dir, entry);
      if (statSync(file).isDirectory()) {
        walk(file, [...path, entry]);
      } else if (entry.endsWith(".rs")) {
        const name = entry.slice(0, -3);
        const own = name === "mod" || (path.length === 0 && (name === "lib" || name === "main")) ? path : [...path, name];
        found.set(own.join("::"), file);
      }
    }
  };
  walk(root, []);
  return found;
}

/** The source without comments and without its tests (a `#[cfg(test)]` module, at the end). */
function code(file) {
  const text = readFileSync(file, "utf8");
  const tests = text.indexOf("#[cfg(test)]");
  return (tests < 0 ? text : text.slice(0, tests))
    .split("\n")
    .filter((line) => !line.trim().startsWith("//"))
    .join("\n");
}

let failed = false;

/** The crates of ours each crate may depend on (its `[dependencies]`; tests may use more). */
const ALLOWED = {
  ".": ["paywasm-core"],
  "crates/core": [],
  "crates/store": [],
  "crates/merchant": ["paywasm-core", "paywasm-store"],
  "crates/shop": ["paywasm-core", "paywasm-merchant"],
  "crates/sandbox": ["paywasm-core", "paywasm-store", "paywasm-merchant", "paywasm-shop"],
};
for (const [dir, allowed] of Object.entries(ALLOWED)) {
  const manifest = readFileSync(join(dir, "Cargo.toml"), "utf8");
  const section = manifest.split(/^\[dependencies\]$/m)[1]?.split(/^\[/m)[0] ?? "";
  for (const [, name] of section.matchAll(/^(paywasm[a-z-]*)\s*[=.]/gm)) {
    if (!allowed.includes(name)) {
      console.error(`${dir}: depends on ${name}, which docs/ARCHITECTURE.md does not allow`);
      failed = true;
    }
  }
}

for (const root of crates) {
  const known = modules(root);
  const uses = new Map();
  for (const [path, file] of known) {
    const here = path ? path.split("::") : [];
    const targets = new Set();
    for (const [, kind, rest] of code(file).matchAll(/\b(crate|super)::((?:[a-z_][a-z0-9_]*::)*[a-z_][a-z0-9_]*)/g)) {
      const absolute = [...(kind === "crate" ? [] : here.slice(0, -1)), ...rest.split("::")];
      // The longest known module the path names; an ancestor of this one (or itself) is not a use.
      for (let n = absolute.length; n > 0; n--) {
        const candidate = absolute.slice(0, n).join("::");
        if (known.has(candidate)) {
          if (here.slice(0, n).join("::") !== candidate) targets.add(candidate);
          break;
        }
      }
    }
    uses.set(path, targets);
  }
  // Depth-first search for a cycle.
  const state = new Map();
  const stack = [];
  const visit = (module) => {
    state.set(module, "open");
    stack.push(module);
    for (const next of uses.get(module) ?? []) {
      if (state.get(next) === "open") {
        const cycle = [...stack.slice(stack.indexOf(next)), next].join(" -> ");
        console.error(`${relative(".", root)}: import circle: ${cycle}`);
        failed = true;
      } else if (!state.has(next)) {
        visit(next);
      }
    }
    stack.pop();
    state.set(module, "done");
  };
  for (const module of known.keys()) if (!state.has(module)) visit(module);
}
if (failed) process.exit(1);
console.log(`each crate depends on what it may, and no import circle in ${crates.length} crates`);
