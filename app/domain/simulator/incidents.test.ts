import { describe, expect, it } from "vitest";
import {
  expectedComplaints,
  groundTruth,
  type IncidentScript,
  incidentEnd,
  intensity,
  validateIncidents,
} from "./incidents";
import { US_REGION_CODES } from "./regions";
import { DEMO_BASE_RATE_PER_DAY, demoScenario, SCENARIOS } from "./scenarios";

const MIN = 60_000;
const T0 = Date.parse("2026-11-02T00:00:00Z");

const script: IncidentScript = {
  id: "s",
  topic: "outage",
  regions: ["CA", "NV"],
  start: T0,
  rampMinutes: 10,
  plateauMinutes: 20,
  decayMinutes: 30,
  peakPerHour: 120,
};

describe("incident time shape", () => {
  it("ramps linearly, holds, decays linearly, and is zero outside", () => {
    expect(intensity(script, T0 - 1)).toBe(0);
    expect(intensity(script, T0)).toBe(0);
    expect(intensity(script, T0 + 5 * MIN)).toBeCloseTo(0.5);
    expect(intensity(script, T0 + 10 * MIN)).toBe(1);
    expect(intensity(script, T0 + 29 * MIN)).toBe(1);
    expect(intensity(script, T0 + 45 * MIN)).toBeCloseTo(0.5);
    expect(intensity(script, T0 + 60 * MIN)).toBe(0);
    expect(incidentEnd(script)).toBe(T0 + 60 * MIN);
  });

  it("expects the trapezoid's area in complaints", () => {
    // 120/h × (5 + 20 + 15) min = 80.
    expect(expectedComplaints(script)).toBeCloseTo(80);
  });
});

describe("ground truth", () => {
  it("mirrors the scripts, with their end and kind", () => {
    const storm: IncidentScript = {
      ...script,
      id: "storm",
      peakPerHour: 0,
      amplification: { originalText: "lights out", reposts: 300 },
    };
    expect(groundTruth([script, storm])).toEqual([
      {
        id: "s",
        topic: "outage",
        regions: ["CA", "NV"],
        start: T0,
        end: T0 + 60 * MIN,
        kind: "incident",
        expectedComplaints: 80,
      },
      {
        id: "storm",
        topic: "outage",
        regions: ["CA", "NV"],
        start: T0,
        end: T0 + 60 * MIN,
        kind: "amplification",
        expectedComplaints: 301,
      },
    ]);
  });

  it("keeps only the scripts that overlap a window", () => {
    const later = { ...script, id: "later", start: T0 + 120 * MIN };
    expect(groundTruth([script, later], { from: T0 + 30 * MIN, to: T0 + 90 * MIN }).map((g) => g.id)).toEqual(
      ["s"],
    );
    expect(
      groundTruth([script, later], { from: T0 + 60 * MIN, to: T0 + 121 * MIN }).map((g) => g.id),
    ).toEqual(["later"]);
  });
});

describe("script validation", () => {
  const codes = new Set(["CA", "NV"]);
  it("accepts a good script and names the problem with a bad one", () => {
    expect(() => validateIncidents([script], codes)).not.toThrow();
    expect(() => validateIncidents([script, script], codes)).toThrow(/duplicate id/);
    expect(() => validateIncidents([{ ...script, regions: ["ZZ"] }], codes)).toThrow(/region "ZZ"/);
    expect(() => validateIncidents([{ ...script, topic: "weather" }], codes)).toThrow(/topic "weather"/);
    expect(() => validateIncidents([{ ...script, peakPerHour: -1 }], codes)).toThrow(/peakPerHour/);
    expect(() =>
      validateIncidents([{ ...script, rampMinutes: 0, plateauMinutes: 0, decayMinutes: 0 }], codes),
    ).toThrow(/> 0/);
    expect(() => validateIncidents([{ ...script, sources: { fax: 1 } as never }], codes)).toThrow(
      /source "fax"/,
    );
  });
});

