// Assets › Services, Numbers, Apps and ESME Binds through the UI: add, list, edit, delete, and
// refused values shown next to their field with what was typed kept — with JavaScript off
// (project "ssr": plain form posts to the page itself) and on (project "hydrate": the same
// forms, submitted in place).
import { expect, test, type Locator, type Page } from "@playwright/test";
import { hydrated, jsEnabled, signIn } from "../fixtures/session";

const RECEIVER = `https://localhost:${process.env.E2E_RECEIVER_PORT ?? 3138}`;

/** Unique per test run and per project (both projects share one server and database). */
function unique(): string {
  const project = test.info().project.name === "ssr" ? "1" : "2";
  return `${String(Date.now()).slice(-7)}${project}${Math.floor(Math.random() * 10)}`;
}

function row(page: Page, text: string): Locator {
  return page.locator("tbody tr", { hasText: text });
}

/** The error shown in the same `.field` as the control labelled `label`. */
function fieldError(page: Page, label: string): Locator {
  return page.locator(".field", { has: page.getByLabel(label, { exact: true }) }).locator(".field-error");
}

async function open(page: Page, path: string) {
  await page.goto(path);
  await hydrated(page, jsEnabled());
}

async function save(page: Page) {
  await page.getByRole("button", { name: "Save", exact: true }).click();
}

/** Deletes the row holding `text` through the confirmation, and checks it is gone. */
async function deleteRow(page: Page, base: string, text: string, noun: string) {
  await row(page, text).getByRole("link", { name: `Delete ${text}`, exact: true }).click();
  const dialog = page.getByRole("alertdialog");
  await expect(dialog).toContainText(text);
  await dialog.getByRole("button", { name: "Delete", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`${base}\\?notice=deleted$`));
  await expect(page.getByRole("status")).toHaveText(`${noun} deleted.`);
  await expect(row(page, text)).toHaveCount(0);
}

test.beforeEach(async ({ page }) => {
  await signIn(page, jsEnabled());
});

