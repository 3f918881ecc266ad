import { describe, expect, it } from "vitest";
import { smsSegments } from "./sms";

describe("smsSegments", () => {
  it("fits 160 GSM-7 characters in one SMS", () => {
    expect(smsSegments("a".repeat(160))).toEqual({
      encoding: "GSM-7",
      units: 160,
      segments: 1,
      perSegment: 160,
      nonGsmCharacters: [],
    });
  });

  it("needs two 153-septet parts for 161 characters", () => {
    expect(smsSegments("a".repeat(161))).toMatchObject({ units: 161, segments: 2, perSegment: 153 });
  });

  it("counts an extension-table character as two septets: 159 + € is 161 septets, 2 segments", () => {
    expect(smsSegments(`${"a".repeat(159)}€`)).toMatchObject({ encoding: "GSM-7", units: 161, segments: 2 });
    expect(smsSegments("^{}\\[~]|€\f")).toMatchObject({ encoding: "GSM-7", units: 20, segments: 1 });
  });

  it("never splits an escape pair: 306 septets with € across the boundary take 3 parts", () => {
    // Part 1 holds 152 'a' (the € would need septets 153 and 154), part 2 the € and 151 'a', part 3 one 'a'.
    const text = `${"a".repeat(152)}€${"a".repeat(152)}`;
    expect(smsSegments(text)).toMatchObject({ units: 306, segments: 3 });
    expect(smsSegments("a".repeat(306)).segments).toBe(2);
  });

  it("switches to UCS-2 for one emoji, counting it as two UTF-16 units", () => {
    expect(smsSegments(`${"a".repeat(68)}😀`)).toEqual({
      encoding: "UCS-2",
      units: 70,
      segments: 1,
      perSegment: 70,
      nonGsmCharacters: ["😀"],
    });
    expect(smsSegments(`${"a".repeat(69)}😀`)).toMatchObject({ units: 71, segments: 2, perSegment: 67 });
  });

  it("never splits a surrogate pair or a grapheme cluster across UCS-2 parts", () => {
    // 66 + 2 + 66 = 134 units = 2 × 67, but the emoji would straddle units 67–68: 66 | 2 + 65 | 1.
    expect(smsSegments(`${"a".repeat(66)}😀${"a".repeat(66)}`)).toMatchObject({ units: 134, segments: 3 });
    // A flag is 4 units and one grapheme: 65 | 4 + 63 | 2.
    expect(smsSegments(`${"a".repeat(65)}🇫🇷${"a".repeat(65)}`)).toMatchObject({ units: 134, segments: 3 });
    expect(smsSegments(`${"a".repeat(133)}é`).segments).toBe(1); // still GSM-7: é is in the basic table
  });

  it("knows which accented letters GSM-7 has", () => {
    expect(smsSegments("Ça va, égal, où").encoding).toBe("GSM-7");
    expect(smsSegments("ça va").nonGsmCharacters).toEqual(["ç"]); // only the capital Ç is in the table
    expect(smsSegments("we’re “fine”")).toMatchObject({
      encoding: "UCS-2",
      nonGsmCharacters: ["’", "“", "”"],
    });
    // A decomposed é is a two-code-point grapheme: UCS-2, 2 units.
    expect(smsSegments("e\u0301")).toMatchObject({ encoding: "UCS-2", units: 2 });
  });

  it("counts CRLF as two characters and an empty text as no segment", () => {
    expect(smsSegments("a\r\nb").units).toBe(4);
    expect(smsSegments("")).toMatchObject({ units: 0, segments: 0 });
  });
});
