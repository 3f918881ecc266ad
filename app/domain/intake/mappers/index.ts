import { parseComplaintRecord } from "../record";
import { mapBluesky } from "./bluesky";
import { mapComplaint } from "./complaint";
import { mapFacebook } from "./facebook";
import { mapMastodon } from "./mastodon";
import type { Json, MapContext, MapSink } from "./shared";
import { mapX } from "./x";
import { mapZendesk } from "./zendesk";

export type { MapContext } from "./shared";

/** Webhook payload shapes a source can be configured with (`source.mapping`). */
export const MAPPER_NAMES = ["complaint", "x", "mastodon", "bluesky", "facebook", "zendesk"] as const;
export type MapperName = (typeof MAPPER_NAMES)[number];

const MAPPERS: Record<MapperName, (payload: unknown, ctx: MapContext, sink: MapSink) => void> = {
  complaint: mapComplaint,
  x: mapX,
  mastodon: mapMastodon,
  bluesky: mapBluesky,
  facebook: mapFacebook,
  zendesk: mapZendesk,
};

export interface MapResult {
  /** Complaint record inputs, each of which passes `parseComplaintRecord`. */
  records: unknown[];
  /** For each record, the index of the payload item it came from (same order as `records`). */
  indices: number[];
  /**
   * Items that could not become a record: not the expected shape, or a record that fails validation
   * (the message then names the field, as `parseComplaintRecord` does). `index` is the item's ordinal
   * in the payload: the array index for a list of posts/statuses/tickets, 0 for a single object, the
   * running count of `changes` across entries for Facebook.
   */
  errors: { index: number; message: string }[];
  /** Events that are not complaints: deletes, likes, edits, media-only posts, other event types. */
  ignored: number;
}

export const isMapperName = (name: string): name is MapperName =>
  (MAPPER_NAMES as readonly string[]).includes(name);

/**
 * Turns one webhook payload into complaint record inputs. Never throws: junk becomes `errors`, and
 * good items in the same payload are kept. Every record gets `source` = `options.source`. Each mapped
 * record is validated here with `parseComplaintRecord`, so a record that would be rejected later is
 * reported now with its payload index; the records returned are the inputs (unknown fields intact),
 * ready for the same validation the other intake paths use.
 */
export function mapPayload(mapper: MapperName | string, payload: unknown, options: MapContext): MapResult {
  const result: MapResult = { records: [], indices: [], errors: [], ignored: 0 };
  if (!isMapperName(mapper)) {
    result.errors.push({ index: 0, message: `unknown payload mapper ${JSON.stringify(mapper)}` });
    return result;
  }
  const sink: MapSink = {
    record(index: number, record: Json) {
      const checked = parseComplaintRecord(record);
      if (checked.ok) {
        result.records.push(record);
        result.indices.push(index);
      } else {
        result.errors.push({ index, message: checked.message });
      }
    },
    error(index: number, message: string) {
      result.errors.push({ index, message });
    },
    ignore(count = 1) {
      result.ignored += count;
    },
  };
  try {
    MAPPERS[mapper](payload, options, sink);
  } catch (err) {
    // A mapper bug, not the sender's: keep what was mapped and say what happened.
    const at = result.indices.length + result.errors.length;
    result.errors.push({
      index: at,
      message: `could not map the payload: ${err instanceof Error ? err.message : String(err)}`,
    });
  }
  return result;
}
