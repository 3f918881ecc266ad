import { US_STATES } from "~db/reference/us-states";

/**
 * Word lists for recognising US places in free text and profile locations: state names, codes and
 * abbreviations, nicknames, foreign place words, and the city names that are also ordinary words.
 * All hand-written for Clarion, except STOPWORD_CITIES (see there).
 */

const words = (s: string): string[] => s.trim().split(/\s+/);
const phrases = (s: string): string[] =>
  s
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);

export interface StateInfo {
  code: string;
  name: string;
}

/** The 50 states + DC, and the territories (which are not default regions but are US places). */
export const STATES: StateInfo[] = [
  ...US_STATES.map((s) => ({ code: s.code, name: s.name })),
  { code: "PR", name: "Puerto Rico" },
  { code: "GU", name: "Guam" },
  { code: "VI", name: "U.S. Virgin Islands" },
  { code: "AS", name: "American Samoa" },
  { code: "MP", name: "Northern Mariana Islands" },
];

export const STATE_NAME = new Map(STATES.map((s) => [s.code, s.name]));
export const STATE_CODES = new Set(STATES.map((s) => s.code));

/**
 * Two-letter codes that are also everyday words or abbreviations in lower case ("in", "or", "me",
 * "ok", "hi", "oh", "id", "la", "pa", "ma", "co", "de"...). In text they count as a state only after a
 * comma or written in capitals (and not in all-caps text); in a location field only after a city, a
 * comma, or in capitals.
 */
export const WORD_CODES = new Set(
  words("al ar as co de ga hi id in la ma md me mi mo ms ne oh ok or pa va wa gu vi mp ia ri"),
);

export interface Qualifier {
  code: string;
  /** The qualifier is an everyday word in lower case (see WORD_CODES; "Ill.", "Miss.", "Wash."). */
  word: boolean;
  /** A full state name ("Oregon", "New York") rather than a code or abbreviation. */
  full: boolean;
}

/**
 * Everything that can name a state after a city ("Fresno, CA", "Portland Oregon", "Salem, Mass."),
 * keyed by the space-joined lower-case tokens: postal codes, full names and AP-style abbreviations
 * (those marked * are words — "Ill.", "Miss.", "Wash." — and count only after a comma).
 */
export const QUALIFIERS = new Map<string, Qualifier>();
for (const s of STATES) {
  const code = s.code.toLowerCase();
  QUALIFIERS.set(code, { code: s.code, word: WORD_CODES.has(code), full: false });
}
for (const s of STATES) {
  QUALIFIERS.set(s.name.toLowerCase().replaceAll(".", ""), { code: s.code, word: false, full: true });
}
for (const [key, code] of [
  ["us virgin islands", "VI"],
  ["virgin islands", "VI"],
  ["usvi", "VI"],
  ["district of columbia", "DC"],
]) {
  QUALIFIERS.set(key, { code, word: false, full: true });
}
for (const entry of words(`ala:AL ariz:AZ ark:AR* calif:CA cal:CA* colo:CO conn:CT del:DE* fla:FL
  ill:IL* ind:IN* kan:KS* kans:KS mass:MA* mich:MI minn:MN miss:MS* mont:MT* neb:NE nebr:NE nev:NV
  okla:OK ore:OR* penn:PA* penna:PA tenn:TN tex:TX* wash:WA* wis:WI* wisc:WI wyo:WY`)) {
  const [key, code] = entry.replace("*", "").split(":");
  QUALIFIERS.set(key, { code, word: entry.endsWith("*"), full: false });
}
export const MAX_QUALIFIER_TOKENS = 3;

/** Full state names that, alone in text, are too often something else (a person, a country, DC). */
export const AMBIGUOUS_STATE_NAMES = new Set(words("washington georgia virginia indiana montana"));

/**
 * Nicknames. `city` (with the state) is looked up in the gazetteer for a coordinate; without it the
 * nickname names a whole state. `where`: "any" — also in text after a cue word or as a hashtag;
 * "location" — only in a profile location (or a hashtag), where "LA" means Los Angeles and "Cali"
 * California; "caps" — in text only when written in capitals ("SF", "DFW").
 */
export interface Alias {
  state: string;
  city?: string;
  where: "any" | "location" | "caps";
}

