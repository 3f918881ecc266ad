import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, asc, eq, notInArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CellDecision } from "~/domain/detection";
import { poisson, rng } from "~/domain/detection/synthetic";
import { simulate, US_SIM_REGIONS, westernPowerOutage } from "~/domain/simulator";
import { hashKey } from "~/domain/simulator/prng";
import type { RunningServer } from "~/server/http";
import { SYSTEM } from "~/services/audit.server";
import { requirePrimaryOrganisation } from "~/services/bootstrap.server";
import {
  boardClusters,
  CLOSE_GRACE_MS,
  clearDetection,
  type DetectionContext,
  DetectionStoreError,
  type DetectOptions,
  detect,
  listSpikes,
  suggestIncidents,
} from "~/services/detection.server";
import { intakeContext } from "~/services/enrichment.server";
import { changeState, createIncident } from "~/services/incidents.server";
import { ingest } from "~/services/intake.server";
import { createApiToken } from "~/services/tokens.server";
import { type Db, openDatabase } from "~db/client.server";
import { complaintCounts, spikeClusters, spikes, topics } from "~db/schema";
import { cli, cliTarget } from "./support/cli";
import { freshDatabase, type TestDatabase } from "./support/db";
import { startTestServer } from "./support/server";

/*
 * The detection service on a real database: counts in complaint_counts → detect → spikes and clusters.
 * Most scenarios write counts straight into complaint_counts (detection reads nothing else), so each
 * burst is exactly where and when the test says; one scenario goes through the simulator and intake.
 */

const MINUTE = 60_000;
const BUCKET = 5 * MINUTE;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Every scenario's counts begin on Monday 2026-10-05 (UTC)… */
const DAY0 = Date.parse("2026-10-05T00:00:00Z");
/** …and its bursts start on Wednesday at noon, after two and a half quiet days. */
const T = DAY0 + 2 * DAY + 12 * HOUR;
/** Detection evaluates every region × active topic each bucket: two active topics keep the file fast. */
const TOPICS = ["outage", "billing"];
/** States with background traffic; the others stay at zero, as sparse cells often do. */
const BUSY = ["CA", "NV", "OR", "WA", "AZ", "NY"];
/** Mean background complaints per bucket in each busy cell. */
const BASE = 1;
/** Warm-up before the first evaluated bucket: long enough to settle, short enough to be quick. */
const WARMUP = 3 * HOUR;

interface Burst {
  region: string;
  topic: string;
  from: number;
  to: number;
  /** Extra complaints per bucket on top of the background. */
  extra: number;
}

/**
 * Counts for the buckets in [from, to): Poisson(BASE) in every busy cell, plus the bursts. Each draw
 * depends only on its cell and bucket, so counts added in pieces equal counts added at once.
 */
function countRows(orgId: number, from: number, to: number, bursts: Burst[] = []) {
  const rows: (typeof complaintCounts.$inferInsert)[] = [];
  for (let at = from; at < to; at += BUCKET) {
    BUSY.forEach((region, r) => {
      TOPICS.forEach((topic, k) => {
        let mean = BASE;
        for (const b of bursts)
          if (b.region === region && b.topic === topic && at >= b.from && at < b.to) mean += b.extra;
        const n = poisson(rng(hashKey(at / BUCKET, r, k)), mean);
        if (n > 0)
          rows.push({
            orgId,
            regionCode: region,
            topicSlug: topic,
            bucketStart: new Date(at),
            count: n,
            rawCount: n,
          });
      });
    });
  }
  return rows;
}

async function addCounts(db: Db, orgId: number, from: number, to: number, bursts: Burst[] = []) {
  const rows = countRows(orgId, from, to, bursts);
  for (let i = 0; i < rows.length; i += 1000)
    await db.insert(complaintCounts).values(rows.slice(i, i + 1000));
}

/** Archive every other topic (an ordinary taxonomy edit), so fewer cells are evaluated. */
async function keepTopics(db: Db, orgId: number, active = TOPICS) {
  await db
    .update(topics)
    .set({ archivedAt: new Date() })
    .where(and(eq(topics.orgId, orgId), notInArray(topics.slug, active)));
}

/** A fresh database with only these topics active. */
async function scenarioDatabase(active = TOPICS): Promise<{ t: TestDatabase; ctx: DetectionContext }> {
  const t = await freshDatabase();
  await keepTopics(t.database.db, t.org.id, active);
  return { t, ctx: { db: t.database.db, orgId: t.org.id } };
}

/** The moment, live, at which every bucket starting before `at` has closed (grace for late arrivals included). */
const closedBy = (at: number) => at + CLOSE_GRACE_MS + MINUTE;

/** A live run: no range, it continues from where the last run stopped. */
const live = (ctx: DetectionContext, now: number) => detect(ctx, { now, warmupMs: WARMUP });

