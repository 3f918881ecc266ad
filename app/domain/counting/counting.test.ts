import { describe, expect, it } from "vitest";
import { simulate, US_SIM_REGIONS } from "../simulator";
import {
  authorKey,
  bucketStart,
  hourStart,
  looksLikeRepost,
  MIN_FINGERPRINT_WORDS,
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

/** The fingerprint as first written: hash of normaliseForFingerprint (the reference textFingerprint must match). */
function referenceFingerprint(text: string): string | null {
  const normal = normaliseForFingerprint(text);
  if (normal.split(" ").length < MIN_FINGERPRINT_WORDS) return null;
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ normal.length;
  for (let i = 0; i < normal.length; i++) {
    const c = normal.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  return (h1 >>> 0).toString(16).padStart(8, "0") + (h2 >>> 0).toString(16).padStart(8, "0");
}

describe("textFingerprint (without building the normalised text)", () => {
  const PIECES = [
    "power",
    "OUT",
    "since",
    "6am",
    "#PowerOutage",
    "#",
    "no",
    "ETA",
    "Fresno,",
    "CA!!",
    "café",
    "Ünïcödé",
    "ΟΔΟΣ",
    "Σ",
    "İstanbul",
    "straße",
    "𝒜𝒷𝒸",
    "😡",
    "🔌⚡",
    "\ud800",
    "\udc00x",
    "—",
    "’",
    "rt",
    "RT @dana:",
    "QT @x_y",
    "repost @a.b",
    "boosted:",
    "@NorthwindPower",
    "a@b.com",
    "e-mail",
    "https://t.co/abc",
    "HTTP://X.Y/Z",
    "http:/broken",
    "www.example.com",
    "://",
    "x://y",
    "123",
    "١٢٣",
    "½",
    "ⅷ",
    "\t",
    "\n",
    " ",
    "\u00a0",
    "\u2028",
    "  ",
    "...",
    "#1",
    "__",
    "O'Brien",
    "can't",
  ];
  const random = (seed: number) => () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  it("equals the regex pipeline's hash on generated texts", () => {
    const next = random(42);
    let fingerprints = 0;
    for (let n = 0; n < 20_000; n++) {
      const words = 1 + Math.floor(next() * 16);
      let text = next() < 0.2 ? PIECES[Math.floor(next() * 4) + 24] : "";
      for (let w = 0; w < words; w++)
        text += (next() < 0.8 ? " " : "") + PIECES[Math.floor(next() * PIECES.length)];
      const expected = referenceFingerprint(text);
      if (expected) fingerprints++;
      expect(textFingerprint(text), JSON.stringify(text)).toBe(expected);
    }
    expect(fingerprints).toBeGreaterThan(2_000);
  });

  it("equals the regex pipeline's hash on simulated traffic", () => {
    const texts = [
      ...simulate({
        from: Date.parse("2026-10-01T00:00:00Z"),
        to: Date.parse("2026-10-02T00:00:00Z"),
        seed: 5,
        regions: US_SIM_REGIONS,
        baseRatePerDay: 3000,
        incidents: [],
        labels: false,
      }),
    ].map((r) => r.text);
    for (const text of texts) expect(textFingerprint(text), text).toBe(referenceFingerprint(text));
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
