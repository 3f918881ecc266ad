import { createHash } from "node:crypto";
import { z } from "zod";
import { callRemote, type HttpCall, type HttpResult } from "./http.server";
import {
  asRecord,
  baseUrlSchema,
  describeIssues,
  epochSecondsDelay,
  isNotSent,
  missingComplaint,
  type NotSent,
  notForNotifications,
  postThread,
  stringField,
} from "./social.server";
import type { ChannelAdapter, ChannelContext, ComplaintRef, PostedPart } from "./types";

/**
 * Bluesky (atproto): `com.atproto.repo.createRecord` of an `app.bsky.feed.post` whose record key we
 * choose — a TID derived from the delivery's idempotency key and the part's index — so every attempt
 * writes the same record. The reference PDS answers a create on a key that already exists with a 500
 * (bluesky-social/atproto#3718; #4728 proposes a named error): either way the adapter reads the record
 * back with `com.atproto.repo.getRecord` and, when it holds our text, settles the part as posted.
 *
 * Remote ids are `"<at-uri> <cid>"`: a reply must name both its root and its parent by uri and cid.
 */

const COLLECTION = "app.bsky.feed.post";

const configSchema = z.object({
  baseUrl: baseUrlSchema.default("https://bsky.social"),
  handle: z
    .string()
    .trim()
    .min(1)
    .transform((h) => h.replace(/^@/, "")),
});
const credentialsSchema = z.object({ appPassword: z.string().trim().min(1) });

const featureSchema = z.discriminatedUnion("$type", [
  z.object({ $type: z.literal("app.bsky.richtext.facet#link"), uri: z.string().min(1) }),
  z.object({ $type: z.literal("app.bsky.richtext.facet#mention"), did: z.string().startsWith("did:") }),
  z.object({ $type: z.literal("app.bsky.richtext.facet#tag"), tag: z.string().min(1).max(640) }),
]);
const facetSchema = z.object({
  $type: z.literal("app.bsky.richtext.facet").optional(),
  index: z.object({ byteStart: z.int().min(0), byteEnd: z.int().min(0) }),
  features: z.array(featureSchema).min(1),
});
const partSchema = z
  .object({ text: z.string().trim().min(1, "a part is empty"), facets: z.array(facetSchema).optional() })
  .superRefine((part, issue) => {
    const bytes = Buffer.byteLength(part.text, "utf8");
    part.facets?.forEach((facet, i) => {
      const { byteStart, byteEnd } = facet.index;
      if (byteEnd <= byteStart || byteEnd > bytes) {
        issue.addIssue({
          code: "custom",
          path: ["facets", i, "index"],
          message: `byte range ${byteStart}–${byteEnd} is outside the text's ${bytes} bytes`,
        });
      }
    });
  });
const payloadSchema = z.object({ parts: z.array(partSchema).min(1) });

type Config = z.infer<typeof configSchema>;
type Credentials = z.infer<typeof credentialsSchema>;
type Ctx = ChannelContext<Config, Credentials>;
type Part = z.infer<typeof partSchema>;
interface StrongRef {
  uri: string;
  cid: string;
}
interface Session {
  accessJwt: string;
  refreshJwt: string;
  did: string;
  handle: string;
}

/** One signed-in session per account and process; refreshed when the PDS says the token expired. */
const sessions = new Map<string, Session>();

