/**
 * npm run eval:scenario — detection measured on generated scenarios with ground truth: five weeks of
 * ordinary traffic (diurnal and weekly rhythm, evening peaks, weekends) over which a fortnight of scripted
 * events plays: a sharp multi-state outage, a slow nationwide billing build-up, a tiny one-state outage,
 * a nationwide app-login failure, a regional slowdown, and a retweet storm of one post (which must NOT
 * alert), then plain days. Everything goes through the real intake path and the real detector (causal
 * replay over the stored counts). Prints recall, precision, median time to detect and region overlap;
 * last line JSON. `--seeds N` repeats with N seeds.
 */
import { parseArgs } from "node:util";
import { DEMO_BASE_RATE_PER_DAY, groundTruth, SCENARIOS, simulate, US_SIM_REGIONS } from "~/domain/simulator";
import { detect, listSpikes, type SpikeOut } from "~/services/detection.server";
import { loadEnricher } from "~/services/enrichment.server";
import { ingest } from "~/services/intake.server";
import { benchDatabase } from "./support/database";

const DAY = 86_400_000;
const say = (s: string) => process.stderr.write(`${s}\n`);

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

async function runSeed(seed: number): Promise<Outcome> {
  const fortnight = Date.parse("2026-10-05T00:00:00Z");
  const from = fortnight - 21 * DAY;
  const to = fortnight + 16 * DAY;
  const incidents = SCENARIOS["mixed-fortnight"](fortnight);
  const truth = groundTruth(incidents, { from, to });
  const bench = await benchDatabase();
  try {
    const { db } = bench.database;
    const orgId = bench.org.id;
    const enricher = await loadEnricher(db, orgId);
    let index = 0;
    const items = (function* () {
      for (const value of simulate({
        from,
        to,
        seed,
        regions: US_SIM_REGIONS,
        baseRatePerDay: DEMO_BASE_RATE_PER_DAY,
        incidents,
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
    const t1 = performance.now();
    const result = await detect(
      { db, orgId },
      { from: fortnight, to: to - 5 * 60_000, reset: true, warmupMs: 7 * DAY, now: to + DAY },
    );
    say(
      `seed ${seed}: ${result.evaluated} buckets evaluated in ${((performance.now() - t1) / 1000).toFixed(1)} s`,
    );
    const spikes = (await listSpikes(db, orgId)).filter((s) => s.level === "detected");
    const matched = new Set<number>();
    const rows = truth.map((t) => {
      const hits = spikes.filter(
        (s) =>
          s.topic === t.topic &&
          s.regions.some((r) => t.regions.includes(r)) &&
          Date.parse(s.startedAt) <= t.end + 3600_000 &&
          (s.endedAt === null || Date.parse(s.endedAt) >= t.start),
      );
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
      spikes
        .filter((s) =>
          truth.some(
            (t) =>
              t.kind === "amplification" &&
              s.topic === t.topic &&
              s.regions.some((r) => t.regions.includes(r)),
          ),
        )
        .map((s) => s.id),
    );
    const falseClusters = spikes.filter((s) => !matched.has(s.id) || amplificationIds.has(s.id));
    return { seed, truth: rows, detectedClusters: spikes.length, falseClusters };
  } finally {
    await bench.drop();
  }
}

async function main() {
  const { values } = parseArgs({ options: { seeds: { type: "string", default: "1" } } });
  const seeds = Array.from({ length: Number(values.seeds) }, (_, i) => i + 1);
  const outcomes: Outcome[] = [];
  for (const seed of seeds) outcomes.push(await runSeed(seed));

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
