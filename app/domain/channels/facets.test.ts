import { describe, expect, it } from "vitest";
import { blueskyFacets } from "./facets";

const utf8 = new TextEncoder();
const decoder = new TextDecoder();

/** The text a facet covers, read back through its byte offsets. */
function covered(text: string, { byteStart, byteEnd }: { byteStart: number; byteEnd: number }): string {
  return decoder.decode(utf8.encode(text).slice(byteStart, byteEnd));
}

describe("blueskyFacets", () => {
  it("indexes a link in UTF-8 bytes, not UTF-16 units", () => {
    // "café" = 5 bytes (é is 2), space 1, 🇫🇷 = 2 regional indicators × 4 bytes, space 1: the URL starts at
    // byte 15 (UTF-16 index 10) and its 21 ASCII characters end at byte 36.
    const text = "café 🇫🇷 https://example.com/x";
    expect(text.indexOf("https")).toBe(10);
    expect(blueskyFacets(text)).toEqual([
      {
        index: { byteStart: 15, byteEnd: 36 },
        features: [{ $type: "app.bsky.richtext.facet#link", uri: "https://example.com/x" }],
      },
    ]);
  });

  it("counts combining marks and CJK by their bytes", () => {
    // e (1) + U+0301 (2), space, 停 (3) 電 (3), space: byte 11; "https://ex.com" is 14 bytes.
    const text = "e\u0301 停電 https://ex.com";
    const [link] = blueskyFacets(text);
    expect(link.index).toEqual({ byteStart: 11, byteEnd: 25 });
    expect(covered(text, link.index)).toBe("https://ex.com");
  });

  it("leaves trailing sentence punctuation and an unopened parenthesis out of the link", () => {
    expect(blueskyFacets("See https://example.com/a.")[0]).toMatchObject({
      index: { byteStart: 4, byteEnd: 25 },
      features: [{ uri: "https://example.com/a" }],
    });
    expect(blueskyFacets("(https://example.com/a)")[0].index).toEqual({ byteStart: 1, byteEnd: 22 });
    expect(blueskyFacets("https://en.wikipedia.org/wiki/Grid_(power)")[0]).toMatchObject({
      features: [{ uri: "https://en.wikipedia.org/wiki/Grid_(power)" }],
    });
  });

  it("tags hashtags without the '#' in the tag and with it in the range", () => {
    // "Outage " 7 bytes + 🔌 4 bytes + space: '#' at byte 12; "#PowerOut" is 9 bytes.
    const text = "Outage 🔌 #PowerOut now";
    expect(blueskyFacets(text)).toEqual([
      {
        index: { byteStart: 12, byteEnd: 21 },
        features: [{ $type: "app.bsky.richtext.facet#tag", tag: "PowerOut" }],
      },
    ]);
  });

  it("ignores number-only tags, strips trailing punctuation, and skips '#' inside a URL", () => {
    expect(blueskyFacets("Ticket #123 filed")).toEqual([]);
    expect(blueskyFacets("#outage!")).toEqual([
      {
        index: { byteStart: 0, byteEnd: 7 },
        features: [{ $type: "app.bsky.richtext.facet#tag", tag: "outage" }],
      },
    ]);
    const facets = blueskyFacets("https://example.com/#status");
    expect(facets).toHaveLength(1);
    expect(facets[0].features[0].$type).toBe("app.bsky.richtext.facet#link");
  });

  it("orders facets by position and finds each link", () => {
    const text = "#outage 日本 https://a.example/1 and https://b.example/2";
    const facets = blueskyFacets(text);
    expect(facets.map((f) => covered(text, f.index))).toEqual([
      "#outage",
      "https://a.example/1",
      "https://b.example/2",
    ]);
  });
});
