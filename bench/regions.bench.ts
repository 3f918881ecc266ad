/**
 * Region resolution benchmark: `npx tsx bench/regions.bench.ts [--n 200000]`.
 *
 * Prints, as it goes: the cold load time of the gazetteer and the ZIP directory (wall and CPU), the
 * time to build the index of the 51 default regions, and resolutions per second on one core for
 * text-only complaints, profile locations, ZIPs, points (grid-indexed point-in-polygon) and a realistic
 * mix. Rates are given per second of wall time and per second of this process's CPU time (the latter is
 * the one-core figure when the machine is shared; it counts GC and JIT threads too, so it is the
 * conservative one on an idle machine). The last line is one JSON object of the figures (CPU rates).
 */

import { buildRegionIndex, preloadRegionData, type RegionInput, resolveRegion } from "~/domain/regions";
import { usStateRegions } from "~db/reference/us-regions";

const arg = process.argv.indexOf("--n");
const N = arg > 0 ? Number(process.argv[arg + 1]) : 200_000;

// Deterministic pseudo-random numbers (mulberry32), so every run measures the same inputs.
let seed = 20261102;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];

const CITIES = [
  "Fresno",
  "Reno",
  "Sacramento",
  "Portland",
  "Springfield",
  "Kansas City",
  "Columbus",
  "Tulsa",
  "Boise",
  "Austin",
  "Denver",
  "St. Louis",
  "San José",
  "Mobile",
  "Jackson",
  "Paris",
  "Toronto",
];
const STATES = ["CA", "NV", "OR", "ME", "IL", "KS", "OH", "OK", "ID", "TX", "CO", "MO", "AL", "MS"];
const TEMPLATES = [
  (c: string) => `Power out in ${c} since 6am, any ETA? @utility`,
  (c: string, s: string) => `No internet in ${c}, ${s} again!! third time this week https://t.co/abc123`,
  (c: string) => `#${c.replace(/\s|\./g, "")} outage, whole block is dark`,
  () => "my internet is down again and nobody answers the phone. 2 hours on hold",
  () => "Why is my bill $40 higher this month?? I'm in ok shape otherwise lol",
  () => "app keeps logging me out, hi there support team, me too same problem",
  () => "Technician never showed up for the install appointment between 8 and 12. Rescheduled twice now.",
  (c: string, s: string) =>
    `power outage ${c.toLowerCase()} ${s.toLowerCase()} — sparks near the transformer on Main St`,
  () => "Still no service. Called three times. This is ridiculous, I work from home and need my connection.",
  () => "Everything has been slow since the storm last night, intermittent drops every few minutes",
];
const LOCATIONS = [
  "Fresno, CA",
  "portland oregon",
  "NYC",
  "Earth",
  "she/her",
  "Kansas City KS",
  "California",
  "Bay Area",
  "Toronto, ON",
  "",
  "🌴 LA 🌴",
  "Springfield",
  "Houston | Dallas",
];

function texts(n: number): string[] {
  return Array.from({ length: n }, () => pick(TEMPLATES)(pick(CITIES), pick(STATES)));
}

function rate(label: string, inputs: RegionInput[], index: ReturnType<typeof buildRegionIndex>): number {
  // Warm up, then time one pass over all inputs.
  for (let i = 0; i < Math.min(5_000, inputs.length); i++) resolveRegion(inputs[i], index);
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  let resolved = 0;
  for (const input of inputs) if (resolveRegion(input, index).region) resolved++;
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const perSec = Math.round(inputs.length / seconds);
  const perCpuSec = Math.round(inputs.length / cpuSeconds);
  console.log(
    `${label.padEnd(38)} ${perSec.toLocaleString("en-US").padStart(11)} /s wall, ${perCpuSec.toLocaleString("en-US").padStart(11)} /s CPU  (${inputs.length.toLocaleString("en-US")}, ${((resolved / inputs.length) * 100).toFixed(1)}% resolved)`,
  );
  return perCpuSec;
}

const cpu0 = process.cpuUsage();
const loaded = preloadRegionData();
const cpu = process.cpuUsage(cpu0);
const loadCpuMs = Math.round((cpu.user + cpu.system) / 1000);
console.log(
  `cold load: gazetteer ${loaded.gazetteerMillis.toFixed(0)} ms (${loaded.places} places), ZIPs ${loaded.zipMillis.toFixed(0)} ms (${loaded.zips} ZIPs); CPU ${loadCpuMs} ms`,
);

const regions = usStateRegions();
const started = performance.now();
const index = buildRegionIndex(regions);
const buildMs = performance.now() - started;
console.log(`index of ${regions.length} regions built in ${buildMs.toFixed(0)} ms`);

const textInputs = texts(N).map((text) => ({ text }));
const textOnly = rate("text only", textInputs, index);

const locationInputs = textInputs.map((t) => ({ ...t, location: pick(LOCATIONS) }));
const withLocation = rate("text + location", locationInputs, index);

const zips = ["93701", "02139", "10001-2345", "60601", "99501", "96813", "00000", "K1A 0B1", "2139"];
const postal = rate(
  "postal",
  Array.from({ length: N }, () => ({ text: "no power", postalCode: pick(zips) })),
  index,
);

const usPoints = Array.from({ length: N }, () => ({
  text: "no power",
  lat: 25 + random() * 24,
  lon: -124 + random() * 57,
}));
const geoUS = rate("geo, points in the lower 48 box", usPoints, index);
const anywhere = Array.from({ length: N }, () => ({
  text: "no power",
  lat: -60 + random() * 135,
  lon: -180 + random() * 360,
}));
const geoWorld = rate("geo, points anywhere (→ fall through)", anywhere, index);

// A realistic intake mix: 10% with coordinates, 15% with a ZIP, 60% with a location, every one with text.
const mixed: RegionInput[] = textInputs.map((t) => {
  const r = random();
  if (r < 0.1) return { ...t, lat: 30 + random() * 15, lon: -120 + random() * 45 };
  if (r < 0.25) return { ...t, postalCode: pick(zips) };
  if (r < 0.85)
    return { ...t, location: pick(LOCATIONS), timeZone: pick(["America/Phoenix", "America/New_York", null]) };
  return t;
});
const mix = rate("mixed intake", mixed, index);

console.log(
  JSON.stringify({
    bench: "regions",
    gazetteerLoadMs: Math.round(loaded.gazetteerMillis),
    zipLoadMs: Math.round(loaded.zipMillis),
    loadCpuMs,
    indexBuildMs: Math.round(buildMs),
    textPerSec: textOnly,
    textLocationPerSec: withLocation,
    postalPerSec: postal,
    geoPerSec: geoUS,
    geoWorldPerSec: geoWorld,
    mixedPerSec: mix,
    n: N,
  }),
);
