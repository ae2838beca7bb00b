// The Authorization form in the browser (needs the WASM): the fields of each Type and Grant Type
// appear and disappear, every type saves, a webhook with a Basic profile passes its test call
// against the e2e receiver, and Get Access Token works against oauth2-mock-server
// (fixtures/oauth-server.mjs, HTTPS) for both grants, failures explained in plain words.
import { expect, test, type Page } from "@playwright/test";
import { FILL_BY_TYPE } from "../fixtures/authorization-types";
import { hydrated, signIn } from "../fixtures/session";

const OAUTH = `https://localhost:${process.env.E2E_OAUTH_PORT ?? 3139}`;
const RECEIVER = `https://localhost:${process.env.E2E_RECEIVER_PORT ?? 3138}`;
const field = (page: Page, label: string) => page.getByLabel(label, { exact: true });

// The browser visits the provider's /authorize, whose certificate comes from the e2e CA that
// only the console (--extra-ca-file) trusts.
test.use({ ignoreHTTPSErrors: true });

async function openForm(page: Page) {
  await signIn(page, true);
  await page.goto("/assets/integrations/authorizations/new");
  await hydrated(page, true);
  await expect(field(page, "Name")).toBeVisible();
}

async function save(page: Page) {
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page).toHaveURL(/tab=authorizations$/);
}

async function clientCredentials(page: Page, name: string, secret: string) {
  await openForm(page);
  await field(page, "Name").fill(name);
  await field(page, "Type").selectOption("OAuth 2.0");
  await field(page, "Client ID").fill("console");
  await field(page, "Client Secret").fill(secret);
  await field(page, "Access Token URL").fill(`${OAUTH}/token`);
}

test("each type shows exactly its own fields, and each grant its own", async ({ page }) => {
  await openForm(page);
  const all = ["Username", "Password", "Realm", "Nonce", "Algorithm", "QOP", "Nonce Count", "Client Nonce", "Opaque",
    "Access Key", "Secret Key", "Region", "Service Name", "Key", "Key Value", "Add to", "Grant Type"];
  const expected: Record<string, string[]> = {
    "No Auth": [],
    "Basic Auth": ["Username", "Password"],
    "Digest Auth": ["Username", "Password", "Realm", "Nonce", "Algorithm", "QOP", "Nonce Count", "Client Nonce", "Opaque"],
    "AWS Signature": ["Access Key", "Secret Key", "Region", "Service Name"],
    "API Key": ["Key", "Key Value", "Add to"],
    "OAuth 2.0": ["Grant Type"],
  };
  for (const [type, shown] of Object.entries(expected)) {
    await field(page, "Type").selectOption(type);
    for (const label of all) {
      await expect(field(page, label), `${type}: ${label}`).toHaveCount(shown.includes(label) ? 1 : 0);
    }
  }
  await expect(field(page, "Client ID")).toBeVisible();
  await expect(field(page, "Call Back URL")).toHaveCount(0);
  await field(page, "Grant Type").selectOption("Authorization Code");
  await expect(field(page, "Client ID")).toHaveCount(0);
  await expect(field(page, "Consumer ID")).toBeVisible();
  await expect(field(page, "Call Back URL")).toHaveValue(/\/oauth\/callback$/);
  await expect(field(page, "Authorization URL")).toBeVisible();
  await expect(field(page, "Validity")).toHaveCount(0);
  await field(page, "Access token has a limited validity").check();
  await expect(field(page, "Validity")).toBeVisible();
  await page.getByText("Advance Settings", { exact: true }).click();
  await expect(field(page, "Access Token URL Method")).toBeVisible();
  await expect(field(page, "Access Token URL Parameter Type")).toBeVisible();
  await expect(page.getByRole("group", { name: "Access Token URL Headers" })).toBeVisible();
  await expect(field(page, "Client Authentication")).toBeVisible();
  await expect(field(page, "Access Token")).toHaveValue("not set");
  await expect(page.getByRole("button", { name: "Get Access Token", exact: true })).toBeVisible();
});

