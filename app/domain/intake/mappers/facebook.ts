import {
  asArray,
  compact,
  describe,
  id,
  isObject,
  isoDate,
  type Json,
  type MapContext,
  type MapSink,
  text,
} from "./shared";

/** Feed items that carry someone's words; likes, reactions and the like are not complaints. */
const WORD_ITEMS = new Set(["post", "status", "comment", "photo", "video", "share"]);

/**
 * `facebook`: a Page webhook `{ object: "page", entry: [{ id, time, changes: [{ field, value }] }] }`.
 *
 * Every change is one item (its index counts changes across all entries, in order). Only `feed`
 * changes with `verb: "add"` of an item that carries words (post, status, comment, photo, video,
 * share) and a non-empty `message` become complaints; edits, removals, hides, reactions, likes, other
 * fields and Messenger `messaging` events are ignored.
 *
 * externalId = `comment_id` for comments, else `post_id`; createdAt = `created_time` (unix seconds in
 * webhooks; an ISO string is accepted), else the entry's `time`; author name = `from.name` (Page
 * webhooks carry no follower count or handle); url = `post.permalink_url` when the change includes it
 * (for posts only: a comment has no permalink of its own in the payload).
 */
export function mapFacebook(payload: unknown, ctx: MapContext, sink: MapSink): void {
  if (!isObject(payload) || payload.object !== "page" || !Array.isArray(payload.entry)) {
    sink.error(
      0,
      `expected a Facebook Page webhook { object: "page", entry: [...] }, got ${describe(payload)}`,
    );
    return;
  }
  let index = 0;
  for (const [e, entry] of payload.entry.entries()) {
    if (!isObject(entry)) {
      sink.error(index++, `entry[${e}]: expected an object, got ${describe(entry)}`);
      continue;
    }
    sink.ignore(asArray(entry.messaging).length);
    for (const [c, change] of asArray(entry.changes).entries()) {
      mapChange(change, entry, index++, `entry[${e}].changes[${c}]`, ctx, sink);
    }
  }
}

function mapChange(change: unknown, entry: Json, i: number, where: string, ctx: MapContext, sink: MapSink) {
  if (!isObject(change)) return sink.error(i, `${where}: expected an object, got ${describe(change)}`);
  if (change.field !== "feed") return sink.ignore();
  const value = change.value;
  if (!isObject(value)) return sink.error(i, `${where}: feed change without a value object`);
  if (value.verb !== "add" || typeof value.item !== "string" || !WORD_ITEMS.has(value.item))
    return sink.ignore();
  const message = typeof value.message === "string" ? text(value.message) : undefined;
  if (!message) return sink.ignore(); // a photo or share without words
  const isComment = value.item === "comment";
  const externalId = isComment ? id(value.comment_id) : id(value.post_id);
  if (!externalId)
    return sink.error(i, `${where}: ${value.item} without ${isComment ? "comment_id" : "post_id"}`);
  const from = isObject(value.from) ? value.from : undefined;
  const post = isObject(value.post) ? value.post : undefined;
  sink.record(
    i,
    compact({
      source: ctx.source,
      externalId,
      text: message,
      createdAt: isoDate(value.created_time) ?? isoDate(entry.time),
      author: { name: text(from?.name) },
      url: isComment ? undefined : text(post?.permalink_url),
    }),
  );
}
