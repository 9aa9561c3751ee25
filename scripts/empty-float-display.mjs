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

const [name, dir = "pkg", chunkPath] = process.argv.slice(2);
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

// The operations a function's index in the table is never an operand of: arithmetic, bitwise
// and comparisons (a struct's field offset, a frame's size, a mask such as dlmalloc's 504 for
// its small bins). Anywhere else (stored, passed, returned, selected) a constant equal to the
// index is taken to be the formatter.
const NOT_A_FUNCTION = /^i32\.(add|sub|mul|div_[su]|rem_[su]|and|or|xor|shl|shr_[su]|rotl|rotr|eq|ne|[lg][te]_[su]|eqz)$/;

// The functions of `text` (a module as binaryen prints it) that call `callee` or hold one of
// `indices` as a constant other than an operand of the operations above.
function usersIn(text, callee, indices) {
  // Binaryen prints a function's name after `$`, in quotes when it holds spaces or brackets.
  const nameOf = (token) => (token.startsWith('"') ? token.slice(1, -1) : token);
  const users = [];
  for (const body of text.split("\n (func $").slice(1)) {
    const fnName = nameOf(body.match(/^("[^"]*"|[^\s()]+)/)[1]);
    if (fnName === callee) continue;
    const calls = callee !== null && (body.includes(`(call $"${callee}"`) || body.includes(`(call $${callee}\n`));
    if (calls || holdsIndex(body, indices)) users.push(fnName);
  }
  return users;
}

// Whether `body` holds one of `indices` as `(i32.const N)` under an operation that can take a
// function's index, found by following the parentheses (a quoted name may hold any of them).
function holdsIndex(body, indices) {
  const open = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '"') {
      i = body.indexOf('"', i + 1);
      if (i < 0) break;
    } else if (c === "(") {
      const op = body.slice(i + 1).match(/^[^\s()]+/)?.[0] ?? "";
      if (op === "i32.const") {
        const value = Number(body.slice(i + 11).match(/^-?\d+/)?.[0]);
        if (indices.has(value) && !NOT_A_FUNCTION.test(open.at(-1) ?? "")) return true;
      }
      open.push(op);
    } else if (c === ")") {
      open.pop();
    }
  }
  return false;
}

const users = usersIn(module.emitText(), target.name, indices);
// The split build's second module (scripts/build-widget.sh) shares the table: its functions
// hold the same indices. Its names are as rustc mangles them.
if (chunkPath) {
  const chunk = binaryen.readBinary(readFileSync(chunkPath));
  for (const user of usersIn(chunk.emitText(), null, indices)) {
    users.push(/WithDecimalPoint/.test(user) ? "<serde_core[0]::de::WithDecimalPoint as core[0]::fmt::Display>::fmt" : `${user} (in ${chunkPath})`);
  }
  chunk.dispose();
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
