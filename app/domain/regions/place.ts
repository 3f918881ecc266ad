import type { Gazetteer, NameEntry, Place } from "./gazetteer";
import { BREAK, CAP, COMMA, HASH, isContiguous, type Tokens, tokenBuffer, tokenize, UPPER } from "./text";
import { stateInGroup, type ZoneGroup } from "./timezone";
import {
  ALIASES,
  type Alias,
  AMBIGUOUS_STATE_NAMES,
  CITY_ALIASES,
  CUE_WORDS,
  FOREIGN_CODES,
  FOREIGN_WORDS,
  NAME_CONTINUATIONS,
  NEUTRAL_WORDS,
  PERSON_LIKE_CITIES,
  PLACE_MODIFIERS,
  QUALIFIERS,
  type Qualifier,
  STATE_NAME,
  STOPWORD_CITIES,
  WORD_CODES,
} from "./us";

/**
 * Place recognition in a profile location ("Fresno, CA", "portland oregon", "NYC", "Earth") and in
 * complaint text ("Power out in springfield il", "#Sacramento", "in Reno").
 *
 * Each finding is a hit with a confidence; the hits of one field are then combined: the most confident
 * wins, agreeing hits add a little, and a different place found with nearly the same confidence makes
 * the field ambiguous (no answer — a wrong region creates phantom spikes, a missing one does not).
 *
 * | finding                                             | location       | text           |
 * |-----------------------------------------------------|----------------|----------------|
 * | city + state ("Fresno, CA", "kansas city ks")        | 0.85           | 0.80           |
 * | nickname of a city ("NYC", "Vegas", "LA" in location)| 0.80           | 0.60 / 0.50    |
 * | state alone ("California", "CA", "SoCal")            | 0.75           | 0.60 cue / 0.45|
 * | city alone, by population prior (share ≥ 0.5)        | 0.75 × share   | see below      |
 * | — after a cue word ("in Reno", "across Dallas")      |                | 0.60 × share   |
 * | — as a hashtag ("#Sacramento", "#KansasCity")        |                | 0.65 × share   |
 * | — bare, capitalised, multi-word, ≥ 100k people       |                | 0.50 × share   |
 * | — bare, capitalised, one word, ≥ 300k, share ≥ 0.8   |                | 0.40 × share   |
 *
 * "share" is the population prior: the chosen place's population over that of every place of the
 * name (US places and foreign ones of ≥ 100k), after dropping the places that cannot match the
 * complaint's time zone, if one is known ("Portland" → OR 0.84; with America/New_York → ME). Below a
 * share of 0.5 the name is ambiguous (Springfield, Jackson) and gives nothing on its own. When the most
 * likely place is foreign ("Paris", "London", "Toronto"), the hit is foreign: the field resolves to no
 * US region.
 *
 * Precision rules for text: a two-letter code counts only after a known city of that state, and then
 * only after a comma, in capitals (unless the whole text is in capitals) or when it is not also a word
 * ("springfield il" yes, "salem or" no, "Salem, or" and "Salem OR" yes); a lone code counts only in
 * capitals after a cue word ("in TX", not "in ok"); city names that are ordinary words ("Mobile",
 * "Paradise", "Surprise") count only with a state; names followed by "County", "St", "Park", a team
 * name... are parts of longer names and do not count.
 */

/**
 * A city name that is ambiguous on its own ("#Burlington", "in Montpelier": the most likely place has
 * under half of the name's population): the states it may be in, each with its population share.
 */
export interface AmbiguousPlace {
  name: string;
  candidates: { state: string; share: number }[];
}

export interface PlaceHit {
  /** USPS code (or territory code) of a US place; null for a foreign one. */
  state: string | null;
  foreign: boolean;
  /** The city, when the hit names one (its coordinate serves non-state region sets). */
  city: Place | null;
  confidence: number;
  /** What matched and what it was taken to be: "in Reno → Reno, NV". */
  label: string;
}

type Mode = "location" | "text";

interface Found {
  kind: "alias" | "state" | "foreign" | "city";
  len: number;
  alias?: Alias;
  state?: string;
  entry?: NameEntry;
}

