// Joins a split widget build's second module to its first (scripts/build-widget.sh).
// wasm-split-cli cuts the linked wasm at the split points (src/flow.rs: the payment's code after
// the tap) into the first module, which wasm-bindgen then makes the glue of, the second
// (split_payment.wasm) and a loader (__wasm_split.js) that the first module imports and that
// fetches the second at the first call. This puts them where the glue and a CDN expect them:
//   node scripts/split-module.mjs glue NAME SPLITDIR [dir]
//     before minify-names.mjs: the glue (DIR/NAME.js) takes the loader's functions from
//     NAME_split.js and hands them to the wasm in its one import object, as every other import,
//     so that minify-names.mjs renames them with the others;
//   node scripts/split-module.mjs loader NAME SPLITDIR MAP [dir]
//     once DIR/NAME_payment.wasm (the second module, optimised) is final: writes
//     DIR/NAME_split.js, the loader reading the first module's exports by the names in MAP
//     (wasm-opt's, as minify-names.mjs reads it) and fetching NAME_payment.wasm with its hash,
//     so that whatever pins the glue pins the second module too (embed.js pins the loader).
// Refuses (exit 1) a glue or loader not of the shape wasm-split-cli 0.2.4 and wasm-bindgen write.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";

const [command, name, splitDir, ...rest] = process.argv.slice(2);
if (!["glue", "loader"].includes(command) || !name || !splitDir) {
  console.error("usage: node scripts/split-module.mjs glue NAME SPLITDIR [dir] | loader NAME SPLITDIR MAP [dir]");
  process.exit(2);
}
const fail = (message) => {
  console.error(`split-module.mjs: ${message}`);
  process.exit(1);
};
const loaderText = readFileSync(`${splitDir}/__wasm_split.js`, "utf8");
// The loader's functions, one per second module: `export const __wasm_split_load_payment = ...`.
const loads = [...loaderText.matchAll(/^export const (__wasm_split_load_\w+) =/gm)].map((m) => m[1]);
if (loads.length === 0) fail(`${splitDir}/__wasm_split.js exports no __wasm_split_load_ function`);

if (command === "glue") {
  const [dir = "pkg"] = rest;
  const jsPath = `${dir}/${name}.js`;
  let js = readFileSync(jsPath, "utf8");
  const replace = (pattern, replacement, what) => {
    if ((js.match(pattern)?.length ?? 0) !== 1) fail(`${jsPath}: expected one ${what}`);
    js = js.replace(pattern, replacement);
  };
  replace(/^import \* as import1 from "\.\/__wasm_split\.js"\n/gm, `import { ${loads.join(", ")} } from "./${name}_split.js";\n`, "import of the loader");
  replace(/^(\s+)"\.\/__wasm_split\.js": import1,\n/gm, "", "import module of the loader");
  replace(
    /^( +)const import0 = \{\n( +)__proto__: null,\n/gm,
    (whole, _, indent) => whole + loads.map((load) => `${indent}${load}: ${load},\n`).join(""),
    "import object",
  );
  writeFileSync(jsPath, js);
} else {
  const [mapPath, dir = "pkg"] = rest;
  if (!mapPath) fail("loader needs the MAP of wasm-opt's renamed exports");
  const mapText = readFileSync(mapPath, "utf8");
  const exportNames = new Map(JSON.parse(mapText.slice(mapText.indexOf("{"))).exports);
  let loader = loaderText;
  // The first module's exports the second imports, read by their new names.
  const shared = /const \{ ([\w, ]+?),? *\} = initSync\(undefined, undefined\);/;
  const found = loader.match(shared);
  if (!found) fail("the loader does not read the first module's exports as wasm-split-cli 0.2.4 does");
  const reads = found[1]
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((old) => {
      const renamed = exportNames.get(old);
      if (renamed === undefined) fail(`the first module has no export ${old} in ${mapPath}`);
      return `${old} = wasm[${JSON.stringify(renamed)}]`;
    });
  loader = loader.replace(shared, () => `const wasm = initSync(undefined, undefined), ${reads.join(", ")};`);
  // Each second module, beside the glue under the build's name, fetched with its hash; and
  // `prefetch_PART()`, which the page's loader (index.js, embed.js) calls when the customer
  // taps a method in the server's first view, before this build has loaded: the module is then
  // fetched beside the build, and its load takes that answer. A failed fetch is forgotten, so
  // that the next load asks again, as the tool's loader does with a failed load.
  const prefetches = [];
  loader = loader.replace(/fetch\(new URL\("\.\/split_(\w+)\.wasm", import\.meta\.url\)\)/g, (_, part) => {
    const file = `${name}_${part}.wasm`;
    const hash = `sha384-${createHash("sha384").update(readFileSync(`${dir}/${file}`)).digest("base64")}`;
    prefetches.push(`let fetched_${part};
export function prefetch_${part}() {
    if (!fetched_${part}) {
        const answer = fetch(new URL(${JSON.stringify(`./${file}`)}, import.meta.url), { integrity: ${JSON.stringify(hash)} });
        fetched_${part} = answer;
        answer.catch(() => { if (fetched_${part} === answer) fetched_${part} = undefined; });
    }
    return fetched_${part};
}
function take_${part}() {
    const answer = prefetch_${part}();
    fetched_${part} = undefined;
    return answer;
}
`);
    return `take_${part}()`;
  });
  if (prefetches.length !== loads.length) fail(`the loader fetches ${prefetches.length} modules for ${loads.length} functions`);
  loader += "\n" + prefetches.join("");
  writeFileSync(`${dir}/${name}_split.js`, loader);
}
