/**
 * NAB evaluation of `scoreSeries` (the detector for any series, `app/domain/detection/univariate.ts`) on
 * every corpus we hold: realTweets (the development set, data/nab) and the five other NAB corpora
 * (data/nab-more: realKnownCause, realTraffic, realAdExchange, realAWSCloudwatch, artificialWithAnomaly),
 * all with the same defaults.
 *
 *   npx tsx bench/eval-nab.ts [--corpus NAME[,NAME]] [--set '{"alarm":{"alpha":3}}'] [--loco] [--files]
 *                             [--engine] [--keep DIR]
 *
 * Runs scoreSeries in-process on every CSV, writes the 0/1 results into a temporary directory per corpus
 * and scores them with `../shared/tools/nab-score.mjs` under NAB's three cost profiles. Prints one row per
 * corpus next to ARTime and Numenta HTM (as published for these files) and, as the LAST line, one JSON
 * object: {"bench":"nab","standard":..,"reward_low_FP_rate":..,"reward_low_FN_rate":.. (realTweets),
 * "corpora":{NAME:{standard,reward_low_FP_rate,reward_low_FN_rate,windows,detected,fpRows},..}[,"loco":{..}]}
 *
 * --loco: leave-one-corpus-out. The one knob left, the alarm threshold `alarm.alpha` (expected number of
 *   as-extreme excursions in the history so far), is chosen from a small grid on five corpora (the mean of
 *   their normalised standard scores) and that choice scores the sixth; repeated for each corpus.
 * --files: per-file rows (windows found, flagged rows outside windows, raw scores).
 * --engine: realTweets through the console's per-cell engine instead (`scoreSeriesWithEngine`), for
 *   comparison with the figures before the univariate detector.
 * --set: JSON overrides of the univariate config (experiments; the defaults are what is reported).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  formatScoresCsv,
  parseSeriesCsv,
  type SeriesRow,
  scoreSeries,
  scoreSeriesWithEngine,
} from "~/domain/detection/series";
import type { UnivariateConfigInput } from "~/domain/detection/univariate";

const SHARED = process.env.CLARION_SHARED ?? resolve(import.meta.dirname, "../../shared");
const SCORER = join(SHARED, "tools/nab-score.mjs");
const PROFILES = ["standard", "reward_low_FP_rate", "reward_low_FN_rate"] as const;
type Profile = (typeof PROFILES)[number];
type Triple = [number, number, number];

/** Published scores (standard / low FP / low FN): ARTime and Numenta HTM on the files we hold. */
const CORPORA: { name: string; dir: string; windows: string; artime: Triple; htm: Triple }[] = [
  {
    name: "realTweets",
    dir: join(SHARED, "data/nab/realTweets"),
    windows: join(SHARED, "data/nab/windows.json"),
    artime: [83.8, 73.1, 89.2],
    htm: [66.1, 61.2, 69.1],
  },
  ...(
    [
      ["realKnownCause", [63.9, 52.2, 70.7], [55.5, 49.3, 61.5]],
      ["realTraffic", [86.9, 81.5, 91.2], [82.5, 75.7, 86.0]],
      ["realAdExchange", [75.1, 70.8, 78.7], [76.9, 67.7, 79.8]],
      ["realAWSCloudwatch", [69.5, 59.0, 75.2], [73.4, 65.8, 76.7]],
      ["artificialWithAnomaly", [70.3, 60.6, 74.7], [70.2, 68.4, 74.6]],
    ] as const
  ).map(([name, artime, htm]) => ({
    name,
    dir: join(SHARED, "data/nab-more", name),
    windows: join(SHARED, "data/nab-more/windows.json"),
    artime: [...artime] as Triple,
    htm: [...htm] as Triple,
  })),
];

