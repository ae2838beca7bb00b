// Monitor (SPEC §7, CONTRACT §4), in both projects (JavaScript off and on): a partner's endpoint
// breaks; the operator finds the failed delivery from the dashboard, reads its attempt, fixes the
// endpoint, resends it and sees it delivered — then pages the log, exports it and bulk-resends it.
import { expect, test, type Browser, type Page } from "@playwright/test";
import { request as httpsRequest } from "node:https";
import { hydrated, jsEnabled, signIn } from "../fixtures/session";

const RECEIVER = `https://localhost:${process.env.E2E_RECEIVER_PORT ?? 3138}`;

/** Makes the receiver's /switch/NAME answer `status` from now on. */
function setEndpoint(name: string, status: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(`${RECEIVER}/control/${name}/${status}`, { method: "POST", rejectUnauthorized: false }, (res) => {
      res.resume();
      res.on("end", () => (res.statusCode === 204 ? resolve() : reject(new Error(`control answered ${res.statusCode}`))));
    });
    req.on("error", reject);
    req.end();
  });
}

/** Creates a webhook on the switchable endpoint `name` (the form needs JavaScript) and returns
 *  a JavaScript-enabled page on its edit form, for Send test event. */
async function webhookOn(browser: Browser, name: string, title: string): Promise<{ form: Page; id: string; close: () => Promise<void> }> {
  const maker = await browser.newContext({ javaScriptEnabled: true });
  const form = await maker.newPage();
  await signIn(form, true);
  await form.goto("/assets/integrations/outbound-webhooks/new");
  await hydrated(form, true);
  await form.getByLabel("Name", { exact: true }).fill(title);
  await form.getByLabel("Entity", { exact: true }).selectOption({ label: "Acme on WhatsApp" });
  await form.getByRole("group", { name: "WhatsApp", exact: true }).getByLabel("Incoming Message", { exact: true }).check();
  await form.getByLabel("URL", { exact: true }).fill(`${RECEIVER}/switch/${name}`);
  await form.getByRole("button", { name: "Save", exact: true }).click();
  await expect(form).toHaveURL(/\/assets\/integrations$/);
  await form.getByRole("row").filter({ hasText: title }).getByRole("link", { name: title, exact: true }).click();
  await expect(form).toHaveURL(/outbound-webhooks\/\d+$/);
  await hydrated(form, true);
  const id = /outbound-webhooks\/(\d+)$/.exec(form.url())![1];
  return { form, id, close: () => maker.close() };
}

/** Sends a test event from the webhook's page and returns the delivery's id. */
async function sendTestEvent(form: Page): Promise<string> {
  const status = form.locator(".test-event-result");
  // The previous event's outcome may still show: wait for this one's, not that one's.
  const previous = (await status.count()) > 0 ? ((await status.textContent()) ?? "") : "";
  await form.getByRole("button", { name: "Send test event", exact: true }).click();
  await expect(status).toContainText("Delivery ");
  if (previous) await expect(status).not.toHaveText(previous);
  const text = (await status.textContent()) ?? "";
  const id = /Delivery (\d+)/.exec(text)![1];
  // Wait for the button to be ready again before another click.
  await expect(form.getByRole("button", { name: "Send test event", exact: true })).toBeEnabled();
  return id;
}

test("a failed delivery is found from the dashboard, read, fixed, resent and delivered", async ({ page, browser }) => {
  const js = jsEnabled();
  const name = `m${test.info().project.name}${Date.now()}`;
  const title = `Monitor ${name}`;
  const hook = await webhookOn(browser, name, title);
  await setEndpoint(name, 404);
  const deliveryId = await sendTestEvent(hook.form);
  await hook.close();

  await signIn(page, js);
  await page.goto("/monitor/dashboard");
  await hydrated(page, js);
  await expect(page.getByRole("img", { name: "Executions and failures over the period" })).toBeVisible();
  const byWebhook = page.getByRole("region", { name: "Failures by webhook" });
  const row = byWebhook.getByRole("row").filter({ hasText: title });
  await expect(row).toContainText("1");
  await expect(page.getByRole("region", { name: "Failures by status" }).getByRole("link", { name: "404", exact: true })).toBeVisible();
  await row.getByRole("link", { name: title, exact: true }).click();

  await expect(page).toHaveURL(new RegExp(`/monitor/deliveries\\?integration_id=${hook.id}&status=failed`));
  await expect(page.getByRole("columnheader", { name: "Status", exact: true })).toBeVisible();
  const logRow = page.locator("tbody tr").filter({ hasText: `#${deliveryId}` });
  await expect(logRow).toContainText("Failed");
  await expect(logRow).toContainText("404");
  await logRow.getByRole("link", { name: `#${deliveryId}`, exact: true }).click();

  await expect(page).toHaveURL(new RegExp(`/monitor/deliveries/${deliveryId}$`));
  await hydrated(page, js);
  const first = page.getByRole("article", { name: "Attempt 1" });
  await expect(first).toContainText("HTTP 404");
  await expect(first).toContainText("refused with 404");
  await expect(first.getByRole("rowheader", { name: /^content-type$/i }).first()).toBeVisible();

  await setEndpoint(name, 200);
  await page.getByRole("button", { name: "Resend", exact: true }).click();
  await expect(page.getByRole("article", { name: "Attempt 2" })).toContainText("HTTP 200");
  await expect(page.getByRole("region", { name: "Summary" })).toContainText("Delivered");
  await expect(page.getByRole("article", { name: "Attempt 2" })).toContainText("manual resend");
});

