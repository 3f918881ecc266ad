/**
 * Region resolution for complaints — the public API (see resolve.ts for the method order, confidences
 * and rules; place.ts for place names in locations and text).
 */

export {
  DISAMBIGUATE_DEFAULTS,
  type Disambiguated,
  disambiguate,
  type PlacementContext,
} from "./disambiguate";
export { Gazetteer, type Place } from "./gazetteer";
export { parsePostalCode, ZipDirectory, type ZipInfo } from "./postal";
export {
  buildRegionIndex,
  preloadRegionData,
  type RegionCandidate,
  type RegionIndex,
  type RegionIndexOptions,
  type RegionInput,
  type RegionMethod,
  type RegionResolution,
  type RegionShape,
  resolveRegion,
} from "./resolve";
