import type { IncidentScript } from "./incidents";
import { US_REGION_CODES } from "./regions";
import { DEFAULT_COMPANY } from "./types";

/**
 * Scripted incidents for the demo and the detection evaluation. Each preset takes `at`, the epoch ms at
 * which its action starts (for `mixed-fortnight`, the start of the fortnight), and names US state codes,
 * so it is simulated with `US_SIM_REGIONS`. Peaks are sized against the demo's background rate
 * (`DEMO_BASE_RATE_PER_DAY`, ~1,500 complaints/day nationwide); against a much higher base rate they are
 * proportionally harder to see.
 */
export const DEMO_BASE_RATE_PER_DAY = 1500;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const WESTERN_STATES = ["CA", "NV", "OR", "AZ"];
export const SOUTH_CENTRAL_STATES = ["TX", "OK", "LA"];

const WESTERN_OUTAGE_PHRASING = [
  "[Power|power] just went out[ in {city}|]. [Whole neighborhood|whole block|Everyone on {street}] is dark",
  "[massive|huge|MASSIVE] [power outage|blackout] [in {city}|{place}]?? [traffic lights are out|even the stoplights are out|]",
  "is the whole [west coast|state] out?? [no power in {city}|{city} is dark]",
  "{at} [power out|no power|outage] [at my place|in {city}|on {street}], [any ETA?|what happened?|how long?]",
  "lights just went out [mid dinner|mid meeting|during the game][ in {city}|] ⚡",
  "[no power|power's out] and [my phone is at 10%|the AC just died|it's getting hot in here]",
  "[everything|Everything] went dark [in {city}|here] at once. [transformer?|grid failure?|Was that an explosion?]",
  "[Power outage|power outage] {place} - [the whole area|all of {city}|half the city] is out",
  "[internet|wifi] AND power [both |]down[ in {city}|]. [what is going on|great]",
];

const DOUBLE_BILLING_PHRASING = [
  "[charged|Charged] twice for my {month} bill?? [{amt} x2|two charges of {amt}]",
  "{at} autopay [hit|charged] my account twice today. [Please refund|Now I have overdraft fees|Fix this]",
  "[double-billed|double billed|DOUBLE BILLED] [this month|again] by {co}[, anyone else?|]",
  "bank shows two {co} payments [of {amt}|] [today|this morning]. [what is going on|is this a glitch?]",
  "[anyone else|Anyone else] get charged twice by {co} [today|this month]?",
  "Got charged {amt} two times [for the same bill|for {month}]. [Overdrafted because of it.|Need a refund ASAP.]",
];

const APP_LOGIN_PHRASING = [
  "[is|Is] the {co} app down? [can't log in|won't let me sign in|keeps saying something went wrong]",
  "{app} login [broken|not working] [for anyone else|since {time}]? error {code}",
  "can't sign in [to {app}|] at all. [reset my password twice|password reset emails not coming]",
  "{at} your [app|website] is down. [Error {code}|'Something went wrong'] on login",
  "[login|Login] page just spins. [tried wifi and data|cleared cache|reinstalled the app], nothing",
];

const SLOWDOWN_PHRASING = [
  "[internet|Internet] [crawling|so slow|barely working] tonight[ in {city}|]",
  "speed test {speed} [on a {plan} plan|paying for {plan}] [smh|🙃|]",
  "[everything|Everything] buffering[ since {time}|]. [is {co} having issues?|{at} what's going on?]",
  "[wifi|Wifi|connection] [in and out|dropping|laggy] all evening[, {place}|]",
  "can't even stream in {city} right now, [packet loss|latency] is insane",
];

const SMALL_OUTAGE_PHRASING = [
  "[power|Power] out [on {street}|in {city}] since {time}[, anyone else?|]",
  "no power [in {city}|{place}]. [Whole road is dark.|Just us?]",
  "{at} outage [in {city}|on {street}]? [lights out|no power] here",
];

/** A sharp multi-state power outage across the west, ramping to its peak in minutes. */
export function westernPowerOutage(at: number, id = "western-power-outage"): IncidentScript {
  return {
    id,
    topic: "outage",
    regions: [...WESTERN_STATES],
    start: at,
    rampMinutes: 8,
    plateauMinutes: 120,
    decayMinutes: 90,
    peakPerHour: 480,
    phrasing: WESTERN_OUTAGE_PHRASING,
    sources: {
      x: 0.34,
      facebook: 0.14,
      mastodon: 0.03,
      bluesky: 0.08,
      zendesk: 0.03,
      callcentre: 0.28,
      form: 0.1,
    },
    description: `Western power outage (${WESTERN_STATES.join(", ")})`,
  };
}