test("the log pages with its filters in the address, exports what they select and bulk-resends it", async ({ page, browser }) => {
  const js = jsEnabled();
  const name = `p${test.info().project.name}${Date.now()}`;
  const title = `Paged ${name}`;
  const hook = await webhookOn(browser, name, title);
  await setEndpoint(name, 410);
  const older = await sendTestEvent(hook.form);
  const newer = await sendTestEvent(hook.form);
  await hook.close();

  await signIn(page, js);
  await page.goto(`/monitor/deliveries?integration_id=${hook.id}&limit=1`);
  await hydrated(page, js);
  await expect(page.locator("tbody tr")).toHaveCount(1);
  await expect(page.locator("tbody tr")).toContainText(`#${newer}`);
  await page.getByRole("link", { name: "Older »", exact: true }).click();
  await expect(page.locator("tbody tr")).toHaveCount(1);
  await expect(page.locator("tbody tr")).toContainText(`#${older}`);
  await expect(page).toHaveURL(new RegExp(`integration_id=${hook.id}&limit=1&before=${newer}`));
  await page.getByRole("link", { name: "« Newest", exact: true }).click();
  await expect(page.locator("tbody tr")).toContainText(`#${newer}`);

  // The filter form keeps its values in the address.
  await page.goto(`/monitor/deliveries?integration_id=${hook.id}`);
  await hydrated(page, js);
  await page.getByLabel("Status", { exact: true }).selectOption({ label: "Delivered" });
  await page.getByRole("button", { name: "Apply", exact: true }).click();
  await expect(page).toHaveURL(/status=delivered/);
  await expect(page.getByText("No delivery matches these filters.")).toBeVisible();
  await page.getByLabel("Status", { exact: true }).selectOption({ label: "Failed" });
  await page.getByRole("button", { name: "Apply", exact: true }).click();
  await expect(page.locator("tbody tr")).toHaveCount(2);

  // Export: the rows the filters select, the CONTRACT's columns, through the session.
  const csvHref = await page.getByRole("link", { name: "Export CSV", exact: true }).getAttribute("href");
  const csv = await page.request.get(csvHref!);
  expect(csv.status()).toBe(200);
  expect(csv.headers()["content-type"]).toBe("text/csv; charset=utf-8");
  const lines = (await csv.text()).trim().split(/\r?\n/);
  expect(lines[0]).toBe("id,created_at,integration_id,integration_name,channel,event,status,attempts,last_status_code,last_error_code,url");
  expect(lines.slice(1).map((l) => l.split(",")[0])).toEqual([newer, older]);
  expect(lines[1]).toContain(",failed,1,410,");
  const ndjsonHref = await page.getByRole("link", { name: "Export NDJSON", exact: true }).getAttribute("href");
  const ndjson = await page.request.get(ndjsonHref!);
  expect(ndjson.headers()["content-type"]).toBe("application/x-ndjson");
  const records = (await ndjson.text()).trim().split("\n").map((l) => JSON.parse(l));
  expect(records.map((r) => String(r.id))).toEqual([newer, older]);

  // Bulk resend: a preview of the count, then a job that resends both.
  await setEndpoint(name, 200);
  await page.getByRole("link", { name: "Bulk resend", exact: true }).click();
  await expect(page.locator(".bulk-preview")).toHaveText("These filters select 2 deliveries; 2 would be sent again.");
  await page.getByRole("button", { name: "Resend 2", exact: true }).click();
  const jobs = page.getByRole("region", { name: "Bulk resends" });
  await expect(jobs).toBeVisible();
  await expect(async () => {
    if (!js) await page.reload();
    await expect(jobs.locator(".job").first()).toContainText("Done: 2 / 2 done", { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await page.goto(`/monitor/deliveries?integration_id=${hook.id}&status=delivered`);
  await expect(page.locator("tbody tr")).toHaveCount(2);
});
