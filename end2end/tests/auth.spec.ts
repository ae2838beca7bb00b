// Signing in and out, in both projects: with JavaScript off (plain HTML forms) and on.
import { expect, test } from "@playwright/test";
import { ADMIN_EMAIL, hydrated, jsEnabled, signIn } from "../fixtures/session";

test("a console page asks for sign-in first, then opens where it was asked for", async ({ page }) => {
  await page.goto("/monitor/deliveries");
  await expect(page).toHaveURL(/\/login\?next=%2Fmonitor%2Fdeliveries/);
  await hydrated(page, jsEnabled());
  await page.getByLabel("Email", { exact: true }).fill(ADMIN_EMAIL);
  await page.getByLabel("Password", { exact: true }).fill("e2e-admin-password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/monitor\/deliveries$/);
  await expect(page.getByRole("heading", { level: 1, name: "Deliveries" })).toBeVisible();
});

test("a wrong password gets one message that does not say which field was wrong", async ({ page }) => {
  await page.goto("/login");
  await hydrated(page, jsEnabled());
  await page.getByLabel("Email", { exact: true }).fill(ADMIN_EMAIL);
  await page.getByLabel("Password", { exact: true }).fill("not the password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  const alert = page.getByRole("alert");
  await expect(alert).toHaveText("Wrong email or password.");
  // The email typed is kept; the password is not.
  await expect(page.getByLabel("Email", { exact: true })).toHaveValue(ADMIN_EMAIL);
  await expect(page.getByLabel("Password", { exact: true })).toHaveValue("");
});

test("an unknown email gets the very same message", async ({ page }) => {
  await page.goto("/login");
  await hydrated(page, jsEnabled());
  await page.getByLabel("Email", { exact: true }).fill("nobody@example.com");
  await page.getByLabel("Password", { exact: true }).fill("e2e-admin-password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("alert")).toHaveText("Wrong email or password.");
});

test("signing in shows the user; signing out ends the session", async ({ page }) => {
  await signIn(page, jsEnabled());
  await expect(page).toHaveURL(/\/assets\/integrations$/);
  await expect(page.getByTestId("signed-in-user")).toContainText(ADMIN_EMAIL);
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login\?notice=signed-out$/);
  await expect(page.getByRole("status")).toHaveText("You have signed out.");
  // The old session no longer opens the console.
  await page.goto("/assets/integrations");
  await expect(page).toHaveURL(/\/login/);
});

test("the setup page is closed once an administrator exists", async ({ page }) => {
  await page.goto("/setup?token=anything");
  await expect(page).toHaveURL(/\/login\?notice=setup-done$/);
});
