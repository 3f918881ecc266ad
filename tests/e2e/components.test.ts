import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BACKGROUND_COLOUR,
  CLUSTER_COLOURS,
  NO_SCORE_COLOUR,
  SCORE_COLOURS,
  SELECTED_OUTLINE_COLOUR,
} from "~/components/outage-map";
import { MARKER_COLOURS } from "~/components/volume-chart";
import type { RunningServer } from "~/server/http";
import { launchBrowser, screenshotPath } from "../support/browser";
import { freshDatabase, type TestDatabase } from "../support/db";
import { Client, createUser, startTestServer, TEST_PASSWORD } from "../support/server";

/**
 * The outage map and the volume chart in Debian Chromium, on the visual test page (/dev/components):
 * the map draws offline with MapLibre (its pixels are read back from a screenshot), clicking a region
 * selects it, the chart draws its series, band and markers; with a Mapbox token the page loads mapbox-gl
 * instead, and never both.
 */

let t: TestDatabase;
let server: RunningServer;
let browser: Browser;
const EMAIL = "val@test.example";

beforeAll(async () => {
  t = await freshDatabase();
  server = await startTestServer(t);
  await createUser(t, "viewer", EMAIL);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await t?.close();
});

interface Watched {
  requests: string[];
  errors: string[];
}

/** A signed-in page that records every request it (and its workers) makes, and every error. */
async function signedInPage(
  baseUrl: string,
  options: { timezoneId?: string } = {},
): Promise<{ page: Page; seen: Watched }> {
  const page = await browser.newPage({
    viewport: { width: 1280, height: 1000 },
    locale: "en-US",
    ...options,
  });
  const seen: Watched = { requests: [], errors: [] };
  page.on("request", (r) => seen.requests.push(r.url()));
  page.on("console", (m) => {
    if (m.type() === "error") seen.errors.push(m.text());
  });
  page.on("pageerror", (e) => seen.errors.push(String(e)));
  await page.goto(`${baseUrl}/signin`);
  await page.fill("#email", EMAIL);
  await page.fill("#password", TEST_PASSWORD);
  await page.click("button[type=submit]");
  await page.waitForURL(`${baseUrl}/incidents`);
  return { page, seen };
}

type Rgb = [number, number, number];

