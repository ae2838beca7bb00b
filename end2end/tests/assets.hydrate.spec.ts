// What the WASM adds to the Assets pages: saves and deletes happen in place (no page load),
// a refused save keeps every typed value, and hydration raises no error.
import { expect, test, type Page } from "@playwright/test";
import { hydrated, signIn } from "../fixtures/session";

/** Collects page errors and console errors. A refused save is an error response, which the
 *  browser logs as "Failed to load resource": that one is expected. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) errors.push(m.text());
  });
  return errors;
}

/** Marks the current document; the mark survives client-side navigation, not a page load. */
async function mark(page: Page) {
  await page.evaluate(() => ((window as any).__stillHere = true));
}

async function stillTheSameDocument(page: Page) {
  expect(await page.evaluate(() => (window as any).__stillHere)).toBe(true);
}

test("an ESME bind is refused, fixed, saved and deleted without a single page load", async ({ page }) => {
  const errors = watchErrors(page);

  const systemId = `h${String(Date.now()).slice(-9)}`;
  await signIn(page, true);
  await page.goto("/assets/esme-binds");
  await hydrated(page, true);
  await mark(page);

  await page.getByRole("link", { name: "Add ESME Bind", exact: true }).click();
  await expect(page).toHaveURL(/\/assets\/esme-binds\/new$/);
  // Too long for SMPP: refused, and everything typed stays, the password too.
  await page.getByLabel("System ID", { exact: true }).fill(`${systemId}-far-too-long`);
  await page.getByLabel("Password", { exact: true }).fill("pw1");
  await page.getByLabel("Description", { exact: true }).fill("Kept as typed");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.locator(".field-error")).toHaveText(/15 characters or fewer/);
  await expect(page.getByLabel("System ID", { exact: true })).toHaveValue(`${systemId}-far-too-long`);
  await expect(page.getByLabel("Password", { exact: true })).toHaveValue("pw1");
  await expect(page.getByLabel("Description", { exact: true })).toHaveValue("Kept as typed");

  await page.getByLabel("System ID", { exact: true }).fill(systemId);
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page).toHaveURL(/\/assets\/esme-binds\?notice=saved$/);
  const row = page.locator("tbody tr", { hasText: systemId });
  await expect(row).toContainText("Kept as typed");

  await row.getByRole("link", { name: `Delete ${systemId}`, exact: true }).click();
  const dialog = page.getByRole("alertdialog");
  await expect(dialog).toBeFocused();
  await dialog.getByRole("button", { name: "Delete", exact: true }).click();
  await expect(page).toHaveURL(/\/assets\/esme-binds\?notice=deleted$/);
  await expect(row).toHaveCount(0);
  await stillTheSameDocument(page);
  expect(errors).toEqual([]);
});

test("the edit pages of every kind hydrate without errors", async ({ page }) => {
  const errors = watchErrors(page);
  await signIn(page, true);
  for (const base of ["/assets/services", "/assets/numbers", "/assets/apps", "/assets/esme-binds"]) {
    await page.goto(base);
    await hydrated(page, true);
    const edit = page.locator("tbody tr").first().getByRole("link", { name: /^Edit / });
    await edit.click();
    await expect(page).toHaveURL(new RegExp(`${base}/\\d+$`));
    // A full load of the edit page, then hydration.
    await page.reload();
    await hydrated(page, true);
    await expect(page.getByRole("button", { name: "Save", exact: true })).toBeEnabled();
  }
  expect(errors).toEqual([]);
});