const CONFIDENCE = {
  location: { qualified: 0.85, qualifiedState: 0.75, alias: 0.8, state: 0.75, city: 0.75, foreign: 0.8 },
  text: {
    qualified: 0.8,
    qualifiedState: 0.55,
    cueAlias: 0.6,
    cueState: 0.6,
    cueCode: 0.5,
    cueCity: 0.6,
    hashCity: 0.65,
    hashAlias: 0.65,
    hashState: 0.6,
    bareAlias: 0.5,
    bareMultiState: 0.5,
    bareState: 0.45,
    bareLowerState: 0.4,
    bareMultiCity: 0.5,
    bareCity: 0.4,
    foreign: 0.6,
  },
} as const;

/** First token → the most tokens of any alias / state name / foreign word / neutral word it starts. */
function starters(keys: Iterable<string>): Map<string, number> {
  const map = new Map<string, number>();
  for (const key of keys) {
    const parts = key.split(" ");
    if ((map.get(parts[0]) ?? 0) < parts.length) map.set(parts[0], parts.length);
  }
  return map;
}
const WORD_STARTERS = starters([...ALIASES.keys(), ...QUALIFIERS.keys(), ...FOREIGN_WORDS, ...NEUTRAL_WORDS]);
const QUALIFIER_STARTERS = starters(QUALIFIERS.keys());
const FOREIGN_STARTERS = starters(FOREIGN_WORDS);

const MIN_SHARE = 0.5;
const MAX_NAME_TOKENS = 5;
const CONNECTORS = new Set(["of", "de", "la", "del", "du", "des", "on", "upon", "the", "and", "y"]);

export class PlaceMatcher {
  private readonly aliasCities = new Map<string, Place | null>();
  private readonly compactAliases = new Map<string, [string, Alias]>();
  private readonly compactStates = new Map<string, string>();
  private readonly cityAliases = new Map<string, Place>();
  // Scratch buffers reused by every call (matching is synchronous), to spare the garbage collector.
  private readonly tokens = tokenBuffer();
  private used = new Uint8Array(64);

  constructor(private readonly gazetteer: Gazetteer) {
    for (const [key, alias] of ALIASES) {
      this.compactAliases.set(key.replaceAll(" ", ""), [key, alias]);
      if (alias.city) this.aliasCities.set(key, gazetteer.find(alias.city, alias.state) ?? null);
    }
    for (const [key, q] of QUALIFIERS) if (q.full) this.compactStates.set(key.replaceAll(" ", ""), q.code);
    for (const [alias, state, city] of CITY_ALIASES) {
      const place = gazetteer.find(city, state);
      if (place) this.cityAliases.set(`${alias}|${state}`, place);
    }
  }

  /** The place a profile location names, a foreign verdict, or null (nothing, or ambiguous). */
  matchLocation(location: string, hint: ZoneGroup | null = null): PlaceHit | null {
    return this.match(tokenize(location, 300, this.tokens), "location", hint);
  }

  /** The place a complaint's text names, a foreign verdict, or null. */
  matchText(text: string, hint: ZoneGroup | null = null): PlaceHit | null {
    return this.match(tokenize(text, 4000, this.tokens), "text", hint);
  }

  /**
   * The ambiguous city names of the last `matchLocation` / `matchText` call (in a profile location,
   * after a cue word or as a hashtag; bare words are not collected): what `resolveRegion` hands on as
   * candidates when nothing else places the complaint.
   */
  ambiguous: AmbiguousPlace[] = [];

  private match(t: Tokens, mode: Mode, hint: ZoneGroup | null): PlaceHit | null {
    this.ambiguous = [];
    if (t.count === 0) return null;
    const hits: PlaceHit[] = [];
    if (this.used.length < t.count) this.used = new Uint8Array(t.count * 2);
    const used = this.used;
    used.fill(0, 0, t.count);
    const shouting = mode === "text" && isShouting(t);
    this.qualified(t, mode, used, hits, shouting);
    if (mode === "location") this.locationNames(t, hint, used, hits);
    else {
      this.hashtags(t, hint, used, hits);
      this.cued(t, hint, used, hits, shouting);
      this.bare(t, hint, used, hits, shouting);
    }
    return combine(hits);
  }

  // --- city + state ------------------------------------------------------------------------------

