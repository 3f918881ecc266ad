import { describe, expect, it } from "vitest";
import feed from "../fixtures/facebook-page-feed.json";
import { parseComplaintRecord } from "../record";
import { mapPayload } from "./index";

const source = "fb-page";

describe("facebook mapper", () => {
  it("maps added posts and comments with a message; ignores reactions, removals, edits and wordless photos", () => {
    const result = mapPayload("facebook", feed, { source });
    expect(result.errors).toEqual([]);
    expect(result.ignored).toBe(4);
    expect(result.indices).toEqual([0, 1]);
    expect(result.records).toEqual([
      {
        source,
        externalId: "104123456789012_987654321098765",
        text: "Whole block of Olive Ave has been dark since 6am. Any update?",
        createdAt: "2026-11-02T14:05:00.000Z",
        author: { name: "Dana Ortiz" },
        url: "https://www.facebook.com/104123456789012/posts/987654321098765",
      },
      {
        source,
        externalId: "987654321098765_1122334455667788",
        text: "Same on Blackstone, traffic lights are out too",
        createdAt: "2026-11-02T14:06:12.000Z",
        author: { name: "Jordan Lee" },
      },
    ]);
    for (const record of result.records) expect(parseComplaintRecord(record).ok).toBe(true);
  });

  it("accepts an ISO created_time with a +0000 offset and falls back to the entry time", () => {
    const payload = {
      object: "page",
      entry: [
        {
          id: "1",
          time: 1793628300,
          changes: [
            {
              field: "feed",
              value: {
                item: "post",
                verb: "add",
                post_id: "1_2",
                message: "outage",
                created_time: "2026-11-02T14:05:00+0000",
              },
            },
            { field: "feed", value: { item: "post", verb: "add", post_id: "1_3", message: "still out" } },
          ],
        },
      ],
    };
    const result = mapPayload("facebook", payload, { source });
    expect(result.records.map((r) => (r as { createdAt: string }).createdAt)).toEqual([
      "2026-11-02T14:05:00+00:00",
      "2026-11-02T14:05:00.000Z",
    ]);
  });

  it("reports junk changes by their running index and keeps the good ones", () => {
    const payload = {
      object: "page",
      entry: [
        { id: "1", time: 1793628300, changes: ["junk", { field: "feed", value: null }] },
        "junk entry",
        {
          id: "1",
          time: 1793628300,
          changes: [
            {
              field: "feed",
              value: { item: "comment", verb: "add", message: "no id", created_time: 1793628300 },
            },
            {
              field: "feed",
              value: { item: "status", verb: "add", post_id: "1_9", message: "ok", created_time: 1793628300 },
            },
            { field: "mention", value: { item: "post", verb: "add", post_id: "1_10" } },
          ],
          messaging: [{ sender: { id: "1" }, message: { text: "dm" } }],
        },
      ],
    };
    const result = mapPayload("facebook", payload, { source });
    expect(result.indices).toEqual([4]);
    expect(result.ignored).toBe(2);
    expect(result.errors).toEqual([
      { index: 0, message: 'entry[0].changes[0]: expected an object, got string "junk"' },
      { index: 1, message: "entry[0].changes[1]: feed change without a value object" },
      { index: 2, message: 'entry[1]: expected an object, got string "junk entry"' },
      { index: 3, message: "entry[2].changes[0]: comment without comment_id" },
    ]);
    expect(mapPayload("facebook", { object: "instagram", entry: [] }, { source }).errors).toHaveLength(1);
  });
});
