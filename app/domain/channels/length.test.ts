import { describe, expect, it } from "vitest";
import { blueskyLength, LIMITS, mastodonLength, measureText, xLength } from "./length";

describe("xLength (twitter-text weighted length)", () => {
  it("counts Latin text 1 per character", () => {
    expect(xLength("Power is out in Fresno")).toBe(22);
  });

  it("counts every URL as 23 whatever its length", () => {
    const url = "https://status.example.com/incidents/2026-11-02-power-outage-northern-california";
    expect(url.length).toBeGreaterThan(23);
    expect(xLength(`Status: ${url}`)).toBe(8 + 23);
    // A bare domain is linked by X too.
    expect(xLength("status.example.com")).toBe(23);
  });

  it("counts CJK characters and emoji 2 each, an emoji sequence once", () => {
    expect(xLength("停電")).toBe(4);
    expect(xLength("停電 https://example.com")).toBe(4 + 1 + 23);
    expect(xLength("🇫🇷")).toBe(2); // two regional indicators, one flag
    expect(xLength("👨‍👩‍👧")).toBe(2); // ZWJ family sequence
  });

  it("normalises to NFC first, so e + combining acute counts once", () => {
    expect(xLength("e\u0301")).toBe(1);
  });

  it("counts the typographic punctuation X weighs 1 and the ellipsis 2", () => {
    // twitter-text v3 ranges of weight 1: U+0000–U+10FF, U+2000–U+200D, U+2010–U+201F, U+2032–U+2037.
    expect(xLength("—’“")).toBe(3);
    expect(xLength("…")).toBe(2);
  });

  it("fills 280 exactly with 140 Latin and 70 CJK characters", () => {
    expect(xLength("a".repeat(140) + "日".repeat(70))).toBe(LIMITS.x);
  });
});

describe("mastodonLength (StatusLengthValidator)", () => {
  it("counts every http(s) URL as 23", () => {
    expect(mastodonLength(`${"a".repeat(10)} https://example.com/${"x".repeat(100)}`)).toBe(10 + 1 + 23);
  });

  it("does not treat a bare domain as a URL", () => {
    expect(mastodonLength("status.example.com")).toBe(18);
  });

  it("counts a remote mention as the local part only", () => {
    expect(mastodonLength("@dana@mastodon.social hi")).toBe("@dana hi".length);
    expect(mastodonLength("@dana hi")).toBe(8);
  });

  it("does not take the @ inside a profile URL for a mention", () => {
    expect(mastodonLength("https://mastodon.social/@dana@example.org")).toBe(23);
  });

  it("counts grapheme clusters: a flag, a family emoji and e + combining acute are 1 each", () => {
    expect(mastodonLength("🇫🇷👨‍👩‍👧e\u0301")).toBe(3);
  });

  it("adds the content warning", () => {
    expect(mastodonLength("abc", "CW: ")).toBe(7);
  });
});

describe("blueskyLength (graphemes)", () => {
  it("counts grapheme clusters, URLs at full length", () => {
    // c a f é · 🇫🇷 · 👨‍👩‍👧 · é(e + U+0301)
    expect(blueskyLength("café 🇫🇷 👨‍👩‍👧 e\u0301")).toBe(10);
    expect(blueskyLength("https://example.com/x")).toBe(21);
  });
});

describe("measureText", () => {
  it("reports each channel's unit and limit", () => {
    expect(measureText("x", "hi")).toEqual({ used: 2, limit: 280, unit: "weighted" });
    expect(measureText("mastodon", "hi", { mastodonMaxCharacters: 5000 })).toEqual({
      used: 2,
      limit: 5000,
      unit: "characters",
    });
    expect(measureText("mastodon", "hi").limit).toBe(500);
    expect(measureText("bluesky", "🇫🇷")).toEqual({ used: 1, limit: 300, unit: "graphemes" });
    expect(measureText("sms", "a".repeat(161))).toEqual({ used: 2, limit: 3, unit: "segments" });
    expect(measureText("sms", "hi", { smsMaxSegments: 1 }).limit).toBe(1);
    expect(measureText("facebook", "😀")).toEqual({ used: 1, limit: 63_206, unit: "characters" });
    expect(measureText("slack", "hi")).toEqual({ used: 2, limit: 40_000, unit: "characters" });
    expect(measureText("email", "[Update] Outage")).toEqual({ used: 15, limit: 78, unit: "characters" });
    expect(measureText("teams", "é")).toEqual({ used: 2, limit: 28_672, unit: "bytes" });
    expect(measureText("webhook", "é")).toEqual({ used: 2, limit: null, unit: "bytes" });
    expect(measureText("status_page", "hi")).toEqual({ used: 2, limit: null, unit: "characters" });
    expect(measureText("statuspage", "hi")).toEqual({ used: 2, limit: null, unit: "characters" });
  });
});
