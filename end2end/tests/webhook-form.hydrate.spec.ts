// The Outbound Webhook form in the browser (needs the WASM): the notification matrix for each
// entity kind, the Email asterisk note, deprecated channels, the hub signature fields, the
// Forward to SMPP rule in every order of clicks, inline errors that keep what was typed, and
// save → list → edit → delete. Entities come from --demo-data; the endpoint is the HTTPS
// receiver of fixtures/receiver.mjs (trusted through --extra-ca-file).
import { expect, test, type Page } from "@playwright/test";
import { hydrated, signIn } from "../fixtures/session";

const RECEIVER = `https://localhost:${process.env.E2E_RECEIVER_PORT ?? 3138}`;
const group = (page: Page, channel: string) => page.getByRole("group", { name: channel, exact: true });
const box = (page: Page, channel: string, event: string) => group(page, channel).getByLabel(event, { exact: true });

async function openForm(page: Page) {
  await signIn(page, true);
  await page.goto("/assets/integrations/outbound-webhooks/new");
  await hydrated(page, true);
  await expect(page.getByLabel("Name", { exact: true })).toBeVisible();
}

async function chooseEntity(page: Page, label: string) {
  await page.getByLabel("Entity", { exact: true }).selectOption({ label });
}

test("a service gets every channel's delivery receipts, with the Email note and deprecated channels", async ({ page }) => {
  await openForm(page);
  await chooseEntity(page, "Order Updates");
  const counts: Record<string, number> = {
    SMS: 5, Voice: 10, MMS: 3, Messenger: 4, "In-App Messaging / Live Chat": 5, WhatsApp: 4, Push: 4,
    Email: 9, "Apple Messages for Business": 1, RCS: 6, "Google Business Messages": 1, Instagram: 3,
  };
  for (const [channel, n] of Object.entries(counts)) {
    await expect(group(page, channel).getByRole("checkbox")).toHaveCount(n);
  }
  await expect(box(page, "SMS", "Undelivered")).not.toBeChecked();
  await expect(box(page, "Voice", "Trombone Release")).toBeVisible();
  await expect(group(page, "Email")).toContainText(
    "For Email Channel, the events marked with Asterisk are applicable only if 'Email via AWS SES' is the selected route.",
  );
  await expect(box(page, "Email", "Bounced")).toBeVisible(); // label without the asterisk
  await expect(group(page, "Instagram")).toContainText("deprecated");
  await expect(box(page, "Instagram", "Read")).toBeDisabled();
  await expect(box(page, "Google Business Messages", "Submitted")).toBeDisabled();
});

test("a number gets incoming events only for its capabilities, an app only for its channel", async ({ page }) => {
  await openForm(page);
  await chooseEntity(page, "+18885550100"); // Voice only
  await expect(box(page, "Voice", "Incoming Call Events")).toBeVisible();
  await expect(group(page, "SMS")).toHaveCount(0);
  await chooseEntity(page, "+14155550123"); // SMS, MMS, Voice
  await expect(box(page, "SMS", "Incoming Message")).toBeVisible();
  await expect(box(page, "MMS", "Incoming Message")).toBeVisible();
  await expect(box(page, "Voice", "Incoming Call Events")).toBeVisible();
  await chooseEntity(page, "Acme Support Chat");
  for (const e of ["Incoming Message", "Postback", "Thread Closed", "Typing Indicator", "Custom Events"]) {
    await expect(box(page, "In-App Messaging / Live Chat", e)).toBeVisible();
  }
  await expect(group(page, "SMS")).toHaveCount(0);
  await chooseEntity(page, "Acme Business Chat");
  await expect(group(page, "Apple Messages for Business").getByRole("checkbox")).toHaveCount(2);
  await expect(box(page, "Apple Messages for Business", "Invitation Response")).toBeVisible();
});

test("ticks the new entity cannot have are dropped when the entity changes", async ({ page }) => {
  await openForm(page);
  await chooseEntity(page, "+14155550123");
  await box(page, "SMS", "Incoming Message").check();
  await chooseEntity(page, "+18885550100");
  await chooseEntity(page, "+14155550123");
  await expect(box(page, "SMS", "Incoming Message")).not.toBeChecked();
});

test("the hub signature fields appear with SHA256 and SHA512 only", async ({ page }) => {
  await openForm(page);
  await expect(page.getByLabel("Hub Secret", { exact: true })).toHaveCount(0);
  await page.getByLabel("Enable Hub Signature", { exact: true }).check();
  await expect(page.getByLabel("Hub Secret", { exact: true })).toBeVisible();
  const algorithm = page.getByLabel("Algorithm", { exact: true });
  await expect(algorithm.locator("option")).toHaveText(["SHA256", "SHA512"]);
  await expect(algorithm).toHaveValue("sha256");
  await page.getByLabel("Enable Hub Signature", { exact: true }).uncheck();
  await expect(page.getByLabel("Hub Secret", { exact: true })).toHaveCount(0);
});