function rgb(hex: string): Rgb {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

interface Analysis {
  width: number;
  height: number;
  /** Pixels within the tolerance of each named colour. */
  counts: Record<string, number>;
  /** For each named colour, a pixel whose 7×7 neighbourhood is all that colour (the one nearest `near`). */
  inside: Record<string, [number, number] | null>;
}

/**
 * Decodes a PNG screenshot in the page (no image library needed in Node) and counts the pixels of each
 * named colour. Screenshots are what a person sees: the composited WebGL canvas and the HTML over it.
 */
async function analyse(
  page: Page,
  png: Buffer,
  colours: Record<string, Rgb>,
  near: [number, number],
): Promise<Analysis> {
  return page.evaluate(
    async ({ b64, colours, near }) => {
      const blob = await (await fetch(`data:image/png;base64,${b64}`)).blob();
      const bitmap = await createImageBitmap(blob);
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = canvas.getContext("2d")!;
      ctx.drawImage(bitmap, 0, 0);
      const { data, width, height } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
      const names = Object.keys(colours);
      const tol = 6;
      const label = new Int16Array(width * height).fill(-1);
      const counts: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
      for (let i = 0; i < width * height; i++) {
        for (let k = 0; k < names.length; k++) {
          const [r, g, b] = colours[names[k]];
          if (
            Math.abs(data[i * 4] - r) <= tol &&
            Math.abs(data[i * 4 + 1] - g) <= tol &&
            Math.abs(data[i * 4 + 2] - b) <= tol
          ) {
            label[i] = k;
            counts[names[k]]++;
            break;
          }
        }
      }
      const inside: Record<string, [number, number] | null> = {};
      const [nx, ny] = [near[0] * width, near[1] * height];
      names.forEach((name, k) => {
        let best: [number, number] | null = null;
        let bestD = Number.POSITIVE_INFINITY;
        for (let y = 3; y < height - 3; y++) {
          for (let x = 3; x < width - 3; x++) {
            if (label[y * width + x] !== k) continue;
            const d = (x - nx) ** 2 + (y - ny) ** 2;
            if (d >= bestD) continue;
            let all = true;
            for (let dy = -3; dy <= 3 && all; dy++) {
              for (let dx = -3; dx <= 3; dx++) {
                if (label[(y + dy) * width + x + dx] !== k) {
                  all = false;
                  break;
                }
              }
            }
            if (all) {
              best = [x, y];
              bestD = d;
            }
          }
        }
        inside[name] = best;
      });
      return { width, height, counts, inside };
    },
    { b64: png.toString("base64"), colours, near },
  );
}

async function clickAt(locator: Locator, [x, y]: [number, number]) {
  await locator.click({ position: { x, y } });
}

const MAP_COLOURS: Record<string, Rgb> = {
  background: rgb(BACKGROUND_COLOUR),
  noScore: rgb(NO_SCORE_COLOUR),
  top: rgb(SCORE_COLOURS[4]), // only CA (42) is in the top class
  third: rgb(SCORE_COLOURS[2]), // NV (18.5)
  selected: rgb(SELECTED_OUTLINE_COLOUR),
  cluster: rgb(CLUSTER_COLOURS[1]),
  bigCluster: rgb(CLUSTER_COLOURS[2]),
};

describe("outage map and volume chart in a real browser", () => {
  it("renders placeholders on the server, without a map library", async () => {
    const client = new Client(server.url);
    await client.signIn(EMAIL);
    const response = await client.request("/dev/components");
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toMatch(/data-testid="outage-map"[^>]*data-renderer="maplibre"[^>]*data-state="loading"/);
    expect(html).toContain("Loading map…");
    expect(html).toContain("Loading chart…");
    expect(html).not.toContain("<canvas");
    // The map's stylesheet is linked from the route's `links`.
    expect(html).toMatch(/<link rel="stylesheet" href="\/build\/_assets\/maplibre-gl-[^"]+\.css"/);
    expect(html).not.toContain("mapbox-gl");
  });

  it("draws the map offline with MapLibre, shades regions, clusters points, and selects on click", async () => {
    const { page, seen } = await signedInPage(server.url);
    await page.goto(`${server.url}/dev/components`);
    const map = page.getByTestId("outage-map");
    await map.and(page.locator("[data-state=ready]")).waitFor({ timeout: 60_000 });
    expect(await map.getAttribute("data-renderer")).toBe("maplibre");
    expect(await map.getAttribute("aria-label")).toMatch(/map/i);
    const canvas = map.locator("canvas.maplibregl-canvas");
    expect(await canvas.count()).toBe(1);

    // One library, and nothing from outside this server: no tiles, glyphs, sprites or telemetry.
    const origin = new URL(server.url).origin;
    const external = seen.requests.filter((u) => !u.startsWith(origin) && !/^(data|blob):/.test(u));
    expect(external).toEqual([]);
    expect(seen.requests.some((u) => /\/build\/_shared\/maplibre-gl-[A-Z0-9]+\.js$/.test(u))).toBe(true);
    expect(seen.requests.some((u) => /maplibre-gl-worker-[A-Z0-9]+\.js/.test(u))).toBe(true);
    expect(seen.requests.filter((u) => /mapbox-gl/.test(u))).toEqual([]);

    await canvas.screenshot({ path: screenshotPath("components-map") });
    // Cluster counts are HTML labels (no glyph server offline): numbers, summing to at most the points.
    const counts = (await map.locator(".outage-map-count").allTextContents()).map((s) => s.trim());
    expect(counts.length).toBeGreaterThan(2);
    for (const c of counts) expect(c).toMatch(/^\d+(\.\d)?k?$/);
    expect(counts.map(Number).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(391);
    expect(Math.max(...counts.map(Number))).toBeGreaterThanOrEqual(50);

    const before = await canvas.screenshot({ path: screenshotPath("components-map") });
    const a = await analyse(page, before, MAP_COLOURS, [0.3, 0.6]);
    const area = a.width * a.height;
    // Not blank: most of the canvas is drawn regions, and every kind of feature shows.
    expect(a.counts.background).toBeLessThan(area * 0.85);
    expect(a.counts.noScore).toBeGreaterThan(area * 0.05);
    expect(a.counts.top).toBeGreaterThan(100);
    expect(a.counts.third).toBeGreaterThan(100);
    expect(a.counts.cluster + a.counts.bigCluster).toBeGreaterThan(200);
    expect(a.counts.selected).toBeLessThan(20);
    expect(a.inside.top, "a pixel inside California").not.toBeNull();
    expect(a.inside.background, "a pixel of open background").not.toBeNull();

    // Clicking inside California selects it: the page hears the code, the map outlines it and fades the rest.
    const selected = page.getByTestId("selected-region");
    expect(await selected.textContent()).toBe("Selected region: none");
    await clickAt(canvas, a.inside.top!);
    await expect.poll(() => selected.textContent()).toBe("Selected region: CA");
    await expect
      .poll(
        async () => (await analyse(page, await canvas.screenshot(), MAP_COLOURS, [0.3, 0.6])).counts.selected,
      )
      .toBeGreaterThan(150);
    const after = await canvas.screenshot({ path: screenshotPath("components-map-selected") });
    const b = await analyse(page, after, MAP_COLOURS, [0.3, 0.6]);
    expect(b.counts.top).toBeGreaterThan(100); // the selected region keeps its colour
    expect(b.counts.third).toBeLessThan(a.counts.third / 10); // the others fade

    // The region menu selects by keyboard too, and clicking open background clears the selection.
    await map.getByLabel("Region").selectOption("NV");
    await expect.poll(() => selected.textContent()).toBe("Selected region: NV");
    await clickAt(canvas, a.inside.background!);
    await expect.poll(() => selected.textContent()).toBe("Selected region: none");

    expect(seen.errors).toEqual([]);
    await page.screenshot({ path: screenshotPath("components-page"), fullPage: true });
  });

  it("draws the volume chart: one area per topic, the baseline band and the markers", async () => {
    const { page, seen } = await signedInPage(server.url, { timezoneId: "America/Los_Angeles" });
    await page.goto(`${server.url}/dev/components`);
    const chart = page.getByTestId("volume-chart");
    await chart.and(page.locator("[data-state=ready]")).waitFor();
    await chart.locator("svg.recharts-surface").first().waitFor();

    for (const slug of ["outage", "degraded", "billing", "safety"]) {
      const path = chart.locator(`.volume-topic-${slug} path.recharts-area-area`);
      expect(await path.count(), slug).toBe(1);
      const d = (await path.getAttribute("d")) ?? "";
      // A curve through all 72 buckets, not an empty or flat placeholder.
      expect(d.match(/[LC]/g)?.length ?? 0, slug).toBeGreaterThanOrEqual(70);
    }
    const band = chart.locator(".volume-baseline path.recharts-area-area");
    expect(await band.count()).toBe(1);
    expect((await band.getAttribute("d"))?.length ?? 0).toBeGreaterThan(200);

    const markers = chart.locator(".volume-marker");
    expect(await markers.count()).toBe(5);
    expect(await chart.locator(".volume-marker-update").count()).toBe(2);
    const lineColours = await chart
      .locator(".volume-marker line")
      .evaluateAll((lines) => lines.map((l) => l.getAttribute("stroke")));
    expect(lineColours.sort()).toEqual(
      [...Array(3).fill(MARKER_COLOURS.event), ...Array(2).fill(MARKER_COLOURS.update)].sort(),
    );
    expect(await chart.locator(".volume-marker-label text").allTextContents()).toContain(
      "Holding statement published",
    );
    const titles = await chart.locator(".volume-marker-label title").allTextContents();
    expect(titles.filter((x) => x.startsWith("Update · "))).toHaveLength(2);

    const legend = await chart.locator(".recharts-legend-wrapper").textContent();
    for (const label of ["Outage", "Degraded", "Billing", "Safety", "Expected range"]) {
      expect(legend).toContain(label);
    }
    // The time axis is in the viewer's time zone: the series starts at 10:00 UTC, 2 AM in Los Angeles.
    const ticks = await chart
      .locator(".recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value")
      .allTextContents();
    expect(ticks.length).toBeGreaterThanOrEqual(4);
    expect(ticks[0]).toMatch(/^0?2:00\sAM$/);

    // Hovering shows the bucket's local time, each topic and the expected range as "low–high".
    const plot = chart.locator(".recharts-wrapper").first();
    const box = (await plot.boundingBox())!;
    await plot.hover({ position: { x: box.width * 0.45, y: box.height * 0.5 } });
    const tooltip = chart.locator(".recharts-tooltip-wrapper");
    await expect.poll(() => tooltip.textContent()).toMatch(/Expected range\s*:\s*\d+–\d+/);
    expect(await tooltip.textContent()).toMatch(/PST/);
    await chart.screenshot({ path: screenshotPath("components-chart") });
    expect(seen.errors).toEqual([]);
  });

  it("loads mapbox-gl instead, and never maplibre-gl, when a Mapbox token is configured", async () => {
    const withToken = await startTestServer(t, { MAPBOX_ACCESS_TOKEN: "pk.clarion-test-token-not-valid" });
    try {
      const { page, seen } = await signedInPage(withToken.url);
      await page.goto(`${withToken.url}/dev/components`);
      const map = page.getByTestId("outage-map");
      expect(await map.getAttribute("data-renderer")).toBe("mapbox");
      await expect
        .poll(() => seen.requests.some((u) => /\/build\/_shared\/mapbox-gl-[A-Z0-9]+\.js$/.test(u)), {
          timeout: 30_000,
        })
        .toBe(true);
      await expect.poll(() => page.locator(".mapboxgl-map").count(), { timeout: 30_000 }).toBe(1);
      expect(seen.requests.filter((u) => /maplibre-gl/.test(u) && u.endsWith(".js"))).toEqual([]);
      await page.screenshot({ path: screenshotPath("components-page-mapbox"), fullPage: true });
    } finally {
      await withToken.close();
    }
  });
});
