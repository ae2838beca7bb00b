// Each webhook's health (CONTRACT §4), server-rendered: the Integrations list's Health column
// and the panel on the webhook's page, before any delivery, after a delivered test event and
// after a failed one. Runs with JavaScript off (project "ssr") and on ("hydrate"); the webhooks
// are made in a JavaScript-enabled browser (the form needs it). The receiver answers
// /post-status/503 with 503 to everything but the HEAD test call.
import { expect, test, type Browser, type Page } from "@playwright/test";
import { hydrated, jsEnabled, signIn } from "../fixtures/session";

const RECEIVER = `https://localhost:${process.env.E2E_RECEIVER_PORT ?? 3138}`;

async function makeWebhook(browser: Browser, name: string, url: string) {
  const maker = await browser.newContext({ javaScriptEnabled: true });
  const form = await maker.newPage();
  await signIn(form, true);
  await form.goto("/assets/integrations/outbound-webhooks/new");
  await hydrated(form, true);
  await form.getByLabel("Name", { exact: true }).fill(name);
  await form.getByLabel("Entity", { exact: true }).selectOption({ label: "Order Updates" });
  await form.getByRole("group", { name: "SMS", exact: true }).getByLabel("Delivered", { exact: true }).check();
  await form.getByLabel("URL", { exact: true }).fill(url);
  await form.getByRole("button", { name: "Save", exact: true }).click();
  await expect(form).toHaveURL(/\/assets\/integrations$/);
  await maker.close();
}

const row = (page: Page, name: string) => page.getByRole("row").filter({ hasText: name });
const panel = (page: Page) => page.getByRole("region", { name: /^Health/ });
const fact = (page: Page, key: string) => panel(page).locator(`[data-health="${key}"]`);

/** Opens the webhook's page from the list, sends it a test event, and reloads it. */
async function sendTestEvent(page: Page, name: string) {
  await page.goto(`/assets/integrations?q=${encodeURIComponent(name)}`);
  await row(page, name).getByRole("link", { name: `Edit ${name}` }).click();
  await hydrated(page, jsEnabled());
  await page.getByRole("button", { name: "Send test event", exact: true }).click();
  // With JavaScript the outcome appears in place; without, the form posts and comes back.
  if (jsEnabled()) {
    await expect(page.locator(".test-event-result")).toBeVisible();
  } else {
    await page.waitForLoadState("load");
  }
  await page.reload();
  await hydrated(page, jsEnabled());
}

test("a webhook's health shows on the list and on its page, from no delivery to OK and to failures", async ({ page, browser }) => {
  const stamp = Date.now();
  const good = `Healthy ${stamp}`;
  const bad = `Failing ${stamp}`;
  await makeWebhook(browser, good, `${RECEIVER}/hooks/health-${stamp}`);
  await makeWebhook(browser, bad, `${RECEIVER}/post-status/503`);

  await signIn(page, jsEnabled());
  await page.goto(`/assets/integrations?q=${stamp}`);
  await hydrated(page, jsEnabled());
  await expect(page.getByRole("columnheader", { name: "Health", exact: true })).toBeVisible();
  await expect(row(page, good)).toContainText("No deliveries yet");
  await expect(row(page, bad)).toContainText("No deliveries yet");

  // Before any delivery, the page says so.
  await row(page, good).getByRole("link", { name: `Edit ${good}` }).click();
  await hydrated(page, jsEnabled());
  await expect(panel(page)).toContainText("No deliveries yet");
  await expect(fact(page, "consecutive_failures")).toHaveText("0");
  await expect(fact(page, "last_success_at")).toHaveText("Never");
  await expect(fact(page, "p50_ms")).toHaveText("—");

  // A delivered test event: OK, a last success, a latency.
  await sendTestEvent(page, good);
  await expect(panel(page)).toContainText("OK");
  await expect(fact(page, "consecutive_failures")).toHaveText("0");
  await expect(fact(page, "last_success_at").locator("time")).toHaveAttribute("datetime", /^\d{4}-\d\d-\d\dT/);
  await expect(fact(page, "p50_ms")).toHaveText(/^\d+ ms$|^\d+\.\d s$/);
  await expect(fact(page, "p99_ms")).toHaveText(/^\d+ ms$|^\d+\.\d s$/);

  // Two failed test events: failures in a row, never delivered.
  await sendTestEvent(page, bad);
  await sendTestEvent(page, bad);
  await expect(panel(page)).toContainText("2 failures in a row");
  await expect(fact(page, "consecutive_failures")).toHaveText("2");
  await expect(fact(page, "last_success_at")).toHaveText("Never");

  await page.goto(`/assets/integrations?q=${stamp}`);
  await hydrated(page, jsEnabled());
  await expect(row(page, good)).toContainText("OK");
  await expect(row(page, good)).toContainText("Last success");
  await expect(row(page, bad)).toContainText("2 failures in a row");
  await expect(row(page, bad)).toContainText("Never delivered");
});