test("Forward to SMPP shows exactly for a number with SMS Incoming Message and no hub signature", async ({ page }) => {
  await openForm(page);
  const forward = page.getByLabel("Forward to SMPP", { exact: true });
  const bind = page.getByLabel("Select ESME Bind ID", { exact: true });
  const hub = page.getByLabel("Enable Hub Signature", { exact: true });
  await chooseEntity(page, "+14155550123");
  await expect(forward).toHaveCount(0);
  // Tick first, then hub on/off.
  await box(page, "SMS", "Incoming Message").check();
  await expect(forward).toBeVisible();
  await expect(bind).toHaveCount(0);
  await forward.check();
  await expect(bind).toBeVisible();
  await hub.check();
  await expect(forward).toHaveCount(0);
  await expect(bind).toHaveCount(0);
  await hub.uncheck();
  await expect(forward).toBeVisible();
  await expect(forward).not.toBeChecked(); // cleared when it was hidden
  // Hub first, then tick: stays hidden until the hub signature goes.
  await box(page, "SMS", "Incoming Message").uncheck();
  await hub.check();
  await box(page, "SMS", "Incoming Message").check();
  await expect(forward).toHaveCount(0);
  await hub.uncheck();
  await expect(forward).toBeVisible();
  // Unticking SMS Incoming Message hides and clears it; other events do not show it.
  await forward.check();
  await box(page, "SMS", "Incoming Message").uncheck();
  await box(page, "MMS", "Incoming Message").check();
  await expect(forward).toHaveCount(0);
  await box(page, "SMS", "Incoming Message").check();
  await expect(forward).not.toBeChecked();
  // A service never has it.
  await chooseEntity(page, "Order Updates");
  await expect(forward).toHaveCount(0);
});

test("an http:// URL is refused next to the field and nothing typed is lost", async ({ page }) => {
  await openForm(page);
  await page.getByLabel("Name", { exact: true }).fill("Plain HTTP");
  await chooseEntity(page, "Order Updates");
  await box(page, "SMS", "Delivered").check();
  await page.getByLabel("URL", { exact: true }).fill("http://localhost/hook");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.locator('[data-field="url"]')).toHaveText("Use an https:// URL.");
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue("Plain HTTP");
  await expect(page.getByLabel("URL", { exact: true })).toHaveValue("http://localhost/hook");
  await expect(box(page, "SMS", "Delivered")).toBeChecked();
  await expect(page).toHaveURL(/outbound-webhooks\/new$/);
});

test("a test call that does not get 200 keeps the form and says what came back", async ({ page }) => {
  await openForm(page);
  await page.getByLabel("Name", { exact: true }).fill(`Missing ${Date.now()}`);
  await chooseEntity(page, "Order Updates");
  await box(page, "SMS", "Failed").check();
  await page.getByLabel("URL", { exact: true }).fill(`${RECEIVER}/status/404`);
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.locator('[data-field="url"]')).toContainText("404");
  await expect(page.getByLabel("URL", { exact: true })).toHaveValue(`${RECEIVER}/status/404`);
});

test("Run test call shows each step before saving: all green for 200, the request red for a 404", async ({ page }) => {
  await openForm(page);
  const url = page.getByLabel("URL", { exact: true });
  const checklist = page.getByRole("status", { name: "Test call" });
  const step = (name: string) => checklist.locator(`li[data-step="${name}"]`);

  await url.fill(`${RECEIVER}/hooks/probe`);
  await page.getByRole("button", { name: "Run test call", exact: true }).click();
  await expect(checklist).toHaveClass(/\bok\b/);
  for (const name of ["dns", "connect", "tls", "request"]) {
    await expect(step(name)).toHaveClass(/\bok\b/);
  }
  await expect(step("dns")).toContainText("127.0.0.1");
  await expect(step("tls")).toContainText("TLS 1.");
  await expect(step("request")).toContainText("200 OK");
  await expect(page).toHaveURL(/outbound-webhooks\/new$/); // nothing was saved

  await url.fill(`${RECEIVER}/status/404`);
  await page.getByRole("button", { name: "Run test call", exact: true }).click();
  await expect(checklist).toHaveClass(/\bfailed\b/);
  await expect(step("tls")).toHaveClass(/\bok\b/);
  await expect(step("request")).toHaveClass(/\bfailed\b/);
  await expect(step("request")).toContainText("404 Not Found");
});

