// The cashier view (in-store, B scan C) on the demo shop's /pos page, with the sandbox's
// documented test codes (the page lists them; the last two digits decide the outcome): the
// scanner types the code and Enter, as a keyboard wedge does.
import { test, expect, chromium } from "@playwright/test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gatewayGet, gatewayPost } from "./gateway.mjs";
import { barcodeDetectorScript, fakeCameraArgs, writeQrVideo } from "./camera.mjs";
import config from "../../playwright.config.mjs";
import { DEMO_PIN, signIn } from "./staff.mjs";

// Every test here is the shop's cashier, signed in (the one about signing in starts signed out).
test.beforeEach(async ({ page }, testInfo) => {
  if (!testInfo.title.includes("signed out")) await signIn(page);
});

test("signed out, the point of sale asks for the staff PIN first and refuses a wrong one", async ({ page }) => {
  await page.goto("/pos?amount=12000");
  await expect(page.getByRole("heading", { name: "Staff sign-in" })).toBeVisible();
  await page.getByLabel("Staff PIN").fill("0000");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toHaveText("That PIN is not right. Try again.");
  await expect(page.getByRole("textbox", { name: "Customer's payment code" })).toHaveCount(0);
  await page.getByLabel("Staff PIN").fill(DEMO_PIN);
  await page.getByRole("button", { name: "Sign in" }).click();
  // back to the sale it was asked for
  await expect(page).toHaveURL(/\/pos\?amount=12000$/);
  await expect(page.getByRole("textbox", { name: "Customer's payment code" })).toBeVisible();
});

test("a cashier who signs out is asked for the PIN again, and the old session no longer charges", async ({ page }) => {
  await page.goto("/pos");
  await expect(page.getByRole("textbox", { name: "Customer's payment code" })).toBeVisible();
  const [cookie] = await page.context().cookies();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { name: "Staff sign-in" })).toBeVisible();
  await page.goto("/pos");
  await expect(page.getByRole("heading", { name: "Staff sign-in" })).toBeVisible();
  // The cookie, had someone kept it, signs no one in any more.
  const answer = await page.request.post("/pos/charges", {
    headers: { cookie: `${cookie.name}=${cookie.value}`, "idempotency-key": `kept-${Date.now()}` },
    data: { amount: 40000, currency: "THB", barcode: code("Alipay", "90"), store_id: "store_1234", terminal_id: "POS-01" },
  });
  expect(answer.status()).toBe(401);
});

/** A fresh test code of `wallet` ending in `ending`: every test's charges are its own. */
function code(wallet, ending) {
  const prefix = wallet === "Alipay" ? "28" : "13";
  let middle = "";
  while (middle.length < 14) middle += Math.floor(Math.random() * 10);
  return prefix + middle + ending;
}

async function scan(page, code) {
  const field = page.getByRole("textbox", { name: "Customer's payment code" });
  await field.fill(code);
  await field.press("Enter");
}

async function chargesOf(barcode) {
  const list = await gatewayGet("/charges?limit=100");
  return list.body.data.filter((c) => c.source.barcode === barcode);
}

const status = (page) => page.getByRole("status");

// Each seed failure code (the README's test code table) and what the cashier is told to do.
const FAILURES = [
  ["Alipay", "11", "payment_cancelled", "cancelled in the app. Scan again"],
  ["Alipay", "12", "failed_processing", "could not be processed. Scan again, or ask for another payment method"],
  ["Alipay", "13", "insufficient_balance", "balance is insufficient. Ask for another payment method"],
  ["Alipay", "14", "payment_rejected", "wallet rejected the payment. Ask for another payment method"],
  ["Alipay", "15", "timeout", "did not confirm in time. Ask them to show a new code"],
  ["WeChat Pay", "11", "payment_expired", "did not confirm in time. Ask them to show a new code"],
  ["WeChat Pay", "12", "payment_rejected", "wallet rejected the payment. Ask for another payment method"],
  ["WeChat Pay", "13", "invalid_account", "account cannot make this payment. Ask for another payment method"],
  ["WeChat Pay", "14", "insufficient_fund", "balance is insufficient. Ask for another payment method"],
  ["WeChat Pay", "15", "failed_processing", "could not be processed. Scan again, or ask for another payment method"],
];

