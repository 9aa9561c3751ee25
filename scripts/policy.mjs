// node scripts/policy.mjs: writes the shared values of crates/core/policy.json (the one file
// that keeps them; paywasm-core packages it and reads it at build time) into pkg/'s copies of
// the JavaScript: each "__POLICY:NAME__" or "__POLICY:NAME/a/b__" string becomes that value (or
// the value at that path in it) as JSON. policy.js is what the modules import; embed.js is a
// classic script, and index.js stays one small module on the npm import's path, so both name
// the version and the gateways' defaults themselves; omise-card.js, loaded on its own, names
// the online methods. pkg/package.json gets VERSION.
import { readFileSync, writeFileSync } from "node:fs";

const policy = JSON.parse(readFileSync("crates/core/policy.json", "utf8"));

function valueAt(reference) {
  let value = policy;
  for (const key of reference.split("/")) {
    if (value === null || typeof value !== "object" || !(key in value)) throw new Error(`crates/core/policy.json has no ${reference}`);
    value = value[key];
  }
  return value;
}

for (const file of ["pkg/policy.js", "pkg/embed.js", "pkg/index.js", "pkg/omise-card.js"]) {
  const text = readFileSync(file, "utf8");
  let count = 0;
  const stamped = text.replace(/"__POLICY:([A-Za-z_/]+)__"/g, (_, reference) => {
    count += 1;
    return JSON.stringify(valueAt(reference));
  });
  if (!count) throw new Error(`${file} names nothing of crates/core/policy.json`);
  writeFileSync(file, stamped);
  console.log(`== ${file}: ${count} values of crates/core/policy.json written in`);
}
// js/package.json names no version: the package's is VERSION, placed after its name.
const { name, ...rest } = JSON.parse(readFileSync("pkg/package.json", "utf8"));
writeFileSync("pkg/package.json", JSON.stringify({ name, version: policy.VERSION, ...rest }, null, 2) + "\n");
