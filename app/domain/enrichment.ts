import { looksLikeRepost, textFingerprint } from "./counting/counting";
import {
  buildRegionIndex,
  type RegionCandidate,
  type RegionMethod,
  type RegionShape,
  resolveRegion,
} from "./regions";
import { buildClassifier, sentimentScore, type TopicDefinition } from "./topics";

/**
 * Enrichment of complaints (pure): region, topic and sentiment, decided from the record alone.
 *
 * One code path, two ways to run it: `enrichOne(enricher, input)` for a record on the calling thread, and
 * `enrichBatch(enricher, batch)` over a batch in columns — the shape a batch crosses between threads in
 * (plain arrays and typed arrays clone cheaply; objects per record do not). The intake service runs small
 * batches inline and large ones in a pool of worker threads (services/enrichment-pool.server.ts); both
 * give identical results, because both call `enrichOne`.
 *
 * An enricher is built from a spec (the organisation's regions and topic taxonomy). The spec is plain
 * data, so a worker thread can build the same enricher from it.
 */

export interface EnrichmentSpec {
  /** Changes when the regions or the taxonomy change; workers cache enrichers by it. */
  version: string;
  regions: RegionShape[];
  topics: TopicDefinition[];
}

/** What enrichment decides for one complaint (stored beside it and exported with it). */
export interface Enrichment {
  regionCode: string | null;
  regionMethod: RegionMethod;
  regionConfidence: number;
  topicSlug: string;
  topicScore: number;
  sentiment: number;
  /** Unplaced, but naming an ambiguous city: the regions it may be in (placed later from context). */
  regionCandidates?: RegionCandidate[];
}

/** The fields of a complaint record that enrichment reads. */
export interface EnrichmentInput {
  text: string;
  lat?: number | null;
  lon?: number | null;
  postalCode?: string | null;
  location?: string | null;
  createdAt: string;
  /** A zone the record carries (`timeZone`/`timezone`, on the record or its author), else null. */
  timeZone?: string | null;
}

export interface Enricher {
  readonly version: string;
  readonly spec: EnrichmentSpec;
  enrich(input: EnrichmentInput): Enrichment;
}

export function createEnricher(spec: EnrichmentSpec): Enricher {
  const index = buildRegionIndex(spec.regions);
  const classifier = buildClassifier(spec.topics);
  return {
    version: spec.version,
    spec,
    enrich(input) {
      const region = resolveRegion(
        {
          text: input.text,
          lat: input.lat ?? null,
          lon: input.lon ?? null,
          postalCode: input.postalCode,
          location: input.location,
          timeZone: input.timeZone ?? null,
          utcOffsetMinutes: utcOffsetMinutes(input.createdAt),
        },
        index,
      );
      const topic = classifier.classify(input.text);
      return {
        regionCode: region.region,
        regionMethod: region.method,
        regionConfidence: region.confidence,
        topicSlug: topic.topic,
        topicScore: topic.score,
        sentiment: sentimentScore(input.text),
        ...(region.candidates ? { regionCandidates: region.candidates } : {}),
      };
    },
  };
}

/**
 * The zone a record carries among its unknown fields (kept from the source): `timeZone` or `timezone`,
 * on the record or on its author; the first string wins. A weak region hint.
 */
export function recordTimeZone(record: object): string | null {
  const r = record as Record<string, unknown>;
  if (typeof r.timeZone === "string") return r.timeZone;
  if (typeof r.timezone === "string") return r.timezone;
  const author = r.author;
  if (author && typeof author === "object") {
    const a = author as Record<string, unknown>;
    if (typeof a.timeZone === "string") return a.timeZone;
    if (typeof a.timezone === "string") return a.timezone;
  }
  return null;
}

const OFFSET = /([+-])(\d{2}):?(\d{2})$/;

