// The Outbound Webhook and Authorization forms work the same with JavaScript off (project "ssr")
// and on ("hydrate"): without it they post to their own page, `Show notifications` / `Show
// fields` render the form again for what is chosen, the dependent fields are always there, and
// a refused save comes back with the error next to its field and everything typed kept but the
// secrets, which are never sent back. `Run test call` shows where a call broke either way.
import { expect, test, type Page } from "@playwright/test";
import { FILL_BY_TYPE } from "../fixtures/authorization-types";
import { hydrated, jsEnabled, signIn } from "../fixtures/session";

const RECEIVER = `https://localhost:${process.env.E2E_RECEIVER_PORT ?? 3138}`;
const OAUTH = `https://localhost:${process.env.E2E_OAUTH_PORT ?? 3139}`;
const CONSOLE = `http://127.0.0.1:${process.env.E2E_PORT ?? 3137}`;
const field = (page: Page, label: string) => page.getByLabel(label, { exact: true });
const button = (page: Page, name: string) => page.getByRole("button", { name, exact: true });
const box = (page: Page, channel: string, event: string) =>
  page.getByRole("group", { name: channel, exact: true }).getByLabel(event, { exact: true });

async function open(page: Page, path: string) {
  await signIn(page, jsEnabled());
  await page.goto(path);
  await hydrated(page, jsEnabled());
  await expect(field(page, "Name")).toBeVisible();
}

/** Chooses an Entity; without JavaScript, `Show notifications` brings its matrix. */
async function chooseEntity(page: Page, label: string) {
  await field(page, "Entity").selectOption({ label });
  if (jsEnabled()) {
    await expect(button(page, "Show notifications")).toHaveCount(0);
  } else {
    await button(page, "Show notifications").click();
  }
}

/** Chooses a Type (or Grant Type); without JavaScript, `Show fields` brings its fields. */
async function choose(page: Page, label: string, option: string) {
  await field(page, label).selectOption(option);
  if (jsEnabled()) {
    await expect(button(page, "Show fields")).toHaveCount(0);
  } else {
    await button(page, "Show fields").click();
  }
}

test("a webhook for a service is saved with a hub signature and comes back whole to edit", async ({ page }) => {
  const name = `Form service ${Date.now()}`;
  await open(page, "/assets/integrations/outbound-webhooks/new");
  await field(page, "Name").fill(name);
  await chooseEntity(page, "Order Updates");
  await expect(field(page, "Name")).toHaveValue(name);
  await field(page, "URL").fill(`${RECEIVER}/hooks/form-service`);
  await box(page, "SMS", "Delivered").check();
  await box(page, "Email", "Bounced").check();
  await field(page, "Enable Hub Signature").check();
  await field(page, "Hub Secret").fill("form-hub-secret");
  await field(page, "Algorithm").selectOption("SHA512");
  await button(page, "Save").click();
  await expect(page).toHaveURL(/\/assets\/integrations$/);
  const row = page.getByRole("row").filter({ hasText: name });
  await expect(row).toContainText("Order Updates");
  await expect(row).toContainText("Active");

  await row.getByRole("link", { name: `Edit ${name}` }).click();
  await hydrated(page, jsEnabled());
  await expect(field(page, "Name")).toHaveValue(name);
  await expect(field(page, "Entity")).toHaveValue(/^service:/);
  await expect(field(page, "URL")).toHaveValue(`${RECEIVER}/hooks/form-service`);
  await expect(box(page, "SMS", "Delivered")).toBeChecked();
  await expect(box(page, "Email", "Bounced")).toBeChecked();
  await expect(box(page, "SMS", "Failed")).not.toBeChecked();
  await expect(field(page, "Enable Hub Signature")).toBeChecked();
  await expect(field(page, "Algorithm")).toHaveValue("sha512");
  await expect(field(page, "Hub Secret")).toHaveValue("");
  expect(await page.content()).not.toContain("form-hub-secret");
  // Saved again untouched, the stored secret is kept; then disabled.
  await field(page, "Enabled").uncheck();
  await button(page, "Save").click();
  await expect(page).toHaveURL(/\/assets\/integrations$/);
  await expect(page.getByRole("row").filter({ hasText: name })).toContainText("Disabled");
});

