import { and, asc, eq, gte, inArray, isNull, lte, min, ne, notInArray, type SQL, sql } from "drizzle-orm";
import {
  ALL_REGIONS,
  affectedArea,
  type CellDecision,
  type CellInput,
  type CellState,
  type ClusterableSpike,
  clusterSpikes,
  type DetectorConfig,
  type DetectorConfigInput,
  evaluateBucket,
  largestConnectedPart,
  resolveConfig,
  risingNeighbours,
  type Spike,
  type SpikeCluster,
  seasonalBucketStarts,
  type TrackerState,
  trackBucket,
} from "~/domain/detection";
import { AppError } from "~/utils/errors";
import type { Db } from "~db/client.server";
import { dbErrorInfo } from "~db/errors";
import {
  complaintCounts,
  detectionRuns,
  detectorCells,
  incidents,
  regions,
  spikeClusters,
  spikes,
  topics,
} from "~db/schema";
import { UNKNOWN_REGION } from "~db/schema/enums";
import { readJobState, writeJobState } from "./jobs.server";

/**
 * Detection over the stored 5-minute counts (never raw complaints), causally: bucket by bucket in time
 * order, each decision using only counts up to the end of its bucket. Live, the console evaluates every
 * bucket once it has closed (plus a short grace for late arrivals); `detect` replays a range the same way.
 * Cell spikes and their clusters are stored; an open cluster overlapping an open incident's regions and
 * topic is suggested for linking to it.
 */

const BUCKET = 5 * 60_000;
const WEEK = 7 * 86_400_000;
/** Late complaints (webhook lag, batch uploads) still count if they arrive within this after a bucket. */
export const CLOSE_GRACE_MS = 60_000;
/** Ended spikes stay in clustering this long, so a cluster keeps members that just ended. */
const CLUSTER_MEMORY_MS = 2 * 3600_000;
const JOB = "detector";

/** What each constraint of the detection tables guarantees, for messages about a write that broke it. */
const CONSTRAINT_MEANING: Record<string, string> = {
  spikes_open_cell_key: "at most one open spike per region × topic",
  spikes_org_key: "one row per spike key",
  spikes_cluster_id_spike_clusters_id_fk: "a spike's cluster must exist",
  spike_clusters_org_key: "one row per cluster key",
  spikes_level_check: "level is possible or detected",
  spike_clusters_level_check: "level is possible or detected",
};

/** A detection result that could not be stored: which one, and which rule of the database it broke. */
export class DetectionStoreError extends AppError {
  constructor(
    readonly what: string,
    readonly constraint: string | null,
    detail: string,
  ) {
    super(`detect could not store ${what}: ${detail}`);
  }
}

/** Runs one write; a failure becomes a DetectionStoreError naming the constraint, not the SQL. */
async function storing<T>(what: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const info = dbErrorInfo(error);
    if (!info) throw error;
    const meaning = info.constraint ? CONSTRAINT_MEANING[info.constraint] : undefined;
    const broke = info.constraint
      ? `it breaks ${info.constraint}${meaning ? ` (${meaning})` : ""}`
      : `${info.message}${info.code ? ` (SQLSTATE ${info.code})` : ""}`;
    throw new DetectionStoreError(what, info.constraint, `${broke}${info.detail ? `. ${info.detail}` : ""}`);
  }
}

export interface DetectionContext {
  db: Db;
  orgId: number;
}

interface DetectorJobState extends Record<string, unknown> {
  tracker: TrackerState | null;
  clusters: SpikeCluster[];
  /** Spikes that ended recently (still shown in their clusters). */
  ended: Spike[];
  /**
   * Aggregate (all-regions) spikes by spike key: the union of their affected areas so far, whether
   * they were ever diffuse, and whether they take part in clustering (see `areaSpikes`).
   */
  areas?: Record<string, AreaMemory>;
  /** Regional spikes by spike key: the neighbours that rose with them (see `clusterable`). */
  fringes?: Record<string, string[]>;
}

interface AreaMemory {
  regions: string[];
  diffuse: boolean;
  linked: boolean;
  /** Consecutive buckets judged diffuse so far (absent in job states stored before it existed). */
  diffuseRun?: number;
}

interface CellMeta {
  region: string;
  topic: string;
  timeZone: string;
}

/** Counts for every cell over a window, as one typed array per cell (missing buckets are zero). */
class CountWindow {
  readonly series = new Map<string, Float64Array>();
  constructor(
    readonly start: number,
    readonly buckets: number,
  ) {}

  cell(key: string): Float64Array {
    let s = this.series.get(key);
    if (!s) {
      s = new Float64Array(this.buckets);
      this.series.set(key, s);
    }
    return s;
  }

