/**
 * Detection benchmark: `npx tsx bench/detect/detect.bench.ts [--weeks 8] [--iterations 30]`
 *
 * Synthetic but realistic counts for 51 regions × 10 topics in 5-minute buckets: each cell's rate is a
 * region size (log-normal) × a topic share, with a diurnal cycle in the region's own UTC offset and a
 * weekend dip, and negative-binomial noise (overdispersed: size 3–20). A few spikes are injected, some
 * across neighbouring regions. Measures, on the same inputs:
 *   1. one new bucket for all 510 cells with 8 weeks of history (inputs already read; median of runs),
 *   2. a full causal replay of the 8 weeks (every bucket in order, with the spike tracker),
 * for the detector and for a naive baseline (z-score against the pooled seasonal values, z > 4), and
 * prints the ratio; then
 *   3. what `npm run cli -- detect` does over the same counts: they are stored in complaint_counts of a
 *      throwaway database (the server at DATABASE_URL, else embedded), the organisation gets the two
 *      extra topics, and the detect service replays every bucket from the first count (reading the
 *      counts, per-region time zones, each topic's all-regions cell, tracking, clustering, storing),
 *      timed as wall and CPU time (the machine is shared: CPU time is the steadier figure). `--no-db`
 *      skips it.
 * Flags: `--no-replay` skips 2 (the engine-only replay), `--no-db` skips 3, `--hash` prints a hash of every
 * decision and of the final states for 2 and 3 (compare two versions of the detector on the same counts:
 * equal hashes, identical outputs). Replays are timed as wall and CPU time (process.cpuUsage), with the
 * load average when they started (the machine is shared).
 * Last line: {"bench":"detect","serviceReplayMs":..,"serviceReplayCpuMs":..,"serviceHash":..,"replayMs":..,
 * "replayCpuMs":..,"ratioReplay":..,"cells":510,..}
 */
import os from "node:os";
import { sql } from "drizzle-orm";
import { clusterSpikes } from "~/domain/detection/cluster";
import { resolveConfig } from "~/domain/detection/config";
import { type CellDecision, type CellInput, type CellState, evaluateBucket } from "~/domain/detection/engine";
import { type Spike, type TrackerState, trackBucket } from "~/domain/detection/lifecycle";
import { seasonalBucketStarts } from "~/domain/detection/seasonal";
import { negBinom, rng } from "~/domain/detection/synthetic";
import { detect } from "~/services/detection.server";
import { complaintCounts, topics } from "~db/schema";
import { benchDatabase } from "../support/database";
import { DecisionHash } from "./decision-hash";

const flag = (name: string) => process.argv.includes(`--${name}`);
function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const REGIONS =
  "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY".split(
    " ",
  );
const TOPICS = [
  "outage",
  "degraded",
  "billing",
  "app-login",
  "install",
  "support",
  "safety",
  "other",
  "network",
  "moving",
];
const WEEKS = arg("weeks", 8);
const ITER = arg("iterations", 30);
const STEP = 300_000;
const PER_WEEK = 2016;
const TZ = "America/New_York";
const config = resolveConfig({ timeZone: TZ });
const h = config.seasonal.halfWidth;
const START = Date.UTC(2026, 0, 5, 5); // Monday 00:00 New York
const N = WEEKS * PER_WEEK; // history; bucket N is the "new" one

// --- synthetic counts -------------------------------------------------------------------------
const rand = rng(2026);
const gauss = () => Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-12))) * Math.cos(2 * Math.PI * rand());
const topicShare = [0.3, 0.15, 0.15, 0.12, 0.08, 0.1, 0.02, 0.05, 0.02, 0.01];
const regionSize = REGIONS.map(() => Math.exp(0.9 * gauss()) * 1.2);
const offsetOf = (r: string) =>
  ["CA", "NV", "OR", "WA"].includes(r)
    ? -8
    : ["AZ", "CO", "ID", "MT", "NM", "UT", "WY"].includes(r)
      ? -7
      : -5;