export const blueskyAdapter: ChannelAdapter<Config, Credentials> = {
  kind: "bluesky",
  label: "Bluesky",
  idempotent: true,
  threads: true,
  configSchema,
  credentialsSchema,
  configFields: [
    { name: "handle", label: "Handle", type: "text", required: true, placeholder: "status.example.com" },
    {
      name: "baseUrl",
      label: "Server (PDS) address",
      type: "url",
      required: false,
      defaultValue: "https://bsky.social",
      help: "Change only if the account is hosted on its own PDS.",
    },
  ],
  credentialFields: [
    {
      name: "appPassword",
      label: "App password",
      type: "secret",
      required: true,
      help: "Settings → Privacy and security → App passwords. Never the account's own password.",
    },
  ],

  async send(ctx, message) {
    if (message.purpose === "notification") return notForNotifications("Bluesky");
    const payload = payloadSchema.safeParse(message.payload);
    if (!payload.success) return { outcome: "failed", reason: describeIssues("Bluesky", payload.error) };
    let external: { root: StrongRef; parent: StrongRef } | null = null;
    if (message.purpose === "reply") {
      if (!message.replyTo) return missingComplaint("Bluesky");
      const answered = await complaintRefs(ctx, message.replyTo);
      if (isNotSent(answered)) return answered;
      external = answered;
    } else if (message.thread) {
      const root = parseRemoteId(message.thread.root);
      const parent = parseRemoteId(message.thread.parent);
      if (!root || !parent) {
        return {
          outcome: "failed",
          reason: "The earlier Bluesky post of this incident has no uri and cid to answer.",
        };
      }
      external = { root, parent };
    }
    return postThread({
      message,
      parts: payload.data.parts,
      firstTarget: external ? remoteIdOf(external.parent) : null,
      post: async ({ part, index, answer, posted, beforeDispatch }) => {
        const parent = answer ? parseRemoteId(answer) : null;
        const root = external?.root ?? (posted[0] ? parseRemoteId(posted[0].remoteId) : null) ?? parent;
        const record = {
          $type: COLLECTION,
          text: part.text,
          createdAt: new Date().toISOString(),
          ...(part.facets?.length ? { facets: part.facets } : {}),
          ...(parent && root ? { reply: { root, parent } } : {}),
        };
        return createPost(ctx, recordKeyFor(message.idempotencyKey, index), record, part, beforeDispatch);
      },
    });
  },

  async test(ctx) {
    sessions.delete(sessionKey(ctx));
    const session = await signIn(ctx);
    if (isNotSent(session)) return { ok: false, message: session.reason };
    return { ok: true, message: `Signed in as @${session.handle} (${session.did}) on Bluesky.` };
  },
};

async function createPost(
  ctx: Ctx,
  rkey: string,
  record: Record<string, unknown>,
  part: Part,
  beforeDispatch: () => Promise<void>,
): Promise<PostedPart | NotSent> {
  const created = await withSession(ctx, (s) => ({
    call: {
      method: "POST",
      url: xrpc(ctx, "com.atproto.repo.createRecord"),
      json: { repo: s.did, collection: COLLECTION, rkey, record },
    },
    beforeDispatch,
  }));
  if (isNotSent(created)) return created;
  const { session, result } = created;
  if (result.ok) {
    const ref = strongRef(result.body);
    if (ref) return postedPart(ref);
    return existing(ctx, session, rkey, part, {
      outcome: "retry",
      reason: "The PDS answered without the new record; reading it back on the next try.",
    });
  }
  const status = result.response?.status ?? 0;
  const named = `${stringField(result.response?.body, "error") ?? ""} ${stringField(result.response?.body, "message") ?? ""}`;
  if (
    status >= 500 ||
    status === 409 ||
    (status === 400 && /already exists|RecordExists|AlreadyExists/i.test(named))
  ) {
    return existing(ctx, session, rkey, part, result.outcome);
  }
  return result.outcome;
}

/** After a create that may have clashed with an earlier attempt's record: read the key back. */
async function existing(
  ctx: Ctx,
  session: Session,
  rkey: string,
  part: Part,
  otherwise: NotSent,
): Promise<PostedPart | NotSent> {
  const read = await getRecord(ctx, session.did, COLLECTION, rkey);
  if (!read || isNotSent(read)) return otherwise;
  if (stringField(read.value, "text") !== part.text) {
    return {
      outcome: "failed",
      reason: `The record key ${rkey} already holds a different post on this account; nothing was posted.`,
    };
  }
  return postedPart(read.ref);
}

