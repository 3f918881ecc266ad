/**
 * Spike clustering: one topic's detected spikes in neighbouring regions, overlapping in time, are one
 * event (an outage rarely stops at a state line).
 *
 *   clusterSpikes(spikes, neighbours, { previous }) → SpikeCluster[]
 *
 * - Two spikes are linked when they have the same topic, are both `detected` (or any level with
 *   `link: "any"`; at any level when one's area covers the other's own region), their regions are neighbours (the map is read both ways: A lists B or B lists A)
 *   and their times overlap: [startedAt, endedAt ?? ∞] intersect, with `gapMs` of tolerance.
 *   Clusters are the connected components of those links, so CA–NV–OR chain into one cluster even
 *   though CA and OR are not neighbours. Every spike is in exactly one cluster (a lone or `possible`
 *   spike is a cluster of one).
 * - Deterministic: the output depends only on the set of spikes and the map, not on their order;
 *   clusters are sorted by (startedAt, topic, id), regions alphabetically.
 * - Identity across calls: pass the clusters of the previous call as `previous`. Members are
 *   identified by `region|topic|startedAt` (fixed once a spike is open). Each new cluster keeps the id
 *   of the previous cluster it shares the most members with; when two previous clusters merge, the one
 *   with more shared members (then the earlier, then the smaller id) keeps its id and the other is listed
 *   in `absorbed`; when a cluster splits, the larger part keeps the id. A cluster with no predecessor
 *   gets `topic:region|topic|startedAt` of its earliest member (suffixed `#2`, `#3` if taken).
 * - Areas: a spike with `regions` covers those regions — an aggregate spike (the topic over all
 *   regions) with the affected area the caller worked out, or a regional spike with the neighbours
 *   that rose with it. Two spikes are also linked when the regions one covers include a region the
 *   other covers (same topic, overlapping time, levels as above), so a national spike gathers the
 *   regional clusters of its event. A cluster's regions are the union of what its members cover.
 * - Figures: startedAt, detectedAt = earliest of the members; peakAt = the peak of the member with the
 *   highest peak count; endedAt = null while any member is open, else the latest end; observed and
 *   expected = sums of the members' peak-bucket figures, or an area member's when its observed count
 *   is larger (an aggregate already counts its regions); score = the highest member score.
 */
import type { SpikeLevel } from "./engine";

export interface ClusterableSpike {
  region: string;
  topic: string;
  level: SpikeLevel;
  startedAt: number;
  detectedAt: number;
  peakAt: number;
  endedAt: number | null;
  observed: number;
  expected: number;
  score: number;
  /** The affected area of an aggregate spike (its `region` is then the aggregate's, e.g. `*`). */
  regions?: readonly string[];
}

export interface SpikeCluster {
  id: string;
  topic: string;
  regions: string[];
  level: SpikeLevel;
  startedAt: number;
  detectedAt: number;
  peakAt: number;
  endedAt: number | null;
  observed: number;
  expected: number;
  score: number;
  /** Member ids, `region|topic|startedAt`, sorted. */
  members: string[];
  /** Ids of previous clusters merged into this one in this call (they no longer exist). */
  absorbed: string[];
}

export interface ClusterOptions {
  /** The clusters returned by the previous call, to keep ids stable. */
  previous?: readonly SpikeCluster[];
  /** Which spikes link to neighbours: only `detected` ones (default) or any level. */
  link?: "detected" | "any";
  /** Tolerance when comparing time intervals, in ms (default 0: they must overlap). */
  gapMs?: number;
}

export const memberId = (s: Pick<ClusterableSpike, "region" | "topic" | "startedAt">): string =>
  `${s.region}|${s.topic}|${s.startedAt}`;

/** Whether two regions share a border; the map is read both ways (A lists B, or B lists A). */
export function areNeighbours(
  neighbours: ReadonlyMap<string, readonly string[]>,
  a: string,
  b: string,
): boolean {
  return (neighbours.get(a)?.includes(b) ?? false) || (neighbours.get(b)?.includes(a) ?? false);
}

