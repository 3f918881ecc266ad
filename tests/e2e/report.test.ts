import { eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "~/server/http";
import { createIncident } from "~/services/incidents.server";
import { sendReplies } from "~/services/replies.server";
import { approveUpdate, createUpdate, submitUpdate } from "~/services/updates.server";
import { complaintCounts, complaints, deliveries, incidents, replies, spikeClusters } from "~db/schema";
import { launchBrowser, screenshotPath, signIn as signInAs } from "../support/browser";
import { freshDatabase, type TestDatabase } from "../support/db";
import { createUser, startTestServer, TEST_PASSWORD } from "../support/server";

/**
 * The demo's story, seeded in seconds instead of 28 days: a western power outage spikes, the commander
 * opens the incident from the spike (as the demo does), comms publishes three updates (one promise kept,
 * one missed, one overdue now), support answers some complaints. Its comms report renders in Chromium with
 * its charts (SVG paths drawn by recharts), prints to a PDF, and the room and /metrics show the numbers.
 */

let t: TestDatabase;
let server: RunningServer;
let browser: Browser;
let incidentId: number;
const MIN = 60_000;
const BUCKET = 5 * MIN;
const WEEK = 7 * 86_400_000;
const WEST = ["CA", "NV", "OR", "AZ"];

beforeAll(async () => {
  t = await freshDatabase();
  server = await startTestServer(t, {}, { workers: false });
  const db = t.database.db;
  const commander = await createUser(t, "commander", "casey@test.example");
  const comms = await createUser(t, "comms", "cam@test.example");
  const approver = await createUser(t, "approver", "april@test.example");
  const support = await createUser(t, "support", "sam@test.example");
  const as = (u: { id: number; role: string }) => ({
    kind: "user" as const,
    userId: u.id,
    role: u.role as never,
  });
  const now = Math.floor(Date.now() / BUCKET) * BUCKET;
  const start = now - 180 * MIN;

  // Counts in the western cells: a quiet baseline, the outage from `start`, easing after the updates;
  // the same hours a week earlier as the usual.
  const rows: (typeof complaintCounts.$inferInsert)[] = [];
  for (let b = now - 300 * MIN; b < now; b += BUCKET) {
    const since = (b - start) / MIN;
    WEST.forEach((region, r) => {
      const outage =
        since < 0
          ? 0
          : since < 60
            ? Math.round(since / 2) + 10 - r
            : Math.max(4, 40 - Math.round(since / 6) - r);
      const usual = 1 + ((b / BUCKET + r) % 3);
      rows.push({
        orgId: t.org.id,
        regionCode: region,
        topicSlug: "outage",
        bucketStart: new Date(b),
        count: usual + outage,
        rawCount: usual + outage,
      });
      rows.push({
        orgId: t.org.id,
        regionCode: region,
        topicSlug: "outage",
        bucketStart: new Date(b - WEEK),
        count: usual,
        rawCount: usual,
      });
    });
  }
  await db.insert(complaintCounts).values(rows);

  const [cluster] = await db
    .insert(spikeClusters)
    .values({
      orgId: t.org.id,
      key: `e2e-report:${now}`,
      topicSlug: "outage",
      regions: WEST,
      level: "detected",
      startedAt: new Date(start),
      detectedAt: new Date(start + 10 * MIN),
      peakAt: new Date(start + 60 * MIN),
      observed: 48,
      expected: 2.5,
      score: 15,
    })
    .returning();
  incidentId = (
    await createIncident(
      db,
      t.org.id,
      {
        title: "Power outage across the western service area",
        severity: "SEV2",
        summary:
          "Customers across the western states report losing power at once. Crews are being dispatched.",
        fromClusterId: cluster.id,
        commanderUserId: commander.id,
        cadenceMinutes: 30,
      },
      as(commander),
    )
  ).id;
  await db
    .update(incidents)
    .set({ createdAt: new Date(start + 15 * MIN) })
    .where(eq(incidents.id, incidentId));

  const placed = await db
    .insert(complaints)
    .values(
      Array.from({ length: 40 }, (_, i) => ({
        orgId: t.org.id,
        source: ["x", "facebook", "zendesk", "form"][i % 4],
        externalId: `e2e-report-${i}`,
        text: `No power since this afternoon (${i})`,
        createdAt: new Date(start + (5 + i * 4) * MIN),
        regionCode: WEST[i % WEST.length],
        topicSlug: "outage",
        sentiment: -0.8 + (i % 9) * 0.1,
        incidentId,
        raw: {},
      })),
    )
    .returning({ id: complaints.id, createdAt: complaints.createdAt });
  for (const c of placed.slice(0, 24).filter((_, i) => i % 3 !== 2)) {
    await sendReplies(
      db,
      t.org.id,
      incidentId,
      { body: "Crews are on their way; sorry.", complaintIds: [c.id] },
      as(support),
    );
    await db
      .update(replies)
      .set({ createdAt: new Date(c.createdAt.getTime() + 25 * MIN) })
      .where(eq(replies.complaintId, c.id));
  }

  const publish = async (at: number, kind: "holding" | "update", minutes: number) => {
    const u = await createUpdate(
      db,
      t.org.id,
      incidentId,
      {
        kind,
        body: "Crews are restoring power in {regions}. Next update {next_update}.",
        nextUpdateMinutes: minutes,
      },
      as(comms),
    );
    await submitUpdate(db, t.org.id, u.id, as(comms));
    await approveUpdate(db, t.org.id, u.id, { version: u.version }, as(approver), {
      publicUrl: server.url,
      now: new Date(at),
    });
    await db
      .update(deliveries)
      .set({ state: "sent", sentAt: new Date(at + 20_000) })
      .where(eq(deliveries.updateId, u.id));
  };
  await publish(start + 30 * MIN, "holding", 30); // promises +60: kept by the next at +55
  await publish(start + 55 * MIN, "update", 30); // promises +85: missed, the next went out at +110
  await publish(start + 110 * MIN, "update", 30); // promises +140: overdue now (+180)
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await t?.close();
});

const signIn = (email: string) =>
  signInAs(browser, server.url, email, TEST_PASSWORD, { width: 1280, height: 1000 });

describe("the post-incident comms report in a real browser", () => {
  it("renders the demo-like incident's report with its numbers and charts, and prints it", async () => {
    const page = await signIn("casey@test.example");
    await page.goto(`${server.url}/incidents/${incidentId}/report`);
    await page.getByTestId("incident-report").waitFor();
    const text = (await page.getByTestId("incident-report").textContent()) ?? "";
    expect(text).toContain("Power outage across the western service area");
    expect(text).toContain("1 of 3"); // promises kept: one kept, one missed, one overdue
    expect(await page.locator('[data-testid="metrics-cadence"] tr[data-status="overdue"]').count()).toBe(1);

    // Each chart is drawn: recharts SVG paths with real geometry.
    for (const chart of [
      "report-volume-chart",
      "report-cadence-chart",
      "report-coverage-chart",
      "delivery-chart",
    ]) {
      const figure = page.getByTestId(chart);
      await figure.locator("svg").first().waitFor({ timeout: 20_000 });
      const paths = figure.locator("svg path[d]");
      await expect.poll(() => paths.count(), { timeout: 20_000 }).toBeGreaterThan(0);
      const d = await paths.first().getAttribute("d");
      expect(d, chart).toMatch(/^M\s?-?\d/);
    }
    expect(await page.locator('[data-testid="report-volume-chart"] .recharts-area-area').count()).toBe(1);
    await page.screenshot({ path: screenshotPath("report-screen"), fullPage: true });

    // Printed: no navigation, the charts kept, and a PDF comes out.
    await page.emulateMedia({ media: "print" });
    expect(await page.locator(".shell-nav").isVisible()).toBe(false);
    expect(await page.locator(".report-actions").isVisible()).toBe(false);
    expect(await page.getByTestId("report-volume-chart").locator("svg path[d]").count()).toBeGreaterThan(0);
    await page.screenshot({ path: screenshotPath("report-print"), fullPage: true });
    const pdf = await page.pdf({ format: "A4", path: "test-results/report.pdf" });
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    await page.context().close();
  });

  it("shows the numbers in the room's metrics panel and across incidents on /metrics", async () => {
    const page = await signIn("casey@test.example");
    await page.goto(`${server.url}/incidents/${incidentId}`);
    const panel = page.getByTestId("metrics-panel");
    await expect.poll(() => panel.textContent(), { timeout: 30_000 }).toContain("Promises kept: 1 / 3");
    expect(await panel.textContent()).toContain("next update overdue");
    await panel.getByTestId("report-link").click();
    await page.waitForURL(`${server.url}/incidents/${incidentId}/report`);

    await page.goto(`${server.url}/metrics`);
    await page.getByTestId("incidents-table").waitFor();
    expect(await page.getByTestId("incidents-table").textContent()).toContain(
      "Power outage across the western service area",
    );
    const trend = page.getByTestId("trend-first-update").locator("svg path[d]");
    await expect.poll(() => trend.count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await page.screenshot({ path: screenshotPath("metrics-page"), fullPage: true });
    await page.context().close();
  });
});
