import { describe, expect, it } from "vitest";
import {
  authorKey,
  bucketStart,
  hourStart,
  looksLikeRepost,
  normaliseForFingerprint,
  textFingerprint,
} from "./counting";

describe("buckets", () => {
  it("floor to 5 minutes and to the hour in UTC", () => {
    const t = Date.parse("2026-11-02T14:07:59.999Z");
    expect(new Date(bucketStart(t)).toISOString()).toBe("2026-11-02T14:05:00.000Z");
    expect(new Date(hourStart(t)).toISOString()).toBe("2026-11-02T14:00:00.000Z");
    expect(bucketStart(Date.parse("2026-11-02T14:05:00Z"))).toBe(Date.parse("2026-11-02T14:05:00Z"));
  });
});

describe("amplification fingerprints", () => {
  const original =
    "Whole west side of Fresno has no power since 6am and no ETA from @NorthwindPower https://t.co/abc";
  it("match a retweet, a quote-style repost and a differently-cased copy of the same text", () => {
    const fp = textFingerprint(original);
    expect(fp).not.toBeNull();
    expect(textFingerprint(`RT @dana: ${original}`)).toBe(fp);
    expect(textFingerprint(`rt @dana ${original.toUpperCase()}`)).toBe(fp);
    expect(textFingerprint(original.replace("https://t.co/abc", "https://t.co/xyz"))).toBe(fp);
  });

  it("differ for different complaints", () => {
    expect(textFingerprint(original)).not.toBe(
      textFingerprint("Whole east side of Fresno has no power since 6am and no ETA from @NorthwindPower"),
    );
  });

  it("are absent for short texts that many people write independently", () => {
    expect(textFingerprint("power out again")).toBeNull();
    expect(textFingerprint("RT @x: no internet here either")).toBeNull();
  });

  it("normalise away links, mentions, punctuation and the repost prefix", () => {
    expect(normaliseForFingerprint("RT @a_b: Hello, @c World!! https://x.y/z #Outage")).toBe(
      "hello world #outage",
    );
    expect(looksLikeRepost("RT @dana: power out")).toBe(true);
    expect(looksLikeRepost("Art @ the museum")).toBe(false);
  });
});

describe("author keys", () => {
  it("identify an author per source, case-insensitively, and nobody when unnamed", () => {
    expect(authorKey("x", { handle: "@Dana" })).toBe("x:dana");
    expect(authorKey("x", { handle: "dana" })).toBe("x:dana");
    expect(authorKey("mastodon", { handle: "dana" })).toBe("mastodon:dana");
    expect(authorKey("form", { name: "Dana" })).toBeNull();
    expect(authorKey("form", null)).toBeNull();
  });
});
