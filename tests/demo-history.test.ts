import { and, eq, gt, isNotNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appLoginFailure, simulate, US_SIM_REGIONS } from "~/domain/simulator";
import { ensureDemoPastIncident } from "~/services/demo-history.server";
import { intakeContext } from "~/services/enrichment.server";
import { ingest } from "~/services/intake.server";
import { incidentMetricsFor } from "~/services/metrics.server";
import { claimDeliveries } from "~/services/outbox.server";
import { complaints, deliveries, incidents, replies, spikeClusters, statusUpdates } from "~db/schema";
import { seedDemo } from "~db/seed";
import { freshDatabase, type TestDatabase } from "./support/db";

/**
 * The demo's past incident, written up through the real services: a finished story whose comms report
 * has numbers from the first start (issue 12), nothing left for the delivery worker to send, and the
 * incident owning the complaints of its own hours only.
 */

const MIN = 60_000;
const DAY = 86_400_000;
let t: TestDatabase;
const T = Math.floor((Date.now() - 3 * DAY) / DAY) * DAY + 19 * 3600_000;
let incidentId: number;

beforeAll(async () => {
  t = await freshDatabase();
  const db = t.database.db;
  await seedDemo(db);
  const records = simulate({
    from: T - 2 * 3600_000,
    to: T + 30 * 3600_000,
    seed: 7,
    regions: US_SIM_REGIONS,
    baseRatePerDay: 400,
    incidents: [appLoginFailure(T, "past-login")],
    labels: false,
  });
  let index = 0;
  const rows = (function* () {
    for (const value of records) yield { index: index++, value };
  })();
  await ingest(await intakeContext({ db, orgId: t.org.id }), rows);
  // The spike the detector would have raised for it.
  await db.insert(spikeClusters).values({
    orgId: t.org.id,
    key: "demo-history-test",
    topicSlug: "app-login",
    regions: ["CA", "NY", "TX"],
    level: "detected",
    startedAt: new Date(T),
    detectedAt: new Date(T + 10 * MIN),
    peakAt: new Date(T + 60 * MIN),
    observed: 120,
    expected: 3,
    score: 20,
  });
  const id = await ensureDemoPastIncident(
    db,
    t.org.id,
    { startedAt: T, detectionCaughtUp: false },
    "http://localhost:3000",
  );
  expect(id).not.toBeNull();
  incidentId = id!;
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe("the demo's past incident, opened from its spike", () => {
  it("is opened from its spike, resolved, and its times are the story's, not today's", async () => {
    const [row] = await t.database.db.select().from(incidents).where(eq(incidents.id, incidentId));
    expect(row.state).toBe("resolved");
    expect(row.startedAt.getTime()).toBe(T);
    expect(row.createdAt.getTime()).toBe(T + 22 * MIN); // detected + 12 minutes
    expect(row.resolvedAt!.getTime()).toBeLessThan(T + 6 * 3600_000);
    const [cluster] = await t.database.db
      .select()
      .from(spikeClusters)
      .where(eq(spikeClusters.key, "demo-history-test"));
    expect(cluster.incidentId).toBe(incidentId);
  });

  it("publishes four updates whose metrics show one promise missed and the first update ten minutes after opening", async () => {
    const published = await t.database.db
      .select()
      .from(statusUpdates)
      .where(and(eq(statusUpdates.incidentId, incidentId), eq(statusUpdates.state, "published")));
    expect(published.map((u) => u.kind).sort()).toEqual(["holding", "resolution", "update", "update"]);
    expect(published.every((u) => u.publishedBody && !u.publishedBody.includes("{next_update}"))).toBe(true);
    const m = await incidentMetricsFor(t.database.db, t.org.id, incidentId);
    expect(m.speed.firstUpdateAt! - m.speed.openedAt).toBe(10 * MIN);
    expect(m.cadence.judged).toBe(3);
    expect(m.cadence.kept).toBe(2);
    expect(m.cadence.missed).toBe(1);
    expect(m.cadence.worstLateMinutes).toBe(18);
    expect(m.coverage.overall.answered).toBeGreaterThan(0);
    expect(m.coverage.overall.answered).toBeLessThan(m.coverage.overall.complaints);
    expect(m.inbound.effects).toHaveLength(4);
  });

  it("owns only the complaints of its hours, and leaves nothing for the delivery worker", async () => {
    const db = t.database.db;
    const [row] = await db.select().from(incidents).where(eq(incidents.id, incidentId));
    const late = await db
      .select({ id: complaints.id })
      .from(complaints)
      .where(and(eq(complaints.incidentId, incidentId), gt(complaints.createdAt, row.resolvedAt!)));
    expect(late).toHaveLength(0);
    const answered = await db
      .select({ id: complaints.id, answeredAt: complaints.answeredAt })
      .from(complaints)
      .where(and(eq(complaints.incidentId, incidentId), isNotNull(complaints.answeredAt)));
    const written = await db.select().from(replies).where(eq(replies.incidentId, incidentId));
    expect(written.length).toBe(answered.length);
    for (const r of written) expect(r.createdAt.getTime()).toBeLessThan(row.resolvedAt!.getTime() + 60 * MIN);
    const open = await db.select().from(deliveries).where(eq(deliveries.state, "pending"));
    expect(open).toHaveLength(0);
    expect(await claimDeliveries(db, { owner: "test", limit: 50, leaseMs: 60_000 })).toHaveLength(0);
  });

  it("is written once", async () => {
    expect(
      await ensureDemoPastIncident(
        t.database.db,
        t.org.id,
        { startedAt: T, detectionCaughtUp: true },
        "http://localhost:3000",
      ),
    ).toBeNull();
    expect(await t.database.db.select({ id: incidents.id }).from(incidents)).toHaveLength(1);
  });
});

describe("the demo's past incident when detection found no spike for it", () => {
  let u: TestDatabase;
  let id: number;
  beforeAll(async () => {
    u = await freshDatabase();
    const db = u.database.db;
    await seedDemo(db);
    const records = simulate({
      from: T - 3600_000,
      to: T + 8 * 3600_000,
      seed: 8,
      regions: US_SIM_REGIONS,
      baseRatePerDay: 200,
      incidents: [appLoginFailure(T, "past-login")],
      labels: false,
    });
    let index = 0;
    const rows = (function* () {
      for (const value of records) yield { index: index++, value };
    })();
    await ingest(await intakeContext({ db, orgId: u.org.id }), rows);
    const plan = { startedAt: T, detectionCaughtUp: false };
    expect(await ensureDemoPastIncident(db, u.org.id, plan, "http://localhost:3000")).toBeNull();
    id = (await ensureDemoPastIncident(
      db,
      u.org.id,
      { ...plan, detectionCaughtUp: true },
      "http://localhost:3000",
    ))!;
  }, 120_000);
  afterAll(async () => {
    await u?.close();
  });

  it("waits for detection, then opens it where the complaints were, with its complaints and replies", async () => {
    const db = u.database.db;
    const [row] = await db.select().from(incidents).where(eq(incidents.id, id));
    expect(row.startedAt.getTime()).toBe(T);
    expect(row.regions.length).toBeGreaterThan(10);
    const m = await incidentMetricsFor(db, u.org.id, id);
    expect(m.speed.firstUpdateAt! - T).toBe(35 * MIN);
    expect(m.coverage.overall.complaints).toBeGreaterThan(100);
    expect(m.coverage.overall.answered).toBeGreaterThan(0);
    expect(m.cadence.kept).toBe(2);
  });
});
