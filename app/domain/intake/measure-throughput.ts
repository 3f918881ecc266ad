/**
 * Parser throughput on 200,000 complaint records generated in memory (no disk, no database), fed in
 * 64 KiB chunks as a file or request stream would be. A dev script, not part of the app:
 *
 *   npx tsx app/domain/intake/measure-throughput.ts [rows]
 *
 * Prints one line per parser and, last, one JSON object of the figures (records per second).
 */
import { parseCsv } from "./csv";
import { parseJsonArray } from "./json-array";
import { parseNdjson } from "./ndjson";
import { parseComplaintRecord } from "./record";

const rows = Number(process.argv[2] ?? 200_000);
const CHUNK = 64 * 1024;
const topics = [
  "Power out on Elm St since 6am, any ETA?",
  "Internet down again, modem blinking red",
  "Charged twice",
];

function record(i: number) {
  return {
    source: "x",
    externalId: String(1_900_000_000_000_000_000n + BigInt(i)),
    text: `${topics[i % topics.length]} — report ${i}, "quoted", café ⚡`,
    createdAt: new Date(Date.UTC(2026, 10, 2, 14, 5) + i * 1000).toISOString(),
    author: { handle: `@user${i % 5000}`, name: `User ${i % 5000}`, followers: i % 10_000 },
    lat: 36.74 + (i % 100) / 1000,
    lon: -119.78 - (i % 100) / 1000,
    location: "Fresno, CA",
    postalCode: String(93_701 + (i % 20)),
    url: `https://x.com/user${i % 5000}/status/${1_900_000_000_000_000_000n + BigInt(i)}`,
  };
}

function chunks(text: string): Buffer[] {
  const bytes = Buffer.from(text, "utf8");
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.byteLength; i += CHUNK) out.push(bytes.subarray(i, i + CHUNK));
  return out;
}

const csvCell = (v: unknown) => {
  const s = v === undefined ? "" : String(v);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

const records = Array.from({ length: rows }, (_, i) => record(i));
const ndjson = chunks(`${records.map((r) => JSON.stringify(r)).join("\n")}\n`);
const jsonArray = chunks(JSON.stringify(records));
const columns = [
  "source",
  "externalId",
  "text",
  "createdAt",
  "author.handle",
  "author.name",
  "author.followers",
];
const flat = (r: ReturnType<typeof record>) => [
  r.source,
  r.externalId,
  r.text,
  r.createdAt,
  r.author.handle,
  r.author.name,
  r.author.followers,
];
const more = ["lat", "lon", "location", "postalCode", "url"] as const;
const csv = chunks(
  `${[...columns, ...more].join(",")}\n${records.map((r) => [...flat(r), ...more.map((k) => r[k])].map(csvCell).join(",")).join("\n")}\n`,
);
const mb = (parts: Buffer[]) => (parts.reduce((n, b) => n + b.byteLength, 0) / 1024 / 1024).toFixed(1);

/**
 * Wall-clock records/s, and records per CPU-second of this process: on a shared, loaded machine the
 * CPU figure is the steadier one (it leaves out time spent waiting for a core).
 */
async function measure(name: string, size: string, run: () => Promise<number>) {
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const count = await run();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  if (count !== rows) throw new Error(`${name}: expected ${rows} records, got ${count}`);
  const perSec = Math.round(count / seconds);
  const perCpuSec = Math.round(count / cpuSeconds);
  console.log(
    `${name.padEnd(22)} ${size.padStart(6)} MB  ${seconds.toFixed(2)} s  ${perSec.toLocaleString("en-US")} records/s` +
      `  (${perCpuSec.toLocaleString("en-US")} per CPU-second)`,
  );
  return { perSec, perCpuSec };
}

async function countValues(items: AsyncIterable<object>, validate = false) {
  let n = 0;
  for await (const item of items) {
    if (!("value" in item)) throw new Error(`unexpected error item ${JSON.stringify(item)}`);
    if (validate && !parseComplaintRecord(item.value).ok) throw new Error("invalid record");
    n++;
  }
  return n;
}

const figures = {
  bench: "intake-parsers",
  rows,
  ndjsonPerSec: await measure("parseNdjson", mb(ndjson), () => countValues(parseNdjson(ndjson))),
  ndjsonValidatedPerSec: await measure("parseNdjson + validate", mb(ndjson), () =>
    countValues(parseNdjson(ndjson), true),
  ),
  jsonArrayPerSec: await measure("parseJsonArray", mb(jsonArray), () =>
    countValues(parseJsonArray(jsonArray)),
  ),
  csvPerSec: await measure("parseCsv", mb(csv), () => countValues(parseCsv(csv))),
};
console.log(JSON.stringify(figures));