/** A replay of the buckets in [from, to) from a clean detector, as `detect` on the CLI does. */
const replay = (ctx: DetectionContext, from: number, to: number) =>
  detect(ctx, { from, to: to - BUCKET, reset: true, warmupMs: WARMUP, now: closedBy(to) });

const iso = (ms: number) => new Date(ms).toISOString();

/** The stored cell spikes, by key, without bookkeeping columns. */
async function storedSpikes(db: Db, orgId: number) {
  const rows = await db.select().from(spikes).where(eq(spikes.orgId, orgId)).orderBy(asc(spikes.key));
  return rows.map(({ updatedAt, ...row }) => row);
}

/** The stored clusters, by key, without bookkeeping columns. */
async function storedClusters(db: Db, orgId: number) {
  const rows = await db
    .select()
    .from(spikeClusters)
    .where(eq(spikeClusters.orgId, orgId))
    .orderBy(asc(spikeClusters.key));
  return rows.map(({ updatedAt, createdAt, ...row }) => row);
}

/** What detection decided, independent of row ids: spikes with their cluster's key, and the clusters. */
async function outcome(db: Db, orgId: number) {
  const clusters = await storedClusters(db, orgId);
  const keyOf = new Map(clusters.map((c) => [c.id, c.key]));
  return {
    spikes: (await storedSpikes(db, orgId)).map(({ id, clusterId, ...s }) => ({
      ...s,
      cluster: clusterId === null ? null : keyOf.get(clusterId),
    })),
    clusters: clusters.map(({ id, ...c }) => c),
  };
}

/** One region's spikes (the aggregate over all regions is stored as region `*`). */
async function spikesIn(db: Db, orgId: number, region: string) {
  return (await storedSpikes(db, orgId)).filter((s) => s.regionCode === region);
}

