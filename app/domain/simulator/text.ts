import type { City } from "./places";
import type { Rng } from "./prng";
import type { CompanyProfile, SourceName } from "./types";

/**
 * A tiny template language for complaint phrasing, compiled once and filled per record:
 *
 * - `{slot}` is replaced by a value drawn for this record (see `SLOTS`), e.g. `{street}` → "Elm St";
 * - `[a|b|c]` picks one alternative at random; alternatives nest and may be empty (`[ again|]`).
 *
 * `Power out on {street} since {time}[, any ETA?|!!|]` → "Power out on Maple Dr since 6am, any ETA?".
 * Unknown slots and unbalanced brackets throw when compiled, so a bad incident phrasing fails loudly.
 */
export const SLOTS = {
  co: "the company as people name it (Kestrel, kestrel, @KestrelCares on social)",
  at: "the company's handle on this platform (its name off social)",
  street: "a street name (Elm St)",
  addr: "a street address (1423 Elm St)",
  time: "when it started, loosely (6am, last night, like an hour ago)",
  clock: "a clock time (7:15am)",
  etr: "an estimated restoration time (4pm, tomorrow 8am)",
  dur: "a duration (3 hours, all day)",
  mins: "minutes on hold (12–140)",
  n: "a small number (2–6)",
  n2: "a slightly larger number (5–10)",
  acct4: "the last four digits of an account number",
  initials: "an agent's initials (JM)",
  nth: "an ordinal (third, 4th)",
  amt: "a dollar amount ($84.12)",
  month: "a month name",
  code: "an app error code",
  city: "the author's city",
  place: 'a place mention in one of many forms ("Fresno, CA", "in Reno", "#Sacramento")',
  speed: "a measured speed (3 Mbps)",
  plan: "the plan paid for (500, a gig)",
  tkt: "a ticket / reference number",
  dev: "home equipment (router, modem)",
  first: "the author's first name",
  nbr: "who else is affected (the whole block)",
  app: "the app or website",
} as const;
export type SlotName = keyof typeof SLOTS;

type Node = string | { slot: SlotName } | { alt: Node[][] };
export type Template = readonly Node[];

export function compileTemplate(source: string): Template {
  let pos = 0;
  const parseSequence = (nested: boolean): Node[] => {
    const nodes: Node[] = [];
    let literal = "";
    const flush = () => {
      if (literal) nodes.push(literal);
      literal = "";
    };
    while (pos < source.length) {
      const ch = source[pos];
      if (ch === "{") {
        const close = source.indexOf("}", pos);
        if (close < 0) throw new Error(`template "${source}": "{" without "}"`);
        const name = source.slice(pos + 1, close);
        if (!(name in SLOTS)) throw new Error(`template "${source}": unknown slot {${name}}`);
        flush();
        nodes.push({ slot: name as SlotName });
        pos = close + 1;
      } else if (ch === "[") {
        pos++;
        flush();
        const alternatives: Node[][] = [parseSequence(true)];
        while (source[pos] === "|") {
          pos++;
          alternatives.push(parseSequence(true));
        }
        if (source[pos] !== "]") throw new Error(`template "${source}": "[" without "]"`);
        pos++;
        nodes.push({ alt: alternatives });
      } else if (ch === "|" || ch === "]") {
        if (!nested) throw new Error(`template "${source}": unexpected "${ch}"`);
        break;
      } else if (ch === "}") {
        throw new Error(`template "${source}": "}" without "{"`);
      } else {
        literal += ch;
        pos++;
      }
    }
    flush();
    return nodes;
  };
  const nodes = parseSequence(false);
  if (pos !== source.length) throw new Error(`template "${source}": unexpected "${source[pos]}"`);
  return nodes;
}

export function compileAll(sources: readonly string[]): Template[] {
  return sources.map(compileTemplate);
}

/** What a template is filled for: one author, one channel, one company. */
export interface FillContext {
  rng: Rng;
  company: CompanyProfile;
  source: SourceName;
  city: City | null;
  regionCode: string;
  regionName: string;
  firstName: string;
}

/** The template's text for this record, untidied (see `tidy`): parts are filled, then joined, then tidied. */
export function fill(template: Template, ctx: FillContext): string {
  return fillNodes(template, ctx);
}

function fillNodes(nodes: readonly Node[], ctx: FillContext): string {
  let out = "";
  for (const node of nodes) {
    if (typeof node === "string") out += node;
    else if ("slot" in node) out += slotValue(node.slot, ctx);
    else out += fillNodes(ctx.rng.pick(node.alt), ctx);
  }
  return out;
}

