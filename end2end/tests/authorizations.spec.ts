// The Authorizations tab, server-rendered: with JavaScript off (project "ssr") it lists what was
// saved with Name, Type, Status, Last Modified, Actions, and deletes after a plain-page confirmation.
import { expect, test } from "@playwright/test";
import { hydrated, jsEnabled, signIn } from "../fixtures/session";

test("the Authorizations tab lists profiles with their status and deletes after confirming", async ({ page, browser }) => {
  const name = `Listed auth ${Date.now()}`;
  // Create the profile in a JavaScript-enabled browser (the form needs it).
  const maker = await browser.newContext({ javaScriptEnabled: true });
  const form = await maker.newPage();
  await signIn(form, true);
  await form.goto("/assets/integrations/authorizations/new");
  await hydrated(form, true);
  await form.getByLabel("Name", { exact: true }).fill(name);
  await form.getByLabel("Type", { exact: true }).selectOption("OAuth 2.0");
  await form.getByLabel("Client ID", { exact: true }).fill("client");
  await form.getByLabel("Client Secret", { exact: true }).fill("secret");
  await form.getByLabel("Access Token URL", { exact: true }).fill("https://localhost:3139/token");
  await form.getByRole("button", { name: "Save", exact: true }).click();
  await expect(form).toHaveURL(/tab=authorizations$/);
  await maker.close();

  await signIn(page, jsEnabled());
  await page.goto("/assets/integrations?tab=authorizations");
  await hydrated(page, jsEnabled());
  for (const column of ["Name", "Type", "Status", "Last Modified", "Actions"]) {
    await expect(page.getByRole("columnheader", { name: column, exact: true })).toBeVisible();
  }
  const row = page.getByRole("row").filter({ hasText: name });
  await expect(row).toContainText("OAuth 2.0");
  await expect(row).toContainText("Authorization Pending");
  await row.getByRole("link", { name: `Delete ${name}` }).click();
  await expect(page.getByRole("alertdialog")).toContainText(name);
  await page.getByRole("alertdialog").getByRole("button", { name: "Delete", exact: true }).click();
  await expect(page.getByRole("row").filter({ hasText: name })).toHaveCount(0);
});
