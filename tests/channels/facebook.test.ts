import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FACEBOOK_DEFAULT_BACKOFF_MS, facebookAdapter } from "~/channels/facebook.server";
import { FakeFacebook } from "../fakes/facebook";
import { retryOf, testContext, testMessage } from "./message";

let fake: FakeFacebook;
beforeAll(async () => {
  fake = await FakeFacebook.start();
});
afterAll(async () => {
  await fake?.close();
});

function ctx(timeoutMs?: number, pageAccessToken = fake.token) {
  const config = facebookAdapter.configSchema.parse({ baseUrl: fake.url, pageId: fake.pageId });
  return testContext(config, { pageAccessToken }, timeoutMs);
}
let n = 0;
const unique = (text: string) => `${text} #${++n}`;
const reasonOf = (outcome: unknown) => (outcome as { reason: string }).reason;

describe("Facebook Page adapter against the fake Graph API", () => {
  it("publishes an update to the Page feed with its link", async () => {
    const text = unique("Checkout is failing for some customers.");
    const message = testMessage({
      payload: { message: text, link: "https://status.example.com/incidents/7" },
    });
    const outcome = await facebookAdapter.send(ctx(), message);
    const post = fake.posts.at(-1)!;
    expect(post).toMatchObject({
      kind: "post",
      message: text,
      link: "https://status.example.com/incidents/7",
    });
    expect(post.id).toMatch(new RegExp(`^${fake.pageId}_\\d+$`));
    expect(outcome).toEqual({
      outcome: "sent",
      remoteId: post.id,
      remoteUrl: `https://www.facebook.com/${post.id}`,
    });
    expect(message.recorded).toEqual([
      { remoteId: post.id, remoteUrl: `https://www.facebook.com/${post.id}` },
    ]);
    expect(message.dispatched).toBe(1);
    const sent = fake.requests.at(-1)!;
    expect(sent.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(sent.query.has("access_token")).toBe(false);
  });

  it("threads an incident's three updates: a Page post, then comments on it", async () => {
    const first = testMessage({ payload: { message: unique("Investigating") } });
    await facebookAdapter.send(ctx(), first);
    const root = first.recorded[0].remoteId;
    const second = testMessage({
      payload: { message: unique("Identified"), link: "https://status.example.com/i/8" },
      thread: { root, parent: root },
    });
    await facebookAdapter.send(ctx(), second);
    const third = testMessage({
      payload: { message: unique("Resolved") },
      thread: { root, parent: second.recorded[0].remoteId },
    });
    expect(await facebookAdapter.send(ctx(), third)).toMatchObject({ outcome: "sent" });
    const [, secondPost, thirdPost] = fake.posts.slice(-3);
    expect(secondPost).toMatchObject({ kind: "comment", parentId: root });
    expect(secondPost.message).toContain("https://status.example.com/i/8");
    expect(thirdPost).toMatchObject({ kind: "comment", parentId: root });
  });

  it("replies to a complaint: a comment under the visitor's comment", async () => {
    const visitorPost = fake.seedVisitorPost("Your checkout is broken");
    const complaint = fake.seedVisitorPost("Same for me!", visitorPost.id);
    const message = testMessage({
      purpose: "reply",
      payload: { message: unique("Sorry — we're on it.") },
      replyTo: { externalId: complaint.id, url: null, authorHandle: "Jane" },
    });
    expect(await facebookAdapter.send(ctx(), message)).toMatchObject({ outcome: "sent" });
    expect(fake.posts.at(-1)).toMatchObject({ kind: "comment", parentId: complaint.id });
  });

  it("a delivery whose post was already recorded is settled without posting again", async () => {
    const first = testMessage({ payload: { message: unique("Recorded") } });
    await facebookAdapter.send(ctx(), first);
    const requests = fake.requests.length;
    expect(await facebookAdapter.send(ctx(), retryOf(first))).toEqual({
      outcome: "sent",
      remoteId: first.recorded[0].remoteId,
      remoteUrl: first.recorded[0].remoteUrl,
    });
    expect(fake.requests.length).toBe(requests);
  });

  it("the Page's rate limit (400, code 32) → retry after X-Business-Use-Case-Usage's estimate", async () => {
    fake.trouble({ match: "POST", ...fake.pageLimitReached(30) });
    const outcome = await facebookAdapter.send(
      ctx(),
      testMessage({ payload: { message: unique("Limited") } }),
    );
    expect(outcome).toEqual({
      outcome: "retry",
      reason: "Facebook is limiting the Page: (#32) Page request limit reached (code 32)",
      retryAfterMs: 30 * 60_000,
      httpStatus: 400,
      channelWide: true,
    });
  });

  it("an app rate limit (code 4) without an estimate → retry after the default backoff", async () => {
    fake.trouble({
      status: 400,
      body: {
        error: {
          message: "(#4) Application request limit reached",
          type: "OAuthException",
          is_transient: true,
          code: 4,
        },
      },
    });
    const outcome = await facebookAdapter.send(
      ctx(),
      testMessage({ payload: { message: unique("App limit") } }),
    );
    expect(outcome).toMatchObject({
      outcome: "retry",
      retryAfterMs: FACEBOOK_DEFAULT_BACKOFF_MS,
      channelWide: true,
    });
  });

  it("503 → retry", async () => {
    fake.trouble({ status: 503 });
    const outcome = await facebookAdapter.send(ctx(), testMessage({ payload: { message: unique("Later") } }));
    expect(outcome).toMatchObject({ outcome: "retry", httpStatus: 503 });
    expect(reasonOf(outcome)).toMatch(/temporary problem: An unexpected error has occurred/);
  });

  it("an invalid token (400, code 190) → failed, naming the token, never containing it", async () => {
    const outcome = await facebookAdapter.send(
      ctx(2_000, "EAAstale-token-123"),
      testMessage({ payload: { message: "x" } }),
    );
    expect(outcome).toMatchObject({ outcome: "failed", httpStatus: 400 });
    expect(reasonOf(outcome)).toBe(
      "Facebook refused the Page access token: Invalid OAuth access token - Cannot parse access token (code 190). Generate a new Page token and update it in Settings → Channels.",
    );
    expect(reasonOf(outcome)).not.toContain("EAAstale");
  });

  it("a missing permission (403, code 200) → failed with what to grant", async () => {
    fake.permissions.delete("pages_manage_posts");
    try {
      const outcome = await facebookAdapter.send(
        ctx(),
        testMessage({ payload: { message: unique("No rights") } }),
      );
      expect(outcome).toMatchObject({ outcome: "failed", httpStatus: 403 });
      expect(reasonOf(outcome)).toMatch(/lacks a permission: \(#200\).*Grant pages_manage_posts/);
    } finally {
      fake.permissions.add("pages_manage_posts");
    }
  });

  it("400 → failed with Graph's message (answering a post that does not exist)", async () => {
    const outcome = await facebookAdapter.send(
      ctx(),
      testMessage({
        purpose: "reply",
        payload: { message: unique("Hello") },
        replyTo: { externalId: "123_456", url: null, authorHandle: null },
      }),
    );
    expect(outcome).toMatchObject({ outcome: "failed", httpStatus: 400 });
    expect(reasonOf(outcome)).toMatch(
      /^Facebook refused the post: Unsupported post request\. Object with ID '123_456' does not exist/,
    );
  });

  it("a duplicate post (code 506) → failed", async () => {
    const text = unique("Twice");
    await facebookAdapter.send(ctx(), testMessage({ payload: { message: text } }));
    const outcome = await facebookAdapter.send(ctx(), testMessage({ payload: { message: text } }));
    expect(reasonOf(outcome)).toBe("Facebook refused the post: Duplicate status message (code 506).");
  });

  it("an invalid payload → failed before anything is sent", async () => {
    const before = fake.requests.length;
    const outcome = await facebookAdapter.send(
      ctx(),
      testMessage({ payload: { message: "ok", link: "not a url" } }),
    );
    expect(reasonOf(outcome)).toMatch(/^The Facebook message is not valid \(link\)/);
    expect(fake.requests.length).toBe(before);
  });

  it("a timeout after the post left → unknown (Graph cannot dedupe); the post landed once", async () => {
    const text = unique("Slow Graph");
    fake.trouble({ match: "POST", hangMs: 1_500 });
    const message = testMessage({ payload: { message: text } });
    const outcome = await facebookAdapter.send(ctx(200), message);
    expect(outcome).toMatchObject({ outcome: "unknown" });
    expect(reasonOf(outcome)).toMatch(/may have been posted/);
    expect(message.recorded).toEqual([]);
    expect(fake.posts.filter((p) => p.message === text)).toHaveLength(1);
  });

  it("test() reads the Page without posting, and reports a dead token", async () => {
    const posts = fake.posts.length;
    expect(await facebookAdapter.test(ctx(), {})).toEqual({
      ok: true,
      message: `Signed in to the Facebook Page “Clarion Status” (${fake.pageId}).`,
    });
    const bad = await facebookAdapter.test(ctx(2_000, "EAAnope"), {});
    expect(bad).toMatchObject({ ok: false, message: expect.stringContaining("code 190") });
    expect(bad.message).not.toContain("EAAnope");
    expect(fake.posts.length).toBe(posts);
  });
});
