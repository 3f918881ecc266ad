import { describe, expect, it } from "vitest";
import { findUrls, graphemeEnds, graphemes, utf8ByteLength, utf8Offset } from "./text";

const segmenter = new Intl.Segmenter("en", { granularity: "grapheme" });
const bySegmenter = (text: string) => Array.from(segmenter.segment(text), (s) => s.segment);

describe("graphemes", () => {
  it("agrees with Intl.Segmenter where ASCII meets combining marks, keycaps, flags, ZWJ, CRLF and Prepend", () => {
    for (const text of [
      "abc\u0301def", // combining acute on the last letter of an ASCII run
      "ab#\ufe0f\u20e3cd", // keycap: '#' takes the variation selector and the enclosing keycap
      "xy🇫🇷🇩🇪🇺zw", // two flags and a lone regional indicator
      "hey 👨‍👩‍👧 ok",
      "a\r\nbcd\r\n",
      "\u0600abc", // ARABIC NUMBER SIGN is Prepend: it joins the letter after it
      "abc\u0600def",
      "",
      "停電です。abc",
    ]) {
      expect(graphemes(text), JSON.stringify(text)).toEqual(bySegmenter(text));
    }
  });

  it("agrees with Intl.Segmenter on random mixes", () => {
    const alphabet = [
      "a",
      "b",
      " ",
      ".",
      "\u0301",
      "\u200d",
      "👩",
      "🇫",
      "\r",
      "\n",
      "\u0600",
      "日",
      "\ufe0f",
    ];
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 300; round++) {
      const text = Array.from({ length: 20 }, () => alphabet[Math.floor(random() * alphabet.length)]).join(
        "",
      );
      expect(graphemes(text), JSON.stringify(text)).toEqual(bySegmenter(text));
    }
  });

  it("gives the UTF-16 end of each cluster", () => {
    expect(graphemeEnds("a🇫🇷e\u0301")).toEqual([1, 5, 7]);
  });
});

describe("UTF-8 offsets", () => {
  it("counts 1 to 4 bytes per code point", () => {
    expect(utf8ByteLength("aé日😀")).toBe(1 + 2 + 3 + 4);
    expect(utf8Offset("é日x", 2)).toBe(5);
  });
});

describe("findUrls", () => {
  it("finds http(s) URLs after a space or parenthesis, without trailing punctuation", () => {
    expect(findUrls("See https://a.example/x, (http://b.example/y) and https://c.example/z!")).toEqual([
      // "https://a.example/x" is 19 characters, "http://b.example/y" 18.
      { start: 4, end: 23, url: "https://a.example/x" },
      { start: 26, end: 44, url: "http://b.example/y" },
      { start: 50, end: 69, url: "https://c.example/z" },
    ]);
    expect(findUrls("nohttps://a.example")).toEqual([]);
  });
});
