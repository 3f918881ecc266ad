import { SOURCES, type SourceName, TOPICS, type TopicSlug } from "./types";

const MINUTE_MS = 60_000;

/**
 * A scripted incident superimposed on the background traffic. Its extra complaints follow a trapezoid in
 * time: a linear ramp from 0 at `start` up to `peakPerHour` over `rampMinutes`, a plateau, then a linear
 * decay to 0; they are spread over `regions` by population. `peakPerHour` is in complaints per hour across
 * all its regions, and is not modulated by the time of day (a 3 a.m. outage is scripted with a lower peak).
 */
export interface IncidentScript {
  /** Unique among the scripts of one simulation; labels its records and its ground truth. */
  id: string;
  /** A default taxonomy slug (`outage`, `billing`, …). */
  topic: string;
  /** Region codes (`CA`, `NV`); each must be one of the simulated regions. */
  regions: string[];
  /** Epoch milliseconds. */
  start: number;
  rampMinutes: number;
  plateauMinutes: number;
  decayMinutes: number;
  /** Extra complaints per hour at the peak, across all its regions (0 for amplification alone). */
  peakPerHour: number;
  /**
   * Its own phrasings in the template language of `text.ts` (`{city}`, `{street}`, `[a|b]`…), used for
   * most of its social posts and forms; call-centre notes and tickets use the topic's usual phrasing.
   */
  phrasing?: string[];
  /** Weights over sources for its complaints; sources left out get none (default: the topic's usual mix). */
  sources?: Partial<Record<SourceName, number>>;
  /**
   * One X post amplified `reposts` times over the script's time shape: manual "RT @user: …" copies,
   * identical native reposts and quotes, all by different people in the script's regions, carrying
   * `repostOf: <externalId of the original>` (except some manual RTs). Intake counts it once, so a
   * script with `peakPerHour: 0` and an amplification must not raise an alert.
   */
  amplification?: {
    originalText: string;
    reposts: number;
    /** The original poster; derived from the seed when absent. */
    author?: { handle: string; name: string; followers: number };
  };
  /** A line for people: "Western power outage (CA, NV, OR, AZ)". */
  description?: string;
}

/**
 * What really happened, for scoring detection. `kind: "incident"` should be detected (in its topic and
 * regions, between `start` and `end`); `kind: "amplification"` is a storm of copies of one post and
 * should not be. `expectedComplaints` is the mean number of extra complaints (reposts for amplification).
 */
export interface GroundTruth {
  id: string;
  topic: string;
  regions: string[];
  start: number;
  end: number;
  kind: "incident" | "amplification";
  expectedComplaints: number;
  description?: string;
}

export function incidentEnd(script: IncidentScript): number {
  return script.start + (script.rampMinutes + script.plateauMinutes + script.decayMinutes) * MINUTE_MS;
}

/** The time shape, 0…1: 0 before `start` and from the end on. */
export function intensity(script: IncidentScript, t: number): number {
  const minutes = (t - script.start) / MINUTE_MS;
  if (minutes < 0) return 0;
  const { rampMinutes: ramp, plateauMinutes: plateau, decayMinutes: decay } = script;
  if (minutes < ramp) return minutes / ramp;
  if (minutes < ramp + plateau) return 1;
  if (minutes < ramp + plateau + decay) return 1 - (minutes - ramp - plateau) / decay;
  return 0;
}

/** Mean extra complaints a script adds: the area of its trapezoid. */
export function expectedComplaints(script: IncidentScript): number {
  const hours = (script.rampMinutes / 2 + script.plateauMinutes + script.decayMinutes / 2) / 60;
  return script.peakPerHour * hours;
}

export function kindOf(script: IncidentScript): GroundTruth["kind"] {
  return script.peakPerHour === 0 && script.amplification ? "amplification" : "incident";
}

/**
 * The ground truth of a set of scripts, in the order given. With a window, only the scripts that overlap
 * it (`start < to && end > from`) — what a simulation of that window actually contains.
 */
export function groundTruth(
  incidents: IncidentScript[],
  window?: { from: number; to: number },
): GroundTruth[] {
  return incidents
    .filter((s) => !window || (s.start < window.to && incidentEnd(s) > window.from))
    .map((s) => {
      const truth: GroundTruth = {
        id: s.id,
        topic: s.topic,
        regions: [...s.regions],
        start: s.start,
        end: incidentEnd(s),
        kind: kindOf(s),
        expectedComplaints:
          kindOf(s) === "amplification" ? (s.amplification?.reposts ?? 0) + 1 : expectedComplaints(s),
      };
      if (s.description) truth.description = s.description;
      return truth;
    });
}

/** Throws a message naming the script and the field when a script cannot be simulated. */
export function validateIncidents(incidents: IncidentScript[], regionCodes: ReadonlySet<string>): void {
  const seen = new Set<string>();
  for (const s of incidents) {
    const where = `incident "${s.id}"`;
    if (!s.id) throw new Error("incident id must not be empty");
    if (seen.has(s.id)) throw new Error(`${where}: duplicate id`);
    seen.add(s.id);
    if (!TOPICS.includes(s.topic as TopicSlug)) {
      throw new Error(`${where}: topic "${s.topic}" is not one of ${TOPICS.join(", ")}`);
    }
    if (s.regions.length === 0) throw new Error(`${where}: regions must not be empty`);
    for (const code of s.regions) {
      if (!regionCodes.has(code)) throw new Error(`${where}: region "${code}" is not simulated`);
    }
    if (!Number.isFinite(s.start)) throw new Error(`${where}: start must be epoch milliseconds`);
    for (const key of ["rampMinutes", "plateauMinutes", "decayMinutes", "peakPerHour"] as const) {
      if (!Number.isFinite(s[key]) || s[key] < 0) throw new Error(`${where}: ${key} must be ≥ 0`);
    }
    if (s.rampMinutes + s.plateauMinutes + s.decayMinutes <= 0) {
      throw new Error(`${where}: rampMinutes + plateauMinutes + decayMinutes must be > 0`);
    }
    if (s.amplification) {
      const { reposts, originalText } = s.amplification;
      if (!Number.isInteger(reposts) || reposts < 0)
        throw new Error(`${where}: reposts must be a whole number`);
      if (!originalText.trim()) throw new Error(`${where}: amplification.originalText must not be empty`);
    }
    for (const source of Object.keys(s.sources ?? {})) {
      if (!SOURCES.includes(source as SourceName)) throw new Error(`${where}: unknown source "${source}"`);
    }
  }
}