/** An explicit non-UTC offset in createdAt ("…-08:00") says where the sender's clock is; "Z" says nothing. */
export function utcOffsetMinutes(createdAt: string): number | null {
  const m = OFFSET.exec(createdAt);
  const offset = m ? (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : null;
  return offset === 0 ? null : offset;
}

// --- batches in columns ----------------------------------------------------------------------------

/** Whether to compute a record's text fingerprint (amplification key): never, always, or only for "RT @x: …". */
export const FINGERPRINT_NONE = 0;
export const FINGERPRINT_ALWAYS = 1;
export const FINGERPRINT_IF_REPOST = 2;

/** A batch of enrichment inputs in columns; `lat`/`lon` hold NaN where the record has none. */
export interface EnrichmentBatch {
  text: string[];
  location: (string | null)[];
  postalCode: (string | null)[];
  timeZone: (string | null)[];
  createdAt: string[];
  lat: Float64Array;
  lon: Float64Array;
  fingerprint: Uint8Array;
}

/** The enrichment of a batch, in columns, row for row; `fingerprint` per FINGERPRINT_* asked. */
export interface EnrichedBatch {
  regionCode: (string | null)[];
  regionMethod: RegionMethod[];
  regionConfidence: Float64Array;
  topicSlug: string[];
  topicScore: Float64Array;
  sentiment: Float64Array;
  fingerprint: (string | null)[];
  /** Per row: the candidate regions of an ambiguous place name, or null. */
  regionCandidates: (RegionCandidate[] | null)[];
}

export function emptyBatch(size: number): EnrichmentBatch {
  return {
    text: new Array(size),
    location: new Array(size),
    postalCode: new Array(size),
    timeZone: new Array(size),
    createdAt: new Array(size),
    lat: new Float64Array(size),
    lon: new Float64Array(size),
    fingerprint: new Uint8Array(size),
  };
}

export function batchSize(batch: EnrichmentBatch): number {
  return batch.text.length;
}

/** Rows [from, to) of a batch (copies of the columns), e.g. to split a batch between threads. */
export function sliceBatch(batch: EnrichmentBatch, from: number, to: number): EnrichmentBatch {
  return {
    text: batch.text.slice(from, to),
    location: batch.location.slice(from, to),
    postalCode: batch.postalCode.slice(from, to),
    timeZone: batch.timeZone.slice(from, to),
    createdAt: batch.createdAt.slice(from, to),
    lat: batch.lat.slice(from, to),
    lon: batch.lon.slice(from, to),
    fingerprint: batch.fingerprint.slice(from, to),
  };
}

/** The enriched parts back in order, as one. */
export function concatEnriched(parts: EnrichedBatch[]): EnrichedBatch {
  if (parts.length === 1) return parts[0];
  const floats = (pick: (p: EnrichedBatch) => Float64Array) => {
    const out = new Float64Array(parts.reduce((n, p) => n + pick(p).length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(pick(p), at);
      at += pick(p).length;
    }
    return out;
  };
  return {
    regionCode: parts.flatMap((p) => p.regionCode),
    regionMethod: parts.flatMap((p) => p.regionMethod),
    regionConfidence: floats((p) => p.regionConfidence),
    topicSlug: parts.flatMap((p) => p.topicSlug),
    topicScore: floats((p) => p.topicScore),
    sentiment: floats((p) => p.sentiment),
    fingerprint: parts.flatMap((p) => p.fingerprint),
    regionCandidates: parts.flatMap((p) => p.regionCandidates),
  };
}

export function enrichBatch(enricher: Enricher, batch: EnrichmentBatch): EnrichedBatch {
  const n = batch.text.length;
  const out: EnrichedBatch = {
    regionCode: new Array(n),
    regionMethod: new Array(n),
    regionConfidence: new Float64Array(n),
    topicSlug: new Array(n),
    topicScore: new Float64Array(n),
    sentiment: new Float64Array(n),
    fingerprint: new Array(n),
    regionCandidates: new Array(n),
  };
  const input: EnrichmentInput = { text: "", createdAt: "" };
  for (let i = 0; i < n; i++) {
    const text = batch.text[i];
    const lat = batch.lat[i];
    const lon = batch.lon[i];
    input.text = text;
    input.lat = Number.isNaN(lat) ? null : lat;
    input.lon = Number.isNaN(lon) ? null : lon;
    input.postalCode = batch.postalCode[i];
    input.location = batch.location[i];
    input.createdAt = batch.createdAt[i];
    input.timeZone = batch.timeZone[i];
    const e = enricher.enrich(input);
    out.regionCode[i] = e.regionCode;
    out.regionMethod[i] = e.regionMethod;
    out.regionConfidence[i] = e.regionConfidence;
    out.topicSlug[i] = e.topicSlug;
    out.topicScore[i] = e.topicScore;
    out.sentiment[i] = e.sentiment;
    out.regionCandidates[i] = e.regionCandidates ?? null;
    const f = batch.fingerprint[i];
    out.fingerprint[i] =
      f === FINGERPRINT_ALWAYS || (f === FINGERPRINT_IF_REPOST && looksLikeRepost(text))
        ? textFingerprint(text)
        : null;
  }
  return out;
}