test("a webhook for a number forwards SMS Incoming Message to an ESME bind", async ({ page }) => {
  const name = `Form number ${Date.now()}`;
  await open(page, "/assets/integrations/outbound-webhooks/new");
  await field(page, "Name").fill(name);
  await chooseEntity(page, "+14155550123");
  await field(page, "URL").fill(`${RECEIVER}/hooks/form-number`);
  await box(page, "SMS", "Incoming Message").check();
  await field(page, "Forward to SMPP").check();
  await field(page, "Select ESME Bind ID").selectOption({ index: 1 });
  const bind = await field(page, "Select ESME Bind ID").inputValue();
  await button(page, "Save").click();
  await expect(page).toHaveURL(/\/assets\/integrations$/);
  const row = page.getByRole("row").filter({ hasText: name });
  await expect(row).toContainText("+14155550123");

  await row.getByRole("link", { name: `Edit ${name}` }).click();
  await hydrated(page, jsEnabled());
  await expect(field(page, "Forward to SMPP")).toBeChecked();
  await expect(field(page, "Select ESME Bind ID")).toHaveValue(bind);
});

test("a refused save shows the error next to its field and keeps everything typed but the secret", async ({ page }) => {
  await open(page, "/assets/integrations/outbound-webhooks/new");
  await field(page, "Name").fill("Kept as typed");
  await chooseEntity(page, "Order Updates");
  await field(page, "URL").fill("http://localhost/hook");
  await box(page, "SMS", "Delivered").check();
  await field(page, "Enable Hub Signature").check();
  await field(page, "Hub Secret").fill("typed-hub-secret");
  await field(page, "Algorithm").selectOption("SHA512");
  await page.getByText("Delivery settings", { exact: true }).click();
  await field(page, "Max in flight").fill("3");
  // Enter in a field saves (the form's default button is Save, not Show notifications).
  await field(page, "Name").press("Enter");
  await expect(page.locator('[data-field="url"]')).toHaveText("Use an https:// URL.");
  await expect(page).toHaveURL(/outbound-webhooks\/new$/);
  await expect(field(page, "Name")).toHaveValue("Kept as typed");
  await expect(field(page, "Entity")).toHaveValue(/^service:/);
  await expect(field(page, "URL")).toHaveValue("http://localhost/hook");
  await expect(box(page, "SMS", "Delivered")).toBeChecked();
  await expect(box(page, "SMS", "Failed")).not.toBeChecked();
  await expect(field(page, "Enable Hub Signature")).toBeChecked();
  await expect(field(page, "Algorithm")).toHaveValue("sha512");
  await expect(field(page, "Max in flight")).toHaveValue("3");
  if (jsEnabled()) {
    await expect(field(page, "Hub Secret")).toHaveValue("typed-hub-secret");
  } else {
    await expect(field(page, "Hub Secret")).toHaveValue("");
    await expect(page.getByText("Secrets are not sent back to the browser: enter it again.")).toBeVisible();
    expect(await page.content()).not.toContain("typed-hub-secret");
  }
});

test("Run test call shows the step that broke for a DNS, a connection, a TLS and an HTTP failure", async ({ page }) => {
  await open(page, "/assets/integrations/outbound-webhooks/new");
  const cases: [string, string, RegExp][] = [
    ["https://no-such-host.invalid/hook", "dns", /./],
    ["https://127.0.0.1:9/hook", "connect", /./],
    // The console itself speaks plain HTTP: no TLS handshake completes there.
    [`${CONSOLE.replace("http://", "https://")}/hook`, "tls", /./],
    [`${RECEIVER}/status/404`, "request", /404 Not Found/],
  ];
  for (const [url, broken, detail] of cases) {
    await field(page, "URL").fill(url);
    await button(page, "Run test call").click();
    const checklist = page.getByRole("status", { name: "Test call" });
    await expect(checklist, url).toHaveClass(/\bfailed\b/);
    const step = checklist.locator(`li[data-step="${broken}"]`);
    await expect(step, url).toHaveClass(/\bfailed\b/);
    await expect(step, url).toContainText(detail);
    await expect(checklist.locator("li").last(), url).toHaveAttribute("data-step", broken);
    await expect(field(page, "URL")).toHaveValue(url);
    await expect(page).toHaveURL(/outbound-webhooks\/new$/); // nothing was saved
  }
  await field(page, "URL").fill(`${RECEIVER}/hooks/probe`);
  await button(page, "Run test call").click();
  await expect(page.getByRole("status", { name: "Test call" })).toHaveClass(/\bok\b/);
});