  index(bucketStart: number): number {
    return Math.round((bucketStart - this.start) / BUCKET);
  }
}

/**
 * Every region's counts over the window, and each topic's aggregate (`ALL_REGIONS`): the sum over all
 * regions including complaints whose region is unknown — many posts carry no location, but they still
 * say how many people complain about the topic.
 */
async function loadCounts(db: Db, orgId: number, from: number, to: number): Promise<CountWindow> {
  const window = new CountWindow(from, Math.max(1, Math.round((to - from) / BUCKET) + 1));
  // Bucket starts as epoch milliseconds (whole seconds: exact in float8), not Dates: a long replay
  // reads millions of rows, and parsing each timestamp was a good part of its time.
  const rows = await db
    .select({
      region: complaintCounts.regionCode,
      topic: complaintCounts.topicSlug,
      at: sql<number>`(extract(epoch from ${complaintCounts.bucketStart}) * 1000)::float8`.mapWith(Number),
      n: complaintCounts.count,
    })
    .from(complaintCounts)
    .where(
      and(
        eq(complaintCounts.orgId, orgId),
        gte(complaintCounts.bucketStart, new Date(from)),
        lte(complaintCounts.bucketStart, new Date(to)),
      ),
    );
  // Each region × topic's series and its topic's aggregate, looked up without building a key per row.
  const byRegion = new Map<string, Map<string, [Float64Array | null, Float64Array]>>();
  for (const r of rows) {
    const i = window.index(r.at);
    if (i < 0 || i >= window.buckets) continue;
    let byTopic = byRegion.get(r.region);
    if (!byTopic) {
      byTopic = new Map();
      byRegion.set(r.region, byTopic);
    }
    let pair = byTopic.get(r.topic);
    if (!pair) {
      pair = [
        r.region !== UNKNOWN_REGION ? window.cell(`${r.region}|${r.topic}`) : null,
        window.cell(`${ALL_REGIONS}|${r.topic}`),
      ];
      byTopic.set(r.topic, pair);
    }
    if (pair[0]) pair[0][i] = r.n;
    pair[1][i] += r.n;
  }
  return window;
}

/** When this organisation's counts begin: weeks before it are not history (not zeros). */
async function countingStart(db: Db, orgId: number): Promise<number | null> {
  const [row] = await db
    .select({ at: min(complaintCounts.bucketStart) })
    .from(complaintCounts)
    .where(eq(complaintCounts.orgId, orgId));
  return row?.at ? row.at.getTime() : null;
}

export interface DetectOptions {
  /** First bucket to evaluate (ms); default: where the last run stopped. */
  from?: number;
  /** Last bucket start to evaluate (ms, inclusive); default: the last closed bucket. */
  to?: number;
  /** Evaluate this long before `from` without storing spikes, to warm the detector up (replays). */
  warmupMs?: number;
  /** Start from a clean detector (replay); live runs continue from the stored state. */
  reset?: boolean;
  config?: DetectorConfigInput;
  now?: number;
  /**
   * Called with every bucket's decisions, warm-up included (diagnostics: evaluations and benches). A
   * decision's `state` is the cell's live state, updated in place by the next bucket: copy what you keep.
   */
  onDecisions?: (bucketStart: number, decisions: readonly CellDecision[]) => void;
}

export interface DetectResult {
  evaluated: number;
  from: number | null;
  to: number | null;
  /** Ids of clusters created or changed. */
  changedClusterIds: number[];
}