  private qualified(t: Tokens, mode: Mode, used: Uint8Array, hits: PlaceHit[], shouting: boolean): void {
    const conf = mode === "location" ? CONFIDENCE.location : CONFIDENCE.text;
    for (let j = 1; j < t.count; j++) {
      if (used[j] || t.flags[j] & (BREAK | HASH)) continue;
      const comma = (t.flags[j] & COMMA) !== 0;
      // Foreign after a comma: "Toronto, ON", "Paris, France".
      const foreignLen = comma ? this.foreignAt(t, j, true) : 0;
      if (foreignLen > 0) {
        const span = cityBefore(t, j, used, (key) => this.gazetteer.lookup(key));
        const from = span ? j - span.len : j;
        markUsed(used, from, j + foreignLen);
        hits.push({
          state: null,
          foreign: true,
          city: null,
          confidence: mode === "location" ? CONFIDENCE.location.foreign : CONFIDENCE.text.foreign,
          label: `${surface(t, from, j + foreignLen)} → outside the US`,
        });
        j += foreignLen - 1;
        continue;
      }
      const found = qualifierAt(t, j);
      if (!found) continue;
      const { q, len } = found;
      if (!q.full && !comma && mode === "text") {
        const upper = (t.flags[j] & UPPER) !== 0 && !shouting;
        if (q.word && !upper) continue;
      }
      const span = cityBefore(t, j, used, (key) => this.inState(key, q.code));
      if (span) {
        const city = span.place;
        if (mode === "text" && q.word && !(t.flags[j - span.len] & CAP) && city.population < 10_000) continue;
        markUsed(used, j - span.len, j + len);
        hits.push({
          state: q.code,
          foreign: false,
          city,
          confidence: conf.qualified,
          label: describe(t, j - span.len, j + len, `${city.name}, ${q.code}`),
        });
        j += len - 1;
        continue;
      }
      // A known foreign city before it: "Tbilisi, Georgia", "Toronto, CA" (Canada).
      const abroad = cityBefore(t, j, used, (key) => {
        const top = this.gazetteer.lookup(key)?.places[0];
        return top && top.state === null ? top : undefined;
      });
      if (abroad) {
        markUsed(used, j - abroad.len, j + len);
        hits.push({
          state: null,
          foreign: true,
          city: null,
          confidence: conf.qualified,
          label: `${surface(t, j - abroad.len, j + len)} → ${abroad.place.name}, ${abroad.place.country}`,
        });
        j += len - 1;
        continue;
      }
      // A state after something that is not a known city ("Smalltown, CA").
      const prev = j - 1;
      const plausible =
        mode === "location"
          ? !(q.word && !comma && !(t.flags[j] & UPPER))
          : comma &&
            (t.flags[prev] & CAP) !== 0 &&
            (q.full || ((t.flags[j] & UPPER) !== 0 && !shouting && !q.word));
      if (plausible && !used[prev]) {
        markUsed(used, j, j + len);
        hits.push({
          state: q.code,
          foreign: false,
          city: null,
          confidence: conf.qualifiedState,
          label: describe(t, j, j + len, STATE_NAME.get(q.code) ?? q.code),
        });
        j += len - 1;
      }
    }
  }

  private inState(key: string, state: string): Place | undefined {
    return this.gazetteer.inState(key, state) ?? this.cityAliases.get(`${key}|${state}`);
  }

  // --- location: names anywhere, longest first ----------------------------------------------------

  private locationNames(t: Tokens, hint: ZoneGroup | null, used: Uint8Array, hits: PlaceHit[]): void {
    const conf = CONFIDENCE.location;
    for (let i = 0; i < t.count; i++) {
      if (used[i]) continue;
      const found = this.longestAt(t, i, used, "location");
      // A two-letter code that is also a word counts alone only in capitals ("OK", not "ok" or "me").
      const wordCode =
        found?.kind === "state" && found.len === 1 && WORD_CODES.has(t.norm[i]) && !(t.flags[i] & UPPER);
      if (found && !wordCode) {
        const end = i + found.len;
        markUsed(used, i, end);
        const hit = this.hitFor(found, t, i, end, hint, {
          alias: conf.alias,
          state: conf.state,
          foreign: conf.foreign,
          city: conf.city,
          minPopulation: found.len > 1 ? 2_000 : 5_000,
        });
        if (hit) hits.push(hit);
        i = end - 1;
        continue;
      }
      // A province or country code standing alone in capitals: "ON", "UK".
      if (!found && FOREIGN_CODES.has(t.norm[i]) && t.flags[i] & UPPER && standsAlone(t, i)) {
        used[i] = 1;
        hits.push({
          state: null,
          foreign: true,
          city: null,
          confidence: conf.foreign,
          label: surface(t, i, i + 1),
        });
      }
    }
  }

