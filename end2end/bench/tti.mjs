// Time to interactive of the Outbound Webhook form on a throttled connection (issue: "a console
// opened on a phone or over a slow VPN"): Chrome DevTools network emulation at 1.6 Mbps down,
// 750 kbps up, 150 ms round trip, cache off. Signs in first (not timed), then for each run opens
// /assets/integrations/outbound-webhooks/new and times, from navigation start:
//   - first paint of the server-rendered form (the form can already be posted without JavaScript),
//   - hydration done (#root[data-hydrated="true"]: every control reacts).
// Prints each run and the medians, then the WASM the first page fetched (the main module and
// the chunks of its lazy route, wasm splitting): each file raw, gzip -9 and brotli (quality 11),
// computed from target/site/pkg, and their sum. Usage: node bench/tti.mjs BASE_URL [RUNS]
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
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
const wasmFetched = new Set();
page.on("request", (req) => {
  const path = new URL(req.url()).pathname;
  if (path.endsWith(".wasm")) wasmFetched.add(basename(path));
});
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

const pkg = join(import.meta.dirname, "..", "..", "target", "site", "pkg");
const sum = { raw: 0, gzip: 0, br: 0 };
console.log("WASM the first page fetched (bytes):");
for (const name of [...wasmFetched].sort()) {
  const raw = readFileSync(join(pkg, name));
  const gzip = gzipSync(raw, { level: 9 }).length;
  const br = brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  sum.raw += raw.length;
  sum.gzip += gzip;
  sum.br += br;
  console.log(`  ${name}: raw ${raw.length}, gzip -9 ${gzip}, brotli ${br}`);
}
console.log(`  total: raw ${sum.raw}, gzip -9 ${sum.gzip}, brotli ${sum.br}`);
