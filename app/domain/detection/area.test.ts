import { describe, expect, it } from "vitest";
import { affectedArea, largestConnectedPart, risingNeighbours } from "./area";
import { DEFAULT_CONFIG } from "./config";
import { logNegBinomUpperTail } from "./stats";

const NEIGHBOURS = new Map<string, string[]>([
  ["CA", ["AZ", "NV", "OR"]],
  ["NV", ["AZ", "CA", "ID", "OR", "UT"]],
  ["OR", ["CA", "ID", "NV", "WA"]],
  ["AZ", ["CA", "NV", "UT"]],
  ["WA", ["ID", "OR"]],
  ["ID", ["NV", "OR", "UT", "WA"]],
  ["UT", ["AZ", "ID", "NV"]],
  ["NY", ["NJ", "PA"]],
  ["NJ", ["NY", "PA"]],
  ["PA", ["NJ", "NY"]],
  ["TX", []],
  ["FL", []],
]);
const SIZE = 10;

/** One region's last-hour window: its count against what was expected, with the model's p-value. */
const cell = (region: string, observed: number, expected: number) => ({
  region,
  windowObserved: observed,
  windowExpected: expected,
  windowLogP: observed > expected ? logNegBinomUpperTail(observed, expected, SIZE) : 0,
  size: SIZE,
});
const quiet = (regions: string[], expected = 2) => regions.map((r) => cell(r, 2, expected));
const FAR = ["NY", "NJ", "PA", "TX", "FL"];

describe("affectedArea of a topic's all-regions spike", () => {
  it("places a western outage: the regions that rose, and the neighbours that rose a little", () => {
    const regional = [
      cell("CA", 60, 3),
      cell("NV", 7, 1), // rose a little (p ≈ 3e-4: between 1e-4 and 1e-3), next to CA
      cell("OR", 2, 1.5), // next to CA, but did not rise
      cell("AZ", 1, 1),
      cell("UT", 7, 1), // rose a little, but is not a neighbour of a risen region
      ...quiet(["WA", "ID", ...FAR]),
    ];
    const area = affectedArea({ size: SIZE }, regional, NEIGHBOURS, DEFAULT_CONFIG);
    expect(area.risen).toEqual(["CA"]);
    expect(area.regions).toEqual(["CA", "NV"]);
    expect(area.diffuse).toBe(false);
  });

  it("calls it nationwide when the regions far from the event rose together", () => {
    const regional = [cell("CA", 60, 3), ...FAR.map((r) => cell(r, 12, 3)), ...quiet(["NV", "OR", "AZ"])];
    const area = affectedArea({ size: SIZE }, regional, NEIGHBOURS, DEFAULT_CONFIG);
    expect(area.diffuse).toBe(true);
  });

  it("does not call a regional outage nationwide for a few stray complaints where almost none were expected", () => {
    // Five complaints far away against ~0.05 expected: significant, but not a nationwide event.
    const regional = [cell("CA", 60, 3), ...FAR.map((r) => cell(r, 1, 0.01)), ...quiet(["NV", "OR", "AZ"])];
    const area = affectedArea({ size: SIZE }, regional, NEIGHBOURS, DEFAULT_CONFIG);
    expect(area.diffuse).toBe(false);
    const lenient = affectedArea({ size: SIZE }, regional, NEIGHBOURS, {
      ...DEFAULT_CONFIG,
      area: { ...DEFAULT_CONFIG.area, diffuseMinCount: 1 },
    });
    expect(lenient.diffuse).toBe(true);
  });

  it("leaves the area empty when no region stands out", () => {
    const regional = [...quiet(["CA", "NV", "OR", "AZ"]), ...FAR.map((r) => cell(r, 3, 2))];
    const area = affectedArea({ size: SIZE }, regional, NEIGHBOURS, DEFAULT_CONFIG);
    expect(area).toEqual({ regions: [], risen: [], diffuse: false });
  });
});

describe("risingNeighbours", () => {
  it("lists the neighbours (either way round) that rose a little, never the regions themselves", () => {
    const regional = [
      cell("CA", 40, 2),
      cell("OR", 8, 1),
      cell("NV", 8, 1),
      cell("AZ", 2, 2),
      cell("UT", 9, 1),
    ];
    expect(risingNeighbours(["CA"], regional, NEIGHBOURS, DEFAULT_CONFIG)).toEqual(["NV", "OR"]);
    expect(risingNeighbours(["CA", "NV"], regional, NEIGHBOURS, DEFAULT_CONFIG)).toEqual(["OR", "UT"]);
  });
});

describe("largestConnectedPart", () => {
  it("keeps the biggest group of touching regions of an area made of separate parts", () => {
    expect(largestConnectedPart(["NY", "CA", "NV", "OR", "NJ"], NEIGHBOURS)).toEqual(["CA", "NV", "OR"]);
    // Connected through a chain (CA–NV–UT), whatever the order given.
    expect(largestConnectedPart(["UT", "CA", "NV"], NEIGHBOURS)).toEqual(["CA", "NV", "UT"]);
    // A tie goes to the part with the alphabetically first region.
    expect(largestConnectedPart(["NY", "TX", "FL"], NEIGHBOURS)).toEqual(["FL"]);
    expect(largestConnectedPart([], NEIGHBOURS)).toEqual([]);
  });
});
