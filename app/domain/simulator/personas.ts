import { CITIES, type City, NICKNAMES, VAGUE_LOCATIONS } from "./places";
import { cumulative, hashKey, Rng } from "./prng";

/**
 * The people who complain. Each region has a pool of authors (about one per 120 residents, at least
 * 300); an author is a number in that pool and everything about them (names, handles on each platform,
 * followers, home city, what their profile says about where they live, whether they geotag) is derived
 * from the seed and that number, so the same person keeps the same identity across posts and channels.
 */
export interface Persona {
  firstName: string;
  lastName: string;
  displayName: string;
  /** Handle body for X (≤ 15 of [A-Za-z0-9_]). */
  xUser: string;
  /** Bluesky handle without "@": "dana-m.bsky.social". */
  blueskyHandle: string;
  /** Bluesky DID: "did:plc:" + 24 base32 characters. */
  did: string;
  mastodonUser: string;
  mastodonInstance: string;
  followers: number;
  city: City | null;
  /** The profile's free-text location, if any (may be vague, a nickname, or another state's city). */
  profileLocation: string | null;
  geotags: boolean;
}

const FIRST = [
  "Dana",
  "Maria",
  "James",
  "Aisha",
  "Wei",
  "Carlos",
  "Priya",
  "Tyler",
  "Keisha",
  "Jake",
  "Sofia",
  "Liam",
  "Emily",
  "Marcus",
  "Jasmine",
  "Nguyen",
  "Olivia",
  "DeShawn",
  "Hannah",
  "Luis",
  "Grace",
  "Omar",
  "Chloe",
  "Ethan",
  "Fatima",
  "Brandon",
  "Mei",
  "Noah",
  "Tanya",
  "Diego",
  "Rachel",
  "Kevin",
  "Ashley",
  "Andre",
  "Megan",
  "Ravi",
  "Brittany",
  "Jordan",
  "Lauren",
  "Mateo",
  "Erin",
  "Tony",
  "Kayla",
  "Sam",
  "Linda",
  "Greg",
  "Bob",
  "Patricia",
  "Hector",
  "Yuki",
  "Carmen",
  "Derek",
  "Zoe",
  "Malik",
  "Amber",
  "Kim",
  "Jenna",
  "Raj",
  "Connor",
  "Lupe",
];
const LAST = [
  "Smith",
  "Johnson",
  "Garcia",
  "Williams",
  "Brown",
  "Martinez",
  "Lee",
  "Nguyen",
  "Patel",
  "Davis",
  "Rodriguez",
  "Wilson",
  "Anderson",
  "Thomas",
  "Taylor",
  "Moore",
  "Jackson",
  "Martin",
  "Thompson",
  "White",
  "Lopez",
  "Harris",
  "Clark",
  "Lewis",
  "Robinson",
  "Walker",
  "Young",
  "Allen",
  "King",
  "Wright",
  "Scott",
  "Torres",
  "Hill",
  "Green",
  "Adams",
  "Baker",
  "Nelson",
  "Carter",
  "Mitchell",
  "Perez",
  "Roberts",
  "Turner",
  "Phillips",
  "Campbell",
  "Parker",
  "Evans",
  "Edwards",
  "Collins",
  "Kowalski",
  "Okafor",
  "Chen",
  "Kim",
  "Yamamoto",
  "Schmidt",
  "O'Brien",
  "Murphy",
  "Reyes",
  "Cruz",
  "Hughes",
  "Sullivan",
];
const ADJECTIVES = [
  "sleepy",
  "angry",
  "tired",
  "salty",
  "cranky",
  "quiet",
  "lazy",
  "cosmic",
  "retired",
  "grumpy",
];
const NOUNS = ["otter", "moose", "gamer", "mom", "dad", "coder", "fox", "cactus", "trucker", "nurse", "fan"];
const INSTANCES = [
  "mastodon.social",
  "mastodon.social",
  "mastodon.online",
  "mas.to",
  "hachyderm.io",
  "fosstodon.org",
  "mstdn.social",
  "universeodon.com",
  "toot.community",
  "techhub.social",
];
const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

const ALL_CITIES: { code: string; city: City }[] = Object.entries(CITIES).flatMap(([code, cities]) =>
  cities.map((city) => ({ code, city })),
);

export interface PersonaPool {
  regionCode: string;
  regionName: string;
  keyOf: number;
  size: number;
  regulars: number;
  cities: City[];
  cityWeights: Float64Array;
}

