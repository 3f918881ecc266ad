import { beforeAll, describe, expect, it } from "vitest";
import { usStateRegions } from "~db/reference/us-regions";
import { disambiguate, type PlacementContext } from "./disambiguate";
import { buildRegionIndex, type RegionIndex, resolveRegion } from "./index";

let index: RegionIndex;
let population: Map<string, number>;
beforeAll(() => {
  const regions = usStateRegions();
  index = buildRegionIndex(regions);
  const sum = regions.reduce((s, r) => s + (r.population ?? 0), 0);
  population = new Map(regions.map((r) => [r.code, (r.population ?? 0) / sum]));
});

const candidatesOf = (text: string, location?: string) =>
  resolveRegion({ text, location }, index).candidates ?? [];

describe("ambiguous place names: candidates from the resolver", () => {
  it("stays unplaced ('none') but lists the states a hashtag or a cued city may be in", () => {
    const burlington = resolveRegion({ text: "power out again #Burlington" }, index);
    expect(burlington).toMatchObject({ region: null, method: "none", confidence: 0 });
    const states = burlington.candidates?.map((c) => c.region) ?? [];
    expect(states).toContain("VT");
    expect(states).toContain("NC");
    expect(candidatesOf("no power in Montpelier since 6").map((c) => c.region)).toContain("VT");
    for (const c of burlington.candidates ?? []) expect(c.weight).toBeLessThan(0.5);
  });

  it("lists nothing for a complaint that is placed, or names no place", () => {
    expect(resolveRegion({ text: "power out in Fresno" }, index).candidates).toBeUndefined();
    expect(resolveRegion({ text: "#Burlington", location: "Burlington, VT" }, index)).toMatchObject({
      region: "VT",
      method: "place",
    });
    expect(resolveRegion({ text: "my bill is wrong" }, index).candidates).toBeUndefined();
  });
});

describe("disambiguate from context", () => {
  const context = (extra: Partial<PlacementContext>): PlacementContext => ({ population, ...extra });

  it("leaves the name unplaced without context that stands out", () => {
    const candidates = candidatesOf("power out again #Burlington");
    expect(disambiguate(candidates, context({}))).toBeNull();
    // An ordinary hour: complaints spread like the population.
    const ordinary = new Map([...population].map(([r, p]) => [r, Math.round(p * 200)]));
    expect(disambiguate(candidates, context({ burst: ordinary }))).toBeNull();
  });

  it("follows a burst of the topic in one of the candidate states, with a lower confidence", () => {
    const candidates = candidatesOf("power out again #Burlington");
    const burst = new Map([
      ["VT", 6],
      ["CA", 4],
      ["TX", 3],
      ["NY", 2],
    ]);
    const placed = disambiguate(candidates, context({ burst }));
    expect(placed).toMatchObject({ region: "VT" });
    expect(placed!.confidence).toBeGreaterThan(0.3);
    expect(placed!.confidence).toBeLessThanOrEqual(0.5);
    expect(disambiguate(candidatesOf("no power in Montpelier"), context({ burst }))?.region).toBe("VT");
  });

  it("follows the author's other complaints", () => {
    const candidates = candidatesOf("power out again #Burlington");
    const author = new Map([["VT", 3]]);
    expect(disambiguate(candidates, context({ author }))?.region).toBe("VT");
    // An author placed elsewhere does not pull the name anywhere.
    expect(disambiguate(candidates, context({ author: new Map([["TX", 3]]) }))).toBeNull();
  });

  it("weighs a source's regional audience, but not enough on its own to place a 50/50 name", () => {
    const candidates = [
      { region: "VT", weight: 0.45, name: "x" },
      { region: "NC", weight: 0.45, name: "x" },
    ];
    const source = new Map([["VT", 400]]);
    const placed = disambiguate(candidates, context({ source }));
    expect(placed?.region ?? null).toBe("VT");
    expect(disambiguate(candidates, context({ source: new Map([["CA", 400]]) }))).toBeNull();
  });
});
