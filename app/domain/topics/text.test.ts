import { describe, expect, it } from "vitest";
import {
  expandKeyword,
  isDictionaryWord,
  LEX_BOUNDARY,
  LEX_EMOJI,
  LEX_HASHTAG,
  LEX_MONEY,
  lex,
  normalizeWord,
  segmentHashtag,
  stem,
} from "./text";

const lexAll = (text: string) => {
  const out: [number, string][] = [];
  lex(text, (kind, value) => out.push([kind, value]));
  return out;
};

describe("lex", () => {
  it("drops urls and mentions, keeps hashtags, emoji, money and boundaries", () => {
    const tokens = lexAll("@Acme charged $49.99!! see https://x.co/a #Refund 😡");
    expect(tokens.map(([, v]) => v)).toEqual(["charged", "$", ".", "see", "Refund", "😡"]);
    expect(tokens.map(([k]) => k)).toEqual([0, LEX_MONEY, LEX_BOUNDARY, 0, LEX_HASHTAG, LEX_EMOJI]);
  });
});

describe("normalizeWord", () => {
  it("expands contractions and abbreviations", () => {
    expect(normalizeWord("Isn't")).toEqual(["is", "not"]);
    expect(normalizeWord("can't")).toEqual(["can", "not"]);
    expect(normalizeWord("won’t")).toEqual(["will", "not"]);
    expect(normalizeWord("cant")).toEqual(["can", "not"]);
    expect(normalizeWord("power's")).toEqual(["power"]);
    expect(normalizeWord("pwr")).toEqual(["power"]);
  });

  it("joins or splits hyphenated words", () => {
    expect(normalizeWord("wi-fi")).toEqual(["wifi"]);
    expect(normalizeWord("no-show")).toEqual(["no", "show"]);
  });

  it("undoes elongations towards a dictionary word", () => {
    expect(normalizeWord("sooo")).toEqual(["so"]);
    expect(normalizeWord("slowwww")).toEqual(["slow"]);
    expect(normalizeWord("goood")).toEqual(["good"]);
  });
});

describe("stem", () => {
  it("joins inflections and keeps distinct words apart", () => {
    expect(stem("outages")).toBe(stem("outage"));
    expect(stem("charged")).toBe(stem("charge"));
    expect(stem("charging")).toBe(stem("charge"));
    expect(stem("billing")).toBe(stem("bill"));
    expect(stem("installation")).toBe(stem("install"));
    expect(stem("dropped")).toBe(stem("drop"));
    expect(stem("went")).toBe("go");
    expect(stem("billy")).not.toBe(stem("bill"));
    expect(stem("charger")).not.toBe(stem("charge"));
    expect(stem("speed")).toBe("speed");
  });
});

describe("segmentHashtag", () => {
  const known = (w: string) => ["power", "outage", "out", "no"].includes(w);
  it("splits camelCase and run-together words", () => {
    expect(segmentHashtag("PowerOutage", known)).toEqual(["power", "outage"]);
    expect(segmentHashtag("poweroutage", known)).toEqual(["power", "outage"]);
    expect(segmentHashtag("nopower", known)).toEqual(["no", "power"]);
    expect(segmentHashtag("zzqoutage", known)).toEqual(["zzq", "outage"]);
  });

  it("leaves a tag whole rather than cutting it into scraps", () => {
    expect(segmentHashtag("txwx", known)).toEqual(["txwx"]);
  });
});

describe("isDictionaryWord", () => {
  it("knows English words and not typos", () => {
    expect(isDictionaryWord("outrage")).toBe(true);
    expect(isDictionaryWord("outtage")).toBe(false);
  });
});

describe("expandKeyword", () => {
  it("expands alternatives, with empty ones optional", () => {
    expect(expandKeyword("(power|electricity) (out|off)")).toEqual([
      "power out",
      "power off",
      "electricity out",
      "electricity off",
    ]);
    expect(expandKeyword("(|keeps) dropping")).toEqual(["dropping", "keeps dropping"]);
    expect(expandKeyword("plain phrase")).toEqual(["plain phrase"]);
  });

  it("rejects unbalanced or exploding keywords", () => {
    expect(() => expandKeyword("(power|electricity out")).toThrow(/unbalanced/);
    expect(() => expandKeyword("power) out")).toThrow(/unbalanced/);
    const big = `(${Array.from({ length: 50 }, (_, i) => `w${i}`).join("|")})`;
    expect(() => expandKeyword(`${big} ${big}`)).toThrow(/more than/);
  });
});
