import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "~/server/http";
import { SYSTEM } from "~/services/audit.server";
import { createIncident } from "~/services/incidents.server";
import { statusUpdates } from "~db/schema";
import { launchBrowser, screenshotPath } from "../support/browser";
import { freshDatabase, type TestDatabase } from "../support/db";
import { createUser, startTestServer, TEST_PASSWORD } from "../support/server";

let t: TestDatabase;
let server: RunningServer;
let browser: Browser;
let incidentId: number;

beforeAll(async () => {
  t = await freshDatabase();
  // Background loops on: the loop that places new complaints in open incidents is part of the path.
  server = await startTestServer(t, {}, { workers: true });
  await createUser(t, "support", "sam@test.example");
  const incident = await createIncident(
    t.database.db,
    t.org.id,
    { title: "Sacramento outage", severity: "SEV2", regions: ["CA"], topics: ["outage"] },
    SYSTEM,
  );
  incidentId = incident.id;
  await t.database.db.insert(statusUpdates).values({
    orgId: t.org.id,
    incidentId,
    kind: "holding",
    state: "published",
    title: "Power outage around Sacramento",
    body: "We are investigating reports of a power outage in California.",
    regions: ["CA"],
    incidentState: "investigating",
    publishedAt: new Date(),
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await t?.close();
});

describe("the public status page in a real browser", () => {
  it("a customer sees their region, reports a problem, and the report reaches the incident room's stream", async () => {
    const customer = await browser.newContext({ viewport: { width: 1100, height: 1000 } });
    const page = await customer.newPage();
    await page.goto(`${server.url}/status`);
    await page.getByTestId("status-banner").waitFor();
    expect(await page.getByTestId("affected-regions").textContent()).toContain("California");
    // The map is an enhancement: it appears once the page runs JavaScript.
    await page.getByTestId("status-map").waitFor({ timeout: 30_000 });
    await page.selectOption("#region", "CA");
    await page.getByRole("button", { name: "Show" }).click();
    await expect
      .poll(() => page.getByTestId("region-answer").textContent())
      .toBe("California: Investigating");
    await page.screenshot({ path: screenshotPath("status-page"), fullPage: true });

    await page.getByRole("link", { name: "Report a problem" }).click();
    await page.waitForURL(`${server.url}/status/report`);
    await page.fill("#postalCode", "95814");
    await page.selectOption("#topic", "outage");
    await page.fill("#details", "E2E: lights out on Capitol Mall since noon");
    await page.getByRole("button", { name: "Send report" }).click();
    await page.getByTestId("report-sent").waitFor();
    await page.screenshot({ path: screenshotPath("status-report-sent"), fullPage: true });

    // Support has the incident room open; the report arrives in its complaint stream by itself.
    const consoleContext = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const room = await consoleContext.newPage();
    await room.goto(`${server.url}/signin`);
    await room.fill("#email", "sam@test.example");
    await room.fill("#password", TEST_PASSWORD);
    await room.click("button[type=submit]");
    await room.waitForURL(`${server.url}/incidents`);
    await room.goto(`${server.url}/incidents/${incidentId}`);
    await room.getByTestId("incident-room").waitFor();
    await expect
      .poll(() => room.getByTestId("complaint-stream").textContent(), { timeout: 60_000 })
      .toContain("E2E: lights out on Capitol Mall since noon");
    const streamText = await room.getByTestId("complaint-stream").textContent();
    expect(streamText).toContain("form");
    await room.screenshot({ path: screenshotPath("status-report-in-room"), fullPage: true });
  });

  it("works with JavaScript off: the page, the region finder and the report form", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/status`);
    expect(await page.getByTestId("status-banner").getAttribute("data-level")).toBe("degraded");
    expect(await page.getByTestId("status-map").count()).toBe(0);
    await page.selectOption("#region", "TX");
    await page.getByRole("button", { name: "Show" }).click();
    await page.waitForURL(/region=TX/);
    expect(await page.getByTestId("region-answer").textContent()).toBe("Texas: Operational");
    await page.goto(`${server.url}/status/report`);
    expect(await page.getByTestId("use-location").count()).toBe(0);
    await page.selectOption("#topic", "outage");
    await page.getByRole("button", { name: "Send report" }).click();
    expect(await page.getByTestId("report-error").textContent()).toBe(
      "Please correct the fields marked below.",
    );
    expect(await page.locator("#postalCode-error").textContent()).toBe(
      "Enter your ZIP code, or use your location",
    );
    // Keyboard: the skip link is the first stop and leads to the main content.
    await page.goto(`${server.url}/status`);
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to the status");
  });

  it("meets WCAG AA contrast for every piece of text, and has its landmarks (status page and report form)", async () => {
    const page = await (await browser.newContext()).newPage();
    for (const path of ["/status", `/status/incidents/${incidentId}`, "/status/report"]) {
      await page.goto(`${server.url}${path}`);
      const landmarks = await page.evaluate(() => ({
        main: document.querySelectorAll("main").length,
        // A header or footer outside sectioning content is the page's banner or contentinfo landmark.
        banner: [...document.querySelectorAll("header")].filter(
          (h) => !h.closest("main, article, section, aside, nav"),
        ).length,
        contentinfo: [...document.querySelectorAll("footer")].filter(
          (f) => !f.closest("main, article, section, aside, nav"),
        ).length,
        h1: document.querySelectorAll("h1").length,
        lang: document.documentElement.lang,
      }));
      expect(landmarks, path).toMatchObject({ main: 1, h1: 1, lang: "en" });
      expect(landmarks.banner, path).toBeGreaterThanOrEqual(1);
      expect(landmarks.contentinfo, path).toBeGreaterThanOrEqual(1);
      // WCAG 2.x relative luminance and contrast of each visible text node against the nearest opaque
      // background behind it (4.5:1, or 3:1 for large text).
      const contrastFailures = () =>
        page.evaluate(() => {
          const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
          const lum = ([r, g, b]: number[]) => {
            const f = (v: number) => {
              const x = v / 255;
              return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
            };
            return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
          };
          const background = (el: Element | null): number[] => {
            for (let e = el; e; e = e.parentElement) {
              const c = rgb(getComputedStyle(e).backgroundColor);
              if (c.length >= 3 && (c.length < 4 || c[3] > 0.9)) return c.slice(0, 3);
            }
            return [255, 255, 255];
          };
          const out: string[] = [];
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            const el = n.parentElement;
            if (!el || !n.textContent?.trim()) continue;
            const style = getComputedStyle(el);
            const box = el.getBoundingClientRect();
            if (style.visibility === "hidden" || box.width === 0 || box.height === 0) continue;
            if (el.closest("svg, canvas, [aria-hidden=true], .sr-only, .visually-hidden")) continue;
            const fg = rgb(style.color);
            const alpha = fg[3] ?? 1;
            const bg = background(el);
            const seen = fg.slice(0, 3).map((v, i) => v * alpha + bg[i] * (1 - alpha));
            const [a, b] = [lum(seen), lum(bg)].sort((x, y) => y - x);
            const ratio = (a + 0.05) / (b + 0.05);
            const size = Number.parseFloat(style.fontSize);
            const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
            if (ratio < (large ? 3 : 4.5))
              out.push(
                `${n.textContent.trim().slice(0, 40)} — ${ratio.toFixed(2)}:1 (${style.color} on rgb(${bg}))`,
              );
          }
          return out;
        });
      expect(await contrastFailures(), path).toEqual([]);
      if (path === "/status") {
        // The check itself sees a failure: pale grey text on white is 1.9:1.
        await page.evaluate(() => {
          const p = document.createElement("p");
          p.textContent = "pale probe";
          p.style.color = "#bbbbbb";
          p.style.background = "#ffffff";
          document.querySelector("main")!.append(p);
        });
        expect(await contrastFailures()).toEqual([expect.stringContaining("pale probe — 1.92:1")]);
      }
    }
  });
});
