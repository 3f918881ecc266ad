/**
 * One enrichment worker thread (see enrichment-pool.server.ts). Pure CPU: builds the organisation's
 * enricher from the spec it is sent (once per spec, cached) and enriches batches in columns. Imports
 * are relative: this module is loaded by a worker thread, outside the app's path aliases.
 */
import { readFileSync } from "node:fs";
import {
  createEnricher,
  type EnrichedBatch,
  type Enricher,
  type EnrichmentBatch,
  type EnrichmentSpec,
  enrichBatch,
} from "../domain/enrichment";
import { preloadRegionData } from "../domain/regions";

export interface SharedSpec {
  /** Unique per spec in the sending process. */
  id: string;
  /** The spec as UTF-8 JSON in shared memory: sent to every worker without copying. */
  json: SharedArrayBuffer;
}

export type EnrichmentTask = { spec: SharedSpec; batch: EnrichmentBatch } | { spec: SharedSpec; warm: true };

const MAX_CACHED = 4;
const enrichers = new Map<string, Enricher>();

function enricherFor(spec: SharedSpec): Enricher {
  let enricher = enrichers.get(spec.id);
  if (!enricher) {
    const parsed = JSON.parse(Buffer.from(spec.json).toString("utf8")) as EnrichmentSpec;
    enricher = createEnricher(parsed);
    if (enrichers.size >= MAX_CACHED) enrichers.delete(enrichers.keys().next().value as string);
    enrichers.set(spec.id, enricher);
  }
  return enricher;
}

export type EnrichmentResult = { batch: EnrichedBatch; cpuMs: number | null } | { warmed: true };

export default function run(task: EnrichmentTask): EnrichmentResult {
  const enricher = enricherFor(task.spec);
  if ("warm" in task) {
    preloadRegionData();
    enricher.enrich({ text: "warm up: power out in Fresno, CA", createdAt: "2026-01-01T00:00:00Z" });
    return { warmed: true };
  }
  const before = threadCpuMs();
  const batch = enrichBatch(enricher, task.batch);
  const after = threadCpuMs();
  return { batch, cpuMs: before === null || after === null ? null : after - before };
}

/** This thread's CPU time (Linux; null elsewhere), so the pool can say what enrichment costs. */
function threadCpuMs(): number | null {
  try {
    const stat = readFileSync("/proc/thread-self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 10 ms
  } catch {
    return null;
  }
}