/** Evaluate every bucket not yet evaluated, up to the last closed one, and store what changed. */
export async function detect(ctx: DetectionContext, options: DetectOptions = {}): Promise<DetectResult> {
  const { db, orgId } = ctx;
  const now = options.now ?? Date.now();
  const config = resolveConfig(options.config);
  const dataStart = await countingStart(db, orgId);
  if (dataStart === null) return { evaluated: 0, from: null, to: null, changedClusterIds: [] };
  const lastClosed = Math.floor((now - CLOSE_GRACE_MS) / BUCKET) * BUCKET - BUCKET;
  const to = Math.min(options.to ?? lastClosed, lastClosed);
  const [run] = await db.select().from(detectionRuns).where(eq(detectionRuns.orgId, orgId));
  const resume = !options.reset && run?.evaluatedThrough ? run.evaluatedThrough.getTime() : null;
  // A first live run starts a day back (enough to catch what is happening now) after a week's warm-up.
  const from = Math.max(dataStart, options.from ?? resume ?? Math.max(dataStart, to - 86_400_000));
  const warmFrom =
    options.reset || resume === null
      ? Math.max(dataStart, from - (options.warmupMs ?? 7 * 86_400_000))
      : from;
  if (to < warmFrom) return { evaluated: 0, from, to, changedClusterIds: [] };

  const cells = await cellsOf(db, orgId);
  const regionCodes = [...new Set(cells.filter((c) => c.region !== ALL_REGIONS).map((c) => c.region))];
  const neighbours = await neighbourMap(db, orgId);
  const job: DetectorJobState = (!options.reset &&
    (await readJobState<DetectorJobState>(db, orgId, JOB))) || { tracker: null, clusters: [], ended: [] };
  job.areas ??= {};
  const cellStates = new Map<string, CellState | null>();
  if (!options.reset && resume !== null) {
    for (const row of await db.select().from(detectorCells).where(eq(detectorCells.orgId, orgId))) {
      cellStates.set(`${row.regionCode}|${row.topicSlug}`, row.state as unknown as CellState);
    }
  }

  const lookback = config.seasonal.weeks * WEEK + (config.seasonal.halfWidth + 2) * BUCKET + 2 * 3600_000;
  const windowStart =
    Math.floor((warmFrom - Math.max(lookback, (config.recentBuckets + 1) * BUCKET)) / BUCKET) * BUCKET;
  const counts = await loadCounts(db, orgId, windowStart, to);
  const spikeChanges = new Map<string, Spike>();
  const clusterOfSpike = new Map<string, string>();
  const clusterChanges = new Map<string, SpikeCluster>();
  /** Cluster keys merged into another during this run → the key that absorbed them (see `persist`). */
  const absorbedInto = new Map<string, string>();
  let evaluated = 0;

  // Per-bucket inputs without per-bucket garbage: one CellInput per cell, reused; each past week's
  // counts copied into the cell's own buffers (the engine reads inputs only during the call).
  const width = 2 * config.seasonal.halfWidth + 1;
  const zones = [...new Set(cells.map((c) => c.timeZone))];
  const zoneOf = cells.map((c) => zones.indexOf(c.timeZone));
  const seriesOf = cells.map((c) => counts.cell(`${c.region}|${c.topic}`));
  const weekBuffers = cells.map(() =>
    Array.from({ length: config.seasonal.weeks }, () => new Float64Array(width)),
  );
  /** Each cell's list of past-week rows, reused while the number of weeks stays the same. */
  const seasonalOf: Float64Array[][] = cells.map(() => []);
  const states = cells.map((c) => cellStates.get(`${c.region}|${c.topic}`) ?? null);
  const inputs: CellInput[] = cells.map((c, k) => ({
    region: c.region,
    topic: c.topic,
    observed: 0,
    seasonal: [],
    recent: seriesOf[k].subarray(0, 0),
    state: states[k],
  }));
  for (let t = warmFrom; t <= to; t += BUCKET) {
    const i = counts.index(t);
    // The first index of each past week's window, per time zone (weeks before the counts began left out).
    const firsts = zones.map((zone) =>
      seasonalBucketStarts(t, zone, config.seasonal.weeks, config.seasonal.halfWidth, config.bucketMinutes)
        .filter((week) => week[0] >= dataStart)
        .map((week) => counts.index(week[0])),
    );
    const recentStart = Math.max(counts.index(Math.max(dataStart, t - config.recentBuckets * BUCKET)), 0);
    for (let k = 0; k < cells.length; k++) {
      const series = seriesOf[k];
      const weeks = firsts[zoneOf[k]];
      const buffers = weekBuffers[k];
      let seasonal = seasonalOf[k];
      if (seasonal.length !== weeks.length) {
        seasonal = buffers.slice(0, weeks.length);
        seasonalOf[k] = seasonal;
      }
      for (let w = 0; w < weeks.length; w++) {
        const a = weeks[w];
        const buffer = buffers[w];
        if (a >= 0 && a + width <= series.length) {
          for (let j = 0; j < width; j++) buffer[j] = series[a + j];
          seasonal[w] = buffer;
        } else if (a >= 0) {
          for (let j = 0; j < width; j++) buffer[j] = series[a + j] ?? 0;
          seasonal[w] = buffer;
        } else {
          // Never in practice (the counts are loaded from a full lookback before the first bucket):
          // a window starting before them keeps what was loaded of it.
          const n = Math.max(0, a + width);
          for (let j = 0; j < n; j++) buffer[j] = series[j];
          seasonal[w] = buffer.subarray(0, n);
          seasonalOf[k] = []; // a short row: not reused as a full one
        }
      }
      const input = inputs[k];
      input.observed = series[i] ?? 0;
      input.seasonal = seasonal;
      input.recent = series.subarray(recentStart, i);
      input.state = states[k];
    }
    // The states are this run's own (read from the store or fresh): updated in place, one per cell.
    const decisions = evaluateBucket({ bucketStart: t, cells: inputs, config, inPlace: true });
    options.onDecisions?.(t, decisions);
    for (let k = 0; k < decisions.length; k++) states[k] = decisions[k].state;
    const tracked = trackBucket(job.tracker, t, decisions, config);
    job.tracker = tracked.state;
    const storing = t >= from;
    for (const event of tracked.events) {
      if (event.type === "ended") job.ended.push(event.spike);
      if (storing) spikeChanges.set(spikeKey(event.spike), event.spike);
    }
    // A spike stays in clustering while its cluster lives (so a stored cluster never shrinks when an
    // early member is forgotten), and for CLUSTER_MEMORY_MS after the cluster has ended.
    const clusterOf = new Map<string, SpikeCluster>();
    for (const c of job.clusters) for (const m of c.members) clusterOf.set(m, c);
    job.ended = job.ended.filter((s) => {
      // An open cluster's endedAt is null: `?? s.endedAt` would read that as "no cluster" and drop a
      // member that ended early while the rest of its event goes on (the cluster row then shrank to
      // its late members, and took their later detectedAt and smaller area).
      const cluster = clusterOf.get(spikeKey(s));
      const until = cluster ? cluster.endedAt : s.endedAt;
      return until === null || until >= t - CLUSTER_MEMORY_MS;
    });
    const spikesToCluster = clusterable(job, tracked.open, decisions, regionCodes, neighbours, config);
    const clusters = clusterSpikes(spikesToCluster, neighbours, { previous: job.clusters });
    if (storing) {
      // The cluster each spike was last seen in: a spike ending early in a long run is stored with its
      // cluster even when that cluster has left memory by the end of the run.
      for (const c of clusters)
        for (const m of c.members) if (spikeChanges.has(m)) clusterOfSpike.set(m, c.id);
      const before = new Map(job.clusters.map((c) => [c.id, c]));
      const absorbedNow = new Set<string>();
      for (const c of clusters) {
        // A key seen again (a later cluster whose first member gives the same id) lives on: it is
        // stored, not deleted as the absorbed cluster it once was.
        absorbedInto.delete(c.id);
        if (!sameCluster(before.get(c.id), c)) clusterChanges.set(c.id, c);
        for (const a of c.absorbed) {
          absorbedNow.add(a);
          absorbedInto.set(a, c.id);
          clusterChanges.delete(a);
        }
      }
      // Clusters whose members all left clustering memory have ended for good.
      for (const old of job.clusters)
        if (!clusters.some((c) => c.id === old.id) && !absorbedNow.has(old.id)) {
          clusterChanges.set(old.id, { ...old, endedAt: old.endedAt ?? t });
        }
    }
    job.clusters = clusters;
    evaluated++;
  }

  cells.forEach((c, k) => {
    if (states[k] !== null || cellStates.has(`${c.region}|${c.topic}`))
      cellStates.set(`${c.region}|${c.topic}`, states[k]);
  });
  const changedClusterIds = await persist(ctx, {
    to,
    job,
    cellStates,
    spikeChanges: [...spikeChanges.values()],
    clusterOfSpike,
    clusterChanges: [...clusterChanges.values()],
    absorbedInto,
  });
  await suggestIncidents(ctx);
  return { evaluated, from, to, changedClusterIds };
}