export function clusterSpikes(
  spikes: readonly ClusterableSpike[],
  neighbours: ReadonlyMap<string, readonly string[]>,
  options: ClusterOptions = {},
): SpikeCluster[] {
  const gap = options.gapMs ?? 0;
  const linkAny = options.link === "any";
  // Canonical order, so that results do not depend on the caller's order.
  const list = [...spikes].sort(
    (a, b) => a.startedAt - b.startedAt || cmp(a.topic, b.topic) || cmp(a.region, b.region),
  );
  // Spatially related: neighbouring cells, or one's area covering the other's regions. Two spikes of
  // one cell (successive ones) are never linked to each other.
  const near = (a: ClusterableSpike, b: ClusterableSpike) => {
    if (a.region === b.region) return false;
    if (areNeighbours(neighbours, a.region, b.region)) return true;
    const ra = a.regions ?? [a.region];
    const rb = b.regions ?? [b.region];
    return ra.some((r) => rb.includes(r));
  };
  const overlaps = (a: ClusterableSpike, b: ClusterableSpike) =>
    a.startedAt <= (b.endedAt ?? Number.POSITIVE_INFINITY) + gap &&
    b.startedAt <= (a.endedAt ?? Number.POSITIVE_INFINITY) + gap;

  // Union-find over the spikes.
  const parent = list.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  // A spike whose area covers another's own region is the same event seen twice (the topic's national
  // spike and a regional one, or a regional spike's rising fringe), whatever their levels.
  const covers = (a: ClusterableSpike, b: ClusterableSpike) =>
    a.region !== b.region &&
    ((a.regions?.includes(b.region) ?? false) || (b.regions?.includes(a.region) ?? false));
  for (let i = 0; i < list.length; i++) {
    const a = list[i];
    for (let j = i + 1; j < list.length; j++) {
      const b = list[j];
      if (b.topic !== a.topic) continue;
      const levels = linkAny || (a.level === "detected" && b.level === "detected");
      if (!((levels && near(a, b)) || covers(a, b)) || !overlaps(a, b)) continue;
      const ra = find(i);
      const rb = find(j);
      if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
    }
  }
  const groups = new Map<number, ClusterableSpike[]>();
  list.forEach((s, i) => {
    const r = find(i);
    const g = groups.get(r);
    if (g) g.push(s);
    else groups.set(r, [s]);
  });

  const built = [...groups.values()].map(summarise);
  assignIds(built, options.previous ?? []);
  return built.sort((a, b) => a.startedAt - b.startedAt || cmp(a.topic, b.topic) || cmp(a.id, b.id));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function summarise(members: ClusterableSpike[]): SpikeCluster {
  let peak = members[0];
  for (const m of members) if (m.observed > peak.observed) peak = m;
  const open = members.some((m) => m.endedAt === null);
  // An aggregate's area never names its own region (`*`); a regional spike's fringe starts with it.
  const isAggregate = (m: ClusterableSpike) => m.regions !== undefined && !m.regions.includes(m.region);
  let observed = 0;
  let expected = 0;
  for (const m of members) {
    if (isAggregate(m)) continue;
    observed += m.observed;
    expected += m.expected;
  }
  for (const m of members) {
    if (isAggregate(m) && m.observed > observed) {
      observed = m.observed;
      expected = m.expected;
    }
  }
  return {
    id: "",
    topic: members[0].topic,
    regions: [...new Set(members.flatMap((m) => m.regions ?? [m.region]))].sort(),
    level: members.some((m) => m.level === "detected") ? "detected" : "possible",
    startedAt: Math.min(...members.map((m) => m.startedAt)),
    detectedAt: Math.min(...members.map((m) => m.detectedAt)),
    peakAt: peak.peakAt,
    endedAt: open ? null : Math.max(...members.map((m) => m.endedAt ?? 0)),
    observed,
    expected,
    score: Math.max(...members.map((m) => m.score)),
    members: members.map(memberId).sort(),
    absorbed: [],
  };
}

/** Gives each cluster the id of its best-overlapping predecessor, or a fresh one (see the header). */
function assignIds(clusters: SpikeCluster[], previous: readonly SpikeCluster[]): void {
  const ownerOf = new Map<string, SpikeCluster>();
  for (const p of previous) for (const m of p.members) ownerOf.set(m, p);
  const pairs: { next: SpikeCluster; prev: SpikeCluster; shared: number }[] = [];
  for (const next of clusters) {
    const shared = new Map<SpikeCluster, number>();
    for (const m of next.members) {
      const p = ownerOf.get(m);
      if (p) shared.set(p, (shared.get(p) ?? 0) + 1);
    }
    for (const [prev, n] of shared) pairs.push({ next, prev, shared: n });
  }
  pairs.sort(
    (a, b) =>
      b.shared - a.shared ||
      a.prev.startedAt - b.prev.startedAt ||
      cmp(a.prev.id, b.prev.id) ||
      cmp(a.next.members[0], b.next.members[0]),
  );
  const usedPrev = new Set<string>();
  const taken = new Set<string>();
  for (const { next, prev } of pairs) {
    if (next.id || usedPrev.has(prev.id)) continue;
    next.id = prev.id;
    usedPrev.add(prev.id);
    taken.add(prev.id);
  }
  // Predecessors that lost their id to a merge are reported as absorbed by the cluster holding them.
  for (const { next, prev } of pairs) {
    if (next.id && next.id !== prev.id && !clusters.some((c) => c.id === prev.id)) {
      if (!next.absorbed.includes(prev.id)) next.absorbed.push(prev.id);
    }
  }
  for (const c of clusters) c.absorbed.sort();
  // Fresh ids, in canonical order so that suffixes are deterministic.
  const fresh = clusters
    .filter((c) => !c.id)
    .sort((a, b) => a.startedAt - b.startedAt || cmp(a.members[0], b.members[0]));
  for (const c of previous) taken.add(c.id);
  for (const c of fresh) {
    const earliest = c.members
      .map((m) => ({ m, t: Number(m.slice(m.lastIndexOf("|") + 1)) }))
      .sort((a, b) => a.t - b.t || cmp(a.m, b.m))[0].m;
    const base = `${c.topic}:${earliest}`;
    let id = base;
    for (let k = 2; taken.has(id); k++) id = `${base}#${k}`;
    c.id = id;
    taken.add(id);
  }
}
