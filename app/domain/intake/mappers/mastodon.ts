import { htmlToText } from "../html-text";
import {
  compact,
  count,
  describe,
  id,
  isObject,
  isoDate,
  type Json,
  type MapContext,
  type MapSink,
  text,
} from "./shared";

const STATUS_EVENTS = new Set(["status.created", "status.updated"]);

/**
 * `mastodon`: a Status entity, an array of them (a timeline page), or the admin webhook wrapper
 * `{ event: "status.created" | "status.updated", created_at, object: Status }`. Other webhook events
 * (account.*, report.*) are ignored.
 *
 * - externalId = status `id`; createdAt = created_at; url = `url`, else `uri` (reblogs have no url).
 * - text = `spoiler_text` (the content warning, which usually says what the post is about), a blank
 *   line, then `content` converted from HTML to plain text. A status with no text (media only) is
 *   ignored.
 * - author = the status's `account`: handle `@acct` (`@user@server` for remote accounts), name =
 *   display_name, followers = followers_count.
 * - A reblog is amplification: `repostOf` = `reblog.id` and the text is the reblogged status's; the
 *   author stays the account that reblogged. A quote post (Mastodon 4.5 `quote`, with the quoted
 *   status or its id, when accepted) is amplification too: `repostOf` = the quoted status id, text =
 *   the quoting post's own.
 */
export function mapMastodon(payload: unknown, ctx: MapContext, sink: MapSink): void {
  if (Array.isArray(payload)) {
    for (const [index, status] of payload.entries()) mapStatus(status, index, `[${index}]`, ctx, sink);
    return;
  }
  if (isObject(payload) && typeof payload.event === "string") {
    if (!STATUS_EVENTS.has(payload.event)) {
      sink.ignore();
      return;
    }
    mapStatus(payload.object, 0, "object", ctx, sink);
    return;
  }
  mapStatus(payload, 0, "status", ctx, sink);
}

function mapStatus(status: unknown, index: number, where: string, ctx: MapContext, sink: MapSink) {
  if (!isObject(status)) {
    sink.error(index, `${where}: expected a Mastodon status object, got ${describe(status)}`);
    return;
  }
  const statusId = id(status.id);
  if (!statusId) {
    sink.error(index, `${where}: status has no id`);
    return;
  }
  const reblog = isObject(status.reblog) ? status.reblog : undefined;
  const shown = reblog ?? status;
  if (typeof shown.content !== "string") {
    sink.error(index, `${where}: status ${statusId} has no HTML content`);
    return;
  }
  const words = [text(shown.spoiler_text), text(htmlToText(shown.content))].filter(Boolean).join("\n\n");
  if (!words) {
    sink.ignore();
    return;
  }
  const account = isObject(status.account) ? status.account : undefined;
  const acct = text(account?.acct);
  sink.record(
    index,
    compact({
      source: ctx.source,
      externalId: statusId,
      text: words,
      createdAt: isoDate(status.created_at),
      author: {
        handle: acct ? `@${acct.replace(/^@/, "")}` : undefined,
        name: text(account?.display_name) ?? text(account?.username),
        followers: count(account?.followers_count),
      },
      url: text(status.url) ?? text(status.uri),
      repostOf: reblog ? id(reblog.id) : quotedId(status.quote),
    }),
  );
}

/** The quoted status id of a Quote (`quoted_status`) or ShallowQuote (`quoted_status_id`). */
function quotedId(quote: unknown): string | undefined {
  if (!isObject(quote) || quote.state !== "accepted") return undefined;
  const quoted = isObject(quote.quoted_status) ? (quote.quoted_status as Json) : undefined;
  return id(quoted?.id) ?? id(quote.quoted_status_id);
}
