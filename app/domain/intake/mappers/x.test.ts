import { describe, expect, it } from "vitest";
import single from "../fixtures/x-post-single.json";
import posts from "../fixtures/x-posts.json";
import { parseComplaintRecord } from "../record";
import { mapPayload } from "./index";

const source = "x-fresno";

describe("x mapper", () => {
  const result = mapPayload("x", posts, { source });

  it("maps every post of an X API v2 response, all of them valid records", () => {
    expect(result.errors).toEqual([]);
    expect(result.ignored).toBe(0);
    expect(result.indices).toEqual([0, 1, 2, 3]);
    for (const record of result.records) expect(parseComplaintRecord(record).ok).toBe(true);
  });

  it("maps an original post with exact coordinates (GeoJSON order lon, lat) and its author", () => {
    expect(result.records[0]).toEqual({
      source,
      externalId: "1985301000000000001",
      text: "Power out on Elm St since 6am, any ETA? @PGE4Me",
      createdAt: "2026-11-02T14:05:00.000Z",
      author: { handle: "@dana_fresno", name: "Dana Ortiz", followers: 312 },
      lat: 36.7378,
      lon: -119.7871,
      location: "Fresno, CA",
      url: "https://x.com/dana_fresno/status/1985301000000000001",
    });
  });

  it("maps a retweet as amplification with the original's full text", () => {
    expect(result.records[1]).toMatchObject({
      externalId: "1985301000000000002",
      repostOf: "1985301000000000001",
      text: "Power out on Elm St since 6am, any ETA? @PGE4Me",
      author: { handle: "@fresnooutages", followers: 15820 },
      location: "Central Valley",
    });
  });

  it("maps a quote as amplification keeping the quoter's words, located at the centre of a city place", () => {
    expect(result.records[2]).toMatchObject({
      externalId: "1985301000000000003",
      repostOf: "1985301000000000001",
      text: "Same here in the Tower District, fridge is warming up https://t.co/AbCdEf1234",
      location: "Fresno, CA",
      lat: 36.7855,
      lon: -119.7885,
    });
  });

  it("does not place a reply at the centre of a state, but keeps the place name", () => {
    const reply = result.records[3] as Record<string, unknown>;
    expect(reply).toMatchObject({ location: "California, USA", author: { handle: "@kimsac", followers: 0 } });
    expect(reply.lat).toBeUndefined();
    expect(reply.repostOf).toBeUndefined();
  });

  it("maps a single post, preferring the long-post text, without includes.places", () => {
    const one = mapPayload("x", single, { source });
    expect(one.errors).toEqual([]);
    expect(one.records).toHaveLength(1);
    expect(one.records[0]).toMatchObject({
      externalId: "1985302000000000042",
      author: { handle: "@morgank", name: "Morgan K", followers: 1204 },
      location: "Reno, NV",
      url: "https://x.com/morgank/status/1985302000000000042",
    });
    expect((one.records[0] as { text: string }).text).toMatch(/simply not true for 89502\.$/);
  });

  it("falls back to the i/web url when the author is not included", () => {
    const bare = mapPayload(
      "x",
      { data: { id: "1", text: "no power", created_at: "2026-11-02T14:05:00.000Z" } },
      { source },
    );
    expect(bare.records[0]).toMatchObject({ url: "https://x.com/i/web/status/1" });
    expect((bare.records[0] as Record<string, unknown>).author).toBeUndefined();
  });

  it("reports junk posts by index and keeps the good ones", () => {
    const junk = mapPayload(
      "x",
      {
        data: [
          "not a post",
          { text: "no id" },
          { id: "5", text: "ok", created_at: "2026-11-02T14:05:00.000Z" },
          { id: "6", text: "bad date", created_at: "yesterday" },
          { id: "7" },
        ],
      },
      { source },
    );
    expect(junk.records).toHaveLength(1);
    expect(junk.indices).toEqual([2]);
    expect(junk.errors).toEqual([
      { index: 0, message: 'data[0]: expected a post object, got string "not a post"' },
      { index: 1, message: "data[1]: post has no id" },
      { index: 3, message: "createdAt must be an ISO 8601 date-time with a zone, e.g. 2026-11-02T14:05:00Z" },
      { index: 4, message: "data[4]: post 7 has no text" },
    ]);
    expect(mapPayload("x", { errors: [{ title: "Not Found Error" }] }, { source }).errors).toEqual([
      { index: 0, message: "expected an X API v2 payload { data, includes }, got an object without data" },
    ]);
  });
});