interface Cell {
  region: string;
  topic: string;
  values: Float64Array;
}
const cells: Cell[] = [];
for (const [ri, region] of REGIONS.entries()) {
  for (const [ti, topic] of TOPICS.entries()) {
    const base = regionSize[ri] * topicShare[ti] * 4; // mean per bucket
    const size = 3 + 17 * rand();
    const off = offsetOf(region) * 3600_000;
    const values = new Float64Array(N + 1);
    for (let i = 0; i <= N; i++) {
      const t = START + i * STEP + off;
      const hour = (t / 3600_000) % 24;
      const dow = new Date(t).getUTCDay();
      const rate =
        base * (1 + 0.7 * Math.cos(((hour - 15) / 24) * 2 * Math.PI)) * (dow === 0 || dow === 6 ? 0.7 : 1);
      values[i] = negBinom(rand, rate, size);
    }
    cells.push({ region, topic, values });
  }
}
// Injected spikes: [regions, topic, start bucket, length, multiplier]
const injected: [string[], string, number, number, number][] = [
  [["CA", "NV", "OR"], "outage", 3 * PER_WEEK + 1500, 24, 8],
  [["TX"], "billing", 4 * PER_WEEK + 300, 12, 5],
  [["NY", "NJ"], "outage", 5 * PER_WEEK + 900, 36, 6],
  [["FL"], "safety", 6 * PER_WEEK + 700, 6, 15],
  [["WA"], "degraded", 7 * PER_WEEK + 1200, 48, 3],
];
for (const [regions, topic, at, len, mult] of injected) {
  for (const c of cells) {
    if (c.topic !== topic || !regions.includes(c.region)) continue;
    const base = Math.max(2, c.values.slice(at - 288, at).reduce((a, b) => a + b, 0) / 288);
    for (let k = 0; k < len; k++)
      c.values[at + k] += Math.round(base * (mult - 1) * Math.min(1, (k + 2) / 4));
  }
}
const totalCounts = cells.reduce((s, c) => s + c.values.reduce((a, b) => a + b, 0), 0);
console.log(
  `${cells.length} cells, ${N} buckets of history (${WEEKS} weeks), ${Math.round(totalCounts).toLocaleString("en-US")} complaints, ${injected.length} injected spikes`,
);

// --- inputs -------------------------------------------------------------------------------------
function inputsAt(i: number, states: (CellState | null)[]): CellInput[] {
  const bucketStart = START + i * STEP;
  // The same local time of week in past weeks (DST-aware), as index ranges into each cell's counts;
  // inputs are zero-copy views, as a caller holding the counts in typed arrays would pass them.
  const firsts = seasonalBucketStarts(bucketStart, TZ, config.seasonal.weeks, h, config.bucketMinutes)
    .map((row) => Math.round((row[0] - START) / STEP))
    .filter((first) => first >= 0);
  const width = 2 * h + 1;
  const from = Math.max(0, i - config.recentBuckets);
  return cells.map((c, k) => ({
    region: c.region,
    topic: c.topic,
    observed: c.values[i],
    seasonal: firsts.map((first) => c.values.subarray(first, first + width)),
    recent: c.values.subarray(from, i),
    state: states[k],
  }));
}

