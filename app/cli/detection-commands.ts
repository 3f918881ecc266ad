import { readFileSync, writeFileSync } from "node:fs";
import { formatScoresCsv, parseSeriesCsv, scoreSeries } from "~/domain/detection";
import { clearDetection, detect, listSpikes } from "~/services/detection.server";
import { UsageError, writeLine } from "./io";
import type { CommandContext } from "./run";

function isoOption(ctx: CommandContext, name: string): Date | undefined {
  const v = ctx.options[name];
  if (v === undefined) return undefined;
  const d = new Date(String(v));
  if (typeof v !== "string" || Number.isNaN(d.getTime())) {
    throw new UsageError(`--${name} must be an ISO date-time, e.g. 2026-11-02T00:00:00Z`);
  }
  return d;
}

/**
 * `detect [--from ISO] [--to ISO]`: replay detection over the stored counts in time order, as if live
 * (each bucket decided only from counts up to its end), replacing the stored spikes of that range.
 * Without `--from` the replay covers all stored history (from the first counted bucket, however long
 * ago it was imported); without `--to` it runs up to the last closed bucket.
 */
export async function detectCommand(ctx: CommandContext): Promise<void> {
  const from = isoOption(ctx, "from");
  const to = isoOption(ctx, "to");
  if (from && to && to <= from) throw new UsageError("--to must be after --from");
  const db = ctx.database.db;
  const orgId = ctx.org.id;
  const start = from?.getTime() ?? 0;
  await clearDetection({ db, orgId }, start, to?.getTime() ?? null);
  const result = await detect(
    { db, orgId },
    // `from: 0` is "the start of the stored counts" (the service starts at the first counted bucket).
    { from: start, to: to ? to.getTime() - 5 * 60_000 : undefined, reset: true },
  );
  const spikes = await listSpikes(db, orgId, { from, to });
  if (ctx.json) {
    writeLine(ctx.io.stdout, JSON.stringify({ spikes }));
    return;
  }
  writeLine(ctx.io.stderr, `evaluated ${result.evaluated} buckets`);
  printSpikes(ctx, spikes);
}

/** `spikes [--from ISO] [--to ISO]`: the stored spikes (clusters), by detection time. */
export async function spikesCommand(ctx: CommandContext): Promise<void> {
  const spikes = await listSpikes(ctx.database.db, ctx.org.id, {
    from: isoOption(ctx, "from"),
    to: isoOption(ctx, "to"),
  });
  if (ctx.json) writeLine(ctx.io.stdout, JSON.stringify({ spikes }));
  else printSpikes(ctx, spikes);
}

function printSpikes(ctx: CommandContext, spikes: Awaited<ReturnType<typeof listSpikes>>) {
  if (spikes.length === 0) {
    writeLine(ctx.io.stdout, "No spikes.");
    return;
  }
  for (const s of spikes) {
    writeLine(
      ctx.io.stdout,
      `#${s.id} ${s.level.padEnd(8)} ${s.topic.padEnd(10)} ${s.regions.join(",").padEnd(16)} detected ${s.detectedAt} ` +
        `peak ${s.observed} vs ${s.expected} expected${s.endedAt ? `, ended ${s.endedAt}` : ", ongoing"}`,
    );
  }
}

/**
 * `score-series <in.csv> <out.csv>`: the detector for one series of any kind (`scoreSeries`: counts or
 * continuous values, any sampling; NAB format, `timestamp,value`), writing `timestamp,anomaly_score`
 * (0/1) with one row per input row.
 */
export async function scoreSeriesCommand(ctx: CommandContext): Promise<void> {
  const [input, output] = ctx.args;
  if (!input || !output) throw new UsageError("give the input CSV and the output CSV");
  let text: string;
  try {
    text = readFileSync(input, "utf8");
  } catch (error) {
    throw new UsageError(
      `cannot read ${input}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message}`,
    );
  }
  let rows: ReturnType<typeof parseSeriesCsv>;
  try {
    rows = parseSeriesCsv(text);
  } catch (error) {
    throw new UsageError(`${input}: ${(error as Error).message}`);
  }
  const scores = scoreSeries(rows);
  writeFileSync(output, formatScoresCsv(rows, scores));
  const flagged = scores.filter((s) => s > 0).length;
  writeLine(
    ctx.io.stdout,
    ctx.json
      ? JSON.stringify({ rows: rows.length, flagged, out: output })
      : `${rows.length} rows scored, ${flagged} flagged → ${output}`,
  );
}
