import type { RegionCandidate } from "./resolve";

/**
 * Placing a complaint that names only an ambiguous city ("#Burlington", "in Montpelier") from context
 * outside the complaint — pure: the caller gathers the context.
 *
 * The candidates' population shares are the prior; each kind of context multiplies it by a likelihood
 * ratio, and the region with the highest posterior is taken when the posterior is at least
 * `minPosterior`, with a confidence well below a place named outright (`maxConfidence` × posterior):
 *
 *   - the author: regions of the author's other placed complaints. Someone whose complaints are placed
 *     in Vermont and who writes "#Burlington" most likely means Burlington, VT (ratio 1 + 9 × the
 *     author's fraction in the region).
 *   - the source: regions of the source's placed complaints (its audience: a regional helpdesk, a local
 *     Mastodon instance), as a lift over the population share, smoothed and kept within [0.5, 3].
 *   - the burst: regions of placed complaints of the same topic in the hour up to the complaint, as a
 *     lift over the population share with `burstPseudo` pseudo-complaints spread by population, kept
 *     within [0.5, 20]. A dozen outage posts from Vermont in the last hour make "#Burlington" Vermont;
 *     on an ordinary day the lift is ~1 and the name stays unplaced.
 *
 * With no context that stands out, no candidate reaches `minPosterior` (a name is ambiguous because no
 * place holds half its population) and the complaint stays unplaced: a wrong region makes phantom
 * spikes, a missing one does not.
 */

export interface PlacementContext {
  /** Region → the author's other placed complaints there. */
  author?: ReadonlyMap<string, number>;
  /** Region → the source's placed complaints there. */
  source?: ReadonlyMap<string, number>;
  /** Region → placed complaints of the same topic in the hour up to the complaint. */
  burst?: ReadonlyMap<string, number>;
  /** Region → its share of the population (sums to ~1); regions missing count as 1 / regions. */
  population: ReadonlyMap<string, number>;
}

export interface DisambiguateOptions {
  minPosterior: number;
  maxConfidence: number;
  burstPseudo: number;
  sourcePseudo: number;
}

export const DISAMBIGUATE_DEFAULTS: DisambiguateOptions = {
  minPosterior: 0.7,
  maxConfidence: 0.5,
  burstPseudo: 20,
  sourcePseudo: 200,
};

export interface Disambiguated {
  region: string;
  /** 0..maxConfidence. */
  confidence: number;
  posterior: number;
}

export function disambiguate(
  candidates: readonly RegionCandidate[],
  context: PlacementContext,
  options: DisambiguateOptions = DISAMBIGUATE_DEFAULTS,
): Disambiguated | null {
  if (candidates.length === 0) return null;
  const authorTotal = total(context.author);
  const sourceTotal = total(context.source);
  const burstTotal = total(context.burst);
  const fallbackShare = 1 / Math.max(context.population.size, 1);
  let sum = 0;
  const scores = candidates.map((c) => {
    const pop = Math.max(context.population.get(c.region) ?? fallbackShare, 1e-6);
    let score = Math.max(c.weight, 1e-6);
    if (authorTotal > 0) score *= 1 + (9 * (context.author?.get(c.region) ?? 0)) / authorTotal;
    if (sourceTotal > 0) {
      const m = options.sourcePseudo;
      const lift = ((context.source?.get(c.region) ?? 0) + m * pop) / (sourceTotal + m) / pop;
      score *= clamp(lift, 0.5, 3);
    }
    if (burstTotal > 0) {
      const m = options.burstPseudo;
      const lift = ((context.burst?.get(c.region) ?? 0) + m * pop) / (burstTotal + m) / pop;
      score *= clamp(lift, 0.5, 20);
    }
    sum += score;
    return score;
  });
  let best = 0;
  for (let i = 1; i < scores.length; i++) if (scores[i] > scores[best]) best = i;
  const posterior = scores[best] / sum;
  if (!(posterior >= options.minPosterior)) return null;
  return {
    region: candidates[best].region,
    confidence: Math.round(options.maxConfidence * posterior * 100) / 100,
    posterior,
  };
}

function total(m: ReadonlyMap<string, number> | undefined): number {
  let s = 0;
  if (m) for (const v of m.values()) s += v;
  return s;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