test("every authorization type is saved from the form, and a refusal keeps what was typed", async ({ page }) => {
  const stamp = Date.now();
  const fill: Record<string, (p: Page) => Promise<void>> = {
    ...FILL_BY_TYPE,
    "OAuth 2.0": async (p) => {
      await choose(p, "Grant Type", "Authorization Code");
      await field(p, "Consumer ID").fill("console");
      await field(p, "Consumer Secret").fill("good-secret");
      await field(p, "Authorization URL").fill(`${OAUTH}/authorize`);
      await field(p, "Access Token URL").fill(`${OAUTH}/token`);
      await field(p, "Access token has a limited validity").check();
      await field(p, "Validity").fill("600");
    },
  };
  for (const [type, fillIn] of Object.entries(fill)) {
    await open(page, "/assets/integrations/authorizations/new");
    await field(page, "Name").fill(`${type} form ${stamp}`);
    await choose(page, "Type", type);
    await expect(field(page, "Name")).toHaveValue(`${type} form ${stamp}`);
    await fillIn(page);
    await button(page, "Save").click();
    await expect(page, type).toHaveURL(/tab=authorizations$/);
    await expect(page.getByRole("row").filter({ hasText: `${type} form ${stamp}` })).toContainText(type);
  }

  // Digest without its password: refused next to the field, the rest kept.
  await open(page, "/assets/integrations/authorizations/new");
  await field(page, "Name").fill("Half done");
  await choose(page, "Type", "Digest Auth");
  await field(page, "Username").fill("ana");
  await field(page, "Realm").fill("partners");
  await field(page, "QOP").selectOption("auth-int");
  await button(page, "Save").click();
  await expect(page.locator('[data-field="password"]')).toContainText("Enter the password.");
  await expect(field(page, "Name")).toHaveValue("Half done");
  await expect(field(page, "Type")).toHaveValue("Digest Auth");
  await expect(field(page, "Username")).toHaveValue("ana");
  await expect(field(page, "Realm")).toHaveValue("partners");
  await expect(field(page, "QOP")).toHaveValue("auth-int");
});

test("an edited profile comes back with its settings, its secrets only as set", async ({ page }) => {
  const name = `Form edit ${Date.now()}`;
  await open(page, "/assets/integrations/authorizations/new");
  await field(page, "Name").fill(name);
  await choose(page, "Type", "OAuth 2.0");
  await field(page, "Client ID").fill("console");
  await field(page, "Client Secret").fill("form-client-secret");
  await field(page, "Access Token URL").fill(`${OAUTH}/token`);
  await page.getByText("Advance Settings", { exact: true }).click();
  // Hydrated, a row is added; without JavaScript there is always a blank one to fill.
  if (jsEnabled()) await button(page, "Add header").click();
  else await expect(button(page, "Add header")).toHaveCount(0);
  await page.getByRole("textbox", { name: "Header name 1" }).fill("X-Tenant");
  await page.getByRole("textbox", { name: "Header value 1" }).fill("acme");
  await button(page, "Save").click();
  await expect(page).toHaveURL(/tab=authorizations$/);
  await page.getByRole("row").filter({ hasText: name }).getByRole("link", { name: `Edit ${name}` }).click();
  await hydrated(page, jsEnabled());
  await expect(field(page, "Type")).toHaveValue("OAuth 2.0");
  await expect(field(page, "Client ID")).toHaveValue("console");
  await expect(field(page, "Client Secret")).toHaveValue("");
  await expect(field(page, "Client Secret")).toHaveAttribute("placeholder", /set/);
  expect(await page.content()).not.toContain("form-client-secret");
  await page.getByText("Advance Settings", { exact: true }).click();
  await expect(page.getByRole("textbox", { name: "Header name 1" })).toHaveValue("X-Tenant");
  await expect(page.getByRole("textbox", { name: "Header value 1" })).toHaveValue("acme");
});
