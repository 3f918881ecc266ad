import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG, resolveConfig } from "./config";

describe("resolveConfig", () => {
  it("merges nested overrides key by key, leaving the defaults alone", () => {
    const c = resolveConfig({ detected: { alpha: 1e-8 }, timeZone: "America/Chicago" });
    expect(c.detected).toEqual({ ...DEFAULT_CONFIG.detected, alpha: 1e-8 });
    expect(c.timeZone).toBe("America/Chicago");
    expect(c.possible).toEqual(DEFAULT_CONFIG.possible);
    expect(DEFAULT_CONFIG.detected.alpha).toBe(1e-6);
  });

  it("rejects values that make no sense", () => {
    expect(() => resolveConfig({ detected: { alpha: 2 } })).toThrow(/detected.alpha/);
    expect(() => resolveConfig({ possible: { minRatio: 0.5 } })).toThrow(/minRatio/);
    expect(() => resolveConfig({ endQuietBuckets: 0 })).toThrow(/endQuietBuckets/);
    expect(() => resolveConfig({ seasonal: { halfWidth: 1.5 } })).toThrow(/halfWidth/);
  });

  it("round-trips through JSON (it can live in the database)", () => {
    expect(JSON.parse(JSON.stringify(DEFAULT_CONFIG))).toEqual(DEFAULT_CONFIG);
  });
});
