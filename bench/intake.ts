/**
 * npm run bench:intake [-- ROWS] — complaints through the whole intake path (NDJSON bytes → parse →
 * validate → dedupe → enrich in the worker pool → store + 5-minute counts), versus a COPY of the same rows,
 * already enriched, straight into the same complaints table with its indexes: the cost of storing them.
 * On the server at DATABASE_URL, else embedded PGlite. ROWS (or BENCH_ROWS): default 200,000.
 *
 * Prints figures as it goes; afterwards, what one core does alone (the ceilings the end-to-end figure
 * cannot beat), and last one JSON object of the figures. The pool is started (threads up, enricher built)
 * before the clock starts, as a running server's pool is; its start-up is printed separately.
 */
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import {
  createEnricher,
  emptyBatch,
  enrichBatch,
  FINGERPRINT_ALWAYS,
  recordTimeZone,
} from "~/domain/enrichment";
import { parseNdjson } from "~/domain/intake/ndjson";
import { type ComplaintRecord, parseComplaintRecord } from "~/domain/intake/record";
import { DEMO_BASE_RATE_PER_DAY, SCENARIOS, simulate, US_SIM_REGIONS } from "~/domain/simulator";
import { loadEnricher } from "~/services/enrichment.server";
import { createEnrichmentPool } from "~/services/enrichment-pool.server";
import { ingest } from "~/services/intake.server";
import { benchDatabase, rate } from "./support/database";

const ROWS = Number(process.argv[2] ?? process.env.BENCH_ROWS ?? 200_000);
const THREADS = process.env.BENCH_THREADS ? Number(process.env.BENCH_THREADS) : undefined;
const say = (s: string) => process.stderr.write(`${s}\n`);
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

const COPY_COLUMNS =
  "id, org_id, source, source_id, external_id, text, author_handle, author_name, author_followers, created_at, received_at, lat, lon, location, postal_code, url, region_code, region_method, region_confidence, topic_slug, topic_score, sentiment, fingerprint, amplifies_id, counted, incident_id, cluster_id, answered_at, raw";

