import { describe, expect, it } from "vitest";
import { composeVariants } from "./compose";
import { UPDATE } from "./test-support";

describe("composeVariants", () => {
  it("formats only the requested channels, each once", () => {
    const variants = composeVariants(UPDATE, { channels: ["x", "sms", "x"] });
    expect(Object.keys(variants)).toEqual(["x", "sms"]);
  });

  it("formats every channel kind with a report", () => {
    const channels = [
      "status_page",
      "statuspage",
      "email",
      "sms",
      "slack",
      "teams",
      "webhook",
      "x",
      "facebook",
      "mastodon",
      "bluesky",
    ] as const;
    const variants = composeVariants(UPDATE, { channels: [...channels], timeZone: "America/Los_Angeles" });
    for (const channel of channels) {
      expect(variants[channel], channel).toMatchObject({ ok: true, notes: expect.any(Array) });
      expect(typeof variants[channel]?.used, channel).toBe("number");
    }
  });

  it("marks every channel invalid when the text is empty", () => {
    const variants = composeVariants(
      { ...UPDATE, body: " " },
      { channels: ["x", "sms", "email", "slack", "teams"] },
    );
    for (const variant of Object.values(variants)) expect(variant.ok).toBe(false);
  });

  it("shows times in UTC unless told the zone, and names tomorrow given the current time", () => {
    const slack = (options: { timeZone?: string; now?: string }) => {
      const block = composeVariants(UPDATE, { channels: ["slack"], ...options }).slack?.blocks[2];
      return block?.type === "context" ? block.elements[0].text : "";
    };
    expect(slack({})).toContain("Next update by 11:30 PM UTC");
    expect(slack({ timeZone: "Asia/Tokyo", now: "2026-11-02T12:00:00Z" })).toContain(
      "Next update by 8:30 AM GMT+9 tomorrow",
    );
  });

  it("refuses an incident URL that is not http(s)", () => {
    expect(() =>
      composeVariants({ ...UPDATE, incidentUrl: "javascript:alert(1)" }, { channels: ["email"] }),
    ).toThrow(TypeError);
    expect(() => composeVariants({ ...UPDATE, incidentUrl: "status page" }, { channels: ["email"] })).toThrow(
      TypeError,
    );
  });
});