test("a save the test call refuses shows the checklist with the step that broke", async ({ page }) => {
  await openForm(page);
  await page.getByLabel("Name", { exact: true }).fill(`Refused ${Date.now()}`);
  await chooseEntity(page, "Order Updates");
  await box(page, "SMS", "Delivered").check();
  await page.getByLabel("URL", { exact: true }).fill(`${RECEIVER}/status/503`);
  await page.getByRole("button", { name: "Save", exact: true }).click();
  const checklist = page.getByRole("status", { name: "Test call" });
  await expect(checklist.locator('li[data-step="request"]')).toHaveClass(/\bfailed\b/);
  await expect(checklist.locator('li[data-step="request"]')).toContainText("503");
  await expect(page).toHaveURL(/outbound-webhooks\/new$/);
});

test("save lists the webhook; edit keeps the secret; delete asks first", async ({ page }) => {
  const name = `Receipts ${Date.now()}`;
  await openForm(page);
  await page.getByLabel("Name", { exact: true }).fill(name);
  await chooseEntity(page, "Order Updates");
  await box(page, "SMS", "Delivered").check();
  await box(page, "Email", "Bounced").check();
  await page.getByLabel("URL", { exact: true }).fill(`${RECEIVER}/hooks/receipts`);
  await page.getByLabel("Enable Hub Signature", { exact: true }).check();
  await page.getByLabel("Hub Secret", { exact: true }).fill("e2e-hub-secret");
  await page.getByLabel("Algorithm", { exact: true }).selectOption("SHA512");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page).toHaveURL(/\/assets\/integrations$/);
  const row = page.getByRole("row").filter({ hasText: name });
  await expect(row).toContainText("Outbound Webhook");
  await expect(row).toContainText("Order Updates");
  await expect(row).toContainText("Active");

  // Edit: everything comes back, the secret only as "set".
  await row.getByRole("link", { name: `Edit ${name}` }).click();
  await hydrated(page, true);
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue(name);
  await expect(box(page, "SMS", "Delivered")).toBeChecked();
  await expect(box(page, "Email", "Bounced")).toBeChecked();
  await expect(page.getByLabel("Algorithm", { exact: true })).toHaveValue("sha512");
  await expect(page.getByLabel("Hub Secret", { exact: true })).toHaveValue("");
  expect(await page.content()).not.toContain("e2e-hub-secret");
  await page.getByLabel("Name", { exact: true }).fill(`${name} v2`);
  await page.getByLabel("Enabled", { exact: true }).uncheck();
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page).toHaveURL(/\/assets\/integrations$/);
  const edited = page.getByRole("row").filter({ hasText: `${name} v2` });
  await expect(edited).toContainText("Disabled");

  // Delete, with a confirmation.
  await edited.getByRole("link", { name: `Delete ${name} v2` }).click();
  const dialog = page.getByRole("alertdialog");
  await expect(dialog).toContainText(`${name} v2`);
  await dialog.getByRole("button", { name: "Delete", exact: true }).click();
  await expect(page.getByRole("row").filter({ hasText: `${name} v2` })).toHaveCount(0);
});

test("delivery settings are refused next to their field when out of range, then saved and shown again", async ({ page }) => {
  const name = `Capped ${Date.now()}`;
  await openForm(page);
  await page.getByLabel("Name", { exact: true }).fill(name);
  await chooseEntity(page, "Order Updates");
  await box(page, "SMS", "Delivered").check();
  await page.getByLabel("URL", { exact: true }).fill(`${RECEIVER}/hooks/capped`);
  await page.getByText("Delivery settings", { exact: true }).click();
  await page.getByLabel("Max in flight", { exact: true }).fill("0");
  await page.getByLabel("Rate per second", { exact: true }).fill("-1");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.locator('[data-field="delivery/max_in_flight"]')).toContainText("whole number from 1 to 10000");
  await expect(page.locator('[data-field="delivery/rate_per_second"]')).toContainText("above 0");
  await expect(page).toHaveURL(/outbound-webhooks\/new$/);
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue(name);

  await page.getByLabel("Max in flight", { exact: true }).fill("4");
  await page.getByLabel("Rate per second", { exact: true }).fill("2.5");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page).toHaveURL(/\/assets\/integrations$/);
  await page.getByRole("row").filter({ hasText: name }).getByRole("link", { name: `Edit ${name}` }).click();
  await hydrated(page, true);
  // Set values keep the section open.
  await expect(page.getByLabel("Max in flight", { exact: true })).toHaveValue("4");
  await expect(page.getByLabel("Rate per second", { exact: true })).toHaveValue("2.5");
  await page.getByLabel("Max in flight", { exact: true }).fill("");
  await page.getByLabel("Rate per second", { exact: true }).fill("");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page).toHaveURL(/\/assets\/integrations$/);
  await page.getByRole("row").filter({ hasText: name }).getByRole("link", { name: `Edit ${name}` }).click();
  await hydrated(page, true);
  await page.getByText("Delivery settings", { exact: true }).click();
  await expect(page.getByLabel("Max in flight", { exact: true })).toHaveValue("");
});
