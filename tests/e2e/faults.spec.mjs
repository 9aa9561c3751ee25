// Faults between the widget and the merchant server (and the widget's own files), injected by
// intercepting the page's requests (the sandbox's --gateway-faults/--shop-faults cover the other pairs; see
// crates/sandbox/tests/soak.rs). The customer must get their one charge, never two.
import { test, expect } from "@playwright/test";
import { gatewayGet, gatewayPost } from "./gateway.mjs";
import { holdShopScript } from "./shop.mjs";

async function orderOf(page) {
  const config = JSON.parse(await page.locator("#checkout-config").textContent());
  return config.widget.order;
}

async function chargesOfOrder(order) {
  const { body } = await gatewayGet("/charges?limit=100&order=reverse_chronological");
  return body.data.filter((charge) => charge.metadata?.order_id === order);
}

test("the shop's answer is lost after it created the charge: the widget asks again and the customer pays the one charge", async ({ page }) => {
  await page.goto("/");
  const order = await orderOf(page);
  let posts = 0;
  await page.route("**/checkout/charges", async (route) => {
    if (route.request().method() !== "POST") return route.continue();
    posts += 1;
    if (posts === 1) {
      await route.fetch(); // the shop acts: the charge exists at the gateway...
      return route.abort("connectionreset"); // ...but its answer never reaches the customer
    }
    return route.continue();
  });
  await page.getByRole("button", { name: "PromptPay" }).click();
  const qr = page.getByRole("img", { name: /QR/ });
  await expect(qr).toBeVisible();
  expect(posts).toBe(2);
  const charges = await chargesOfOrder(order);
  expect(charges, "one charge for the order, however often it was asked for").toHaveLength(1);
  expect((await gatewayPost(`/charges/${charges[0].id}/mark_as_paid`)).status).toBe(200);
  await expect(page.getByRole("status")).toContainText("successful");
});

test("the shop's answer never comes (a request the network left hanging): after 30 s the widget gives it up, asks again and the customer pays the one charge", async ({ page }) => {
  await page.clock.install();
  await page.goto("/");
  const order = await orderOf(page);
  let posts = 0;
  let hung;
  await page.route("**/checkout/charges", async (route) => {
    if (route.request().method() !== "POST") return route.continue();
    posts += 1;
    if (posts === 1) {
      hung = route.fetch(); // the shop acts, but its answer is never delivered
      return;
    }
    return route.continue();
  });
  await page.getByRole("button", { name: "PromptPay" }).click();
  await expect.poll(() => posts).toBe(1);
  await hung;
  await page.clock.fastForward(29_000);
  await expect(page.getByRole("img", { name: /QR/ })).toHaveCount(0);
  expect(posts).toBe(1);
  await page.clock.fastForward(2_000);
  await expect(page.getByRole("img", { name: /QR/ })).toBeVisible();
  expect(posts).toBe(2);
  const charges = await chargesOfOrder(order);
  expect(charges, "one charge for the order, however often it was asked for").toHaveLength(1);
});

test("the shop is overloaded twice (503, then 429): the widget waits and asks again, then shows the QR", async ({ page }) => {
  await page.goto("/");
  const order = await orderOf(page);
  const refusals = [
    { status: 503, code: "service_unavailable" },
    { status: 429, code: "too_many_requests" },
  ];
  let posts = 0;
  await page.route("**/checkout/charges", async (route) => {
    if (route.request().method() !== "POST") return route.continue();
    const refusal = refusals[posts++];
    if (!refusal) return route.continue();
    return route.fulfill({
      status: refusal.status,
      contentType: "application/json",
      body: JSON.stringify({ object: "error", code: refusal.code, message: "try again later" }),
    });
  });
  await page.getByRole("button", { name: "PromptPay" }).click();
  await expect(page.getByRole("img", { name: /QR/ })).toBeVisible();
  expect(posts).toBe(3);
  expect(await chargesOfOrder(order)).toHaveLength(1);
});

test("the shop stays unreachable: after three attempts the customer is told to check the connection and can choose again; nothing was charged", async ({ page }) => {
  await page.goto("/");
  const order = await orderOf(page);
  let posts = 0;
  await page.route("**/checkout/charges", (route) => {
    if (route.request().method() !== "POST") return route.continue();
    posts += 1;
    return route.abort("connectionrefused");
  });
  await page.getByRole("button", { name: "PromptPay" }).click();
  await expect(page.getByRole("status")).toContainText("We could not start the payment");
  await expect(page.getByRole("status")).toContainText("Check your connection");
  expect(posts).toBe(3);
  expect(await chargesOfOrder(order)).toHaveLength(0);
  // Nothing is lost: the methods are offered again.
  await expect(page.getByRole("button", { name: "PromptPay" })).toBeEnabled();
});

