import { describe, expect, it } from "vitest";
import { BREAK, CAP, COMMA, HASH, nameKey, tokenize, UPPER } from "./text";

const norms = (s: string) => tokenize(s).norm;

describe("tokenize", () => {
  it("lower-cases words and records case, hashtags and separators", () => {
    const t = tokenize("Power out in Fresno, CA #Sacramento");
    expect(t.norm).toEqual(["power", "out", "in", "fresno", "ca", "sacramento"]);
    expect(t.flags[0] & BREAK).toBeTruthy();
    expect(t.flags[3] & CAP).toBeTruthy();
    expect(t.flags[4] & COMMA).toBeTruthy();
    expect(t.flags[4] & UPPER).toBeTruthy();
    expect(t.flags[5] & HASH).toBeTruthy();
    expect(t.flags[2] & (CAP | UPPER | COMMA | BREAK)).toBe(0);
  });

  it("skips URLs, @mentions and e-mail addresses", () => {
    expect(norms("ask @RenoPower or mail help@reno.gov, see https://reno.gov/out now")).toEqual([
      "ask",
      "or",
      "mail",
      "see",
      "now",
    ]);
  });

  it("merges dotted initials and keeps St. Louis together", () => {
    const t = tokenize("Washington, D.C. and St. Louis");
    expect(t.norm).toEqual(["washington", "dc", "and", "st", "louis"]);
    expect(t.key[3]).toBe("saint");
    expect(t.flags[4] & BREAK).toBe(0);
  });

  it("folds diacritics and splits hyphenated names", () => {
    expect(norms("San José / Winston-Salem")).toEqual(["san", "jose", "winston", "salem"]);
    expect(tokenize("San José / Winston-Salem").flags[2] & BREAK).toBeTruthy();
  });

  it("keeps apostrophes inside words", () => {
    expect(norms("I'm in Coeur d’Alene")).toEqual(["i'm", "in", "coeur", "d'alene"]);
  });

  it("treats emoji as breaks", () => {
    const t = tokenize("🌴 LA 🌴");
    expect(t.norm).toEqual(["la"]);
    expect(t.flags[0] & UPPER).toBeTruthy();
  });
});

describe("nameKey", () => {
  it("normalises place names the same way as text", () => {
    expect(nameKey("St. Louis")).toBe("saint louis");
    expect(nameKey("Saint Louis")).toBe("saint louis");
    expect(nameKey("Kansas City")).toBe("kansas city");
    expect(nameKey("Washington, D.C.")).toBe("washington dc");
    expect(nameKey("Cañon City")).toBe("canon city");
  });
});
