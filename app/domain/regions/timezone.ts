/**
 * Time zones as weak evidence of where a complaint comes from.
 *
 * - `zoneGroup` puts a US IANA zone (or a legacy alias, or one of the Rails-style names the old X/Twitter
 *   API reported, "Pacific Time (US & Canada)") in its civil-time group: E, C, M, P, AK, HA (Hawaii–
 *   Aleutian), AST (Puerto Rico, USVI), CH (Guam, N. Marianas), SST (American Samoa).
 * - `STATE_GROUPS` lists the groups each state has many people in (FL is E and C; TX is C and M...). Place
 *   recognition uses it to drop candidates that cannot match a zone ("Portland" + America/New_York →
 *   Portland, ME).
 * - `SINGLE_STATE_ZONES` maps the zones that identify one state (America/Phoenix → AZ, America/Boise → ID,
 *   America/Detroit → MI, the Indiana/Kentucky/North Dakota zones, Alaska's and Hawaii's). America/Boise
 *   also covers Malheur County, Oregon (~30k people, against Idaho's ~1.5M on Mountain time): we accept
 *   that error at the low confidence the time-zone method carries.
 */

export type ZoneGroup = "E" | "C" | "M" | "P" | "AK" | "HA" | "AST" | "CH" | "SST";

const GROUP_ZONES: Record<ZoneGroup, string> = {
  E: `America/New_York America/Detroit America/Kentucky/Louisville America/Kentucky/Monticello
    America/Indiana/Indianapolis America/Indiana/Vincennes America/Indiana/Winamac America/Indiana/Marengo
    America/Indiana/Petersburg America/Indiana/Vevay US/Eastern US/Michigan US/East-Indiana
    America/Fort_Wayne America/Indianapolis America/Louisville EST5EDT`,
  C: `America/Chicago America/Indiana/Tell_City America/Indiana/Knox America/Menominee
    America/North_Dakota/Center America/North_Dakota/New_Salem America/North_Dakota/Beulah US/Central
    America/Knox_IN US/Indiana-Starke CST6CDT`,
  M: "America/Denver America/Boise America/Phoenix US/Mountain US/Arizona America/Shiprock Navajo MST7MDT",
  P: "America/Los_Angeles US/Pacific PST8PDT",
  AK: `America/Anchorage America/Juneau America/Sitka America/Nome America/Yakutat America/Metlakatla
    US/Alaska`,
  HA: "Pacific/Honolulu America/Adak US/Hawaii US/Aleutian America/Atka HST",
  AST: "America/Puerto_Rico America/St_Thomas America/Virgin",
  CH: "Pacific/Guam Pacific/Saipan",
  SST: "Pacific/Pago_Pago Pacific/Samoa US/Samoa",
};

/** Rails / legacy X API zone names → IANA. */
const RAILS_NAMES: Record<string, string> = {
  "eastern time (us & canada)": "America/New_York",
  "central time (us & canada)": "America/Chicago",
  "mountain time (us & canada)": "America/Denver",
  "pacific time (us & canada)": "America/Los_Angeles",
  "indiana (east)": "America/Indiana/Indianapolis",
  arizona: "America/Phoenix",
  alaska: "America/Juneau",
  hawaii: "Pacific/Honolulu",
};

/** Legacy aliases → the canonical zone that regions list. */
const CANONICAL: Record<string, string> = {
  "US/Eastern": "America/New_York",
  EST5EDT: "America/New_York",
  "US/Central": "America/Chicago",
  CST6CDT: "America/Chicago",
  "US/Mountain": "America/Denver",
  MST7MDT: "America/Denver",
  Navajo: "America/Denver",
  "America/Shiprock": "America/Denver",
  "US/Arizona": "America/Phoenix",
  "US/Pacific": "America/Los_Angeles",
  PST8PDT: "America/Los_Angeles",
  "US/Alaska": "America/Anchorage",
  "US/Hawaii": "Pacific/Honolulu",
  HST: "Pacific/Honolulu",
  "US/Aleutian": "America/Adak",
  "America/Atka": "America/Adak",
  "US/Michigan": "America/Detroit",
  "US/East-Indiana": "America/Indiana/Indianapolis",
  "America/Fort_Wayne": "America/Indiana/Indianapolis",
  "America/Indianapolis": "America/Indiana/Indianapolis",
  "US/Indiana-Starke": "America/Indiana/Knox",
  "America/Knox_IN": "America/Indiana/Knox",
  "America/Louisville": "America/Kentucky/Louisville",
  "America/Virgin": "America/St_Thomas",
  "Pacific/Samoa": "Pacific/Pago_Pago",
  "US/Samoa": "Pacific/Pago_Pago",
};

const ZONE_GROUP = new Map<string, ZoneGroup>();
for (const [group, zones] of Object.entries(GROUP_ZONES) as [ZoneGroup, string][]) {
  for (const zone of zones.trim().split(/\s+/)) ZONE_GROUP.set(zone, group);
}

