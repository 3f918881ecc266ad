/**
 * npm run eval:scenario — detection measured on generated scenarios with ground truth: five weeks of
 * ordinary traffic (diurnal and weekly rhythm, evening peaks, weekends) over which a fortnight of scripted
 * events plays: a sharp multi-state outage, a slow nationwide billing build-up, a tiny one-state outage,
 * a nationwide app-login failure, a regional slowdown, and a retweet storm of one post (which must NOT
 * alert), then plain days. Everything goes through the real intake path and the real detector (causal
 * replay over the stored counts). Prints recall, precision, median time to detect and region overlap;
 * last line JSON. `--seeds N` repeats with seeds 1…N (`--seed 3,7` runs those); `--verbose` lists every
 * stored spike; `--reuse` (with DATABASE_URL) keeps each seed's ingested database for the next run;
 * `--set JSON` overrides detector settings (experiments: the defaults are what is reported).
 */
import { createHash } from "node:crypto";
import { parseArgs } from "node:util";
import postgres from "postgres";
import type { DetectorConfigInput } from "~/domain/detection";
import {
  DEMO_BASE_RATE_PER_DAY,
  groundTruth,
  type IncidentScript,
  SCENARIOS,
  simulate,
  US_SIM_REGIONS,
} from "~/domain/simulator";
import { ensureBaseline, requirePrimaryOrganisation } from "~/services/bootstrap.server";
import { clearDetection, detect, listSpikes, type SpikeOut } from "~/services/detection.server";
import { loadEnricher } from "~/services/enrichment.server";
import { ingest } from "~/services/intake.server";
import { type Database, type Db, openDatabase } from "~db/client.server";
import { benchDatabase } from "./support/database";

const DAY = 86_400_000;
const say = (s: string) => process.stderr.write(`${s}\n`);
let verbose = false;
let overrides: DetectorConfigInput | undefined;

interface Outcome {
  seed: number;
  truth: {
    id: string;
    kind: string;
    topic: string;
    regions: string[];
    detected: boolean;
    ttdMinutes: number | null;
    overlap: number;
  }[];
  detectedClusters: number;
  falseClusters: SpikeOut[];
}

interface SeedDatabase {
  database: Database;
  orgId: number;
  done(): Promise<void>;
}

/**
 * The seed's simulated traffic, ingested through the real intake path into a fresh database. With
 * `--reuse` (server only), the ingested database is kept, named by a fingerprint of the simulation's
 * inputs, and later runs skip straight to detection (the detector's stored results are cleared first).
 * Changes to intake or enrichment are not in the fingerprint: drop the `clarion_eval_*` databases then.
 */
async function seedDatabase(
  seed: number,
  sim: { from: number; to: number; incidents: IncidentScript[] },
  reuse: boolean,
): Promise<SeedDatabase> {
  const url = process.env.DATABASE_URL;
  if (reuse && url) {
    const fingerprint = createHash("sha1")
      .update(JSON.stringify({ seed, ...sim, base: DEMO_BASE_RATE_PER_DAY }))
      .digest("hex")
      .slice(0, 12);
    const name = `clarion_eval_${fingerprint}`;
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    const at = (db: string) => {
      const u = new URL(url);
      u.pathname = `/${db}`;
      return u.toString();
    };
    const exists = await admin`select 1 from pg_database where datname = ${name}`;
    if (exists.length === 0) {
      const loading = `${name}_loading`;
      await admin.unsafe(`drop database if exists "${loading}" with (force)`);
      await admin.unsafe(`create database "${loading}"`);
      const database = await openDatabase({ url: at(loading), max: 8 });
      const org = await ensureBaseline(database.db);
      await ingestSeed(database.db, org.id, seed, sim);
      await database.close();
      await admin.unsafe(`alter database "${loading}" rename to "${name}"`);
    } else {
      say(`seed ${seed}: reusing ${name}`);
    }
    const database = await openDatabase({ url: at(name), max: 8 });
    const org = await requirePrimaryOrganisation(database.db);
    await clearDetection({ db: database.db, orgId: org.id }, 0, null);
    return {
      database,
      orgId: org.id,
      async done() {
        await database.close();
        await admin.end();
      },
    };
  }
  const bench = await benchDatabase();
  await ingestSeed(bench.database.db, bench.org.id, seed, sim);
  return { database: bench.database, orgId: bench.org.id, done: () => bench.drop() };
}

