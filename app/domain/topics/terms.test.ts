import { describe, expect, it } from "vitest";
import { DEFAULT_TAXONOMY } from "~db/reference/taxonomy";
import { emergingTerms, extractTerms, termExclusion } from "./terms";

const exclusion = termExclusion(DEFAULT_TAXONOMY);

describe("extractTerms", () => {
  it("keeps words and two-word phrases, normalised, without stop-words", () => {
    const terms = extractTerms("The Water Mains burst near Lakeview!!!");
    expect(terms).toEqual(expect.arrayContaining(["water", "main", "water main", "burst", "lakeview"]));
    expect(terms).not.toContain("the");
    expect(terms).not.toContain("near");
  });

  it("does not form phrases across stop-words or punctuation", () => {
    const terms = extractTerms("modem exploded. router fine");
    expect(terms).toContain("modem");
    expect(terms).not.toContain("exploded router");
  });

  it("keeps hashtags whole and drops mentions, links and numbers", () => {
    const terms = extractTerms("@AcmeCares #PS5Down since 1900 https://t.co/x");
    expect(terms).toContain("#ps5down");
    expect(terms.some((t) => t.includes("acme"))).toBe(false);
    expect(terms.some((t) => t.includes("1900"))).toBe(false);
    expect(terms.some((t) => t.includes("http"))).toBe(false);
  });

  it("undoes elongations and contractions", () => {
    expect(extractTerms("bluuuue screeeen")).toContain("blue screen");
  });

  it("leaves out the taxonomy's own keywords", () => {
    const terms = extractTerms(
      "power outage on Elm, #poweroutage, crowdstrike update bricked terminals",
      exclusion,
    );
    expect(terms).not.toContain("outage");
    expect(terms).not.toContain("power outage");
    expect(terms).not.toContain("#poweroutage");
    expect(terms).toEqual(expect.arrayContaining(["elm", "crowdstrike", "terminal"]));
    // without the exclusion the same words are terms
    expect(extractTerms("power outage on Elm")).toContain("outage");
  });

  it("lists each term once", () => {
    const terms = extractTerms("fiber fiber fiber");
    expect(terms.filter((t) => t === "fiber")).toHaveLength(1);
  });
});

describe("emergingTerms", () => {
  const week = 168;

  it("surfaces a new term seen 40 times in an hour with no history", () => {
    const out = emergingTerms({
      current: new Map([["blue screen", 40]]),
      baseline: new Map(),
      historyHours: week,
    });
    expect(out.map((t) => t.term)).toEqual(["blue screen"]);
    expect(out[0].count).toBe(40);
    expect(out[0].expected).toBeLessThan(0.01);
    expect(out[0].score).toBeGreaterThan(20);
  });

  it("does not surface a common word at its usual level, nor a one-off word", () => {
    const out = emergingTerms({
      current: new Map([
        ["service", 46],
        ["lakeview", 2],
      ]),
      baseline: new Map([["service", { mean: 40, hours: week }]]),
      historyHours: week,
    });
    expect(out).toEqual([]);
  });

  it("surfaces a common word that truly bursts, scored below a brand-new one", () => {
    const out = emergingTerms({
      current: new Map([
        ["modem", 120],
        ["crowdstrike", 40],
      ]),
      baseline: new Map([["modem", { mean: 5, hours: week }]]),
      historyHours: week,
    });
    expect(out.map((t) => t.term)).toEqual(["crowdstrike", "modem"]);
  });

  it("accepts per-hour history and needs more evidence when history is short", () => {
    const current = new Map([["router", 12]]);
    const longQuiet = emergingTerms({ current, baseline: new Map([["router", new Array(week).fill(1)]]) });
    const shortQuiet = emergingTerms({ current, baseline: new Map([["router", [1, 1]]]), minScore: 0 });
    expect(longQuiet).toHaveLength(1);
    expect(shortQuiet[0]?.score ?? 0).toBeLessThan(longQuiet[0].score);
  });

  it("discounts a rise that only follows overall volume", () => {
    const input = {
      current: new Map([["storm", 60]]),
      baseline: new Map([["storm", { mean: 6, hours: week }]]),
      historyHours: week,
    };
    expect(emergingTerms(input)).toHaveLength(1);
    expect(emergingTerms({ ...input, volumeRatio: 10 })).toEqual([]);
  });

  it("honours minCount and limit", () => {
    const current = new Map(Array.from({ length: 5 }, (_, i) => [`term${i}`, 15 + i] as [string, number]));
    const out = emergingTerms({ current, baseline: new Map(), historyHours: week, limit: 2 });
    expect(out.map((t) => t.term)).toEqual(["term4", "term3"]);
    expect(emergingTerms({ current, baseline: new Map(), historyHours: week, minCount: 100 })).toEqual([]);
  });
});
