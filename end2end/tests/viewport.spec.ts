// Every route at a desktop size (1400×900) and a phone's (390×844): the page never scrolls
// sideways, and no control is covered by another (the point at a control's centre, once it is
// scrolled into view, hits the control itself, something inside it, or its own label).
// Runs with JavaScript off and on: the layout is the server's HTML and CSS either way.
import { expect, test, type Page } from "@playwright/test";
import { hydrated, jsEnabled, signIn } from "../fixtures/session";

const SIZES = [
  { name: "desktop", width: 1400, height: 900 },
  { name: "phone", width: 390, height: 844 },
];

const LISTS = [
  "/assets/services",
  "/assets/numbers",
  "/assets/apps",
  "/assets/esme-binds",
  "/assets/integrations",
  "/monitor/deliveries",
  "/monitor/dashboard",
];

const FORMS = [
  "/assets/services/new",
  "/assets/numbers/new",
  "/assets/apps/new",
  "/assets/esme-binds/new",
  "/assets/integrations/outbound-webhooks/new",
  "/assets/integrations/authorizations/new",
];

/** The edit pages: the first "Edit …" link of each list (of each kind on Integrations). */
async function editPages(page: Page): Promise<string[]> {
  const wanted: [string, string][] = [
    ["/assets/services", "/assets/services/"],
    ["/assets/numbers", "/assets/numbers/"],
    ["/assets/apps", "/assets/apps/"],
    ["/assets/esme-binds", "/assets/esme-binds/"],
    ["/assets/integrations", "/outbound-webhooks/"],
    ["/assets/integrations", "/authorizations/"],
  ];
  const found: string[] = [];
  for (const [list, kind] of wanted) {
    await page.goto(list);
    const hrefs = await page
      .getByRole("link", { name: /^Edit / })
      .evaluateAll((els) => els.map((e) => e.getAttribute("href") ?? ""));
    const href = hrefs.find((h) => h.includes(kind));
    if (href) found.push(href);
  }
  return found;
}

interface Layout {
  scrollWidth: number;
  innerWidth: number;
  covered: string[];
}

async function layout(page: Page): Promise<Layout> {
  return page.evaluate(() => {
    const describe = (el: Element) => {
      const label = el.getAttribute("aria-label") ?? (el as HTMLElement).innerText?.trim().slice(0, 40) ?? "";
      const name = el.getAttribute("name") ?? el.getAttribute("id") ?? "";
      return `${el.tagName.toLowerCase()}${name ? `[${name}]` : ""} "${label}"`;
    };
    const covered: string[] = [];
    const controls = Array.from(document.querySelectorAll("a[href], button, input, select, textarea, summary"));
    for (const el of controls) {
      const style = getComputedStyle(el);
      const rect0 = el.getBoundingClientRect();
      // Not laid out, or visually hidden on purpose (a screen-reader-only control).
      if (rect0.width < 2 || rect0.height < 2 || style.visibility === "hidden" || style.opacity === "0") continue;
      if ((el as HTMLInputElement).type === "hidden") continue;
      // Inside a closed <details>, or under display:none / visibility:hidden: not on screen.
      if (!el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue;
      el.scrollIntoView({ block: "center", inline: "center" });
      // A link that wraps onto two lines has one box per line, and the centre of its bounding
      // rectangle can fall between them (beside the shorter line): a person clicks one of the
      // lines, so the control is covered only when the centre of none of its boxes hits it.
      const boxes = Array.from(el.getClientRects()).filter((b) => b.width >= 2 && b.height >= 2);
      const labels = Array.from((el as HTMLInputElement).labels ?? []);
      const reaches = (hit: Element) =>
        hit === el ||
        el.contains(hit) ||
        labels.some((l) => l === hit || l.contains(hit)) ||
        (hit.closest("label") !== null && hit.closest("label") === el.closest("label"));
      let inView = false;
      let ok = false;
      let firstHit: Element | null = null;
      for (const r of boxes) {
        const x = r.left + r.width / 2;
        const y = r.top + r.height / 2;
        if (x < 0 || y < 0 || x > innerWidth || y > innerHeight) continue;
        inView = true;
        const hit = document.elementFromPoint(x, y);
        if (!hit || reaches(hit)) {
          ok = true;
          break;
        }
        firstHit ??= hit;
      }
      if (!inView) covered.push(`${describe(el)} (out of view)`);
      else if (!ok && firstHit) covered.push(`${describe(el)} under ${describe(firstHit)}`);
    }
    window.scrollTo(0, 0);
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, covered };
  });
}

for (const size of SIZES) {
  test(`every route fits ${size.name} width ${size.width}×${size.height}: no sideways scroll, no control covered`, async ({ page }) => {
    test.setTimeout(120_000);
    const js = jsEnabled();
    await page.setViewportSize({ width: size.width, height: size.height });
    await signIn(page, js);
    const routes = [...LISTS, ...FORMS, ...(await editPages(page))];
    expect(routes.length).toBeGreaterThan(LISTS.length + FORMS.length);
    const problems: string[] = [];
    for (const route of routes) {
      await page.goto(route);
      await hydrated(page, js);
      const seen = await layout(page);
      if (seen.scrollWidth > seen.innerWidth) {
        problems.push(`${route}: scrollWidth ${seen.scrollWidth} > innerWidth ${seen.innerWidth}`);
      }
      for (const c of seen.covered) problems.push(`${route}: ${c}`);
      await page.screenshot({ path: test.info().outputPath(`${size.name}${route.replaceAll("/", "_")}.png`), fullPage: true });
    }
    expect(problems, problems.join("\n")).toEqual([]);
  });
}