async function ingestSeed(
  db: Db,
  orgId: number,
  seed: number,
  sim: { from: number; to: number; incidents: IncidentScript[] },
): Promise<void> {
  const enricher = await loadEnricher(db, orgId);
  let index = 0;
  const items = (function* () {
    for (const value of simulate({
      from: sim.from,
      to: sim.to,
      seed,
      regions: US_SIM_REGIONS,
      baseRatePerDay: DEMO_BASE_RATE_PER_DAY,
      incidents: sim.incidents,
      labels: false,
    })) {
      yield { index: index++, value };
    }
  })();
  const t0 = performance.now();
  const summary = await ingest({ db, orgId, enricher }, items);
  say(
    `seed ${seed}: ${summary.accepted.toLocaleString()} complaints stored in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
}

async function runSeed(seed: number, reuse: boolean): Promise<Outcome> {
  const fortnight = Date.parse("2026-10-05T00:00:00Z");
  const from = fortnight - 21 * DAY;
  const to = fortnight + 16 * DAY;
  const incidents = SCENARIOS["mixed-fortnight"](fortnight);
  const truth = groundTruth(incidents, { from, to });
  const seeded = await seedDatabase(seed, { from, to, incidents }, reuse);
  try {
    const db = seeded.database.db;
    const orgId = seeded.orgId;
    const t1 = performance.now();
    const result = await detect(
      { db, orgId },
      {
        from: fortnight,
        to: to - 5 * 60_000,
        reset: true,
        warmupMs: 7 * DAY,
        now: to + DAY,
        config: overrides,
      },
    );
    say(
      `seed ${seed}: ${result.evaluated} buckets evaluated in ${((performance.now() - t1) / 1000).toFixed(1)} s`,
    );
    const all = await listSpikes(db, orgId);
    if (verbose) {
      for (const s of all)
        say(
          `  ${s.level.padEnd(8)} ${s.topic.padEnd(9)} ${s.startedAt} detected ${s.detectedAt} ended ${s.endedAt} obs ${s.observed} exp ${s.expected} ${s.regions.join(",")}`,
        );
    }
    const spikes = all.filter((s) => s.level === "detected");
    const matched = new Set<number>();
    // A spike matches an event of its topic when it shares a region with it and overlaps it in time
    // (starting no later than an hour after the event's end).
    const matches = (s: SpikeOut, t: (typeof truth)[number]) =>
      s.topic === t.topic &&
      s.regions.some((r) => t.regions.includes(r)) &&
      Date.parse(s.startedAt) <= t.end + 3600_000 &&
      (s.endedAt === null || Date.parse(s.endedAt) >= t.start);
    const rows = truth.map((t) => {
      const hits = spikes.filter((s) => matches(s, t));
      for (const h of hits) matched.add(h.id);
      const first = hits.length ? Math.min(...hits.map((h) => Date.parse(h.detectedAt))) : null;
      const regions = new Set(hits.flatMap((h) => h.regions));
      const union = new Set([...regions, ...t.regions]);
      const overlap = hits.length ? [...regions].filter((r) => t.regions.includes(r)).length / union.size : 0;
      return {
        id: t.id,
        kind: t.kind,
        topic: t.topic,
        regions: t.regions,
        detected: hits.length > 0,
        ttdMinutes: first === null ? null : Math.round((first - t.start) / 60_000),
        overlap: Math.round(overlap * 100) / 100,
      };
    });
    const amplificationIds = new Set(
      spikes.filter((s) => truth.some((t) => t.kind === "amplification" && matches(s, t))).map((s) => s.id),
    );
    const falseClusters = spikes.filter((s) => !matched.has(s.id) || amplificationIds.has(s.id));
    return { seed, truth: rows, detectedClusters: spikes.length, falseClusters };
  } finally {
    await seeded.done();
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      seeds: { type: "string", default: "1" },
      seed: { type: "string" },
      reuse: { type: "boolean", default: false },
      set: { type: "string" },
      verbose: { type: "boolean", default: false },
    },
  });
  const seeds = values.seed
    ? values.seed.split(",").map(Number)
    : Array.from({ length: Number(values.seeds) }, (_, i) => i + 1);
  verbose = values.verbose;
  overrides = values.set ? (JSON.parse(values.set) as DetectorConfigInput) : undefined;
  const outcomes: Outcome[] = [];
  for (const seed of seeds) outcomes.push(await runSeed(seed, values.reuse));

  say("");
  say("seed  event                         kind           detected  ttd(min)  region overlap");
  for (const o of outcomes) {
    for (const t of o.truth) {
      say(
        `${String(o.seed).padEnd(5)} ${t.id.padEnd(29)} ${t.kind.padEnd(14)} ${String(t.detected).padEnd(9)} ${String(t.ttdMinutes ?? "-").padEnd(9)} ${t.overlap}`,
      );
    }
    for (const f of o.falseClusters)
      say(`${String(o.seed).padEnd(5)} FALSE ALARM ${f.topic} ${f.regions.join(",")} at ${f.detectedAt}`);
  }
  const incidents = outcomes.flatMap((o) => o.truth.filter((t) => t.kind === "incident"));
  const amplification = outcomes.flatMap((o) => o.truth.filter((t) => t.kind === "amplification"));
  const recall = incidents.filter((t) => t.detected).length / incidents.length;
  const detectedClusters = outcomes.reduce((s, o) => s + o.detectedClusters, 0);
  const falseClusters = outcomes.reduce((s, o) => s + o.falseClusters.length, 0);
  const precision = detectedClusters === 0 ? 1 : (detectedClusters - falseClusters) / detectedClusters;
  const ttds = incidents
    .filter((t) => t.ttdMinutes !== null)
    .map((t) => t.ttdMinutes as number)
    .sort((a, b) => a - b);
  const median = ttds.length ? ttds[Math.floor((ttds.length - 1) / 2)] : null;
  const overlap =
    incidents.filter((t) => t.detected).reduce((s, t) => s + t.overlap, 0) /
    Math.max(1, incidents.filter((t) => t.detected).length);
  say("");
  say(
    `recall ${recall.toFixed(2)} (target ≥ 0.95) · precision ${precision.toFixed(2)} (target ≥ 0.9) · median time to detect ${median} min (target ≤ 10) · region overlap ${overlap.toFixed(2)} · amplification alerts ${amplification.filter((a) => a.detected).length}/${amplification.length}`,
  );
  console.log(
    JSON.stringify({
      bench: "scenario",
      recall: round(recall),
      precision: round(precision),
      medianTtdMinutes: median,
      regionOverlap: round(overlap),
      amplificationAlerts: amplification.filter((a) => a.detected).length,
      incidents: incidents.length,
      detectedClusters,
      falseClusters,
      seeds: seeds.length,
    }),
  );
}

function round(n: number) {
  return Math.round(n * 100) / 100;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
