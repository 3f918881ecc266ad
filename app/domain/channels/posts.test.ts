import { describe, expect, it } from "vitest";
import { compose, sentence, URL, words } from "./test-support";

describe("X", () => {
  it("posts the text and the link when they fit", () => {
    const x = compose("x", { body: "Crews are restoring power." });
    // 26 + newline + URL at 23.
    expect(x).toMatchObject({
      parts: [`Crews are restoring power.\n${URL}`],
      used: 50,
      limit: 280,
      ok: true,
    });
    expect(x.adjusted).toBe("none");
  });

  it("shortens at a sentence end when that keeps most of the text", () => {
    // Three 100-character sentences: 302 + 1 + 23 = 326. Two sentences and the link: 201 + 24 = 225. A word
    // cut would keep 251 (+ "…" weighing 2 + 24 = 277); 201 is more than half of it, so the sentences win.
    const body = [sentence(20), sentence(20), sentence(20)].join(" ");
    const x = compose("x", { body });
    expect(x.parts).toEqual([`${sentence(20)} ${sentence(20)}\n${URL}`]);
    expect(x).toMatchObject({ used: 225, ok: true, adjusted: "shortened" });
  });

  it("shortens after a word with an ellipsis when there is no sentence end to cut at", () => {
    // One 400-character sentence: the longest word prefix with "…" (2) + "\n" + URL (23) within 280 is
    // 254 characters (51 words), for exactly 280.
    const x = compose("x", { body: sentence(80) });
    expect(x.parts).toEqual([`${words(51)}…\n${URL}`]);
    expect(x.used).toBe(280);
  });

  it("cuts Japanese at its sentence ends, CJK weighing 2", () => {
    // Each sentence is 11 characters, 22 weighted: 11 sentences + "\n" + URL = 242 + 24 = 266; a 12th is 288.
    const sentenceJa = "停電が発生しています。";
    const x = compose("x", { body: sentenceJa.repeat(15) });
    expect(x.parts).toEqual([`${sentenceJa.repeat(11)}\n${URL}`]);
    expect(x.used).toBe(266);
  });

  it("threads into numbered posts at sentence ends, the link in the last", () => {
    // 150-character sentences: "1/3 " + one sentence is 154, two would be 305.
    const body = [sentence(30), sentence(30), sentence(30)].join(" ");
    const x = compose("x", { body }, { overrides: { x: { mode: "thread" } } });
    expect(x.parts).toEqual([`1/3 ${sentence(30)}`, `2/3 ${sentence(30)}`, `3/3 ${sentence(30)}\n${URL}`]);
    expect(x).toMatchObject({ partLengths: [154, 154, 178], used: 178, ok: true, adjusted: "threaded" });
  });

  it("sends an overridden text as written, and reports it invalid when too long, never cut", () => {
    const text = "a".repeat(281);
    const x = compose("x", {}, { overrides: { x: { text } } });
    expect(x).toMatchObject({ parts: [text], used: 281, ok: false, overridden: true, adjusted: "none" });
    expect(x.notes.join(" ")).toMatch(/too long/i);
    expect(compose("x", {}, { overrides: { x: { text: "Exactly this." } } }).parts).toEqual([
      "Exactly this.",
    ]);
  });

  it("threads an overridden text without adding the link", () => {
    const x = compose("x", {}, { overrides: { x: { text: "Short. Text.", mode: "thread" } } });
    expect(x.parts).toEqual(["Short. Text."]);
  });
});

describe("Mastodon", () => {
  it("counts a long link as 23 and honours the instance limit", () => {
    const longUrl = `https://status.example.com/incidents/${"x".repeat(100)}`;
    const m = compose(
      "mastodon",
      { body: "All clear.", incidentUrl: longUrl },
      { limits: { mastodon: { maxCharacters: 1000 } } },
    );
    expect(m).toMatchObject({ parts: [`All clear.\n${longUrl}`], used: 34, limit: 1000, unit: "characters" });
  });

  it("shortens to the default 500", () => {
    const m = compose("mastodon", { body: [sentence(60), sentence(60)].join(" ") });
    // Two 300-character sentences: 601 + 24 > 500; one sentence + link = 324; a word cut keeps 475
    // (475 + "…" + 24 = 500), and 300 ≥ 474 / 2, so the first sentence is kept.
    expect(m.parts).toEqual([`${sentence(60)}\n${URL}`]);
    expect(m.used).toBe(324);
  });
});

describe("Bluesky", () => {
  it("gives each post its facets in UTF-8 byte offsets", () => {
    // "Coupure " 8 + 🇫🇷 8 + " en cours." 10 + "\n" 1 = byte 27; the URL is 39 bytes.
    const b = compose("bluesky", { body: "Coupure 🇫🇷 en cours." });
    expect(b.posts).toEqual([
      {
        text: `Coupure 🇫🇷 en cours.\n${URL}`,
        facets: [
          {
            index: { byteStart: 27, byteEnd: 66 },
            features: [{ $type: "app.bsky.richtext.facet#link", uri: URL }],
          },
        ],
      },
    ]);
    // 19 graphemes (the flag is one) + newline + 39.
    expect(b).toMatchObject({ used: 59, limit: 300, unit: "graphemes" });
  });

  it("threads with the link facet in the post that carries the link", () => {
    const body = [sentence(40), sentence(40)].join(" "); // 401 graphemes
    const b = compose("bluesky", { body }, { overrides: { bluesky: { mode: "thread" } } });
    expect(b.parts).toEqual([`1/2 ${sentence(40)}`, `2/2 ${sentence(40)}\n${URL}`]);
    expect(b.posts[0].facets).toEqual([]);
    // "2/2 " 4 + 200 + "\n" 1 = 205.
    expect(b.posts[1].facets[0].index).toEqual({ byteStart: 205, byteEnd: 244 });
  });
});
