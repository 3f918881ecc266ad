import { describe, expect, it } from "vitest";
import status from "./fixtures/mastodon-status.json";
import { htmlToText } from "./html-text";

describe("htmlToText", () => {
  it("turns Mastodon content into readable text: entities, mentions, hashtags, split links, breaks", () => {
    expect(htmlToText(status.content)).toBe(
      "Power's been out on Elm St since 6am & no ETA from @PGandE #outage\n\n" +
        "Map: https://example.com/outages/fresno/93701\nAnyone else <near> Tower District?",
    );
  });

  it("collapses whitespace, keeps list items on their own lines, drops scripts and quote fallbacks", () => {
    const html =
      "<p>  many\n   spaces&nbsp;here </p><ul><li>one</li><li>two</li></ul><script>alert(1)</script>" +
      '<p class="quote-inline">RE: <a href="https://x.example/1">https://x.example/1</a></p><p>end</p>';
    expect(htmlToText(html)).toBe("many spaces here\n\none\ntwo\n\nend");
  });

  it("copes with broken markup and plain text", () => {
    expect(htmlToText("<p>unclosed <b>bold")).toBe("unclosed bold");
    expect(htmlToText("no tags &amp; ampersand")).toBe("no tags & ampersand");
    expect(htmlToText("")).toBe("");
  });
});