export const STATE_GROUPS: Record<string, readonly ZoneGroup[]> = {};
// Only groups that hold a real share of a state's people: Michigan's four Central counties, western
// Kansas, Oregon's Malheur County, West Wendover NV and the Aleutians west of 169°W are left out, so
// that "Springfield" with a Mountain clock does not become Springfield, Oregon.
for (const [groups, states] of [
  ["E", "CT DE DC GA ME MD MA MI NH NJ NY NC OH PA RI SC VT VA WV"],
  ["C", "AL AR IL IA KS LA MN MS MO OK WI"],
  ["M", "AZ CO MT NM UT WY"],
  ["P", "CA NV OR WA"],
  ["E C", "FL IN KY TN"],
  ["C M", "NE ND SD TX"],
  ["M P", "ID"],
  ["AK", "AK"],
  ["HA", "HI"],
  ["AST", "PR VI"],
  ["CH", "GU MP"],
  ["SST", "AS"],
] as const) {
  for (const state of states.split(" ")) STATE_GROUPS[state] = groups.split(" ") as ZoneGroup[];
}

/** Zones that identify one state, by canonical name. */
export const SINGLE_STATE_ZONES: Record<string, string> = {
  "America/Phoenix": "AZ",
  "America/Boise": "ID",
  "America/Detroit": "MI",
  "America/Menominee": "MI",
  "America/Kentucky/Louisville": "KY",
  "America/Kentucky/Monticello": "KY",
  "America/North_Dakota/Center": "ND",
  "America/North_Dakota/New_Salem": "ND",
  "America/North_Dakota/Beulah": "ND",
  "America/Anchorage": "AK",
  "America/Juneau": "AK",
  "America/Sitka": "AK",
  "America/Nome": "AK",
  "America/Yakutat": "AK",
  "America/Metlakatla": "AK",
  "America/Adak": "AK",
  "Pacific/Honolulu": "HI",
  "America/Puerto_Rico": "PR",
  "America/St_Thomas": "VI",
  "Pacific/Guam": "GU",
  "Pacific/Saipan": "MP",
  "Pacific/Pago_Pago": "AS",
};
for (const zone of GROUP_ZONES.E.concat(" ", GROUP_ZONES.C).trim().split(/\s+/)) {
  if (zone.startsWith("America/Indiana/")) SINGLE_STATE_ZONES[zone] = "IN";
}

/** The canonical IANA name of a zone as given ("US/Arizona", "Arizona", " america/phoenix "), or null. */
export function canonicalZone(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const trimmed = raw.trim();
  if (!trimmed) return null;
  const rails = RAILS_NAMES[trimmed.toLowerCase()];
  if (rails) return rails;
  const direct = CANONICAL[trimmed] ?? (ZONE_GROUP.has(trimmed) ? trimmed : null);
  if (direct) return direct;
  const supported = supportedZone(trimmed);
  return supported ? (CANONICAL[supported] ?? supported) : null;
}

const supportedCache = new Map<string, string | null>();

/** Is `zone` a zone the runtime knows (any casing)? Returns its proper spelling. Cached (bounded). */
function supportedZone(zone: string): string | null {
  const cached = supportedCache.get(zone);
  if (cached !== undefined) return cached;
  let result: string | null;
  try {
    result = new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    result = null; // not an IANA zone: not evidence of anything
  }
  if (supportedCache.size >= 2000) supportedCache.clear();
  supportedCache.set(zone, result);
  return result;
}

export function zoneGroup(zone: string | null): ZoneGroup | null {
  return zone ? (ZONE_GROUP.get(zone) ?? null) : null;
}

/** Could a place in `state` report a clock in `group`? Unknown states are not excluded. */
export function stateInGroup(state: string, group: ZoneGroup): boolean {
  const groups = STATE_GROUPS[state];
  return !groups || groups.includes(group);
}

/**
 * The UTC offsets (minutes east of UTC, e.g. -420) a zone shows in January and in July of `year`: both
 * its standard and its daylight-saving offset.
 */
export function zoneOffsets(zone: string, year = new Date().getUTCFullYear()): number[] {
  const offsets = new Set<number>();
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" });
  } catch {
    return [];
  }
  for (const month of [0, 6]) {
    const part = format.formatToParts(Date.UTC(year, month, 15, 12)).find((p) => p.type === "timeZoneName");
    const m = /GMT(?:([+-])(\d{1,2})(?::(\d{2}))?)?/.exec(part?.value ?? "");
    if (!m) continue;
    const minutes = m[1] ? (Number(m[2]) * 60 + Number(m[3] ?? 0)) * (m[1] === "-" ? -1 : 1) : 0;
    offsets.add(minutes);
  }
  return [...offsets];
}
