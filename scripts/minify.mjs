// Minifies what a checkout page downloads besides the wasm (every kilobyte is paid by
// every customer on a phone): wasm-bindgen's JS glue with Oxc's minifier (through rolldown, which
// Vite already brings) and the stylesheet with Lightning CSS. Usage:
//   node scripts/minify.mjs pkg/paywasm.js pkg/paywasm.css
// Each file is rewritten in place; a file the minifier cannot parse fails the build.
import { readFileSync, writeFileSync } from "node:fs";
import { minifySync } from "rolldown/experimental";
import { transform } from "lightningcss";

for (const file of process.argv.slice(2)) {
  const source = readFileSync(file);
  let output;
  if (file.endsWith(".js")) {
    // An ES module: its exports keep their names, everything else may be renamed. embed.js is
    // a classic script: its globals (Omise, Paywasm) are assigned on window and stay.
    const module = !file.endsWith("embed.js");
    const result = minifySync(file, source.toString("utf8"), { compress: true, mangle: { toplevel: module }, module });
    if (result.errors?.length) {
      console.error(`${file}: ${result.errors.map((e) => e.message).join("; ")}`);
      process.exit(1);
    }
    output = Buffer.from(result.code);
  } else if (file.endsWith(".css")) {
    output = Buffer.from(transform({ filename: file, code: source, minify: true }).code);
  } else {
    console.error(`${file}: neither .js nor .css`);
    process.exit(1);
  }
  writeFileSync(file, output);
  console.log(`== minified ${file}: ${source.length} -> ${output.length} bytes`);
}