/** Collapse the double spaces and stray spaces before punctuation that empty alternatives leave. */
export function tidy(text: string): string {
  return text
    .replace(/\s{2,}/g, " ")
    .replace(/ ([,.!?])/g, "$1")
    .trim();
}

const STREETS = [
  "Elm St",
  "Main St",
  "Oak Ave",
  "Maple Dr",
  "Pine St",
  "Cedar Ln",
  "5th Ave",
  "2nd St",
  "Washington Blvd",
  "Lincoln Ave",
  "Park Rd",
  "Lakeview Dr",
  "Highland Ave",
  "Church St",
  "Mill Rd",
  "Sunset Blvd",
  "River Rd",
  "Jefferson St",
  "Walnut St",
  "Broadway",
  "Hillcrest Dr",
  "Magnolia Ave",
  "Willow Way",
  "Spruce St",
  "Franklin Ave",
  "Chestnut St",
  "Orchard Ln",
  "Ridge Rd",
  "College Ave",
  "Meadow Ln",
  "Airport Rd",
  "Canyon Rd",
  "Market St",
  "Grand Ave",
  "Sycamore St",
  "Mission St",
  "Poplar Ave",
  "Division St",
];
const LOOSE_TIMES = [
  "6am",
  "7am",
  "this morning",
  "last night",
  "noon",
  "2pm",
  "around 3",
  "like an hour ago",
  "5:30",
  "8pm",
  "midnight",
  "yesterday",
  "lunch",
  "10ish",
  "4am",
  "dinner time",
];
const DURATIONS = [
  "an hour",
  "all day",
  "since yesterday",
  "90 minutes",
  "half the day",
  "the whole evening",
  "two days",
  "most of the night",
];
const ORDINALS = ["third", "fourth", "fifth", "3rd", "4th", "5th", "6th", "second"];
const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const ERROR_CODES = [
  "E-403",
  "500",
  "AUTH-017",
  "ERR_LOGIN_9",
  "503",
  "401",
  "E1002",
  "SSO-22",
  "0x8004",
  "LG-500",
];
const PLANS = ["300", "500", "a gig", "1 gig", "200 meg", "fiber", "the premium plan"];
const DEVICES = ["router", "modem", "box", "gateway", "wifi extender"];
const NEIGHBOURS = [
  "neighbors",
  "the whole street",
  "the whole block",
  "next door",
  "the entire building",
  "everyone on our road",
];

function clockTime(rng: Rng): string {
  const hour = rng.between(1, 12);
  const minute = rng.pick(["", "", ":15", ":30", ":45", ":10"]);
  return `${hour}${minute}${rng.chance(0.5) ? "am" : "pm"}`;
}

function slotValue(slot: SlotName, ctx: FillContext): string {
  const { rng, company } = ctx;
  const social = ctx.source === "x" || ctx.source === "bluesky" || ctx.source === "mastodon";
  switch (slot) {
    case "co":
      if (social && rng.chance(0.3)) return platformHandle(company, ctx.source);
      return rng.pick([company.short, company.short, company.short.toLowerCase(), company.name]);
    case "at":
      return social ? platformHandle(company, ctx.source) : company.short;
    case "street":
      return rng.pick(STREETS);
    case "addr":
      return `${rng.between(12, 9890)} ${rng.pick(STREETS)}`;
    case "time":
      return rng.chance(0.4) ? clockTime(rng) : rng.pick(LOOSE_TIMES);
    case "clock":
      return clockTime(rng);
    case "etr":
      return rng.chance(0.2) ? `tomorrow ${rng.between(6, 11)}am` : clockTime(rng);
    case "dur":
      return rng.chance(0.6)
        ? `${rng.between(2, 11)} ${rng.pick(["hours", "hours", "hrs", "hours now"])}`
        : rng.pick(DURATIONS);
    case "mins":
      return String(rng.between(12, 140));
    case "n":
      return String(rng.between(2, 6));
    case "n2":
      return String(rng.between(5, 10));
    case "acct4":
      return String(rng.between(0, 9999)).padStart(4, "0");
    case "initials":
      return String.fromCharCode(65 + rng.int(26), 65 + rng.int(26));
    case "nth":
      return rng.pick(ORDINALS);
    case "amt":
      return `$${rng.between(29, 389)}.${String(rng.int(100)).padStart(2, "0")}`;
    case "month":
      return rng.pick(MONTHS);
    case "code":
      return rng.pick(ERROR_CODES);
    case "city":
      return ctx.city?.name ?? "town";
    case "place":
      return ctx.city ? placeMention(rng, ctx.city, ctx.regionCode, ctx.regionName) : ctx.regionName;
    case "speed":
      return rng.chance(0.5)
        ? `${rng.between(1, 25)} ${rng.pick(["Mbps", "mbps", "meg"])}`
        : `0.${rng.between(1, 9)}${rng.pick(["Mbps", "mbps"])}`;
    case "plan":
      return rng.pick(PLANS);
    case "tkt":
      return rng.chance(0.5) ? `#${rng.between(100000, 999999)}` : `CS${rng.between(1000000, 9999999)}`;
    case "dev":
      return rng.pick(DEVICES);
    case "first":
      return ctx.firstName;
    case "nbr":
      return rng.pick(NEIGHBOURS);
    case "app":
      return rng.pick(["the app", `the ${company.short} app`, "the website", "the site", "the portal"]);
  }
}