  // --- text --------------------------------------------------------------------------------------

  private hashtags(t: Tokens, hint: ZoneGroup | null, used: Uint8Array, hits: PlaceHit[]): void {
    const conf = CONFIDENCE.text;
    for (let i = 0; i < t.count; i++) {
      if (used[i] || !(t.flags[i] & HASH)) continue;
      const tag = t.norm[i];
      const alias = this.compactAliases.get(tag);
      const state = this.compactStates.get(tag);
      const label = `#${surface(t, i, i + 1)}`;
      let hit: PlaceHit | null = null;
      if (alias) {
        const [key, a] = alias;
        const city = a.city ? (this.aliasCities.get(key) ?? null) : null;
        hit = { state: a.state, foreign: false, city, confidence: conf.hashAlias, label: "" };
        hit.label = `${label} → ${city ? `${city.name}, ${a.state}` : STATE_NAME.get(a.state)}`;
      } else if (state && !AMBIGUOUS_STATE_NAMES.has(tag)) {
        hit = {
          state,
          foreign: false,
          city: null,
          confidence: conf.hashState,
          label: `${label} → ${STATE_NAME.get(state)}`,
        };
      } else if (tag.length === 2 && QUALIFIERS.has(tag) && !WORD_CODES.has(tag) && t.flags[i] & UPPER) {
        const code = tag.toUpperCase();
        hit = {
          state: code,
          foreign: false,
          city: null,
          confidence: conf.cueCode,
          label: `${label} → ${STATE_NAME.get(code)}`,
        };
      } else if (FOREIGN_WORDS.has(tag)) {
        hit = {
          state: null,
          foreign: true,
          city: null,
          confidence: conf.hashCity,
          label: `${label} → outside the US`,
        };
      } else if (!STOPWORD_CITIES.has(tag)) {
        const entry = this.gazetteer.byCompact.get(tag) ?? this.gazetteer.byCompact.get(expandCompact(tag));
        if (entry) hit = this.cityHit(entry, hint, conf.hashCity, 10_000, label);
      }
      if (hit) {
        used[i] = 1;
        hits.push(hit);
      }
    }
  }

  private cued(
    t: Tokens,
    hint: ZoneGroup | null,
    used: Uint8Array,
    hits: PlaceHit[],
    shouting: boolean,
  ): void {
    const conf = CONFIDENCE.text;
    for (let i = 0; i < t.count - 1; i++) {
      if (!CUE_WORDS.has(t.norm[i]) || t.flags[i] & HASH) continue;
      // Try the place right after the cue, then after up to two modifiers ("in downtown Reno").
      for (let s = i + 1; s < t.count && s <= i + 3; s++) {
        if (used[s] || t.flags[s] & (COMMA | BREAK)) break;
        const found = this.longestAt(t, s, used, "text");
        if (found) {
          const end = s + found.len;
          if (found.kind === "state" && t.norm[s].length === 2) {
            // "in TX": a code after a cue only in capitals, not a word ("in ok shape", "in OR" no).
            if (!(t.flags[s] & UPPER) || shouting || WORD_CODES.has(t.norm[s])) break;
          }
          if (found.kind === "alias" && !aliasAllowed(found.alias!, t, s, shouting)) break;
          if (found.kind === "state" && t.norm[s] === "washington" && found.len === 1) break; // WA or DC?
          if (found.kind === "city" && !cityAllowed(t, end)) break;
          const capital = (t.flags[s] & CAP) !== 0;
          const hit = this.hitFor(found, t, i, end, hint, {
            alias: conf.cueAlias,
            state: found.kind === "state" && t.norm[s].length === 2 ? conf.cueCode : conf.cueState,
            foreign: conf.foreign,
            city: conf.cueCity,
            minPopulation: capital ? (found.len > 1 ? 2_000 : 5_000) : 50_000,
          });
          if (hit) {
            markUsed(used, s, end);
            hits.push(hit);
          }
          break;
        }
        if (!PLACE_MODIFIERS.has(t.norm[s])) break;
      }
    }
  }