/**
 * The spikes to cluster: every open and recently ended spike, with what it covers.
 *   - A regional spike covers its region and the neighbours that rose with it while it was open
 *     (`risingNeighbours`: weaker evidence suffices next to an event under way).
 *   - An aggregate (all-regions) spike covers its affected area (`affectedArea`), worked out from each
 *     bucket's regional decisions of its topic while it is open and added to what it covered before;
 *     nationwide when it was ever diffuse, or while no region stands out. It takes part in clustering
 *     once it adds something the regional spikes do not already say — it is diffuse, unplaced, or a
 *     region of its area has no open `detected` spike of the topic — and from then on; until then it is
 *     explained by the regional clusters and is not shown twice.
 */
function clusterable(
  job: DetectorJobState,
  open: Spike[],
  decisions: CellDecision[],
  regionCodes: string[],
  neighbours: ReadonlyMap<string, readonly string[]>,
  config: DetectorConfig,
): ClusterableSpike[] {
  const areas = job.areas ?? {};
  const fringes = job.fringes ?? {};
  const allRegions = [...regionCodes].sort();
  const live = new Set<string>();
  const regionalOf = new Map<string, CellDecision[]>();
  for (const d of decisions) {
    if (d.region === ALL_REGIONS) continue;
    const list = regionalOf.get(d.topic);
    if (list) list.push(d);
    else regionalOf.set(d.topic, [d]);
  }
  for (const spike of open) {
    const key = spikeKey(spike);
    live.add(key);
    const regional = regionalOf.get(spike.topic) ?? [];
    if (spike.region !== ALL_REGIONS) {
      const rising = risingNeighbours([spike.region], regional, neighbours, config);
      if (rising.length > 0) fringes[key] = [...new Set([...(fringes[key] ?? []), ...rising])].sort();
      continue;
    }
    const aggregate = decisions.find((d) => d.region === ALL_REGIONS && d.topic === spike.topic);
    if (!aggregate) continue;
    const area = affectedArea(aggregate, regional, neighbours, config);
    const memory = areas[key] ?? { regions: [], diffuse: false, linked: false };
    // Nationwide once the far regions stayed up together for `sustainBuckets` buckets in a row: one
    // bucket's stray complaints far away, as a regional event begins, do not make it national for good.
    memory.diffuseRun = area.diffuse ? (memory.diffuseRun ?? 0) + 1 : 0;
    memory.diffuse ||= memory.diffuseRun >= config.sustainBuckets;
    memory.regions = [...new Set([...memory.regions, ...area.regions])].sort();
    if (!memory.linked) {
      const covered = new Set(
        open
          .filter((s) => s.topic === spike.topic && s.region !== ALL_REGIONS && s.level === "detected")
          .map((s) => s.region),
      );
      memory.linked =
        memory.diffuse || memory.regions.length === 0 || memory.regions.some((r) => !covered.has(r));
    }
    areas[key] = memory;
  }
  for (const spike of job.ended) live.add(spikeKey(spike));
  for (const key of Object.keys(areas)) if (!live.has(key)) delete areas[key];
  for (const key of Object.keys(fringes)) if (!live.has(key)) delete fringes[key];
  job.areas = areas;
  job.fringes = fringes;
  const out: ClusterableSpike[] = [];
  for (const spike of [...open, ...job.ended]) {
    if (spike.region !== ALL_REGIONS) {
      const fringe = fringes[spikeKey(spike)];
      out.push(fringe ? { ...spike, regions: [spike.region, ...fringe] } : spike);
      continue;
    }
    // Nationwide when diffuse, or while no region stands out (it cannot be placed anywhere smaller).
    const memory = areas[spikeKey(spike)];
    if (memory?.linked)
      out.push({
        ...spike,
        regions:
          memory.diffuse || memory.regions.length === 0
            ? allRegions
            : largestConnectedPart(memory.regions, neighbours),
      });
  }
  return out;
}

