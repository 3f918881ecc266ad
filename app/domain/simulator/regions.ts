import { US_STATES } from "~db/reference/us-states";
import type { SimRegion } from "./types";

/** The default regions (50 states + DC) as the simulator needs them: 2020 population, main time zone. */
export const US_SIM_REGIONS: SimRegion[] = US_STATES.map((s) => ({
  code: s.code,
  name: s.name,
  population: s.population,
  timeZone: s.timeZones[0],
}));

export const US_REGION_CODES: string[] = US_SIM_REGIONS.map((r) => r.code);
