/**
 * NAB evaluation of the spike detector on the realTweets development set.
 *
 *   npx tsx bench/eval-nab.ts [--set '{"detected":{"alpha":1e-7}}'] [--loo] [--keep DIR]
 *
 * Runs `scoreSeries` (the same engine as live detection) on every CSV in data/nab/realTweets, writes the
 * 0/1 results into a temporary directory, and scores them with `tools/nab-score.mjs` under NAB's three
 * cost profiles. Prints a per-file table and, as the LAST line, one JSON object:
 *   {"bench":"nab","standard":..,"reward_low_FP_rate":..,"reward_low_FN_rate":..[,"leaveOneOut":{..}]}
 *
 * --loo: leave-one-file-out robustness check. For each file, a small grid of principled settings
 *   (detection alpha, minimum ratio, quiet time before a spike ends) is scored on the OTHER four files
 *   (standard profile), the best is kept, and that setting scores the held-out file. The held-out
 *   files' raw scores are pooled and normalised as NAB does. A large gap between this and the
 *   in-sample figure would mean the defaults are fitted to these five files.
 * --set: JSON overrides of the detector config (for experiments; the defaults are what is reported).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { DetectorConfigInput } from "~/domain/detection/config";
import { formatScoresCsv, parseSeriesCsv, type SeriesOptions, scoreSeries } from "~/domain/detection/series";

const SHARED = process.env.CLARION_SHARED ?? resolve(import.meta.dirname, "../../shared");
const DATA = join(SHARED, "data/nab/realTweets");
const WINDOWS = join(SHARED, "data/nab/windows.json");
const SCORER = join(SHARED, "tools/nab-score.mjs");
const PROFILES = ["standard", "reward_low_FP_rate", "reward_low_FN_rate"] as const;
type Profile = (typeof PROFILES)[number];
type Config = DetectorConfigInput & SeriesOptions;

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

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const files = readdirSync(DATA)
  .filter((f) => f.endsWith(".csv"))
  .sort();
const series = new Map(files.map((f) => [f, parseSeriesCsv(readFileSync(join(DATA, f), "utf8"))]));

function writeResults(dir: string, config: Config, only?: string[]): void {
  mkdirSync(dir, { recursive: true });
  for (const f of only ?? files) {
    const rows = series.get(f)!;
    writeFileSync(join(dir, `clarion_${f}`), formatScoresCsv(rows, scoreSeries(rows, config)));
  }
}

function runScorer(resultsDir: string, profile: Profile, dataDir = DATA): ScorerSummary {
  const out = execFileSync(
    process.execPath,
    [
      SCORER,
      "--data",
      dataDir,
      "--windows",
      WINDOWS,
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

/** NAB's normalisation over a set of per-file raw scores (null = −fn per window, perfect = tp per window). */
function normalise(raw: number, windows: number, profile: Profile): number {
  const fn = profile === "reward_low_FN_rate" ? 2 : 1;
  return (100 * (raw + fn * windows)) / (windows + fn * windows);
}

const overrides: Config = JSON.parse(arg("set") ?? "{}");
const keep = arg("keep");
const dir = keep ? resolve(keep) : mkdtempSync(join(tmpdir(), "clarion-nab-"));
const t0 = performance.now();
writeResults(dir, overrides);
const scoredMs = performance.now() - t0;
console.log(`scored ${files.length} series in ${(scoredMs / 1000).toFixed(1)} s → ${dir}`);

const results = Object.fromEntries(PROFILES.map((p) => [p, runScorer(dir, p)])) as Record<
  Profile,
  ScorerSummary
>;
console.log("");
console.log(`${"file".padEnd(28)}windows  fp rows  ${PROFILES.map((p) => p.padStart(20)).join("")}`);
for (const [i, f] of results.standard.files.entries()) {
  const raws = PROFILES.map((p) => results[p].files[i].raw.toFixed(3).padStart(20)).join("");
  console.log(
    `${f.file.padEnd(28)}${`${f.windowsDetected}/${f.windows}`.padEnd(9)}${String(f.fpRows).padEnd(9)}${raws}`,
  );
}
console.log(
  `${"normalised".padEnd(46)}${PROFILES.map((p) => results[p].normalized.toFixed(1).padStart(20)).join("")}`,
);
console.log(
  `${"ARTime (published)".padEnd(46)}${[83.8, 73.1, 89.2].map((v) => v.toFixed(1).padStart(20)).join("")}`,
);
console.log(
  `${"Numenta HTM (published)".padEnd(46)}${[66.1, 61.2, 69.1].map((v) => v.toFixed(1).padStart(20)).join("")}`,
);