  private bare(
    t: Tokens,
    hint: ZoneGroup | null,
    used: Uint8Array,
    hits: PlaceHit[],
    shouting: boolean,
  ): void {
    const conf = CONFIDENCE.text;
    for (let i = 0; i < t.count; i++) {
      // Bare names must be capitalised, except nicknames and state names ("nyc", "texas").
      if (used[i] || (!(t.flags[i] & CAP) && !WORD_STARTERS.has(t.norm[i]))) continue;
      const found = this.longestAt(t, i, used, "text");
      if (!found) continue;
      const end = i + found.len;
      const capital = (t.flags[i] & CAP) !== 0;
      let hit: PlaceHit | null = null;
      if (found.kind === "alias") {
        if (aliasAllowed(found.alias!, t, i, shouting)) {
          hit = this.hitFor(found, t, i, end, hint, {
            alias: conf.bareAlias,
            state: conf.bareAlias,
            foreign: 0,
            city: 0,
          });
        }
      } else if (found.kind === "state") {
        if (t.norm[i].length === 2 && found.len === 1) continue; // a lone code in text: never
        const key = t.norm.slice(i, end).join(" ");
        if (found.len === 1 && AMBIGUOUS_STATE_NAMES.has(key)) continue;
        const c =
          found.len > 1
            ? allCapital(t, i, end)
              ? conf.bareMultiState
              : 0
            : capital
              ? conf.bareState
              : conf.bareLowerState;
        if (c > 0) hit = this.hitFor(found, t, i, end, hint, { alias: 0, state: c, foreign: 0, city: 0 });
      } else if (found.kind === "foreign") {
        if (capital)
          hit = this.hitFor(found, t, i, end, hint, { alias: 0, state: 0, foreign: conf.bareCity, city: 0 });
      } else if (allCapital(t, i, end) && cityAllowed(t, end) && !shouting) {
        const key = t.key.slice(i, end).join(" ");
        if (found.len > 1) {
          hit = this.hitFor(found, t, i, end, hint, {
            alias: 0,
            state: 0,
            foreign: 0,
            city: conf.bareMultiCity,
            minPopulation: 100_000,
          });
        } else if (!PERSON_LIKE_CITIES.has(key)) {
          hit = this.hitFor(found, t, i, end, hint, {
            alias: 0,
            state: 0,
            foreign: 0,
            city: conf.bareCity,
            minPopulation: 300_000,
            minShare: 0.8,
          });
        }
      }
      if (hit) {
        markUsed(used, i, end);
        hits.push(hit);
        i = end - 1;
      }
    }
  }

  // --- shared ------------------------------------------------------------------------------------

  /** The longest alias / state name / foreign name / city starting at token s. */
  private longestAt(t: Tokens, s: number, used: Uint8Array, mode: Mode): Found | null {
    const maxCity = Math.min(this.gazetteer.maxTokens.get(t.key[s]) ?? 0, MAX_NAME_TOKENS);
    const maxWord = WORD_STARTERS.get(t.norm[s]) ?? 0;
    if (maxCity === 0 && maxWord === 0) return null;
    const max = Math.max(maxCity, maxWord);
    let best: Found | null = null;
    let norm = "";
    let key = "";
    for (let len = 1; len <= max && s + len <= t.count; len++) {
      const k = s + len - 1;
      if (used[k] || (len > 1 && t.flags[k] & (COMMA | BREAK | HASH))) break;
      norm = len === 1 ? t.norm[k] : `${norm} ${t.norm[k]}`;
      key = len === 1 ? t.key[k] : `${key} ${t.key[k]}`;
      if (len > maxWord) {
        const entry = this.gazetteer.lookup(key);
        if (entry && !(len === 1 && STOPWORD_CITIES.has(key))) best = { kind: "city", len, entry };
        continue;
      }
      if (NEUTRAL_WORDS.has(norm)) {
        best = null;
        continue;
      }
      const alias = ALIASES.get(norm);
      if (alias && (mode === "location" || alias.where !== "location")) {
        best = { kind: "alias", len, alias };
        continue;
      }
      const q = QUALIFIERS.get(norm);
      if (q && (q.full || (len === 1 && norm.length === 2))) {
        best = { kind: "state", len, state: q.code };
        continue;
      }
      if (FOREIGN_WORDS.has(norm)) {
        best = { kind: "foreign", len };
        continue;
      }
      if (len <= maxCity) {
        const entry = this.gazetteer.lookup(key);
        if (entry && !(len === 1 && STOPWORD_CITIES.has(key))) best = { kind: "city", len, entry };
      }
    }
    return best;
  }

