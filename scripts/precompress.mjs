// Writes, beside each file a browser loads from DIR (and its subfolders, one level deep), its
// gzip -9 and brotli 11 copies, as a CDN stores them: the sandbox and the shop send the copy a
// browser accepts (brotli first), with no compressing per request. zlib's gzip carries no file
// name and no time, so that two builds of one commit write the same bytes.
//   node scripts/precompress.mjs DIR
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const [dir] = process.argv.slice(2);
if (!dir) throw new Error("usage: node scripts/precompress.mjs DIR");
const compressed = /\.(js|wasm|css|html)$/;

function filesOf(folder, depth) {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return depth > 0 ? filesOf(path, depth - 1) : [];
    return compressed.test(name) ? [path] : [];
  });
}

for (const file of filesOf(dir, 1)) {
  const bytes = readFileSync(file);
  writeFileSync(`${file}.gz`, gzipSync(bytes, { level: 9 }));
  writeFileSync(`${file}.br`, brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
}
