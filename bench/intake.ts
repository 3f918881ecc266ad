/**
 * npm run bench:intake — 200,000 complaints through the whole intake path (NDJSON bytes → parse →
 * validate → dedupe → enrich → store + 5-minute counts), versus a COPY of the same rows, already
 * enriched, straight into the same complaints table with its indexes: the cost of storing them.
 * On the server at DATABASE_URL, else embedded PGlite. Last line: one JSON object of the figures.
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { parseNdjson } from "~/domain/intake/ndjson";
import { DEMO_BASE_RATE_PER_DAY, SCENARIOS, simulate, US_SIM_REGIONS } from "~/domain/simulator";
import { loadEnricher } from "~/services/enrichment.server";
import { ingest } from "~/services/intake.server";
import { benchDatabase, rate } from "./support/database";

const ROWS = Number(process.env.BENCH_ROWS ?? 200_000);
const say = (s: string) => process.stderr.write(`${s}\n`);

const COPY_COLUMNS =
  "id, org_id, source, source_id, external_id, text, author_handle, author_name, author_followers, created_at, received_at, lat, lon, location, postal_code, url, region_code, region_method, region_confidence, topic_slug, topic_score, sentiment, fingerprint, amplifies_id, counted, incident_id, cluster_id, answered_at, raw";

async function main() {
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
  try {
    const enricher = await loadEnricher(database.db, org.id);
    enricher.enrich({ source: "x", text: "warm up", createdAt: new Date().toISOString() } as never);

    say(`intake → ${bench.label} …`);
    const t0 = performance.now();
    const chunks = Readable.from(chunked(body, 64 * 1024));
    const summary = await ingest({ db: database.db, orgId: org.id, enricher }, parseNdjson(chunks), {
      batchSize: Number(process.env.BENCH_BATCH ?? 2000),
    });
    const intakeMs = performance.now() - t0;
    say(
      `intake: ${summary.accepted.toLocaleString()} accepted, ${summary.duplicates} duplicates, ${summary.rejected} rejected in ${(intakeMs / 1000).toFixed(2)} s → ${rate(lines.length, intakeMs).toLocaleString()} complaints/s`,
    );

    // The same rows, as stored (enriched), copied out and then straight back in with COPY.
    const copyMs = await copyBaseline(database, summary.accepted);
    const rowsPerSec = rate(lines.length, intakeMs);
    const copyRowsPerSec = rate(summary.accepted, copyMs);
    say(
      `COPY of the enriched rows into the indexed complaints table: ${(copyMs / 1000).toFixed(2)} s → ${copyRowsPerSec.toLocaleString()} rows/s`,
    );
    const ratio = Math.round((rowsPerSec / copyRowsPerSec) * 100) / 100;
    say(`intake / COPY = ${ratio}`);
    console.log(
      JSON.stringify({
        bench: "intake",
        rowsPerSec,
        copyRowsPerSec,
        ratio,
        rows: lines.length,
        db: bench.label,
      }),
    );
  } finally {
    await bench.drop();
  }
}

function* chunked(buffer: Buffer, size: number) {
  for (let i = 0; i < buffer.length; i += size) yield buffer.subarray(i, i + size);
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
