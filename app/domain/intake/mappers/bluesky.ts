import {
  compact,
  count,
  describe,
  isObject,
  isoDate,
  type Json,
  type MapContext,
  type MapSink,
  text,
} from "./shared";

const POST = "app.bsky.feed.post";
const DID = /^did:[a-z]+:[A-Za-z0-9._:%-]+$/;
const RKEY = /^[A-Za-z0-9._:~-]{1,512}$/;

/**
 * `bluesky`: an `app.bsky.feed.post` record in one of these envelopes (or an array of them):
 *
 * - a Jetstream event `{ did, time_us, kind: "commit", commit: { operation, collection, rkey, record } }`:
 *   a create (or update) of a post is mapped; a delete, any other collection (likes, reposts, follows)
 *   and identity/account events are ignored;
 * - a post view or repo record `{ uri: "at://…", record | value, author?: { did, handle, displayName } }`;
 * - a bare record `{ $type: "app.bsky.feed.post", text, createdAt, … }` with the repo DID and record
 *   key passed alongside (`mapPayload(…, { source, did, rkey })`).
 *
 * externalId = `at://<did>/app.bsky.feed.post/<rkey>`, url = `https://bsky.app/profile/<did>/post/<rkey>`,
 * text = `text` (a post without text is ignored), createdAt = `createdAt`, else Jetstream's `time_us`.
 * The author handle is `@handle` when the envelope carries it, else the DID (Jetstream has only the
 * DID). A quote post — `embed` of type `app.bsky.embed.record`, or `app.bsky.embed.recordWithMedia` —
 * is amplification: `repostOf` = the quoted post's at:// URI (its externalId here). A plain repost is
 * an `app.bsky.feed.repost` record with no text of its own, so it is ignored like other collections.
 */
export function mapBluesky(payload: unknown, ctx: MapContext, sink: MapSink): void {
  if (Array.isArray(payload)) {
    for (const [index, item] of payload.entries()) mapOne(item, index, `[${index}]`, ctx, sink);
    return;
  }
  mapOne(payload, 0, "payload", ctx, sink);
}

function mapOne(item: unknown, index: number, where: string, ctx: MapContext, sink: MapSink) {
  if (!isObject(item)) {
    sink.error(index, `${where}: expected a Bluesky post or Jetstream event, got ${describe(item)}`);
    return;
  }
  // Jetstream
  if (typeof item.kind === "string") {
    if (item.kind !== "commit") return sink.ignore();
    const commit = item.commit;
    if (!isObject(commit)) return sink.error(index, `${where}: commit event without a commit object`);
    if (commit.collection !== POST) return sink.ignore();
    if (commit.operation === "delete") return sink.ignore();
    if (commit.operation !== "create" && commit.operation !== "update") {
      return sink.error(index, `${where}: unknown commit operation ${describe(commit.operation)}`);
    }
    return mapPost(
      commit.record,
      { did: item.did, rkey: commit.rkey, timeUs: item.time_us },
      index,
      where,
      ctx,
      sink,
    );
  }
  // Post view / getRecord output: { uri, record | value, author? }
  if (typeof item.uri === "string" && (isObject(item.record) || isObject(item.value))) {
    const parts = /^at:\/\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(item.uri);
    if (!parts || parts[2] !== POST)
      return sink.error(index, `${where}: ${JSON.stringify(item.uri)} is not a post URI`);
    const author = isObject(item.author) ? item.author : undefined;
    return mapPost(
      item.record ?? item.value,
      { did: parts[1], rkey: parts[3], author },
      index,
      where,
      ctx,
      sink,
    );
  }
  // Bare record with DID and rkey supplied alongside (in the item, or in the options)
  if (item.$type === POST) {
    return mapPost(item, { did: item.did ?? ctx.did, rkey: item.rkey ?? ctx.rkey }, index, where, ctx, sink);
  }
  if (typeof item.$type === "string") return sink.ignore(); // another record type (like, repost, follow)
  sink.error(index, `${where}: not a Bluesky post record, post view or Jetstream event`);
}

function mapPost(
  record: unknown,
  at: { did: unknown; rkey: unknown; timeUs?: unknown; author?: Json },
  index: number,
  where: string,
  ctx: MapContext,
  sink: MapSink,
) {
  if (!isObject(record)) return sink.error(index, `${where}: post record is ${describe(record)}`);
  if (record.$type !== undefined && record.$type !== POST) return sink.ignore();
  const did = typeof at.did === "string" && DID.test(at.did) ? at.did : undefined;
  if (!did) return sink.error(index, `${where}: ${missingOrInvalid("repo DID", at.did)}`);
  const rkey = typeof at.rkey === "string" && RKEY.test(at.rkey) ? at.rkey : undefined;
  if (!rkey) return sink.error(index, `${where}: ${missingOrInvalid("record key", at.rkey)}`);
  const words = typeof record.text === "string" ? text(record.text) : undefined;
  if (!words) return sink.ignore(); // image-only post: nothing to read
  const handle = text(at.author?.handle);
  sink.record(
    index,
    compact({
      source: ctx.source,
      externalId: `at://${did}/${POST}/${rkey}`,
      text: words,
      createdAt:
        isoDate(record.createdAt) ?? (typeof at.timeUs === "number" ? isoDate(at.timeUs) : undefined),
      author: {
        handle: handle ? `@${handle.replace(/^@/, "")}` : did,
        name: text(at.author?.displayName),
        followers: count(at.author?.followersCount),
      },
      url: `https://bsky.app/profile/${did}/post/${rkey}`,
      repostOf: quotedUri(record.embed),
    }),
  );
}

const missingOrInvalid = (what: string, v: unknown) =>
  v === undefined
    ? `the ${what} is missing (a bare record needs did and rkey alongside)`
    : `the ${what} is invalid: ${describe(v)}`;

/** The at:// URI of the post a quote post embeds (embedded lists and feeds are not amplification). */
function quotedUri(embed: unknown): string | undefined {
  if (!isObject(embed) || !isObject(embed.record)) return undefined;
  let ref: Json | undefined;
  if (embed.$type === "app.bsky.embed.record") ref = embed.record;
  else if (embed.$type === "app.bsky.embed.recordWithMedia" && isObject(embed.record.record))
    ref = embed.record.record;
  const uri = text(ref?.uri);
  return uri && /^at:\/\/[^/]+\/app\.bsky\.feed\.post\/[^/]+$/.test(uri) ? uri : undefined;
}
