// The npm package as its users' tools see it: the files `npm publish` would send, and the
// package imported where there is no browser (a framework's server-side rendering in Node).
// publint and @arethetypeswrong/cli check its manifest and types (scripts/test.sh).
import { test, expect } from "@playwright/test";
import { execFileSync } from "node:child_process";

test("npm pack sends exactly the package's files: the four builds, their glue and types, the checkouts' payment modules, the words of three languages, the entries, the custom element, the styles, the hosted page", () => {
  const [packed] = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json"], { cwd: "pkg", encoding: "utf8" }));
  const files = packed.files.map((file) => file.path).sort();
  const builds = ["paywasm", "paywasm_methods", "paywasm_wooshpay", "paywasm_pos"].flatMap((build) => [
    `${build}.js`, `${build}.d.ts`, `${build}_bg.wasm`, `${build}_bg.wasm.d.ts`,
    // A checkout's payment module (fetched at the tap) and its loader; the cashier has none.
    ...(build == "paywasm_pos" ? [] : [`${build}_split.js`, `${build}_payment.wasm`]),
  ]);
  expect(files).toEqual([
    ...builds,
    "paywasm-words-th.js", "paywasm-words-ja.js", "paywasm-words-zh.js",
    "README.md", "package.json",
    "index.js", "index.d.ts", "embed.js", "embed.d.ts", "frame.js", "frame.d.ts", "policy.js", "policy.d.ts",
    "paywasm.css", "paywasm-pos.css", "paywasm-methods.css", "omise-card.js", "omise-card.css", "integrity.json",
    "element.js", "element.d.ts", "element-react.d.ts", "element-vue.d.ts", "custom-element.js", "custom-element.d.ts",
    "hosted/index.html", "hosted/hosted.js", "hosted/hosted.css",
  ].sort());
});

test("on a server the package imports without a window, and mount says it needs a browser", async () => {
  expect(typeof document).toBe("undefined");
  const paywasm = await import("../../pkg/index.js");
  const refused = await paywasm
    .mount("#checkout", { publicKey: "pkey_test_x", amount: 129000, currency: "THB", chargeUrl: "/checkout/charges", order: "ord_1" })
    .then(() => null, (error) => error);
  expect(refused).toBeInstanceOf(paywasm.PaywasmError);
  expect(refused.code).toBe("no_browser");
  expect(refused.message).toContain("needs a browser");
  await import("../../pkg/frame.js");
  await import("../../pkg/embed.js");
  expect(globalThis.Paywasm).toBeUndefined();
  // The custom element's module loads, and defines nothing where there is no DOM.
  const element = await import("../../pkg/element.js");
  expect(element.OPTIONS).toContain("publicKey");
  expect(globalThis.customElements).toBeUndefined();
});