  private hitFor(
    found: Found,
    t: Tokens,
    from: number,
    end: number,
    hint: ZoneGroup | null,
    conf: {
      alias: number;
      state: number;
      foreign: number;
      city: number;
      minPopulation?: number;
      minShare?: number;
    },
  ): PlaceHit | null {
    switch (found.kind) {
      case "alias": {
        if (conf.alias <= 0) return null;
        const a = found.alias!;
        const key = t.norm.slice(end - found.len, end).join(" ");
        const city = a.city ? (this.aliasCities.get(key) ?? null) : null;
        const target = city ? `${city.name}, ${a.state}` : (STATE_NAME.get(a.state) ?? a.state);
        return {
          state: a.state,
          foreign: false,
          city,
          confidence: conf.alias,
          label: describe(t, from, end, target),
        };
      }
      case "state": {
        if (conf.state <= 0) return null;
        const state = found.state!;
        return {
          state,
          foreign: false,
          city: null,
          confidence: conf.state,
          label: describe(t, from, end, STATE_NAME.get(state) ?? state),
        };
      }
      case "foreign":
        if (conf.foreign <= 0) return null;
        return {
          state: null,
          foreign: true,
          city: null,
          confidence: conf.foreign,
          label: `${surface(t, from, end)} → outside the US`,
        };
      case "city":
        if (conf.city <= 0) return null;
        return this.cityHit(
          found.entry!,
          hint,
          conf.city,
          conf.minPopulation ?? 0,
          surface(t, from, end),
          conf.minShare,
        );
    }
  }

  private cityHit(
    entry: NameEntry,
    hint: ZoneGroup | null,
    confidence: number,
    minPopulation: number,
    matched: string,
    minShare = MIN_SHARE,
  ): PlaceHit | null {
    const choice = choose(entry, hint);
    if (choice && choice.share < minShare && confidence >= CONFIDENCE.text.cueCity)
      this.noteAmbiguous(entry, hint, matched);
    if (!choice || choice.share < minShare || choice.place.population < minPopulation) return null;
    const { place, share } = choice;
    const foreign = place.state === null;
    return {
      state: place.state,
      foreign,
      city: foreign ? null : place,
      confidence: round(confidence * share),
      label: `${matched} → ${place.name}, ${place.state ?? place.country}`,
    };
  }

  private noteAmbiguous(entry: NameEntry, hint: ZoneGroup | null, matched: string) {
    const byState = new Map<string, number>();
    for (const p of entry.places) {
      if (p.state === null) continue;
      if (hint && !stateInGroup(p.state, hint)) continue;
      byState.set(p.state, (byState.get(p.state) ?? 0) + p.population / entry.total);
    }
    if (byState.size < 2) return;
    const candidates = [...byState]
      .map(([state, share]) => ({ state, share: Math.round(share * 1000) / 1000 }))
      .sort((a, b) => b.share - a.share || a.state.localeCompare(b.state));
    this.ambiguous.push({ name: matched, candidates });
  }

  /** Length of a foreign word/code starting at j (codes only when `afterComma`), else 0. */
  private foreignAt(t: Tokens, j: number, afterComma: boolean): number {
    if (afterComma && FOREIGN_CODES.has(t.norm[j]) && endsSegment(t, j + 1)) return 1;
    const max = FOREIGN_STARTERS.get(t.norm[j]);
    if (max === undefined) return 0;
    let norm = "";
    let best = 0;
    for (let len = 1; len <= max && j + len <= t.count; len++) {
      if (len > 1 && t.flags[j + len - 1] & (COMMA | BREAK)) break;
      norm = len === 1 ? t.norm[j] : `${norm} ${t.norm[j + len - 1]}`;
      if (FOREIGN_WORDS.has(norm)) best = len;
    }
    return best;
  }
}

/** The most likely place for a name, and its share of the name's population, given the zone hint. */
export function choose(entry: NameEntry, hint: ZoneGroup | null): { place: Place; share: number } | null {
  if (!hint) {
    const place = entry.places[0];
    return place ? { place, share: place.population / entry.total } : null;
  }
  // A US zone: keep US places that can be in that zone (foreign places cannot).
  let best: Place | null = null;
  let total = 0;
  for (const p of entry.places) {
    if (p.state === null || !stateInGroup(p.state, hint)) continue;
    if (!best) best = p;
    total += p.population;
  }
  return best ? { place: best, share: best.population / total } : null;
}

