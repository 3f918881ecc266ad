/**
 * The default regions: 50 US states + DC. FIPS ids match the `us-atlas` geometries; populations are the
 * 2020 Census counts (used as weights by the demo feed and as priors); zones are the IANA zones used in
 * most of each state.
 */
export interface StateInfo {
  fips: string;
  code: string;
  name: string;
  population: number;
  timeZones: string[];
}

const rows: [string, string, string, number, string][] = [
  ["01", "AL", "Alabama", 5024279, "America/Chicago"],
  ["02", "AK", "Alaska", 733391, "America/Anchorage America/Juneau America/Sitka America/Nome"],
  ["04", "AZ", "Arizona", 7151502, "America/Phoenix"],
  ["05", "AR", "Arkansas", 3011524, "America/Chicago"],
  ["06", "CA", "California", 39538223, "America/Los_Angeles"],
  ["08", "CO", "Colorado", 5773714, "America/Denver"],
  ["09", "CT", "Connecticut", 3605944, "America/New_York"],
  ["10", "DE", "Delaware", 989948, "America/New_York"],
  ["11", "DC", "District of Columbia", 689545, "America/New_York"],
  ["12", "FL", "Florida", 21538187, "America/New_York"],
  ["13", "GA", "Georgia", 10711908, "America/New_York"],
  ["15", "HI", "Hawaii", 1455271, "Pacific/Honolulu"],
  ["16", "ID", "Idaho", 1839106, "America/Boise"],
  ["17", "IL", "Illinois", 12812508, "America/Chicago"],
  ["18", "IN", "Indiana", 6785528, "America/Indiana/Indianapolis"],
  ["19", "IA", "Iowa", 3190369, "America/Chicago"],
  ["20", "KS", "Kansas", 2937880, "America/Chicago"],
  ["21", "KY", "Kentucky", 4505836, "America/Kentucky/Louisville America/New_York"],
  ["22", "LA", "Louisiana", 4657757, "America/Chicago"],
  ["23", "ME", "Maine", 1362359, "America/New_York"],
  ["24", "MD", "Maryland", 6177224, "America/New_York"],
  ["25", "MA", "Massachusetts", 7029917, "America/New_York"],
  ["26", "MI", "Michigan", 10077331, "America/Detroit"],
  ["27", "MN", "Minnesota", 5706494, "America/Chicago"],
  ["28", "MS", "Mississippi", 2961279, "America/Chicago"],
  ["29", "MO", "Missouri", 6154913, "America/Chicago"],
  ["30", "MT", "Montana", 1084225, "America/Denver"],
  ["31", "NE", "Nebraska", 1961504, "America/Chicago"],
  ["32", "NV", "Nevada", 3104614, "America/Los_Angeles"],
  ["33", "NH", "New Hampshire", 1377529, "America/New_York"],
  ["34", "NJ", "New Jersey", 9288994, "America/New_York"],
  ["35", "NM", "New Mexico", 2117522, "America/Denver"],
  ["36", "NY", "New York", 20201249, "America/New_York"],
  ["37", "NC", "North Carolina", 10439388, "America/New_York"],
  ["38", "ND", "North Dakota", 779094, "America/Chicago"],
  ["39", "OH", "Ohio", 11799448, "America/New_York"],
  ["40", "OK", "Oklahoma", 3959353, "America/Chicago"],
  ["41", "OR", "Oregon", 4237256, "America/Los_Angeles"],
  ["42", "PA", "Pennsylvania", 13002700, "America/New_York"],
  ["44", "RI", "Rhode Island", 1097379, "America/New_York"],
  ["45", "SC", "South Carolina", 5118425, "America/New_York"],
  ["46", "SD", "South Dakota", 886667, "America/Chicago"],
  ["47", "TN", "Tennessee", 6910840, "America/Chicago"],
  ["48", "TX", "Texas", 29145505, "America/Chicago"],
  ["49", "UT", "Utah", 3271616, "America/Denver"],
  ["50", "VT", "Vermont", 643077, "America/New_York"],
  ["51", "VA", "Virginia", 8631393, "America/New_York"],
  ["53", "WA", "Washington", 7705281, "America/Los_Angeles"],
  ["54", "WV", "West Virginia", 1793716, "America/New_York"],
  ["55", "WI", "Wisconsin", 5893718, "America/Chicago"],
  ["56", "WY", "Wyoming", 576851, "America/Denver"],
];

export const US_STATES: StateInfo[] = rows.map(([fips, code, name, population, zones]) => ({
  fips,
  code,
  name,
  population,
  timeZones: zones.split(" "),
}));

export const US_STATE_BY_FIPS = new Map(US_STATES.map((s) => [s.fips, s]));
export const US_STATE_BY_CODE = new Map(US_STATES.map((s) => [s.code, s]));
