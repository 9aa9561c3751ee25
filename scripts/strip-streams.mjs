// Removes from a wasm-bindgen build (pkg/NAME_bg.wasm, pkg/NAME.js, their .d.ts) the JS classes
// that Leptos's server functions export for streaming bodies (wasm-streams' IntoUnderlyingSource,
// IntoUnderlyingByteSource, IntoUnderlyingSink). Leptos links them unconditionally; the widget
// never streams, yet every customer downloaded their code and glue (about 2 KB gzip).
//   node scripts/strip-streams.mjs paywasm [pkg] [--unmerged]
// Run between wasm-bindgen and wasm-opt. The wasm loses the exports and whatever only they
// reached; the JS loses the classes, their finalizers and the imports the wasm no longer has.
// Refuses (exit 1) if anything of them is still referenced afterwards.
//
// Removing the exports is not enough: the streams' futures are called through vtables, so their
// functions sit in the function table, which keeps them and all they call (wasm-opt cannot tell
// that no code builds those vtables any more). With the exports gone nothing can make a stream
// object, so every function of wasm-streams (by the name wasm-bindgen keeps: `wasm_streams` in
// its path or its type arguments) can never run: its body becomes `unreachable`, and what only
// it called goes (about 4 KB gzip of each page; BENCHMARKS.md). This is sound only when no
// function was merged with another of the same code (LLVM's merge-functions gives the survivor
// one of their names: with it, a future of `createSource` ran a body named after a stream's, and
// broke): so it is done only with `--unmerged`, which the build passes for its nightly build,
// made with `-Zmerge-functions=disabled` (wasm-opt merges duplicates afterwards anyway).
// KEEP_NAMES=1 keeps the function names (for twiggy, on a wasm-bindgen --keep-debug build).
import binaryen from "binaryen";
import { readFileSync, writeFileSync } from "node:fs";
import { parseSync } from "rolldown/experimental";

const [name, dir = "pkg"] = process.argv.slice(2).filter((arg) => !arg.startsWith("--"));
const unmerged = process.argv.includes("--unmerged");
const STREAMS = /^(__wbg_)?intounderlying/;
const wasmPath = `${dir}/${name}_bg.wasm`;
const jsPath = `${dir}/${name}.js`;

