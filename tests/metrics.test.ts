import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseMetricsFilter } from "~/domain/metrics/filters";
import { createIncident } from "~/services/incidents.server";
import { incidentMetricsFor } from "~/services/metrics.server";
import { metricsOverview } from "~/services/metrics-overview.server";
import { sendReplies } from "~/services/replies.server";
import { approveUpdate, createUpdate, submitUpdate, type UpdateInput } from "~/services/updates.server";
import { NotFoundError, ValidationError } from "~/utils/errors";
import {
  channels,
  complaintCounts,
  complaints,
  deliveries,
  incidents,
  organisations,
  replies,
  spikeClusters,
  subscribers,
} from "~db/schema";
import { freshDatabase, type TestDatabase } from "./support/db";
import { createUser } from "./support/server";

/**
 * Every comms metric on a fixture whose answers are worked out by hand below. Times are fixed (no wall
 * clock): the incident's spike starts at 14:00 UTC on Monday 2 November 2026.
 */

let t: TestDatabase;
const PUBLIC_URL = "https://status.example.com";
const at = (hhmm: string, day = "2026-11-02") => new Date(`${day}T${hhmm}:00Z`);
const ms = (hhmm: string, day?: string) => at(hhmm, day).getTime();
const WEEK = 7 * 86_400_000;
type Person = { kind: "user"; userId: number; role: "comms" | "approver" | "commander" | "support" };
let comms: Person;
let approver: Person;
let support: Person;
let incidentA: number;
let incidentB: number;
let incidentC: number;
const updateIds: number[] = [];
const complaintIds: Record<string, number> = {};

function person(user: { id: number; role: string }): Person {
  return { kind: "user", userId: user.id, role: user.role as Person["role"] };
}

async function publish(incidentId: number, when: Date, over: Partial<UpdateInput> = {}) {
  const db = t.database.db;
  const draft = await createUpdate(
    db,
    t.org.id,
    incidentId,
    {
      kind: "update",
      body: "Crews are working on it. Next update {next_update}.",
      nextUpdateMinutes: 30,
      ...over,
    },
    comms,
  );
  await submitUpdate(db, t.org.id, draft.id, comms);
  await approveUpdate(db, t.org.id, draft.id, { version: draft.version }, approver, {
    publicUrl: PUBLIC_URL,
    now: when,
  });
  return draft.id;
}

async function complaint(
  key: string,
  o: { region: string; source: string; at: Date; sentiment: number; incident: number | null; topic?: string },
) {
  const [row] = await t.database.db
    .insert(complaints)
    .values({
      orgId: t.org.id,
      source: o.source,
      externalId: key,
      text: `complaint ${key}`,
      createdAt: o.at,
      regionCode: o.region,
      topicSlug: o.topic ?? "outage",
      sentiment: o.sentiment,
      incidentId: o.incident,
      raw: {},
    })
    .returning({ id: complaints.id });
  complaintIds[key] = row.id;
  return row.id;
}

/** Counts per 5-minute bucket from `from` (inclusive) to `to` (exclusive), for one cell. */
async function counts(orgId: number, region: string, topic: string, from: number, to: number, count: number) {
  const rows = [];
  for (let b = from; b < to; b += 300_000)
    rows.push({
      orgId,
      regionCode: region,
      topicSlug: topic,
      bucketStart: new Date(b),
      count,
      rawCount: count,
    });
  await t.database.db.insert(complaintCounts).values(rows);
}