function postedPart(ref: StrongRef): PostedPart {
  const [, did, , rkey] = ref.uri.match(/^at:\/\/([^/]+)\/([^/]+)\/([^/]+)$/) ?? [];
  return {
    remoteId: remoteIdOf(ref),
    remoteUrl: did && rkey ? `https://bsky.app/profile/${did}/post/${rkey}` : null,
  };
}

/** The record at repo/collection/rkey; null when the PDS says it does not exist. */
async function getRecord(
  ctx: Ctx,
  repo: string,
  collection: string,
  rkey: string,
): Promise<{ ref: StrongRef; value: unknown } | NotSent | null> {
  const query = new URLSearchParams({ repo, collection, rkey });
  const read = await withSession(ctx, () => ({
    call: { method: "GET", url: `${xrpc(ctx, "com.atproto.repo.getRecord")}?${query}` },
  }));
  if (isNotSent(read)) return read;
  const { result } = read;
  if (!result.ok)
    return stringField(result.response?.body, "error") === "RecordNotFound" ? null : result.outcome;
  const ref = strongRef(result.body);
  return ref ? { ref, value: asRecord(result.body)?.value } : null;
}

/** The complaint's post (the parent) and the root of its thread, read from its record. */
async function complaintRefs(
  ctx: Ctx,
  complaint: ComplaintRef,
): Promise<{ root: StrongRef; parent: StrongRef } | NotSent> {
  const target = [complaint.externalId, complaint.url]
    .map((v) => (v ? parsePostAddress(v) : null))
    .find((v) => v !== null);
  if (!target)
    return { outcome: "failed", reason: "The complaint has no Bluesky post address (at:// uri) to answer." };
  const read = await getRecord(ctx, target.repo, target.collection, target.rkey);
  if (read === null)
    return { outcome: "failed", reason: "The Bluesky post being answered no longer exists." };
  if (isNotSent(read)) return read;
  const root = strongRef(asRecord(asRecord(read.value)?.reply)?.root) ?? read.ref;
  return { root, parent: read.ref };
}

