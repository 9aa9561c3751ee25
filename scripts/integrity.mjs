// Subresource Integrity for the published files (run by build-widget.sh once they are final):
//   node scripts/integrity.mjs stamp   writes the hashes of the files embed.js loads (the
//                                      widget's builds and their loaders of the payment's
//                                      module, which hold that module's hash; the
//                                      stylesheets, OmiseCard's dialog)
//                                      into pkg/embed.js, so that embed.js's own hash pins them;
//   node scripts/integrity.mjs         writes pkg/integrity.json (sha384 of every published
//                                      file) and prints the tags a merchant copies (README:
//                                      "From a CDN").
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync, existsSync } from "node:fs";

const hash = (algorithm, file) => `${algorithm}-${createHash(algorithm).update(readFileSync(`pkg/${file}`)).digest("base64")}`;

if (process.argv[2] === "stamp") {
  // sha256: each hash is in every script-tag page's download; 256 bits are as safe here.
  const loaded = ["paywasm.js", "paywasm_bg.wasm", "paywasm_methods.js", "paywasm_methods_bg.wasm", "paywasm_wooshpay.js", "paywasm_wooshpay_bg.wasm", "paywasm_pos.js", "paywasm_pos_bg.wasm", "paywasm_split.js", "paywasm_methods_split.js", "paywasm_wooshpay_split.js", "paywasm.css", "paywasm-pos.css", "paywasm-methods.css", "paywasm-words-th.js", "paywasm-words-ja.js", "paywasm-words-zh.js", "omise-card.js", "omise-card.css", "custom-element.js"];
  const hashes = Object.fromEntries(loaded.map((file) => [file, hash("sha256", file)]));
  const PLACEHOLDER = '"__PAYWASM_INTEGRITY__"';
  const embed = readFileSync("pkg/embed.js", "utf8");
  if (!embed.includes(PLACEHOLDER)) {
    console.error(`pkg/embed.js has no ${PLACEHOLDER} to stamp`);
    process.exit(1);
  }
  writeFileSync("pkg/embed.js", embed.replace(PLACEHOLDER, JSON.stringify(hashes)));
  console.log(`== stamped the hashes of ${loaded.length} files into pkg/embed.js`);
} else {
  const FILES = [
    "embed.js", "paywasm.css", "paywasm-pos.css", "paywasm-methods.css", "frame.js", "policy.js", "index.js", "omise-card.js", "omise-card.css", "element.js", "custom-element.js",
    "paywasm.js", "paywasm_bg.wasm", "paywasm_methods.js", "paywasm_methods_bg.wasm", "paywasm_wooshpay.js", "paywasm_wooshpay_bg.wasm", "paywasm_pos.js", "paywasm_pos_bg.wasm",
    "paywasm_split.js", "paywasm_payment.wasm", "paywasm_methods_split.js", "paywasm_methods_payment.wasm", "paywasm_wooshpay_split.js", "paywasm_wooshpay_payment.wasm",
    "paywasm-words-th.js", "paywasm-words-ja.js", "paywasm-words-zh.js",
  ];
  const version = JSON.parse(readFileSync("pkg/package.json", "utf8")).version;
  const hashes = Object.fromEntries(FILES.filter((file) => existsSync(`pkg/${file}`)).map((file) => [file, hash("sha384", file)]));
  writeFileSync("pkg/integrity.json", JSON.stringify({ version, files: hashes }, null, 2) + "\n");
  const base = `https://cdn.example/paywasm/${version}`;
  console.log(`== Subresource Integrity (pkg/integrity.json), for the script tag:
<link rel="stylesheet" href="${base}/paywasm.css" integrity="${hashes["paywasm.css"]}" crossorigin="anonymous">
<script src="${base}/embed.js" integrity="${hashes["embed.js"]}" crossorigin="anonymous"></script>`);
}
