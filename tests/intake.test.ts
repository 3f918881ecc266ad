import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { intakeContext } from "~/services/enrichment.server";
import { createEnrichmentPool } from "~/services/enrichment-pool.server";
import { type IntakeContext, type IntakeItem, ingest } from "~/services/intake.server";
import { configureLog } from "~/utils/log.server";
import { complaintCounts, complaints } from "~db/schema";
import { freshDatabase, type TestDatabase } from "./support/db";

let t: TestDatabase;
let ctx: IntakeContext;
beforeAll(async () => {
  t = await freshDatabase();
  ctx = await intakeContext({ db: t.database.db, orgId: t.org.id });
});
afterAll(async () => {
  await t?.close();
});

const lines = (values: unknown[]): IntakeItem[] => values.map((value, i) => ({ line: i + 1, value }));

async function totals(where = sql`true`) {
  const [stored] = await t.database.db
    .select({ n: sql<number>`count(*)::int`, counted: sql<number>`count(*) filter (where counted)::int` })
    .from(complaints)
    .where(and(eq(complaints.orgId, t.org.id), where));
  const [counts] = await t.database.db
    .select({
      raw: sql<number>`coalesce(sum(raw_count), 0)::int`,
      count: sql<number>`coalesce(sum(count), 0)::int`,
    })
    .from(complaintCounts)
    .where(eq(complaintCounts.orgId, t.org.id));
  return { stored: stored.n, counted: stored.counted, raw: counts.raw, count: counts.count };
}

