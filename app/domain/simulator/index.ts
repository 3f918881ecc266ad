/**
 * Complaint traffic simulator: background traffic with scripted incidents on top, and their ground truth.
 * Feeds the live demo (`npm start`), `npm run cli -- simulate`, the detection evaluation and the intake
 * benchmark. Pure and deterministic: no I/O, no clock — time is an input, randomness comes from `seed`.
 *
 * ```ts
 * import { simulate, groundTruth, SCENARIOS, US_SIM_REGIONS } from "~/domain/simulator";
 * const incidents = SCENARIOS["western-power-outage"](Date.parse("2026-11-03T01:00:00Z"));
 * for (const record of simulate({ from, to, seed: 42, regions: US_SIM_REGIONS, baseRatePerDay: 1500, incidents })) {
 *   // record: a complaint record (parseComplaintRecord accepts it) + `_truth` (+ `repostOf` on reposts)
 * }
 * const truth = groundTruth(incidents, { from, to });
 * ```
 *
 * `simulate(options)` yields records in `createdAt` order (whole seconds, `Z`) for `from ≤ t < to`:
 * - **Background**: `baseRatePerDay` on average across all `regions`, split by population; shaped by each
 *   region's LOCAL day (quiet 1–5 a.m., a late-morning peak, the highest peak 7–9 p.m.) and week (weekends
 *   lower, with a later morning; Monday highest); overdispersed by Gamma multipliers (mean 1) per day
 *   nationally (cv 0.12), per day and region (cv 0.2) and per hour and region (cv 0.35) under the Poisson
 *   draw. Topics mostly support / billing / other / degraded, some outage, app-login, install, safety
 *   (`topics` restricts the mix). Sources x, facebook, mastodon, bluesky, zendesk, callcentre, form.
 * - **Incidents** (`IncidentScript`): extra complaints on a ramp / plateau / decay trapezoid peaking at
 *   `peakPerHour` across the script's regions (split by population); optional `amplification` of one
 *   X post (reposts carry `repostOf`, see incidents.ts).
 * - **Per source**: x — snowflake ids (decode to the record's time), `@handle`, followers, status URL;
 *   mastodon — numeric ids (ms << 16), `@user@instance`, instance URL; bluesky — `at://did:plc:…/
 *   app.bsky.feed.post/<TID rkey>` ids, `@name.bsky.social`, bsky.app URL; facebook — `<post>_<comment>`
 *   ids, names only; zendesk — numeric ticket ids, "subject\n\nbody", requester name, no followers, agent
 *   URL; callcentre — `CC-YYYYMMDD-…` ids, terse agent notes ("Cust reports no power since 6am, Elm St.
 *   Advised ETR 4pm."), caller name, often a ZIP; form — UUID ids, usually a ZIP, sometimes a city / geo.
 * - **Where**: real cities per state (places.ts). Some social posts are geotagged (jittered ≤ ~2 km
 *   around a real city), many profiles say "Fresno, CA" / "Bay Area" / "somewhere cold" (and ~4% of
 *   city profiles name a city in another state: people move), tickets / calls / forms carry ZIPs, and
 *   many records carry nothing. Texts name places too ("in Reno", "#Sacramento", "Springfield, IL").
 * - **Labels**: `_truth: { topic, region, incidentId | null, amplification }` on every record unless
 *   `labels: false` — the region the author is really in, whatever the record says. Intake keeps unknown
 *   fields in the raw payload, so strip `_truth` before importing if it must not be stored. `repostOf`
 *   is not a label: it is what a real repost carries, and stays.
 * - **Windows**: time is generated in 5-minute slices aligned to the epoch, each from the seed and its
 *   own index, so any window equals the same part of a larger one; background records do not change when
 *   incidents are added (separate id spaces), and `(source, externalId)` is unique.
 *
 * `groundTruth(incidents, window?)` → `{ id, topic, regions, start, end, kind, expectedComplaints }[]`
 * (ms; `kind` "incident" should alert, "amplification" should not).
 * `SCENARIOS[name](at)` → the evaluation presets; `demoScenario(startAt)` → the demo's western outage,
 * three minutes after `startAt`.
 */
export {
  expectedComplaints,
  type GroundTruth,
  groundTruth,
  type IncidentScript,
  incidentEnd,
  intensity,
} from "./incidents";
export { CITIES, type City } from "./places";
export { US_REGION_CODES, US_SIM_REGIONS } from "./regions";
export {
  appLoginFailure,
  DEMO_BASE_RATE_PER_DAY,
  demoScenario,
  doubleBilling,
  IMPORTED_SOURCES,
  importedHistoryWeek,
  RETWEET_STORM_TEXT,
  retweetStorm,
  SCENARIOS,
  southCentralSlowdown,
  vermontSmallOutage,
  westernPowerOutage,
} from "./scenarios";
export { expectedRecords, type SimulateOptions, simulate } from "./simulate";
export { SLOTS } from "./text";
export {
  type CompanyProfile,
  DEFAULT_COMPANY,
  type SimRecord,
  type SimRegion,
  SOURCES,
  type SourceName,
  TOPICS,
  type TopicSlug,
  type TruthLabel,
} from "./types";
