/**
 * Region resolution for complaints — the public API (see resolve.ts for the method order, confidences
 * and rules; place.ts for place names in locations and text).
 */

export { Gazetteer, type Place } from "./gazetteer";
export { parsePostalCode, ZipDirectory, type ZipInfo } from "./postal";
export {
  buildRegionIndex,
  preloadRegionData,
  type RegionIndex,
  type RegionIndexOptions,
  type RegionInput,
  type RegionMethod,
  type RegionResolution,
  type RegionShape,
  resolveRegion,
} from "./resolve";