/** Customers double-billed nationwide: builds over six hours, holds, fades over the next working day. */
export function doubleBilling(at: number, id = "nationwide-double-billing"): IncidentScript {
  return {
    id,
    topic: "billing",
    regions: [...US_REGION_CODES],
    start: at,
    rampMinutes: 6 * 60,
    plateauMinutes: 4 * 60,
    decayMinutes: 8 * 60,
    peakPerHour: 90,
    phrasing: DOUBLE_BILLING_PHRASING,
    description: "Nationwide double billing, slow build-up",
  };
}

/** A tiny one-state outage: about a dozen complaints in Vermont. */
export function vermontSmallOutage(at: number, id = "vermont-small-outage"): IncidentScript {
  return {
    id,
    topic: "outage",
    regions: ["VT"],
    start: at,
    rampMinutes: 10,
    plateauMinutes: 40,
    decayMinutes: 30,
    peakPerHour: 12,
    phrasing: SMALL_OUTAGE_PHRASING,
    description: "Small outage in Vermont (~12 complaints)",
  };
}

/** The app and website refuse logins everywhere for a few hours. */
export function appLoginFailure(at: number, id = "nationwide-app-login"): IncidentScript {
  return {
    id,
    topic: "app-login",
    regions: [...US_REGION_CODES],
    start: at,
    rampMinutes: 15,
    plateauMinutes: 150,
    decayMinutes: 45,
    peakPerHour: 300,
    phrasing: APP_LOGIN_PHRASING,
    sources: {
      x: 0.35,
      facebook: 0.15,
      mastodon: 0.05,
      bluesky: 0.1,
      zendesk: 0.2,
      callcentre: 0.1,
      form: 0.05,
    },
    description: "Nationwide app and website login failure",
  };
}

/** Slow, intermittent service across Texas, Oklahoma and Louisiana for an evening. */
export function southCentralSlowdown(at: number, id = "south-central-slowdown"): IncidentScript {
  return {
    id,
    topic: "degraded",
    regions: [...SOUTH_CENTRAL_STATES],
    start: at,
    rampMinutes: 30,
    plateauMinutes: 180,
    decayMinutes: 60,
    peakPerHour: 110,
    phrasing: SLOWDOWN_PHRASING,
    description: `Regional slowdown (${SOUTH_CENTRAL_STATES.join(", ")})`,
  };
}

export const RETWEET_STORM_TEXT = `3 hours with no power in Brooklyn and ${DEFAULT_COMPANY.xHandle} hasn't said a single word. My neighbor is on oxygen. Is ANYONE out there?? #poweroutage #Brooklyn`;

/**
 * One post amplified hundreds of times in New York: not an incident (intake counts amplification once),
 * so detection must stay quiet.
 */
export function retweetStorm(at: number, id = "ny-retweet-storm"): IncidentScript {
  return {
    id,
    topic: "outage",
    regions: ["NY"],
    start: at,
    rampMinutes: 5,
    plateauMinutes: 40,
    decayMinutes: 120,
    peakPerHour: 0,
    amplification: {
      originalText: RETWEET_STORM_TEXT,
      reposts: 600,
      author: { handle: "@bklyn_bea", name: "Bea Okafor", followers: 48_200 },
    },
    description: "Retweet storm of one post (New York) — amplification, not an incident",
  };
}

/** The sources of an export from a social-listening tool plus a helpdesk (the outside tester's mix). */
export const IMPORTED_SOURCES = ["x", "mastodon", "zendesk"] as const;
const IMPORTED_MIX = { x: 0.6, mastodon: 0.15, zendesk: 0.25 };

/**
 * A week of eleven incidents of very different sizes, shaped like history exported from elsewhere and
 * imported after the fact (to follow four weeks of ordinary traffic): from ~2,100 complaints in five hours
 * across CA/NV/OR down to a couple of dozen in one state, in several topics, by day and by night, each
 * from X, Mastodon and helpdesk tickets only. `at` is the start (UTC midnight) of the incident week.
 */
