// node scripts/policy.mjs: writes js/policy.js's shared values (its `/* JSON */` exports) into
// the copies in pkg/ that cannot import it: each "__POLICY:NAME__" or "__POLICY:NAME/a/b__"
// string becomes that export's value (or the value at that path in it) as JSON. embed.js is a
// classic script, and index.js stays one small module on the npm import's path; both name the
// version and the gateways' defaults without a copy of them. pkg/package.json gets VERSION.
import { readFileSync, writeFileSync } from "node:fs";

const policy = readFileSync("js/policy.js", "utf8");

/** The JSON value of `export const NAME = /* JSON *\/ ...;`. */
function exported(name) {
  const mark = `export const ${name} = /* JSON */`;
  const start = policy.indexOf(mark);
  if (start < 0) throw new Error(`js/policy.js has no ${mark}`);
  const rest = policy.slice(start + mark.length);
  // The value ends at the first `;` after which the text parses as JSON.
  for (let end = rest.indexOf(";"); end >= 0; end = rest.indexOf(";", end + 1)) {
    try {
      return JSON.parse(rest.slice(0, end));
    } catch {}
  }
  throw new Error(`${name} in js/policy.js is not JSON`);
}

function valueAt(reference) {
  const [name, ...path] = reference.split("/");
  let value = exported(name);
  for (const key of path) {
    if (value === null || typeof value !== "object" || !(key in value)) throw new Error(`js/policy.js has no ${reference}`);
    value = value[key];
  }
  return value;
}

for (const file of ["pkg/embed.js", "pkg/index.js"]) {
  const text = readFileSync(file, "utf8");
  let count = 0;
  const stamped = text.replace(/"__POLICY:([A-Za-z_/]+)__"/g, (_, reference) => {
    count += 1;
    return JSON.stringify(valueAt(reference));
  });
  if (!count) throw new Error(`${file} names nothing of js/policy.js`);
  writeFileSync(file, stamped);
  console.log(`== ${file}: ${count} values of js/policy.js written in`);
}
// js/package.json names no version: the package's is VERSION, placed after its name.
const { name, ...rest } = JSON.parse(readFileSync("pkg/package.json", "utf8"));
writeFileSync("pkg/package.json", JSON.stringify({ name, version: exported("VERSION"), ...rest }, null, 2) + "\n");
