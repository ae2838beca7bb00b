// The release binary alone in an empty folder (fixtures/start-server.sh): it must serve the
// very site cargo-leptos just built — a stale or half-written embed is the known failure of a
// plain `cargo leptos build --release` — plus health, metrics and the API-key guard.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { get as httpGet, type IncomingHttpHeaders } from "node:http";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { expect, test } from "@playwright/test";

const site = join(__dirname, "..", "..", "target", "site", "pkg");
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

for (const file of ["webhooks-console.wasm", "webhooks-console.js", "webhooks-console.css"]) {
  test(`the served ${file} is byte for byte the one just built`, async ({ request }) => {
    const built = readFileSync(join(site, file));
    const res = await request.get(`/pkg/${file}`, { headers: { "accept-encoding": "identity" } });
    expect(res.status()).toBe(200);
    expect(res.headers()["content-encoding"]).toBeUndefined();
    expect(sha(await res.body())).toBe(sha(built));
  });
}

/** GET without any client-side decoding: the bytes exactly as they crossed the wire. */
function rawGet(url: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    httpGet(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on("error", reject);
  });
}

test("the WASM is served as application/wasm, compressed when the browser accepts it", async ({ baseURL }) => {
  const built = readFileSync(join(site, "webhooks-console.wasm"));
  for (const [encoding, decode] of [
    ["br", brotliDecompressSync],
    ["gzip", gunzipSync],
  ] as const) {
    const res = await rawGet(`${baseURL}/pkg/webhooks-console.wasm`, { "accept-encoding": encoding });
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/wasm");
    expect(res.headers["content-encoding"]).toBe(encoding);
    expect(res.body.length).toBeLessThan(built.length);
    expect(sha(decode(res.body))).toBe(sha(built));
  }
});

test("/healthz answers ok and /metrics speaks Prometheus", async ({ request }) => {
  const health = await request.get("/healthz");
  expect(health.status()).toBe(200);
  expect(await health.json()).toEqual({ status: "ok" });
  const metrics = await request.get("/metrics");
  expect(metrics.status()).toBe(200);
  expect(metrics.headers()["content-type"]).toContain("text/plain");
  expect(await metrics.text()).toContain("http_requests_total");
});

test("the REST API refuses a request without an API key with a JSON 401", async ({ request }) => {
  const res = await request.get("/api/v1/integrations");
  expect(res.status()).toBe(401);
  expect((await res.json()).error).toMatch(/API key/);
});