export const ALIASES = new Map<string, Alias>();
for (const line of `
  nyc | NY | New York City | any
  new york | NY | New York City | location
  bklyn | NY | Brooklyn | any
  bronx | NY | The Bronx | any
  la | CA | Los Angeles | caps
  sf | CA | San Francisco | caps
  san fran | CA | San Francisco | any
  philly | PA | Philadelphia | any
  vegas | NV | Las Vegas | any
  nola | LA | New Orleans | any
  chitown | IL | Chicago | any
  chi town | IL | Chicago | any
  atl | GA | Atlanta | caps
  htx | TX | Houston | caps
  atx | TX | Austin | caps
  slc | UT | Salt Lake City | caps
  okc | OK | Oklahoma City | caps
  stl | MO | St. Louis | caps
  abq | NM | Albuquerque | caps
  pdx | OR | Portland | caps
  phx | AZ | Phoenix | caps
  dc | DC | Washington, D.C. | caps
  washington dc | DC | Washington, D.C. | any
  socal, so cal, norcal, nor cal, southern california, northern california, central california | CA | | any
  bay area, sf bay area, silicon valley, inland empire | CA | | any
  cali | CA | | location
  dfw | TX | | caps
  north texas, east texas, west texas, south texas, central texas | TX | | any
  south florida, central florida | FL | | any
  long island, upstate ny, upstate new york, western ny | NY | | any
  twin cities | MN | | any
  jersey | NJ | | location
`
  .trim()
  .split("\n")) {
  const [keys, state, city, where] = line.split("|").map((p) => p.trim());
  for (const key of phrases(keys)) {
    ALIASES.set(key, { state, city: city || undefined, where: where as Alias["where"] });
  }
}

/** Extra city names for "City, ST" ("New York, NY" → New York City; "Washington, DC"). */
export const CITY_ALIASES: [alias: string, state: string, city: string][] = [
  ["new york", "NY", "New York City"],
  ["washington", "DC", "Washington, D.C."],
  ["la", "CA", "Los Angeles"],
  ["sf", "CA", "San Francisco"],
];

/**
 * Words that put a location outside the US: countries, Canadian provinces, continents. A qualifying
 * US match in the same location still wins ("Ontario, CA" is Ontario, California).
 */
export const FOREIGN_WORDS = new Set(
  phrases(`canada, mexico, uk, united kingdom, great britain, britain, england, scotland, wales,
  ireland, northern ireland, australia, new zealand, india, pakistan, bangladesh, nigeria, ghana, kenya,
  south africa, germany, deutschland, france, spain, espana, portugal, italy, italia, netherlands,
  holland, belgium, switzerland, austria, sweden, norway, denmark, finland, poland, ukraine, russia,
  turkey, israel, lebanon, egypt, uae, dubai, saudi arabia, qatar, china, hong kong, taiwan, japan,
  korea, south korea, philippines, indonesia, malaysia, singapore, thailand, vietnam, brazil, brasil,
  argentina, colombia, chile, peru, venezuela, jamaica, trinidad, bahamas, dominican republic, cuba,
  haiti, europe, asia, africa, ontario, quebec, british columbia, alberta, manitoba, saskatchewan,
  nova scotia, new brunswick, newfoundland, prince edward island, yukon, nunavut, cdmx`),
);
/** Province and country codes that mark a location as foreign after a comma ("Toronto, ON"). */
export const FOREIGN_CODES = new Set(words("on qc bc ab mb sk ns nb nl pe yt nt nu uk gb aus mx"));
export const MAX_FOREIGN_TOKENS = 3;

/** Words that do not change where a location is ("Fresno, CA, USA"). */
export const NEUTRAL_WORDS = new Set(phrases("usa, us, united states, united states of america, america"));

/**
 * City names that are also ordinary English words ("Mobile", "Paradise", "Surprise", "Independence",
 * "Normal", "Spring", "Union"...): never matched without a state after them. Generated once from the
 * GeoNames names of US places of ≥ 2,000 people that are lower-case words of the wamerican word list,
 * then curated by hand (distinctive city names such as Phoenix, Buffalo, Anchorage, Boulder removed),
 * plus a few words that are never a place in a complaint.
 */
