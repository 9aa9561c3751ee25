// Empties core's float formatting (`<f64 as Display>::fmt`) in a wasm-bindgen build of the
// widget, as `-Zfmt-debug=none` (which the nightly build passes) empties `Debug`: it writes
// nothing and returns `Ok`. It is about 4.5 KB gzip of each page (Grisu, Dragon and their
// tables; BENCHMARKS.md).
//   node scripts/empty-float-display.mjs NAME [dir]    (before strip-streams.mjs, which drops
//                                                       the names this step reads)
// The widget formats no float of its own: amounts are integers in the smallest unit. The one
// user is serde's message for a value of the wrong type ("invalid type: floating point `1.5`,
// expected ..."), which serde-wasm-bindgen builds for every type error, and which the widget
// never shows: each field maps its error to a sentence of its own (js_api.rs, http.rs,
// merchant.rs, gateway.rs). So the step refuses (exit 1) a build in which anything but serde's
// `WithDecimalPoint` refers to the function, by a call or by its index in the function table
// (how `format_args!` holds it): a float formatted by our code would otherwise print nothing.
// Run only on builds made with `-Zmerge-functions=disabled` (see strip-streams.mjs): a merged
// function would carry one name for two bodies.
import binaryen from "binaryen";
import { readFileSync, writeFileSync } from "node:fs";

const [name, dir = "pkg"] = process.argv.slice(2);
if (!name) {
  console.error("usage: node scripts/empty-float-display.mjs NAME [dir]");
  process.exit(2);
}
const wasmPath = `${dir}/${name}_bg.wasm`;
const FLOAT_DISPLAY = /^<f64 as core\[[0-9a-f]+\]::fmt::Display>::fmt$/;
const ALLOWED_USER = /^<serde_core\[[0-9a-f]+\]::de::WithDecimalPoint as core\[[0-9a-f]+\]::fmt::Display>::fmt$/;

binaryen.setDebugInfo(true); // strip-streams.mjs, next, finds functions by their names
const module = binaryen.readBinary(readFileSync(wasmPath));
let target = null;
for (let i = 0; i < module.getNumFunctions(); i++) {
  const fn = module.getFunctionByIndex(i);
  const info = binaryen.getFunctionInfo(fn);
  if (!info.module && FLOAT_DISPLAY.test(info.name)) target = { fn, name: info.name };
}
if (!target) {
  throw new Error(`${wasmPath}: no <f64 as Display>::fmt found; if float formatting is no longer linked, drop this step`);
}

// Its indices in the function table: `format_args!` stores a formatting function as one.
const indices = new Set();
for (let s = 0; s < module.getNumElementSegments(); s++) {
  const segment = binaryen.getElementSegmentInfo(module.getElementSegmentByIndex(s));
  const offset = binaryen.getExpressionInfo(segment.offset).value ?? 0;
  segment.data.forEach((fnName, i) => {
    if (fnName === target.name) indices.add(offset + i);
  });
}

// Every function whose body calls it or holds one of those indices as a constant.
const text = module.emitText();
// Binaryen prints a function's name after `$`, in quotes when it holds spaces or brackets.
const nameOf = (token) => (token.startsWith('"') ? token.slice(1, -1) : token);
const users = [];
for (const body of text.split("\n (func $").slice(1)) {
  const fnName = nameOf(body.match(/^("[^"]*"|[^\s()]+)/)[1]);
  if (fnName === target.name) continue;
  const calls = body.includes(`(call $"${target.name}"`) || body.includes(`(call $${target.name}\n`);
  // A constant added to a local is an offset into a struct (a future's state grows past the
  // index), and one taken from the stack pointer is the size of a function's frame (a frame
  // of 400 bytes once matched the index), not a function: only the others can be the
  // formatter's index.
  const values = body
    .replace(/\(i32\.add\s+\(local\.get \$[^)\s]+\)\s+\(i32\.const \d+\)\s*\)/g, "")
    .replace(/\(i32\.sub\s+\(global\.get \$__stack_pointer\)\s+\(i32\.const \d+\)\s*\)/g, "");
  const holds = [...indices].some((index) => new RegExp(`\\(i32\\.const ${index}\\)`).test(values));
  if (calls || holds) users.push(fnName);
}
const others = users.filter((user) => !ALLOWED_USER.test(user));
if (users.length === 0 || others.length > 0) {
  throw new Error(
    `${wasmPath}: <f64 as Display>::fmt is used by ${others.length ? others.join("\n  ") : "nothing found"}\n` +
      "only serde's error messages (never shown) may format a float in the widget. (A function is " +
      `listed when it holds the constant ${[...indices].join(", ")}, the float formatter's index in ` +
      "the function table: when that index is small, a constant of the same value elsewhere lists " +
      "its function too; look for a float formatted by our code first.)",
  );
}
binaryen.Function.setBody(target.fn, module.i32.const(0)); // Ok(()), nothing written
writeFileSync(wasmPath, module.emitBinary());
module.dispose();
console.log(`== ${name}: float formatting emptied (its one user: serde's error messages)`);