function spikeKey(s: Pick<Spike, "region" | "topic" | "startedAt">): string {
  return `${s.region}|${s.topic}|${s.startedAt}`;
}

function sameCluster(a: SpikeCluster | undefined, b: SpikeCluster): boolean {
  return (
    !!a &&
    a.level === b.level &&
    a.endedAt === b.endedAt &&
    a.peakAt === b.peakAt &&
    a.observed === b.observed &&
    a.regions.join() === b.regions.join()
  );
}

async function cellsOf(db: Db, orgId: number): Promise<CellMeta[]> {
  const regionRows = await db
    .select({ code: regions.code, timeZones: regions.timeZones })
    .from(regions)
    .where(eq(regions.orgId, orgId))
    .orderBy(asc(regions.code));
  const topicRows = await db
    .select({ slug: topics.slug })
    .from(topics)
    .where(and(eq(topics.orgId, orgId), isNull(topics.archivedAt)))
    .orderBy(asc(topics.position));
  const regional = regionRows.flatMap((r) =>
    topicRows.map((t) => ({ region: r.code, topic: t.slug, timeZone: r.timeZones[0] ?? "UTC" })),
  );
  // Each topic's aggregate over all regions keeps the most common time zone's local week.
  const zones = new Map<string, number>();
  for (const r of regionRows) {
    const zone = r.timeZones[0] ?? "UTC";
    zones.set(zone, (zones.get(zone) ?? 0) + 1);
  }
  let timeZone = "UTC";
  for (const [zone, n] of zones) if (n > (zones.get(timeZone) ?? 0)) timeZone = zone;
  return [...regional, ...topicRows.map((t) => ({ region: ALL_REGIONS, topic: t.slug, timeZone }))];
}

export async function neighbourMap(db: Db, orgId: number): Promise<Map<string, string[]>> {
  const rows = await db
    .select({ code: regions.code, neighbours: regions.neighbours })
    .from(regions)
    .where(eq(regions.orgId, orgId));
  return new Map(rows.map((r) => [r.code, r.neighbours]));
}