beforeAll(async () => {
  t = await freshDatabase();
  const db = t.database.db;
  comms = person(await createUser(t, "comms"));
  approver = person(await createUser(t, "approver"));
  support = person(await createUser(t, "support"));
  const commander = person(await createUser(t, "commander"));
  await db.insert(channels).values({ orgId: t.org.id, kind: "slack", name: "Ops Slack", config: {} });

  // Incident A (SEV2, CA + NV, outage): spike 14:00, detected 14:10, opened 14:25.
  const [cluster] = await db
    .insert(spikeClusters)
    .values({
      orgId: t.org.id,
      key: "metrics:a",
      topicSlug: "outage",
      regions: ["CA", "NV"],
      level: "detected",
      startedAt: at("14:00"),
      detectedAt: at("14:10"),
      peakAt: at("14:40"),
      observed: 40,
      expected: 2,
      score: 12,
    })
    .returning();
  incidentA = (
    await createIncident(
      db,
      t.org.id,
      { title: "West outage", severity: "SEV2", fromClusterId: cluster.id },
      commander,
    )
  ).id;
  await db
    .update(incidents)
    .set({ createdAt: at("14:25") })
    .where(eq(incidents.id, incidentA));

  // Complaints placed in A (coverage), and two more in its cells that are not (sentiment only).
  await complaint("c1", { region: "CA", source: "x", at: at("14:05"), sentiment: -0.9, incident: incidentA });
  await complaint("c2", { region: "CA", source: "x", at: at("14:10"), sentiment: -0.8, incident: incidentA });
  await complaint("c3", { region: "CA", source: "x", at: at("14:20"), sentiment: -0.6, incident: incidentA });
  await complaint("c4", {
    region: "NV",
    source: "facebook",
    at: at("14:15"),
    sentiment: -0.4,
    incident: incidentA,
  });
  await complaint("c5", {
    region: "CA",
    source: "facebook",
    at: at("14:30"),
    sentiment: -0.2,
    incident: incidentA,
  });
  await complaint("c6", { region: "CA", source: "x", at: at("14:50"), sentiment: 0.2, incident: null });
  await complaint("c7", { region: "NV", source: "x", at: at("15:00"), sentiment: -0.2, incident: null });
  // Another cell (billing) at the same time: never part of A's numbers.
  await complaint("c8", {
    region: "CA",
    source: "x",
    at: at("14:20"),
    sentiment: -1,
    incident: null,
    topic: "billing",
  });

  // Replies by support: c2 after 20 min, c1 after 30, c4 after 60; c1 again later (not its first reply).
  for (const key of ["c1", "c2", "c4"]) {
    await sendReplies(
      db,
      t.org.id,
      incidentA,
      { body: "Crews are on it, sorry.", complaintIds: [complaintIds[key]] },
      support,
    );
  }
  const replyAt = { c1: at("14:35"), c2: at("14:30"), c4: at("15:15") };
  for (const [key, when] of Object.entries(replyAt)) {
    await db.update(replies).set({ createdAt: when }).where(eq(replies.complaintId, complaintIds[key]));
  }
  await db.insert(replies).values({
    orgId: t.org.id,
    incidentId: incidentA,
    complaintId: complaintIds.c1,
    body: "Following up.",
    via: "x",
    authorUserId: support.userId,
    createdAt: at("16:00"),
  });

  // Three updates: 14:40 (promises 15:10), 15:05 (kept, 5 min early; promises 15:35), 15:50 (missed by
  // 15; promises 16:50 with a 60-minute promise).
  updateIds.push(await publish(incidentA, at("14:40"), { kind: "holding" }));
  updateIds.push(await publish(incidentA, at("15:05")));
  updateIds.push(await publish(incidentA, at("15:50"), { nextUpdateMinutes: 60 }));

  // Delivery outcomes (as a worker would have settled them), measured from each publication.
  const published = [at("14:40"), at("15:05"), at("15:50")];
  const settle = async (
    updateId: number,
    kind: "status_page" | "slack",
    state: "sent" | "failed" | "unknown",
    afterSeconds: number | null,
    i: number,
  ) =>
    db
      .update(deliveries)
      .set({
        state,
        sentAt: afterSeconds === null ? null : new Date(published[i].getTime() + afterSeconds * 1000),
      })
      .where(and(eq(deliveries.updateId, updateId), eq(deliveries.channelKind, kind)));
  await settle(updateIds[0], "status_page", "sent", 30, 0);
  await settle(updateIds[1], "status_page", "sent", 60, 1);
  await settle(updateIds[2], "status_page", "sent", 30, 2);
  await settle(updateIds[0], "slack", "sent", 90, 0);
  await settle(updateIds[1], "slack", "failed", null, 1);
  await settle(updateIds[2], "slack", "unknown", null, 2);
  // Subscribers: one reached twice, one whose email bounced.
  const subs = await db
    .insert(subscribers)
    .values([
      {
        orgId: t.org.id,
        kind: "email",
        address: "a@example.com",
        unsubscribeTokenHash: "a",
        confirmedAt: at("09:00"),
      },
      {
        orgId: t.org.id,
        kind: "email",
        address: "b@example.com",
        unsubscribeTokenHash: "b",
        confirmedAt: at("09:00"),
      },
    ])
    .returning({ id: subscribers.id });
  const note = (updateId: number, sub: number, state: "sent" | "failed", sentAt: Date | null) => ({
    orgId: t.org.id,
    incidentId: incidentA,
    updateId,
    subscriberId: sub,
    channelKind: "email" as const,
    state,
    sentAt,
    idempotencyKey: `test:${updateId}:${sub}`,
  });
  await db
    .insert(deliveries)
    .values([
      note(updateIds[0], subs[0].id, "sent", new Date(ms("14:40") + 120_000)),
      note(updateIds[0], subs[1].id, "failed", null),
      note(updateIds[1], subs[0].id, "sent", new Date(ms("15:05") + 60_000)),
    ]);

  // Counts in A's cells around update 1 (14:40): before = buckets 14:10–14:35, after = 14:45–15:10.
  await counts(t.org.id, "CA", "outage", ms("14:10"), ms("14:40"), 20);
  await counts(t.org.id, "NV", "outage", ms("14:10"), ms("14:40"), 10);
  await counts(t.org.id, "CA", "outage", ms("14:45"), ms("15:15"), 10);
  await counts(t.org.id, "NV", "outage", ms("14:45"), ms("15:15"), 5);
  await counts(t.org.id, "CA", "billing", ms("14:10"), ms("15:15"), 1000); // another topic
  // The same windows one and two weeks earlier (the organisation's first counts are two weeks back).
  for (const [k, before, after] of [
    [1, 2, 1],
    [2, 4, 2],
  ] as const) {
    await counts(t.org.id, "CA", "outage", ms("14:10") - k * WEEK, ms("14:40") - k * WEEK, before);
    await counts(t.org.id, "CA", "outage", ms("14:45") - k * WEEK, ms("15:15") - k * WEEK, after);
  }
  // Another organisation's counts in the same cells and times: never counted.
  const [other] = await db.insert(organisations).values({ slug: "other-org", name: "Other" }).returning();
  await counts(other.id, "CA", "outage", ms("14:10"), ms("15:15"), 999);

  // Incident B (SEV2, OR, no spike): started 08:00 on 10 Nov, first update 08:20 (promises 08:50),
  // resolution 08:45 — the promise kept.
  incidentB = (
    await createIncident(
      db,
      t.org.id,
      { title: "Oregon billing", severity: "SEV2", regions: ["OR"] },
      commander,
    )
  ).id;
  await db
    .update(incidents)
    .set({ startedAt: at("08:00", "2026-11-10"), createdAt: at("08:05", "2026-11-10") })
    .where(eq(incidents.id, incidentB));
  await publish(incidentB, at("08:20", "2026-11-10"), { kind: "holding" });
  await publish(incidentB, at("08:45", "2026-11-10"), {
    kind: "resolution",
    incidentState: "resolved",
    body: "Power is back for everyone. Thank you for your patience.",
  });

  // Incident C (SEV1, TX, October): nothing published.
  incidentC = (
    await createIncident(db, t.org.id, { title: "Texas storm", severity: "SEV1", regions: ["TX"] }, commander)
  ).id;
  await db
    .update(incidents)
    .set({ startedAt: at("10:00", "2026-10-05"), createdAt: at("10:10", "2026-10-05") })
    .where(eq(incidents.id, incidentC));
});
afterAll(() => t?.close());

