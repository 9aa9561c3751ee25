// Subresource Integrity hashes of the published files (sha384, as browsers check them), written
// to pkg/integrity.json and printed with the script tag a merchant copies (README: "From a CDN").
// Run by build-widget.sh after the files are final. Usage: node scripts/integrity.mjs
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync, existsSync } from "node:fs";

const FILES = [
  "embed.js", "paywasm.css", "frame.js", "policy.js", "index.js", "omise-card.js", "omise-card.css",
  "paywasm.js", "paywasm_bg.wasm", "paywasm_pos.js", "paywasm_pos_bg.wasm",
];
const version = JSON.parse(readFileSync("pkg/package.json", "utf8")).version;
const hashes = Object.fromEntries(
  FILES.filter((file) => existsSync(`pkg/${file}`)).map((file) => [
    file,
    `sha384-${createHash("sha384").update(readFileSync(`pkg/${file}`)).digest("base64")}`,
  ]),
);
writeFileSync("pkg/integrity.json", JSON.stringify({ version, files: hashes }, null, 2) + "\n");
const base = `https://cdn.example/paywasm/${version}`;
console.log(`== Subresource Integrity (pkg/integrity.json), for the script tag:
<link rel="stylesheet" href="${base}/paywasm.css" integrity="${hashes["paywasm.css"]}" crossorigin="anonymous">
<script src="${base}/embed.js" integrity="${hashes["embed.js"]}" crossorigin="anonymous"></script>`);
