import { describe, expect, it } from "vitest";
import { sentimentScore } from "./sentiment";

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
});
