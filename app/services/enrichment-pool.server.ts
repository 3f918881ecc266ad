import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Piscina } from "piscina";
import {
  batchSize,
  concatEnriched,
  type EnrichedBatch,
  type Enricher,
  type EnrichmentBatch,
  enrichBatch,
  sliceBatch,
} from "~/domain/enrichment";
import { log } from "~/utils/log.server";
import type { EnrichmentResult, EnrichmentTask, SharedSpec } from "./enrichment-worker";

/**
 * Enrichment off the main thread (docs/decisions/016-intake-enrichment-worker-pool.md): a piscina pool of
 * worker threads, one per core, each holding the organisation's enricher. The main thread parses,
 * validates and writes; the pool enriches — batch N+1 while batch N is being written.
 *
 * - A batch below `inlineBelow` rows (a webhook's one complaint, a small API call) is enriched inline,
 *   with the same code: a round trip to a thread costs more than it saves.
 * - The threads start when a batch of `warmAt` rows or more arrives (an import, a large API call) and
 *   stop after 5 idle minutes. Until they have started (loading the gazetteer, ~1–2 s), batches are
 *   enriched inline too, so the first batches of an import never wait for a cold pool.
 * - A large batch is split into one chunk per thread; the chunks come back in order.
 * - A chunk whose thread fails (the thread died, or threw) is enriched again inline: a crash never loses
 *   a batch or hangs an import. An error that the inline run throws too is a real error and propagates.
 */

export interface EnrichmentPool {
  readonly threads: number;
  /** The batch enriched, row for row — in the pool, or inline when small or while the pool starts. */
  enrich(enricher: Enricher, batch: EnrichmentBatch): Promise<EnrichedBatch>;
  /** Start the threads and build the enricher in each (an import or a benchmark can start it early). */
  warm(enricher: Enricher): Promise<void>;
  /** What the pool did so far (for tests and benchmarks); `threadCpuMs` is the worker threads' CPU on
   * chunks (Linux), 0 where it cannot be read. */
  stats(): { pooledRows: number; inlineRows: number; failedChunks: number; threadCpuMs: number };
  close(): Promise<void>;
}

export interface EnrichmentPoolOptions {
  /** Worker threads; default: the cores available to this process. */
  threads?: number;
  /** Batches smaller than this are enriched inline. Default 64. */
  inlineBelow?: number;
  /** A batch this large starts the threads when they are not running. Default 1000. */
  warmAt?: number;
  /** Smallest chunk sent to a thread. Default 250. */
  minChunk?: number;
  /** Idle threads stop after this long (they restart on demand). Default 5 minutes. */
  idleTimeoutMs?: number;
  /** The worker entry (tests wrap it); default ./enrichment-worker.mjs. */
  workerEntry?: URL;
}

export const DEFAULT_INLINE_BELOW = 64;
/** A chunk (≤ 1,000 rows, ~100 ms) still running after this long is taken to be wedged. */
const TASK_TIMEOUT_MS = 60_000;

