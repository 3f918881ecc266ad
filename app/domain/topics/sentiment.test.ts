import { describe, expect, it } from "vitest";
import { simulate, US_SIM_REGIONS } from "../simulator";
import { sentimentScore, sentimentScoreByLibrary } from "./sentiment";

describe("sentimentScore", () => {
  it("is negative for clear complaints", () => {
    for (const text of [
      "This is ridiculous, worst service ever",
      "customer service is a joke",
      "😡😡😡 no power AGAIN",
      "the app is not working",
      "sooo baaaad",
    ]) {
      expect(sentimentScore(text), text).toBeLessThan(0);
    }
  });

  it("is positive for clear praise", () => {
    for (const text of [
      "Thanks for fixing it so quickly, great job!",
      "love the new plan 😍",
      "goood job crew",
    ]) {
      expect(sentimentScore(text), text).toBeGreaterThan(0);
    }
  });

  it("is 0 for text without rated words", () => {
    expect(sentimentScore("Power out on Elm St since 6am")).toBe(0);
    expect(sentimentScore("")).toBe(0);
  });

  it("does not count pleas and fillers as positive", () => {
    expect(sentimentScore("please help")).toBe(0);
    expect(sentimentScore("out for like 6 hours")).toBe(0);
  });

  it("flips and dampens a negated word, looking back up to three words", () => {
    const good = sentimentScore("good");
    const notGood = sentimentScore("not good");
    expect(notGood).toBeLessThan(0);
    expect(Math.abs(notGood)).toBeLessThan(Math.abs(good));
    expect(sentimentScore("not really very good")).toBeLessThan(0);
  });

  it("stays within -1..1 and grows with intensity", () => {
    const mild = sentimentScore("annoying");
    const strong = sentimentScore("annoying, terrible, awful, worst, useless");
    expect(strong).toBeLessThan(mild);
    expect(strong).toBeGreaterThan(-1);
    expect(sentimentScore("amazing wonderful brilliant superb")).toBeLessThan(1);
  });

  it("scores exactly as the library's tokenizer and loop do, on generated and simulated texts", () => {
    const pieces = [
      "good",
      "bad",
      "GREAT",
      "worst",
      "not",
      "no",
      "never",
      "don't",
      "don’t",
      "cant",
      "can't",
      "help",
      "please",
      "like",
      "love",
      "hate",
      "ridiculous",
      "joke",
      "slow",
      "working",
      "works",
      "fixed",
      "sooo",
      "baaaad",
      "goood",
      "😡",
      "😍",
      "👍",
      "🔌",
      "power",
      "out",
      "lol",
      "smh",
      "!",
      "?!",
      ".",
      ",",
      "...",
      "(",
      ")",
      "#",
      "$",
      "&",
      "*",
      "=",
      "_",
      "`",
      '"',
      "~",
      "{",
      "}",
      ";",
      ":",
      "/",
      "\\",
      "-",
      "'",
      " ",
      "  ",
      "\t",
      "\n",
      "\r",
      "\r\n",
      "\u00a0",
      "\u2028",
      "\u3000",
      "\ufeff",
      "é",
      "İ",
      "ΣΟΣ",
      "💸💸",
    ];
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    let nonZero = 0;
    for (let n = 0; n < 20_000; n++) {
      let text = "";
      const count = Math.floor(next() * 14);
      for (let w = 0; w < count; w++)
        text += (next() < 0.6 ? " " : "") + pieces[Math.floor(next() * pieces.length)];
      const expected = sentimentScoreByLibrary(text);
      if (expected !== 0) nonZero++;
      expect(sentimentScore(text), JSON.stringify(text)).toBe(expected);
    }
    expect(nonZero).toBeGreaterThan(5_000);
    const simulated = simulate({
      from: Date.parse("2026-10-01T00:00:00Z"),
      to: Date.parse("2026-10-02T00:00:00Z"),
      seed: 9,
      regions: US_SIM_REGIONS,
      baseRatePerDay: 3000,
      incidents: [],
      labels: false,
    });
    for (const { text } of simulated) expect(sentimentScore(text), text).toBe(sentimentScoreByLibrary(text));
  });
});
