import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mastodonAdapter } from "~/channels/mastodon.server";
import { FakeMastodon } from "../fakes/mastodon";
import { retryOf, testContext, testMessage } from "./message";

let fake: FakeMastodon;
beforeAll(async () => {
  fake = await FakeMastodon.start();
});
afterAll(async () => {
  await fake?.close();
});

function ctx(timeoutMs?: number, accessToken = fake.token) {
  return testContext(
    mastodonAdapter.configSchema.parse({ baseUrl: `${fake.url}/` }),
    { accessToken },
    timeoutMs,
  );
}
let n = 0;
const unique = (text: string) => `${text} #${++n}`;

describe("Mastodon adapter against the fake instance", () => {
  it("posts an update with an Idempotency-Key and the chosen visibility", async () => {
    const message = testMessage({
      payload: { parts: [unique("Checkout is failing.")], visibility: "unlisted" },
    });
    const outcome = await mastodonAdapter.send(ctx(), message);
    const post = fake.posts.at(-1)!;
    expect(outcome).toEqual({ outcome: "sent", remoteId: post.id, remoteUrl: post.url });
    expect(post).toMatchObject({ visibility: "unlisted", inReplyToId: null });
    expect(fake.requests.at(-1)!.headers["idempotency-key"]).toBe(`${message.idempotencyKey}:0`);
    expect(message.recorded).toEqual([{ remoteId: post.id, remoteUrl: post.url }]);
    expect(message.dispatched).toBe(1);
  });

  it("posts three parts as a thread, each part with its own key", async () => {
    const parts = [unique("1/3"), unique("2/3"), unique("3/3")];
    const before = fake.posts.length;
    const message = testMessage({ payload: { parts } });
    expect(await mastodonAdapter.send(ctx(), message)).toMatchObject({ outcome: "sent" });
    const posted = fake.posts.slice(before);
    expect(posted.map((p) => p.text)).toEqual(parts);
    expect(posted.map((p) => p.inReplyToId)).toEqual([null, posted[0].id, posted[1].id]);
    expect(posted.map((p) => p.visibility)).toEqual(["public", "public", "public"]);
    expect(new Set(posted.map((p) => p.idempotencyKey)).size).toBe(3);
  });

  it("threads a follow-up under the incident's latest post", async () => {
    const first = testMessage({ payload: { parts: [unique("Investigating")] } });
    await mastodonAdapter.send(ctx(), first);
    const root = first.recorded[0].remoteId;
    const followUp = testMessage({
      payload: { parts: [unique("Resolved")] },
      thread: { root, parent: root },
    });
    expect(await mastodonAdapter.send(ctx(), followUp)).toMatchObject({ outcome: "sent" });
    expect(fake.posts.at(-1)!.inReplyToId).toBe(root);
  });

  it("replies to a complaint on this instance by its id", async () => {
    const complaint = fake.seedStatus("@clarion is checkout down?");
    const message = testMessage({
      purpose: "reply",
      payload: { parts: [unique("Yes, we're on it.")] },
      replyTo: { externalId: complaint.id, url: complaint.url, authorHandle: "someone" },
    });
    expect(await mastodonAdapter.send(ctx(), message)).toMatchObject({ outcome: "sent" });
    expect(fake.posts.at(-1)!.inReplyToId).toBe(complaint.id);
  });

  it("replies to a status on another server by resolving its URL through search first", async () => {
    const url = "https://other.example/@bob/112233";
    fake.seedRemoteStatus(url, "@clarion@mastodon.test outage?");
    const message = testMessage({
      purpose: "reply",
      payload: { parts: [unique("We're on it, Bob.")] },
      replyTo: { externalId: url, url, authorHandle: "bob@other.example" },
    });
    expect(await mastodonAdapter.send(ctx(), message)).toMatchObject({ outcome: "sent" });
    const search = fake.requests.find((r) => r.path === "/api/v2/search")!;
    expect(search.query.get("q")).toBe(url);
    expect(search.query.get("resolve")).toBe("true");
    expect(fake.status(fake.posts.at(-1)!.inReplyToId!)?.text).toBe("@clarion@mastodon.test outage?");
  });

  it("a remote status the instance cannot find → failed, nothing posted", async () => {
    const before = fake.posts.length;
    const outcome = await mastodonAdapter.send(
      ctx(),
      testMessage({
        purpose: "reply",
        payload: { parts: ["Hello"] },
        replyTo: { externalId: "https://gone.example/@x/1", url: null, authorHandle: null },
      }),
    );
    expect(outcome).toMatchObject({ outcome: "failed" });
    expect((outcome as { reason: string }).reason).toMatch(
      /could not find the post https:\/\/gone\.example\/@x\/1/,
    );
    expect(fake.posts.length).toBe(before);
  });

  it("resumes a thread after two of three parts were posted", async () => {
    const parts = [unique("1/3"), unique("2/3"), unique("3/3")];
    fake.trouble({ match: "POST /api/v1/statuses", skip: 2, status: 503 });
    const first = testMessage({ payload: { parts } });
    const before = fake.posts.length;
    expect(await mastodonAdapter.send(ctx(), first)).toMatchObject({ outcome: "retry", httpStatus: 503 });
    expect(first.recorded).toHaveLength(2);
    expect(await mastodonAdapter.send(ctx(), retryOf(first))).toMatchObject({
      outcome: "sent",
      remoteId: first.recorded[0].remoteId,
    });
    const posted = fake.posts.slice(before);
    expect(posted.map((p) => p.text)).toEqual(parts);
    expect(posted[2].inReplyToId).toBe(posted[1].id);
  });

  it("429 → retry at the ISO time of X-RateLimit-Reset, for the whole channel", async () => {
    const reset = new Date(Date.now() + 90_000).toISOString();
    fake.trouble({ status: 429, headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset } });
    const outcome = await mastodonAdapter.send(
      ctx(),
      testMessage({ payload: { parts: [unique("Limited")] } }),
    );
    expect(outcome).toMatchObject({ outcome: "retry", httpStatus: 429, channelWide: true });
    const delay = (outcome as { retryAfterMs: number }).retryAfterMs;
    expect(delay).toBeGreaterThan(80_000);
    expect(delay).toBeLessThanOrEqual(90_000);
  });

  it("503 → retry", async () => {
    fake.trouble({ status: 503 });
    const outcome = await mastodonAdapter.send(ctx(), testMessage({ payload: { parts: [unique("Later")] } }));
    expect(outcome).toMatchObject({ outcome: "retry", httpStatus: 503 });
  });

  it("401 → failed with the instance's reason, no token in it", async () => {
    const outcome = await mastodonAdapter.send(
      ctx(2_000, "revoked-token"),
      testMessage({ payload: { parts: ["x"] } }),
    );
    expect(outcome).toMatchObject({ outcome: "failed", httpStatus: 401 });
    const reason = (outcome as { reason: string }).reason;
    expect(reason).toBe(
      "The channel's credentials were refused (401): The access token is invalid. Update them in Settings → Channels, then retry.",
    );
  });

  it("422 → failed with the instance's validation message", async () => {
    const outcome = await mastodonAdapter.send(ctx(), testMessage({ payload: { parts: ["a".repeat(501)] } }));
    expect(outcome).toMatchObject({ outcome: "failed", httpStatus: 422 });
    expect((outcome as { reason: string }).reason).toBe(
      "The remote refused the message (422): Validation failed: Text character limit of 500 exceeded.",
    );
  });

  it("an invalid payload → failed before anything is sent", async () => {
    const before = fake.requests.length;
    const outcome = await mastodonAdapter.send(
      ctx(),
      testMessage({ payload: { parts: ["x"], visibility: "direct" } }),
    );
    expect(outcome).toMatchObject({ outcome: "failed" });
    expect((outcome as { reason: string }).reason).toMatch(
      /^The Mastodon message is not valid \(visibility\)/,
    );
    expect(fake.requests.length).toBe(before);
  });

  it("a timeout after the post left → retry; the retry returns the same status and posts nothing new", async () => {
    const text = unique("Slow instance");
    fake.trouble({ match: "POST /api/v1/statuses", hangMs: 1_500 });
    const first = testMessage({ payload: { parts: [text] } });
    const outcome = await mastodonAdapter.send(ctx(200), first);
    expect(outcome).toMatchObject({ outcome: "retry" });
    expect((outcome as { reason: string }).reason).toMatch(/same idempotency key/);
    expect(fake.posts.filter((p) => p.text === text)).toHaveLength(1);

    const second = await mastodonAdapter.send(ctx(), retryOf(first));
    const posted = fake.posts.filter((p) => p.text === text);
    expect(posted).toHaveLength(1);
    expect(second).toEqual({ outcome: "sent", remoteId: posted[0].id, remoteUrl: posted[0].url });
  });

  it("test() names the account without posting, and reports a refused token", async () => {
    const posts = fake.posts.length;
    const host = new URL(fake.url).host;
    expect(await mastodonAdapter.test(ctx(), {})).toEqual({
      ok: true,
      message: `Signed in as @clarion@${host} on Mastodon.`,
    });
    const bad = await mastodonAdapter.test(ctx(2_000, "nope"), {});
    expect(bad).toMatchObject({ ok: false, message: expect.stringContaining("The access token is invalid") });
    expect(fake.posts.length).toBe(posts);
  });

  it("requires the instance address", () => {
    expect(mastodonAdapter.configSchema.safeParse({}).success).toBe(false);
    expect(mastodonAdapter.configSchema.safeParse({ baseUrl: "ftp://x" }).success).toBe(false);
  });
});
