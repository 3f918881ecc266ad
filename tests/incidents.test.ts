import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { intakeContext } from "~/services/enrichment.server";
import {
  addNote,
  assignRole,
  changeSeverity,
  changeState,
  createIncident,
  dismissCluster,
  linkCluster,
  listIncidents,
  setRegions,
  stampIncidentComplaints,
  unlinkCluster,
} from "~/services/incidents.server";
import { ingest } from "~/services/intake.server";
import { sendReplies } from "~/services/replies.server";
import { loadRoom, parseStreamFilter } from "~/services/room.server";
import { ConflictError, NotFoundError, ValidationError } from "~/utils/errors";
import {
  auditEntries,
  complaintCounts,
  complaints,
  deliveries,
  incidentCoverage,
  incidentEvents,
  incidents,
  replies,
  spikeClusters,
} from "~db/schema";
import { freshDatabase, type TestDatabase } from "./support/db";
import { createUser } from "./support/server";

let t: TestDatabase;
let commander: { id: number };
let actor: { kind: "user"; userId: number };
const NOW = Date.parse("2026-11-02T15:00:00Z");

async function cluster(regions: string[], topic = "outage", startedAt = NOW - 3600_000) {
  const [row] = await t.database.db
    .insert(spikeClusters)
    .values({
      orgId: t.org.id,
      key: `test:${regions.join()}|${topic}|${startedAt}|${Math.random()}`,
      topicSlug: topic,
      regions,
      level: "detected",
      startedAt: new Date(startedAt),
      detectedAt: new Date(startedAt + 5 * 60_000),
      peakAt: new Date(startedAt + 20 * 60_000),
      observed: 40,
      expected: 2,
      score: 12,
    })
    .returning();
  return row;
}

beforeAll(async () => {
  t = await freshDatabase();
  commander = await createUser(t, "commander", "cmd@test.example");
  actor = { kind: "user", userId: commander.id };
  const ctx = await intakeContext({ db: t.database.db, orgId: t.org.id });
  const at = (m: number) => new Date(NOW - m * 60_000).toISOString();
  await ingest(ctx, [
    ...Array.from({ length: 12 }, (_, i) => ({
      index: i,
      value: {
        source: "x",
        externalId: `ca${i}`,
        text: `power out in Fresno, CA since ${i + 1} hours`,
        createdAt: at(50 - i),
        author: { handle: `@ca${i}`, followers: i * 100 },
        lat: 36.74,
        lon: -119.78,
      },
    })),
    ...Array.from({ length: 5 }, (_, i) => ({
      index: 100 + i,
      value: {
        source: "facebook",
        externalId: `nv${i}`,
        text: `no power at all in Reno, NV (house ${i})`,
        createdAt: at(40 - i),
        author: { name: `NV ${i}` },
      },
    })),
    {
      index: 200,
      value: { source: "x", externalId: "ny1", text: "charged twice again, New York, NY", createdAt: at(30) },
    },
  ]);
});
afterAll(async () => {
  await t?.close();
});