export const STOPWORD_CITIES = new Set(
  words(`
alliance aloha alpha antelope anthem antlers apex arbutus argyle auburn august badger baker ball 
  banning basalt bath battlefield bear beaver bell bells bishop bloomer bonanza boron bountiful branch 
  briar brier bright brooks brush burns butler cache cactus calcium canyon carefree cascade celebration 
  centennial center central chamberlain chinchilla clay clever clover cloverleaf coats college combine 
  comfort commerce converse cool cooper corona crane crest crystal cumming cypress delta dent derby 
  diamond doffing dyer eagle early echelon economy effort eminence empire enterprise ester experiment 
  fairway falconer fate fife fishhook flora florin flushing fords forest forks foster fountain freedom 
  freer friendly garnet garrison gateway gentry globe golden granite grant grants gray green griffin 
  grimes grove groves halfway halls harbor hart harvest hazard headland heath helper hideaway highland 
  highlands hillside holiday holly homeland homestead hometown hominy hooks hope hull hunter independence 
  jay junction justice keystone kiln kinder king lakes landing landmark lapel lead lee liberal liberty 
  licking lisle llano locust maiden maize mango manning manor many marlin martin mascot mason mayo mead 
  mecca media medulla meeker mills minster mission mobile monument morrow mound mountainside mulberry 
  muse mystic narrows newton nice noble normal oasis opportunity oracle orange orchards overland pace 
  pacific page paradise paramount parkway parole pearl peculiar petal pinch pink plains plum polo portage 
  porter post price privateer proctor progress prospect prosper purchase ranger raven reading redwood 
  republic reserve revere ridge rifle robins roebuck rogers rusk rye sandstone sandwich sandy savage 
  sawmills scissors seaside sells severance shepherd shields shiner silt sisters spring springs spry 
  staples star stonewall strawberry sultan summit sunrise sunset superior surprise tangerine tea temple 
  thatcher thermal tool tornado triangle trinity trooper turner tyro union university uptown valley van 
  verdigris victor villas vineyard vineyards viola violet vista volcano walker walnut ward warden ware 
  warrior watchtower weaver weed welcome wellington wells welsh west whetstone whiting wilder willow 
  willows winner winters wise worth wrens wright
  earth mars heaven hell home nowhere everywhere worldwide internet world planet universe moon power
  energy industry outage outages storm city town county state local area downtown online here there`),
);

/**
 * Names of big cities that are also common first names, surnames or other things ("Austin",
 * "Charlotte", "Denver", "Phoenix", "Columbus", "Jackson"): matched only with a cue ("in Austin"), a
 * hashtag or a state, never as a bare capitalised word.
 */
export const PERSON_LIKE_CITIES = new Set(
  words(`austin charlotte denver dallas brooklyn phoenix madison aurora lincoln henderson mesa chandler
  gilbert irving garland jamaica queens manhattan cleveland columbus memphis arlington orlando jackson
  tyler durham raleigh fremont houston paradise glendale richmond lexington toledo newark stockton`),
);

/** Words before a place that say where something is ("in Reno", "across Dallas", "near Boise"). */
// Not "from" or "to": "moving from Denver to Reno" says nothing about where the outage is.
export const CUE_WORDS = new Set(words("in at near around across throughout outside over thru through"));
/** Words that may stand between a cue and the place ("in downtown Reno", "in the Bronx"). */
export const PLACE_MODIFIERS = new Set(
  words(`the downtown uptown midtown north south east west northern southern eastern western central
  greater metro all of parts suburban rural nw ne sw se`),
);
/**
 * Words that, right after a name, show it is part of a longer name (a street, a county, a business, a
 * team): "Orange County", "Phoenix Ave", "Columbus Day", "Reading Terminal", "Phoenix Suns".
 */
export const NAME_CONTINUATIONS = new Set(
  words(`county counties parish street st saint avenue ave road rd blvd boulevard drive dr lane ln way
  hwy highway pkwy parkway park mall airport station school university college hospital day terminal
  center centre plaza square township twp river lake bridge bay beach hotel office airlines team fc sc
  suns cardinals bulls bears cowboys browns bengals jets giants rockets heat lakers clippers warriors
  raiders chargers rams kings sharks nuggets broncos avalanche`),
);
