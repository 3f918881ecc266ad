import { describe, expect, it } from "vitest";
import { parseGeoNamesPostal, parsePostalCode, ZipDirectory } from "./postal";

describe("parsePostalCode", () => {
  it.each([
    ["93701", "93701", false],
    ["93701-1234", "93701", false],
    ["93701 1234", "93701", false],
    ["937011234", "93701", false],
    [" 02139 ", "02139", false],
    ["US-02139", "02139", false],
    ["2139", "02139", true],
    [2139, "02139", true],
    [93701, "93701", false],
  ])("%s → US %s", (raw, zip, padded) => {
    expect(parsePostalCode(raw)).toEqual({ kind: "us", zip, padded });
  });

  it("recognises Canadian and UK codes as foreign", () => {
    expect(parsePostalCode("K1A 0B1")).toEqual({ kind: "foreign", country: "CA" });
    expect(parsePostalCode("m5v3l9")).toEqual({ kind: "foreign", country: "CA" });
    expect(parsePostalCode("SW1A 1AA")).toEqual({ kind: "foreign", country: "GB" });
  });

  it.each(["", "123", "93701-12", "9370112345", "ABCDE", "75008 Paris", null, undefined])(
    "%s → invalid",
    (raw) => {
      expect(parsePostalCode(raw)).toEqual({ kind: "invalid" });
    },
  );
});

describe("ZipDirectory", () => {
  const tsv = [
    "US\t02139\tCambridge\tMassachusetts\tMA\tMiddlesex\t017\t\t\t42.3647\t-71.1042\t4",
    "US\t93701\tFresno\tCalifornia\tCA\tFresno\t019\t\t\t36.7487\t-119.7867\t4",
    "US\t09001\tAPO AA\t\t\t\t\t\t\t38.1105\t15.6613\t",
    "",
  ].join("\n");

  it("parses GeoNames rows, skipping rows without a state", () => {
    const rows = parseGeoNamesPostal(tsv);
    expect(rows).toHaveLength(2);
    const dir = new ZipDirectory(rows);
    expect(dir.size).toBe(2);
    expect(dir.get("02139")).toMatchObject({ zip: "02139", state: "MA", place: "Cambridge" });
    expect(dir.get("02139")!.lat).toBeCloseTo(42.3647, 3);
    expect(dir.get("93701")?.state).toBe("CA");
    expect(dir.get("09001")).toBeNull();
    expect(dir.get("12345")).toBeNull();
    expect(dir.get("2139")).toBeNull();
  });
});
