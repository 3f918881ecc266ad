import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { slackAdapter } from "~/channels/slack.server";
import { SlackFake } from "../fakes/slack";
import { contextFor, HANG_TIMEOUT_MS, outbound } from "./support";

const blocks = [
  { type: "header", text: { type: "plain_text", text: "Power outage in the north" } },
  { type: "section", text: { type: "mrkdwn", text: "Crews are on site. *Next update* 14:00." } },
];
const payload = { text: "Power outage in the north: crews are on site.", blocks };

let slack: SlackFake;
beforeEach(async () => {
  slack = await new SlackFake().start();
});
afterEach(() => slack.close());

const api = (timeoutMs = 2000, botToken = slack.botToken, channel = "C0INCIDENT") =>
  contextFor(slackAdapter, { mode: "api", channel, apiBaseUrl: slack.apiBaseUrl }, { botToken }, timeoutMs);
const hook = (timeoutMs = 2000, webhookUrl = slack.webhookUrl) =>
  contextFor(slackAdapter, { mode: "webhook" }, { webhookUrl }, timeoutMs);
const message = (overrides = {}, body: unknown = payload) =>
  outbound(body, () => slack.requests.length, overrides);

describe("Slack adapter, Web API mode", () => {
  it("posts text and blocks with the bot token, keeping channel:ts and the permalink", async () => {
    const msg = message();
    const outcome = await slackAdapter.send(api(), msg);
    expect(slack.posts).toEqual([
      expect.objectContaining({ channel: "C0INCIDENT", text: payload.text, blocks, via: "api" }),
    ]);
    const { ts } = slack.posts[0];
    expect(outcome).toEqual({
      outcome: "sent",
      remoteId: `C0INCIDENT:${ts}`,
      remoteUrl: `https://clarion-test.slack.com/archives/C0INCIDENT/p${ts.replace(".", "")}`,
      httpStatus: 200,
    });
    expect(msg.dispatchedAt).toEqual([0]);
    expect(slack.requests.map((r) => r.path)).toEqual(["/api/chat.postMessage", "/api/chat.getPermalink"]);
  });

  it("threads follow-ups under the first post with thread_ts", async () => {
    const first = await slackAdapter.send(api(), message());
    if (first.outcome !== "sent") throw new Error(first.outcome);
    const second = await slackAdapter.send(
      api(),
      message({ thread: { root: first.remoteId, parent: first.remoteId } }, { text: "Repairs under way." }),
    );
    expect(slack.posts[1]).toMatchObject({
      channel: "C0INCIDENT",
      thread_ts: slack.posts[0].ts,
      text: "Repairs under way.",
    });
    expect(second).toMatchObject({ outcome: "sent", remoteId: `C0INCIDENT:${slack.posts[1].ts}` });
    expect(second.outcome === "sent" && second.remoteUrl).toContain(`thread_ts=${slack.posts[0].ts}`);
  });

  it("reads Slack's errors out of HTTP 200 bodies", async () => {
    const notMember = await slackAdapter.send(api(2000, slack.botToken, "C0PRIVATE"), message());
    expect(notMember).toMatchObject({ outcome: "failed", httpStatus: 200 });
    expect(notMember.outcome === "failed" && notMember.reason).toMatch(/not_in_channel.*invite it/);

    const missing = await slackAdapter.send(api(2000, slack.botToken, "C0NOPE"), message());
    expect(missing.outcome === "failed" && missing.reason).toMatch(/channel_not_found/);

    const badToken = await slackAdapter.send(api(2000, "xoxb-revoked"), message());
    expect(badToken).toMatchObject({ outcome: "failed" });
    expect(badToken.outcome === "failed" && badToken.reason).toMatch(
      /credentials were refused: Slack answered invalid_auth/,
    );
    expect(badToken.outcome === "failed" && badToken.reason).not.toContain("xoxb-revoked");
    expect(slack.posts).toHaveLength(0);
  });

  it("retries rate limiting, whether HTTP 429 or an ok:false ratelimited body, with Retry-After", async () => {
    slack.trouble({ kind: "rateLimited", retryAfterSeconds: 3 });
    expect(await slackAdapter.send(api(), message())).toMatchObject({
      outcome: "retry",
      httpStatus: 429,
      retryAfterMs: 3000,
    });
    slack.apiError("ratelimited", 1, { "retry-after": "5" });
    expect(await slackAdapter.send(api(), message())).toMatchObject({
      outcome: "retry",
      retryAfterMs: 5000,
      channelWide: true,
    });
    slack.trouble({ kind: "unavailable" });
    expect(await slackAdapter.send(api(), message())).toMatchObject({ outcome: "retry", httpStatus: 503 });
    expect(slack.posts).toHaveLength(0);
    expect((await slackAdapter.send(api(), message())).outcome).toBe("sent");
  });

  it("calls internal_error and a hang unknown: the message may have been posted", async () => {
    slack.apiError("internal_error");
    expect((await slackAdapter.send(api(), message())).outcome).toBe("unknown");
    slack.trouble({ kind: "hang" });
    expect((await slackAdapter.send(api(HANG_TIMEOUT_MS), message())).outcome).toBe("unknown");
    expect(slack.posts).toHaveLength(1); // the hung request was posted
  });

  it("keeps a sent post sent when the permalink cannot be had", async () => {
    slack.trouble({ kind: "pass" }); // the post goes through…
    slack.trouble({ kind: "rateLimited", retryAfterSeconds: 1 }); // …the permalink call is throttled
    expect(await slackAdapter.send(api(), message())).toMatchObject({ outcome: "sent", remoteUrl: null });
    expect(slack.posts).toHaveLength(1);
  });

  it("calls an unreadable 200 unknown rather than sent or failed", async () => {
    slack.trouble({ kind: "reply", reply: { status: 200, body: "<html>proxy page</html>" } });
    expect((await slackAdapter.send(api(), message())).outcome).toBe("unknown");
  });

  it("test() signs in with auth.test, and reports a refused token", async () => {
    expect(await slackAdapter.test(api(), {})).toEqual({
      ok: true,
      message: "Signed in as @clarion in Clarion Test (https://clarion-test.slack.com/).",
    });
    const bad = await slackAdapter.test(api(2000, "xoxb-nope"), {});
    expect(bad).toEqual({ ok: false, message: "Slack refused the token: invalid_auth." });
    expect(slack.posts).toHaveLength(0);
  });
});

