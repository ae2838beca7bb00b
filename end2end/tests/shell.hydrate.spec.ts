// What needs the WASM: client-side navigation and the Add Integration menu's toggle.
import { expect, test } from "@playwright/test";
import { hydrated, signIn } from "../fixtures/session";

test("the page hydrates and navigation happens in place, without reloading", async ({ page }) => {
  await signIn(page, true);
  await hydrated(page, true);
  // A marker on window survives client-side navigation, not a full page load.
  await page.evaluate(() => ((window as any).__stillHere = true));
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Numbers", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Numbers" })).toBeVisible();
  expect(await page.evaluate(() => (window as any).__stillHere)).toBe(true);
});

test("Add Integration opens a menu whose Outbound Webhook item leads to the form's address", async ({ page }) => {
  await signIn(page, true);
  await hydrated(page, true);
  const button = page.getByRole("button", { name: "Add Integration", exact: true });
  await expect(button).toHaveAttribute("aria-expanded", "false");
  await button.click();
  await expect(button).toHaveAttribute("aria-expanded", "true");
  const item = page.getByRole("menuitem", { name: "Outbound Webhook", exact: true });
  await expect(item).toBeVisible();
  await expect(item).toHaveAttribute("href", "/assets/integrations/outbound-webhooks/new");
  await button.click();
  await expect(button).toHaveAttribute("aria-expanded", "false");
});
