// The checkout's look, as a customer meets it: large method tiles with their marks,
// the amount first, the QR panel with the scheme, a bar of the time left and (on phones) the
// save button before the code, a receipt after payment in the customer's language and time
// zone, and a layout that holds from 280 to 560 px wide in every state.
import { test, expect } from "@playwright/test";
import { gatewayGet, gatewayPost } from "./gateway.mjs";
import { chargeCreated, widgetIsLive } from "./shop.mjs";
import { IPHONE_UA } from "./user-agents.mjs";

/** Starts a PromptPay payment on the product page; resolves to the pending charge. */
async function startPromptPay(page) {
  const created = chargeCreated(page);
  await page.getByRole("button", { name: "PromptPay", exact: true }).click();
  await expect(page.getByRole("img", { name: /QR/ })).toBeVisible();
  return created;
}

test("each method is a tile at least 44 px high with its own mark, named by the method alone", async ({ page }) => {
  await page.goto("/");
  // The widget's own tiles (the first view's were found replaced mid-measure: a null box).
  await widgetIsLive(page);
  const group = page.getByRole("group", { name: "Payment method" });
  for (const name of ["PromptPay", "Alipay"]) {
    const tile = group.getByRole("button", { name, exact: true });
    const box = await tile.boundingBox();
    expect(box.height).toBeGreaterThanOrEqual(44);
    const mark = tile.locator("svg");
    await expect(mark).toHaveAttribute("aria-hidden", "true");
    const markBox = await mark.boundingBox();
    expect(markBox.width).toBeGreaterThanOrEqual(24);
  }
  // Two different marks, not one picture twice.
  const marks = await group.locator("svg").evaluateAll((svgs) => svgs.map((svg) => svg.outerHTML));
  expect(new Set(marks).size).toBe(2);
  // The amount comes first, in larger type than the words around it.
  const heading = page.getByRole("heading", { name: "Choose how to pay THB 1,290.00" });
  const sizes = await heading.evaluate((h) => {
    const total = h.querySelector("span");
    return { total: parseFloat(getComputedStyle(total).fontSize), words: parseFloat(getComputedStyle(h).fontSize), first: total.getBoundingClientRect().top <= h.getBoundingClientRect().top + 1 };
  });
  expect(sizes.total).toBeGreaterThan(sizes.words * 1.4);
  expect(sizes.first).toBe(true);
});

test("the chosen tile shows progress while the payment is prepared", async ({ page }) => {
  await page.goto("/");
  // Hold the shop's answer, so that the starting state can be seen.
  let release;
  const held = new Promise((resolve) => (release = resolve));
  await page.route("**/checkout/charges", async (route) => {
    await held;
    await route.continue();
  });
  const tile = page.getByRole("button", { name: "PromptPay", exact: true });
  await tile.click();
  await expect(page.getByRole("status")).toHaveText("Preparing your payment with PromptPay…");
  await expect(tile).toBeDisabled();
  const spinner = await tile.evaluate((button) => {
    const after = getComputedStyle(button, "::after");
    return { content: after.content, animation: after.animationName, opacity: getComputedStyle(button).opacity };
  });
  expect(spinner.content).not.toBe("none");
  expect(spinner.animation).toBe("paywasm-spin");
  expect(spinner.opacity).toBe("1"); // the other tile is dimmed, this one is not
  const other = await page.getByRole("button", { name: "Alipay", exact: true }).evaluate((b) => getComputedStyle(b, "::after").content);
  expect(other).toBe("none");
  release();
  await expect(page.getByRole("img", { name: /QR/ })).toBeVisible();
});

test("the QR panel names the scheme and shows the time left as a bar that runs down", async ({ page }) => {
  await page.goto("/");
  await startPromptPay(page);
  const panel = page.locator(".paywasm-qr");
  await expect(panel.getByText("PromptPay", { exact: true })).toBeVisible();
  const bar = panel.locator("progress");
  await expect(bar).toHaveAttribute("aria-hidden", "true"); // the timer says it in words
  const first = await bar.evaluate((p) => ({ value: p.value, max: p.max }));
  expect(first.value).toBeGreaterThan(0);
  expect(first.value).toBeLessThanOrEqual(first.max);
  await expect.poll(() => bar.evaluate((p) => p.value), { timeout: 4_000 }).toBeLessThan(first.value);
  // Figures that line up: the amount and the countdown do not jitter as the digits change.
  for (const figures of [panel.getByText("THB 1,290.00", { exact: true }), panel.getByRole("timer")]) {
    expect(await figures.evaluate((e) => getComputedStyle(e).fontVariantNumeric)).toBe("tabular-nums");
  }
});