describe("presets", () => {
  const codes = new Set(US_REGION_CODES);

  it("are valid against the US regions and start at `at`", () => {
    for (const [name, make] of Object.entries(SCENARIOS)) {
      const scripts = make(T0);
      expect(() => validateIncidents(scripts, codes), name).not.toThrow();
      const periods = ["mixed-fortnight", "imported-history"];
      if (!periods.includes(name) && scripts.length) expect(scripts[0].start, name).toBe(T0);
    }
    // The imported-history week: eleven incidents of very different sizes inside the week after `at`,
    // from X, Mastodon and helpdesk tickets only.
    const week = SCENARIOS["imported-history"](T0);
    expect(week).toHaveLength(11);
    const sizes = week.map((s) => expectedComplaints(s)).sort((a, b) => a - b);
    expect(sizes[0]).toBeLessThan(40);
    expect(sizes[sizes.length - 1]).toBeGreaterThan(2000);
    for (const s of week) {
      expect(s.start).toBeGreaterThanOrEqual(T0);
      expect(s.start).toBeLessThan(T0 + 7 * 86_400_000);
      expect(Object.keys(s.sources ?? {}).sort()).toEqual(["mastodon", "x", "zendesk"]);
    }
    expect(SCENARIOS["plain-week"](T0)).toEqual([]);
  });

  it("cover the evaluation cases", () => {
    const [west] = SCENARIOS["western-power-outage"](T0);
    expect(west.regions).toEqual(expect.arrayContaining(["CA", "NV", "OR", "AZ"]));
    expect(west.rampMinutes).toBeLessThanOrEqual(10);
    const [billing] = SCENARIOS["nationwide-double-billing"](T0);
    expect(billing.topic).toBe("billing");
    expect(billing.regions).toHaveLength(51);
    expect(billing.rampMinutes).toBeGreaterThanOrEqual(180);
    const [vermont] = SCENARIOS["vermont-small-outage"](T0);
    expect(vermont.regions).toEqual(["VT"]);
    expect(expectedComplaints(vermont)).toBeGreaterThanOrEqual(10);
    expect(expectedComplaints(vermont)).toBeLessThanOrEqual(15);
    const [login] = SCENARIOS["nationwide-app-login"](T0);
    expect(login.topic).toBe("app-login");
    expect(login.regions).toHaveLength(51);
    const [slow] = SCENARIOS["south-central-slowdown"](T0);
    expect(slow).toMatchObject({ topic: "degraded", regions: ["TX", "OK", "LA"] });
    const [storm] = SCENARIOS["ny-retweet-storm"](T0);
    expect(storm.peakPerHour).toBe(0);
    expect(storm.amplification?.reposts).toBeGreaterThanOrEqual(200);
    expect(groundTruth([storm])[0].kind).toBe("amplification");
  });

  it("spreads the mixed fortnight over two weeks without overlaps", () => {
    const scripts = SCENARIOS["mixed-fortnight"](T0);
    expect(new Set(scripts.map((s) => s.id)).size).toBe(6);
    const sorted = [...scripts].sort((a, b) => a.start - b.start);
    sorted.forEach((s, i) => {
      expect(s.start).toBeGreaterThanOrEqual(T0);
      expect(incidentEnd(s)).toBeLessThanOrEqual(T0 + 14 * 24 * 60 * MIN);
      if (i > 0) expect(s.start).toBeGreaterThanOrEqual(incidentEnd(sorted[i - 1]));
    });
  });

  it("starts the demo outage minutes after start-up and peaks well above the western background", () => {
    const [demo] = demoScenario(T0);
    expect(demo.start - T0).toBeGreaterThanOrEqual(1 * MIN);
    expect(demo.start - T0).toBeLessThanOrEqual(5 * MIN);
    expect(demo.rampMinutes).toBeLessThanOrEqual(10);
    expect(demo.regions).toEqual(expect.arrayContaining(["CA", "NV", "OR", "AZ"]));
    // The four states hold ~16% of the population: ~10 background complaints an hour at the demo rate.
    expect(demo.peakPerHour).toBeGreaterThan(20 * ((DEMO_BASE_RATE_PER_DAY * 0.16) / 24));
  });
});
