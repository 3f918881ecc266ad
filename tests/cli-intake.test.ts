import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { simulate, US_SIM_REGIONS } from "~/domain/simulator";
import { cli, cliTarget } from "./support/cli";

let target: Awaited<ReturnType<typeof cliTarget>>;
let dir: string;
beforeAll(async () => {
  target = await cliTarget();
  dir = mkdtempSync(join(tmpdir(), "clarion-import-"));
});
afterAll(async () => {
  await target?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, content: string) {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const ndjson = [
  JSON.stringify({
    source: "x",
    externalId: "1",
    text: "Power out on Elm St since 6am, any ETA?",
    createdAt: "2026-11-02T14:05:00Z",
    location: "Fresno, CA",
    extraField: { kept: true },
  }),
  "",
  JSON.stringify({
    source: "x",
    externalId: "2",
    text: "no power",
    createdAt: "2026-11-02T14:06:00Z",
    lat: "north",
  }),
  "{broken json",
  JSON.stringify({
    source: "zendesk",
    externalId: "T1",
    text: "charged twice for October",
    createdAt: "2026-11-02T14:07:00Z",
    postalCode: "10001",
  }),
].join("\n");

describe("cli import / export", () => {
  it("imports NDJSON, reporting rejected lines by their line number", async () => {
    const res = await cli(["import", file("a.ndjson", ndjson), "--json"], target.env);
    expect(res.code).toBe(0);
    const summary = JSON.parse(res.stdout);
    expect(summary).toMatchObject({ accepted: 2, duplicates: 0, rejected: 2 });
    expect(summary.errors).toEqual([
      { line: 3, message: "lat must be a number" },
      { line: 4, message: expect.stringMatching(/JSON/) },
    ]);
  });

  it("stores nothing twice when the same file is imported again", async () => {
    const res = await cli(["import", join(dir, "a.ndjson"), "--json"], target.env);
    expect(JSON.parse(res.stdout)).toMatchObject({ accepted: 0, duplicates: 2, rejected: 2 });
  });

  it("imports CSV with the contract's column names", async () => {
    const csv = [
      "source,externalId,text,createdAt,lat,lon,author.handle,author.followers,postalCode",
      'callcentre,C-1,"Caller reports no power, lines down on 5th",2026-11-02T15:00:00Z,,,agent7,,97201',
      "form,F-1,internet slow all evening,2026-11-02T15:05:00Z,39.52,-119.81,,,",
      "form,F-2,bad lat,2026-11-02T15:05:00Z,north,-119.81,,,",
    ].join("\n");
    const res = await cli(["import", file("b.csv", csv), "--json"], target.env);
    expect(res.code).toBe(0);
    const summary = JSON.parse(res.stdout);
    expect(summary).toMatchObject({ accepted: 2, rejected: 1 });
    expect(summary.errors[0]).toEqual({ line: 4, message: "lat must be a number" });
  });

  it("takes --source to name where a file came from", async () => {
    const res = await cli(
      [
        "import",
        file(
          "c.ndjson",
          JSON.stringify({
            source: "ignored",
            externalId: "s1",
            text: "outage",
            createdAt: "2026-11-02T16:00:00Z",
          }),
        ),
        "--source",
        "callcentre",
        "--json",
      ],
      target.env,
    );
    expect(JSON.parse(res.stdout)).toMatchObject({ accepted: 1 });
  });

  it("answers a missing file or unknown extension with a usage error", async () => {
    expect((await cli(["import", join(dir, "missing.ndjson")], target.env)).code).toBe(2);
    const txt = await cli(["import", file("d.txt", "hello")], target.env);
    expect(txt.code).toBe(2);
    expect(txt.stderr).toMatch(/\.ndjson, \.jsonl or \.csv/);
    expect((await cli(["import"], target.env)).code).toBe(2);
  });

  it("exports complaints as imported plus what enrichment decided", async () => {
    const res = await cli(["export", "complaints"], target.env);
    expect(res.code).toBe(0);
    const rows = res.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(rows).toHaveLength(5);
    const first = rows.find((r) => r.externalId === "1");
    expect(first).toMatchObject({
      source: "x",
      text: "Power out on Elm St since 6am, any ETA?",
      extraField: { kept: true },
      region: "CA",
      regionMethod: "place",
      topic: "outage",
    });
    expect(typeof first.regionConfidence).toBe("number");
    expect(typeof first.topicScore).toBe("number");
    expect(typeof first.sentiment).toBe("number");
    const nyc = rows.find((r) => r.externalId === "T1");
    expect(nyc).toMatchObject({ region: "NY", regionMethod: "postal", topic: "billing" });

    const windowed = await cli(
      ["export", "complaints", "--from", "2026-11-02T15:00:00Z", "--to", "2026-11-02T15:10:00Z"],
      target.env,
    );
    expect(windowed.stdout.trim().split("\n")).toHaveLength(2);
    expect((await cli(["export", "complaints", "--from", "last tuesday"], target.env)).code).toBe(2);
  });
});

describe("cli taxonomy", () => {
  it("exports the default taxonomy and imports a replacement, keeping `other`", async () => {
    const exported = await cli(["taxonomy", "export", "--json"], target.env);
    const taxonomy = JSON.parse(exported.stdout);
    expect(taxonomy.map((t: { slug: string }) => t.slug)).toEqual([
      "outage",
      "degraded",
      "billing",
      "app-login",
      "install",
      "support",
      "safety",
      "other",
    ]);
    const replacement = [
      { slug: "outage", label: "Outage", keywords: ["power out", "no power"] },
      { slug: "water-quality", label: "Water quality", keywords: ["brown water", "boil notice"] },
    ];
    const imported = await cli(
      ["taxonomy", "import", file("tax.json", JSON.stringify(replacement)), "--json"],
      target.env,
    );
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout).map((t: { slug: string }) => t.slug)).toEqual([
      "outage",
      "water-quality",
      "other",
    ]);

    const classified = await cli(
      [
        "import",
        file(
          "w.ndjson",
          JSON.stringify({
            source: "form",
            externalId: "w1",
            text: "there is brown water coming out of my tap",
            createdAt: "2026-11-02T17:00:00Z",
          }),
        ),
        "--json",
      ],
      target.env,
    );
    expect(JSON.parse(classified.stdout).accepted).toBe(1);
    const out = await cli(["export", "complaints", "--from", "2026-11-02T17:00:00Z"], target.env);
    expect(JSON.parse(out.stdout.trim()).topic).toBe("water-quality");
  });

  it("rejects an invalid taxonomy with messages naming the topic and field", async () => {
    const res = await cli(
      [
        "taxonomy",
        "import",
        file(
          "bad.json",
          JSON.stringify([
            { slug: "Bad Slug", label: "" },
            { slug: "x", label: "X", keywords: "nope" },
          ]),
        ),
      ],
      target.env,
    );
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/topic 1 slug/);
    expect(res.stderr).toMatch(/topic 2 keywords/);
    const notJson = await cli(["taxonomy", "import", file("bad2.json", "{")], target.env);
    expect(notJson.code).toBe(2);
  });
});