async function main() {
  if (!Number.isInteger(ROWS) || ROWS < 1) throw new Error(`rows must be a positive integer, not ${ROWS}`);
  // Enough simulated days at a busy organisation's rate to give ROWS complaints, incidents included.
  const from = Date.parse("2026-10-01T00:00:00Z");
  const perDay = 40_000;
  const lines: string[] = [];
  const to = from + Math.ceil((ROWS / perDay) * 1.3 + 1) * 86_400_000;
  for (const record of simulate({
    from,
    to,
    seed: 7,
    regions: US_SIM_REGIONS,
    baseRatePerDay: perDay,
    incidents: SCENARIOS["mixed-fortnight"](from + 86_400_000),
    labels: false,
  })) {
    lines.push(JSON.stringify(record));
    if (lines.length === ROWS) break;
  }
  const body = Buffer.from(`${lines.join("\n")}\n`);
  say(
    `generated ${lines.length.toLocaleString()} records (${(body.length / 1e6).toFixed(1)} MB of NDJSON; base rate ${DEMO_BASE_RATE_PER_DAY}/day in the demo, ${perDay}/day here)`,
  );

  const bench = await benchDatabase();
  const { database, org } = bench;
  const pool = createEnrichmentPool(THREADS ? { threads: THREADS } : {});
  try {
    const enricher = await loadEnricher(database.db, org.id);
    const t = performance.now();
    await pool.warm(enricher);
    say(`enrichment pool: ${pool.threads} worker threads started in ${Math.round(performance.now() - t)} ms`);

    say(`intake → ${bench.label} … (load average ${load()})`);
    const cpu0 = process.cpuUsage();
    const main0 = mainThreadCpuMs();
    const t0 = performance.now();
    let nextReport = 25_000;
    const chunks = Readable.from(chunked(body, 64 * 1024));
    const summary = await ingest({ db: database.db, orgId: org.id, enricher, pool }, parseNdjson(chunks), {
      batchSize: Number(process.env.BENCH_BATCH ?? 2000),
      onProgress: ({ accepted }) => {
        if (accepted < nextReport) return;
        nextReport += 25_000;
        const ms = performance.now() - t0;
        say(
          `  ${accepted.toLocaleString()} stored after ${(ms / 1000).toFixed(1)} s → ${rate(accepted, ms).toLocaleString()}/s`,
        );
      },
    });
    const intakeMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const mainMs = main0 === null ? null : (mainThreadCpuMs() ?? 0) - main0;
    const rowsPerSec = rate(lines.length, intakeMs);
    say(
      `intake: ${summary.accepted.toLocaleString()} accepted, ${summary.duplicates} duplicates, ${summary.rejected} rejected in ${(intakeMs / 1000).toFixed(2)} s → ${rowsPerSec.toLocaleString()} complaints/s (load average ${load()})`,
    );
    const perRow = (ms: number) => ((ms * 1000) / lines.length).toFixed(1);
    const nodeMs = (cpu.user + cpu.system) / 1000;
    const stats = pool.stats();
    say(
      `  this process's CPU: ${perRow(nodeMs)} µs per complaint in all` +
        (mainMs === null
          ? ""
          : ` (main thread ${perRow(mainMs)} µs; worker threads and V8's helpers the rest)`) +
        `; rows enriched in the pool ${stats.pooledRows.toLocaleString()}, inline ${stats.inlineRows.toLocaleString()}`,
    );
    if (stats.threadCpuMs > 0 && stats.pooledRows > 0) {
      say(
        `  enrichment in the worker threads: ${((stats.threadCpuMs * 1000) / stats.pooledRows).toFixed(1)} µs of CPU per complaint`,
      );
    }

    // The same rows, as stored (enriched), copied out and then straight back in with COPY.
    const copyMs = await copyBaseline(database, summary.accepted);
    const copyRowsPerSec = rate(summary.accepted, copyMs);
    say(
      `COPY of the enriched rows into the indexed complaints table: ${(copyMs / 1000).toFixed(2)} s → ${copyRowsPerSec.toLocaleString()} rows/s`,
    );
    const ratio = Math.round((rowsPerSec / copyRowsPerSec) * 100) / 100;
    say(`intake / COPY = ${ratio}`);

    // Ceilings: what one core does alone, on the same records, after the run above warmed it up.
    const ceilings = oneCoreCeilings(enricher, lines.slice(0, Math.min(lines.length, 50_000)));
    say(
      `one core alone: parse + validate ${ceilings.parseUs.toFixed(1)} µs/complaint (${ceilings.parsePerSec.toLocaleString()}/s); ` +
        `enrichment ${ceilings.enrichUs.toFixed(1)} µs/complaint on records it has not seen (${ceilings.enrichPerSec.toLocaleString()}/s, × ${pool.threads} threads = ${(ceilings.enrichPerSec * pool.threads).toLocaleString()}/s), ` +
        `${ceilings.enrichWarmUs.toFixed(1)} µs on the same records again`,
    );
    console.log(
      JSON.stringify({
        bench: "intake",
        rowsPerSec,
        copyRowsPerSec,
        ratio,
        rows: lines.length,
        db: bench.label,
        threads: pool.threads,
        enrichPerSecOneCore: ceilings.enrichPerSec,
        loadavg: loadavg()[0],
      }),
    );
  } finally {
    await pool.close();
    await bench.drop();
  }
}

function* chunked(buffer: Buffer, size: number) {
  for (let i = 0; i < buffer.length; i += size) yield buffer.subarray(i, i + size);
}

/** CPU time of this process's main thread (Linux: /proc), or null where it cannot be read. */
function mainThreadCpuMs(): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 10 ms
  } catch {
    return null;
  }
}