async function persist(
  ctx: DetectionContext,
  changes: {
    to: number;
    job: DetectorJobState;
    cellStates: Map<string, CellState | null>;
    spikeChanges: Spike[];
    clusterOfSpike: ReadonlyMap<string, string>;
    clusterChanges: SpikeCluster[];
    absorbedInto: ReadonlyMap<string, string>;
  },
): Promise<number[]> {
  const { db, orgId } = ctx;
  // Where a cluster key ended up: absorbed clusters resolve to the cluster that holds them now (merges
  // chain: A into B, later B into C). A spike is never stored pointing at a cluster row deleted below.
  const survivorOf = (key: string): string => {
    let k = key;
    for (let hops = 0; hops < 1000 && changes.absorbedInto.has(k); hops++) k = changes.absorbedInto.get(k)!;
    return k;
  };
  const now = new Date();
  return db.transaction(async (tx) => {
    const changedIds: number[] = [];
    const idByKey = new Map<string, number>();
    const clusterRows = changes.clusterChanges.map((c) => ({
      orgId,
      key: c.id,
      topicSlug: c.topic,
      regions: c.regions,
      level: c.level,
      startedAt: new Date(c.startedAt),
      detectedAt: new Date(c.detectedAt),
      peakAt: new Date(c.peakAt),
      endedAt: c.endedAt === null ? null : new Date(c.endedAt),
      observed: Math.round(c.observed),
      expected: c.expected,
      score: Number.isFinite(c.score) ? c.score : 99,
      updatedAt: now,
    }));
    for (let i = 0; i < clusterRows.length; i += CHUNK) {
      const chunk = clusterRows.slice(i, i + CHUNK);
      const rows = await storing(`${chunk.length} spike clusters`, () =>
        tx
          .insert(spikeClusters)
          .values(chunk)
          .onConflictDoUpdate({
            target: [spikeClusters.orgId, spikeClusters.key],
            set: excludedColumns(spikeClusters, [
              "topicSlug",
              "regions",
              "level",
              "startedAt",
              "detectedAt",
              "peakAt",
              "endedAt",
              "observed",
              "expected",
              "score",
              "updatedAt",
            ]),
          })
          .returning({ id: spikeClusters.id, key: spikeClusters.key }),
      );
      for (const r of rows) {
        idByKey.set(r.key, r.id);
        changedIds.push(r.id);
      }
    }
    const idOf = async (key: string): Promise<number | undefined> => {
      if (!idByKey.has(key)) {
        const [row] = await tx
          .select({ id: spikeClusters.id })
          .from(spikeClusters)
          .where(and(eq(spikeClusters.orgId, orgId), eq(spikeClusters.key, key)));
        if (row) idByKey.set(key, row.id);
      }
      return idByKey.get(key);
    };
    // Clusters merged into another: the survivor inherits an incident link and the spikes, the absorbed
    // row goes.
    const absorbedKeys = [...changes.absorbedInto.keys()];
    if (absorbedKeys.length > 0) {
      const absorbed = await tx
        .select()
        .from(spikeClusters)
        .where(and(eq(spikeClusters.orgId, orgId), inArray(spikeClusters.key, absorbedKeys)));
      for (const old of absorbed) {
        const survivorId = await idOf(survivorOf(old.key));
        await storing(`the merge of cluster ${old.key}`, async () => {
          if (survivorId !== undefined && old.incidentId) {
            await tx
              .update(spikeClusters)
              .set({ incidentId: sql`coalesce(${spikeClusters.incidentId}, ${old.incidentId})` })
              .where(eq(spikeClusters.id, survivorId));
          }
          await tx
            .update(spikes)
            .set({ clusterId: survivorId ?? null })
            .where(eq(spikes.clusterId, old.id));
          await tx.delete(spikeClusters).where(eq(spikeClusters.id, old.id));
        });
        idByKey.delete(old.key);
      }
    }
    const memberCluster = new Map<string, string>();
    for (const c of changes.job.clusters) for (const m of c.members) memberCluster.set(m, c.id);
    const spikeRows: (typeof spikes.$inferInsert)[] = [];
    for (const s of changes.spikeChanges) {
      const key = spikeKey(s);
      const clusterKey = memberCluster.get(key) ?? changes.clusterOfSpike.get(key);
      // A spike whose cluster is no longer in memory (ended > CLUSTER_MEMORY_MS ago, or a replay that
      // starts after it) keeps the cluster it was stored with (null here: coalesced below).
      const clusterId = clusterKey ? await idOf(survivorOf(clusterKey)) : undefined;
      spikeRows.push({
        orgId,
        key,
        regionCode: s.region,
        topicSlug: s.topic,
        startedAt: new Date(s.startedAt),
        clusterId: clusterId ?? null,
        level: s.level,
        detectedAt: new Date(s.detectedAt),
        peakAt: new Date(s.peakAt),
        endedAt: s.endedAt === null ? null : new Date(s.endedAt),
        observed: Math.round(s.observed),
        expected: s.expected,
        score: Number.isFinite(s.score) ? s.score : 99,
        updatedAt: now,
      });
    }
    // One open spike per cell (spikes_open_cell_key): one left open by an earlier run (a reset replay,
    // a crash between runs) ends where this run's open spike of the cell starts rather than blocking it.
    const opening = spikeRows.filter((r) => r.endedAt === null);
    for (const r of opening) {
      await storing(`the end of the spike left open before ${r.key}`, () =>
        tx
          .update(spikes)
          .set({ endedAt: r.startedAt, updatedAt: now })
          .where(
            and(
              eq(spikes.orgId, orgId),
              eq(spikes.regionCode, r.regionCode),
              eq(spikes.topicSlug, r.topicSlug),
              isNull(spikes.endedAt),
              ne(spikes.key, r.key),
            ),
          ),
      );
    }
    // Ended spikes first: a cell's spike stored open by an earlier run is closed before the cell's new
    // open spike is written (unique indexes are checked row by row, not at the end of a statement).
    const ordered = [...spikeRows.filter((r) => r.endedAt !== null), ...opening];
    for (let i = 0; i < ordered.length; i += CHUNK) {
      const chunk = ordered.slice(i, i + CHUNK);
      const what =
        chunk.length === 1
          ? `spike ${chunk[0].key}`
          : `${chunk.length} spikes (${chunk[0].key} … ${chunk[chunk.length - 1].key})`;
      await storing(what, () =>
        tx
          .insert(spikes)
          .values(chunk)
          .onConflictDoUpdate({
            target: [spikes.orgId, spikes.key],
            set: {
              ...excludedColumns(spikes, [
                "level",
                "detectedAt",
                "peakAt",
                "endedAt",
                "observed",
                "expected",
                "score",
                "updatedAt",
              ]),
              clusterId: sql`coalesce(excluded.cluster_id, ${spikes.clusterId})`,
            },
          }),
      );
    }
    const states = [...changes.cellStates.entries()];
    for (let i = 0; i < states.length; i += 200) {
      const chunk = states.slice(i, i + 200).map(([key, state]) => {
        const [regionCode, topicSlug] = key.split("|");
        return {
          orgId,
          regionCode,
          topicSlug,
          state: (state ?? {}) as Record<string, unknown>,
          evaluatedThrough: new Date(changes.to),
        };
      });
      await storing("the detector's cell states", () =>
        tx
          .insert(detectorCells)
          .values(chunk)
          .onConflictDoUpdate({
            target: [detectorCells.orgId, detectorCells.regionCode, detectorCells.topicSlug],
            set: { state: sql`excluded.state`, evaluatedThrough: sql`excluded.evaluated_through` },
          }),
      );
    }
    await writeJobState(tx, orgId, JOB, changes.job);
    await tx
      .insert(detectionRuns)
      .values({ orgId, evaluatedThrough: new Date(changes.to + BUCKET) })
      .onConflictDoUpdate({
        target: detectionRuns.orgId,
        set: { evaluatedThrough: new Date(changes.to + BUCKET), updatedAt: new Date() },
      });
    return changedIds;
  });
}

