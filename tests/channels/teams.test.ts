import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { teamsAdapter } from "~/channels/teams.server";
import { TeamsWorkflowFake } from "../fakes/teams";
import { contextFor, HANG_TIMEOUT_MS, outbound } from "./support";

const card = {
  type: "message",
  attachments: [
    {
      contentType: "application/vnd.microsoft.card.adaptive",
      content: {
        type: "AdaptiveCard",
        version: "1.4",
        body: [{ type: "TextBlock", text: "Power outage in the north: crews are on site.", wrap: true }],
      },
    },
  ],
};

let teams: TeamsWorkflowFake;
beforeEach(async () => {
  teams = await new TeamsWorkflowFake().start();
});
afterEach(() => teams.close());

const ctx = (timeoutMs = 2000, webhookUrl = teams.webhookUrl) =>
  contextFor(teamsAdapter, {}, { webhookUrl }, timeoutMs);
const message = (payload: unknown = { card }) => outbound(payload, () => teams.requests.length);

describe("Teams adapter against a Workflows webhook", () => {
  it("posts the card message and keeps the run id", async () => {
    const msg = message();
    const outcome = await teamsAdapter.send(ctx(), msg);
    expect(teams.posted).toHaveLength(1);
    expect(teams.posted[0].body).toEqual(card);
    expect(outcome).toEqual({
      outcome: "sent",
      remoteId: `run:${teams.posted[0].runId}`,
      remoteUrl: null,
      httpStatus: 202,
    });
    expect(msg.dispatchedAt).toEqual([0]);
  });

  it("fails with the workflow's reason when it refuses the card (400)", async () => {
    const legacy = {
      type: "message",
      attachments: [{ contentType: "application/vnd.microsoft.teams.card.o365connector", content: {} }],
    };
    const outcome = await teamsAdapter.send(ctx(), message({ card: legacy }));
    expect(outcome).toMatchObject({ outcome: "failed", httpStatus: 400 });
    expect(outcome.outcome === "failed" && outcome.reason).toMatch(/only Adaptive Card attachments/);
    expect(teams.posted).toHaveLength(0);
  });

  it("fails with a clear reason for a wrong signature (401) and a deleted workflow (404)", async () => {
    const wrongSig = await teamsAdapter.send(ctx(2000, teams.urlWith("not-the-signature")), message());
    expect(wrongSig).toMatchObject({ outcome: "failed", httpStatus: 401 });
    expect(wrongSig.outcome === "failed" && wrongSig.reason).toMatch(/credentials were refused/);
    expect(wrongSig.outcome === "failed" && wrongSig.reason).not.toContain(teams.signature);

    teams.deleteWorkflow();
    const gone = await teamsAdapter.send(ctx(), message());
    expect(gone).toMatchObject({ outcome: "failed", httpStatus: 404 });
    expect(gone.outcome === "failed" && gone.reason).toMatch(/deleted or turned off/);
  });

  it("retries a throttled request after Retry-After, and a 503", async () => {
    teams.trouble({ kind: "rateLimited", retryAfterSeconds: 30 });
    teams.trouble({ kind: "unavailable" });
    expect(await teamsAdapter.send(ctx(), message())).toMatchObject({
      outcome: "retry",
      retryAfterMs: 30_000,
      channelWide: true,
    });
    expect(await teamsAdapter.send(ctx(), message())).toMatchObject({ outcome: "retry", httpStatus: 503 });
    expect(teams.posted).toHaveLength(0);
    expect((await teamsAdapter.send(ctx(), message())).outcome).toBe("sent");
  });

  it("calls a hang after the request arrived unknown: the card may be in the channel", async () => {
    teams.trouble({ kind: "hang" });
    const outcome = await teamsAdapter.send(ctx(HANG_TIMEOUT_MS), message());
    expect(outcome.outcome).toBe("unknown");
    expect(teams.posted).toHaveLength(1);
  });

  it("refuses a payload that is not a message with attachments, without calling out", async () => {
    const outcome = await teamsAdapter.send(ctx(), message({ card: { type: "AdaptiveCard" } }));
    expect(outcome.outcome).toBe("failed");
    expect(teams.requests).toHaveLength(0);
  });

  it("test() posts a marked test card, and reports a bad URL", async () => {
    const good = await teamsAdapter.test(ctx(), {});
    expect(good.ok).toBe(true);
    expect(JSON.stringify(teams.posted[0].body)).toContain("Clarion test message");

    const bad = await teamsAdapter.test(ctx(2000, teams.urlWith("wrong")), {});
    expect(bad.ok).toBe(false);
    expect(bad.message).toMatch(/401/);
  });
});