const NOW = ms("17:20");

describe("one incident's comms metrics", () => {
  it("times the spike to the incident being opened and to the first public update", async () => {
    const m = await incidentMetricsFor(t.database.db, t.org.id, incidentA, { now: NOW });
    expect(m.speed).toMatchObject({
      reference: "spike",
      firstSpikeAt: ms("14:00"),
      firstDetectedAt: ms("14:10"),
      openedAt: ms("14:25"),
      firstUpdateAt: ms("14:40"),
      spikeToOpenMinutes: 25,
      detectionToOpenMinutes: 15,
      spikeToFirstUpdateMinutes: 40,
      detectionToFirstUpdateMinutes: 30,
      openToFirstUpdateMinutes: 15,
      timeToFirstUpdateMinutes: 40,
      silentMinutes: null,
    });
  });

  it("judges every promised next update: kept, missed, and a live miss while the incident is open", async () => {
    const m = await incidentMetricsFor(t.database.db, t.org.id, incidentA, { now: NOW });
    expect(m.cadence.promises.map((p) => [p.number, p.status, p.lateMinutes])).toEqual([
      [1, "kept", -5],
      [2, "missed", 15],
      [3, "overdue", 30],
    ]);
    expect(m.cadence).toMatchObject({ judged: 3, kept: 1, missed: 2, overdue: 1 });
    expect(m.cadence.keptShare).toBeCloseTo(1 / 3, 6);
    // At 16:00 the third promise (16:50) has not come due: not judged yet.
    const earlier = await incidentMetricsFor(t.database.db, t.org.id, incidentA, { now: ms("16:00") });
    expect(earlier.cadence.promises[2]).toMatchObject({ status: "pending", lateMinutes: null });
    expect(earlier.cadence).toMatchObject({ judged: 2, kept: 1, missed: 1, keptShare: 0.5 });
  });

  it("measures response coverage and the median time to first reply, by region and by source", async () => {
    const { coverage } = await incidentMetricsFor(t.database.db, t.org.id, incidentA, { now: NOW });
    expect(coverage.overall).toEqual({
      key: "",
      complaints: 5,
      answered: 3,
      coverage: 0.6,
      medianFirstReplyMinutes: 30,
    });
    expect(coverage.byRegion).toEqual([
      { key: "CA", complaints: 4, answered: 2, coverage: 0.5, medianFirstReplyMinutes: 25 },
      { key: "NV", complaints: 1, answered: 1, coverage: 1, medianFirstReplyMinutes: 60 },
    ]);
    expect(coverage.bySource).toEqual([
      { key: "x", complaints: 3, answered: 2, coverage: 0.667, medianFirstReplyMinutes: 25 },
      { key: "facebook", complaints: 2, answered: 1, coverage: 0.5, medianFirstReplyMinutes: 60 },
    ]);
  });

  it("compares inbound and sentiment in the affected cells before and after an update, against the usual for that time", async () => {
    const m = await incidentMetricsFor(t.database.db, t.org.id, incidentA, { now: NOW });
    expect(m.inbound.windowMinutes).toBe(30);
    const first = m.inbound.effects[0];
    expect(first).toMatchObject({
      number: 1,
      before: {
        from: ms("14:10"),
        to: ms("14:40"),
        complaints: 180,
        expected: 18,
        sentiment: -0.5,
        sentimentCount: 4,
      },
      after: {
        from: ms("14:45"),
        to: ms("15:15"),
        complaints: 90,
        expected: 9,
        sentiment: 0,
        sentimentCount: 2,
      },
      ratio: 0.5,
      seasonalWeeks: 2,
      excessBefore: 162,
      excessAfter: 81,
      excessChange: -0.5,
      // (90 − 180 − (9 − 18)) / √270
      z: -4.93,
      verdict: "fell",
      overlapsNext: true,
      sentimentChange: 0.5,
    });
    // Update 2 (15:05): before = 14:35–15:05 (CA 20 + NV 10 at 14:35, then 15 a bucket from 14:45), after = 15:10–15:40.
    expect(m.inbound.effects[1]).toMatchObject({
      number: 2,
      before: { complaints: 90 },
      after: { complaints: 15 },
      overlapsNext: false,
    });
    const wider = await incidentMetricsFor(t.database.db, t.org.id, incidentA, {
      now: NOW,
      windowMinutes: 15,
    });
    expect(wider.inbound.effects[0]).toMatchObject({
      windowMinutes: 15,
      before: { complaints: 90 },
      after: { complaints: 45 },
    });
  });

  it("counts delivery outcomes per channel with the median time from publication, and subscribers reached", async () => {
    const { delivery } = await incidentMetricsFor(t.database.db, t.org.id, incidentA, { now: NOW });
    const row = (purpose: string, channel: string) =>
      delivery.channels.find((c) => c.purpose === purpose && c.channel === channel);
    expect(row("update", "status_page")).toMatchObject({
      sent: 3,
      failed: 0,
      unknown: 0,
      pending: 0,
      successRate: 1,
      medianLatencySeconds: 30,
    });
    expect(row("update", "slack")).toMatchObject({
      sent: 1,
      failed: 1,
      unknown: 1,
      pending: 0,
      successRate: 0.333,
      medianLatencySeconds: 90,
    });
    expect(row("notification", "email")).toMatchObject({
      sent: 2,
      failed: 1,
      successRate: 0.667,
      medianLatencySeconds: 90,
    });
    // The three replies wait in the outbox on the network each complaint came from.
    expect(row("reply", "x")).toMatchObject({
      sent: 0,
      pending: 2,
      successRate: null,
      medianLatencySeconds: null,
    });
    expect(row("reply", "facebook")).toMatchObject({ pending: 1 });
    expect(delivery.subscribersReached).toBe(1);
  });

  it("is scoped by organisation: another organisation cannot read it", async () => {
    const [other] = await t.database.db
      .select()
      .from(organisations)
      .where(eq(organisations.slug, "other-org"));
    await expect(incidentMetricsFor(t.database.db, other.id, incidentA, { now: NOW })).rejects.toThrow(
      NotFoundError,
    );
  });

  it("shows the public silence of an open incident that has published nothing", async () => {
    const m = await incidentMetricsFor(t.database.db, t.org.id, incidentC, {
      now: ms("11:00", "2026-10-05"),
    });
    expect(m.speed).toMatchObject({
      reference: "incident_start",
      firstUpdateAt: null,
      silentMinutes: 60,
      timeToFirstUpdateMinutes: null,
    });
    expect(m.cadence.judged).toBe(0);
    expect(m.coverage.overall).toMatchObject({ complaints: 0, coverage: null });
  });
});

