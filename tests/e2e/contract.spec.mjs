// The merchant contract, machine-readable (crates/merchant/openapi.json): a valid OpenAPI 3.1
// document, and the demo shop's real answers, refusals included, are what it says, for the
// Omise checkout, WooshPay's, the point of sale and the webhooks.
import { test, expect } from "@playwright/test";
import { readFileSync } from "node:fs";
import SwaggerParser from "@apidevtools/swagger-parser";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { GATEWAY, SHOP } from "../../playwright.config.mjs";
import { DEMO_PIN } from "./staff.mjs";

const CONTRACT = JSON.parse(readFileSync("crates/merchant/openapi.json", "utf8"));
const PUBLIC_KEY = "pkey_test_5paywasmsandbox0demo0";

/** The document's schemas as one JSON Schema (2020-12, as OpenAPI 3.1 writes them). */
const ajv = addFormats(new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true }));
ajv.addSchema(
  JSON.parse(JSON.stringify({ $id: "contract", $defs: CONTRACT.components.schemas }).replaceAll("#/components/schemas/", "#/$defs/")),
);

/** The operation of `method` on the path template that `path` fills, as the document has it. */
function operation(method, path) {
  const pathname = new URL(path, SHOP).pathname;
  for (const [template, operations] of Object.entries(CONTRACT.paths)) {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`);
    if (pattern.test(pathname) && operations[method]) return operations[method];
  }
  throw new Error(`the contract has no ${method.toUpperCase()} ${pathname}`);
}

/** Checks an answer of the shop against the contract: its status is one the operation
 * declares, and its body fits that answer's schema. The body, for the test to read on. */
async function expectContract(method, path, response) {
  const status = String(response.status());
  const declared = operation(method, path).responses[status];
  expect(declared, `${method.toUpperCase()} ${path} answered ${status}, which the contract does not declare`).toBeDefined();
  const body = await response.json();
  const name = declared.content["application/json"].schema.$ref.split("/").pop();
  const validate = ajv.getSchema(`contract#/$defs/${name}`);
  expect(validate(body), `${method.toUpperCase()} ${path} ${status}: ${JSON.stringify(validate.errors)} in ${JSON.stringify(body)}`).toBe(true);
  return body;
}

async function shopOrder(request, path) {
  const page = await (await request.get(path)).text();
  const config = page.match(/id="checkout-config">([^<]*)<\/script>/)[1];
  return JSON.parse(config).widget;
}

async function source(request, amount, currency) {
  const response = await request.post(`${GATEWAY}/sources`, {
    headers: { Authorization: "Basic " + Buffer.from(`${PUBLIC_KEY}:`).toString("base64") },
    form: { type: "promptpay", amount: String(amount), currency },
  });
  return (await response.json()).id;
}

test("the merchant contract is a valid OpenAPI 3.1 document and every schema compiles", async () => {
  const api = await SwaggerParser.validate(structuredClone(CONTRACT));
  expect(api.openapi).toBe("3.1.0");
  for (const name of Object.keys(CONTRACT.components.schemas)) {
    expect(ajv.getSchema(`contract#/$defs/${name}`), name).toBeTruthy();
  }
});

test("contract: the Omise checkout's answers and refusals are what the document says", async ({ request }) => {
  const order = await shopOrder(request, "/");
  const post = (body) => request.post("/checkout/charges", { data: body });
  const src = await source(request, order.amount, order.currency);
  const charge = await expectContract("post", "/checkout/charges", await post({ source: src, order: order.order }));
  expect(charge).toMatchObject({ status: "pending", amount: order.amount });
  expect(charge.metadata, "fees, metadata and IPs stay on the server").toBeUndefined();

  const read = await expectContract("get", `/checkout/charges/${charge.id}`, await request.get(`/checkout/charges/${charge.id}?wait=0`));
  expect(read.id).toBe(charge.id);

  const other = await source(request, order.amount + 100, order.currency);
  const mismatch = await expectContract("post", "/checkout/charges", await post({ source: other, order: order.order }));
  expect(mismatch.code).toBe("amount_mismatch");
  const malformed = await expectContract("post", "/checkout/charges", await post({ order: order.order }));
  expect(malformed.code).toBe("bad_request");
  const unknown = await expectContract("get", "/checkout/charges/chrg_test_none", await request.get("/checkout/charges/chrg_test_none"));
  expect(unknown.code).toBe("not_found");

  const unsigned = await expectContract("post", "/webhooks/omise", await request.post("/webhooks/omise", { data: { object: "event" } }));
  expect(unsigned.code).toBe("authentication_failure");
});

test("contract: WooshPay's PaymentIntents are what the document says", async ({ request }) => {
  const order = await shopOrder(request, "/wooshpay");
  const intent = await expectContract(
    "post",
    "/wooshpay/payment_intents",
    await request.post("/wooshpay/payment_intents", { data: { order: order.order, terminal_type: "WEB", request: "contract-1" } }),
  );
  expect(intent.next_action.alipay_handle_redirect.url).toBeTruthy();
  const payment = await expectContract("get", `/wooshpay/payment_intents/${intent.id}`, await request.get(`/wooshpay/payment_intents/${intent.id}`));
  expect(payment).toMatchObject({ id: intent.id, status: "pending", currency: "CNY" });
  const refused = await expectContract(
    "post",
    "/wooshpay/payment_intents",
    await request.post("/wooshpay/payment_intents", { data: { order: order.order, terminal_type: "WEB", request: "not one; DROP" } }),
  );
  expect(refused.code).toBe("bad_request");
  const unsigned = await expectContract("post", "/webhooks/wooshpay", await request.post("/webhooks/wooshpay", { data: {} }));
  expect(unsigned.code).toBe("authentication_failure");
});

test("contract: the point of sale's sales, cancels, refunds and refusals are what the document says", async ({ page }) => {
  const request = page.request;
  // Signed in as a cashier is, in the browser: the session cookie goes with the page's requests.
  await page.goto("/pos/sign-in");
  await page.getByLabel("Staff PIN").fill(DEMO_PIN);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Point of sale" })).toBeVisible();
  const sale = (barcode, key) =>
    request.post("/pos/charges", {
      headers: { "Idempotency-Key": key, Origin: SHOP },
      data: { amount: 20000, currency: "THB", barcode, store_id: "store-1", terminal_id: "till-1" },
    });
  const key = `contract-${Date.now()}`;
  // A WeChat Pay code (ending 90: the test wallet pays it on the spot).
  const wechat = () => `13${String(Math.random()).slice(2, 16).padEnd(14, "0")}90`;
  const barcode = wechat();
  const paid = await expectContract("post", "/pos/charges", await sale(barcode, key));
  expect(paid.status).toBe("successful");
  const again = await expectContract("post", "/pos/charges", await sale(barcode, key));
  expect(again.id).toBe(paid.id);
  const refund = await expectContract(
    "post",
    `/pos/charges/${paid.id}/refunds`,
    await request.post(`/pos/charges/${paid.id}/refunds`, { headers: { "Idempotency-Key": `${key}-refund`, Origin: SHOP }, data: { amount: 5000 } }),
  );
  expect(refund).toMatchObject({ amount: 5000, charge: paid.id });
  const cancel = await expectContract(
    "post",
    `/pos/charges/${paid.id}/cancel`,
    await request.post(`/pos/charges/${paid.id}/cancel`, { headers: { Origin: SHOP } }),
  );
  expect(cancel.code, "a paid charge cannot be canceled").toBeTruthy();
  const reused = await expectContract("post", "/pos/charges", await sale(wechat(), key));
  expect(reused.code).toBe("idempotency_key_in_use");
});
