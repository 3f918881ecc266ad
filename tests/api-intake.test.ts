import { eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "~/server/http";
import { SYSTEM } from "~/services/audit.server";
import { loadEnricher } from "~/services/enrichment.server";
import { sharedEnrichmentPool } from "~/services/enrichment-pool.server";
import { createSource } from "~/services/sources.server";
import { createApiToken } from "~/services/tokens.server";
import { SecretBox } from "~/utils/crypto.server";
import { complaints, sources } from "~db/schema";
import { freshDatabase, type TestDatabase } from "./support/db";
import { startTestServer } from "./support/server";

let t: TestDatabase;
let server: RunningServer;
let token: string;

beforeAll(async () => {
  t = await freshDatabase();
  server = await startTestServer(t);
  token = (await createApiToken(t.database.db, t.org.id, { name: "tests" }, SYSTEM)).token;
});
afterAll(async () => {
  await server?.close();
  await t?.close();
});

function post(path: string, body: string, headers: Record<string, string> = {}) {
  return fetch(`${server.url}${path}`, {
    method: "POST",
    body,
    headers: { Authorization: `Bearer ${token}`, ...headers },
  });
}

const record = (id: string, extra: Record<string, unknown> = {}) => ({
  source: "x",
  externalId: id,
  text: "Power out on Elm St since 6am, any ETA?",
  createdAt: "2026-11-02T14:05:00Z",
  ...extra,
});

describe("POST /api/v1/complaints", () => {
  it("refuses a missing or wrong token with 401 JSON", async () => {
    const res = await fetch(`${server.url}/api/v1/complaints`, { method: "POST", body: "[]" });
    expect(res.status).toBe(401);
    expect((await res.json()).error).toMatch(/API token/);
    const wrong = await fetch(`${server.url}/api/v1/complaints`, {
      method: "POST",
      body: "[]",
      headers: { Authorization: "Bearer clr_nope" },
    });
    expect(wrong.status).toBe(401);
  });

  it("takes a JSON array and answers with the import summary", async () => {
    const res = await post(
      "/api/v1/complaints",
      JSON.stringify([record("a1"), record("a2", { lat: "north" }), record("a3")]),
      {
        "Content-Type": "application/json",
      },
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      accepted: 2,
      duplicates: 0,
      rejected: 1,
      errors: [{ index: 1, message: "lat must be a number" }],
    });
  });

  it("takes NDJSON, skipping blank lines and numbering every line of the body", async () => {
    const body = [JSON.stringify(record("n1")), "", "{not json", JSON.stringify(record("n2")), ""].join("\n");
    const res = await post("/api/v1/complaints", body, { "Content-Type": "application/x-ndjson" });
    expect(res.status).toBe(200);
    const summary = await res.json();
    expect(summary).toMatchObject({ accepted: 2, rejected: 1 });
    expect(summary.errors[0].line).toBe(3);
  });

  it("is idempotent: the same body again stores nothing", async () => {
    const body = JSON.stringify([record("a1"), record("a3")]);
    const res = await post("/api/v1/complaints", body, { "Content-Type": "application/json" });
    expect(await res.json()).toMatchObject({ accepted: 0, duplicates: 2, rejected: 0 });
  });

  it("answers malformed JSON with 400 and the position, storing nothing", async () => {
    const before = (await t.database.db.select().from(complaints)).length;
    const res = await post("/api/v1/complaints", `[${JSON.stringify(record("m1"))}, {"source": "x",]`, {
      "Content-Type": "application/json",
    });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error).toMatch(/position \d+/);
    expect(typeof body.position).toBe("number");
    expect((await t.database.db.select().from(complaints)).length).toBe(before);
  });

  it("answers a body over 10 MB with 413", async () => {
    const big = `[${Array.from({ length: 30_000 }, (_, i) => JSON.stringify(record(`big${i}`, { text: "x".repeat(400) }))).join(",")}]`;
    expect(big.length).toBeGreaterThan(10 * 1024 * 1024);
    const res = await post("/api/v1/complaints", big, { "Content-Type": "application/json" });
    expect(res.status).toBe(413);
    expect((await res.json()).error).toMatch(/too large/i);
  });

  it("answers more than 50,000 records with 413, storing nothing", async () => {
    const many = Array.from(
      { length: 50_001 },
      (_, i) => `{"source":"x","externalId":"c${i}","text":"t","createdAt":"2026-11-02T14:05:00Z"}`,
    ).join("\n");
    const res = await post("/api/v1/complaints", many, { "Content-Type": "application/x-ndjson" });
    expect(res.status).toBe(413);
    expect((await res.json()).error).toMatch(/50,000/);
    const stored = await t.database.db.select().from(complaints).where(eq(complaints.externalId, "c1"));
    expect(stored).toHaveLength(0);
  });

  it("answers an empty body with 400 and GET with 405", async () => {
    expect((await post("/api/v1/complaints", "")).status).toBe(400);
    const get = await fetch(`${server.url}/api/v1/complaints`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(get.status).toBe(405);
  });

  it("enriches a large body in the worker threads, started from the server's Remix build", async () => {
    // The route runs from build/index.js, so the pool (one per process) is created and its worker entry
    // found from there. A first large body starts the threads (and is enriched inline meanwhile).
    const body = (prefix: string) =>
      JSON.stringify(
        Array.from({ length: 1200 }, (_, i) => record(`${prefix}-${i}`, { location: "Reno, NV" })),
      );
    const first = await post("/api/v1/complaints", body("big1"), { "Content-Type": "application/json" });
    expect((await first.json()).accepted).toBe(1200);
    const pool = sharedEnrichmentPool();
    await pool.warm(await loadEnricher(t.database.db, t.org.id));
    const pooledBefore = pool.stats().pooledRows;
    const second = await post("/api/v1/complaints", body("big2"), { "Content-Type": "application/json" });
    expect(await second.json()).toMatchObject({ accepted: 1200, duplicates: 0, rejected: 0 });
    expect(pool.stats().pooledRows - pooledBefore).toBe(1200);
    const [row] = await t.database.db.select().from(complaints).where(eq(complaints.externalId, "big2-7"));
    expect(row).toMatchObject({ regionCode: "NV", topicSlug: "outage" });
  });
});