test.describe("on a phone", () => {
  test.use({ userAgent: IPHONE_UA, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test("the save button comes before the QR, which the customer cannot scan on their own screen", async ({ page }) => {
    await page.goto("/");
    await startPromptPay(page);
    const save = page.getByRole("button", { name: "Save QR code" });
    const qr = page.getByRole("img", { name: /QR/ });
    const saveBox = await save.boundingBox();
    const qrBox = await qr.boundingBox();
    expect(saveBox.y + saveBox.height).toBeLessThanOrEqual(qrBox.y);
    // First in the reading and Tab order too.
    expect(await save.evaluate((button, img) => !!(button.compareDocumentPosition(img) & Node.DOCUMENT_POSITION_FOLLOWING), await qr.elementHandle())).toBe(true);
  });
});

test.describe("a receipt in the customer's language and time zone", () => {
  test.use({ locale: "ja-JP", timezoneId: "Asia/Tokyo" });

  test("after payment: a check mark, the amount, the method, the merchant, the reference, the date and time", async ({ page }) => {
    await page.goto("/");
    const charge = await startPromptPay(page);
    await gatewayPost(`/charges/${charge.id}/mark_as_paid`);
    const status = page.getByRole("status");
    await expect(status).toContainText("お支払いが完了しました");
    const sign = await status.evaluate((p) => getComputedStyle(p, "::before").content);
    expect(sign).toContain("✓");
    const { body: paid } = await gatewayGet(`/charges/${charge.id}`);
    expect(paid.paid_at).toBeTruthy();
    const when = new Intl.DateTimeFormat("ja", { dateStyle: "medium", timeStyle: "short", timeZone: "Asia/Tokyo" }).format(new Date(paid.paid_at));
    const receipt = page.locator("dl.paywasm-receipt");
    const lines = await receipt.locator("div").evaluateAll((divs) => divs.map((d) => [d.querySelector("dt").textContent, d.querySelector("dd").textContent]));
    expect(lines).toEqual([
      ["金額", "THB 1,290.00"],
      ["お支払い方法", "PromptPay"],
      ["お支払い先", "paywasm demo shop"],
      ["参照番号", charge.id],
      ["日時", when],
    ]);
    // Tokyo's clock, not the machine's: the hour is UTC's plus nine.
    const hour = new Date(paid.paid_at).getUTCHours();
    expect(when).toContain(`${(hour + 9) % 24}:`);
  });
});

test("a failure shows a sign, what happened and what to do; an expiry offers a new QR", async ({ page }) => {
  await page.goto("/");
  let charge = await startPromptPay(page);
  await gatewayPost(`/charges/${charge.id}/mark_as_failed`, { failure_code: "payment_rejected" });
  const status = page.getByRole("status");
  await expect(status).toHaveText("Payment failed: it was declined by your wallet or bank. You can try again or choose another method.");
  expect(await status.evaluate((p) => getComputedStyle(p, "::before").content)).toContain("!");
  // No receipt is shown (it is made once, hidden until a payment succeeds).
  await expect(page.locator("dl.paywasm-receipt")).toBeHidden();
  await page.getByRole("button", { name: "Try again" }).click();
  charge = await startPromptPay(page);
  await gatewayPost(`/charges/${charge.id}/expire`);
  await expect(status).toContainText("expired");
  await expect(page.getByRole("button", { name: "New QR code" })).toBeVisible();
});

for (const width of [280, 560]) {
  test(`at ${width} px wide nothing scrolls sideways, in any state`, async ({ page }) => {
    await page.setViewportSize({ width, height: 900 });
    await page.goto("/");
    const fits = () =>
      page.evaluate(() => {
        const panel = document.querySelector("section.paywasm");
        return {
          page: document.documentElement.scrollWidth <= window.innerWidth,
          panel: panel.scrollWidth <= panel.clientWidth,
          inside: [...panel.querySelectorAll("*")].every((e) => e.getBoundingClientRect().right <= panel.getBoundingClientRect().right + 0.5),
        };
      });
    const all = { page: true, panel: true, inside: true };
    expect(await fits()).toEqual(all);
    const charge = await startPromptPay(page);
    expect(await fits()).toEqual(all);
    await gatewayPost(`/charges/${charge.id}/mark_as_paid`);
    await expect(page.locator("dl.paywasm-receipt")).toBeVisible();
    expect(await fits()).toEqual(all);
  });
}
