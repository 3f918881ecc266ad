import { describe, expect, it } from "vitest";
import jetstream from "../fixtures/bluesky-jetstream.json";
import bare from "../fixtures/bluesky-post-record.json";
import { parseComplaintRecord } from "../record";
import { mapPayload } from "./index";

const source = "bsky";
const ORIGINAL = "at://did:plc:u5cwb2mwiv2bfq53cjufe6yn/app.bsky.feed.post/3m4ufbq5tjs2a";

describe("bluesky mapper", () => {
  const result = mapPayload("bluesky", jetstream, { source });

  it("maps Jetstream post creates and ignores deletes, likes and identity events", () => {
    expect(result.errors).toEqual([]);
    expect(result.indices).toEqual([0, 1, 2]);
    expect(result.ignored).toBe(3);
    for (const record of result.records) expect(parseComplaintRecord(record).ok).toBe(true);
  });

  it("uses the at:// URI as externalId and the bsky.app url", () => {
    expect(result.records[0]).toEqual({
      source,
      externalId: ORIGINAL,
      text: "No signal at all downtown Las Vegas since lunch. Calls fail, data dead. status.example.net says fine??",
      createdAt: "2026-11-02T14:06:40.118Z",
      author: { handle: "did:plc:u5cwb2mwiv2bfq53cjufe6yn" },
      url: "https://bsky.app/profile/did:plc:u5cwb2mwiv2bfq53cjufe6yn/post/3m4ufbq5tjs2a",
    });
  });

  it("maps quote posts (record and recordWithMedia embeds) as amplification", () => {
    expect(result.records[1]).toMatchObject({ text: "Confirming, same in Henderson 👇", repostOf: ORIGINAL });
    expect(result.records[2]).toMatchObject({
      text: "photo of the dead cell tower on Flamingo",
      repostOf: ORIGINAL,
    });
  });

  it("maps a bare post record with the DID and rkey supplied alongside", () => {
    const mapped = mapPayload("bluesky", bare, {
      source,
      did: "did:plc:abcdefghijklmnopqrstuvwx",
      rkey: "3m4ugaaaaaa2z",
    });
    expect(mapped.errors).toEqual([]);
    expect(mapped.records).toEqual([
      {
        source,
        externalId: "at://did:plc:abcdefghijklmnopqrstuvwx/app.bsky.feed.post/3m4ugaaaaaa2z",
        text: "Billing charged me twice for October and the chat bot keeps closing the conversation.",
        createdAt: "2026-11-02T16:02:11.930Z",
        author: { handle: "did:plc:abcdefghijklmnopqrstuvwx" },
        url: "https://bsky.app/profile/did:plc:abcdefghijklmnopqrstuvwx/post/3m4ugaaaaaa2z",
      },
    ]);
    expect(mapPayload("bluesky", bare, { source }).errors).toEqual([
      { index: 0, message: "payload: the repo DID is missing (a bare record needs did and rkey alongside)" },
    ]);
  });

  it("maps a post view with its author's handle and display name", () => {
    const view = {
      uri: "at://did:plc:abcdefghijklmnopqrstuvwx/app.bsky.feed.post/3m4ugbbbbbb2z",
      cid: "bafyreia6s6pnkzv7d2yqgx4hr2xwqkvztnph2zvsd3hvq5bxxrgxh5dtau",
      author: { did: "did:plc:abcdefghijklmnopqrstuvwx", handle: "rosa.bsky.social", displayName: "Rosa" },
      record: bare,
      indexedAt: "2026-11-02T16:02:12.100Z",
    };
    expect(mapPayload("bluesky", view, { source }).records[0]).toMatchObject({
      author: { handle: "@rosa.bsky.social", name: "Rosa" },
    });
  });

  it("falls back to time_us when the record has no createdAt", () => {
    const first = jetstream[0] as { commit: { record: Record<string, unknown> } };
    const { createdAt: _dropped, ...record } = first.commit.record;
    const event = { ...first, commit: { ...first.commit, record } };
    expect(mapPayload("bluesky", event, { source }).records[0]).toMatchObject({
      createdAt: "2026-11-02T14:06:40.123Z",
    });
  });

  it("reports junk and keeps the good items", () => {
    const mapped = mapPayload(
      "bluesky",
      [
        42,
        {
          did: "not-a-did",
          kind: "commit",
          commit: {
            operation: "create",
            collection: "app.bsky.feed.post",
            rkey: "x",
            record: { text: "hi" },
          },
        },
        jetstream[0],
        { kind: "commit", did: "did:plc:u5cwb2mwiv2bfq53cjufe6yn", commit: "garbage" },
        { hello: "world" },
      ],
      { source },
    );
    expect(mapped.indices).toEqual([2]);
    expect(mapped.errors).toEqual([
      { index: 0, message: "[0]: expected a Bluesky post or Jetstream event, got number 42" },
      { index: 1, message: '[1]: the repo DID is invalid: string "not-a-did"' },
      { index: 3, message: "[3]: commit event without a commit object" },
      { index: 4, message: "[4]: not a Bluesky post record, post view or Jetstream event" },
    ]);
  });
});