/** Rows per multi-row insert (well under the 65,535 bind parameters of one statement). */
const CHUNK = 500;

/** `{ col: excluded.col }` for an upsert's SET, by the columns' TypeScript names (snake_case in SQL). */
function excludedColumns<T extends typeof spikes | typeof spikeClusters>(
  _table: T,
  names: (keyof T["$inferInsert"] & string)[],
): Record<string, SQL> {
  const out: Record<string, SQL> = {};
  for (const name of names) {
    out[name] = sql.raw(`excluded."${name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}"`);
  }
  return out;
}

/**
 * An open cluster that overlaps an open incident's regions (and topic, when the incident names topics)
 * is suggested for linking to it; otherwise it stands as a new incident candidate.
 */
export async function suggestIncidents(ctx: DetectionContext): Promise<void> {
  const { db, orgId } = ctx;
  const open = await db
    .select({ id: incidents.id, regions: incidents.regions, topics: incidents.topics })
    .from(incidents)
    .where(and(eq(incidents.orgId, orgId), ne(incidents.state, "resolved")));
  const candidates = await db
    .select({
      id: spikeClusters.id,
      regions: spikeClusters.regions,
      topic: spikeClusters.topicSlug,
      suggested: spikeClusters.suggestedIncidentId,
    })
    .from(spikeClusters)
    .where(
      and(
        eq(spikeClusters.orgId, orgId),
        isNull(spikeClusters.endedAt),
        isNull(spikeClusters.incidentId),
        isNull(spikeClusters.dismissedAt),
      ),
    );
  for (const c of candidates) {
    const match = open.find(
      (i) =>
        i.regions.some((r) => c.regions.includes(r)) && (i.topics.length === 0 || i.topics.includes(c.topic)),
    );
    const suggested = match?.id ?? null;
    if (suggested !== c.suggested) {
      await db
        .update(spikeClusters)
        .set({ suggestedIncidentId: suggested })
        .where(eq(spikeClusters.id, c.id));
    }
  }
}