describe("spike lifecycle in the database", () => {
  let t: TestDatabase;
  let ctx: DetectionContext;
  let db: Db;
  let orgId: number;
  // A sharp outage in California: 30 extra complaints a bucket, then 60, then back to normal.
  const bursts: Burst[] = [
    { region: "CA", topic: "outage", from: T, to: T + 15 * MINUTE, extra: 30 },
    { region: "CA", topic: "outage", from: T + 15 * MINUTE, to: T + 45 * MINUTE, extra: 60 },
  ];
  let firstRun: Awaited<ReturnType<typeof detect>>;
  let opened: Awaited<ReturnType<typeof spikesIn>>[number];

  beforeAll(async () => {
    // One topic is enough here (billing counts stay in the table, unevaluated).
    ({ t, ctx } = await scenarioDatabase(["outage"]));
    db = t.database.db;
    orgId = t.org.id;
    await addCounts(db, orgId, DAY0, T);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("finds no spike in quiet history", async () => {
    firstRun = await live(ctx, closedBy(T));
    // The first live run looks back a day (after its warm-up) and stops at the last closed bucket.
    expect(firstRun.to).toBe(T - BUCKET);
    expect(firstRun.from).toBe(T - BUCKET - DAY);
    expect(firstRun.evaluated).toBe((DAY + WARMUP) / BUCKET + 1);
    expect(await storedSpikes(db, orgId)).toEqual([]);
    expect(await listSpikes(db, orgId)).toEqual([]);
  });

  it("opens a spike and a cluster when a sharp burst starts", async () => {
    await addCounts(db, orgId, T, T + 15 * MINUTE, bursts);
    const run = await live(ctx, closedBy(T + 15 * MINUTE));
    expect(run.evaluated).toBe(3);
    const [spike, ...others] = await spikesIn(db, orgId, "CA");
    expect(others).toEqual([]);
    // It may open as `possible` and escalate later (young history makes the detector cautious).
    expect(spike).toMatchObject({ topicSlug: "outage", endedAt: null });
    expect(["possible", "detected"]).toContain(spike.level);
    expect(spike.startedAt.getTime()).toBe(T);
    // Causal: flagged at the end of a burst bucket, and no later than the last bucket evaluated.
    expect(spike.detectedAt.getTime()).toBeGreaterThanOrEqual(T + BUCKET);
    expect(spike.detectedAt.getTime()).toBeLessThanOrEqual(T + 15 * MINUTE);
    expect(spike.observed).toBeGreaterThanOrEqual(15);
    expect(spike.observed).toBeGreaterThan(5 * spike.expected);
    expect(spike.score).toBeGreaterThan(0);

    const clusters = await listSpikes(db, orgId);
    expect(clusters).toEqual([
      {
        id: expect.any(Number),
        topic: "outage",
        regions: ["CA"],
        level: spike.level,
        startedAt: iso(T),
        detectedAt: spike.detectedAt.toISOString(),
        peakAt: spike.peakAt.toISOString(),
        endedAt: null,
        observed: spike.observed,
        expected: expect.any(Number),
        score: expect.any(Number),
        incidentId: null,
      },
    ]);
    expect(spike.clusterId).toBe(clusters[0].id);
    expect(run.changedClusterIds).toContain(clusters[0].id);
    const [onBoard] = await boardClusters(db, orgId, T + 15 * MINUTE);
    expect(onBoard).toMatchObject({ id: clusters[0].id, suggestedIncidentId: null });
    opened = spike;
  });

  it("updates the peak as the burst grows, keeping the same spike and cluster", async () => {
    const [before] = await listSpikes(db, orgId);
    await addCounts(db, orgId, T + 15 * MINUTE, T + 45 * MINUTE, bursts);
    const run = await live(ctx, closedBy(T + 45 * MINUTE));
    expect(run.evaluated).toBe(6);
    const [spike, ...others] = await spikesIn(db, orgId, "CA");
    expect(others).toEqual([]);
    expect(spike).toMatchObject({
      id: opened.id,
      key: opened.key,
      startedAt: opened.startedAt,
      detectedAt: opened.detectedAt,
      level: "detected",
      endedAt: null,
    });
    expect(spike.observed).toBeGreaterThan(opened.observed);
    expect(spike.peakAt.getTime()).toBeGreaterThanOrEqual(T + 15 * MINUTE);
    const [cluster, ...rest] = await listSpikes(db, orgId);
    expect(rest).toEqual([]);
    expect(cluster).toMatchObject({
      id: before.id,
      level: "detected",
      detectedAt: before.detectedAt,
      endedAt: null,
      observed: spike.observed,
      peakAt: spike.peakAt.toISOString(),
    });
  });

  it("ends the spike and its cluster once counts are back to normal", async () => {
    await addCounts(db, orgId, T + 45 * MINUTE, T + 4 * HOUR);
    await live(ctx, closedBy(T + 4 * HOUR));
    const [spike] = await spikesIn(db, orgId, "CA");
    expect(spike.endedAt).not.toBeNull();
    const endedAt = spike.endedAt!.getTime();
    // It ends where the burst ended (the end of its last elevated bucket), not when that became clear.
    expect(endedAt).toBeGreaterThanOrEqual(T + 45 * MINUTE);
    expect(endedAt).toBeLessThan(T + 2 * HOUR);
    const [cluster] = await listSpikes(db, orgId);
    expect(cluster.endedAt).toBe(iso(endedAt));
    // The board keeps an ended cluster for six hours.
    expect((await boardClusters(db, orgId, T + 4 * HOUR)).map((c) => c.id)).toEqual([cluster.id]);
    expect(await boardClusters(db, orgId, endedAt + 7 * HOUR)).toEqual([]);
  });

  // Regression: a run ending more than two hours after a cluster ended (a catch-up run, a CLI replay)
  // used to rewrite its member spikes with cluster_id null (persist() only knew the clusters still in
  // memory). The incident room's region scores join spikes to clusters by that column.
  it("keeps the ended spike linked to its cluster", async () => {
    const [spike] = await spikesIn(db, orgId, "CA");
    const [cluster] = await listSpikes(db, orgId);
    expect(spike.clusterId).toBe(cluster.id);
  });

  it("stores nothing twice when detect runs again over the same range", async () => {
    const before = { spikes: await storedSpikes(db, orgId), clusters: await storedClusters(db, orgId) };
    expect(before.spikes.length).toBeGreaterThan(0);
    // Live again at the same moment: nothing new to evaluate.
    expect((await live(ctx, closedBy(T + 4 * HOUR))).evaluated).toBe(0);
    // A replay of the whole range from a clean detector, over the stored results, upserts them in place.
    await replay(ctx, firstRun.from!, T + 4 * HOUR);
    expect(await storedSpikes(db, orgId)).toEqual(before.spikes);
    expect(await storedClusters(db, orgId)).toEqual(before.clusters);
  });

  it("gives the same result in one run as in the incremental live runs", async () => {
    const incremental = await outcome(db, orgId);
    await clearDetection(ctx, 0, null);
    expect(await storedSpikes(db, orgId)).toEqual([]);
    const run = await replay(ctx, firstRun.from!, T + 4 * HOUR);
    expect(run.evaluated).toBe(firstRun.evaluated + 3 + 6 + (4 * HOUR - 45 * MINUTE) / BUCKET);
    expect(await outcome(db, orgId)).toEqual(incremental);
  });

  it("ends a spike left open with another key instead of failing on the one-open-spike-per-cell index", async () => {
    // Regression: an open row for the cell under another key (from an earlier run that stopped midway,
    // or a replay that placed the start differently) made the insert of the new open spike violate
    // spikes_open_cell_key.
    const staleStart = T - DAY;
    await db.insert(spikes).values({
      orgId,
      key: `NV|outage|${staleStart}`,
      regionCode: "NV",
      topicSlug: "outage",
      level: "possible",
      startedAt: new Date(staleStart),
      detectedAt: new Date(staleStart + BUCKET),
      peakAt: new Date(staleStart),
      observed: 6,
      expected: 1,
      score: 1,
    });
    const at = T + 5 * HOUR;
    await addCounts(db, orgId, T + 4 * HOUR, at + 15 * MINUTE, [
      { region: "NV", topic: "outage", from: at, to: at + 15 * MINUTE, extra: 30 },
    ]);
    await live(ctx, closedBy(at + 15 * MINUTE));
    const [stale, fresh, ...others] = await spikesIn(db, orgId, "NV");
    expect(others).toEqual([]);
    expect(stale.key).toBe(`NV|outage|${staleStart}`);
    expect(fresh).toMatchObject({ endedAt: null });
    expect(fresh.startedAt.getTime()).toBeGreaterThanOrEqual(at - 15 * MINUTE);
    // The stale one ends where the new one starts.
    expect(stale.endedAt).toEqual(fresh.startedAt);
  });
});

describe("a write that breaks a rule of the database", () => {
  it("fails with a message naming the constraint, not the SQL, and stores nothing of the run", async () => {
    const { t, ctx } = await scenarioDatabase(["outage"]);
    try {
      const db = t.database.db;
      await addCounts(db, t.org.id, DAY0, T + 30 * MINUTE, [
        { region: "CA", topic: "outage", from: T, to: T + 30 * MINUTE, extra: 40 },
      ]);
      // A rule the detector's rows break (added for this test): no spike in California.
      await db.execute(sql`alter table spikes add constraint test_no_california check (region_code <> 'CA')`);
      const failure = await replay(ctx, T - 6 * HOUR, T + 30 * MINUTE).then(
        () => null,
        (error: unknown) => error as Error,
      );
      expect(failure).toBeInstanceOf(DetectionStoreError);
      expect(failure?.message).toMatch(
        /^detect could not store .*CA\|outage.*: it breaks test_no_california/,
      );
      expect(failure?.message).not.toMatch(/insert into|Failed query/i);
      expect(await storedSpikes(db, t.org.id)).toEqual([]);
      expect(await storedClusters(db, t.org.id)).toEqual([]);
    } finally {
      await t.close();
    }
  });
});

describe("causality", () => {
  let t: TestDatabase;
  let ctx: DetectionContext;
  let db: Db;
  let orgId: number;
  /** The cutoff: counts from here on arrive only after the first run. */
  const C = T + 20 * MINUTE;
  const END = T + 3 * HOUR;
  const before: Burst[] = [{ region: "CA", topic: "outage", from: T, to: END, extra: 40 }];
  // What comes later would change the picture if it leaked into earlier decisions: the burst grows
  // (starting in the very first bucket after the cutoff), spreads to a neighbour, and another topic rises.
  const after: Burst[] = [
    { region: "CA", topic: "outage", from: C, to: END, extra: 60 },
    { region: "NV", topic: "outage", from: C, to: END, extra: 50 },
    { region: "NY", topic: "billing", from: C + 30 * MINUTE, to: END, extra: 50 },
  ];
  const range = (to: number): DetectOptions => ({
    from: T - 12 * HOUR,
    to: to - BUCKET,
    reset: true,
    warmupMs: WARMUP,
    now: closedBy(to),
  });

  /** Each bucket's decisions, as figures (the cell states are internal). */
  function recorder() {
    const seen: [string, ReturnType<typeof figures>[]][] = [];
    const figures = (d: CellDecision) => ({
      cell: `${d.region}|${d.topic}`,
      level: d.level,
      observed: d.observed,
      expected: d.expected,
      score: d.score,
      pValue: d.pValue,
    });
    return {
      seen,
      onDecisions: (at: number, decisions: readonly CellDecision[]) => {
        seen.push([iso(at), decisions.map(figures)]);
      },
    };
  }

  let first: ReturnType<typeof recorder>;
  let decidedByC: Awaited<ReturnType<typeof outcome>>;

  beforeAll(async () => {
    ({ t, ctx } = await scenarioDatabase());
    db = t.database.db;
    orgId = t.org.id;
    await addCounts(db, orgId, DAY0, C, before);
    first = recorder();
    await detect(ctx, { ...range(C), onDecisions: first.onDecisions });
    decidedByC = await outcome(db, orgId);
    await addCounts(db, orgId, C, END, [...before, ...after]);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("decides the spike up to the cutoff with what was known then", () => {
    const ca = decidedByC.spikes.filter((s) => s.regionCode === "CA");
    expect(ca).toHaveLength(1);
    expect(ca[0].startedAt.getTime()).toBe(T);
    expect(ca[0].detectedAt.getTime()).toBeLessThanOrEqual(C);
    expect(decidedByC.clusters.map((c) => [c.topicSlug, c.regions])).toEqual([["outage", ["CA"]]]);
  });

  it("stores the same spikes up to the cutoff when later counts are in the database", async () => {
    await clearDetection(ctx, 0, null);
    const again = recorder();
    await detect(ctx, { ...range(C), onDecisions: again.onDecisions });
    expect(again.seen).toEqual(first.seen);
    expect(await outcome(db, orgId)).toEqual(decidedByC);
  });

  it("keeps every decision before the cutoff when the replay runs past it", async () => {
    await clearDetection(ctx, 0, null);
    const full = recorder();
    await detect(ctx, { ...range(END), onDecisions: full.onDecisions });
    expect(full.seen.length).toBeGreaterThan(first.seen.length);
    expect(full.seen.slice(0, first.seen.length)).toEqual(first.seen);

    // The spikes and clusters flagged by the cutoff are flagged at the same moment, from the same start;
    // later ones are flagged after it. (Peaks, levels and regions may grow with later counts.)
    const later = await outcome(db, orgId);
    const flaggedBy = (o: typeof later) => ({
      spikes: o.spikes.filter((s) => s.detectedAt.getTime() <= C).map((s) => [s.key, s.detectedAt.getTime()]),
      clusters: o.clusters
        .filter((c) => c.detectedAt.getTime() <= C)
        .map((c) => [c.key, c.topicSlug, c.startedAt.getTime(), c.detectedAt.getTime()]),
    });
    expect(flaggedBy(later)).toEqual(flaggedBy(decidedByC));
    const nv = later.spikes.find((s) => s.regionCode === "NV");
    expect(nv?.detectedAt.getTime()).toBeGreaterThan(C);
    const caCluster = later.clusters.find((c) => c.key === decidedByC.clusters[0].key);
    expect(caCluster?.regions).toEqual(["CA", "NV"]);
  });
});

describe("clustering and incident suggestions", () => {
  let t: TestDatabase;
  let ctx: DetectionContext;
  let db: Db;
  let orgId: number;
  let nevadaOutage: { id: number };
  const END = T + 30 * MINUTE;

  beforeAll(async () => {
    ({ t, ctx } = await scenarioDatabase());
    db = t.database.db;
    orgId = t.org.id;
    // At the same moment: an outage across California and Nevada (neighbours), the same outage in
    // New York (not a neighbour of either), and a billing burst in California. All still going on.
    // Sharp enough that every cell is `detected` in its first bucket (weaker bursts: see the next block).
    const burst = (region: string, topic: string): Burst => ({ region, topic, from: T, to: END, extra: 50 });
    await addCounts(db, orgId, DAY0, END, [
      burst("CA", "outage"),
      burst("NV", "outage"),
      burst("NY", "outage"),
      burst("CA", "billing"),
    ]);
    // Open incidents, created before the spikes: one overlaps the western outage (region and topic);
    // one is in New York but about billing, so it must not take the New York outage.
    nevadaOutage = await createIncident(
      db,
      orgId,
      { title: "Nevada outage", regions: ["NV"], topics: ["outage"] },
      SYSTEM,
    );
    await createIncident(
      db,
      orgId,
      { title: "New York billing errors", regions: ["NY"], topics: ["billing"] },
      SYSTEM,
    );
    await replay(ctx, T - 6 * HOUR, END);
  });
  afterAll(async () => {
    await t?.close();
  });

  const clusterOf = async (topic: string, region: string) => {
    const found = (await boardClusters(db, orgId, END)).filter(
      (c) => c.topic === topic && c.regions.includes(region),
    );
    expect(found).toHaveLength(1);
    return found[0];
  };

  it("merges one topic's bursts in neighbouring states into one cluster, and nothing else", async () => {
    const clusters = await listSpikes(db, orgId);
    expect(clusters.map((c) => [c.topic, c.regions, c.level, c.endedAt]).sort()).toEqual([
      ["billing", ["CA"], "detected", null],
      ["outage", ["CA", "NV"], "detected", null],
      ["outage", ["NY"], "detected", null],
    ]);
    // Each cell spike belongs to its cluster: CA and NV outage to the same one.
    const cell = Object.fromEntries(
      (await storedSpikes(db, orgId))
        .filter((s) => s.regionCode !== "*")
        .map((s) => [`${s.regionCode}|${s.topicSlug}`, s.clusterId]),
    );
    const west = await clusterOf("outage", "CA");
    expect(cell).toEqual({
      "CA|outage": west.id,
      "NV|outage": west.id,
      "NY|outage": (await clusterOf("outage", "NY")).id,
      "CA|billing": (await clusterOf("billing", "CA")).id,
    });
    expect(west).toMatchObject({ startedAt: iso(T), level: "detected" });
    const members = (await storedSpikes(db, orgId)).filter((s) => s.clusterId === west.id);
    expect(west.observed).toBeGreaterThanOrEqual(Math.max(...members.map((s) => s.observed)));
    expect(west.observed).toBeGreaterThan(west.expected);
  });

  // Regression: a regional spike passed with its rising neighbours (`fringes` in clusterable) was
  // summarised like an all-regions aggregate, so CA + NV showed CA's peak alone.
  it("adds up the members' peak figures in a cluster of neighbouring states", async () => {
    const west = await clusterOf("outage", "CA");
    const members = (await storedSpikes(db, orgId)).filter((s) => s.clusterId === west.id);
    expect(west.observed).toBe(members.reduce((sum, s) => sum + s.observed, 0));
  });

  it("suggests the open incident whose regions and topic overlap, and leaves the rest as new", async () => {
    expect((await clusterOf("outage", "NV")).suggestedIncidentId).toBe(nevadaOutage.id);
    expect((await clusterOf("outage", "NY")).suggestedIncidentId).toBeNull();
    expect((await clusterOf("billing", "CA")).suggestedIncidentId).toBeNull();
  });

  it("follows incidents as they open and resolve", async () => {
    // An incident naming no topic overlaps every topic in its regions.
    const newYork = await createIncident(
      db,
      orgId,
      { title: "Trouble in New York", regions: ["NY"] },
      SYSTEM,
    );
    await changeState(db, orgId, nevadaOutage.id, { state: "resolved" }, SYSTEM);
    await suggestIncidents(ctx);
    expect((await clusterOf("outage", "NY")).suggestedIncidentId).toBe(newYork.id);
    expect((await clusterOf("outage", "CA")).suggestedIncidentId).toBeNull();
    expect((await clusterOf("billing", "CA")).suggestedIncidentId).toBeNull();
  });

  describe("GET /api/v1/spikes", () => {
    let server: RunningServer;
    let token: string;
    beforeAll(async () => {
      // No background workers: their live detection would run on to the real clock, weeks past these counts.
      server = await startTestServer(t, {}, { workers: false });
      token = (await createApiToken(db, orgId, { name: "detection tests" }, SYSTEM)).token;
    });
    afterAll(async () => {
      await server?.close();
    });

    const get = (query: string, auth: string | null = token) =>
      fetch(`${server.url}/api/v1/spikes${query}`, {
        headers: auth === null ? {} : { Authorization: `Bearer ${auth}` },
      });

    it("refuses a missing or wrong token with 401 JSON", async () => {
      const missing = await get("", null);
      expect(missing.status).toBe(401);
      expect((await missing.json()).error).toMatch(/token/i);
      expect((await get("", "clr_wrong")).status).toBe(401);
    });

    it("answers a bad range with 400 and a message", async () => {
      const res = await get("?from=yesterday");
      expect(res.status).toBe(400);
      expect((await res.json()).error).toMatch(/^from must be an ISO date-time/);
      expect((await get("?to=2026-13-45")).status).toBe(400);
    });

    it("lists the stored clusters per the contract, filtered by detection time", async () => {
      const res = await get("");
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body).toEqual({ spikes: JSON.parse(JSON.stringify(await listSpikes(db, orgId))) });
      expect(body.spikes).toHaveLength(3);
      for (const s of body.spikes) {
        expect(Object.keys(s).sort()).toEqual(
          [
            "id",
            "topic",
            "regions",
            "level",
            "startedAt",
            "detectedAt",
            "peakAt",
            "endedAt",
            "observed",
            "expected",
            "score",
            "incidentId",
          ].sort(),
        );
        expect(Date.parse(s.detectedAt)).toBeGreaterThanOrEqual(Date.parse(s.startedAt));
      }
      const detected = Math.min(...body.spikes.map((s: { detectedAt: string }) => Date.parse(s.detectedAt)));
      expect((await (await get(`?from=${iso(detected)}`)).json()).spikes).toHaveLength(3);
      expect((await (await get(`?to=${iso(detected - 1)}`)).json()).spikes).toEqual([]);
    });
  });
});

describe("two separate events of one topic at once, with weaker bursts", () => {
  // Regression: with cells still `possible` when the topic's all-regions spike fires, that spike's area
  // (CA, NV and NY) tied the western outage and the New York one into one cluster. The aggregate now
  // covers only the largest connected part of its area.
  it("keeps them as two clusters", async () => {
    const { t, ctx } = await scenarioDatabase();
    try {
      const END = T + 30 * MINUTE;
      const burst = (region: string): Burst => ({ region, topic: "outage", from: T, to: END, extra: 25 });
      await addCounts(t.database.db, t.org.id, DAY0, END, [burst("CA"), burst("NV"), burst("NY")]);
      await replay(ctx, T - 6 * HOUR, END);
      const clusters = await listSpikes(t.database.db, t.org.id);
      const regions = clusters.map((c) => c.regions.join(",")).sort();
      expect(regions).toEqual(["CA,NV", "NY"]);
    } finally {
      await t.close();
    }
  });
});

describe("an event whose first state quietens hours before the rest", () => {
  // Regression: a member spike that ended was dropped from clustering two hours after its own end even
  // while its cluster was still open (an open cluster's endedAt is null, which read as "no cluster"), so
  // the stored cluster shrank to its later members: later detectedAt, smaller area.
  it("keeps the early member in the cluster to the end", async () => {
    const { t, ctx } = await scenarioDatabase(["outage"]);
    try {
      const END = T + 6 * HOUR;
      await addCounts(t.database.db, t.org.id, DAY0, END, [
        { region: "CA", topic: "outage", from: T, to: T + 30 * MINUTE, extra: 50 },
        { region: "NV", topic: "outage", from: T + 15 * MINUTE, to: T + 5 * HOUR, extra: 50 },
      ]);
      await replay(ctx, T - 6 * HOUR, END);
      const clusters = (await listSpikes(t.database.db, t.org.id)).filter((c) => c.level === "detected");
      expect(clusters.map((c) => c.regions)).toEqual([["CA", "NV"]]);
      expect(clusters[0]).toMatchObject({ startedAt: iso(T), detectedAt: iso(T + BUCKET) });
    } finally {
      await t.close();
    }
  });
});

describe("CLI detect, spikes and score-series", () => {
  let target: Awaited<ReturnType<typeof cliTarget>>;
  let dir: string;
  const END = T + 3 * HOUR;

  beforeAll(async () => {
    target = await cliTarget();
    dir = mkdtempSync(join(tmpdir(), "clarion-detect-"));
    // The first command creates the schema and the baseline; the counts then go straight in.
    const empty = await cli(["spikes", "--json"], target.env);
    expect(empty).toMatchObject({ code: 0, stdout: '{"spikes":[]}\n' });
    const database = await openDatabase(
      target.env.DATABASE_URL
        ? { url: target.env.DATABASE_URL, max: 2 }
        : { dataDir: target.env.CLARION_DATA_DIR },
    );
    try {
      const org = await requirePrimaryOrganisation(database.db);
      await keepTopics(database.db, org.id, ["outage"]);
      // Half a day of history (the CLI replays from the first count), then half an hour of outage.
      await addCounts(database.db, org.id, T - 12 * HOUR, END, [
        { region: "CA", topic: "outage", from: T, to: T + 30 * MINUTE, extra: 50 },
      ]);
    } finally {
      await database.close();
    }
  });
  afterAll(async () => {
    await target?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const range = ["--from", iso(T - 6 * HOUR), "--to", iso(END)];
  let detected: { spikes: Record<string, unknown>[] };

  it("detect --json replays the range and prints the stored spikes per the contract", async () => {
    const res = await cli(["detect", ...range, "--json"], target.env);
    expect(res.code).toBe(0);
    detected = JSON.parse(res.stdout);
    expect(detected).toEqual({
      spikes: [
        {
          id: expect.any(Number),
          topic: "outage",
          regions: ["CA"],
          level: "detected",
          startedAt: iso(T),
          detectedAt: expect.any(String),
          peakAt: expect.any(String),
          endedAt: expect.any(String),
          observed: expect.any(Number),
          expected: expect.any(Number),
          score: expect.any(Number),
          incidentId: null,
        },
      ],
    });
    const [spike] = detected.spikes as {
      detectedAt: string;
      endedAt: string;
      observed: number;
      expected: number;
    }[];
    expect(Date.parse(spike.detectedAt)).toBeGreaterThanOrEqual(T + BUCKET);
    expect(Date.parse(spike.detectedAt)).toBeLessThanOrEqual(T + 30 * MINUTE);
    expect(Date.parse(spike.endedAt)).toBeGreaterThanOrEqual(T + 30 * MINUTE);
    expect(Date.parse(spike.endedAt)).toBeLessThan(T + 2 * HOUR);
    expect(spike.observed).toBeGreaterThan(5 * spike.expected);
  });

  it("detect again replaces the range's spikes rather than adding to them; spikes lists them", async () => {
    const again = await cli(["detect", ...range, "--json"], target.env);
    expect(again.code).toBe(0);
    const replayed = JSON.parse(again.stdout);
    const withoutId = (list: Record<string, unknown>[]) => list.map(({ id, ...rest }) => rest);
    expect(withoutId(replayed.spikes)).toEqual(withoutId(detected.spikes));
    const listed = await cli(["spikes", "--json"], target.env);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual(replayed);
    // --from/--to select by detection time.
    const after = await cli(["spikes", "--from", iso(T + HOUR), "--json"], target.env);
    expect(JSON.parse(after.stdout)).toEqual({ spikes: [] });
  });

  it("detect without --from replays all stored history, however far back it was imported", async () => {
    // Regression: without --from only the day before now was evaluated, so history imported from the
    // past (these counts are weeks old) gave {"spikes":[]}.
    // The range ends two quiet days after the outage: "the day before the end" would miss it.
    const res = await cli(["detect", "--to", iso(END + 2 * DAY), "--json"], target.env);
    expect(res.code).toBe(0);
    const withoutId = (list: Record<string, unknown>[]) => list.map(({ id, ...rest }) => rest);
    expect(withoutId(JSON.parse(res.stdout).spikes)).toEqual(withoutId(detected.spikes));
  });

  it("answers bad options with a usage error and exit code 2", async () => {
    const notADate = await cli(["detect", "--from", "yesterday", "--json"], target.env);
    expect(notADate.code).toBe(2);
    expect(notADate.stderr).toMatch(/--from must be an ISO date-time/);
    expect(notADate.stderr).toMatch(/Usage: npm run cli -- detect \[--from ISO\] \[--to ISO\]/);
    const backwards = await cli(["detect", "--from", iso(T), "--to", iso(T - HOUR)], target.env);
    expect(backwards).toMatchObject({ code: 2, stdout: "" });
    expect(backwards.stderr).toMatch(/--to must be after --from/);
    const unknown = await cli(["spikes", "--since", iso(T)], target.env);
    expect(unknown.code).toBe(2);
    expect((await cli(["spikes", "--to", "soon"], target.env)).code).toBe(2);
    // Nothing was replaced by the refused commands.
    const listed = await cli(["spikes", "--json"], target.env);
    expect(JSON.parse(listed.stdout).spikes).toHaveLength(1);
  });

  it("score-series writes one 0/1 score per input row, flagging the burst once", async () => {
    // Two days of a NAB-style series (no zone: UTC) around 10 a bucket, then six buckets of 80.
    const start = Date.parse("2026-10-05T00:00:00Z");
    const burstAt = 2 * 288;
    const rows = Array.from({ length: burstAt + 48 }, (_, i) => {
      const value = i >= burstAt && i < burstAt + 6 ? 80 : poisson(rng(hashKey(i, 7)), 10);
      return [
        iso(start + i * BUCKET)
          .replace("T", " ")
          .slice(0, 19),
        value,
      ] as const;
    });
    const input = join(dir, "series.csv");
    const output = join(dir, "scores.csv");
    writeFileSync(input, ["timestamp,value", ...rows.map((r) => r.join(","))].join("\n"));
    const res = await cli(["score-series", input, output, "--json"], target.env);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual({ rows: rows.length, flagged: 1, out: output });
    const [header, ...lines] = readFileSync(output, "utf8").trim().split("\n");
    expect(header).toBe("timestamp,anomaly_score");
    expect(lines.map((l) => l.split(",")[0])).toEqual(rows.map((r) => r[0]));
    const scores = lines.map((l) => l.split(",")[1]);
    expect(new Set(scores)).toEqual(new Set(["0", "1"]));
    const flagged = scores.indexOf("1");
    expect(flagged).toBeGreaterThanOrEqual(burstAt);
    expect(flagged).toBeLessThan(burstAt + 6);
  });

  it("score-series refuses missing arguments, files and columns with exit code 2", async () => {
    expect((await cli(["score-series", join(dir, "only-one.csv")], target.env)).code).toBe(2);
    const missing = await cli(["score-series", join(dir, "nope.csv"), join(dir, "out.csv")], target.env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no such file/);
    const bad = join(dir, "bad.csv");
    writeFileSync(bad, "time,count\n2026-10-05 00:00:00,3\n");
    const columns = await cli(["score-series", bad, join(dir, "out.csv")], target.env);
    expect(columns.code).toBe(2);
    expect(columns.stderr).toMatch(/timestamp and value/);
  });
});

describe("simulated traffic through intake", () => {
  let t: TestDatabase;
  let ctx: DetectionContext;
  // The simulator's sharp western power outage (CA, NV, OR, AZ) on a Tuesday evening, Pacific time,
  // over a day and a half of background in six states; the detector sees it through intake's counts.
  const at = DAY0 + 2 * DAY + HOUR;
  const end = at + HOUR;

  beforeAll(async () => {
    ({ t, ctx } = await scenarioDatabase());
  });
  afterAll(async () => {
    await t?.close();
  });

  it("detects the scripted outage as one cluster of the western states, soon after it starts", async () => {
    const records = [
      ...simulate({
        from: DAY0 + DAY,
        to: end,
        seed: 1,
        regions: US_SIM_REGIONS.filter((r) => BUSY.includes(r.code)),
        baseRatePerDay: 800,
        topics: TOPICS,
        incidents: [westernPowerOutage(at)],
        labels: false,
      }),
    ];
    const summary = await ingest(
      await intakeContext(ctx),
      records.map((value, index) => ({ index, value })),
    );
    expect(summary).toMatchObject({ accepted: records.length, rejected: 0 });

    await replay(ctx, at - 6 * HOUR, end);
    const detectedClusters = (await listSpikes(ctx.db, ctx.orgId)).filter((c) => c.level === "detected");
    expect(detectedClusters.map((c) => [c.topic, c.regions])).toEqual([["outage", ["AZ", "CA", "NV", "OR"]]]);
    const [outage] = detectedClusters;
    expect(Date.parse(outage.detectedAt)).toBeGreaterThan(at);
    expect(Date.parse(outage.detectedAt)).toBeLessThanOrEqual(at + 20 * MINUTE);
    expect(outage.endedAt).toBeNull();
  });
});