test("the payment's module cannot be fetched at the tap (the CDN unreachable): the customer is told to check the connection, nothing was charged, and the next tap fetches it and shows the QR", async ({ page }) => {
  let refused = 0;
  await page.route("**/paywasm_payment.wasm", (route) => {
    refused += 1;
    return route.abort("connectionrefused");
  });
  await page.goto("/");
  const order = await orderOf(page);
  await page.getByRole("button", { name: "PromptPay" }).click();
  await expect(page.getByRole("status")).toContainText("We could not start the payment");
  await expect(page.getByRole("status")).toContainText("Check your connection");
  expect(refused).toBeGreaterThan(0);
  expect(await chargesOfOrder(order)).toHaveLength(0);
  await page.unroute("**/paywasm_payment.wasm");
  await page.getByRole("button", { name: "PromptPay" }).click();
  await expect(page.getByRole("img", { name: /QR/ })).toBeVisible();
  expect(await chargesOfOrder(order)).toHaveLength(1);
});

/** Serves the payment's module with a custom section appended: still a valid module that would
 * run as the original does, so only its hash can refuse it. `served` counts the requests. */
async function serveChangedModule(page) {
  const module = { served: 0 };
  await page.route("**/paywasm_payment.wasm", async (route) => {
    const response = await route.fetch();
    const body = Buffer.concat([Buffer.from(await response.body()), Buffer.from([0, 2, 1, 0x78])]);
    module.served += 1;
    return route.fulfill({ response, body, headers: { ...response.headers(), "content-encoding": "identity" } });
  });
  return module;
}

test("a payment module changed on the CDN is refused by its hash, not run: the customer is told, and nothing was charged", async ({ page }) => {
  const module = await serveChangedModule(page);
  await page.goto("/");
  const order = await orderOf(page);
  await page.getByRole("button", { name: "PromptPay" }).click();
  await expect(page.getByRole("status")).toContainText("We could not start the payment");
  expect(module.served).toBeGreaterThan(0);
  expect(await chargesOfOrder(order)).toHaveLength(0);
  await expect(page.getByRole("img", { name: /QR/ })).toBeHidden();
});

test("a changed payment module asked for by the first view at the tap, before the widget has loaded, is refused by its hash too: no QR is shown, nothing is paid", async ({ page }) => {
  const module = await serveChangedModule(page);
  // The shop's script (which mounts the widget) held until the first view has asked.
  const script = await holdShopScript(page);
  await page.goto("/", { waitUntil: "commit" });
  const asked = page.waitForRequest("**/paywasm_payment.wasm");
  await page.getByRole("button", { name: "PromptPay" }).click();
  await asked;
  script.release();
  await expect(page.getByRole("status")).toContainText("We could not start the payment");
  expect(module.served).toBeGreaterThan(0);
  await expect(page.getByRole("img", { name: /QR/ })).toBeHidden();
  // The first view asked the shop for the charge before the module came: it waits, unpaid and
  // never shown, until it expires.
  const charges = await chargesOfOrder(await orderOf(page));
  expect(charges.filter((charge) => charge.paid)).toHaveLength(0);
  expect(charges.length).toBeLessThanOrEqual(1);
});

test("WooshPay: the shop's answer is lost after it made the PaymentIntent: the widget asks again and the customer pays that one", async ({ page }) => {
  await page.goto("/wooshpay");
  let posts = 0;
  let lost;
  await page.route("**/wooshpay/payment_intents", async (route) => {
    posts += 1;
    if (posts === 1) {
      lost = await (await route.fetch()).json(); // the shop made the PaymentIntent...
      return route.abort("connectionreset"); // ...but its answer never reaches the customer
    }
    return route.continue();
  });
  await page.getByRole("button", { name: "Alipay" }).click();
  await expect(page.getByRole("heading", { name: "Scan with Alipay to pay" })).toBeVisible();
  expect(posts).toBe(2);
  // Alipay's page is the lost answer's PaymentIntent, not a second one.
  expect(page.url()).toBe(lost.next_action.alipay_handle_redirect.url);
  await page.getByRole("button", { name: "Succeed" }).click();
  await expect(page.getByRole("status")).toHaveText("Payment successful. Thank you!");
});

test("a QR image the shop names on another site than the gateway's is not shown: the QR decides where the money goes", async ({ page }) => {
  const fetchedElsewhere = [];
  page.on("request", (request) => request.url().startsWith("https://evil.example") && fetchedElsewhere.push(request.url()));
  await page.goto("/");
  await page.route("**/checkout/charges", async (route) => {
    if (route.request().method() !== "POST") return route.continue();
    const answer = await route.fetch();
    const charge = await answer.json();
    charge.source.scannable_code.image.download_uri = "https://evil.example/qr.svg";
    return route.fulfill({ response: answer, json: charge });
  });
  await page.getByRole("button", { name: "PromptPay" }).click();
  await expect(page.getByRole("status")).toContainText("not on the payment service's site");
  await expect(page.getByRole("img", { name: /QR/ })).toHaveCount(0);
  expect(fetchedElsewhere).toEqual([]);
});
