import { describe, expect, it } from "vitest";
import { compose, URL } from "./test-support";

describe("webhook event", () => {
  it("has the documented status_update.published shape", () => {
    const webhook = compose("webhook", {
      incidentId: "17",
      updateId: "203",
      publishedAt: "2026-11-02T21:00:00Z",
    });
    expect(webhook.event).toEqual({
      type: "status_update.published",
      timestamp: "2026-11-02T21:00:00Z",
      data: {
        organisation: { name: "Acme" },
        incident: {
          id: "17",
          title: "Power outage in Northern California",
          severity: "SEV2",
          regions: ["California", "Nevada"],
          url: URL,
        },
        update: {
          id: "203",
          kind: "update",
          number: 2,
          body: "Crews are restoring power.",
          nextUpdateAt: "2026-11-02T23:30:00Z",
        },
      },
    });
    const bytes = new TextEncoder().encode(JSON.stringify(webhook.event)).length;
    expect(webhook).toMatchObject({ used: bytes, limit: null, unit: "bytes", ok: true });
  });

  it("has null ids and timestamp in a preview, and no next update after a resolution", () => {
    const { event } = compose("webhook", { kind: "resolution" });
    expect(event.timestamp).toBeNull();
    expect(event.data.incident.id).toBeNull();
    expect(event.data.update).toMatchObject({ id: null, kind: "resolution", nextUpdateAt: null });
  });
});