describe("intake", () => {
  it("stores valid records with their region and topic, and counts them", async () => {
    const summary = await ingest(
      ctx,
      lines([
        {
          source: "x",
          externalId: "1",
          text: "Power out on Elm St since 6am, any ETA?",
          createdAt: "2026-11-02T14:05:00Z",
          lat: 36.74,
          lon: -119.78,
        },
        {
          source: "zendesk",
          externalId: "T-9",
          text: "I was charged twice this month",
          createdAt: "2026-11-02T14:06:00Z",
          postalCode: "89501",
        },
        {
          source: "form",
          text: "internet keeps dropping",
          createdAt: "2026-11-02T14:07:00Z",
          location: "Portland, ME",
        },
        { source: "form", text: "something is wrong", createdAt: "2026-11-02T14:08:00Z" },
      ]),
    );
    expect(summary).toEqual({ accepted: 4, duplicates: 0, rejected: 0, errors: [] });
    const rows = await t.database.db
      .select()
      .from(complaints)
      .where(eq(complaints.orgId, t.org.id))
      .orderBy(complaints.createdAt);
    expect(rows.map((r) => [r.regionCode, r.regionMethod])).toEqual([
      ["CA", "geo"],
      ["NV", "postal"],
      ["ME", "place"],
      [null, "none"],
    ]);
    expect(rows[0].topicSlug).toBe("outage");
    expect(rows[1].topicSlug).toBe("billing");
    expect(rows[0].raw).toMatchObject({ source: "x", externalId: "1", lat: 36.74 });
    const total = await totals();
    expect(total).toEqual({ stored: 4, counted: 4, raw: 4, count: 4 });
    const [unknown] = await t.database.db
      .select()
      .from(complaintCounts)
      .where(and(eq(complaintCounts.orgId, t.org.id), eq(complaintCounts.regionCode, "unknown")));
    expect(unknown.count).toBe(1);
    expect(unknown.bucketStart.toISOString()).toBe("2026-11-02T14:05:00.000Z");
  });

  it("stores nothing twice: a re-import and in-batch repeats are duplicates", async () => {
    const before = await totals();
    const again = await ingest(
      ctx,
      lines([
        {
          source: "x",
          externalId: "1",
          text: "Power out on Elm St since 6am, any ETA?",
          createdAt: "2026-11-02T14:05:00Z",
        },
        {
          source: "zendesk",
          externalId: "T-9",
          text: "I was charged twice this month",
          createdAt: "2026-11-02T14:06:00Z",
        },
        { source: "x", externalId: "2", text: "no power here either", createdAt: "2026-11-02T14:09:00Z" },
        { source: "x", externalId: "2", text: "no power here either", createdAt: "2026-11-02T14:09:00Z" },
      ]),
    );
    expect(again).toMatchObject({ accepted: 1, duplicates: 3, rejected: 0 });
    const after = await totals();
    expect(after.stored).toBe(before.stored + 1);
    expect(after.raw).toBe(after.stored);
  });

  it("reports each rejected record with its line and reason, and keeps the valid ones", async () => {
    const before = await totals();
    const summary = await ingest(ctx, [
      {
        line: 1,
        value: { source: "x", externalId: "r1", text: "outage again", createdAt: "2026-11-02T15:00:00Z" },
      },
      {
        line: 2,
        value: {
          source: "x",
          externalId: "r2",
          text: "outage",
          createdAt: "2026-11-02T15:00:00Z",
          lat: "north",
        },
      },
      { line: 4, error: "Unexpected token } in JSON at position 12" },
      { line: 5, value: { source: "x", text: "", createdAt: "2026-11-02T15:00:00Z" } },
      { line: 6, value: { text: "no source", createdAt: "2026-11-02T15:00:00Z" } },
      { line: 7, value: { source: "x", externalId: "r3", text: "still out", createdAt: "yesterday" } },
      {
        line: 8,
        value: { source: "x", externalId: "r4", text: "lights are out", createdAt: "2026-11-02T15:01:00Z" },
      },
    ]);
    expect(summary.accepted).toBe(2);
    expect(summary.rejected).toBe(5);
    expect(summary.errors).toEqual([
      { line: 2, message: "lat must be a number" },
      { line: 4, message: "Unexpected token } in JSON at position 12" },
      { line: 5, message: expect.stringContaining("text") },
      { line: 6, message: expect.stringContaining("source") },
      { line: 7, message: expect.stringContaining("createdAt") },
    ]);
    expect((await totals()).stored).toBe(before.stored + 2);
  });

  it("counts a retweet storm once, while storing every post", async () => {
    const before = await totals();
    const text = "Entire west side of Sacramento has no power and @NorthwindPower says nothing at all";
    const storm = [
      {
        source: "x",
        externalId: "s0",
        text,
        createdAt: "2026-11-03T10:00:00Z",
        author: { handle: "@orig" },
        location: "Sacramento, CA",
      },
      ...Array.from({ length: 40 }, (_, i) => ({
        source: "x",
        externalId: `s${i + 1}`,
        text: `RT @orig: ${text}`,
        createdAt: "2026-11-03T10:01:00Z",
        author: { handle: `@fan${i}` },
        location: "Sacramento, CA",
      })),
      ...Array.from({ length: 10 }, (_, i) => ({
        source: "x",
        externalId: `q${i}`,
        text: `So true!!! ${i}`,
        repostOf: "s0",
        createdAt: "2026-11-03T10:02:00Z",
        author: { handle: `@quoter${i}` },
        location: "Sacramento, CA",
      })),
    ];
    const summary = await ingest(ctx, lines(storm), { batchSize: 17 });
    expect(summary.accepted).toBe(51);
    const after = await totals();
    expect(after.stored - before.stored).toBe(51);
    expect(after.count - before.count).toBe(1);
    expect(after.raw - before.raw).toBe(51);
    const [original] = await t.database.db.select().from(complaints).where(eq(complaints.externalId, "s0"));
    const amplified = await t.database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(complaints)
      .where(eq(complaints.amplifiesId, original.id));
    expect(amplified[0].n).toBe(50);
  });

  it("keeps short identical complaints from different people as separate voices", async () => {
    const before = await totals();
    await ingest(
      ctx,
      lines(
        Array.from({ length: 5 }, (_, i) => ({
          source: "x",
          externalId: `short${i}`,
          text: "power out",
          createdAt: "2026-11-03T11:00:00Z",
          author: { handle: `@neighbour${i}` },
        })),
      ),
    );
    expect((await totals()).count - before.count).toBe(5);
  });

  it("counts one author once per region × topic per hour", async () => {
    const before = await totals();
    const say = (id: string, at: string) => ({
      source: "x",
      externalId: id,
      text: "my power is out again",
      createdAt: at,
      author: { handle: "@repeat" },
      location: "Reno, NV",
    });
    await ingest(ctx, lines([say("a1", "2026-11-04T09:01:00Z"), say("a2", "2026-11-04T09:20:00Z")]));
    await ingest(ctx, lines([say("a3", "2026-11-04T09:50:00Z"), say("a4", "2026-11-04T10:05:00Z")]));
    const after = await totals();
    expect(after.stored - before.stored).toBe(4);
    expect(after.count - before.count).toBe(2);
    expect(after.raw - before.raw).toBe(4);
  });

  it("overrides the record's source when asked (CLI --source, webhook sources)", async () => {
    await ingest(
      ctx,
      lines([{ source: "whatever", externalId: "o1", text: "outage", createdAt: "2026-11-05T00:00:00Z" }]),
      {
        sourceName: "callcentre",
      },
    );
    const [row] = await t.database.db.select().from(complaints).where(eq(complaints.externalId, "o1"));
    expect(row.source).toBe("callcentre");
  });

  it("keeps counts equal to the complaints stored after everything above", async () => {
    const total = await totals();
    expect(total.raw).toBe(total.stored);
    expect(total.count).toBe(total.counted);
  });
});

