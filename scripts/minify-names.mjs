// Gives the names between a wasm-bindgen build's JS glue and its wasm the shortest spellings.
// wasm-bindgen names each import after the JS it calls plus a 16-digit hash
// (`__wbg_setAttribute_f75317b2b5cabfb4`), each closure export after its full Rust signature
// (300 characters), and the import module after the glue's file: 177 imports and 22 exports
// spelt out in both files, random hex that gzip cannot shrink (about 5 KB gzip of the checkout
// page; BENCHMARKS.md).
//   wasm-opt ... --minify-imports-and-exports-and-modules pkg/NAME_bg.wasm -o pkg/NAME_bg.wasm > MAP
//   node scripts/minify-names.mjs NAME MAP [pkg]
// wasm-opt's pass renames them in the wasm and prints the map ({imports: [[module, old, new]],
// exports: [[old, new]]}); this rewrites the glue (pkg/NAME.js, before it is minified) and its
// typings (pkg/NAME.d.ts, pkg/NAME_bg.wasm.d.ts) to the new names. It refuses (exit 1) to leave
// a glue that defines an import other than once, or reads an export the map does not rename.
import { readFileSync, writeFileSync } from "node:fs";

const [name, mapPath, dir = "pkg"] = process.argv.slice(2);
if (!name || !mapPath) {
  console.error("usage: node scripts/minify-names.mjs NAME MAP [dir]");
  process.exit(2);
}
const text = readFileSync(mapPath, "utf8");
const map = JSON.parse(text.slice(text.indexOf("{")));
const wasm = new WebAssembly.Module(readFileSync(`${dir}/${name}_bg.wasm`));
const imports = WebAssembly.Module.imports(wasm);
const modules = [...new Set(imports.map((i) => i.module))];
if (modules.length !== 1) fail(`expected one import module, found ${modules.join(", ")}`);

const escape = (s) => s.replace(/[$.]/g, "\\$&");
const quote = (s) => JSON.stringify(s);
// The new names are declared as constants in the typings: they must be identifiers.
const RESERVED = new Set("break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface package private protected public await".split(" "));
for (const [, renamed] of map.exports) {
  if (!/^[A-Za-z_$][\w$]*$/.test(renamed) || RESERVED.has(renamed)) fail(`the new export name ${renamed} is not an identifier`);
}
const jsPath = `${dir}/${name}.js`;
let js = readFileSync(jsPath, "utf8");

// The import object's keys: `    __wbg_Error_2084...: function(` (one line each), and the
// module's key `"./NAME_bg.js": import0`.
for (const [, old, renamed] of map.imports) {
  const pattern = new RegExp(`^(\\s+)${escape(old)}:`, "gm");
  const found = js.match(pattern)?.length ?? 0;
  if (found !== 1) fail(`the import ${old} is defined ${found} times in ${jsPath}`);
  js = js.replace(pattern, (_, indent) => `${indent}${quote(renamed)}:`);
}
const moduleKey = new RegExp(`${escape(quote(`./${name}_bg.js`))}: import0`);
if (!moduleKey.test(js)) fail(`${jsPath} has no import module "./${name}_bg.js"`);
js = js.replace(moduleKey, () => `${quote(modules[0])}: import0`);

// The exports, read as `wasm.NAME` (a local function may share an export's name: it stays).
const exportNames = new Map(map.exports);
js = js.replace(/\bwasm\.([A-Za-z_$][\w$]*)/g, (_, old) => {
  const renamed = exportNames.get(old);
  if (renamed === undefined) fail(`${jsPath} reads wasm.${old}, which the map does not rename`);
  return `wasm[${quote(renamed)}]`;
});
writeFileSync(jsPath, js);

// The typings of the raw exports (`InitOutput`, and the wasm module's own declarations).
const typings = [
  [`${dir}/${name}.d.ts`, (old) => new RegExp(`(\\breadonly )${escape(old)}:`, "g")],
  [`${dir}/${name}_bg.wasm.d.ts`, (old) => new RegExp(`(\\bexport const )${escape(old)}:`, "g")],
];
for (const [path, pattern] of typings) {
  let types = readFileSync(path, "utf8");
  for (const [old, renamed] of map.exports) types = types.replace(pattern(old), (_, before) => `${before}${renamed}:`);
  writeFileSync(path, types);
}
console.log(`== ${name}: ${map.imports.length} imports and ${map.exports.length} exports renamed`);

function fail(message) {
  console.error(`minify-names: ${message}`);
  process.exit(1);
}
