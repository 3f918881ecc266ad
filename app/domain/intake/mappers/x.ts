import {
  asArray,
  compact,
  count,
  describe,
  finiteNumber,
  id,
  isObject,
  isoDate,
  type Json,
  type MapContext,
  type MapSink,
  text,
} from "./shared";

/** Place types small enough for their bounding-box centre to stand for where the post was made. */
const LOCAL_PLACE_TYPES = new Set(["poi", "neighborhood", "city"]);
/** Without a place_type, a bbox smaller than this (degrees, each side) counts as local. */
const MAX_LOCAL_BBOX_DEGREES = 1.5;

/**
 * `x`: an X API v2 response or filtered-stream message — `{ data: Post | Post[], includes: { users,
 * places, tweets } }` (fields requested with `expansions=author_id,geo.place_id,referenced_tweets.id`).
 *
 * - externalId = post id; text = `note_tweet.text` for long posts, else `text`; createdAt = created_at.
 * - author from `includes.users` (by author_id): handle `@username`, name, followers =
 *   public_metrics.followers_count.
 * - A retweet or quote (`referenced_tweets` type "retweeted" / "quoted") is amplification: `repostOf`
 *   = the referenced post id. A retweet's own text is a truncated "RT @…:" copy, so the original's
 *   text is used when `includes.tweets` has it. A reply ("replied_to") is a post in its own right.
 * - Location: `geo.coordinates` (GeoJSON Point, [lon, lat]) gives lat/lon; `geo.place_id` looks up
 *   `includes.places`: `full_name` becomes `location`, and the centre of `geo.bbox` ([west, south,
 *   east, north]) becomes lat/lon only for a city-sized place (poi / neighborhood / city, or a bbox
 *   under 1.5° when the type is missing) — the centre of a state or a country is not where anyone is.
 *   Without a place, the author's profile `location` text is used as `location`.
 * - url = https://x.com/<username>/status/<id> (https://x.com/i/web/status/<id> without the user).
 */
export function mapX(payload: unknown, ctx: MapContext, sink: MapSink): void {
  if (!isObject(payload) || !("data" in payload)) {
    sink.error(
      0,
      `expected an X API v2 payload { data, includes }, got ${describe(payload)}${isObject(payload) ? " without data" : ""}`,
    );
    return;
  }
  const includes = isObject(payload.includes) ? payload.includes : {};
  const users = byId(includes.users);
  const places = byId(includes.places);
  const tweets = byId(includes.tweets);
  const posts = Array.isArray(payload.data) ? payload.data : [payload.data];
  posts.forEach((post, index) => {
    const where = Array.isArray(payload.data) ? `data[${index}]` : "data";
    if (!isObject(post)) {
      sink.error(index, `${where}: expected a post object, got ${describe(post)}`);
      return;
    }
    const postId = id(post.id);
    if (!postId) {
      sink.error(index, `${where}: post has no id`);
      return;
    }
    const refs = asArray(post.referenced_tweets).filter(isObject);
    const retweeted = refs.find((r) => r.type === "retweeted");
    const quoted = refs.find((r) => r.type === "quoted");
    const original = retweeted ? tweets.get(id(retweeted.id) ?? "") : undefined;
    const words = postText(original) ?? postText(post);
    if (!words) {
      sink.error(index, `${where}: post ${postId} has no text`);
      return;
    }
    const user = users.get(id(post.author_id) ?? "");
    const username = text(user?.username);
    const geo = isObject(post.geo) ? post.geo : undefined;
    const place = places.get(id(geo?.place_id) ?? "");
    const point = pointOf(geo?.coordinates) ?? (place ? localCentre(place) : undefined);
    const metrics = isObject(user?.public_metrics) ? user.public_metrics : undefined;
    sink.record(
      index,
      compact({
        source: ctx.source,
        externalId: postId,
        text: words,
        createdAt: isoDate(post.created_at),
        author: {
          handle: username ? `@${username}` : undefined,
          name: text(user?.name),
          followers: count(metrics?.followers_count),
        },
        lat: point?.lat,
        lon: point?.lon,
        location: text(place?.full_name) ?? text(user?.location),
        url: username ? `https://x.com/${username}/status/${postId}` : `https://x.com/i/web/status/${postId}`,
        repostOf: id(retweeted?.id) ?? id(quoted?.id),
      }),
    );
  });
}

function byId(list: unknown): Map<string, Json> {
  const map = new Map<string, Json>();
  for (const item of asArray(list)) {
    const key = isObject(item) ? id(item.id) : undefined;
    if (key && isObject(item)) map.set(key, item);
  }
  return map;
}

function postText(post: Json | undefined): string | undefined {
  if (!post) return undefined;
  const note = isObject(post.note_tweet) ? text(post.note_tweet.text) : undefined;
  return note ?? (typeof post.text === "string" ? text(post.text) : undefined);
}

/** A GeoJSON Point `{ type: "Point", coordinates: [lon, lat] }`. */
function pointOf(v: unknown): { lat: number; lon: number } | undefined {
  if (!isObject(v) || (v.type !== undefined && v.type !== "Point") || !Array.isArray(v.coordinates))
    return undefined;
  const [lon, lat] = v.coordinates.map(finiteNumber);
  if (lat === undefined || lon === undefined) return undefined;
  return { lat, lon };
}

/** The place's own Point geometry when it has one, else its bbox centre if the place is local. */
function localCentre(place: Json): { lat: number; lon: number } | undefined {
  const geo = isObject(place.geo) ? place.geo : undefined;
  const exact = pointOf(geo?.geometry);
  if (exact) return exact;
  const bbox = asArray(geo?.bbox).map(finiteNumber);
  if (bbox.length !== 4 || bbox.some((n) => n === undefined)) return undefined;
  const [west, south, east, north] = bbox as number[];
  const type = typeof place.place_type === "string" ? place.place_type : undefined;
  const local = type
    ? LOCAL_PLACE_TYPES.has(type)
    : Math.abs(east - west) <= MAX_LOCAL_BBOX_DEGREES && Math.abs(north - south) <= MAX_LOCAL_BBOX_DEGREES;
  if (!local) return undefined;
  return { lat: round((south + north) / 2), lon: round((west + east) / 2) };
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;