interface FileScore {
  file: string;
  raw: number;
  tpRows: number;
  fpRows: number;
  windows: number;
  windowsDetected: number;
}
interface ScorerSummary {
  profile: Profile;
  files: FileScore[];
  raw: number;
  windows: number;
  normalized: number;
}
interface CorpusResult {
  name: string;
  scores: Record<Profile, ScorerSummary>;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

const only = arg("corpus")?.split(",");
const corpora = CORPORA.filter((c) => !only || only.includes(c.name));
if (corpora.length === 0) throw new Error(`--corpus: none of ${only?.join(", ")} is a corpus we hold`);
const overrides: UnivariateConfigInput = JSON.parse(arg("set") ?? "{}");
const keep = arg("keep");
const root = keep ? resolve(keep) : mkdtempSync(join(tmpdir(), "clarion-nab-"));

const series = new Map<string, { file: string; rows: SeriesRow[] }[]>(
  corpora.map((c) => [
    c.name,
    readdirSync(c.dir)
      .filter((f) => f.endsWith(".csv"))
      .sort()
      .map((file) => ({ file, rows: parseSeriesCsv(readFileSync(join(c.dir, file), "utf8")) })),
  ]),
);

function runScorer(dataDir: string, windows: string, resultsDir: string, profile: Profile): ScorerSummary {
  const out = execFileSync(
    process.execPath,
    [
      SCORER,
      "--data",
      dataDir,
      "--windows",
      windows,
      "--results",
      resultsDir,
      "--profile",
      profile,
      "--json",
    ],
    { encoding: "utf8" },
  );
  return JSON.parse(out) as ScorerSummary;
}

/** Scores every file of every corpus with one config; `label` names the results directory. */
function evaluate(config: UnivariateConfigInput, label: string, engine = false): CorpusResult[] {
  return corpora.map((c) => {
    const dir = join(root, label, c.name);
    mkdirSync(dir, { recursive: true });
    for (const { file, rows } of series.get(c.name)!) {
      const scores =
        engine && c.name === "realTweets" ? scoreSeriesWithEngine(rows) : scoreSeries(rows, config);
      writeFileSync(join(dir, `clarion_${file}`), formatScoresCsv(rows, scores));
    }
    const scores = Object.fromEntries(
      PROFILES.map((p) => [p, runScorer(c.dir, c.windows, dir, p)]),
    ) as Record<Profile, ScorerSummary>;
    return { name: c.name, scores };
  });
}

const fmt = (v: number) => v.toFixed(1).padStart(6);
const triple = (t: Triple) => t.map(fmt).join("");
const totals = (s: ScorerSummary) => ({
  windows: s.files.reduce((a, f) => a + f.windows, 0),
  detected: s.files.reduce((a, f) => a + f.windowsDetected, 0),
  fpRows: s.files.reduce((a, f) => a + f.fpRows, 0),
});

const t0 = performance.now();
const results = evaluate(overrides, "defaults", flag("engine"));
const rows = series.size === 0 ? 0 : [...series.values()].flat().reduce((a, s) => a + s.rows.length, 0);
console.log(
  `scored ${[...series.values()].flat().length} series (${rows.toLocaleString("en")} rows) in ${((performance.now() - t0) / 1000).toFixed(1)} s → ${root}`,
);
console.log("");
console.log(
  `${"corpus".padEnd(24)}${"found".padStart(8)}${"fp rows".padStart(9)}   ${"this detector".padEnd(18)}   ${"ARTime".padEnd(18)}   ${"Numenta HTM".padEnd(18)}`,
);
console.log(`${"".padEnd(44)}${"std  lowFP  lowFN   ".repeat(3)}`);
for (const r of results) {
  const c = corpora.find((x) => x.name === r.name)!;
  const t = totals(r.scores.standard);
  const ours = PROFILES.map((p) => r.scores[p].normalized) as Triple;
  console.log(
    `${r.name.padEnd(24)}${`${t.detected}/${t.windows}`.padStart(8)}${String(t.fpRows).padStart(9)}   ${triple(ours)}   ${triple(c.artime)}   ${triple(c.htm)}`,
  );
  if (flag("files")) {
    for (const [i, f] of r.scores.standard.files.entries()) {
      const raws = PROFILES.map((p) => r.scores[p].files[i].raw.toFixed(2).padStart(7)).join("");
      console.log(
        `    ${f.file.padEnd(44)}${`${f.windowsDetected}/${f.windows}`.padStart(6)}${String(f.fpRows).padStart(5)}${raws}`,
      );
    }
  }
}

const summary: Record<string, unknown> = { bench: "nab" };
const tweets = results.find((r) => r.name === "realTweets");
if (tweets) for (const p of PROFILES) summary[p] = Number(tweets.scores[p].normalized.toFixed(1));
summary.corpora = Object.fromEntries(
  results.map((r) => [
    r.name,
    {
      ...Object.fromEntries(PROFILES.map((p) => [p, Number(r.scores[p].normalized.toFixed(1))])),
      ...totals(r.scores.standard),
    },
  ]),
);
if (flag("loco")) summary.loco = leaveOneCorpusOut();
if (!keep) rmSync(root, { recursive: true, force: true });
console.log(JSON.stringify(summary));

/**
 * Leave-one-corpus-out over a grid of `alarm.alpha`: every grid point scores every corpus once; each fold
 * then picks the point with the best mean normalised standard score over the other corpora.
 */
function leaveOneCorpusOut(): Record<string, unknown> {
  const grid = [0.3, 1, 3];
  console.log(`\nleave-one-corpus-out: alarm.alpha chosen from {${grid.join(", ")}} on the other corpora`);
  const byAlpha = grid.map((alpha) =>
    alpha === 1 && overrides.alarm?.alpha === undefined
      ? results
      : evaluate({ ...overrides, alarm: { ...overrides.alarm, alpha } }, `alpha-${alpha}`),
  );
  const score = (g: number, name: string, p: Profile) =>
    byAlpha[g].find((r) => r.name === name)!.scores[p].normalized;
  const out: Record<string, unknown> = {};
  for (const held of corpora) {
    const others = corpora.filter((c) => c.name !== held.name);
    let best = 0;
    const mean = (g: number) => others.reduce((a, c) => a + score(g, c.name, "standard"), 0) / others.length;
    for (let g = 1; g < grid.length; g++) if (mean(g) > mean(best) + 1e-9) best = g;
    const held3 = PROFILES.map((p) => score(best, held.name, p)) as Triple;
    console.log(`  ${held.name.padEnd(24)}alpha ${String(grid[best]).padEnd(5)}${triple(held3)}`);
    out[held.name] = {
      alpha: grid[best],
      ...Object.fromEntries(PROFILES.map((p, i) => [p, Number(held3[i].toFixed(1))])),
    };
  }
  return out;
}
