import { chromium } from "@playwright/test";
const b = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--headless"] });
for (const js of [false, true]) {
const p = await b.newPage({ javaScriptEnabled: js, viewport: { width: 1280, height: 800 } });
const base = "http://127.0.0.1:3251";
await p.goto(base + "/login");
await p.getByLabel("Email", { exact: true }).fill("a@example.com");
await p.getByLabel("Password", { exact: true }).fill("a-long-password");
await p.getByRole("button", { name: "Sign in" }).click();
await p.waitForURL(/integrations/);
await p.goto(base + "/assets/numbers");
await p.screenshot({ path: `/tmp/assets-shot/numbers-${js}.png` });
await p.goto(base + "/assets/esme-binds?delete=1");
await p.screenshot({ path: `/tmp/assets-shot/confirm-${js}.png` });
await p.goto(base + "/assets/esme-binds/1");
await p.getByLabel("System ID", { exact: true }).fill("");
await p.getByLabel("Description", { exact: true }).fill("typed");
await p.getByRole("button", { name: "Save" }).click();
await p.waitForSelector(".field-error");
await p.screenshot({ path: `/tmp/assets-shot/esme-error-${js}.png` });
console.log(js, p.url());
await p.goto(base + "/assets/numbers/new");
await p.getByLabel("Number", { exact: true }).fill("12ab");
await p.getByRole("button", { name: "Save" }).click();
await p.waitForSelector(".field-error");
await p.screenshot({ path: `/tmp/assets-shot/number-error-${js}.png` });
}
await b.close();