export function platformHandle(company: CompanyProfile, source: SourceName): string {
  if (source === "bluesky") return company.blueskyHandle;
  if (source === "mastodon") return company.mastodonHandle;
  return company.xHandle;
}

/** A city named the way people write it: "Fresno, CA", "in Reno", "#Sacramento", "Springfield IL". */
export function placeMention(rng: Rng, city: City, regionCode: string, regionName: string): string {
  switch (rng.int(9)) {
    case 0:
    case 1:
      return `${city.name}, ${regionCode}`;
    case 2:
      return `in ${city.name}`;
    case 3:
      return `#${city.name.replace(/[^A-Za-z]/g, "")}`;
    case 4:
      return `${city.name} ${regionCode}`;
    case 5:
      return `${city.name}, ${regionName}`;
    case 6:
      return `here in ${city.name}`;
    case 7:
      return `${city.name} area`;
    default:
      return `in ${city.name}, ${regionCode}`;
  }
}

const MISSPELLINGS: [RegExp, string][] = [
  [/\bdefinitely\b/g, "definately"],
  [/\bbecause\b/g, "becuase"],
  [/\breceived\b/g, "recieved"],
  [/\btomorrow\b/g, "tommorow"],
  [/\bagain\b/g, "agian"],
  [/\bminutes\b/g, "mintues"],
  [/\bthe\b/, "teh"],
  [/\bnow\b/, "nwo"],
  [/\bpower\b/, "pwoer"],
  [/\binternet\b/, "internt"],
];

/** One or two keyboard slips (swapped, dropped or doubled letters), or a common misspelling. */
export function addTypos(text: string, rng: Rng): string {
  if (rng.chance(0.3)) {
    const [pattern, replacement] = rng.pick(MISSPELLINGS);
    const replaced = text.replace(pattern, replacement);
    if (replaced !== text) return replaced;
  }
  let out = text;
  const slips = rng.chance(0.7) ? 1 : 2;
  for (let s = 0; s < slips && out.length >= 8; s++) {
    for (let attempt = 0; attempt < 8; attempt++) {
      const i = rng.between(1, out.length - 3);
      if (!isPlainLetter(out, i) || !isPlainLetter(out, i + 1) || insideToken(out, i)) continue;
      const op = rng.int(3);
      if (op === 0 && out[i] !== out[i + 1]) out = out.slice(0, i) + out[i + 1] + out[i] + out.slice(i + 2);
      else if (op === 1) out = out.slice(0, i) + out.slice(i + 1);
      else out = out.slice(0, i) + out[i] + out.slice(i);
      break;
    }
  }
  return out;
}

function isPlainLetter(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

/** Inside an @handle, #tag or URL (typos there would be a different record, not a typo). */
function insideToken(text: string, i: number): boolean {
  let j = i;
  while (j > 0 && text[j - 1] !== " ") j--;
  const c = text[j];
  return c === "@" || c === "#" || text.startsWith("http", j);
}

const SLANG: Record<string, string> = {
  you: "u",
  your: "ur",
  "you're": "ur",
  please: "pls",
  because: "bc",
  "right now": "rn",
  "to be honest": "tbh",
  "i don't know": "idk",
  thanks: "thx",
  people: "ppl",
  tonight: "tonite",
  seriously: "srsly",
  "for real": "fr",
  "what the hell": "wth",
};
const SLANG_PATTERN = new RegExp(`\\b(${Object.keys(SLANG).join("|")})\\b`, "gi");

/** Text-speak: "please" → "pls", "right now" → "rn", applied to most (not all) matches. */
export function addSlang(text: string, rng: Rng): string {
  return text.replace(SLANG_PATTERN, (match) => (rng.chance(0.75) ? SLANG[match.toLowerCase()] : match));
}

/** Upper-cases the words, not @handles or URLs. */
export function shout(text: string): string {
  return text
    .split(" ")
    .map((word) => (word.startsWith("@") || word.startsWith("http") ? word : word.toUpperCase()))
    .join(" ");
}
