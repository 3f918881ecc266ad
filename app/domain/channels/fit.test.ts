import { describe, expect, it } from "vitest";
import { shortenWithLink, splitToFit, truncate } from "./fit";
import { threadLabel } from "./posts";

const within = (limit: number) => (text: string) => text.length <= limit;

describe("shortenWithLink", () => {
  it("keeps a text that fits as it is, with the link after it", () => {
    expect(shortenWithLink("All good.", "L", within(20))).toEqual({
      text: "All good.\nL",
      shortened: false,
      ok: true,
    });
  });

  it("does not add the link twice when the text has it", () => {
    expect(shortenWithLink("Details at L today", "L", within(30)).text).toBe("Details at L today");
  });

  it("cuts at a sentence end when that keeps at least half of what a word cut keeps", () => {
    // Word cut would keep "One two. Three" (14); the sentence "One two." (8) keeps more than half.
    expect(shortenWithLink("One two. Three four five six.", "L", within(19)).text).toBe("One two.\nL");
  });

  it("cuts after a word, with an ellipsis and no dangling comma, when the first sentence is too short", () => {
    // "Hi." keeps 3 of the 19 a word cut keeps: under half, so the word cut wins; "…\nL" takes 3.
    expect(shortenWithLink("Hi. Crews are working, on the line now.", "L", within(25)).text).toBe(
      "Hi. Crews are working…\nL",
    );
  });

  it("never cuts inside a URL of the text", () => {
    // The URL is 29 characters: "Map " + URL + "…\nL" is 36 > 32, and a word cut inside the URL
    // ("Map https://example.com/a/b/c…") would fit but break the link, so only "Map" is kept.
    const body = "Map https://example.com/a/b/c/d/e then more words";
    expect(shortenWithLink(body, "L", within(32)).text).toBe("Map…\nL");
  });

  it("returns the link alone, not ok, when nothing else fits", () => {
    expect(shortenWithLink("Words words", "https://x.example", within(5))).toEqual({
      text: "https://x.example",
      shortened: true,
      ok: false,
    });
  });
});

describe("splitToFit", () => {
  it("numbers the parts and keeps each within the limit", () => {
    // "1/2 aaa bbb" is 11; adding " ccc" would make 15.
    expect(splitToFit("aaa bbb ccc ddd", within(11), threadLabel)).toEqual({
      parts: ["1/2 aaa bbb", "2/2 ccc ddd"],
      ok: true,
    });
  });

  it("redoes the split when the count needs another digit", () => {
    // One word per part: with 10 parts the labels are "1/10 " … "10/10 ", and "10/10 abcd" is exactly 10.
    const { parts, ok } = splitToFit(Array(10).fill("abcd").join(" "), within(10), threadLabel);
    expect(ok).toBe(true);
    expect(parts).toHaveLength(10);
    expect(parts[0]).toBe("1/10 abcd");
    expect(parts[9]).toBe("10/10 abcd");
  });

  it("has no label when one part is enough", () => {
    expect(splitToFit("short", within(10), threadLabel)).toEqual({ parts: ["short"], ok: true });
  });

  it("reports not ok when a piece cannot fit at all", () => {
    expect(splitToFit("abcdefgh", within(4), threadLabel).ok).toBe(false);
  });
});

describe("truncate", () => {
  it("cuts at a word and ends with an ellipsis", () => {
    expect(truncate("Power outage in Northern California", within(20))).toEqual({
      text: "Power outage in…",
      truncated: true,
    });
  });
});
