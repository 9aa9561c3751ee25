// A checkout link opened inside LINE, Facebook, Instagram or WeChat shows in that app's own
// browser, where a payment app often does not open and the QR is on the phone that should scan
// it. The checkout says so before the customer chooses, in the customer's language, with a link
// to the phone's own browser where the app lets a page ask for one. Real user agents of each app.
import { test, expect } from "@playwright/test";
import { SHOP } from "../../playwright.config.mjs";
import { widgetIsLive } from "./shop.mjs";
import { axeViolations } from "./axe.mjs";
import { LINE_ANDROID, LINE_IPHONE, FACEBOOK_IPHONE, INSTAGRAM_ANDROID, WECHAT_ANDROID, ANDROID_CHROME } from "./user-agents.mjs";

const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true };

/** The shop as a customer reaches it, at an https address (a link is handed to another
 * browser only from a secure page): every request to `https://shop.test` is answered by the
 * demo shop. Only to look at: Chromium does not let such a page reach the gateway on this
 * machine's loopback address (Private Network Access), so paying is tested on the shop itself. */
const SECURE_SHOP = "https://shop.test";
async function onSecureAddress(page) {
  await page.route(`${SECURE_SHOP}/**`, async (route) => {
    const url = route.request().url().replace(SECURE_SHOP, SHOP);
    // A request still on its way when the test ends (the page's words file, asked for as the
    // page closes) fails here: a fetch that failed is a network error to the page, never an
    // error of the run.
    const response = await route.fetch({ url }).catch(() => null);
    await (response ? route.fulfill({ response }) : route.abort()).catch(() => {});
  });
}

/** The checkout's advice paragraph, found by what it says. */
const advice = (page, words) => page.getByText(words);

test.describe("in LINE on an Android phone", () => {
  test.use({ ...PHONE, userAgent: LINE_ANDROID });

  test("the customer is told before choosing and offered LINE's way out to the browser", async ({ page }) => {
    await onSecureAddress(page);
    await page.goto(`${SECURE_SHOP}/?order=ord_line#checkout`);
    await expect(advice(page, "Payment apps may not open from LINE")).toBeVisible();
    // LINE opens an address with openExternalBrowser=1 in the phone's default browser.
    const open = page.getByRole("link", { name: "Open in your browser" });
    await expect(open).toHaveAttribute("href", `${SECURE_SHOP}/?order=ord_line&openExternalBrowser=1#checkout`);
    expect(await axeViolations(page, ".paywasm")).toEqual([]);
  });
});

test.describe("in Instagram on an Android phone, dark", () => {
  test.use({ ...PHONE, userAgent: INSTAGRAM_ANDROID, colorScheme: "dark" });

  test("the link asks Android for a browser to open the page in", async ({ page }) => {
    await onSecureAddress(page);
    await page.goto(`${SECURE_SHOP}/`);
    await expect(advice(page, "Payment apps may not open from Instagram")).toBeVisible();
    await expect(page.getByRole("link", { name: "Open in your browser" })).toHaveAttribute(
      "href",
      "intent://shop.test/#Intent;scheme=https;end",
    );
    expect(await axeViolations(page, ".paywasm")).toEqual([]);
  });
});

test.describe("in Facebook on an iPhone", () => {
  test.use({ ...PHONE, userAgent: FACEBOOK_IPHONE });

  test("no link where only the app's menu can open a browser: the advice says to use it", async ({ page }) => {
    await onSecureAddress(page);
    await page.goto(`${SECURE_SHOP}/`);
    await expect(advice(page, "Payment apps may not open from Facebook: open this page in your browser (the app's menu)")).toBeVisible();
    await expect(page.getByRole("link", { name: "Open in your browser" })).toHaveCount(0);
  });
});

test.describe("on an insecure page", () => {
  test.use({ ...PHONE, userAgent: LINE_ANDROID });

  test("the advice is given, the page is not handed to another browser, and the customer can pay and save the QR", async ({ page }) => {
    await page.goto("/");
    await expect(advice(page, "Payment apps may not open from LINE")).toBeVisible();
    await expect(page.getByRole("link", { name: "Open in your browser" })).toHaveCount(0);

    await page.getByRole("button", { name: "PromptPay" }).click();
    await expect(page.getByRole("img", { name: /QR/ })).toBeVisible();
    // What works in the app's browser: the QR kept as an image, for the banking app.
    await expect(page.getByRole("button", { name: "Save QR code" })).toBeVisible();
    // The advice belongs to the choice, which is gone.
    await expect(advice(page, "Payment apps may not open from LINE")).toBeHidden();
  });
});

for (const { locale, userAgent, app, words, link, noLink } of [
  { locale: "th-TH", userAgent: LINE_IPHONE, app: "LINE", words: "แอปชำระเงินอาจเปิดจาก LINE ไม่ได้", link: "เปิดในเบราว์เซอร์" },
  { locale: "ja-JP", userAgent: LINE_IPHONE, app: "LINE", words: "LINE からはお支払いアプリが開かない場合があります", link: "ブラウザで開く" },
  // WeChat lets no page open another browser: only its menu does.
  { locale: "zh-CN", userAgent: WECHAT_ANDROID, app: "WeChat", words: "在 WeChat 中可能无法打开支付应用", link: null, noLink: "在浏览器中打开" },
]) {
  test.describe(`in ${app}, in ${locale}`, () => {
    test.use({ ...PHONE, userAgent, locale });

    test("the advice speaks the customer's language", async ({ page }) => {
      await onSecureAddress(page);
      await page.goto(`${SECURE_SHOP}/`);
      await expect(advice(page, words)).toBeVisible();
      if (link) await expect(page.getByRole("link", { name: link })).toBeVisible();
      else await expect(page.getByRole("link", { name: noLink })).toHaveCount(0);
    });
  });
}

test.describe("in the phone's own browser", () => {
  test.use({ ...PHONE, userAgent: ANDROID_CHROME });

  test("no advice and no link: the choice reads as before", async ({ page }) => {
    await onSecureAddress(page);
    await page.goto(`${SECURE_SHOP}/`);
    await widgetIsLive(page);
    await expect(page.getByText("Next, you scan a QR code or approve the payment in your app.")).toBeVisible();
    await expect(page.getByText(/Payment apps may not open/)).toHaveCount(0);
    await expect(page.getByRole("link", { name: "Open in your browser" })).toHaveCount(0);
  });
});
