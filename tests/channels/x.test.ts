import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { xAdapter } from "~/channels/x.server";
import { FakeX } from "../fakes/x";
import { retryOf, testContext, testMessage } from "./message";

let fake: FakeX;
beforeAll(async () => {
  fake = await FakeX.start();
});
afterAll(async () => {
  await fake?.close();
});

function ctx(timeoutMs?: number, credentials = fake.credentials()) {
  return testContext(xAdapter.configSchema.parse({ baseUrl: fake.url }), credentials, timeoutMs);
}
let n = 0;
const unique = (text: string) => `${text} #${++n}`;

describe("X adapter against the fake X API", () => {
  it("posts an update and records it as the thread's only part", async () => {
    const message = testMessage({ payload: { parts: [unique("Checkout is failing for some customers.")] } });
    const outcome = await xAdapter.send(ctx(), message);
    expect(outcome).toMatchObject({ outcome: "sent" });
    const post = fake.posts.at(-1)!;
    expect(outcome).toEqual({
      outcome: "sent",
      remoteId: post.id,
      remoteUrl: `https://x.com/i/web/status/${post.id}`,
    });
    expect(post.inReplyTo).toBeNull();
    expect(message.recorded).toEqual([{ remoteId: post.id, remoteUrl: expect.stringContaining(post.id) }]);
    expect(message.dispatched).toBe(1);
  });

  it("posts three parts as a thread, each answering the one before", async () => {
    const parts = [unique("1/3 Checkout"), unique("2/3 Cause"), unique("3/3 Next update")];
    const message = testMessage({ payload: { parts } });
    const before = fake.posts.length;
    const outcome = await xAdapter.send(ctx(), message);
    const posted = fake.posts.slice(before);
    expect(posted.map((p) => p.text)).toEqual(parts);
    expect(posted[0].inReplyTo).toBeNull();
    expect(posted[1].inReplyTo).toBe(posted[0].id);
    expect(posted[2].inReplyTo).toBe(posted[1].id);
    expect(outcome).toMatchObject({ outcome: "sent", remoteId: posted[0].id });
    expect(message.recorded.map((p) => p.remoteId)).toEqual(posted.map((p) => p.id));
  });

  it("threads a follow-up under the incident's latest post", async () => {
    const first = testMessage({ payload: { parts: [unique("Investigating")] } });
    await xAdapter.send(ctx(), first);
    const root = first.recorded[0].remoteId;
    const followUp = testMessage({ payload: { parts: [unique("Fixed")] }, thread: { root, parent: root } });
    expect(await xAdapter.send(ctx(), followUp)).toMatchObject({ outcome: "sent" });
    expect(fake.posts.at(-1)!.inReplyTo).toBe(root);
  });

  it("replies to a complaint by its post id or its link", async () => {
    const complaint = fake.seedTweet("@clarion checkout broken??");
    const byId = testMessage({
      purpose: "reply",
      payload: { parts: [unique("Sorry! We're on it.")] },
      replyTo: { externalId: complaint.id, url: null, authorHandle: "someone" },
    });
    expect(await xAdapter.send(ctx(), byId)).toMatchObject({ outcome: "sent" });
    expect(fake.posts.at(-1)!.inReplyTo).toBe(complaint.id);
    const byLink = testMessage({
      purpose: "reply",
      payload: { parts: [unique("Still on it.")] },
      replyTo: { externalId: `https://x.com/someone/status/${complaint.id}`, url: null, authorHandle: null },
    });
    expect(await xAdapter.send(ctx(), byLink)).toMatchObject({ outcome: "sent" });
    expect(fake.posts.at(-1)!.inReplyTo).toBe(complaint.id);
  });

  it("resumes a thread after two of three parts were posted, without posting them again", async () => {
    const parts = [unique("1/3"), unique("2/3"), unique("3/3")];
    fake.trouble({ match: "POST /2/tweets", skip: 2, status: 503 });
    const first = testMessage({ payload: { parts } });
    const before = fake.posts.length;
    const outcome = await xAdapter.send(ctx(), first);
    expect(outcome).toMatchObject({ outcome: "retry", httpStatus: 503 });
    expect(first.recorded).toHaveLength(2);

    const retry = retryOf(first);
    expect(await xAdapter.send(ctx(), retry)).toMatchObject({
      outcome: "sent",
      remoteId: first.recorded[0].remoteId,
    });
    const posted = fake.posts.slice(before);
    expect(posted.map((p) => p.text)).toEqual(parts);
    expect(posted[2].inReplyTo).toBe(posted[1].id);
  });

  it("429 → retry after X's x-rate-limit-reset, held for the whole channel", async () => {
    const reset = Math.floor(Date.now() / 1000) + 120;
    fake.trouble({
      status: 429,
      headers: { "x-rate-limit-remaining": "0", "x-rate-limit-reset": String(reset) },
    });
    const outcome = await xAdapter.send(ctx(), testMessage({ payload: { parts: [unique("Rate limited")] } }));
    expect(outcome).toMatchObject({ outcome: "retry", httpStatus: 429, channelWide: true });
    const delay = (outcome as { retryAfterMs: number }).retryAfterMs;
    expect(delay).toBeGreaterThan(110_000);
    expect(delay).toBeLessThanOrEqual(120_000);
  });

  it("a used-up 24-hour user cap waits for its own reset", async () => {
    const reset = Math.floor(Date.now() / 1000) + 3_600;
    fake.trouble({
      status: 429,
      headers: {
        "x-rate-limit-reset": String(Math.floor(Date.now() / 1000) + 60),
        "x-user-limit-24hour-remaining": "0",
        "x-user-limit-24hour-reset": String(reset),
      },
    });
    const outcome = await xAdapter.send(ctx(), testMessage({ payload: { parts: [unique("Daily cap")] } }));
    expect((outcome as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(3_500_000);
  });

  it("503 → retry, nothing posted", async () => {
    const before = fake.posts.length;
    fake.trouble({ status: 503 });
    const outcome = await xAdapter.send(ctx(), testMessage({ payload: { parts: [unique("Unavailable")] } }));
    expect(outcome).toMatchObject({ outcome: "retry", httpStatus: 503 });
    expect(fake.posts.length).toBe(before);
  });

  it("wrong keys → failed with a clear reason that holds no secret", async () => {
    const credentials = { ...fake.credentials(), accessTokenSecret: "not-the-secret" };
    const outcome = await xAdapter.send(ctx(2_000, credentials), testMessage({ payload: { parts: ["x"] } }));
    expect(outcome).toMatchObject({ outcome: "failed", httpStatus: 401 });
    const reason = (outcome as { reason: string }).reason;
    expect(reason).toMatch(/credentials were refused \(401\).*Settings → Channels/);
    expect(reason).not.toContain("not-the-secret");
    expect(reason).not.toContain(fake.account.token);
  });

  it("400 → failed with X's own message", async () => {
    const outcome = await xAdapter.send(
      ctx(),
      testMessage({ payload: { parts: [unique("Reply")] }, thread: { root: "abc", parent: "not-an-id" } }),
    );
    expect(outcome).toMatchObject({ outcome: "failed", httpStatus: 400 });
    expect((outcome as { reason: string }).reason).toContain("in_reply_to_tweet_id: does not match");
  });

  it("403 duplicate text → failed as a refused post, not as bad credentials", async () => {
    const text = unique("Same words");
    await xAdapter.send(ctx(), testMessage({ payload: { parts: [text] } }));
    const outcome = await xAdapter.send(ctx(), testMessage({ payload: { parts: [text] } }));
    expect(outcome).toMatchObject({ outcome: "failed", httpStatus: 403 });
    expect((outcome as { reason: string }).reason).toBe(
      "X refused the post (403): You are not allowed to create a Tweet with duplicate content.",
    );
  });

  it("a payload that is not a list of parts → failed before anything is sent", async () => {
    const before = fake.requests.length;
    const outcome = await xAdapter.send(ctx(), testMessage({ payload: { parts: [] } }));
    expect(outcome).toMatchObject({ outcome: "failed" });
    expect((outcome as { reason: string }).reason).toMatch(/^The X message is not valid \(parts\)/);
    expect(fake.requests.length).toBe(before);
  });

  it("a timeout after the post left → unknown (X cannot dedupe); the post did land once", async () => {
    const text = unique("Slow answer");
    fake.trouble({ match: "POST /2/tweets", hangMs: 1_500 });
    const message = testMessage({ payload: { parts: [text] } });
    const outcome = await xAdapter.send(ctx(200), message);
    expect(outcome).toMatchObject({ outcome: "unknown" });
    expect((outcome as { reason: string }).reason).toMatch(/may have been posted/);
    expect(message.dispatched).toBe(1);
    expect(message.recorded).toEqual([]);
    expect(fake.posts.filter((p) => p.text === text)).toHaveLength(1);
    expect(fake.requests.at(-1)).toMatchObject({ method: "POST", path: "/2/tweets", status: "hung" });
  });

  it("test() names the signed-in account without posting, and reports refused keys", async () => {
    const posts = fake.posts.length;
    expect(await xAdapter.test(ctx(), {})).toEqual({
      ok: true,
      message: "Signed in as @clarion_status (Clarion Status) on X.",
    });
    const bad = await xAdapter.test(ctx(2_000, { ...fake.credentials(), consumerSecret: "wrong" }), {});
    expect(bad.ok).toBe(false);
    expect(bad.message).toMatch(/credentials were refused \(401\)/);
    expect(fake.posts.length).toBe(posts);
    expect(fake.requests.at(-1)).toMatchObject({ method: "GET", path: "/2/users/me", status: 401 });
  });
});
