/**
 * The affected area of an aggregate spike — one topic over all regions — from the same bucket's
 * decisions of that topic's regional cells.
 *
 *   affectedArea(aggregate, regional, neighbours, config) → { regions, diffuse, risen }
 *
 * Judged on the longest test window (the last half hour by default), so that regions where only a
 * complaint or two arrived per bucket still add up:
 *   - `risen`: the regions whose own window count rose — model p-value ≤ `area.regionAlpha` (a family
 *     of ~50 regions, tested only once the aggregate is flagged), at least `area.regionMinCount`
 *     complaints and the `possible` ratio.
 *   - `regions`: the risen regions and those of their neighbours that rose a little
 *     (`risingNeighbours`): an outage seldom stops at a state line, and its edges are thinly
 *     populated. Empty when no region stands out.
 *   - `diffuse`: the regions far from the event — neither risen nor a neighbour of a risen region —
 *     together still rose significantly (p ≤ `area.diffuseAlpha`, ratio ≥ `area.diffuseMinRatio`,
 *     at least `area.diffuseMinCount` complaints):
 *     the event is nationwide, thinly spread, rather than a regional one seen from afar.
 * The sum of the far regions is a negative binomial with the sum of their means and variances (the
 * regions' own bursts are independent), plus the aggregate's common bursts (through its size).
 * Pure and memoryless: the caller keeps what it needs of the areas over a spike's life.
 */
import { areNeighbours } from "./cluster";
import type { DetectorConfig } from "./config";
import type { CellDecision } from "./engine";
import { logNegBinomUpperTail } from "./stats";

type AreaCell = Pick<CellDecision, "region" | "windowObserved" | "windowExpected" | "windowLogP" | "size">;

export interface AffectedArea {
  /** Risen regions and their risen-a-little neighbours, sorted; empty when nothing stands out. */
  regions: string[];
  diffuse: boolean;
  risen: string[];
}

export function affectedArea(
  aggregate: Pick<CellDecision, "size">,
  regional: readonly AreaCell[],
  neighbours: ReadonlyMap<string, readonly string[]>,
  config: Pick<DetectorConfig, "area" | "possible">,
): AffectedArea {
  const a = config.area;
  const lnAlpha = Math.log(a.regionAlpha);
  const risen = new Set(
    regional
      .filter(
        (d) =>
          d.windowLogP <= lnAlpha &&
          d.windowObserved >= a.regionMinCount &&
          d.windowObserved >= config.possible.minRatio * d.windowExpected,
      )
      .map((d) => d.region),
  );
  const near = new Set(risen);
  for (const r of risen) for (const n of neighbours.get(r) ?? []) near.add(n);
  for (const [r, list] of neighbours) if (list.some((n) => risen.has(n))) near.add(r);

  const regions = new Set([...risen, ...risingNeighbours([...risen], regional, neighbours, config)]);
  let farObserved = 0;
  let farExpected = 0;
  let farVariance = 0;
  for (const d of regional) {
    if (near.has(d.region)) continue;
    farObserved += d.windowObserved;
    farExpected += d.windowExpected;
    farVariance += d.windowExpected + (d.windowExpected * d.windowExpected) / Math.max(d.size, 1e-3);
  }
  farVariance += (farExpected * farExpected) / Math.max(aggregate.size, 1e-3);
  const excess = farVariance - farExpected;
  const size = excess > 0 ? (farExpected * farExpected) / excess : 1e6;
  const diffuse =
    farExpected > 0 &&
    farObserved >= a.diffuseMinRatio * farExpected &&
    farObserved >= a.diffuseMinCount &&
    logNegBinomUpperTail(farObserved, farExpected, size) <= Math.log(a.diffuseAlpha);
  return { regions: [...regions].sort(), diffuse, risen: [...risen].sort() };
}

/**
 * The neighbours of `regions` (not themselves among them) whose cell of the topic rose a little over
 * the longest window: model p ≤ `area.neighbourAlpha`, at least `area.regionMinCount` complaints and the
 * `possible` ratio. Given that an event is under way next door, this weaker evidence is enough to say it
 * reaches them too (a western outage is CA + NV + OR + AZ, though Nevada alone would never alert).
 */
export function risingNeighbours(
  regions: readonly string[],
  regional: readonly AreaCell[],
  neighbours: ReadonlyMap<string, readonly string[]>,
  config: Pick<DetectorConfig, "area" | "possible">,
): string[] {
  const own = new Set(regions);
  const next = new Set<string>();
  for (const r of regions) for (const n of neighbours.get(r) ?? []) if (!own.has(n)) next.add(n);
  for (const [r, list] of neighbours) if (!own.has(r) && list.some((n) => own.has(n))) next.add(r);
  const lnAlpha = Math.log(config.area.neighbourAlpha);
  return regional
    .filter(
      (d) =>
        next.has(d.region) &&
        d.windowLogP <= lnAlpha &&
        d.windowObserved >= config.area.regionMinCount &&
        d.windowObserved >= config.possible.minRatio * d.windowExpected,
    )
    .map((d) => d.region)
    .sort();
}

/**
 * The largest connected part of `regions` on the neighbour map (ties: the part holding the
 * alphabetically first region), sorted. An aggregate spike's area made of separate parts — an outage in
 * the west and another in New York at the same time — would otherwise tie two events into one cluster;
 * the smaller parts keep their own regional spikes and clusters.
 */
export function largestConnectedPart(
  regions: readonly string[],
  neighbours: ReadonlyMap<string, readonly string[]>,
): string[] {
  const inArea = new Set(regions);
  const seen = new Set<string>();
  let best: string[] = [];
  for (const first of [...inArea].sort()) {
    if (seen.has(first)) continue;
    const part = [first];
    seen.add(first);
    for (let i = 0; i < part.length; i++) {
      for (const other of inArea) {
        if (!seen.has(other) && areNeighbours(neighbours, part[i], other)) {
          seen.add(other);
          part.push(other);
        }
      }
    }
    if (part.length > best.length) best = part;
  }
  return best.sort();
}
