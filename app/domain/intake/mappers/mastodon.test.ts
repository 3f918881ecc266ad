import { describe, expect, it } from "vitest";
import status from "../fixtures/mastodon-status.json";
import timeline from "../fixtures/mastodon-timeline.json";
import reblog from "../fixtures/mastodon-webhook-reblog.json";
import { parseComplaintRecord } from "../record";
import { mapPayload } from "./index";

const source = "mastodon-social";

describe("mastodon mapper", () => {
  it("maps a Status: content warning then the HTML content as text, account as author", () => {
    const result = mapPayload("mastodon", status, { source });
    expect(result.errors).toEqual([]);
    expect(result.records).toEqual([
      {
        source,
        externalId: "113456789012345678",
        text:
          "power outage rant\n\nPower's been out on Elm St since 6am & no ETA from @PGandE #outage\n\n" +
          "Map: https://example.com/outages/fresno/93701\nAnyone else <near> Tower District?",
        createdAt: "2026-11-02T14:11:02.417Z",
        author: { handle: "@dana", name: "Dana Ortiz", followers: 312 },
        url: "https://mastodon.social/@dana/113456789012345678",
      },
    ]);
  });

  it("maps a status.created webhook carrying a reblog as amplification of the original", () => {
    const result = mapPayload("mastodon", reblog, { source });
    expect(result.errors).toEqual([]);
    expect(result.records).toEqual([
      {
        source,
        externalId: "113456789099990001",
        text: "Still no power on Elm St. Fridge is done for.",
        createdAt: "2026-11-02T14:13:40.101Z",
        author: { handle: "@kai", name: "kai", followers: 2048 },
        url: "https://fosstodon.org/users/kai/statuses/113456789099990001/activity",
        repostOf: "113456789012345678",
      },
    ]);
    expect(parseComplaintRecord(result.records[0]).ok).toBe(true);
  });

  it("maps a quote post as amplification without the quote fallback text, and ignores media-only posts", () => {
    const result = mapPayload("mastodon", timeline, { source });
    expect(result.errors).toEqual([]);
    expect(result.ignored).toBe(1);
    expect(result.records).toEqual([
      {
        source,
        externalId: "113456790000000001",
        text: "This. Same outage on my street.",
        createdAt: "2026-11-02T14:20:00.000Z",
        author: { handle: "@rae", name: "Rae", followers: 45 },
        url: "https://mastodon.social/@rae/113456790000000001",
        repostOf: "113456789012345678",
      },
    ]);
  });

  it("ignores webhook events that are not statuses", () => {
    const result = mapPayload(
      "mastodon",
      { event: "account.created", created_at: "2026-11-02T14:00:00Z", object: {} },
      { source },
    );
    expect(result).toEqual({ records: [], indices: [], errors: [], ignored: 1 });
  });

  it("reports junk statuses and keeps the good ones", () => {
    const good = { ...status, id: "2" };
    const result = mapPayload("mastodon", [null, { id: "1" }, good, { content: "<p>x</p>" }], { source });
    expect(result.indices).toEqual([2]);
    expect(result.errors).toEqual([
      { index: 0, message: "[0]: expected a Mastodon status object, got null" },
      { index: 1, message: "[1]: status 1 has no HTML content" },
      { index: 3, message: "[3]: status has no id" },
    ]);
    expect(mapPayload("mastodon", { event: "status.created", object: "oops" }, { source }).errors).toEqual([
      { index: 0, message: 'object: expected a Mastodon status object, got string "oops"' },
    ]);
  });
});