describe("incident lifecycle", () => {
  let incidentId: number;
  it("opens an incident from a spike cluster, taking its regions, topic and start", async () => {
    const c = await cluster(["CA", "NV"]);
    const incident = await createIncident(
      t.database.db,
      t.org.id,
      { title: "Western outage", severity: "SEV2", fromClusterId: c.id },
      actor,
    );
    incidentId = incident.id;
    expect(incident).toMatchObject({
      state: "investigating",
      severity: "SEV2",
      regions: ["CA", "NV"],
      topics: ["outage"],
      commanderUserId: commander.id,
    });
    expect(incident.startedAt.getTime()).toBe(c.startedAt.getTime());
    const [linked] = await t.database.db.select().from(spikeClusters).where(eq(spikeClusters.id, c.id));
    expect(linked.incidentId).toBe(incident.id);
    const stamped = await t.database.db
      .select()
      .from(complaints)
      .where(eq(complaints.incidentId, incident.id));
    expect(stamped).toHaveLength(17);
    const coverage = await t.database.db
      .select()
      .from(incidentCoverage)
      .where(eq(incidentCoverage.incidentId, incident.id));
    expect(Object.fromEntries(coverage.map((c) => [c.regionCode, c.complaints]))).toEqual({ CA: 12, NV: 5 });
    await expect(
      createIncident(t.database.db, t.org.id, { title: "Again", fromClusterId: c.id }, actor),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it("moves through states, stamping identified/monitoring/resolved, and reopens", async () => {
    await changeState(
      t.database.db,
      t.org.id,
      incidentId,
      { state: "identified", note: "Substation fault" },
      actor,
    );
    await changeState(t.database.db, t.org.id, incidentId, { state: "monitoring" }, actor);
    await changeState(t.database.db, t.org.id, incidentId, { state: "resolved" }, actor);
    let [row] = await t.database.db.select().from(incidents).where(eq(incidents.id, incidentId));
    expect(row.identifiedAt).not.toBeNull();
    expect(row.monitoringAt).not.toBeNull();
    expect(row.resolvedAt).not.toBeNull();
    await expect(
      changeState(t.database.db, t.org.id, incidentId, { state: "resolved" }, actor),
    ).rejects.toBeInstanceOf(ConflictError);
    await changeState(t.database.db, t.org.id, incidentId, { state: "investigating" }, actor);
    [row] = await t.database.db.select().from(incidents).where(eq(incidents.id, incidentId));
    expect(row.state).toBe("investigating");
    expect(row.resolvedAt).toBeNull();
    await expect(
      changeState(t.database.db, t.org.id, incidentId, { state: "exploded" }, actor),
    ).rejects.toBeInstanceOf(ValidationError);
  });

  it("records every change in the timeline and the audit log", async () => {
    const support = await createUser(t, "support", "sup@test.example");
    await changeSeverity(t.database.db, t.org.id, incidentId, { severity: "SEV1" }, actor);
    await assignRole(
      t.database.db,
      t.org.id,
      incidentId,
      { role: "support_lead", userId: support.id },
      actor,
    );
    await addNote(t.database.db, t.org.id, incidentId, { note: "Crews rolling" }, actor);
    const events = await t.database.db
      .select({ kind: incidentEvents.kind, message: incidentEvents.message })
      .from(incidentEvents)
      .where(eq(incidentEvents.incidentId, incidentId))
      .orderBy(incidentEvents.id);
    expect(events.map((e) => e.kind)).toEqual([
      "created",
      "spike_linked",
      "state_changed",
      "state_changed",
      "state_changed",
      "state_changed",
      "severity_changed",
      "assigned",
      "note",
    ]);
    expect(events[2].message).toBe("Moved to identified: Substation fault");
    expect(events[5].message).toBe("Reopened");
    const audits = await t.database.db
      .select({ action: auditEntries.action })
      .from(auditEntries)
      .where(and(eq(auditEntries.targetType, "incident"), eq(auditEntries.targetId, String(incidentId))));
    expect(audits).toHaveLength(events.length);
  });

  it("links and unlinks spikes, growing the affected area, and dismisses suggestions with a reason", async () => {
    const or = await cluster(["OR"]);
    await linkCluster(t.database.db, t.org.id, incidentId, or.id, actor);
    let [row] = await t.database.db.select().from(incidents).where(eq(incidents.id, incidentId));
    expect(row.regions).toEqual(["CA", "NV", "OR"]);
    await unlinkCluster(t.database.db, t.org.id, incidentId, or.id, actor);
    await expect(unlinkCluster(t.database.db, t.org.id, incidentId, or.id, actor)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    const az = await cluster(["AZ"]);
    await dismissCluster(t.database.db, t.org.id, az.id, { reason: "Heat wave chatter", incidentId }, actor);
    const [dismissed] = await t.database.db.select().from(spikeClusters).where(eq(spikeClusters.id, az.id));
    expect(dismissed.dismissReason).toBe("Heat wave chatter");
    await expect(
      dismissCluster(t.database.db, t.org.id, az.id, { reason: "" }, actor),
    ).rejects.toBeInstanceOf(ValidationError);
    await setRegions(t.database.db, t.org.id, incidentId, { regions: ["CA", "NV", "AZ"] }, actor);
    [row] = await t.database.db.select().from(incidents).where(eq(incidents.id, incidentId));
    expect(row.regions).toEqual(["AZ", "CA", "NV"]);
    await expect(
      setRegions(t.database.db, t.org.id, incidentId, { regions: ["ZZ"] }, actor),
    ).rejects.toBeInstanceOf(ValidationError);
  });

  it("keeps several incidents open at once, each with its own timeline", async () => {
    const second = await createIncident(
      t.database.db,
      t.org.id,
      { title: "Double billing", severity: "SEV3", regions: ["NY"], topics: ["billing"] },
      actor,
    );
    const open = await listIncidents(t.database.db, t.org.id, { open: true });
    expect(open.map((i) => i.id).sort()).toEqual([incidentId, second.id].sort());
    const [{ n }] = await t.database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(incidentEvents)
      .where(eq(incidentEvents.incidentId, second.id));
    expect(n).toBe(1);
    // The New York complaint came long before this incident began, so it is not pulled in.
    expect(await stampIncidentComplaints(t.database.db, t.org.id, second.id)).toBe(0);
  });

  it("refuses another organisation's incident or an unknown id", async () => {
    await expect(
      changeState(t.database.db, t.org.id + 99, incidentId, { state: "monitoring" }, actor),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(addNote(t.database.db, t.org.id, 999_999, { note: "x" }, actor)).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it("replies to one person and to everyone in a cluster, queuing deliveries and counting coverage", async () => {
    const [first] = await t.database.db.select().from(complaints).where(eq(complaints.externalId, "ca11"));
    const one = await sendReplies(
      t.database.db,
      t.org.id,
      incidentId,
      { body: "Crews are on it, sorry!", complaintIds: [first.id] },
      actor,
    );
    expect(one).toMatchObject({ replied: 1, alreadyAnswered: 0 });
    const [c] = await t.database.db
      .select()
      .from(spikeClusters)
      .where(eq(spikeClusters.incidentId, incidentId));
    const all = await sendReplies(
      t.database.db,
      t.org.id,
      incidentId,
      { body: "We know, crews are working on it.", clusterId: c.id },
      actor,
    );
    expect(all.replied).toBe(16);
    expect(all.batchId).not.toBeNull();
    const again = await sendReplies(
      t.database.db,
      t.org.id,
      incidentId,
      { body: "Again", clusterId: c.id },
      actor,
    );
    expect(again.replied).toBe(0);
    const queued = await t.database.db.select().from(deliveries).where(eq(deliveries.orgId, t.org.id));
    expect(queued).toHaveLength(17);
    expect(queued.every((d) => d.state === "pending" && d.replyId !== null)).toBe(true);
    const vias = await t.database.db.select({ via: replies.via }).from(replies);
    expect(new Set(vias.map((v) => v.via))).toEqual(new Set(["x", "facebook"]));
    const coverage = await t.database.db
      .select()
      .from(incidentCoverage)
      .where(eq(incidentCoverage.incidentId, incidentId));
    expect(Object.fromEntries(coverage.map((r) => [r.regionCode, r.answered]))).toEqual({ CA: 12, NV: 5 });
    await expect(
      sendReplies(t.database.db, t.org.id, incidentId, { body: "", complaintIds: [first.id] }, actor),
    ).rejects.toBeInstanceOf(ValidationError);
    const [ny] = await t.database.db.select().from(complaints).where(eq(complaints.externalId, "ny1"));
    await expect(
      sendReplies(t.database.db, t.org.id, incidentId, { body: "hi there", complaintIds: [ny.id] }, actor),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it("loads the room: header, map, chart, spikes, stream with filters and keyset pages, queue, coverage, timeline", async () => {
    const room = await loadRoom(
      t.database.db,
      t.org.id,
      incidentId,
      parseStreamFilter(new URLSearchParams()),
      NOW,
    );
    expect(room.incident).toMatchObject({ id: incidentId, severity: "SEV1", state: "investigating" });
    expect(room.map.regions.features.map((f) => f.properties.code)).toEqual(
      expect.arrayContaining(["CA", "NV", "AZ", "OR", "UT"]),
    );
    expect(room.map.points.length).toBe(12);
    expect(room.chart.series.length).toBeGreaterThan(30);
    const total = room.chart.series.reduce((s, p) => s + (Number(p.outage) || 0), 0);
    expect(total).toBe(17);
    expect(room.linked).toHaveLength(1);
    expect(room.stream.rows).toHaveLength(17);
    expect(room.queue).toHaveLength(0);
    expect(room.timeline[0].kind).toBe("reply_sent");
    const nv = await loadRoom(
      t.database.db,
      t.org.id,
      incidentId,
      parseStreamFilter(new URLSearchParams("region=NV&sentiment=bogus")),
      NOW,
    );
    expect(nv.stream.rows.map((r) => r.region)).toEqual(["NV", "NV", "NV", "NV", "NV"]);
    const searched = await loadRoom(
      t.database.db,
      t.org.id,
      incidentId,
      parseStreamFilter(new URLSearchParams("q=reno")),
      NOW,
    );
    expect(searched.stream.rows).toHaveLength(5);
    const tricky = await loadRoom(
      t.database.db,
      t.org.id,
      incidentId,
      parseStreamFilter(new URLSearchParams("q=100%_")),
      NOW,
    );
    expect(tricky.stream.rows).toHaveLength(0);
  });
});

describe("linked spikes that spread", () => {
  it("grow the incident's affected area, on the timeline", async () => {
    const c = await cluster(["CA"], "outage", NOW - 600_000);
    const incident = await createIncident(
      t.database.db,
      t.org.id,
      { title: "Spreading", fromClusterId: c.id },
      actor,
    );
    await t.database.db
      .update(spikeClusters)
      .set({ regions: ["CA", "NV", "OR"] })
      .where(eq(spikeClusters.id, c.id));
    const { followLinkedClusters } = await import("~/services/incidents.server");
    expect(await followLinkedClusters(t.database.db, t.org.id, [c.id])).toEqual([incident.id]);
    const [row] = await t.database.db.select().from(incidents).where(eq(incidents.id, incident.id));
    expect(row.regions).toEqual(["CA", "NV", "OR"]);
    const events = await t.database.db
      .select()
      .from(incidentEvents)
      .where(eq(incidentEvents.incidentId, incident.id));
    expect(events.map((e) => e.message)).toContain(`Spike #${c.id} spread to NV, OR`);
    expect(await followLinkedClusters(t.database.db, t.org.id, [c.id])).toEqual([]);
  });
});

describe("the room's volume chart", () => {
  const MIN = 60_000;
  const WEEK = 7 * 86_400_000;
  // Counts straight into the table the chart reads, in a region no other test uses.
  async function counts(rows: [at: number, topic: string, n: number][]) {
    await t.database.db.insert(complaintCounts).values(
      rows.map(([at, topic, n]) => ({
        orgId: t.org.id,
        regionCode: "WY",
        topicSlug: topic,
        bucketStart: new Date(at),
        count: n,
        rawCount: n,
      })),
    );
  }
  async function roomFor(startedAt: number, now: number) {
    const incident = await createIncident(
      t.database.db,
      t.org.id,
      { title: "Wyoming", severity: "SEV3", regions: ["WY"], topics: ["outage"] },
      actor,
    );
    await t.database.db
      .update(incidents)
      .set({ startedAt: new Date(startedAt) })
      .where(eq(incidents.id, incident.id));
    return loadRoom(t.database.db, t.org.id, incident.id, parseStreamFilter(new URLSearchParams()), now);
  }

  it("plots each topic in the incident's window and the same window of the four weeks before as a band", async () => {
    const now = Date.parse("2026-09-10T12:00:00Z");
    const at = now - 60 * MIN; // a bucket an hour ago
    await counts([
      [at, "outage", 9],
      [at, "billing", 2],
      [at - 5 * MIN, "outage", 1],
      [at - WEEK, "outage", 3],
      [at - WEEK, "billing", 1], // the band is the total of all topics
      [at - 2 * WEEK, "outage", 6],
      [at - 3 * WEEK, "support", 2],
      [at - 4 * WEEK, "outage", 5],
      [at - 5 * WEEK, "outage", 100], // beyond the four weeks: not in the band
    ]);
    const room = await roomFor(now - 2 * 3600_000, now);
    expect(room.chart.step).toBe(5 * MIN);
    const point = room.chart.series.find((p) => p.t === at);
    expect(point).toMatchObject({ outage: 9, billing: 2 });
    expect(room.chart.series.find((p) => p.t === at - 5 * MIN)).toMatchObject({ outage: 1 });
    expect(room.chart.baseline.find((b) => b.t === at)).toEqual({ t: at, low: 2, high: 6 });
    // Chart from three hours before the start to now, a point per bucket.
    expect(room.chart.series[0].t).toBe(now - 5 * 3600_000);
    expect(room.chart.series.at(-1)?.t).toBe(now);
  });

  it("keeps the earlier weeks' band and reads only its newest bins again as time moves on", async () => {
    const now = Date.parse("2026-07-10T12:00:00Z");
    const incident = await createIncident(
      t.database.db,
      t.org.id,
      { title: "Wyoming again", severity: "SEV3", regions: ["WY"], topics: ["outage"] },
      actor,
    );
    await t.database.db
      .update(incidents)
      .set({ startedAt: new Date(now - 2 * 3600_000) })
      .where(eq(incidents.id, incident.id));
    const load = (at: number) =>
      loadRoom(t.database.db, t.org.id, incident.id, parseStreamFilter(new URLSearchParams()), at);
    const old = now - 3 * 3600_000;
    await counts([[old - WEEK, "outage", 4]]);
    const first = await load(now);
    expect(first.chart.baseline.find((b) => b.t === old)?.high).toBe(4);
    // An hour later: last week's counts past the previous load are read; older bins come from memory.
    const later = now + 60 * MIN;
    await counts([
      [now + 30 * MIN - WEEK, "outage", 5],
      [now - 20 * MIN - WEEK, "outage", 2], // within the last hour before the previous load: re-read
      [old + 5 * MIN - WEEK, "outage", 9], // history the band already holds: not re-read
    ]);
    const second = await load(later);
    const band = (at: number) => second.chart.baseline.find((b) => b.t === at)?.high;
    expect(band(old)).toBe(4);
    expect(band(now + 30 * MIN)).toBe(5);
    expect(band(now - 20 * MIN)).toBe(2);
    expect(band(old + 5 * MIN)).toBe(0);
  });

  it("steps by 15 minutes once the chart spans more than 12 hours, summing its buckets", async () => {
    const now = Date.parse("2026-08-10T12:00:00Z");
    const bin = now - 6 * 3600_000; // a 15-minute boundary
    await counts([
      [bin, "outage", 4],
      [bin + 5 * MIN, "outage", 5],
      [bin + 10 * MIN, "outage", 6],
      [bin + 15 * MIN, "outage", 1], // the next bin
      [bin + 10 * MIN - WEEK, "outage", 7],
    ]);
    const room = await roomFor(now - 20 * 3600_000, now);
    expect(room.chart.step).toBe(15 * MIN);
    expect(room.chart.series.find((p) => p.t === bin)).toMatchObject({ outage: 15 });
    expect(room.chart.series.find((p) => p.t === bin + 15 * MIN)).toMatchObject({ outage: 1 });
    expect(room.chart.baseline.find((b) => b.t === bin)).toEqual({ t: bin, low: 0, high: 7 });
    expect(room.chart.series.every((p) => p.t % (15 * MIN) === 0)).toBe(true);
  });
});