export function importedHistoryWeek(at: number): IncidentScript[] {
  const incident = (
    id: string,
    topic: string,
    regions: string[],
    start: number,
    shape: [ramp: number, plateau: number, decay: number],
    peakPerHour: number,
    phrasing?: string[],
  ): IncidentScript => ({
    id,
    topic,
    regions,
    start,
    rampMinutes: shape[0],
    plateauMinutes: shape[1],
    decayMinutes: shape[2],
    peakPerHour,
    phrasing,
    sources: IMPORTED_MIX,
    description: `${id} (${regions.length > 6 ? "nationwide" : regions.join(", ")})`,
  });
  return [
    incident(
      "west-coast-outage",
      "outage",
      ["CA", "NV", "OR"],
      at + 2 * HOUR,
      [15, 210, 75],
      505,
      WESTERN_OUTAGE_PHRASING,
    ),
    incident(
      "michigan-outage",
      "outage",
      ["MI"],
      at + 1 * DAY + 13 * HOUR + 20 * MINUTE,
      [10, 90, 40],
      110,
      SMALL_OUTAGE_PHRASING,
    ),
    incident(
      "texas-billing",
      "billing",
      ["TX", "OK"],
      at + 1 * DAY + 16 * HOUR,
      [30, 150, 60],
      70,
      DOUBLE_BILLING_PHRASING,
    ),
    incident(
      "nationwide-app-login",
      "app-login",
      [...US_REGION_CODES],
      at + 2 * DAY + 14 * HOUR,
      [15, 100, 30],
      220,
      APP_LOGIN_PHRASING,
    ),
    incident(
      "northeast-slowdown",
      "degraded",
      ["NY", "NJ", "PA"],
      at + 3 * DAY + 23 * HOUR,
      [30, 150, 60],
      90,
      SLOWDOWN_PHRASING,
    ),
    incident("florida-safety", "safety", ["FL"], at + 4 * DAY + 15 * HOUR, [10, 50, 30], 36),
    incident(
      "colorado-outage",
      "outage",
      ["CO"],
      at + 4 * DAY + 20 * HOUR,
      [10, 40, 30],
      24,
      SMALL_OUTAGE_PHRASING,
    ),
    incident(
      "ohio-valley-outage",
      "outage",
      ["OH", "KY", "IN"],
      at + 5 * DAY + 12 * HOUR,
      [10, 120, 60],
      160,
      SMALL_OUTAGE_PHRASING,
    ),
    incident("illinois-support", "support", ["IL"], at + 5 * DAY + 17 * HOUR, [30, 120, 60], 45),
    incident(
      "pacific-northwest-slowdown",
      "degraded",
      ["WA", "OR"],
      at + 6 * DAY + 3 * HOUR,
      [20, 90, 40],
      60,
      SLOWDOWN_PHRASING,
    ),
    incident(
      "arizona-outage",
      "outage",
      ["AZ"],
      at + 6 * DAY + 18 * HOUR,
      [10, 40, 30],
      30,
      SMALL_OUTAGE_PHRASING,
    ),
  ];
}

/**
 * The presets by name. `plain-week` has no incidents (ordinary evening peaks and weekends only);
 * `mixed-fortnight` places every preset in turn over the two weeks after `at` (at local evenings and
 * mornings if `at` is a UTC midnight), leaving the last days plain.
 */
export const SCENARIOS: Record<string, (at: number) => IncidentScript[]> = {
  "western-power-outage": (at) => [westernPowerOutage(at)],
  "nationwide-double-billing": (at) => [doubleBilling(at)],
  "vermont-small-outage": (at) => [vermontSmallOutage(at)],
  "nationwide-app-login": (at) => [appLoginFailure(at)],
  "south-central-slowdown": (at) => [southCentralSlowdown(at)],
  "ny-retweet-storm": (at) => [retweetStorm(at)],
  "plain-week": () => [],
  "imported-history": (at) => importedHistoryWeek(at),
  "mixed-fortnight": (at) => [
    westernPowerOutage(at + 1 * DAY + 2 * HOUR),
    doubleBilling(at + 3 * DAY + 13 * HOUR),
    vermontSmallOutage(at + 5 * DAY + 23 * HOUR),
    appLoginFailure(at + 7 * DAY + 15 * HOUR),
    southCentralSlowdown(at + 9 * DAY + HOUR),
    retweetStorm(at + 11 * DAY + 22 * HOUR),
  ],
};

/**
 * What `npm start` plays: the western power outage starting three minutes after `startAt`, at its peak
 * eight minutes later. Simulate it over the weeks before `startAt` too, so detection has a baseline.
 */
export function demoScenario(startAt: number): IncidentScript[] {
  return [westernPowerOutage(startAt + 3 * MINUTE, "demo-western-power-outage")];
}
