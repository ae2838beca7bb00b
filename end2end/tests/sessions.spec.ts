// Sign out everywhere, in both projects: the header's button ends every session of the user,
// this browser's included.
import { expect, test } from "@playwright/test";
import { jsEnabled, signIn } from "../fixtures/session";

test("Sign out everywhere ends the session and says so", async ({ page }) => {
  await signIn(page, jsEnabled());
  await page.getByRole("button", { name: "Sign out everywhere", exact: true }).click();
  await expect(page).toHaveURL(/\/login\?notice=signed-out-everywhere$/);
  await expect(page.getByRole("status")).toHaveText("You have signed out on every browser and device.");
  await page.goto("/assets/integrations");
  await expect(page).toHaveURL(/\/login/);
});
