// The console shell: left navigation, every page, the Integrations tabs — server-rendered
// (project "ssr", JavaScript off) and hydrated (project "hydrate").
import { expect, test } from "@playwright/test";
import { hydrated, jsEnabled, signIn } from "../fixtures/session";

// [link text in the navigation, path, page heading]
const pages: Array<[link: string, path: string, heading: string]> = [
  ["Services", "/assets/services", "Services"],
  ["Numbers", "/assets/numbers", "Numbers"],
  ["Apps", "/assets/apps", "Apps"],
  ["ESME Binds", "/assets/esme-binds", "ESME Binds"],
  ["Integrations", "/assets/integrations", "Integrations"],
  ["Deliveries", "/monitor/deliveries", "Deliveries"],
  ["Dashboard", "/monitor/dashboard", "Dashboard"],
];

test("the left navigation leads to every page, which renders its content", async ({ page }) => {
  await signIn(page, jsEnabled());
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("heading", { name: "Assets" })).toBeVisible();
  await expect(nav.getByRole("heading", { name: "Monitor" })).toBeVisible();
  for (const [link, path, heading] of pages) {
    await nav.getByRole("link", { name: link, exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`${path}$`));
    await expect(page.getByRole("heading", { level: 1, name: heading, exact: true })).toBeVisible();
    await expect(nav.getByRole("link", { name: link, exact: true })).toHaveAttribute("aria-current", "page");
    await hydrated(page, jsEnabled());
  }
});

test("every page is rendered by the server, complete, before any script runs", async ({ request }) => {
  // The raw HTML (no browser, no WASM) already holds each page's heading.
  const login = await request.post("/auth/login", {
    form: { email: "admin@example.com", password: "e2e-admin-password", next: "" },
    maxRedirects: 0,
  });
  expect(login.status()).toBe(303);
  for (const [, path, heading] of pages) {
    const res = await request.get(path);
    expect(res.status()).toBe(200);
    expect(await res.text()).toContain(`<h1>${heading}</h1>`);
  }
});

test("Integrations has the Integrations and Authorizations tabs, by link", async ({ page }) => {
  await signIn(page, jsEnabled());
  await page.goto("/assets/integrations");
  await hydrated(page, jsEnabled());
  const tabs = page.getByRole("tablist");
  await expect(tabs.getByRole("tab", { name: "Integrations" })).toHaveAttribute("aria-selected", "true");
  await expect(page.getByRole("button", { name: "Add Integration", exact: true })).toBeVisible();
  await expect(page.getByLabel("Integration Type", { exact: true })).toBeVisible();
  await tabs.getByRole("tab", { name: "Authorizations" }).click();
  await expect(page).toHaveURL(/\?tab=authorizations$/);
  await expect(tabs.getByRole("tab", { name: "Authorizations" })).toHaveAttribute("aria-selected", "true");
  // Empty on a fresh database; other specs may have saved profiles by now.
  await expect(page.getByRole("tabpanel")).toContainText(/No authorizations yet|Last Modified/);
  await expect(page.getByRole("link", { name: "Add Authorization", exact: true })).toBeVisible();
});

test("an unknown address shows a not-found page with status 404", async ({ page }) => {
  await signIn(page, jsEnabled());
  const res = await page.goto("/assets/nothing-here");
  expect(res?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});