function parsePostAddress(value: string): { repo: string; collection: string; rkey: string } | null {
  const at = value.match(/^at:\/\/([^/]+)\/([^/]+)\/([^/?#]+)$/);
  if (at) return { repo: at[1], collection: at[2], rkey: at[3] };
  const web = value.match(/^https:\/\/bsky\.app\/profile\/([^/]+)\/post\/([^/?#]+)/);
  return web ? { repo: web[1], collection: COLLECTION, rkey: web[2] } : null;
}

function strongRef(value: unknown): StrongRef | null {
  const uri = stringField(value, "uri");
  const cid = stringField(value, "cid");
  return uri?.startsWith("at://") && cid ? { uri, cid } : null;
}

function remoteIdOf(ref: StrongRef): string {
  return `${ref.uri} ${ref.cid}`;
}

export function parseRemoteId(remoteId: string): StrongRef | null {
  const [uri, cid, extra] = remoteId.trim().split(/\s+/);
  return uri?.startsWith("at://") && cid && !extra ? { uri, cid } : null;
}

const TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz";
const TID_EPOCH_US = BigInt(Date.UTC(2023, 0, 1)) * 1000n;

/**
 * The record key of part `index` of a delivery: a valid TID (atproto.com/specs/tid — 13 base32-sortable
 * characters of a 64-bit integer whose top bit is 0: 53 bits of microseconds, 10 of clock id), derived
 * from a hash so every attempt of the same part writes the same key. The time falls in 2023–2027 so
 * the key sorts like an ordinary post's.
 */
export function recordKeyFor(idempotencyKey: string, index: number): string {
  const hash = createHash("sha256").update(`${idempotencyKey}\u0000${index}`).digest();
  const micros = TID_EPOCH_US + (hash.readBigUInt64BE(0) & ((1n << 47n) - 1n));
  const clockId = BigInt(hash.readUInt16BE(8) & 0x3ff);
  let value = (micros << 10n) | clockId;
  let key = "";
  for (let i = 0; i < 13; i++) {
    key = TID_ALPHABET[Number(value & 31n)] + key;
    value >>= 5n;
  }
  return key;
}

function xrpc(ctx: Ctx, method: string): string {
  return `${ctx.config.baseUrl}/xrpc/${method}`;
}

function request(ctx: Ctx, call: HttpCall, beforeDispatch?: () => Promise<void>): Promise<HttpResult> {
  return callRemote(call, {
    fetch: ctx.fetch,
    timeoutMs: ctx.timeoutMs,
    // Reads and sign-ins are safe to repeat; posts use a chosen record key.
    idempotent: true,
    beforeDispatch,
    describeError: (_status, body) => stringField(body, "message") ?? stringField(body, "error"),
    rateLimitDelayMs: (headers) => epochSecondsDelay(headers, "ratelimit-reset"),
  });
}

function sessionKey(ctx: Ctx): string {
  const secret = createHash("sha256").update(ctx.credentials.appPassword).digest("hex");
  return `${ctx.config.baseUrl}\n${ctx.config.handle.toLowerCase()}\n${secret}`;
}

/** `com.atproto.server.createSession` with the handle and app password. */
async function signIn(ctx: Ctx): Promise<Session | NotSent> {
  const result = await request(ctx, {
    method: "POST",
    url: xrpc(ctx, "com.atproto.server.createSession"),
    json: { identifier: ctx.config.handle, password: ctx.credentials.appPassword },
  });
  return keepSession(ctx, result);
}

function keepSession(ctx: Ctx, result: HttpResult): Session | NotSent {
  if (!result.ok) return result.outcome;
  const body = result.body;
  const session = {
    accessJwt: stringField(body, "accessJwt") ?? "",
    refreshJwt: stringField(body, "refreshJwt") ?? "",
    did: stringField(body, "did") ?? "",
    handle: stringField(body, "handle") ?? ctx.config.handle,
  };
  if (!session.accessJwt || !session.did)
    return { outcome: "retry", reason: "The PDS answered the sign-in without a session." };
  sessions.set(sessionKey(ctx), session);
  return session;
}

/** `com.atproto.server.refreshSession`, falling back to signing in again when the refresh token is spent. */
async function refresh(ctx: Ctx, session: Session): Promise<Session | NotSent> {
  const result = await request(ctx, {
    method: "POST",
    url: xrpc(ctx, "com.atproto.server.refreshSession"),
    headers: { authorization: `Bearer ${session.refreshJwt}` },
  });
  if (result.ok) return keepSession(ctx, result);
  sessions.delete(sessionKey(ctx));
  return signIn(ctx);
}

/** Run an authenticated call with the cached session; on ExpiredToken refresh once and run it again. */
async function withSession(
  ctx: Ctx,
  build: (s: Session) => { call: HttpCall; beforeDispatch?: () => Promise<void> },
): Promise<{ session: Session; result: HttpResult } | NotSent> {
  const cached = sessions.get(sessionKey(ctx)) ?? (await signIn(ctx));
  if (isNotSent(cached)) return cached;
  let session: Session = cached;
  for (let attempt = 0; ; attempt++) {
    const { call, beforeDispatch } = build(session);
    const result = await request(
      ctx,
      { ...call, headers: { ...call.headers, authorization: `Bearer ${session.accessJwt}` } },
      beforeDispatch,
    );
    const error = result.ok ? null : stringField(result.response?.body, "error");
    if (attempt > 0 || (error !== "ExpiredToken" && error !== "InvalidToken")) return { session, result };
    const renewed: Session | NotSent =
      error === "ExpiredToken" ? await refresh(ctx, session) : await signIn(ctx);
    if (isNotSent(renewed)) return renewed;
    session = renewed;
  }
}