/** Naive baseline: z-score of the observed count against the pooled seasonal values (else recent). */
function naiveBucket(inputs: CellInput[]): { flagged: boolean }[] {
  return inputs.map((c) => {
    let n = 0;
    let s = 0;
    let ss = 0;
    const add = (v: number) => {
      n++;
      s += v;
      ss += v * v;
    };
    if (c.seasonal.length > 0) for (const row of c.seasonal) for (let j = 0; j < row.length; j++) add(row[j]);
    else for (let j = Math.max(0, c.recent.length - 36); j < c.recent.length; j++) add(c.recent[j]);
    if (n < 12) return { flagged: false };
    const mean = s / n;
    const sd = Math.sqrt(Math.max(ss / n - mean * mean, 0) * (n / (n - 1))) || 1;
    return { flagged: (c.observed - mean) / sd > 4 && c.observed >= 5 };
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

// --- 1. one bucket ------------------------------------------------------------------------------
// Warm states: replay the last day before bucket N so the states are realistic.
let states: (CellState | null)[] = cells.map(() => null);
for (let i = N - 288; i < N; i++)
  states = evaluateBucket({ bucketStart: START + i * STEP, config, cells: inputsAt(i, states) }).map(
    (d) => d.state,
  );
const buildTimes: number[] = [];
const bucketTimes: number[] = [];
const naiveTimes: number[] = [];
let lastDecisions: CellDecision[] = [];
for (let it = 0; it < ITER; it++) {
  let t = performance.now();
  const inputs = inputsAt(N, states);
  buildTimes.push(performance.now() - t);
  t = performance.now();
  lastDecisions = evaluateBucket({ bucketStart: START + N * STEP, config, cells: inputs });
  bucketTimes.push(performance.now() - t);
  t = performance.now();
  naiveBucket(inputs);
  naiveTimes.push(performance.now() - t);
}
const bucketMs = median(bucketTimes);
const naiveBucketMs = median(naiveTimes);
console.log(
  `one bucket, ${cells.length} cells, ${WEEKS} weeks of history: ${bucketMs.toFixed(2)} ms (median of ${ITER}; target < 100 ms) · naive z-score ${naiveBucketMs.toFixed(2)} ms · building the inputs ${median(buildTimes).toFixed(2)} ms · flagged ${lastDecisions.filter((d) => d.level).length}`,
);

// --- 2. full causal replay ------------------------------------------------------------------------
// `--no-replay` skips it (the service replay below is the figure the target is about).
const replayHash = flag("hash") ? new DecisionHash() : null;
const load0 = os.loadavg();
const replayCpu0 = process.cpuUsage();
const N2 = flag("no-replay") ? 0 : N;
states = cells.map(() => null);
let tracker: TrackerState | null = null;
const spikes: Spike[] = [];
let detectMs = 0;
let naiveMs = 0;
let naiveAlarms = 0;
const naiveOpen = new Set<number>();
const t0 = performance.now();
for (let i = 0; i < N2; i++) {
  const inputs = inputsAt(i, states);
  let t = performance.now();
  const decisions = evaluateBucket({ bucketStart: START + i * STEP, config, cells: inputs, inPlace: true });
  const tracked = trackBucket(tracker, START + i * STEP, decisions, config);
  detectMs += performance.now() - t;
  replayHash?.add(decisions);
  tracker = tracked.state;
  states = decisions.map((d) => d.state);
  for (const e of tracked.events) if (e.type === "ended") spikes.push(e.spike);
  t = performance.now();
  naiveBucket(inputs).forEach((d, k) => {
    if (d.flagged && !naiveOpen.has(k)) naiveAlarms++;
    if (d.flagged) naiveOpen.add(k);
    else naiveOpen.delete(k);
  });
  naiveMs += performance.now() - t;
  if (i > 0 && i % PER_WEEK === 0) {
    console.log(
      `  replay: week ${i / PER_WEEK} done, ${((performance.now() - t0) / 1000).toFixed(1)} s elapsed`,
    );
  }
}
if (tracker) spikes.push(...Object.values((tracker as TrackerState).open));
const wallMs = performance.now() - t0;
const replayCpu = process.cpuUsage(replayCpu0);
const replayCpuMs = Math.round((replayCpu.user + replayCpu.system) / 1000);
replayHash?.addStates(states);

// Quality on the injected spikes (after the first week, where both detectors have a season).
const hit = (s: { region: string; topic: string; startedAt: number; endedAt: number | null }) =>
  injected.some(
    ([regions, topic, at, len]) =>
      s.topic === topic &&
      regions.includes(s.region) &&
      s.startedAt <= START + (at + len) * STEP &&
      (s.endedAt ?? Number.POSITIVE_INFINITY) >= START + at * STEP,
  );
const detected = spikes.filter((s) => s.level === "detected" && s.startedAt >= START + PER_WEEK * STEP);
const injectedCells = injected.reduce((n, [r]) => n + r.length, 0);
const caught = injected.reduce(
  (n, [regions, topic]) =>
    n + regions.filter((r) => detected.some((s) => s.region === r && s.topic === topic && hit(s))).length,
  0,
);
const falseAlarms = detected.filter((s) => !hit(s)).length;
console.log(
  `replay of ${N2} buckets × ${cells.length} cells: detector ${(detectMs / 1000).toFixed(1)} s (${(((detectMs / N2) * 1000) / cells.length).toFixed(1)} µs per cell-bucket), naive ${(naiveMs / 1000).toFixed(1)} s, wall with input building ${(wallMs / 1000).toFixed(1)} s, CPU ${(replayCpuMs / 1000).toFixed(1)} s (load average ${load0.map((l) => l.toFixed(1)).join(" ")})${replayHash ? `; decisions hash ${replayHash.hex()}` : ""}`,
);
console.log(
  `detected spikes after week 1: ${detected.length}; injected cells caught ${caught}/${injectedCells}; detected spikes outside injections ${falseAlarms} (${((falseAlarms / ((N - PER_WEEK) * cells.length)) * 288 * cells.length).toFixed(2)} per day over all cells); naive z > 4 alarms: ${naiveAlarms}`,
);
const possibleOnly = spikes.filter(
  (s) => s.level === "possible" && s.startedAt >= START + PER_WEEK * STEP && !hit(s),
);
console.log(
  `possible-only spikes outside injections after week 1: ${possibleOnly.length} (${((possibleOnly.length / (N - PER_WEEK)) * 288).toFixed(2)} per day over all ${cells.length} cells)`,
);
// Clustering of the detected spikes over neighbouring regions (a few neighbour lists suffice here).
const neighbours = new Map<string, string[]>([
  ["CA", ["OR", "NV", "AZ"]],
  ["NV", ["CA", "OR", "ID", "UT", "AZ"]],
  ["OR", ["CA", "NV", "WA", "ID"]],
  ["WA", ["OR", "ID"]],
  ["NY", ["NJ", "PA", "CT", "MA", "VT"]],
  ["NJ", ["NY", "PA", "DE"]],
  ["TX", ["NM", "OK", "AR", "LA"]],
  ["FL", ["GA", "AL"]],
]);
const t1 = performance.now();
const clusters = clusterSpikes(detected, neighbours);
console.log(
  `clusters of detected spikes (${(performance.now() - t1).toFixed(1)} ms): ${clusters.map((c) => `${c.topic}:${c.regions.join("+")}`).join(", ")}`,
);
console.log(
  `ratio detector / naive: one bucket ${(bucketMs / naiveBucketMs).toFixed(1)}×, replay ${(detectMs / naiveMs).toFixed(1)}×`,
);
// --- 3. the detect service over the database (what `npm run cli -- detect` runs) -------------------
let serviceReplayMs: number | null = null;
let serviceReplayCpuMs: number | null = null;
let serviceDb: string | null = null;
let serviceHash: string | null = null;
let serviceLoad: number[] | null = null;
if (!flag("no-db")) {
  const bench = await benchDatabase();
  serviceDb = bench.label;
  try {
    const db = bench.database.db;
    const orgId = bench.org.id;
    await db
      .insert(topics)
      .values(
        TOPICS.slice(8).map((slug, k) => ({ orgId, slug, label: slug, keywords: [slug], position: 8 + k })),
      )
      .onConflictDoNothing();
    // One insert per cell (the non-zero buckets as two arrays, unnested): the row-by-row drizzle
    // insert took minutes for the 3 M rows of 8 weeks, all of it before the part that is timed.
    let stored = 0;
    const tl = performance.now();
    for (const c of cells) {
      const at: number[] = [];
      const ns: number[] = [];
      for (let i = 0; i < N; i++) {
        if (c.values[i] <= 0) continue;
        at.push((START + i * STEP) / 1000);
        ns.push(c.values[i]);
      }
      await db.execute(sql`
        insert into ${complaintCounts} (org_id, region_code, topic_slug, bucket_start, count, raw_count)
        select ${orgId}, ${c.region}, ${c.topic}, to_timestamp(u.at), u.n, u.n
        from unnest(${`{${at.join(",")}}`}::float8[], ${`{${ns.join(",")}}`}::int4[]) as u(at, n)`);
      stored += at.length;
    }
    console.log(
      `stored ${stored.toLocaleString("en-US")} non-zero counts in ${((performance.now() - tl) / 1000).toFixed(1)} s (${bench.label})`,
    );
    // `--hash`: a hash of every decision and of the final states (to compare two versions of the
    // detector on the same counts: equal hashes, equal outputs). Off by default: it is timed with the rest.
    const hash = flag("hash") ? new DecisionHash() : null;
    let last: readonly CellDecision[] = [];
    serviceLoad = os.loadavg();
    const cpu0 = process.cpuUsage();
    const t = performance.now();
    const result = await detect(
      { db, orgId },
      {
        from: 0,
        to: START + (N - 1) * STEP,
        reset: true,
        now: START + (N + 12) * STEP,
        onDecisions: hash
          ? (_at, decisions) => {
              hash.add(decisions);
              last = decisions;
            }
          : undefined,
      },
    );
    serviceReplayMs = Math.round(performance.now() - t);
    const cpu = process.cpuUsage(cpu0);
    serviceReplayCpuMs = Math.round((cpu.user + cpu.system) / 1000);
    if (hash) {
      hash.addStates(last.map((d) => d.state));
      serviceHash = hash.hex();
    }
    console.log(
      `detect service replay (${bench.label}): ${result.evaluated} buckets × ${cells.length + TOPICS.length} cells (with each topic's all-regions cell) in ${(serviceReplayMs / 1000).toFixed(1)} s wall, ${(serviceReplayCpuMs / 1000).toFixed(1)} s CPU (target < 60 s; load average ${serviceLoad.map((l) => l.toFixed(1)).join(" ")} before, ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")} after)${serviceHash ? `; decisions hash ${serviceHash}` : ""}`,
    );
  } finally {
    await bench.drop();
  }
}

console.log(
  JSON.stringify({
    bench: "detect",
    serviceReplayMs,
    serviceReplayCpuMs,
    serviceDb,
    serviceHash,
    serviceLoad: serviceLoad?.map((l) => Number(l.toFixed(2))) ?? null,
    bucketMs: Number(bucketMs.toFixed(2)),
    replayMs: Math.round(detectMs),
    replayCpuMs,
    replayWallMs: Math.round(wallMs),
    replayHash: N2 > 0 && replayHash ? replayHash.hex() : null,
    replayLoad: load0.map((l) => Number(l.toFixed(2))),
    cells: cells.length,
    buckets: N,
    naiveBucketMs: Number(naiveBucketMs.toFixed(2)),
    naiveReplayMs: Math.round(naiveMs),
    ratioBucket: Number((bucketMs / naiveBucketMs).toFixed(1)),
    ratioReplay: Number((detectMs / naiveMs).toFixed(1)),
    injectedCaught: caught,
    injectedCells,
    falseAlarms,
    naiveAlarms,
  }),
);
