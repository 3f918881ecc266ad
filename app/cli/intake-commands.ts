import { createReadStream, createWriteStream, readFileSync, statSync, writeFileSync } from "node:fs";
import { extname } from "node:path";
import { Transform } from "node:stream";
import cliProgress from "cli-progress";
import { parseCsv } from "~/domain/intake/csv";
import { parseNdjson } from "~/domain/intake/ndjson";
import {
  DEMO_BASE_RATE_PER_DAY,
  groundTruth,
  IMPORTED_SOURCES,
  SCENARIOS,
  simulate,
  US_SIM_REGIONS,
} from "~/domain/simulator";
import { SYSTEM } from "~/services/audit.server";
import { intakeContext } from "~/services/enrichment.server";
import { exportComplaints } from "~/services/export.server";
import { ingest } from "~/services/intake.server";
import { exportTaxonomy, importTaxonomy } from "~/services/taxonomy.server";
import { UsageError, writeLine } from "./io";
import type { CommandContext } from "./run";

function fileArgument(ctx: CommandContext, what: string): string {
  const file = ctx.args[0];
  if (!file) throw new UsageError(`${what} is required`);
  try {
    if (!statSync(file).isFile()) throw new UsageError(`${file} is not a file`);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message}`,
    );
  }
  return file;
}

function isoOption(ctx: CommandContext, name: string): Date | undefined {
  const v = ctx.options[name];
  if (v === undefined) return undefined;
  const d = new Date(String(v));
  if (typeof v !== "string" || Number.isNaN(d.getTime()))
    throw new UsageError(`--${name} must be an ISO date-time, e.g. 2026-11-02T00:00:00Z`);
  return d;
}

/** About one intake batch of complaint records (~2,000 × ~300 bytes). */
const POOL_WORTH_BYTES = 600_000;

/** `import <file> [--source NAME]`: NDJSON or CSV (by extension) through the one intake path. */
export async function importCommand(ctx: CommandContext): Promise<void> {
  const file = fileArgument(ctx, "the file to import");
  const ext = extname(file).toLowerCase();
  const format =
    ext === ".csv" ? "csv" : ext === ".ndjson" || ext === ".jsonl" || ext === ".json" ? "ndjson" : null;
  if (!format) throw new UsageError(`cannot tell the format of ${file}: use a .ndjson, .jsonl or .csv file`);
  const size = statSync(file).size;
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  const stream = createReadStream(file).pipe(counter);
  const items = format === "csv" ? parseCsv(stream) : parseNdjson(stream);

  // A progress bar with rate and ETA, only when a person is watching (stderr is a terminal).
  const bar =
    ctx.io.isTTY && !ctx.json
      ? new cliProgress.SingleBar(
          {
            stream: ctx.io.stderr as unknown as NodeJS.WritableStream,
            format: "importing {bar} {percentage}% | {records} records | {rate}/s | ETA {eta_formatted}",
            hideCursor: true,
            etaBuffer: 20,
          },
          cliProgress.Presets.shades_classic,
        )
      : null;
  const started = Date.now();
  bar?.start(size, 0, { records: 0, rate: 0 });
  const sourceName =
    typeof ctx.options.source === "string" ? ctx.options.source.trim().toLowerCase() : undefined;
  if (sourceName !== undefined && !/^[a-z0-9][a-z0-9_.-]{0,63}$/.test(sourceName)) {
    throw new UsageError("--source must be a short lowercase name such as x, zendesk or callcentre");
  }
  const intake = await intakeContext({ db: ctx.database.db, orgId: ctx.org.id });
  // A file of more than a batch is worth the worker threads: start them now, while the first batch is
  // read (until they are up, batches are enriched on this thread).
  if (intake.pool && size >= POOL_WORTH_BYTES) void intake.pool.warm(intake.enricher);
  const pooledBefore = intake.pool?.stats().pooledRows ?? 0;
  const summary = await ingest(intake, items, {
    sourceName,
    onProgress: (p) => {
      const seconds = Math.max((Date.now() - started) / 1000, 0.001);
      bar?.update(bytes, { records: p.processed, rate: Math.round(p.processed / seconds) });
    },
  });
  bar?.update(size);
  bar?.stop();
  const pooled = (intake.pool?.stats().pooledRows ?? 0) - pooledBefore;
  if (intake.pool && pooled > 0) {
    writeLine(
      ctx.io.stderr,
      `enrichment: ${pooled.toLocaleString("en-US")} records in ${intake.pool.threads} worker threads, the rest on the main thread`,
    );
  }
  if (ctx.json) {
    writeLine(ctx.io.stdout, JSON.stringify(summary));
    return;
  }
  writeLine(
    ctx.io.stdout,
    `${summary.accepted} accepted, ${summary.duplicates} duplicates, ${summary.rejected} rejected (${file}).`,
  );
  for (const e of summary.errors.slice(0, 20)) {
    writeLine(ctx.io.stdout, `  line ${e.line ?? e.index}: ${e.message}`);
  }
  if (summary.errors.length > 20)
    writeLine(ctx.io.stdout, `  … and ${summary.rejected - 20} more (use --json for all)`);
}

/** `export complaints [--from ISO] [--to ISO]`: NDJSON to stdout, as imported plus enrichment. */
export async function exportComplaintsCommand(ctx: CommandContext): Promise<void> {
  if (ctx.args[0] !== undefined) throw new UsageError(`unexpected argument ${ctx.args[0]}`);
  const from = isoOption(ctx, "from");
  const to = isoOption(ctx, "to");
  let n = 0;
  for await (const row of exportComplaints(ctx.database.db, ctx.org.id, { from, to })) {
    if (!ctx.io.stdout.write(`${JSON.stringify(row)}\n`)) {
      await new Promise((resolve) => ctx.io.stdout.once("drain", resolve));
    }
    n++;
  }
  writeLine(ctx.io.stderr, `exported ${n} complaints`);
}

export async function taxonomyExportCommand(ctx: CommandContext): Promise<void> {
  const taxonomy = await exportTaxonomy(ctx.database.db, ctx.org.id);
  writeLine(ctx.io.stdout, ctx.json ? JSON.stringify(taxonomy) : JSON.stringify(taxonomy, null, 2));
}

export async function taxonomyImportCommand(ctx: CommandContext): Promise<void> {
  const file = fileArgument(ctx, "the taxonomy file");
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  const taxonomy = await importTaxonomy(ctx.database.db, ctx.org.id, parsed, SYSTEM);
  writeLine(
    ctx.io.stdout,
    ctx.json ? JSON.stringify(taxonomy) : `Taxonomy replaced: ${taxonomy.map((t) => t.slug).join(", ")}.`,
  );
}

/**
 * `simulate --days N --out FILE [--seed S] [--scenario NAME] [--end ISO]`: realistic complaint traffic
 * as NDJSON (the import format), with the scripted incidents' ground truth beside it in FILE.truth.json.
 */
export async function simulateCommand(ctx: CommandContext): Promise<void> {
  const days = Number(ctx.options.days ?? 7);
  if (!Number.isFinite(days) || days <= 0 || days > 120)
    throw new UsageError("--days must be a number between 0 and 120");
  const out = ctx.options.out;
  if (typeof out !== "string" || out === "") throw new UsageError("--out FILE is required");
  const seed = Number(ctx.options.seed ?? 1);
  if (!Number.isSafeInteger(seed)) throw new UsageError("--seed must be an integer");
  const scenario = String(ctx.options.scenario ?? "western-power-outage");
  const make = scenario === "none" ? () => [] : SCENARIOS[scenario];
  if (!make)
    throw new UsageError(
      `unknown --scenario ${scenario}; one of: ${Object.keys(SCENARIOS).join(", ")}, none`,
    );
  const end = isoOption(ctx, "end")?.getTime() ?? Math.floor(Date.now() / 3_600_000) * 3_600_000;
  const from = end - days * 86_400_000;
  // Incidents play out on the last day, in the afternoon (US time), over a background of ordinary traffic;
  // the fortnight from the start; the imported-history week over the last seven days, with X, Mastodon
  // and helpdesk tickets as the only sources.
  const imported = scenario === "imported-history";
  const incidents = make(
    scenario === "mixed-fortnight"
      ? from
      : imported
        ? end - 7 * 86_400_000
        : end - 86_400_000 + 20 * 3_600_000,
  );
  const file = createWriteStream(out);
  let n = 0;
  for (const record of simulate({
    from,
    to: end,
    seed,
    regions: US_SIM_REGIONS,
    baseRatePerDay: Number(ctx.options.rate ?? DEMO_BASE_RATE_PER_DAY),
    incidents,
    labels: false,
    ...(imported ? { sources: IMPORTED_SOURCES } : {}),
  })) {
    if (!file.write(`${JSON.stringify(record)}\n`))
      await new Promise<void>((resolve) => file.once("drain", () => resolve()));
    n++;
  }
  await new Promise<void>((resolve, reject) =>
    file.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
  const truth = groundTruth(incidents, { from, to: end }).map((g) => ({
    ...g,
    start: new Date(g.start).toISOString(),
    end: new Date(g.end).toISOString(),
  }));
  const truthFile = `${out.replace(/\.(ndjson|jsonl)$/, "")}.truth.json`;
  writeFileSync(
    truthFile,
    `${JSON.stringify({ from: new Date(from).toISOString(), to: new Date(end).toISOString(), seed, scenario, incidents: truth }, null, 2)}\n`,
  );
  const summary = { records: n, out, truth: truthFile, incidents: truth.length };
  writeLine(
    ctx.io.stdout,
    ctx.json ? JSON.stringify(summary) : `${n} complaints written to ${out}; ground truth in ${truthFile}.`,
  );
}