/** Forget detection results (not spikes linked to incidents) so `detect` can replay a range afresh. */
export async function clearDetection(ctx: DetectionContext, from: number, to: number | null): Promise<void> {
  const { db, orgId } = ctx;
  await db.transaction(async (tx) => {
    const range = and(
      eq(spikeClusters.orgId, orgId),
      gte(spikeClusters.startedAt, new Date(from)),
      to === null ? undefined : lte(spikeClusters.startedAt, new Date(to)),
    );
    const linked = await tx
      .select({ id: spikeClusters.id })
      .from(spikeClusters)
      .where(and(range, sql`${spikeClusters.incidentId} is not null`));
    await tx.delete(spikes).where(
      and(
        eq(spikes.orgId, orgId),
        gte(spikes.startedAt, new Date(from)),
        to === null ? undefined : lte(spikes.startedAt, new Date(to)),
        linked.length
          ? sql`(${spikes.clusterId} is null or ${notInArray(
              spikes.clusterId,
              linked.map((l) => l.id),
            )})`
          : undefined,
      ),
    );
    await tx.delete(spikeClusters).where(and(range, isNull(spikeClusters.incidentId)));
    await tx.delete(detectorCells).where(eq(detectorCells.orgId, orgId));
    await tx.delete(detectionRuns).where(eq(detectionRuns.orgId, orgId));
    await writeJobState(tx, orgId, JOB, { tracker: null, clusters: [], ended: [] });
  });
}

/** The Spike of the ★ contract (a cluster of one topic across neighbouring regions). */
export interface SpikeOut {
  id: number;
  topic: string;
  regions: string[];
  level: "possible" | "detected";
  startedAt: string;
  detectedAt: string;
  peakAt: string;
  endedAt: string | null;
  observed: number;
  expected: number;
  score: number;
  incidentId: number | null;
}

export async function listSpikes(
  db: Db,
  orgId: number,
  range: { from?: Date; to?: Date } = {},
): Promise<SpikeOut[]> {
  const rows = await db
    .select()
    .from(spikeClusters)
    .where(
      and(
        eq(spikeClusters.orgId, orgId),
        range.from ? gte(spikeClusters.detectedAt, range.from) : undefined,
        range.to ? lte(spikeClusters.detectedAt, range.to) : undefined,
      ),
    )
    .orderBy(asc(spikeClusters.detectedAt), asc(spikeClusters.id));
  return rows.map(toSpikeOut);
}

export function toSpikeOut(r: typeof spikeClusters.$inferSelect): SpikeOut {
  return {
    id: r.id,
    topic: r.topicSlug,
    regions: r.regions,
    level: r.level,
    startedAt: r.startedAt.toISOString(),
    detectedAt: r.detectedAt.toISOString(),
    peakAt: r.peakAt.toISOString(),
    endedAt: r.endedAt?.toISOString() ?? null,
    observed: r.observed,
    expected: Math.round(r.expected * 100) / 100,
    score: Math.round(r.score * 100) / 100,
    incidentId: r.incidentId,
  };
}

export type { DetectorConfig };

/** The spikes board: clusters still open or ended in the last `recentMs`, not dismissed, newest first. */
export async function boardClusters(db: Db, orgId: number, now = Date.now(), recentMs = 6 * 3600_000) {
  const rows = await db
    .select()
    .from(spikeClusters)
    .where(
      and(
        eq(spikeClusters.orgId, orgId),
        isNull(spikeClusters.dismissedAt),
        sql`(${spikeClusters.endedAt} is null or ${spikeClusters.endedAt} >= ${new Date(now - recentMs).toISOString()}::timestamptz)`,
      ),
    )
    .orderBy(sql`${spikeClusters.endedAt} is not null`, sql`${spikeClusters.detectedAt} desc`)
    .limit(200);
  return rows.map((r) => ({ ...toSpikeOut(r), suggestedIncidentId: r.suggestedIncidentId }));
}
