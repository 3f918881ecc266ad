import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKGROUND_COLOUR } from "~/components/outage-map";
import type { RunningServer } from "~/server/http";
import { intakeContext } from "~/services/enrichment.server";
import { ingest } from "~/services/intake.server";
import { spikeClusters, spikes } from "~db/schema";
import { launchBrowser, screenshotPath, signIn as signInAs } from "../support/browser";
import { freshDatabase, type TestDatabase } from "../support/db";
import { nonBackgroundShare } from "../support/pixels";
import { createUser, startTestServer, TEST_PASSWORD } from "../support/server";

let t: TestDatabase;
let server: RunningServer;
let browser: Browser;
let clusterId: number;

const CITIES: [string, number, number][] = [
  ["Sacramento, CA", 38.58, -121.49],
  ["Fresno, CA", 36.74, -119.78],
  ["Reno, NV", 39.53, -119.81],
  ["Las Vegas, NV", 36.17, -115.14],
];

beforeAll(async () => {
  t = await freshDatabase();
  // Background loops off: this test places its own spike, and detection would find its own too.
  server = await startTestServer(t, {}, { workers: false });
  await createUser(t, "commander", "casey@test.example");
  await createUser(t, "viewer", "val@test.example");
  const now = Date.now();
  const ctx = await intakeContext({ db: t.database.db, orgId: t.org.id });
  await ingest(
    ctx,
    Array.from({ length: 160 }, (_, i) => {
      const [place, lat, lon] = CITIES[i % CITIES.length];
      return {
        index: i,
        value: {
          source: i % 3 === 0 ? "facebook" : "x",
          externalId: `e2e-${i}`,
          text: `Power just went out in ${place} (${i}), whole block is dark`,
          createdAt: new Date(now - (70 - (i % 60)) * 60_000).toISOString(),
          author: { handle: `@resident${i}`, followers: (i * 37) % 5000 },
          ...(i % 2 === 0 ? { lat: lat + (i % 7) * 0.01, lon: lon - (i % 5) * 0.01 } : { location: place }),
        },
      };
    }),
  );
  const started = new Date(now - 70 * 60_000);
  const [cluster] = await t.database.db
    .insert(spikeClusters)
    .values({
      orgId: t.org.id,
      key: `e2e:${now}`,
      topicSlug: "outage",
      regions: ["CA", "NV"],
      level: "detected",
      startedAt: started,
      detectedAt: new Date(started.getTime() + 5 * 60_000),
      peakAt: new Date(now - 30 * 60_000),
      observed: 42,
      expected: 1.5,
      score: 14,
    })
    .returning();
  clusterId = cluster.id;
  await t.database.db.insert(spikes).values(
    ["CA", "NV"].map((region, i) => ({
      orgId: t.org.id,
      clusterId,
      key: `${region}|outage|${started.getTime()}`,
      regionCode: region,
      topicSlug: "outage",
      level: "detected" as const,
      startedAt: started,
      detectedAt: new Date(started.getTime() + 5 * 60_000),
      peakAt: new Date(now - 30 * 60_000),
      observed: 30 - i * 10,
      expected: 1,
      score: 14 - i * 6,
    })),
  );
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await t?.close();
});

const signIn = (email: string) => signInAs(browser, server.url, email, TEST_PASSWORD);

const hexToRgb = (hex: string): [number, number, number] => {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
};

describe("the incident room in a real browser", () => {
  it("a commander opens an incident from a spike; the map and chart draw; a state change shows live elsewhere", async () => {
    const commander = await signIn("casey@test.example");
    await commander.goto(`${server.url}/spikes`);
    const row = commander.getByTestId("spike-row").filter({ hasText: `#${clusterId}` });
    await row.waitFor();
    await commander.screenshot({ path: screenshotPath("room-spikes-board"), fullPage: true });
    await row.getByRole("button", { name: "Open incident" }).click();
    await commander.waitForURL(/\/incidents\/\d+$/);
    const incidentUrl = commander.url();
    await commander.getByTestId("incident-room").waitFor();
    expect(await commander.getByTestId("incident-state").textContent()).toBe("Investigating");
    expect(await commander.getByTestId("linked-spike").count()).toBe(1);

    // The map draws offline (maplibre-gl, inline style): its canvas is not blank.
    const map = commander.locator('[data-renderer="maplibre"][data-state="ready"]');
    await map.waitFor({ timeout: 60_000 });
    await commander.waitForTimeout(1500);
    const canvas = map.locator("canvas").first();
    const share = await nonBackgroundShare(commander, await canvas.screenshot(), hexToRgb(BACKGROUND_COLOUR));
    expect(share).toBeGreaterThan(0.15);

    // The chart draws: stacked topic areas as SVG paths.
    const chartPaths = commander.locator(".recharts-area-area");
    await expect.poll(() => chartPaths.count(), { timeout: 20_000 }).toBeGreaterThan(0);

    // A second browser (a viewer) has the room open.
    const viewer = await signIn("val@test.example");
    await viewer.goto(incidentUrl);
    await viewer.getByTestId("incident-room").waitFor();
    expect(await viewer.getByTestId("incident-state").textContent()).toBe("Investigating");
    await viewer.waitForTimeout(1000);

    await commander.selectOption("#state", "identified");
    await commander.fill('input[name="note"][aria-label="What changed"]', "Substation fault found");
    await commander.getByRole("button", { name: "Change state" }).click();
    // The action and the room's revalidation take a while on a loaded machine: wait for them, not 1 s.
    await expect
      .poll(() => commander.getByTestId("incident-state").textContent(), { timeout: 15_000 })
      .toBe("Identified");
    await expect
      .poll(() => commander.getByTestId("timeline").textContent(), { timeout: 15_000 })
      .toContain("Moved to identified: Substation fault found");
    await commander.screenshot({ path: screenshotPath("room-commander"), fullPage: true });

    // …and the viewer sees it without reloading (SSE fed by LISTEN/NOTIFY).
    await expect
      .poll(() => viewer.getByTestId("incident-state").textContent(), { timeout: 20_000 })
      .toBe("Identified");
    await expect.poll(() => viewer.getByTestId("timeline").textContent()).toContain("Substation fault found");
    expect(await viewer.getByRole("button", { name: "Change state" }).count()).toBe(0);
    await viewer.screenshot({ path: screenshotPath("room-viewer-live"), fullPage: true });

    // Choosing a region on the map (click, or its keyboard menu) filters the complaint stream.
    await commander.locator("[data-renderer] select").first().selectOption("NV");
    await expect
      .poll(() => new URL(commander.url()).searchParams.get("region"), { timeout: 10_000 })
      .toBe("NV");
    // The URL changes as the navigation starts; the filtered rows arrive with its data.
    const who = commander.getByTestId("complaint-stream").locator(".who");
    await expect
      .poll(
        async () => {
          const rows = await who.allTextContents();
          return rows.length > 0 && rows.every((r) => r.includes(" · NV · "));
        },
        { timeout: 10_000 },
      )
      .toBe(true);
  });
});