describe("intake of awkward text", () => {
  it("keeps a record whose text holds a NUL character, dropping only the NUL", async () => {
    const summary = await ingest(ctx, [
      {
        line: 1,
        value: {
          source: "x",
          externalId: "nul1",
          text: "power\u0000 out",
          createdAt: "2026-11-06T00:00:00Z",
          note: "a\u0000b",
        },
      },
    ]);
    expect(summary.accepted).toBe(1);
    const [row] = await t.database.db.select().from(complaints).where(eq(complaints.externalId, "nul1"));
    expect(row.text).toBe("power out");
    expect(row.raw).toMatchObject({ note: "ab" });
  });

  it("stores the record as received: no fields added that the sender did not send", async () => {
    await ingest(ctx, [
      {
        line: 1,
        value: { source: "x", externalId: "asis", text: "outage", createdAt: "2026-11-06T00:00:00Z" },
      },
    ]);
    const [row] = await t.database.db.select().from(complaints).where(eq(complaints.externalId, "asis"));
    expect(row.raw).toEqual({
      source: "x",
      externalId: "asis",
      text: "outage",
      createdAt: "2026-11-06T00:00:00Z",
    });
  });
});

describe("ambiguous place names placed from context", () => {
  // Distinct posts (identical ones would count once, as amplification).
  const VT_TEXTS = [
    "no power here since 6, anyone else?",
    "lights just went out on our street",
    "power outage on Main St, whole block is dark",
    "is the power out for everyone? our house is dark",
    "outage here too, no electricity since dinner",
    "power went out mid meeting, any ETA?",
  ];
  const at = (minute: number) => new Date(Date.parse("2026-11-05T18:00:00Z") + minute * 60_000).toISOString();
  async function regionOf(source: string, externalId: string) {
    const [row] = await t.database.db
      .select({
        region: complaints.regionCode,
        method: complaints.regionMethod,
        conf: complaints.regionConfidence,
      })
      .from(complaints)
      .where(
        and(
          eq(complaints.orgId, t.org.id),
          eq(complaints.source, source),
          eq(complaints.externalId, externalId),
        ),
      );
    return row;
  }

  it("leaves '#Burlington' unplaced on an ordinary day", async () => {
    await ingest(
      ctx,
      lines([{ source: "x", externalId: "amb-0", text: "power out again #Burlington", createdAt: at(0) }]),
    );
    expect(await regionOf("x", "amb-0")).toEqual({ region: null, method: "none", conf: 0 });
  });

  it("places '#Burlington' and 'in Montpelier' in Vermont during a Vermont outage, with a lower confidence", async () => {
    // An earlier import: outage complaints placed in Vermont by their profiles, in the hour before.
    await ingest(
      ctx,
      lines(
        VT_TEXTS.map((text, i) => ({
          source: "x",
          externalId: `vt-${i}`,
          text,
          createdAt: at(60 + 5 * i),
          location: "Rutland, VT",
          author: { handle: `@vt${i}` },
        })),
      ),
    );
    await ingest(
      ctx,
      lines([
        { source: "x", externalId: "amb-1", text: "power out again #Burlington", createdAt: at(100) },
        {
          source: "mastodon",
          externalId: "amb-2",
          text: "Power out in Montpelier since 6pm",
          createdAt: at(101),
        },
      ]),
    );
    for (const [source, id] of [
      ["x", "amb-1"],
      ["mastodon", "amb-2"],
    ]) {
      const row = await regionOf(source, id);
      expect(row).toMatchObject({ region: "VT", method: "place" });
      expect(row.conf).toBeGreaterThan(0);
      expect(row.conf).toBeLessThanOrEqual(0.5);
    }
    // They count in Vermont's outage cell.
    const [vt] = await t.database.db
      .select({ n: sql<number>`coalesce(sum(count), 0)::int` })
      .from(complaintCounts)
      .where(and(eq(complaintCounts.orgId, t.org.id), eq(complaintCounts.regionCode, "VT")));
    expect(vt.n).toBe(8);
  });

  it("uses only what came before: a burst after the complaint does not place it", async () => {
    await ingest(
      ctx,
      lines([
        { source: "x", externalId: "amb-3", text: "outage again #Burlington", createdAt: at(300) },
        ...VT_TEXTS.map((text, i) => ({
          source: "x",
          externalId: `vt-late-${i}`,
          text,
          createdAt: at(301 + i),
          location: "Rutland, VT",
          author: { handle: `@vtl${i}` },
        })),
      ]),
    );
    expect((await regionOf("x", "amb-3")).region).toBeNull();
  });
});

