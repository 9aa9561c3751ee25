// The demo shop's point of sale is for signed-in staff only: a cashier signs in with the demo
// PIN (shown on the sign-in page in test mode) before the cashier view opens.
import { expect } from "@playwright/test";

export const DEMO_PIN = "2580";

/** Signs `page` in at the point of sale, as a cashier does, and leaves it on the cashier view. */
export async function signIn(page) {
  await page.goto("/pos/sign-in");
  await page.getByLabel("Staff PIN").fill(DEMO_PIN);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Point of sale" })).toBeVisible();
}