export function createEnrichmentPool(options: EnrichmentPoolOptions = {}): EnrichmentPool {
  const threads = Math.max(1, options.threads ?? availableParallelism());
  const inlineBelow = options.inlineBelow ?? DEFAULT_INLINE_BELOW;
  const minChunk = Math.max(1, options.minChunk ?? 250);
  const warmAt = options.warmAt ?? 1000;
  const counters = { pooledRows: 0, inlineRows: 0, failedChunks: 0, threadCpuMs: 0 };
  let piscina: Piscina | null = null;
  let started: Promise<void> | null = null;
  let ready = false;
  let closed = false;
  /** The threads failed while starting: piscina then stops replacing them, so enrichment stays inline. */
  let broken = false;
  const specs = new WeakMap<Enricher, SharedSpec>();

  const pool = () => {
    if (piscina) return piscina;
    if (broken) throw new Error("the enrichment pool's threads cannot start");
    piscina = new Piscina({
      filename: (options.workerEntry ?? workerEntry()).href,
      minThreads: 0,
      maxThreads: threads,
      idleTimeout: options.idleTimeoutMs ?? 5 * 60_000,
    });
    // A thread that fails outside a task must not take the process down. One that fails while starting
    // leaves the tasks queued for it waiting forever (piscina does not start threads that fail to start
    // again): the pool is then given up — its queued tasks are rejected, and enriched inline.
    const current = piscina;
    current.on("error", (error: Error) => {
      log.warn("enrichment pool: a worker thread failed", { error: error?.message ?? String(error) });
      if (ready || piscina !== current) return;
      broken = true;
      piscina = null;
      log.warn("enrichment pool: its threads cannot start; enriching on the main thread from now on");
      current.destroy().catch(() => {});
    });
    return piscina;
  };

  const sharedSpec = (enricher: Enricher): SharedSpec => {
    let spec = specs.get(enricher);
    if (!spec) {
      const bytes = Buffer.from(JSON.stringify(enricher.spec), "utf8");
      const json = new SharedArrayBuffer(bytes.byteLength);
      new Uint8Array(json).set(bytes);
      spec = { id: randomUUID(), json };
      specs.set(enricher, spec);
    }
    return spec;
  };

  const inline = (enricher: Enricher, batch: EnrichmentBatch) => {
    counters.inlineRows += batchSize(batch);
    return enrichBatch(enricher, batch);
  };

  const warm = (enricher: Enricher): Promise<void> => {
    if (closed) return Promise.resolve();
    started ??= (async () => {
      let failure: unknown = null;
      try {
        const spec = sharedSpec(enricher);
        // One warm-up task per thread: each thread takes one task at a time, so all of them start.
        const results = await Promise.allSettled(
          Array.from({ length: threads }, () => pool().run({ spec, warm: true } satisfies EnrichmentTask)),
        );
        if (results.some((r) => r.status === "fulfilled")) {
          ready = true;
          log.info(`enrichment pool: ${threads} worker thread${threads === 1 ? "" : "s"} ready`);
        }
        failure = (results.find((r) => r.status === "rejected") as PromiseRejectedResult | undefined)?.reason;
      } catch (error) {
        failure = error;
      }
      if (failure) {
        log.warn("enrichment pool: a worker thread failed to start; enriching on the main thread", {
          error: (failure as Error)?.message ?? String(failure),
        });
      }
    })();
    return started;
  };

  const runChunk = async (enricher: Enricher, chunk: EnrichmentBatch): Promise<EnrichedBatch> => {
    try {
      const task: EnrichmentTask = { spec: sharedSpec(enricher), batch: chunk };
      // A thread wedged on a chunk is stopped (piscina terminates it) and the chunk enriched inline.
      const result = (await pool().run(task, { signal: AbortSignal.timeout(TASK_TIMEOUT_MS) })) as
        | EnrichmentResult
        | undefined;
      if (!result || !("batch" in result) || result.batch.topicSlug?.length !== batchSize(chunk)) {
        throw new Error("malformed result");
      }
      counters.pooledRows += batchSize(chunk);
      counters.threadCpuMs += result.cpuMs ?? 0;
      return result.batch;
    } catch (error) {
      counters.failedChunks++;
      log.warn("enrichment pool: a worker thread failed on a chunk; enriching it on the main thread", {
        rows: batchSize(chunk),
        error: (error as Error)?.message ?? String(error),
      });
      return inline(enricher, chunk);
    }
  };

  return {
    threads,
    warm,
    stats: () => ({ ...counters }),
    async enrich(enricher, batch) {
      const n = batchSize(batch);
      if (closed || broken || n < inlineBelow) return inline(enricher, batch);
      if (ready && piscina && piscina.threads.length === 0) {
        // The threads stopped after idling: start them again when a large batch comes.
        ready = false;
        started = null;
      }
      if (!ready) {
        if (n >= warmAt) void warm(enricher);
        return inline(enricher, batch);
      }
      const chunks = Math.max(1, Math.min(threads, Math.floor(n / minChunk)));
      const size = Math.ceil(n / chunks);
      const parts: Promise<EnrichedBatch>[] = [];
      for (let from = 0; from < n; from += size) {
        parts.push(
          runChunk(enricher, chunks === 1 ? batch : sliceBatch(batch, from, Math.min(n, from + size))),
        );
      }
      return concatEnriched(await Promise.all(parts));
    },
    async close() {
      closed = true;
      const p = piscina;
      piscina = null;
      if (p) await p.destroy();
    },
  };
}

/**
 * The worker entry beside this module — or, when this code runs from the Remix server bundle
 * (build/index.js), the same file in the source tree the server runs from.
 */
function workerEntry(): URL {
  const candidates = [
    new URL("./enrichment-worker.mjs", import.meta.url),
    new URL("../app/services/enrichment-worker.mjs", import.meta.url),
  ];
  const found = candidates.find((url) => url.protocol === "file:" && existsSync(fileURLToPath(url)));
  if (!found) throw new Error(`enrichment worker entry not found (looked at ${candidates.join(", ")})`);
  return found;
}

const SHARED = Symbol.for("clarion.enrichmentPool");

/**
 * The process's pool, created on first use. Kept on globalThis: the Remix server bundle and the server's
 * own modules are two copies of this module, and one process must run one pool sized to its cores.
 */
export function sharedEnrichmentPool(): EnrichmentPool {
  const holder = globalThis as typeof globalThis & { [SHARED]?: EnrichmentPool };
  holder[SHARED] ??= createEnrichmentPool();
  return holder[SHARED];
}
