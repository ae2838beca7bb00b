// The Integrations list, server-rendered: with JavaScript off (project "ssr") it lists what
// was saved, with its columns, and the delete confirmation works as a plain page.
import { expect, test } from "@playwright/test";
import { hydrated, jsEnabled, signIn } from "../fixtures/session";

const RECEIVER = `https://localhost:${process.env.E2E_RECEIVER_PORT ?? 3138}`;

test("the Integrations tab lists webhooks with their columns and deletes after confirming", async ({ page, browser }) => {
  const name = `Listed ${Date.now()}`;
  // Create the webhook in a JavaScript-enabled browser (the form needs it).
  const maker = await browser.newContext({ javaScriptEnabled: true });
  const form = await maker.newPage();
  await signIn(form, true);
  await form.goto("/assets/integrations/outbound-webhooks/new");
  await hydrated(form, true);
  await form.getByLabel("Name", { exact: true }).fill(name);
  await form.getByLabel("Entity", { exact: true }).selectOption({ label: "Acme on WhatsApp" });
  await form.getByRole("group", { name: "WhatsApp", exact: true }).getByLabel("Incoming Message", { exact: true }).check();
  await form.getByLabel("URL", { exact: true }).fill(`${RECEIVER}/whatsapp`);
  await form.getByRole("button", { name: "Save", exact: true }).click();
  await expect(form).toHaveURL(/\/assets\/integrations$/);
  await maker.close();

  await signIn(page, jsEnabled());
  await page.goto("/assets/integrations?type=outbound-webhook");
  await hydrated(page, jsEnabled());
  for (const column of ["Name", "Integration Type", "Entity", "Status", "Last Modified", "Actions"]) {
    await expect(page.getByRole("columnheader", { name: column, exact: true })).toBeVisible();
  }
  const row = page.getByRole("row").filter({ hasText: name });
  await expect(row).toContainText("Acme on WhatsApp");
  await expect(row).toContainText("Active");
  await row.getByRole("link", { name: `Delete ${name}` }).click();
  await expect(page.getByRole("alertdialog")).toContainText(name);
  await page.getByRole("alertdialog").getByRole("button", { name: "Delete", exact: true }).click();
  await expect(page.getByRole("row").filter({ hasText: name })).toHaveCount(0);
});
