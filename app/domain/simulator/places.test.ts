import booleanPointInPolygon from "@turf/boolean-point-in-polygon";
import type { Feature, Geometry } from "geojson";
import { describe, expect, it } from "vitest";
import { usStateRegions } from "~db/reference/us-regions";
import { US_STATES } from "~db/reference/us-states";
import { CITIES } from "./places";

/** First three digits of the ZIP codes each state uses (USPS sectional centres). */
const ZIP3: Record<string, [number, number][]> = {
  AL: [[350, 369]],
  AK: [[995, 999]],
  AZ: [[850, 865]],
  AR: [[716, 729]],
  CA: [[900, 961]],
  CO: [[800, 816]],
  CT: [[60, 69]],
  DE: [[197, 199]],
  DC: [[200, 205]],
  FL: [[320, 349]],
  GA: [
    [300, 319],
    [398, 399],
  ],
  HI: [[967, 968]],
  ID: [[832, 838]],
  IL: [[600, 629]],
  IN: [[460, 479]],
  IA: [[500, 528]],
  KS: [[660, 679]],
  KY: [[400, 427]],
  LA: [[700, 714]],
  ME: [[39, 49]],
  MD: [[206, 219]],
  MA: [[10, 27]],
  MI: [[480, 499]],
  MN: [[550, 567]],
  MS: [[386, 397]],
  MO: [[630, 658]],
  MT: [[590, 599]],
  NE: [[680, 693]],
  NV: [[889, 898]],
  NH: [[30, 38]],
  NJ: [[70, 89]],
  NM: [[870, 884]],
  NY: [[100, 149]],
  NC: [[270, 289]],
  ND: [[580, 588]],
  OH: [[430, 459]],
  OK: [[730, 749]],
  OR: [[970, 979]],
  PA: [[150, 196]],
  RI: [[28, 29]],
  SC: [[290, 299]],
  SD: [[570, 577]],
  TN: [[370, 385]],
  TX: [
    [750, 799],
    [885, 885],
  ],
  UT: [[840, 847]],
  VT: [[50, 59]],
  VA: [
    [201, 201],
    [220, 246],
  ],
  WA: [[980, 994]],
  WV: [[247, 268]],
  WI: [[530, 549]],
  WY: [[820, 831]],
};

describe("curated places", () => {
  it("has 5–12 real cities for every default region, each named once", () => {
    for (const state of US_STATES) {
      const cities = CITIES[state.code];
      expect(cities, state.code).toBeDefined();
      expect(cities.length, state.code).toBeGreaterThanOrEqual(5);
      expect(cities.length, state.code).toBeLessThanOrEqual(12);
      expect(new Set(cities.map((c) => c.name)).size, state.code).toBe(cities.length);
    }
    expect(Object.keys(CITIES).sort()).toEqual(US_STATES.map((s) => s.code).sort());
  });

  it("puts every city inside its state's boundary", () => {
    const outside: string[] = [];
    for (const region of usStateRegions()) {
      const feature: Feature<Geometry> = { type: "Feature", properties: {}, geometry: region.geometry };
      for (const city of CITIES[region.code]) {
        if (!booleanPointInPolygon([city.lon, city.lat], feature as never)) {
          outside.push(`${city.name}, ${region.code}`);
        }
      }
    }
    expect(outside).toEqual([]);
  });

  it("gives every city a five-digit ZIP from its state's ranges", () => {
    for (const [code, cities] of Object.entries(CITIES)) {
      for (const city of cities) {
        expect(city.zip, `${city.name}, ${code}`).toMatch(/^\d{5}$/);
        const prefix = Number(city.zip.slice(0, 3));
        const ok = ZIP3[code].some(([lo, hi]) => prefix >= lo && prefix <= hi);
        expect(ok, `${city.name}, ${code} ${city.zip}`).toBe(true);
      }
    }
  });
});
