import { describe, expect, it } from "vitest";
import { canonicalZone, stateInGroup, zoneGroup, zoneOffsets } from "./timezone";

describe("canonicalZone", () => {
  it.each([
    ["America/Phoenix", "America/Phoenix"],
    [" america/phoenix ", "America/Phoenix"],
    ["US/Arizona", "America/Phoenix"],
    ["Arizona", "America/Phoenix"],
    ["Pacific Time (US & Canada)", "America/Los_Angeles"],
    ["America/Indianapolis", "America/Indiana/Indianapolis"],
    ["Europe/Paris", "Europe/Paris"],
  ])("%s → %s", (raw, zone) => {
    expect(canonicalZone(raw)).toBe(zone);
  });

  it.each(["", "   ", "Not/AZone", "PDT", null, undefined])("%s → null", (raw) => {
    expect(canonicalZone(raw)).toBeNull();
  });
});

describe("zone groups", () => {
  it("knows which states can show which clock", () => {
    expect(zoneGroup("America/Boise")).toBe("M");
    expect(zoneGroup("America/Detroit")).toBe("E");
    expect(zoneGroup("Europe/Paris")).toBeNull();
    expect(stateInGroup("TX", "M")).toBe(true); // El Paso
    expect(stateInGroup("OR", "M")).toBe(false); // Malheur County is too small to count
    expect(stateInGroup("ME", "P")).toBe(false);
  });
});

describe("zoneOffsets", () => {
  it("gives standard and daylight offsets", () => {
    expect(zoneOffsets("America/Phoenix", 2026)).toEqual([-420]);
    expect(zoneOffsets("America/Los_Angeles", 2026).sort()).toEqual([-420, -480].sort());
    expect(zoneOffsets("Pacific/Honolulu", 2026)).toEqual([-600]);
    expect(zoneOffsets("Asia/Kolkata", 2026)).toEqual([330]);
    expect(zoneOffsets("UTC", 2026)).toEqual([0]);
    expect(zoneOffsets("Not/AZone", 2026)).toEqual([]);
  });
});