for (const [wallet, ending, failureCode, advice] of FAILURES) {
  test(`${wallet}: ${failureCode} tells the cashier what to do next`, async ({ page }) => {
    await page.goto("/pos");
    const barcode = code(wallet, ending);
    await scan(page, barcode);
    await expect(status(page)).toContainText(`Payment failed. `);
    await expect(status(page)).toContainText(advice);
    const [charge] = await chargesOf(barcode);
    expect(charge.failure_code).toBe(failureCode);
    // the customer shows another code: a new charge for the same sale
    await scan(page, code(wallet, "90"));
    await expect(status(page)).toContainText(`Payment successful: THB 400.00 with ${wallet}`);
  });
}

test("test mode: the page lists the sandbox's test codes by outcome, and a code's button scans it", async ({ page }) => {
  await page.goto("/pos");
  const codes = page.getByRole("region", { name: "Sandbox test codes" });
  await expect(codes.getByRole("row")).toHaveCount(15); // a heading row, 7 codes of each wallet
  await page.getByRole("button", { name: "Scan Alipay code that fails: insufficient_balance" }).click();
  await expect(status(page)).toContainText("Payment failed. ");
  await expect(status(page)).toContainText("balance is insufficient. Ask for another payment method");
  await page.getByRole("button", { name: "Scan WeChat Pay code that pays at once" }).click();
  await expect(status(page)).toContainText("Payment successful: THB 400.00 with WeChat Pay");
});

test("test mode: a code's button pressed while the till still loads scans once it is ready, not never", async ({ page }) => {
  // The till's code arrives late, as on a slow network, after the page and its buttons.
  await page.route(/paywasm_pos_bg\.wasm$/, async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await route.continue();
  });
  await page.goto("/pos");
  await page.getByRole("button", { name: "Scan Alipay code that fails: insufficient_balance" }).click();
  await expect(status(page)).toContainText("Payment failed. ");
});

for (const wallet of ["Alipay", "WeChat Pay"]) {
  test(`${wallet}: the customer confirms in the app while the cashier waits`, async ({ page }) => {
    await page.goto("/pos");
    const barcode = code(wallet, "01");
    await scan(page, barcode);
    await expect(status(page)).toContainText(`Waiting for the customer to confirm in ${wallet}`);
    const [charge] = await chargesOf(barcode);
    await gatewayPost(`/charges/${charge.id}/mark_as_paid`);
    await expect(status(page)).toContainText(`Payment successful: THB 400.00 with ${wallet}`);
  });

  test(`${wallet}: the customer declines in the app while the cashier waits`, async ({ page }) => {
    await page.goto("/pos");
    const barcode = code(wallet, "01");
    await scan(page, barcode);
    await expect(status(page)).toContainText(`Waiting for the customer to confirm in ${wallet}`);
    const [charge] = await chargesOf(barcode);
    await gatewayPost(`/charges/${charge.id}/mark_as_failed`, { failure_code: "payment_cancelled" });
    await expect(status(page)).toContainText("The customer cancelled in the app");
  });

  test(`${wallet}: the cashier cancels a payment the customer has not confirmed`, async ({ page }) => {
    await page.goto("/pos");
    const barcode = code(wallet, "01");
    await scan(page, barcode);
    await expect(status(page)).toContainText(`Waiting for the customer to confirm in ${wallet}`);
    await page.getByRole("button", { name: "Cancel payment" }).click();
    await expect(status(page)).toContainText("Cancelled");
    const [charge] = await chargesOf(barcode);
    expect(charge.status).toBe("expired");
    // a new scan is a new charge, not the cancelled one again
    const next = code(wallet, "90");
    await scan(page, next);
    await expect(status(page)).toContainText("Payment successful");
    expect(await chargesOf(next)).toHaveLength(1);
  });
}