describe("Slack adapter, incoming webhook mode", () => {
  it("posts text and blocks and reads the plain `ok`", async () => {
    const msg = message();
    const outcome = await slackAdapter.send(hook(), msg);
    expect(outcome).toMatchObject({
      outcome: "sent",
      remoteId: "webhook:delivery-41-attempt-key",
      remoteUrl: null,
    });
    expect(slack.posts).toEqual([
      expect.objectContaining({ channel: "C0INCIDENT", text: payload.text, blocks, via: "webhook" }),
    ]);
    expect(msg.dispatchedAt).toEqual([0]);
  });

  it("fails with Slack's plain-text reason: removed webhook, archived channel, wrong URL", async () => {
    slack.hookChannel = null;
    const removed = await slackAdapter.send(hook(), message());
    expect(removed).toMatchObject({ outcome: "failed", httpStatus: 404 });
    expect(removed.outcome === "failed" && removed.reason).toMatch(/no_service \(the webhook was removed/);

    slack.hookChannel = "C0OLD";
    const archived = await slackAdapter.send(hook(), message());
    expect(archived).toMatchObject({ outcome: "failed", httpStatus: 410 });
    expect(archived.outcome === "failed" && archived.reason).toMatch(/channel_is_archived/);

    const wrongUrl = `${slack.webhookUrl.slice(0, -4)}0000`;
    const refused = await slackAdapter.send(hook(2000, wrongUrl), message());
    expect(refused).toMatchObject({ outcome: "failed", httpStatus: 403 });
    expect(refused.outcome === "failed" && refused.reason).toMatch(
      /credentials were refused \(403\): invalid_token/,
    );
    expect(refused.outcome === "failed" && refused.reason).not.toContain(slack.hookSecret.slice(0, 8));
  });

  it("fails an empty message (400 from Slack is never reached: it is refused before calling out)", async () => {
    const outcome = await slackAdapter.send(hook(), message({}, { text: " " }));
    expect(outcome.outcome).toBe("failed");
    expect(slack.requests).toHaveLength(0);
  });

  it("passes Slack's 400 reason through", async () => {
    slack.trouble({ kind: "reply", reply: { status: 400, body: "invalid_payload" } });
    const outcome = await slackAdapter.send(hook(), message());
    expect(outcome).toMatchObject({ outcome: "failed", httpStatus: 400 });
    expect(outcome.outcome === "failed" && outcome.reason).toMatch(/invalid_payload \(Slack could not read/);
  });

  it("retries a 429 after Retry-After and a 503; a hang is unknown", async () => {
    slack.trouble({ kind: "rateLimited", retryAfterSeconds: 9 });
    slack.trouble({ kind: "unavailable" });
    expect(await slackAdapter.send(hook(), message())).toMatchObject({
      outcome: "retry",
      retryAfterMs: 9000,
    });
    expect(await slackAdapter.send(hook(), message())).toMatchObject({ outcome: "retry", httpStatus: 503 });
    slack.trouble({ kind: "hang" });
    expect((await slackAdapter.send(hook(HANG_TIMEOUT_MS), message())).outcome).toBe("unknown");
    expect(slack.posts).toHaveLength(1);
  });

  it("test() posts a clearly marked test message", async () => {
    expect((await slackAdapter.test(hook(), {})).ok).toBe(true);
    expect(slack.posts[0].text).toMatch(/Clarion test message/);
    const bad = await slackAdapter.test(hook(2000, `${slack.webhookUrl}x`), {});
    expect(bad.ok).toBe(false);
  });
});