// 1. The wasm: drop the exports, then everything unreachable without them.
binaryen.setDebugInfo(Boolean(process.env.KEEP_NAMES));
const module = binaryen.readBinary(readFileSync(wasmPath));
const exports = [];
for (let i = 0; i < module.getNumExports(); i++) exports.push(binaryen.getExportInfo(module.getExportByIndex(i)).name);
const dropped = exports.filter((e) => STREAMS.test(e));
for (const e of dropped) module.removeExport(e);
// Emptying wasm-streams is sound only while no stream is ever made: the exports (gone now) were
// the only way in. A stream made at run time (a future Leptos streaming a server function's
// body) would be made by code of its own calling into wasm-streams, and would trap in the
// emptied code: refuse the build instead. What only the dropped exports reached goes first.
const isStreams = (fnName) => /\bwasm_streams(\[|::)/.test(fnName);
// Binaryen prints a function's name after `$`, in quotes when it holds spaces or brackets.
const nameOf = (token) => (token.startsWith('"') ? token.slice(1, -1) : token);
if (unmerged) {
  module.runPasses(["remove-unused-module-elements"]);
  const makers = [];
  for (const body of module.emitText().split("\n (func $").slice(1)) {
    const fnName = nameOf(body.match(/^("[^"]*"|[^\s()]+)/)[1]);
    if (isStreams(fnName)) continue;
    const callee = [...body.matchAll(/\(call \$("[^"]*"|[^\s()]+)/g)].map((m) => nameOf(m[1])).find(isStreams);
    if (callee) makers.push(`${fnName} -> ${callee}`);
  }
  if (makers.length) {
    throw new Error(`${wasmPath}: code outside wasm-streams calls into it, so a stream may be made at run time and would trap in the emptied code; do not empty it:\n  ${makers.slice(0, 5).join("\n  ")}`);
  }
}
let named = 0;
let stubbed = 0;
for (let i = 0; i < module.getNumFunctions(); i++) {
  const fn = module.getFunctionByIndex(i);
  const info = binaryen.getFunctionInfo(fn);
  if (info.module) continue; // an import
  if (!/^\d+$/.test(info.name)) named++;
  if (unmerged && isStreams(info.name)) {
    binaryen.Function.setBody(fn, module.unreachable());
    stubbed++;
  }
}
if (unmerged && named === 0) throw new Error(`${wasmPath}: no function names (wasm-bindgen must keep its name section)`);
if (unmerged && stubbed === 0) throw new Error(`${wasmPath}: no function of wasm-streams found; has Leptos stopped linking it? Then drop this step`);
module.runPasses(["remove-unused-module-elements"]);
const imports = new Set();
for (let i = 0; i < module.getNumFunctions(); i++) {
  const info = binaryen.getFunctionInfo(module.getFunctionByIndex(i));
  if (info.module) imports.add(info.base);
}
writeFileSync(wasmPath, module.emitBinary());
module.dispose();

// 2. The JS glue: remove by syntax tree, not by pattern, so that a change of wasm-bindgen's
// layout fails loudly rather than leaving half a class.
const source = readFileSync(jsPath, "utf8");
const { program, errors } = parseSync(jsPath, source);
if (errors.length) throw new Error(`${jsPath}: ${errors[0].message}`);
const cuts = [];
const mentionsStreams = (node) => /IntoUnderlying|intounderlying/.test(source.slice(node.start, node.end));
for (const statement of program.body) {
  const declaration = statement.type === "ExportNamedDeclaration" ? statement.declaration : statement;
  if (declaration?.type === "ClassDeclaration" && /^IntoUnderlying/.test(declaration.id.name)) cuts.push(statement);
  else if (statement.type === "IfStatement" && mentionsStreams(statement)) cuts.push(statement);
  else if (statement.type === "VariableDeclaration" && statement.declarations.every((d) => /^IntoUnderlying\w*Finalization$/.test(d.id.name ?? ""))) cuts.push(statement);
}
// Imports the wasm no longer asks for: properties `__wbg_...` of the imports object.
(function walk(node) {
  if (!node || typeof node !== "object") return;
  if (Array.isArray(node)) return node.forEach(walk);
  if (node.type === "ObjectExpression") {
    for (const property of node.properties) {
      const key = property.key?.name ?? property.key?.value;
      if (typeof key === "string" && key.startsWith("__wbg_") && !imports.has(key)) cuts.push(property);
    }
  }
  for (const value of Object.values(node)) if (value && typeof value === "object") walk(value);
})(program);
cuts.sort((a, b) => b.start - a.start);
let js = source;
for (const cut of cuts) {
  let end = cut.end;
  if (cut.type === "Property" || cut.type === "ObjectProperty") {
    const after = js.slice(end).match(/^\s*,/);
    if (after) end += after[0].length;
  }
  js = js.slice(0, cut.start) + js.slice(end);
}
if (/IntoUnderlying|intounderlying/.test(js)) throw new Error(`${jsPath}: the streams are still referenced after stripping`);
writeFileSync(jsPath, js);

// 3. The declarations.
const dts = `${dir}/${name}.d.ts`;
writeFileSync(dts, readFileSync(dts, "utf8").replace(/export class IntoUnderlying\w+ \{[\s\S]*?\n\}\n/g, "").replace(/^.*intounderlying.*\n/gm, ""));
const wasmDts = `${dir}/${name}_bg.wasm.d.ts`;
writeFileSync(wasmDts, readFileSync(wasmDts, "utf8").replace(/^.*intounderlying.*\n/gm, ""));
console.log(`== ${name}: removed ${dropped.length} stream exports, ${stubbed} functions of wasm-streams and ${cuts.length} pieces of glue`);