test("Alipay: a scanned code is charged once, even with a double Enter, and can be refunded in part", async ({ page }) => {
  await page.goto("/pos?amount=40000");
  await expect(page.getByRole("heading", { name: "Charge THB 400.00" })).toBeVisible();
  await expect(page.getByText("paywasm demo shop (Silom) · Store store_1234 · Terminal POS-01", { exact: true })).toBeVisible();
  const charges = [];
  page.on("request", (r) => r.url().endsWith("/pos/charges") && r.method() === "POST" && charges.push(r));
  const barcode = code("Alipay", "90");
  const field = page.getByRole("textbox", { name: "Customer's payment code" });
  await field.fill(barcode);
  await field.press("Enter");
  await page.keyboard.press("Enter"); // the scanner sends a second Enter
  await expect(status(page)).toContainText("Payment successful: THB 400.00 with Alipay");
  expect(charges.length).toBeLessThanOrEqual(2);
  const keys = new Set(charges.map((r) => r.headers()["idempotency-key"]));
  expect(keys.size).toBe(1);
  const mine = await chargesOf(barcode);
  expect(mine).toHaveLength(1);
  expect(mine[0].source.terminal_id).toBe("POS-01");

  await page.getByRole("textbox", { name: "Refund amount" }).fill("100.00");
  await page.getByRole("button", { name: "Refund" }).click();
  await expect(page.getByText(/^Refunded THB 100\.00 \(rfnd_test_/)).toBeVisible();
  await page.getByRole("textbox", { name: "Refund amount" }).fill("400.00");
  await page.getByRole("button", { name: "Refund" }).click();
  await expect(page.getByText(/Refund refused: .*at most 30000/)).toBeVisible();
});

test("a scan while the customer is confirming starts no second charge", async ({ page }) => {
  await page.goto("/pos");
  let posts = 0;
  page.on("request", (r) => r.url().endsWith("/pos/charges") && r.method() === "POST" && posts++);
  const barcode = code("WeChat Pay", "01");
  await scan(page, barcode);
  await expect(status(page)).toContainText("Waiting for the customer to confirm in WeChat Pay");
  // the scanner field is gone while waiting: a second scan types into the page and its Enter does nothing
  await expect(page.getByRole("textbox", { name: "Customer's payment code" })).toHaveCount(0);
  await page.keyboard.type(code("WeChat Pay", "90"));
  await page.keyboard.press("Enter");
  await page.waitForTimeout(300);
  expect(posts).toBe(1);
  await page.getByRole("button", { name: "Cancel payment" }).click();
  await expect(status(page)).toContainText("Cancelled");
});

test("a retry after the shop's answer was lost charges the customer once", async ({ page }) => {
  await page.goto("/pos");
  const keys = [];
  // the shop charges the code, then the connection drops before the answer reaches the POS
  await page.route("**/pos/charges", async (route) => {
    keys.push(route.request().headers()["idempotency-key"]);
    if (keys.length === 1) {
      await route.fetch();
      await route.abort("connectionreset");
    } else {
      await route.continue();
    }
  });
  const barcode = code("Alipay", "90");
  await scan(page, barcode);
  await expect(status(page)).toContainText("Scan again to retry; the customer will not be charged twice.");
  await scan(page, barcode);
  await expect(status(page)).toContainText("Payment successful: THB 400.00 with Alipay");
  expect(keys).toHaveLength(2);
  expect(keys[1]).toBe(keys[0]);
  expect(await chargesOf(barcode)).toHaveLength(1);
});

test("a code that is not a wallet's is refused at once, without a request", async ({ page }) => {
  await page.goto("/pos");
  let requests = 0;
  page.on("request", (r) => r.url().includes("/pos/charges") && requests++);
  await scan(page, "8850999320014");
  await expect(status(page)).toContainText("not an Alipay or WeChat Pay payment code");
  expect(requests).toBe(0);
});

// The seeds' refund windows: Alipay in-store 12 months (001), WeChat Pay 90 days (003). The
// sandbox's test control moves a paid charge back in time.
for (const [wallet, days, refused] of [
  ["Alipay", 364, false],
  ["Alipay", 366, true],
  ["WeChat Pay", 89, false],
  ["WeChat Pay", 91, true],
]) {
  test(`${wallet}: a refund ${days} days after payment is ${refused ? "refused" : "made"}`, async ({ page }) => {
    await page.goto("/pos");
    const barcode = code(wallet, "90");
    await scan(page, barcode);
    await expect(status(page)).toContainText("Payment successful");
    const [charge] = await chargesOf(barcode);
    expect((await gatewayPost(`/charges/${charge.id}/backdate`, { days })).status).toBe(200);
    await page.getByRole("textbox", { name: "Refund amount" }).fill("400.00");
    await page.getByRole("button", { name: "Refund" }).click();
    if (refused) {
      const window = wallet === "Alipay" ? 365 : 90;
      await expect(page.getByText(`Refund refused: the refund window of ${window} days after payment has passed`)).toBeVisible();
    } else {
      await expect(page.getByText(/^Refunded THB 400\.00 \(rfnd_test_/)).toBeVisible();
    }
  });
}

test("without BarcodeDetector (Linux Chromium) the cashier scans with the scanner field only", async ({ page }) => {
  await page.goto("/pos");
  await expect(page.getByRole("textbox", { name: "Customer's payment code" })).toBeVisible();
  expect(await page.evaluate(() => "BarcodeDetector" in window)).toBe(false);
  await expect(page.getByRole("button", { name: "Scan with camera" })).toHaveCount(0);
});

test("with a camera and BarcodeDetector, the cashier scans the customer's QR code", async () => {
  const barcode = code("Alipay", "90");
  const video = join(mkdtempSync(join(tmpdir(), "paywasm-camera-")), "code.y4m");
  writeQrVideo(video, barcode);
  const { launchOptions, baseURL } = config.use;
  const browser = await chromium.launch({ ...launchOptions, args: [...launchOptions.args, ...fakeCameraArgs(video)] });
  try {
    const page = await browser.newPage({ baseURL });
    await signIn(page);
    await page.addInitScript({ content: barcodeDetectorScript() });
    await page.goto("/pos");
    await page.getByRole("button", { name: "Scan with camera" }).click();
    await expect(status(page)).toContainText("Payment successful: THB 400.00 with Alipay");
    // the camera is off once the code is taken
    await expect(page.getByLabel("Camera")).toBeHidden();
    expect(await page.getByLabel("Camera").evaluate((video) => video.srcObject)).toBeNull();
    expect(await chargesOf(barcode)).toHaveLength(1);
  } finally {
    await browser.close();
  }
});

test("the cashier view has no accessibility violations (axe-core)", async ({ page }) => {
  const { readFileSync } = await import("node:fs");
  const { createRequire } = await import("node:module");
  const axe = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
  await page.goto("/pos");
  await expect(page.getByRole("textbox", { name: "Customer's payment code" })).toBeVisible();
  await page.evaluate(axe);
  const violations = await page.evaluate(async () =>
    (await window.axe.run(document.querySelector(".paywasm"), { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"] } }))
      .violations.map((v) => v.id),
  );
  expect(violations).toEqual([]);
});

test("an unmounted cashier's view stops asking for its charge", async ({ page }) => {
  await page.goto("/pos");
  // A view of the page's own, whose handle the test keeps (the shop's page drops it).
  await page.evaluate(async () => {
    const config = JSON.parse(document.getElementById("checkout-config").textContent);
    document.body.replaceChildren(Object.assign(document.createElement("div"), { id: "till" }));
    const { mount } = await import("/pkg/index.js");
    window.till = await mount("#till", config.widget);
  });
  // A shop that answers status requests at once (no long poll): the view asks every few seconds.
  let asked = 0;
  await page.route(/\/checkout\/charges\/chrg_/, async (route) => {
    asked += 1;
    const answer = await route.fetch({ url: route.request().url().replace(/\?.*$/, "") });
    await route.fulfill({ response: answer });
  });
  await scan(page, code("Alipay", "01"));
  await expect(status(page)).toContainText("Waiting for the customer to confirm in Alipay");
  await expect.poll(() => asked, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
  await page.evaluate(() => window.till.unmount());
  await expect(page.getByRole("status")).toHaveCount(0);
  const before = asked;
  await page.waitForTimeout(7_000);
  expect(asked - before, "requests after unmount").toBeLessThanOrEqual(1);
});

test.describe("in the cashier's language", () => {
  test.use({ locale: "th-TH" });
  test("the cashier's view speaks Thai from the browser's languages, labels, status and advice", async ({ page }) => {
    await page.goto("/pos");
    await expect(page.getByRole("heading", { name: "เรียกเก็บ THB 400.00" })).toBeVisible();
    const field = page.getByRole("textbox", { name: "โค้ดชำระเงินของลูกค้า" });
    await field.fill("12345");
    await field.press("Enter");
    await expect(status(page)).toHaveText(/^นี่ไม่ใช่โค้ดชำระเงิน Alipay หรือ WeChat Pay/);
    await field.fill(code("Alipay", "13"));
    await page.getByRole("button", { name: "เรียกเก็บเงิน" }).click();
    await expect(status(page)).toHaveText("ชำระเงินไม่สำเร็จ ยอดเงินของลูกค้าไม่เพียงพอ ขอวิธีชำระเงินอื่น");
    await expect(page.locator("section[lang=th]")).toHaveCount(1);
  });
});

test("a sale and its refund with the keyboard alone: the focus starts in the scan field and Tab reaches each step", async ({ page }) => {
  await page.goto("/pos");
  const field = page.getByRole("textbox", { name: "Customer's payment code" });
  await expect(field).toBeFocused();
  await page.keyboard.type(code("Alipay", "90")); // as a scanner types it
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Charge" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(status(page)).toContainText("Payment successful");
  // The refund panel comes after the outcome: Tab from the page's start reaches it.
  const refund = page.getByRole("textbox", { name: "Refund amount" });
  for (let i = 0; i < 20 && !(await refund.evaluate((e) => e === document.activeElement)); i++) await page.keyboard.press("Tab");
  await expect(refund).toBeFocused();
  await page.keyboard.type("50.00");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Refund" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByText(/^Refunded THB 50\.00 \(rfnd_test_/)).toBeVisible();
});

test("after a sale that did not pay, the next scan goes into the scan field (a scanner types where the focus is)", async ({ page }) => {
  await page.goto("/pos");
  const field = page.getByRole("textbox", { name: "Customer's payment code" });
  await expect(field).toBeFocused();
  await page.keyboard.type(code("Alipay", "14"));
  await page.keyboard.press("Enter");
  await expect(status(page)).toContainText("Payment failed");
  await expect(field).toBeFocused();
  // Cancelled while waiting for the customer: the same.
  await page.keyboard.type(code("Alipay", "01"));
  await page.keyboard.press("Enter");
  await page.getByRole("button", { name: "Cancel payment" }).click();
  await expect(status(page)).toContainText("Cancelled");
  await expect(field).toBeFocused();
  await page.keyboard.type(code("Alipay", "90"));
  await page.keyboard.press("Enter");
  await expect(status(page)).toContainText("Payment successful");
});

test("the amount is large and its figures line up (tabular), for reading at arm's length", async ({ page }) => {
  await page.goto("/pos");
  const amount = page.getByRole("heading", { name: "Charge THB 400.00" }).getByText("THB 400.00");
  const style = await amount.evaluate((e) => ({ size: parseFloat(getComputedStyle(e).fontSize), figures: getComputedStyle(e).fontVariantNumeric }));
  expect(style.size).toBeGreaterThanOrEqual(32);
  expect(style.figures).toBe("tabular-nums");
  const statusSize = await status(page).evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
  expect(statusSize).toBeGreaterThanOrEqual(20);
});