describe("cli simulate", () => {
  it("writes importable traffic with the incidents' ground truth beside it", async () => {
    const out = join(dir, "sim.ndjson");
    const res = await cli(
      [
        "simulate",
        "--days",
        "1",
        "--out",
        out,
        "--end",
        "2026-11-10T00:00:00Z",
        "--scenario",
        "vermont-small-outage",
        "--json",
      ],
      target.env,
    );
    expect(res.code).toBe(0);
    const summary = JSON.parse(res.stdout);
    expect(summary.records).toBeGreaterThan(500);
    const truth = JSON.parse(readFileSync(summary.truth, "utf8"));
    expect(truth.incidents).toEqual([
      expect.objectContaining({ topic: "outage", regions: ["VT"], kind: "incident" }),
    ]);
    const lines = readFileSync(out, "utf8").trim().split("\n");
    expect(lines).toHaveLength(summary.records);
    expect(lines.some((l) => l.includes("_truth"))).toBe(false);
    const imported = await cli(["import", out, "--json"], target.env);
    expect(JSON.parse(imported.stdout)).toMatchObject({ accepted: summary.records, rejected: 0 });
  });

  it("answers bad options with a usage error", async () => {
    expect((await cli(["simulate", "--days", "0", "--out", join(dir, "x.ndjson")], target.env)).code).toBe(2);
    expect((await cli(["simulate", "--days", "1"], target.env)).code).toBe(2);
    const unknown = await cli(
      ["simulate", "--days", "1", "--out", join(dir, "x.ndjson"), "--scenario", "meteor"],
      target.env,
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/western-power-outage/);
  });
});

describe("cli import as a process (tsx)", () => {
  it("starts the enrichment worker threads for a large file and imports it whole", async () => {
    const records = [];
    for (const r of simulate({
      from: Date.parse("2026-09-01T00:00:00Z"),
      to: Date.parse("2026-09-04T00:00:00Z"),
      seed: 12,
      regions: US_SIM_REGIONS,
      baseRatePerDay: 1500,
      incidents: [],
      labels: false,
    })) {
      records.push(JSON.stringify(r));
      if (records.length === 3000) break;
    }
    const big = file("big.ndjson", `${records.join("\n")}\n`);
    const env: NodeJS.ProcessEnv = { ...process.env, ...target.env, NODE_ENV: "test", LOG_LEVEL: "info" };
    const { stdout, stderr } = await promisify(execFile)(
      "npx",
      ["tsx", "app/cli/main.ts", "import", big, "--json"],
      {
        env,
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    expect(JSON.parse(stdout)).toMatchObject({ accepted: 3000, duplicates: 0, rejected: 0 });
    // Worker threads do not inherit tsx's loader: this line says the TypeScript worker loaded anyway.
    expect(stderr).toMatch(/enrichment pool: \d+ worker threads? ready/);
    expect(stderr).not.toMatch(/cannot start|failed/);
  });
});
