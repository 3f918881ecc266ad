import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Enricher,
  type EnrichmentBatch,
  emptyBatch,
  enrichBatch,
  FINGERPRINT_ALWAYS,
} from "~/domain/enrichment";
import { parseComplaintRecord } from "~/domain/intake/record";
import { simulate, US_SIM_REGIONS } from "~/domain/simulator";
import { loadEnricher } from "~/services/enrichment.server";
import { createEnrichmentPool, type EnrichmentPool } from "~/services/enrichment-pool.server";
import { configureLog } from "~/utils/log.server";
import { freshDatabase, type TestDatabase } from "./support/db";

const FAULTY = new URL("./support/faulty-enrichment-worker.mjs", import.meta.url);
const BROKEN = new URL("./support/broken-enrichment-worker.mjs", import.meta.url);

let t: TestDatabase;
let enricher: Enricher;
const pools: EnrichmentPool[] = [];
beforeAll(async () => {
  configureLog({ LOG_LEVEL: "error" }); // the pool's warnings are expected here
  t = await freshDatabase();
  enricher = await loadEnricher(t.database.db, t.org.id);
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
  await t?.close();
  configureLog({ LOG_LEVEL: "info" });
});

function pool(options: Parameters<typeof createEnrichmentPool>[0]) {
  const p = createEnrichmentPool(options);
  pools.push(p);
  return p;
}

/** Simulated complaints as a batch in columns; `marker` replaces the text of row `at`. */
function batchOf(count: number, marker?: { at: number; text: string }): EnrichmentBatch {
  const records = [];
  for (const r of simulate({
    from: Date.parse("2026-10-01T00:00:00Z"),
    to: Date.parse("2026-10-03T00:00:00Z"),
    seed: 4,
    regions: US_SIM_REGIONS,
    baseRatePerDay: 2000,
    incidents: [],
    labels: false,
  })) {
    const parsed = parseComplaintRecord(JSON.parse(JSON.stringify(r)));
    if (parsed.ok) records.push(parsed.record);
    if (records.length === count) break;
  }
  const batch = emptyBatch(records.length);
  records.forEach((r, i) => {
    batch.text[i] = marker?.at === i ? marker.text : r.text;
    batch.location[i] = r.location ?? null;
    batch.postalCode[i] = r.postalCode ?? null;
    batch.timeZone[i] = null;
    batch.createdAt[i] = r.createdAt;
    batch.lat[i] = r.lat ?? Number.NaN;
    batch.lon[i] = r.lon ?? Number.NaN;
    batch.fingerprint[i] = FINGERPRINT_ALWAYS;
  });
  return batch;
}

describe("enrichment pool", () => {
  it("enriches in worker threads exactly as on the calling thread, row for row", async () => {
    const p = pool({ threads: 2, minChunk: 100 });
    await p.warm(enricher);
    const batch = batchOf(1200);
    const pooled = await p.enrich(enricher, batch);
    expect(pooled).toEqual(enrichBatch(enricher, batch));
    expect(p.stats()).toMatchObject({ pooledRows: 1200, inlineRows: 0, failedChunks: 0 });
  });

  it("keeps small batches, and batches that arrive while the threads start, on the calling thread", async () => {
    const p = pool({ threads: 2, inlineBelow: 64, warmAt: 500 });
    const small = batchOf(10);
    expect(await p.enrich(enricher, small)).toEqual(enrichBatch(enricher, small));
    expect(p.stats()).toMatchObject({ pooledRows: 0, inlineRows: 10 });
    const first = batchOf(600); // large: starts the threads, but does not wait for them
    expect(await p.enrich(enricher, first)).toEqual(enrichBatch(enricher, first));
    expect(p.stats().inlineRows).toBe(610);
    await p.warm(enricher);
    await p.enrich(enricher, first);
    expect(p.stats().pooledRows).toBe(600);
    await p.enrich(enricher, small);
    expect(p.stats()).toMatchObject({ pooledRows: 600, inlineRows: 620 });
  });

  it("loses nothing when a worker thread dies mid-batch, and carries on with a new thread", async () => {
    const p = pool({ threads: 2, minChunk: 100, workerEntry: FAULTY });
    await p.warm(enricher);
    const batch = batchOf(800, { at: 700, text: "CRASH-THREAD: power out in Reno, NV" });
    const result = await p.enrich(enricher, batch);
    expect(result).toEqual(enrichBatch(enricher, batch));
    expect(result.regionCode[700]).toBe("NV");
    expect(p.stats()).toMatchObject({ pooledRows: 400, inlineRows: 400, failedChunks: 1 });
    const next = batchOf(800);
    expect(await p.enrich(enricher, next)).toEqual(enrichBatch(enricher, next));
    expect(p.stats().pooledRows).toBe(1200);
  });

  it("re-enriches on the calling thread a chunk whose thread throws", async () => {
    const p = pool({ threads: 2, minChunk: 100, workerEntry: FAULTY });
    await p.warm(enricher);
    const batch = batchOf(400, { at: 0, text: "THROW-IN-THREAD: no internet since 6am" });
    expect(await p.enrich(enricher, batch)).toEqual(enrichBatch(enricher, batch));
    expect(p.stats()).toMatchObject({ pooledRows: 200, inlineRows: 200, failedChunks: 1 });
  });

  it("enriches on the calling thread when its threads cannot start", async () => {
    const p = pool({ threads: 2, workerEntry: BROKEN, warmAt: 100 });
    await p.warm(enricher);
    const batch = batchOf(300);
    expect(await p.enrich(enricher, batch)).toEqual(enrichBatch(enricher, batch));
    expect(p.stats()).toMatchObject({ pooledRows: 0, inlineRows: 300 });
  });
});