function combine(hits: PlaceHit[]): PlaceHit | null {
  if (hits.length === 0) return null;
  let best = hits[0];
  for (const h of hits) if (h.confidence > best.confidence) best = h;
  let agree = false;
  for (const h of hits) {
    if (h === best) continue;
    const same = h.foreign === best.foreign && h.state === best.state;
    if (same) agree = true;
    // A different place nearly as likely: ambiguous ("moved from Denver to Reno").
    else if (h.confidence >= best.confidence - 0.15) return null;
  }
  return agree ? { ...best, confidence: round(Math.min(0.9, best.confidence + 0.05)) } : best;
}

function qualifierAt(t: Tokens, j: number): { q: Qualifier; len: number } | null {
  const max = QUALIFIER_STARTERS.get(t.norm[j]);
  if (max === undefined) return null;
  let norm = "";
  let found: { q: Qualifier; len: number } | null = null;
  for (let len = 1; len <= max && j + len <= t.count; len++) {
    if (len > 1 && t.flags[j + len - 1] & (COMMA | BREAK | HASH)) break;
    norm = len === 1 ? t.norm[j] : `${norm} ${t.norm[j + len - 1]}`;
    const q = QUALIFIERS.get(norm);
    if (q) found = { q, len };
  }
  return found;
}

/** The longest known city ending right before token j (up to MAX_NAME_TOKENS tokens, no punctuation inside). */
function cityBefore<T>(
  t: Tokens,
  j: number,
  used: Uint8Array,
  find: (key: string) => T | undefined,
): { place: T; len: number } | null {
  for (let len = Math.min(MAX_NAME_TOKENS, j); len >= 1; len--) {
    const from = j - len;
    let ok = true;
    for (let k = from; k < j; k++) if (used[k]) ok = false;
    if (!ok || !isContiguous(t, from, j)) continue;
    const key = len === 1 ? t.key[from] : t.key.slice(from, j).join(" ");
    const place = find(key);
    if (place) return { place, len };
  }
  return null;
}

function aliasAllowed(alias: Alias, t: Tokens, s: number, shouting: boolean): boolean {
  if (alias.where === "location") return false;
  if (alias.where === "caps") return (t.flags[s] & UPPER) !== 0 && !shouting;
  return true;
}

/** A city name in text must not run on into a longer name ("Orange County", "Phoenix Suns"). */
function cityAllowed(t: Tokens, end: number): boolean {
  if (end < t.count && !(t.flags[end] & (COMMA | BREAK)) && NAME_CONTINUATIONS.has(t.norm[end])) return false;
  return true;
}

function allCapital(t: Tokens, from: number, end: number): boolean {
  for (let k = from; k < end; k++) {
    if (!(t.flags[k] & CAP) && !CONNECTORS.has(t.norm[k])) return false;
  }
  return (t.flags[from] & CAP) !== 0;
}

function isShouting(t: Tokens): boolean {
  let words = 0;
  let upper = 0;
  for (let i = 0; i < t.count; i++) {
    if (t.norm[i].length < 2) continue;
    words++;
    if (t.flags[i] & UPPER) upper++;
  }
  return words >= 3 && upper / words > 0.6;
}

function standsAlone(t: Tokens, i: number): boolean {
  const startsSegment = i === 0 || (t.flags[i] & (COMMA | BREAK)) !== 0;
  return startsSegment && endsSegment(t, i + 1);
}

function endsSegment(t: Tokens, next: number): boolean {
  return next >= t.count || (t.flags[next] & (COMMA | BREAK)) !== 0;
}

function markUsed(used: Uint8Array, from: number, to: number): void {
  for (let k = from; k < to; k++) used[k] = 1;
}

function surface(t: Tokens, from: number, end: number): string {
  return t.source.slice(t.start[from], t.end[end - 1]);
}

function describe(t: Tokens, from: number, end: number, target: string): string {
  const s = surface(t, from, end);
  return s === target ? s : `${s} → ${target}`;
}

function expandCompact(tag: string): string {
  if (tag.startsWith("st")) return `saint${tag.slice(2)}`;
  if (tag.startsWith("ft")) return `fort${tag.slice(2)}`;
  if (tag.startsWith("mt")) return `mount${tag.slice(2)}`;
  return tag;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
