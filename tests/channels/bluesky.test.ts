import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blueskyAdapter, parseRemoteId, recordKeyFor } from "~/channels/bluesky.server";
import { FakeBluesky } from "../fakes/bluesky";
import { retryOf, testContext, testMessage } from "./message";

let fake: FakeBluesky;
beforeAll(async () => {
  fake = await FakeBluesky.start();
});
afterAll(async () => {
  await fake?.close();
});

function ctx(timeoutMs?: number, appPassword = fake.account.appPassword) {
  const config = blueskyAdapter.configSchema.parse({ baseUrl: fake.url, handle: `@${fake.account.handle}` });
  return testContext(config, { appPassword }, timeoutMs);
}
let n = 0;
const unique = (text: string) => `${text} #${++n}`;
const ref = (post: { uri: string; cid: string }) => ({ uri: post.uri, cid: post.cid });

describe("Bluesky record keys", () => {
  it("are valid TIDs, the same on every attempt, different per part and per delivery", () => {
    const keys = [recordKeyFor("d-1", 0), recordKeyFor("d-1", 1), recordKeyFor("d-2", 0)];
    for (const key of keys) expect(key).toMatch(/^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$/);
    expect(recordKeyFor("d-1", 0)).toBe(keys[0]);
    expect(new Set(keys).size).toBe(3);
  });

  it("the fake rejects a record key that is not a TID, as a PDS does for app.bsky.feed.post", async () => {
    const session = await fetch(`${fake.url}/xrpc/com.atproto.server.createSession`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ identifier: fake.account.handle, password: fake.account.appPassword }),
    }).then((r) => r.json() as Promise<{ accessJwt: string; did: string }>);
    const res = await fetch(`${fake.url}/xrpc/com.atproto.repo.createRecord`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${session.accessJwt}` },
      body: JSON.stringify({
        repo: session.did,
        collection: "app.bsky.feed.post",
        rkey: "delivery-42-part-0",
        record: { $type: "app.bsky.feed.post", text: "hi", createdAt: new Date().toISOString() },
      }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: "InvalidRequest",
      message: expect.stringMatching(/not a TID/),
    });
  });
});

describe("Bluesky adapter against the fake PDS", () => {
  it("posts an update under its chosen record key, with its facets", async () => {
    const text = unique("Status: https://status.example.com");
    const facets = [
      {
        index: { byteStart: 8, byteEnd: 34 },
        features: [{ $type: "app.bsky.richtext.facet#link", uri: "https://status.example.com" }],
      },
    ];
    const message = testMessage({ payload: { parts: [{ text, facets }] } });
    const outcome = await blueskyAdapter.send(ctx(), message);
    const post = fake.posts.at(-1)!;
    expect(post).toMatchObject({ text, rkey: recordKeyFor(message.idempotencyKey, 0), reply: null, facets });
    expect(outcome).toEqual({
      outcome: "sent",
      remoteId: `${post.uri} ${post.cid}`,
      remoteUrl: `https://bsky.app/profile/${fake.account.did}/post/${post.rkey}`,
    });
    expect(fake.record(post.uri)?.value).toMatchObject({
      $type: "app.bsky.feed.post",
      createdAt: expect.any(String),
    });
    expect(message.dispatched).toBe(1);
  });

  it("posts three parts as a thread: root is the first part, parent the one before", async () => {
    const parts = [unique("1/3"), unique("2/3"), unique("3/3")].map((text) => ({ text }));
    const before = fake.posts.length;
    expect(await blueskyAdapter.send(ctx(), testMessage({ payload: { parts } }))).toMatchObject({
      outcome: "sent",
    });
    const [a, b, c] = fake.posts.slice(before);
    expect(a.reply).toBeNull();
    expect(b.reply).toEqual({ root: ref(a), parent: ref(a) });
    expect(c.reply).toEqual({ root: ref(a), parent: ref(b) });
  });

  it("threads a follow-up under the incident's posts, root and parent by uri and cid", async () => {
    const first = testMessage({
      payload: { parts: [{ text: unique("Investigating") }, { text: unique("More") }] },
    });
    await blueskyAdapter.send(ctx(), first);
    const [root, parent] = first.recorded.map((p) => p.remoteId);
    const followUp = testMessage({
      payload: { parts: [{ text: unique("Resolved") }] },
      thread: { root, parent },
    });
    expect(await blueskyAdapter.send(ctx(), followUp)).toMatchObject({ outcome: "sent" });
    expect(fake.posts.at(-1)!.reply).toEqual({ root: parseRemoteId(root), parent: parseRemoteId(parent) });
  });

  it("replies to a complaint that is itself a reply: parent is the complaint, root its thread's root", async () => {
    const top = fake.seedPost("Is anyone else seeing checkout errors?");
    const complaint = fake.seedPost("@status.clarion.test same here", {
      reply: { root: ref(top), parent: ref(top) },
    });
    const message = testMessage({
      purpose: "reply",
      payload: { parts: [{ text: unique("Sorry — we're fixing it.") }] },
      replyTo: { externalId: complaint.uri, url: null, authorHandle: "someone.bsky.social" },
    });
    expect(await blueskyAdapter.send(ctx(), message)).toMatchObject({ outcome: "sent" });
    expect(fake.posts.at(-1)!.reply).toEqual({ root: ref(top), parent: ref(complaint) });
  });

  it("replies to a complaint given as a bsky.app link", async () => {
    const complaint = fake.seedPost("down again");
    const rkey = complaint.uri.split("/").at(-1);
    const message = testMessage({
      purpose: "reply",
      payload: { parts: [{ text: unique("On it.") }] },
      replyTo: {
        externalId: "not-an-at-uri",
        url: `https://bsky.app/profile/did:plc:complainer000000000000/post/${rkey}`,
        authorHandle: null,
      },
    });
    expect(await blueskyAdapter.send(ctx(), message)).toMatchObject({ outcome: "sent" });
    expect(fake.posts.at(-1)!.reply).toEqual({ root: ref(complaint), parent: ref(complaint) });
  });

  it("resumes a thread after two of three parts were posted", async () => {
    const parts = [unique("1/3"), unique("2/3"), unique("3/3")].map((text) => ({ text }));
    fake.trouble({ match: "POST /xrpc/com.atproto.repo.createRecord", skip: 2, status: 502 });
    const first = testMessage({ payload: { parts } });
    const before = fake.posts.length;
    expect(await blueskyAdapter.send(ctx(), first)).toMatchObject({ outcome: "retry" });
    expect(first.recorded).toHaveLength(2);
    expect(await blueskyAdapter.send(ctx(), retryOf(first))).toMatchObject({
      outcome: "sent",
      remoteId: first.recorded[0].remoteId,
    });
    const [a, b, c] = fake.posts.slice(before);
    expect(fake.posts.length - before).toBe(3);
    expect(c).toMatchObject({ text: parts[2].text, reply: { root: ref(a), parent: ref(b) } });
  });

  it("429 → retry at ratelimit-reset, for the whole channel", async () => {
    const reset = Math.floor(Date.now() / 1000) + 300;
    fake.trouble({
      match: "POST /xrpc/com.atproto.repo.createRecord",
      status: 429,
      headers: { "ratelimit-remaining": "0", "ratelimit-reset": String(reset) },
    });
    const outcome = await blueskyAdapter.send(
      ctx(),
      testMessage({ payload: { parts: [{ text: unique("x") }] } }),
    );
    expect(outcome).toMatchObject({ outcome: "retry", httpStatus: 429, channelWide: true });
    const delay = (outcome as { retryAfterMs: number }).retryAfterMs;
    expect(delay).toBeGreaterThan(290_000);
    expect(delay).toBeLessThanOrEqual(300_000);
  });

  it("503 → retry, after checking that the key holds nothing", async () => {
    fake.trouble({ match: "POST /xrpc/com.atproto.repo.createRecord", status: 503 });
    const message = testMessage({ payload: { parts: [{ text: unique("Later") }] } });
    expect(await blueskyAdapter.send(ctx(), message)).toMatchObject({ outcome: "retry", httpStatus: 503 });
    expect(fake.requests.at(-1)).toMatchObject({ path: "/xrpc/com.atproto.repo.getRecord", status: 400 });
  });

  it("a wrong app password → failed with a clear reason that does not contain it", async () => {
    const outcome = await blueskyAdapter.send(
      ctx(2_000, "wrong-pass-word-xyz"),
      testMessage({ payload: { parts: [{ text: "x" }] } }),
    );
    expect(outcome).toMatchObject({ outcome: "failed", httpStatus: 401 });
    const reason = (outcome as { reason: string }).reason;
    expect(reason).toMatch(/credentials were refused \(401\): Invalid identifier or password/);
    expect(reason).not.toContain("wrong-pass-word-xyz");
  });

  it("400 → failed with the PDS's validation message", async () => {
    const outcome = await blueskyAdapter.send(
      ctx(),
      testMessage({ payload: { parts: [{ text: "é".repeat(301) }] } }),
    );
    expect(outcome).toMatchObject({ outcome: "failed", httpStatus: 400 });
    expect((outcome as { reason: string }).reason).toBe(
      "The remote refused the message (400): Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes.",
    );
  });

  it("facets outside the text → failed before anything is sent", async () => {
    const before = fake.requests.length;
    const bad = {
      text: "hi",
      facets: [
        {
          index: { byteStart: 0, byteEnd: 9 },
          features: [{ $type: "app.bsky.richtext.facet#tag", tag: "x" }],
        },
      ],
    };
    const outcome = await blueskyAdapter.send(ctx(), testMessage({ payload: { parts: [bad] } }));
    expect((outcome as { reason: string }).reason).toMatch(
      /^The Bluesky message is not valid \(parts\.0\.facets\.0\.index\)/,
    );
    expect(fake.requests.length).toBe(before);
  });

  it("an expired access token is refreshed once and the post goes through", async () => {
    await blueskyAdapter.send(ctx(), testMessage({ payload: { parts: [{ text: unique("warm") }] } }));
    const sessions = fake.sessionsCreated;
    fake.expireAccessTokens();
    const outcome = await blueskyAdapter.send(
      ctx(),
      testMessage({ payload: { parts: [{ text: unique("after expiry") }] } }),
    );
    expect(outcome).toMatchObject({ outcome: "sent" });
    expect(fake.sessionsCreated).toBe(sessions);
    expect(fake.requests.some((r) => r.path.endsWith("refreshSession") && r.status === 200)).toBe(true);
  });

  it("a timeout after the post left → retry; the retry finds the record and posts nothing twice", async () => {
    const text = unique("Slow PDS");
    fake.trouble({ match: "POST /xrpc/com.atproto.repo.createRecord", hangMs: 1_500 });
    const first = testMessage({ payload: { parts: [{ text }] } });
    expect(await blueskyAdapter.send(ctx(200), first)).toMatchObject({ outcome: "retry" });
    expect(fake.posts.filter((p) => p.text === text)).toHaveLength(1);

    const second = await blueskyAdapter.send(ctx(), retryOf(first));
    const posted = fake.posts.filter((p) => p.text === text);
    expect(posted).toHaveLength(1);
    expect(second).toMatchObject({ outcome: "sent", remoteId: `${posted[0].uri} ${posted[0].cid}` });
    const [create, read] = fake.requests.slice(-2);
    expect(create).toMatchObject({ path: "/xrpc/com.atproto.repo.createRecord", status: 500 });
    expect(read).toMatchObject({ path: "/xrpc/com.atproto.repo.getRecord", status: 200 });
  });

  it("a record key that already holds other text → failed, never claimed as ours", async () => {
    const key = `clash-${n}`;
    await blueskyAdapter.send(
      ctx(),
      testMessage({ idempotencyKey: key, payload: { parts: [{ text: unique("one") }] } }),
    );
    const outcome = await blueskyAdapter.send(
      ctx(),
      testMessage({ idempotencyKey: key, payload: { parts: [{ text: unique("two") }] } }),
    );
    expect(outcome).toMatchObject({ outcome: "failed" });
    expect((outcome as { reason: string }).reason).toMatch(/already holds a different post/);
  });

  it("test() signs in and names the account; a wrong password is reported", async () => {
    const posts = fake.posts.length;
    expect(await blueskyAdapter.test(ctx(), {})).toEqual({
      ok: true,
      message: `Signed in as @${fake.account.handle} (${fake.account.did}) on Bluesky.`,
    });
    const bad = await blueskyAdapter.test(ctx(2_000, "nope-nope-nope-nope"), {});
    expect(bad).toMatchObject({
      ok: false,
      message: expect.stringContaining("Invalid identifier or password"),
    });
    expect(fake.posts.length).toBe(posts);
  });
});