describe("POST /api/v1/sources/:id/webhook", () => {
  let sourceId: number;
  let secret: string;
  beforeAll(async () => {
    const created = await createSource(
      t.database.db,
      new SecretBox("x".repeat(40)),
      t.org.id,
      { name: "x-stream", mapper: "x" },
      SYSTEM,
    );
    sourceId = created.source.id;
    secret = created.secret;
  });

  const xPayload = {
    data: [
      {
        id: "1900000000000000001",
        text: "Whole block lost power in Reno, any ETA @NorthwindPower?",
        author_id: "42",
        created_at: "2026-11-02T14:05:00.000Z",
      },
    ],
    includes: {
      users: [{ id: "42", username: "dana", name: "Dana", public_metrics: { followers_count: 312 } }],
    },
  };

  function signed(body: string, id = `msg_${Math.random().toString(36).slice(2)}`, at = new Date()) {
    const signature = new Webhook(secret).sign(id, at, body);
    return {
      "webhook-id": id,
      "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
      "webhook-signature": signature,
      "Content-Type": "application/json",
    };
  }

  const send = (id: number | string, body: string, headers: Record<string, string>) =>
    fetch(`${server.url}/api/v1/sources/${id}/webhook`, { method: "POST", body, headers });

  it("maps a signed X API v2 payload into complaints", async () => {
    const body = JSON.stringify(xPayload);
    const res = await send(sourceId, body, signed(body));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accepted: 1, rejected: 0 });
    const [row] = await t.database.db
      .select()
      .from(complaints)
      .where(eq(complaints.externalId, "1900000000000000001"));
    expect({
      source: row.source,
      authorHandle: row.authorHandle,
      authorFollowers: row.authorFollowers,
      regionCode: row.regionCode,
      topicSlug: row.topicSlug,
    }).toEqual({
      source: "x-stream",
      authorHandle: "@dana",
      authorFollowers: 312,
      regionCode: "NV",
      topicSlug: "outage",
    });
    const [source] = await t.database.db.select().from(sources).where(eq(sources.id, sourceId));
    expect(source.acceptedCount).toBe(1);
  });

  it("refuses unsigned, mis-signed and stale deliveries with 401", async () => {
    const body = JSON.stringify(xPayload);
    expect((await send(sourceId, body, { "Content-Type": "application/json" })).status).toBe(401);
    const bad = signed(body);
    bad["webhook-signature"] = "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    expect((await send(sourceId, body, bad)).status).toBe(401);
    const tampered = signed(body);
    expect((await send(sourceId, body.replace("Reno", "Boise"), tampered)).status).toBe(401);
    const stale = signed(body, "msg_stale", new Date(Date.now() - 10 * 60_000));
    const res = await send(sourceId, body, stale);
    expect(res.status).toBe(401);
    expect((await res.json()).error).toMatch(/5-minute/);
  });

  it("refuses a replayed webhook-id with 409", async () => {
    const body = JSON.stringify({ ...xPayload, data: [{ ...xPayload.data[0], id: "1900000000000000002" }] });
    const headers = signed(body, "msg_once");
    expect((await send(sourceId, body, headers)).status).toBe(200);
    const replay = await send(sourceId, body, headers);
    expect(replay.status).toBe(409);
    expect((await replay.json()).error).toMatch(/already received/);
  });

  it("answers an unknown source with 404 and a signed non-JSON body with 400", async () => {
    expect((await send(99999, "{}", { "Content-Type": "application/json" })).status).toBe(404);
    expect((await send("abc", "{}", {})).status).toBe(404);
    const body = "{oops";
    const res = await send(sourceId, body, signed(body));
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatch(/not valid JSON/);
    const [source] = await t.database.db.select().from(sources).where(eq(sources.id, sourceId));
    expect(source.lastError).toMatch(/not valid JSON/);
  });

  it("reports junk items of a payload while keeping the good ones", async () => {
    const body = JSON.stringify({
      data: [
        {
          id: "1900000000000000003",
          text: "still no internet",
          author_id: "42",
          created_at: "2026-11-02T15:00:00Z",
        },
        { id: 7 },
      ],
      includes: xPayload.includes,
    });
    const res = await send(sourceId, body, signed(body));
    const summary = await res.json();
    expect(summary.accepted).toBe(1);
    expect(summary.rejected).toBe(1);
    expect(summary.errors[0].index).toBe(1);
  });
});
