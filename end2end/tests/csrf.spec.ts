// CSRF (CONTRACT §4) from a real second origin, in both projects: a page on another port of
// 127.0.0.1 — the same site, so the SameSite=Lax session cookie goes along — posts the Add
// Service form at the console. The console answers 403 and creates nothing; its own form
// still works.
import { expect, test } from "@playwright/test";
import { crossSitePage } from "../fixtures/cross-site";
import { hydrated, jsEnabled, signIn } from "../fixtures/session";

test("a form posted at the console from another origin is refused and creates nothing", async ({ page, baseURL }) => {
  const js = jsEnabled();
  await signIn(page, js);
  await page.goto("/assets/services/new");
  await hydrated(page, js);
  // The form posts to its own page (no `action`): that is where a forged post goes too.
  expect(await page.locator("form.form-panel").getAttribute("action")).toBeNull();
  const action = "/assets/services/new";
  const project = test.info().project.name;
  const forged = `Forged ${project} ${Date.now()}`;
  const attacker = await crossSitePage(new URL(action!, baseURL).href, { name: forged });
  try {
    await page.goto(attacker.url);
    // The forged POST itself: sent by the browser from the other origin, answered 403.
    const forgedPost = page.waitForResponse(
      (r) => r.request().method() === "POST" && r.url() === new URL(action!, baseURL).href,
    );
    await page.getByRole("button", { name: "Claim your prize", exact: true }).click();
    const answer = await forgedPost;
    expect(answer.status()).toBe(403);
    expect((await answer.request().allHeaders())["origin"]).toBe(new URL(attacker.url).origin);
    await expect(page.getByText("this request came from another site")).toBeVisible();
  } finally {
    await attacker.close();
  }

  await page.goto("/assets/services");
  await hydrated(page, js);
  await expect(page.getByRole("heading", { level: 1, name: "Services" })).toBeVisible();
  await expect(page.locator("tbody tr", { hasText: forged })).toHaveCount(0);

  // The console's own form, from the console's own page, still saves.
  const own = `Own ${project} ${Date.now()}`;
  await page.goto("/assets/services/new");
  await hydrated(page, js);
  await page.getByLabel("Name", { exact: true }).fill(own);
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page).toHaveURL(/\/assets\/services\?notice=saved$/);
  await expect(page.locator("tbody tr", { hasText: own })).toHaveCount(1);
});
