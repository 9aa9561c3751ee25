// Empties tachys's event delegation (`Dom::add_event_listener_delegated` and what only it makes)
// in a wasm-bindgen build of the widget: their bodies become `unreachable`, and wasm-opt then
// drops what only they reached (the page-wide listener, its set of event names, the walk up the
// DOM), strip-streams.mjs the glue of the imports the wasm no longer asks for: about 2 KB gzip
// of each page (BENCHMARKS.md).
//   node scripts/empty-event-delegation.mjs NAME [dir]   (before strip-streams.mjs, which drops
//                                                          the names this step reads)
// The widget builds Leptos without its `delegation` feature, so every listener is attached to
// its element: tachys then passes no delegation key, but it decides that at run time
// (`On::attach` hands an `Option` to one shared function), and the compiler keeps the branch
// that would delegate. A key is only ever made by `EventDescriptor::event_delegation_key`,
// which writes `$$$` before the event's name; so the step refuses (exit 1) a build whose bytes
// hold `$$$` anywhere: there, a listener may be delegated, and emptied it would trap on the
// first click rather than do nothing quietly.
// Run only on builds made with `-Zmerge-functions=disabled` (see strip-streams.mjs): a merged
// function would carry one name for two bodies.
import binaryen from "binaryen";
import { readFileSync, writeFileSync } from "node:fs";

const [name, dir = "pkg"] = process.argv.slice(2);
if (!name) {
  console.error("usage: node scripts/empty-event-delegation.mjs NAME [dir]");
  process.exit(2);
}
const wasmPath = `${dir}/${name}_bg.wasm`;
const DELEGATED = /^<tachys\[[0-9a-f]+\]::renderer::dom::Dom>::add_event_listener_delegated$/;
// And what only it makes: its closures (the page-wide listener, called from JavaScript, which
// keeps them in the function table, out of wasm-opt's reach), their shims and drop glue, and
// the set of event names it keeps (`GLOBAL_EVENTS`, and its initialiser).
const ONLY_DELEGATED = /add_event_listener_delegated|\btachys\[[0-9a-f]+\]::renderer::dom::GLOBAL_EVENTS\b/;

const bytes = readFileSync(wasmPath);
if (bytes.includes("$$$")) {
  throw new Error(
    `${wasmPath}: holds "$$$", the prefix of tachys's delegation keys: a listener may be delegated ` +
      "(Leptos's `delegation` feature on?), so its delegation is not emptied",
  );
}
binaryen.setDebugInfo(true); // strip-streams.mjs, next, finds functions by their names
const module = binaryen.readBinary(bytes);
let found = false;
let emptied = 0;
for (let i = 0; i < module.getNumFunctions(); i++) {
  const fn = module.getFunctionByIndex(i);
  const info = binaryen.getFunctionInfo(fn);
  if (info.module || !ONLY_DELEGATED.test(info.name)) continue;
  found ||= DELEGATED.test(info.name);
  binaryen.Function.setBody(fn, module.unreachable());
  emptied++;
}
if (!found) {
  throw new Error(`${wasmPath}: no Dom::add_event_listener_delegated found; if tachys no longer links it, drop this step`);
}
writeFileSync(wasmPath, module.emitBinary());
console.log(`== ${name}: tachys's event delegation emptied, ${emptied} functions (no listener is delegated: no delegation key in the build)`);
