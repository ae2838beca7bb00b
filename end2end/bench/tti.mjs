// Time to interactive of the Outbound Webhook form on a throttled connection (issue: "a console
// opened on a phone or over a slow VPN"): Chrome DevTools network emulation at 1.6 Mbps down,
// 750 kbps up, 150 ms round trip, cache off. Signs in first (not timed), then for each run opens
// /assets/integrations/outbound-webhooks/new and times, from navigation start:
//   - first paint of the server-rendered form (the form can already be posted without JavaScript),
//   - hydration done (#root[data-hydrated="true"]: every control reacts).
// Prints each run and the medians. Usage: node bench/tti.mjs BASE_URL [RUNS]
import { chromium } from "@playwright/test";

const [base = "http://127.0.0.1:3137", runsArg = "5"] = process.argv.slice(2);
const runs = Number(runsArg);
const email = process.env.E2E_ADMIN_EMAIL ?? "admin@example.com";
const password = process.env.E2E_ADMIN_PASSWORD ?? "e2e-admin-password";

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"],
});
const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
const page = await context.newPage();
await page.goto(`${base}/login`);
await page.getByLabel("Email", { exact: true }).fill(email);
await page.getByLabel("Password", { exact: true }).fill(password);
await page.getByRole("button", { name: "Sign in", exact: true }).click();
await page.getByRole("button", { name: "Sign out", exact: true }).waitFor();

const cdp = await context.newCDPSession(page);
await cdp.send("Network.enable");
await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
await cdp.send("Network.emulateNetworkConditions", {
  offline: false,
  latency: 150,
  downloadThroughput: (1.6 * 1000 * 1000) / 8,
  uploadThroughput: (750 * 1000) / 8,
});

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const paints = [];
const interactive = [];
for (let i = 0; i < runs; i++) {
  const start = Date.now();
  await page.goto(`${base}/assets/integrations/outbound-webhooks/new`, { waitUntil: "commit" });
  await page.locator("#root").waitFor();
  await page.getByLabel("Name", { exact: true }).waitFor();
  const painted = Date.now() - start;
  await page.locator('#root[data-hydrated="true"]').waitFor({ timeout: 120_000 });
  const ready = Date.now() - start;
  paints.push(painted);
  interactive.push(ready);
  console.log(`run ${i + 1}: form shown ${painted} ms, interactive ${ready} ms`);
}
console.log(
  `median of ${runs} (1.6 Mbps, 150 ms RTT): form shown ${median(paints)} ms, interactive ${median(interactive)} ms`,
);
await browser.close();
