import { describe, expect, it } from "vitest";
import { compose, URL } from "./test-support";

describe("Teams variant", () => {
  it("is a Workflows webhook message carrying an Adaptive Card 1.4", () => {
    const teams = compose("teams", { body: "Crews are on site.\n\nPower should be back by 6 PM." });
    expect(teams.payload).toEqual({
      type: "message",
      attachments: [
        {
          contentType: "application/vnd.microsoft.card.adaptive",
          contentUrl: null,
          content: {
            $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
            type: "AdaptiveCard",
            version: "1.4",
            body: [
              {
                type: "TextBlock",
                text: "Acme · Update 2",
                size: "Small",
                weight: "Bolder",
                color: "Attention",
                wrap: true,
              },
              {
                type: "TextBlock",
                text: "Power outage in Northern California",
                size: "Large",
                weight: "Bolder",
                wrap: true,
              },
              { type: "TextBlock", text: "Crews are on site.", wrap: true },
              { type: "TextBlock", text: "Power should be back by 6 PM.", wrap: true },
              {
                type: "FactSet",
                facts: [
                  { title: "Severity", value: "SEV2" },
                  { title: "Regions", value: "California and Nevada" },
                  { title: "Next update", value: "by 3:30 PM PST" },
                ],
              },
            ],
            actions: [{ type: "Action.OpenUrl", title: "View incident", url: URL }],
          },
        },
      ],
    });
    const bytes = new TextEncoder().encode(JSON.stringify(teams.payload)).length;
    expect(teams).toMatchObject({ used: bytes, limit: 28_672, unit: "bytes", ok: true });
  });

  it("marks a resolution in green and rejects a message over 28 KB", () => {
    const resolved = compose("teams", { kind: "resolution" });
    expect(resolved.payload.attachments[0].content.body[0]).toMatchObject({
      text: "Acme · Resolved",
      color: "Good",
    });
    expect(compose("teams", { body: "a".repeat(30_000) }).ok).toBe(false);
  });
});