const summary: Record<string, unknown> = { bench: "nab" };
for (const p of PROFILES) summary[p] = Number(results[p].normalized.toFixed(1));

if (process.argv.includes("--loo")) summary.leaveOneOut = leaveOneOut();
if (!keep) rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify(summary));

/**
 * Leave-one-file-out: tune a small grid on four files, score the fifth. Grid points are scored once per
 * file (per profile) with the real scorer; folds then just pick from that table.
 */
function leaveOneOut(): Record<string, unknown> {
  const grid: { label: string; config: Config }[] = [];
  for (const alpha of [1e-5, 1e-6, 1e-8])
    for (const minRatio of [2, 2.5, 3])
      for (const endQuietBuckets of [12, 24, 48])
        for (const h of [6, 8, 12])
          grid.push({
            label: `detected.alpha=${alpha} detected.minRatio=${minRatio} endQuietBuckets=${endQuietBuckets} cusum.h=${h}`,
            config: {
              ...overrides,
              detected: { ...overrides.detected, alpha, minRatio },
              endQuietBuckets,
              cusum: { ...overrides.cusum, h },
            },
          });
  console.log(`\nleave-one-file-out over a grid of ${grid.length} settings (tuned on the standard profile)…`);
  // raw[g][profile] = file → raw score
  const raw: Record<Profile, Map<string, { raw: number; windows: number }>>[] = [];
  grid.forEach(({ config }, g) => {
    const gdir = join(dir, `grid-${g}`);
    writeResults(gdir, config);
    const per = {} as Record<Profile, Map<string, { raw: number; windows: number }>>;
    for (const p of PROFILES) {
      per[p] = new Map(runScorer(gdir, p).files.map((f) => [f.file, { raw: f.raw, windows: f.windows }]));
    }
    raw.push(per);
    rmSync(gdir, { recursive: true, force: true });
  });
  const total = (g: number, p: Profile, skip?: string) =>
    files.filter((f) => f !== skip).reduce((s, f) => s + raw[g][p].get(f)!.raw, 0);
  const windowsOf = (p: Profile, skip?: string) =>
    files.filter((f) => f !== skip).reduce((s, f) => s + raw[0][p].get(f)!.windows, 0);
  const out: Record<string, unknown> = {};
  const bestIn: Record<string, number> = {};
  for (const p of PROFILES) {
    let heldRaw = 0;
    for (const held of files) {
      let best = 0;
      for (let g = 1; g < grid.length; g++)
        if (total(g, "standard", held) > total(best, "standard", held) + 1e-9) best = g;
      heldRaw += raw[best][p].get(held)!.raw;
      if (p === "standard")
        console.log(`  held out ${held.padEnd(26)} tuned on the other four → ${grid[best].label}`);
    }
    out[p] = Number(normalise(heldRaw, windowsOf(p), p).toFixed(1));
    // For reference: the best single setting for all five files (in-sample, optimistic).
    let best = 0;
    for (let g = 1; g < grid.length; g++) if (total(g, p) > total(best, p)) best = g;
    bestIn[p] = Number(normalise(total(best, p), windowsOf(p), p).toFixed(1));
  }
  console.log(
    `  leave-one-out normalised: ${PROFILES.map((p) => `${p} ${(out[p] as number).toFixed(1)}`).join(" · ")}`,
  );
  console.log(
    `  (best grid point fitted on all five, optimistic: ${PROFILES.map((p) => `${p} ${bestIn[p].toFixed(1)}`).join(" · ")})`,
  );
  return { ...out, gridSize: grid.length, bestInSample: bestIn };
}
