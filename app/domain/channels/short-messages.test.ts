import { describe, expect, it } from "vitest";
import { compose, URL, words } from "./test-support";

describe("SMS", () => {
  it("prefixes the organisation and appends the link", () => {
    const sms = compose("sms", { body: "Power is back in Fresno." });
    expect(sms.text).toBe(`Acme: Power is back in Fresno. ${URL}`);
    expect(sms).toMatchObject({ used: 1, limit: 3, unit: "segments", ok: true });
    expect(sms.sms).toEqual({
      encoding: "GSM-7",
      units: 70,
      segments: 1,
      perSegment: 160,
      nonGsmCharacters: [],
    });
  });

  it("shortens to the segment budget with a GSM-7 ellipsis", () => {
    // One segment = 160 septets. "Acme: " + kept words + "..." + " " + URL (39) ≤ 160 → at most 117 kept;
    // word ends fall at 5 + 5k, so 22 words: 115 + 43 = 158.
    const sms = compose("sms", { body: words(60) }, { limits: { sms: { maxSegments: 1 } } });
    expect(sms.text).toBe(`Acme: ${words(22)}... ${URL}`);
    expect(sms.sms).toMatchObject({ encoding: "GSM-7", units: 158, segments: 1 });
    expect(sms.notes.join(" ")).toMatch(/Shortened to 1 segments/);
  });

  it("stays within the default 3 segments", () => {
    const sms = compose("sms", { body: words(200) });
    expect(sms.sms.segments).toBe(3);
    expect(sms.text.endsWith(`... ${URL}`)).toBe(true);
  });

  it("says which characters force UCS-2", () => {
    const sms = compose("sms", { body: "Power is out ⚡ we’re on it." });
    expect(sms.sms.encoding).toBe("UCS-2");
    expect(sms.notes).toContain("Sent as UCS-2 (70 characters a segment, not 160) because of ⚡ ’");
  });

  it("reports an overridden text over the budget as invalid, uncut", () => {
    const text = "a".repeat(161);
    const sms = compose("sms", {}, { overrides: { sms: { text } }, limits: { sms: { maxSegments: 1 } } });
    expect(sms).toMatchObject({ text, used: 2, limit: 1, ok: false });
  });
});

describe("Facebook", () => {
  it("posts the text with the incident as the link", () => {
    expect(compose("facebook")).toMatchObject({
      message: "Crews are restoring power.",
      link: URL,
      used: 26,
      limit: 63_206,
      ok: true,
    });
  });

  it("rejects a text over 63,206 characters", () => {
    expect(compose("facebook", { body: "a".repeat(63_207) }).ok).toBe(false);
  });
});

describe("status page and Atlassian Statuspage", () => {
  it("carry the title and the full text", () => {
    for (const channel of ["status_page", "statuspage"] as const) {
      expect(compose(channel)).toEqual({
        title: "Power outage in Northern California",
        body: "Crews are restoring power.",
        used: 26,
        limit: null,
        unit: "characters",
        ok: true,
        notes: [],
      });
    }
  });

  it("reject an empty text", () => {
    expect(compose("status_page", { body: "  " })).toMatchObject({ ok: false, notes: ["The text is empty"] });
  });
});
