import { describe, isObject, type MapContext, type MapSink } from "./shared";

/**
 * `complaint`: the payload is the complaint record contract itself, one record or an array of them.
 * `source` is always set to the configured source name (a webhook must not write into another
 * source's externalId space); every other field is passed through for validation.
 */
export function mapComplaint(payload: unknown, ctx: MapContext, sink: MapSink): void {
  const items = Array.isArray(payload) ? payload : [payload];
  items.forEach((item, index) => {
    if (!isObject(item)) {
      sink.error(index, `expected a complaint record object, got ${describe(item)}`);
      return;
    }
    sink.record(index, { ...item, source: ctx.source });
  });
}
