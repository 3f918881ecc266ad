import { describe, expect, it } from "vitest";
import { type ClusterableSpike, clusterSpikes } from "./cluster";

const H = 3600_000;
const T = Date.UTC(2026, 6, 1, 12);
const NEIGHBOURS = new Map<string, string[]>([
  ["CA", ["OR", "NV", "AZ"]],
  ["NV", ["CA", "OR", "ID", "UT", "AZ"]],
  ["OR", ["CA", "NV", "WA", "ID"]],
  ["NY", ["NJ", "PA", "CT", "MA", "VT"]],
  ["WA", ["OR", "ID"]],
]);

const spike = (region: string, over: Partial<ClusterableSpike> = {}): ClusterableSpike => ({
  region,
  topic: "outage",
  level: "detected",
  startedAt: T,
  detectedAt: T + 5 * 60_000,
  peakAt: T + 10 * 60_000,
  endedAt: null,
  observed: 100,
  expected: 10,
  score: 12,
  ...over,
});

describe("clusterSpikes", () => {
  it("shows one event once: a national spike whose area is a region with its own possible spike", () => {
    const clusters = clusterSpikes(
      [
        spike("CA", { level: "possible", observed: 7 }),
        spike("*", { level: "possible", observed: 9, regions: ["CA"] }),
        // A possible spike next door, not covered by any area, stays on its own.
        spike("NV", { level: "possible", observed: 4 }),
      ],
      NEIGHBOURS,
    );
    expect(clusters.map((c) => c.regions)).toEqual([["CA"], ["NV"]]);
    expect(clusters[0].members).toHaveLength(2);
    expect(clusters[0].observed).toBe(9); // the aggregate already counts the region's complaints
  });

  it("merges one topic's detected spikes in neighbouring regions (CA + NV + OR)", () => {
    const clusters = clusterSpikes(
      [
        spike("CA"),
        spike("NV", { startedAt: T + H, observed: 300, peakAt: T + 2 * H }),
        spike("OR", { startedAt: T + 2 * H }),
      ],
      NEIGHBOURS,
    );
    expect(clusters).toHaveLength(1);
    expect(clusters[0]).toMatchObject({
      topic: "outage",
      regions: ["CA", "NV", "OR"],
      level: "detected",
      startedAt: T,
      peakAt: T + 2 * H, // NV has the highest peak
      endedAt: null,
      observed: 500,
      expected: 30,
    });
  });

  it("chains through a neighbour: WA–OR–CA is one cluster although WA and CA do not touch", () => {
    const clusters = clusterSpikes([spike("CA"), spike("WA"), spike("OR")], NEIGHBOURS);
    expect(clusters.map((c) => c.regions)).toEqual([["CA", "OR", "WA"]]);
  });

  it("keeps CA and NY apart", () => {
    const clusters = clusterSpikes([spike("CA"), spike("NY")], NEIGHBOURS);
    expect(clusters.map((c) => c.regions)).toEqual([["CA"], ["NY"]]);
  });

  it("keeps different topics apart", () => {
    const clusters = clusterSpikes([spike("CA"), spike("NV", { topic: "billing" })], NEIGHBOURS);
    expect(clusters).toHaveLength(2);
    expect(clusters.map((c) => c.topic).sort()).toEqual(["billing", "outage"]);
  });

  it("does not merge spikes that do not overlap in time, nor `possible` ones", () => {
    const apart = clusterSpikes(
      [spike("CA", { endedAt: T + H }), spike("NV", { startedAt: T + 2 * H })],
      NEIGHBOURS,
    );
    expect(apart).toHaveLength(2);
    const possible = clusterSpikes([spike("CA"), spike("NV", { level: "possible" })], NEIGHBOURS);
    expect(possible).toHaveLength(2);
    expect(
      clusterSpikes([spike("CA"), spike("NV", { level: "possible" })], NEIGHBOURS, { link: "any" }),
    ).toHaveLength(1);
  });

  it("is deterministic whatever the input order", () => {
    const list = [
      spike("OR", { startedAt: T + H }),
      spike("NY"),
      spike("CA"),
      spike("NV", { topic: "billing" }),
      spike("NV"),
    ];
    const a = clusterSpikes(list, NEIGHBOURS);
    const b = clusterSpikes([...list].reverse(), NEIGHBOURS);
    expect(b).toEqual(a);
  });

  it("keeps a cluster's id as it grows and shrinks, and reports merges", () => {
    const first = clusterSpikes([spike("CA"), spike("NY")], NEIGHBOURS);
    const ca = first.find((c) => c.regions.includes("CA"))!;
    // Grows: NV joins CA.
    const grown = clusterSpikes([spike("CA"), spike("NY"), spike("NV", { startedAt: T + H })], NEIGHBOURS, {
      previous: first,
    });
    expect(grown.find((c) => c.regions.includes("NV"))!.id).toBe(ca.id);
    // AZ appears as its own cluster next to nothing, then OR links... and a separate OR-WA cluster
    // merges into CA's: CA's id (more members) survives, the other is absorbed.
    const orwa = clusterSpikes(
      [spike("WA", { startedAt: T + 3 * H }), spike("OR", { startedAt: T + 3 * H, endedAt: null })],
      NEIGHBOURS,
    );
    const before = [...grown, ...orwa];
    const merged = clusterSpikes(
      [
        spike("CA"),
        spike("NY"),
        spike("NV", { startedAt: T + H }),
        spike("WA", { startedAt: T + 3 * H }),
        spike("OR", { startedAt: T + 3 * H }),
      ],
      NEIGHBOURS,
      { previous: before },
    );
    const big = merged.find((c) => c.regions.includes("CA"))!;
    expect(big.regions).toEqual(["CA", "NV", "OR", "WA"]);
    expect(big.id).toBe(ca.id);
    expect(big.absorbed).toEqual([orwa[0].id]);
    // Shrinks: NV's spike is dropped (e.g. no longer of interest): CA keeps the id.
    const shrunk = clusterSpikes([spike("CA"), spike("NY")], NEIGHBOURS, { previous: merged });
    expect(shrunk.find((c) => c.regions.includes("CA"))!.id).toBe(ca.id);
    // NY never changed.
    expect(shrunk.find((c) => c.regions.includes("NY"))!.id).toBe(
      first.find((c) => c.regions.includes("NY"))!.id,
    );
  });

  it("gives the smaller part of a split a fresh id", () => {
    const whole = clusterSpikes([spike("CA"), spike("NV"), spike("OR"), spike("WA")], NEIGHBOURS);
    expect(whole).toHaveLength(1);
    // OR ended early, so WA is no longer linked to CA/NV (OR's spike ended before WA began).
    const split = clusterSpikes(
      [spike("CA"), spike("NV"), spike("OR", { endedAt: T + H }), spike("WA", { startedAt: T + 2 * H })],
      NEIGHBOURS,
      { previous: whole },
    );
    expect(split).toHaveLength(2);
    const main = split.find((c) => c.regions.includes("CA"))!;
    const rest = split.find((c) => c.regions.includes("WA"))!;
    expect(main.id).toBe(whole[0].id);
    expect(rest.id).not.toBe(whole[0].id);
    expect(rest.id.startsWith("outage:WA|outage|")).toBe(true);
  });
});