test("errors show next to their field and nothing typed is lost", async ({ page }) => {
  await openForm(page);
  await field(page, "Name").fill("Half done");
  await field(page, "Type").selectOption("Basic Auth");
  await field(page, "Username").fill("ana");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.locator('[data-field="password"]')).toContainText("Enter the password.");
  await expect(field(page, "Username")).toHaveValue("ana");
  await field(page, "Type").selectOption("API Key");
  await field(page, "Type").selectOption("Basic Auth");
  await expect(field(page, "Username")).toHaveValue("ana");
});

test("every type saves and shows in the tab; a Basic profile passes a webhook's test call", async ({ page }) => {
  const stamp = Date.now();
  for (const [type, fillIn] of Object.entries(FILL_BY_TYPE)) {
    await openForm(page);
    await field(page, "Name").fill(`${type} ${stamp}`);
    await field(page, "Type").selectOption(type);
    await fillIn(page);
    await save(page);
    const row = page.getByRole("row").filter({ hasText: `${type} ${stamp}` });
    await expect(row).toContainText(type);
    await expect(row).toContainText("Authorized");
  }

  await page.goto("/assets/integrations/outbound-webhooks/new");
  await hydrated(page, true);
  await field(page, "Name").fill(`With Basic ${stamp}`);
  await field(page, "Entity").selectOption({ label: "Acme on WhatsApp" });
  await page.getByRole("group", { name: "WhatsApp", exact: true }).getByLabel("Incoming Message", { exact: true }).check();
  await field(page, "URL").fill(`${RECEIVER}/basic`);
  await field(page, "Authorization").selectOption({ label: `Basic Auth ${stamp} (Basic Auth)` });
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page).toHaveURL(/\/assets\/integrations$/);
  await expect(page.getByRole("row").filter({ hasText: `With Basic ${stamp}` })).toBeVisible();
});

test("Get Access Token with client credentials saves, fetches and shows Authorized", async ({ page }) => {
  const name = `CC ok ${Date.now()}`;
  await clientCredentials(page, name, "good-secret");
  await page.getByRole("button", { name: "Get Access Token", exact: true }).click();
  await expect(page.locator('[data-token="ok"]')).toBeVisible();
  await expect(field(page, "Access Token")).toHaveValue(/set/);
  await page.goto("/assets/integrations?tab=authorizations");
  await expect(page.getByRole("row").filter({ hasText: name })).toContainText("Authorized");
});

test("a refused token request is explained and the profile stays Authorization Pending", async ({ page }) => {
  const name = `CC refused ${Date.now()}`;
  await clientCredentials(page, name, "wrong-secret");
  await page.getByRole("button", { name: "Get Access Token", exact: true }).click();
  await expect(page.locator('[data-token="error"]')).toContainText("access token");
  await expect(field(page, "Client ID")).toHaveValue("console");
  await page.goto("/assets/integrations?tab=authorizations");
  await expect(page.getByRole("row").filter({ hasText: name })).toContainText("Authorization Pending");
});

test("the authorization code grant goes to the provider and comes back Authorized", async ({ page }) => {
  const name = `Code ${Date.now()}`;
  await openForm(page);
  await field(page, "Name").fill(name);
  await field(page, "Type").selectOption("OAuth 2.0");
  await field(page, "Grant Type").selectOption("Authorization Code");
  await field(page, "Consumer ID").fill("console");
  await field(page, "Consumer Secret").fill("good-secret");
  await field(page, "Authorization URL").fill(`${OAUTH}/authorize`);
  await field(page, "Access Token URL").fill(`${OAUTH}/token`);
  await field(page, "Scope").fill("openid");
  await page.getByRole("button", { name: "Get Access Token", exact: true }).click();
  // Through the provider's /authorize and our /oauth/callback, back to the form.
  await expect(page).toHaveURL(/\/assets\/integrations\/authorizations\/\d+\?token=ok$/);
  await hydrated(page, true);
  await expect(page.locator('[data-token="ok"]')).toBeVisible();
  await expect(field(page, "Access Token")).toHaveValue(/set/);
  await page.goto("/assets/integrations?tab=authorizations");
  await expect(page.getByRole("row").filter({ hasText: name })).toContainText("Authorized");
});
