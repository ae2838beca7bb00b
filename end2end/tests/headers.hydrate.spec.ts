// The Content-Security-Policy in a real browser: the headers are there, every page still
// hydrates under it, and the browser reports no violation on the way (console messages and
// securitypolicyviolation events both watched).
import { expect, test } from "@playwright/test";
import { hydrated, signIn } from "../fixtures/session";

test("pages hydrate under the Content-Security-Policy without a single violation", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      console.error(`Refused to load: CSP violation of ${e.violatedDirective} by ${e.blockedURI}`);
    });
  });

  const res = await page.goto("/login");
  const h = res!.headers();
  expect(h["content-security-policy"]).toContain("'wasm-unsafe-eval'");
  expect(h["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(h["content-security-policy"]).not.toContain("'unsafe-eval'");
  expect(h["x-content-type-options"]).toBe("nosniff");
  expect(h["referrer-policy"]).toBe("same-origin");
  await hydrated(page, true);

  await signIn(page, true);
  for (const path of [
    "/assets/integrations",
    "/assets/integrations?tab=authorizations",
    "/assets/integrations/outbound-webhooks/new",
    "/assets/integrations/authorizations/new",
    "/assets/services/new",
    "/monitor/deliveries",
    "/monitor/dashboard",
  ]) {
    await page.goto(path);
    await hydrated(page, true);
  }
  // Client-side navigation too (fetches of server functions under connect-src).
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Numbers", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Numbers" })).toBeVisible();
  expect(violations).toEqual([]);
});