describe("metrics across incidents", () => {
  const filter = (q: string) => {
    const parsed = parseMetricsFilter(new URLSearchParams(q), NOW);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    return parsed.filter;
  };

  it("sums up each incident and trends them by month and severity", async () => {
    const o = await metricsOverview(t.database.db, t.org.id, filter("from=2026-10-01&to=2026-11-30"), NOW);
    expect(
      o.incidents.map((l) => [l.id, l.timeToFirstUpdateMinutes, l.promisesKept, l.promisesJudged]),
    ).toEqual([
      [incidentC, null, 0, 0],
      [incidentA, 40, 1, 3],
      [incidentB, 20, 1, 1],
    ]);
    expect(o.trends).toEqual([
      {
        month: "2026-10",
        severity: "SEV1",
        incidents: 1,
        medianTimeToFirstUpdateMinutes: null,
        withoutUpdate: 1,
        promisesJudged: 0,
        cadenceKept: null,
        complaints: 0,
        coverage: null,
      },
      {
        month: "2026-11",
        severity: "SEV2",
        incidents: 2,
        medianTimeToFirstUpdateMinutes: 30,
        withoutUpdate: 0,
        promisesJudged: 4,
        cadenceKept: 0.5,
        complaints: 5,
        coverage: 0.6,
      },
    ]);
    expect(o.overall).toMatchObject({ incidents: 3, medianTimeToFirstUpdateMinutes: 30, cadenceKept: 0.5 });
  });

  it("reports channel reliability and the reply workload by team member", async () => {
    const o = await metricsOverview(t.database.db, t.org.id, filter("from=2026-10-01&to=2026-11-30"), NOW);
    // Incident B's two updates went to both channels and are still pending there.
    expect(o.channels.find((c) => c.purpose === "update" && c.channel === "status_page")).toMatchObject({
      sent: 3,
      pending: 2,
      successRate: 1,
    });
    const supportRow = o.workload.find((w) => w.userId === support.userId);
    // Four replies (20, 30, 60 and 115 minutes after their complaints), each its own send.
    expect(supportRow).toMatchObject({
      replies: 4,
      sends: 4,
      incidents: 1,
      medianReplyMinutes: 45,
      updatesAuthored: 0,
    });
    expect(o.workload.find((w) => w.userId === comms.userId)).toMatchObject({
      replies: 0,
      updatesAuthored: 5,
      updatesApproved: 0,
    });
    expect(o.workload.find((w) => w.userId === approver.userId)).toMatchObject({ updatesApproved: 5 });
  });

  it("filters by period, region and severity, and refuses an unknown region", async () => {
    const ids = async (q: string) =>
      (await metricsOverview(t.database.db, t.org.id, filter(q), NOW)).incidents.map((l) => l.id);
    expect(await ids("from=2026-11-01&to=2026-11-30")).toEqual([incidentA, incidentB]);
    expect(await ids("from=2026-10-01&to=2026-11-30&region=nv")).toEqual([incidentA]);
    expect(await ids("from=2026-10-01&to=2026-11-30&severity=SEV1")).toEqual([incidentC]);
    expect(await ids("from=2026-11-03&to=2026-11-09")).toEqual([]);
    await expect(metricsOverview(t.database.db, t.org.id, filter("region=ZZ"), NOW)).rejects.toThrow(
      ValidationError,
    );
  });

  it("never counts another organisation's incidents", async () => {
    const [other] = await t.database.db
      .select()
      .from(organisations)
      .where(eq(organisations.slug, "other-org"));
    const o = await metricsOverview(t.database.db, other.id, filter("from=2026-10-01&to=2026-11-30"), NOW);
    expect(o.incidents).toEqual([]);
    expect(o.channels).toEqual([]);
    expect(o.workload).toEqual([]);
    const rows = await t.database.db
      .select()
      .from(incidents)
      .where(inArray(incidents.id, [incidentA, incidentB, incidentC]));
    expect(rows).toHaveLength(3);
  });
});