describe("intake of awkward text (continued)", () => {
  it("keeps a record whose text holds a lone surrogate, as U+FFFD, instead of failing its batch", async () => {
    const summary = await ingest(ctx, [
      {
        line: 1,
        value: {
          source: "x",
          externalId: "sur1",
          text: "power out \ud800 again",
          createdAt: "2026-11-06T00:00:00Z",
        },
      },
      {
        line: 2,
        value: { source: "x", externalId: "sur2", text: "fine", createdAt: "2026-11-06T00:00:00Z" },
      },
    ]);
    expect(summary).toMatchObject({ accepted: 2, rejected: 0 });
    const [row] = await t.database.db.select().from(complaints).where(eq(complaints.externalId, "sur1"));
    expect(row.text).toBe("power out \ufffd again");
    expect(row.raw).toMatchObject({ text: "power out \ufffd again" });
  });
});

describe("intake when the database finds a duplicate the lookup could not", () => {
  it("stores one of two records that differ only by a NUL in their externalId, the other a duplicate", async () => {
    // Distinct to the batch's own dedupe, the same once stored (NUL is dropped): the insert meets a
    // unique violation and the batch is written again with ON CONFLICT DO NOTHING.
    const before = await totals();
    const summary = await ingest(
      ctx,
      lines([
        {
          source: "x",
          externalId: "nul-id\u0000",
          text: "power out on Elm St",
          createdAt: "2026-11-08T10:00:00Z",
        },
        { source: "x", externalId: "nul-id", text: "power out on Elm St", createdAt: "2026-11-08T10:01:00Z" },
        { source: "x", externalId: "nul-other", text: "no internet", createdAt: "2026-11-08T10:02:00Z" },
      ]),
    );
    expect(summary).toMatchObject({ accepted: 2, duplicates: 1, rejected: 0 });
    const after = await totals();
    expect(after.stored - before.stored).toBe(2);
    expect(after.raw - before.raw).toBe(2);
  });
});

describe("intake through the worker pool", () => {
  const complaint = (i: number, text = `Power out on Elm St in Reno, NV since 6am (${i})`) => ({
    source: "x",
    externalId: `pool-${i}`,
    text,
    createdAt: "2026-11-07T10:00:00Z",
    author: { handle: `@p${i}` },
  });

  it("loses no batch when a worker thread dies on it: every complaint stored, enriched and counted", async () => {
    configureLog({ LOG_LEVEL: "error" }); // the pool's warning about the dead thread is expected
    const pool = createEnrichmentPool({
      threads: 2,
      inlineBelow: 1,
      minChunk: 5,
      workerEntry: new URL("./support/faulty-enrichment-worker.mjs", import.meta.url),
    });
    try {
      await pool.warm(ctx.enricher);
      const values = Array.from({ length: 60 }, (_, i) => complaint(i));
      values[37] = complaint(37, "CRASH-THREAD: power out on Elm St in Reno, NV since 6am");
      const before = await totals();
      const summary = await ingest({ ...ctx, pool }, lines(values), { batchSize: 20 });
      expect(summary).toMatchObject({ accepted: 60, duplicates: 0, rejected: 0 });
      expect(pool.stats().failedChunks).toBe(1);
      expect(pool.stats().pooledRows).toBeGreaterThan(0);
      const stored = await t.database.db
        .select({
          externalId: complaints.externalId,
          region: complaints.regionCode,
          topic: complaints.topicSlug,
        })
        .from(complaints)
        .where(sql`${complaints.externalId} like 'pool-%'`);
      expect(stored).toHaveLength(60);
      expect(new Set(stored.map((r) => `${r.region}/${r.topic}`))).toEqual(new Set(["NV/outage"]));
      const after = await totals();
      expect(after.stored - before.stored).toBe(60);
      expect(after.raw - before.raw).toBe(60);
      expect(after.count - before.count).toBe(60);
    } finally {
      await pool.close();
      configureLog({ LOG_LEVEL: "info" });
    }
  });

  it("stops at a batch the database refuses: the error is thrown, nothing after that batch is written", async () => {
    const pool = createEnrichmentPool({ threads: 2, inlineBelow: 1, warmAt: 1, minChunk: 5 });
    try {
      await pool.warm(ctx.enricher);
      const values: Record<string, unknown>[] = Array.from({ length: 30 }, (_, i) => ({
        ...complaint(100 + i),
        externalId: `stop-${i}`,
      }));
      // Valid as a record (a whole number of followers) but beyond the column's int range.
      values[15] = { ...values[15], author: { handle: "@big", followers: 3_000_000_000 } };
      await expect(ingest({ ...ctx, pool }, lines(values), { batchSize: 10 })).rejects.toThrow();
      const stored = await t.database.db
        .select({ externalId: complaints.externalId })
        .from(complaints)
        .where(sql`${complaints.externalId} like 'stop-%'`);
      expect(stored.map((r) => r.externalId).sort()).toEqual(
        Array.from({ length: 10 }, (_, i) => `stop-${i}`).sort(),
      );
    } finally {
      await pool.close();
    }
  });
});
