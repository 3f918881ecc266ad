/**
 * Throughput of topic classification, sentiment and term extraction on tweet-length complaints, one core:
 * `npx tsx app/domain/topics/bench.ts`. Prints figures as it goes; the last line is one JSON object.
 * Texts are the evaluation sets (eval/*.ndjson) with variations (numbers, handles, casing) so caches see
 * realistic churn rather than the same strings again and again.
 */
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { DEFAULT_TAXONOMY } from "~db/reference/taxonomy";
import { buildClassifier } from "./classifier";
import { sentimentScore } from "./sentiment";
import { extractTerms, termExclusion } from "./terms";

const base: string[] = [];
for (const name of ["tune", "holdout"]) {
  const lines = readFileSync(new URL(`eval/${name}.ndjson`, import.meta.url), "utf8").split("\n");
  for (const l of lines) if (l.trim()) base.push((JSON.parse(l) as { text: string }).text);
}
const streets = ["Elm", "Oak", "Pine", "Maple", "Cedar", "Birch", "5th", "Main"];
const texts: string[] = [];
for (let i = 0; i < 20_000; i++) {
  const t = base[i % base.length];
  const v = i % 4;
  texts.push(
    v === 0
      ? t
      : v === 1
        ? `@user${i % 997} ${t}`
        : v === 2
          ? `${t} (${streets[i % streets.length]} St, ${i % 60} min)`
          : t.toUpperCase(),
  );
}
const avgLen = texts.reduce((a, t) => a + t.length, 0) / texts.length;

/**
 * Texts per second of CPU time (user + system) of this process: what one core sustains, and robust to
 * other processes competing for the machine. Wall-clock figures are printed beside it.
 */
function measure(name: string, f: (t: string) => unknown, rounds = 5): number {
  let sink = 0;
  for (const t of texts) if (f(t)) sink++; // warm-up
  let best = 0;
  let bestWall = 0;
  for (let r = 0; r < rounds; r++) {
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (const t of texts) if (f(t)) sink++;
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    best = Math.max(best, texts.length / ((cpu.user + cpu.system) / 1e6));
    bestWall = Math.max(bestWall, texts.length / wall);
  }
  const fmt = (x: number) => Math.round(x).toLocaleString("en-US").padStart(10);
  console.log(
    `${name.padEnd(16)} ${fmt(best)} texts/CPU-s ${fmt(bestWall)} texts/s wall  (best of ${rounds}, ${texts.length} texts, avg ${avgLen.toFixed(0)} chars, ${sink} truthy)`,
  );
  return Math.round(best);
}

const t0 = process.hrtime.bigint();
const classifier = buildClassifier(DEFAULT_TAXONOMY);
const buildMs = Number(process.hrtime.bigint() - t0) / 1e6;
console.log(`buildClassifier: ${buildMs.toFixed(1)} ms (first build includes loading the word list)`);
const t1 = process.hrtime.bigint();
buildClassifier(DEFAULT_TAXONOMY);
const rebuildMs = Number(process.hrtime.bigint() - t1) / 1e6;
console.log(`rebuild: ${rebuildMs.toFixed(1)} ms`);
const exclusion = termExclusion(DEFAULT_TAXONOMY);

const classifyPerSec = measure("classify", (t) => classifier.classify(t).topic);
const sentimentPerSec = measure("sentimentScore", (t) => sentimentScore(t) !== 2);
const termsPerSec = measure("extractTerms", (t) => extractTerms(t, exclusion).length);
const allPerSec = measure("all three", (t) => {
  classifier.classify(t);
  sentimentScore(t);
  return extractTerms(t, exclusion).length;
});
console.log(
  JSON.stringify({
    bench: "topics",
    unit: "texts per CPU-second",
    loadAverage: Number(loadavg()[0].toFixed(2)),
    classifyPerSec,
    sentimentPerSec,
    extractTermsPerSec: termsPerSec,
    allThreePerSec: allPerSec,
    buildMs: Number(buildMs.toFixed(1)),
    rebuildMs: Number(rebuildMs.toFixed(1)),
    avgChars: Math.round(avgLen),
  }),
);