export function personaPool(code: string, name: string, population: number, regionKey: number): PersonaPool {
  const cities = CITIES[code] ?? [];
  const size = Math.max(300, Math.round(population / 120));
  return {
    regionCode: code,
    regionName: name,
    keyOf: regionKey,
    size,
    regulars: Math.max(10, Math.round(size * 0.01)),
    cities,
    // Larger cities first in the table: weight 1, 1/2^0.8, 1/3^0.8, …
    cityWeights: cumulative(cities.map((_, i) => 1 / (i + 1) ** 0.8)),
  };
}

/** An author number: regular complainers (the first 1% of the pool) post far more than the rest. */
export function pickAuthor(rng: Rng, pool: PersonaPool, regularShare: number): number {
  return rng.chance(regularShare) ? rng.int(pool.regulars) : rng.int(pool.size);
}

function handleBody(rng: Rng, first: string, last: string): string {
  const lastClean = last.replace(/[^A-Za-z]/g, "");
  switch (rng.int(8)) {
    case 0:
      return `${first}${lastClean}`;
    case 1:
      return `${first}_${lastClean}`;
    case 2:
      return `${first}${rng.between(1, 99)}`;
    case 3:
      return `${first[0]}${lastClean}${rng.between(70, 99)}`;
    case 4:
      return `${lastClean}${first[0]}`;
    case 5:
      return `${rng.pick(ADJECTIVES)}_${rng.pick(NOUNS)}${rng.between(1, 999)}`;
    case 6:
      return `the_real_${first}`;
    default:
      return `${first}${lastClean[0]}_${rng.between(1, 9999)}`;
  }
}

function profileLocation(rng: Rng, pool: PersonaPool, city: City | null): string | null {
  const u = rng.next();
  if (u < 0.35 && city) {
    if (rng.chance(0.04)) {
      // Moved away, profile never updated: names a city in another state.
      const other = rng.pick(ALL_CITIES);
      if (other.code !== pool.regionCode) return `${other.city.name}, ${other.code}`;
    }
    switch (rng.int(6)) {
      case 0:
      case 1:
        return `${city.name}, ${pool.regionCode}`;
      case 2:
        return `${city.name}, ${pool.regionName}`;
      case 3:
        return city.name;
      case 4:
        return `${city.name.toLowerCase()} ${pool.regionCode.toLowerCase()}`;
      default:
        return `${city.name}, ${pool.regionCode} ${rng.pick(["🌴", "☀️", "🏔️", "🌊", "❄️", "🤠", "📍"])}`;
    }
  }
  if (u < 0.43) {
    const nicknames = NICKNAMES[pool.regionCode];
    return nicknames ? rng.pick(nicknames) : pool.regionName;
  }
  if (u < 0.58) return rng.pick(VAGUE_LOCATIONS);
  return null;
}

export function persona(seed: number, pool: PersonaPool, author: number): Persona {
  const rng = new Rng(hashKey(seed, 0x5eed, pool.keyOf, author));
  const firstName = rng.pick(FIRST);
  const last = rng.pick(LAST);
  let body = handleBody(rng, firstName, last);
  if (rng.chance(0.6)) body = body.toLowerCase();
  const xUser = body.replace(/[^A-Za-z0-9_]/g, "").slice(0, 15);
  const blueskyHandle = rng.chance(0.9)
    ? `${body
        .toLowerCase()
        .replace(/_/g, "-")
        .replace(/[^a-z0-9-]/g, "")}.bsky.social`
    : `${firstName.toLowerCase()}${last.toLowerCase().replace(/[^a-z]/g, "")}.com`;
  let did = "did:plc:";
  for (let i = 0; i < 24; i++) did += BASE32[rng.int(32)];
  const displayName = rng.pick([
    `${firstName} ${last}`,
    `${firstName} ${last}`,
    firstName,
    `${firstName} ${last[0]}.`,
    `${firstName} ${rng.pick(["🌻", "✨", "🏳️‍🌈", "🇺🇸", "⚾", "🎮"])}`,
  ]);
  // Log-normal followers: median ~110, a long tail of accounts with tens of thousands.
  const followers = Math.min(2_000_000, Math.round(Math.exp(4.7 + 1.6 * rng.normal())));
  const city = pool.cities.length ? pool.cities[rng.weighted(pool.cityWeights)] : null;
  return {
    firstName,
    lastName: last,
    displayName,
    xUser,
    blueskyHandle,
    did,
    mastodonUser: body.toLowerCase().replace(/[^a-z0-9_]/g, ""),
    mastodonInstance: rng.pick(INSTANCES),
    followers,
    city,
    profileLocation: profileLocation(rng, pool, city),
    geotags: rng.chance(0.09),
  };
}
