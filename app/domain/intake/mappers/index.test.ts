import { describe, expect, it } from "vitest";
import bluesky from "../fixtures/bluesky-jetstream.json";
import facebook from "../fixtures/facebook-page-feed.json";
import mastodon from "../fixtures/mastodon-status.json";
import x from "../fixtures/x-posts.json";
import zendesk from "../fixtures/zendesk-ticket.json";
import { parseComplaintRecord } from "../record";
import { MAPPER_NAMES, mapPayload } from "./index";

const source = "configured-name";

describe("mapPayload", () => {
  it("maps the complaint contract itself, one record or many, forcing the configured source", () => {
    const one = { source: "x", externalId: "1", text: "out", createdAt: "2026-11-02T14:05:00Z", ward: 7 };
    expect(mapPayload("complaint", one, { source })).toEqual({
      records: [{ ...one, source }],
      indices: [0],
      errors: [],
      ignored: 0,
    });
    const many = mapPayload(
      "complaint",
      [one, "junk", { ...one, lat: "north" }, { ...one, externalId: "2" }],
      { source },
    );
    expect(many.indices).toEqual([0, 3]);
    expect(many.errors).toEqual([
      { index: 1, message: 'expected a complaint record object, got string "junk"' },
      { index: 2, message: "lat must be a number" },
    ]);
  });

  it("sets the configured source on every record of every mapper", () => {
    const payloads = {
      complaint: [{ text: "t", createdAt: "2026-11-02T14:05:00Z" }],
      x,
      mastodon,
      bluesky,
      facebook,
      zendesk,
    };
    for (const mapper of MAPPER_NAMES) {
      const result = mapPayload(mapper, payloads[mapper], { source });
      expect(result.records.length, mapper).toBeGreaterThan(0);
      for (const record of result.records) {
        expect((record as { source: string }).source).toBe(source);
        expect(parseComplaintRecord(record).ok).toBe(true);
      }
    }
  });

  it("never throws on junk, for any mapper", () => {
    const junk: unknown[] = [
      null,
      undefined,
      0,
      "",
      "text",
      [],
      [null, [], {}],
      {},
      { data: null },
      { data: [{ id: {}, text: 5 }], includes: { users: "no", places: [null] } },
      { event: "status.created", object: { id: 1, content: 42, reblog: "x" } },
      {
        kind: "commit",
        did: 1,
        commit: { collection: "app.bsky.feed.post", operation: "create", rkey: {}, record: [] },
      },
      {
        object: "page",
        entry: [{ changes: [{ field: "feed", value: { verb: "add", item: "post", message: {} } }] }],
      },
      { ticket: { id: 1, subject: { a: 1 }, custom_fields: "x", requester: [] } },
      { type: "zen:event-type:ticket.created", detail: null },
    ];
    for (const mapper of MAPPER_NAMES) {
      for (const payload of junk) {
        const result = mapPayload(mapper, payload, { source });
        for (const record of result.records) expect(parseComplaintRecord(record).ok).toBe(true);
        // a mapper that throws is caught by mapPayload and reported as "could not map": none may
        for (const error of result.errors) expect(error.message).not.toMatch(/^could not map/);
      }
    }
  });

  it("reports an unknown mapper instead of throwing", () => {
    expect(mapPayload("myspace", {}, { source }).errors).toEqual([
      { index: 0, message: 'unknown payload mapper "myspace"' },
    ]);
  });
});