function oneCoreCeilings(loaded: Awaited<ReturnType<typeof loadEnricher>>, lines: string[]) {
  // A fresh enricher (its word caches empty), warmed up (JIT) on other text first, as a worker is.
  const enricher = createEnricher(loaded.spec);
  for (let i = 0; i < 2000; i++) {
    enricher.enrich({
      text: `warm up ${i}: power out since ${i % 12}am in Fresno, CA`,
      createdAt: "2026-01-01T00:00:00Z",
    });
  }
  const cpuUs = (f: () => void) => {
    const c0 = process.cpuUsage();
    f();
    const c = process.cpuUsage(c0);
    return c.user + c.system;
  };
  const records: ComplaintRecord[] = [];
  let parseUs = 0;
  for (let pass = 0; pass < 2; pass++) {
    records.length = 0;
    parseUs = cpuUs(() => {
      for (const line of lines) {
        const parsed = parseComplaintRecord(JSON.parse(line));
        if (parsed.ok) records.push(parsed.record);
      }
    });
  }
  const batch = emptyBatch(records.length);
  records.forEach((r, i) => {
    batch.text[i] = r.text;
    batch.location[i] = r.location ?? null;
    batch.postalCode[i] = r.postalCode ?? null;
    batch.timeZone[i] = recordTimeZone(r);
    batch.createdAt[i] = r.createdAt;
    batch.lat[i] = r.lat ?? Number.NaN;
    batch.lon[i] = r.lon ?? Number.NaN;
    batch.fingerprint[i] = FINGERPRINT_ALWAYS;
  });
  const enrichUs = cpuUs(() => enrichBatch(enricher, batch));
  const enrichWarmUs = cpuUs(() => enrichBatch(enricher, batch));
  const perParse = parseUs / lines.length;
  const perEnrich = enrichUs / records.length;
  return {
    parseUs: perParse,
    parsePerSec: Math.round(1e6 / perParse),
    enrichUs: perEnrich,
    enrichPerSec: Math.round(1e6 / perEnrich),
    enrichWarmUs: enrichWarmUs / records.length,
  };
}

async function copyBaseline(
  database: Awaited<ReturnType<typeof benchDatabase>>["database"],
  expected: number,
): Promise<number> {
  const raw = database.raw;
  if (raw.kind === "postgres") {
    // A connection of its own for COPY TO: postgres.js leaves a connection that streamed COPY TO unusable.
    const reader = postgres(raw.url, { max: 1, onnotice: () => {} });
    const chunks: Buffer[] = [];
    const out = await reader.unsafe(`copy (select ${COPY_COLUMNS} from complaints) to stdout`).readable();
    for await (const chunk of out) chunks.push(chunk as Buffer);
    await reader.end({ timeout: 1 }).catch(() => {});
    await database.db.execute(sql`truncate complaints cascade`);
    const t0 = performance.now();
    const writable = await raw.sql.unsafe(`copy complaints (${COPY_COLUMNS}) from stdin`).writable();
    await pipeline(Readable.from(chunks), writable);
    const ms = performance.now() - t0;
    await assertCount(database, expected);
    return ms;
  }
  const dump = await raw.pg.query(`copy (select ${COPY_COLUMNS} from complaints) to '/dev/blob'`);
  const blob = dump.blob!;
  await raw.pg.exec("truncate complaints cascade");
  const t0 = performance.now();
  await raw.pg.query(`copy complaints (${COPY_COLUMNS}) from '/dev/blob'`, [], { blob });
  const ms = performance.now() - t0;
  await assertCount(database, expected);
  return ms;
}

async function assertCount(
  database: Awaited<ReturnType<typeof benchDatabase>>["database"],
  expected: number,
) {
  const rows = (await database.db.execute(sql`select count(*)::int as n from complaints`)) as unknown as
    | { rows: { n: number }[] }
    | { n: number }[];
  const n = Array.isArray(rows) ? rows[0].n : rows.rows[0].n;
  if (n !== expected) throw new Error(`COPY stored ${n} rows, expected ${expected}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
