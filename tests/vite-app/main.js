// A plain Vite app that imports the npm package by path, as a merchant's bundler would.
import { mount, createSource, PaywasmError, version } from "../../pkg/index.js";
import "../../pkg/paywasm.css";

// The sandbox the end-to-end tests start (playwright.config.mjs).
const gatewayUrl = "http://127.0.0.1:17070";
const publicKey = "pkey_test_5paywasmsandbox0demo0";

await mount("#checkout", {
  publicKey, gatewayUrl, amount: 129000, currency: "THB",
  chargeUrl: "http://127.0.0.1:17071/checkout/charges", order: "ord_vite_example",
});
document.title += ` ${version}`;
document.getElementById("create").addEventListener("click", async () => {
  const result = document.getElementById("result");
  try {
    const source = await createSource("promptpay", { amount: 129000, currency: "THB" }, { publicKey, gatewayUrl });
    result.textContent = `created ${source.id}`;
  } catch (error) {
    result.textContent = error instanceof PaywasmError ? `refused ${error.code}` : `failed ${error}`;
  }
});
