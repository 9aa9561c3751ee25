// Empties tachys's event delegation (`Dom::add_event_listener_delegated`) in a wasm-bindgen
// build of the widget: its body becomes `unreachable`, and wasm-opt then drops what only it
// reached (the page-wide listener, its set of event names, the walk up the DOM): about 2 KB gzip
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

const bytes = readFileSync(wasmPath);
if (bytes.includes("$$$")) {
  throw new Error(
    `${wasmPath}: holds "$$$", the prefix of tachys's delegation keys: a listener may be delegated ` +
      "(Leptos's `delegation` feature on?), so its delegation is not emptied",
  );
}
binaryen.setDebugInfo(true); // strip-streams.mjs, next, finds functions by their names
const module = binaryen.readBinary(bytes);
let target = null;
for (let i = 0; i < module.getNumFunctions(); i++) {
  const fn = module.getFunctionByIndex(i);
  const info = binaryen.getFunctionInfo(fn);
  if (!info.module && DELEGATED.test(info.name)) target = fn;
}
if (!target) {
  throw new Error(`${wasmPath}: no Dom::add_event_listener_delegated found; if tachys no longer links it, drop this step`);
}
binaryen.Function.setBody(target, module.unreachable());
writeFileSync(wasmPath, module.emitBinary());
console.log(`== ${name}: tachys's event delegation emptied (no listener is delegated: no delegation key in the build)`);