test("a service is added, listed, edited, kept on a cancelled delete, then deleted", async ({ page }) => {
  const name = `Service ${unique()}`;
  await open(page, "/assets/services");
  await page.getByRole("link", { name: "Add Service", exact: true }).click();
  await expect(page).toHaveURL(/\/assets\/services\/new$/);
  await hydrated(page, jsEnabled());
  await page.getByLabel("Name", { exact: true }).fill(name);
  await save(page);

  await expect(page).toHaveURL(/\/assets\/services\?notice=saved$/);
  await expect(page.getByRole("status")).toHaveText("Service saved.");
  await expect(row(page, name)).toHaveCount(1);
  await expect(row(page, name)).toContainText(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
  await expect(page.getByRole("columnheader")).toHaveText(["Name", "Last Modified", "Actions"]);

  await row(page, name).getByRole("link", { name: `Edit ${name}`, exact: true }).click();
  await expect(page).toHaveURL(/\/assets\/services\/\d+$/);
  await hydrated(page, jsEnabled());
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Edit Service");
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue(name);
  await page.getByLabel("Name", { exact: true }).fill(`${name} renamed`);
  await save(page);
  await expect(page).toHaveURL(/\/assets\/services\?notice=saved$/);
  await expect(row(page, `${name} renamed`)).toHaveCount(1);

  // Cancel keeps it.
  await row(page, name).getByRole("link", { name: `Delete ${name} renamed`, exact: true }).click();
  const dialog = page.getByRole("alertdialog");
  await expect(dialog).toContainText(`“${name} renamed” will be deleted.`);
  await dialog.getByRole("link", { name: "Cancel", exact: true }).click();
  await expect(page.getByRole("alertdialog")).toHaveCount(0);
  await expect(row(page, name)).toHaveCount(1);

  await deleteRow(page, "/assets/services", `${name} renamed`, "Service");
});

test("a number is added with its capabilities, edited and deleted", async ({ page }) => {
  const number = `+1${unique()}0`;
  await open(page, "/assets/numbers/new");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Add Number");
  await page.getByLabel("Number", { exact: true }).fill(number);
  const caps = page.getByRole("group", { name: "Capabilities", exact: true });
  await caps.getByLabel("SMS", { exact: true }).check();
  await caps.getByLabel("Voice", { exact: true }).check();
  await save(page);

  await expect(page).toHaveURL(/\/assets\/numbers\?notice=saved$/);
  await expect(page.getByRole("columnheader")).toHaveText(["Number", "Capabilities", "Last Modified", "Actions"]);
  await expect(row(page, number).locator(".badge")).toHaveText(["SMS", "Voice"]);

  await row(page, number).getByRole("link", { name: `Edit ${number}`, exact: true }).click();
  await hydrated(page, jsEnabled());
  await expect(page.getByLabel("Number", { exact: true })).toHaveValue(number);
  await expect(caps.getByLabel("SMS", { exact: true })).toBeChecked();
  await expect(caps.getByLabel("MMS", { exact: true })).not.toBeChecked();
  await caps.getByLabel("Voice", { exact: true }).uncheck();
  await caps.getByLabel("MMS", { exact: true }).check();
  await save(page);
  await expect(page).toHaveURL(/\/assets\/numbers\?notice=saved$/);
  await expect(row(page, number).locator(".badge")).toHaveText(["SMS", "MMS"]);

  await deleteRow(page, "/assets/numbers", number, "Number");
});

test("an app is added with its type, edited and deleted", async ({ page }) => {
  const name = `App ${unique()}`;
  await open(page, "/assets/apps");
  await page.getByRole("link", { name: "Add App", exact: true }).click();
  await hydrated(page, jsEnabled());
  const type = page.getByLabel("App Type", { exact: true });
  await expect(type.locator("option")).toHaveText([
    "In-App Messaging / Live Chat",
    "WhatsApp",
    "Messenger",
    "RCS",
    "Apple Messages for Business",
    "Email",
    "Push",
  ]);
  await page.getByLabel("Name", { exact: true }).fill(name);
  await type.selectOption("WhatsApp");
  await save(page);

  await expect(page).toHaveURL(/\/assets\/apps\?notice=saved$/);
  await expect(page.getByRole("columnheader")).toHaveText(["Name", "App Type", "Last Modified", "Actions"]);
  await expect(row(page, name)).toContainText("WhatsApp");

  await row(page, name).getByRole("link", { name: `Edit ${name}`, exact: true }).click();
  await hydrated(page, jsEnabled());
  await expect(type).toHaveValue("WhatsApp");
  await type.selectOption("Apple Messages for Business");
  await save(page);
  await expect(row(page, name)).toContainText("Apple Messages for Business");

  await deleteRow(page, "/assets/apps", name, "App");
});

test("an ESME bind is added, its password is never shown, it is edited and deleted", async ({ page }) => {
  const systemId = `esme${unique()}`;
  const password = `pw${unique().slice(-6)}`;
  await open(page, "/assets/esme-binds");
  await page.getByRole("link", { name: "Add ESME Bind", exact: true }).click();
  await expect(page).toHaveURL(/\/assets\/esme-binds\/new$/);
  await hydrated(page, jsEnabled());
  await page.getByLabel("System ID", { exact: true }).fill(systemId);
  await expect(page.getByLabel("Password", { exact: true })).toHaveAttribute("type", "password");
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByLabel("Description", { exact: true }).fill("Partner SMSC");
  await save(page);

  await expect(page).toHaveURL(/\/assets\/esme-binds\?notice=saved$/);
  await expect(page.getByRole("columnheader")).toHaveText([
    "ESME Bind ID",
    "System ID",
    "Description",
    "Password",
    "Sessions",
    "Last Modified",
    "Actions",
  ]);
  const bind = row(page, systemId);
  await expect(bind.locator("td").nth(0)).toHaveText(/^\d+$/);
  await expect(bind.locator("td").nth(2)).toHaveText("Partner SMSC");
  await expect(bind.locator("td").nth(3)).toHaveText("set");
  await expect(bind.locator("td").nth(4)).toHaveText("none");
  expect(await page.content()).not.toContain(password);

  await bind.getByRole("link", { name: `Edit ${systemId}`, exact: true }).click();
  await expect(page).toHaveURL(/\/assets\/esme-binds\/\d+$/);
  await hydrated(page, jsEnabled());
  const raw = await page.request.get(new URL(page.url()).pathname);
  expect(await raw.text()).not.toContain(password);
  expect(await page.content()).not.toContain(password);
  await expect(page.getByLabel("Password", { exact: true })).toHaveValue("");
  await expect(page.getByLabel("Password", { exact: true })).toHaveAccessibleDescription(/A password is set/);
  // An empty password keeps the stored one.
  await page.getByLabel("Description", { exact: true }).fill("Partner SMSC, second site");
  await save(page);
  await expect(page).toHaveURL(/\/assets\/esme-binds\?notice=saved$/);
  await expect(row(page, systemId).locator("td").nth(2)).toHaveText("Partner SMSC, second site");
  await expect(row(page, systemId).locator("td").nth(3)).toHaveText("set");
  expect(await page.content()).not.toContain(password);

  await deleteRow(page, "/assets/esme-binds", systemId, "ESME bind");
});

test("a bad number is refused next to its field", async ({ page }) => {
  await open(page, "/assets/numbers/new");
  await page.getByLabel("Number", { exact: true }).fill("12ab");
  await page.getByLabel("SMS", { exact: true }).check();
  await save(page);
  await expect(fieldError(page, "Number")).toHaveText(/E\.164/);
  await expect(page.getByLabel("Number", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Number", { exact: true })).toHaveAccessibleDescription(/E\.164/);
  await expect(page).toHaveURL(/\/assets\/numbers\/new/);
  // Nothing typed is lost, with JavaScript or without (the page is rendered again from the post).
  await expect(page.getByLabel("Number", { exact: true })).toHaveValue("12ab");
  await expect(page.getByLabel("SMS", { exact: true })).toBeChecked();
  await expect(page.getByLabel("Voice", { exact: true })).not.toBeChecked();
});

test("a number without a capability is refused on the Capabilities group", async ({ page }) => {
  await open(page, "/assets/numbers/new");
  await page.getByLabel("Number", { exact: true }).fill(`+1${unique()}1`);
  await save(page);
  const group = page.getByRole("group", { name: "Capabilities", exact: true });
  await expect(group.locator(".field-error")).toHaveText("Choose at least one capability.");
});

test("an ESME bind without a system ID is refused next to System ID", async ({ page }) => {
  await open(page, "/assets/esme-binds/new");
  await page.getByLabel("Password", { exact: true }).fill("secret1");
  await page.getByLabel("Description", { exact: true }).fill("Typed and kept");
  await save(page);
  await expect(fieldError(page, "System ID")).toHaveText("Enter the system ID.");
  await expect(fieldError(page, "Description")).toHaveCount(0);
  await expect(page.getByLabel("Description", { exact: true })).toHaveValue("Typed and kept");
  if (jsEnabled()) {
    await expect(page.getByLabel("Password", { exact: true })).toHaveValue("secret1");
  } else {
    await expect(page.getByLabel("Password", { exact: true })).toHaveValue("");
    await expect(page.getByText("Secrets are not sent back to the browser: enter it again.")).toBeVisible();
  }
  // The password is never written back into the page.
  expect(await page.content()).not.toContain('value="secret1"');
});

test("a service name used already is refused next to Name", async ({ page }) => {
  const name = `Twin ${unique()}`;
  await open(page, "/assets/services/new");
  await page.getByLabel("Name", { exact: true }).fill(name);
  await save(page);
  await expect(row(page, name)).toHaveCount(1);

  await page.getByRole("link", { name: "Add Service", exact: true }).click();
  await hydrated(page, jsEnabled());
  await page.getByLabel("Name", { exact: true }).fill(name);
  await save(page);
  await expect(fieldError(page, "Name")).toHaveText(`A service named "${name}" exists already.`);
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue(name);
  // Fixed, it saves.
  await page.getByLabel("Name", { exact: true }).fill(`${name} b`);
  await save(page);
  await expect(page).toHaveURL(/\/assets\/services\?notice=saved$/);
  await expect(row(page, `${name} b`)).toHaveCount(1);
});

test("editing an asset that does not exist answers 404 with the way back", async ({ page }) => {
  const res = await page.goto("/assets/apps/999999");
  expect(res?.status()).toBe(404);
  await expect(page.getByRole("alert")).toContainText('Nothing has the id "999999"');
  await expect(page.getByRole("link", { name: "Back to Apps", exact: true })).toBeVisible();
});

test("a service a webhook uses is not deleted, and the refusal names the webhook", async ({ page, browser }) => {
  const service = `Used ${unique()}`;
  const webhook = `Hook on ${service}`;
  await open(page, "/assets/services/new");
  await page.getByLabel("Name", { exact: true }).fill(service);
  await save(page);
  await expect(row(page, service)).toHaveCount(1);

  // The webhook form needs JavaScript: make the webhook in a browser that has it.
  const maker = await browser.newContext({ javaScriptEnabled: true });
  const form = await maker.newPage();
  await signIn(form, true);
  await form.goto("/assets/integrations/outbound-webhooks/new");
  await hydrated(form, true);
  await form.getByLabel("Name", { exact: true }).fill(webhook);
  await form.getByLabel("Entity", { exact: true }).selectOption({ label: service });
  await form.getByRole("group", { name: "SMS", exact: true }).getByLabel("Delivered", { exact: true }).check();
  await form.getByLabel("URL", { exact: true }).fill(`${RECEIVER}/receipts`);
  await form.getByRole("button", { name: "Save", exact: true }).click();
  await expect(form).toHaveURL(/\/assets\/integrations$/);
  await maker.close();

  await open(page, "/assets/services");
  await row(page, service).getByRole("link", { name: `Delete ${service}`, exact: true }).click();
  const dialog = page.getByRole("alertdialog");
  await dialog.getByRole("button", { name: "Delete", exact: true }).click();
  await expect(dialog.getByRole("alert")).toHaveText(
    `This service is used by webhooks: ${webhook}. Delete or change them first.`,
  );
  await dialog.getByRole("link", { name: "Cancel", exact: true }).click();
  await expect(page.getByRole("alertdialog")).toHaveCount(0);
  await expect(row(page, service)).toHaveCount(1);
});
