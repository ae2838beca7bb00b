import { defineConfig } from "@playwright/test";

// The release binary, started by fixtures/start-server.sh from an empty folder.
const port = Number(process.env.E2E_PORT ?? 3137);

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: "chromium",
    headless: true,
    launchOptions: {
      // Debian's chromium: Playwright never downloads a browser here.
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [
    {
      // Every page must work as plain server-rendered HTML.
      name: "ssr",
      use: { javaScriptEnabled: false },
      testIgnore: /\.(hydrate|binary)\.spec\.ts$/,
    },
    {
      // The same pages once the WASM has hydrated them.
      name: "hydrate",
      use: { javaScriptEnabled: true },
      testIgnore: /\.binary\.spec\.ts$/,
    },
    {
      // The single binary itself: embedded assets, health, metrics, API auth.
      name: "binary",
      testMatch: /\.binary\.spec\.ts$/,
    },
  ],
  webServer: {
    command: "bash fixtures/start-server.sh",
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "ignore",
    stderr: "pipe",
  },
});
