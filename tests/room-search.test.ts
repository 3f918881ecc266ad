import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM } from "~/services/audit.server";
import { intakeContext } from "~/services/enrichment.server";
import { createIncident, stampIncidentComplaints } from "~/services/incidents.server";
import { ingest } from "~/services/intake.server";
import { complaintStream, parseStreamFilter, STREAM_PAGE } from "~/services/room.server";
import { type Db, queryRows } from "~db/client.server";
import { complaints } from "~db/schema";
import { freshDatabase, type TestDatabase } from "./support/db";

/**
 * The room's complaint search on the real database (both drivers): a case-insensitive substring of the
 * text, within one incident, whatever the query holds — LIKE's own wildcards and escape, punctuation,
 * one or two characters (which a trigram index cannot narrow), words across a word boundary. Every
 * expectation is checked against a plain-JavaScript substring match over the incident's texts.
 */

let t: TestDatabase;
let ca: number;
let nv: number;
const FRESNO = { lat: 36.74, lon: -119.78 };
const RENO = { lat: 39.53, lon: -119.81 };

/**
 * In the California incident. The queries checked against JavaScript are ASCII, whose lower-casing is
 * the database's in any locale; no text here has a letter that lower-cases to ASCII.
 */
const CA_TEXTS = [
  "Power OUT on Elm St since 6am, any ETA?",
  "50% of the block is dark",
  "my_account shows I was charged 100% twice",
  "the path C:\\grid\\feeder7 is down",
  "literal a_b here",
  "literal a%b here",
  "literal a\\b here",
  "axb and a-b are not the same",
  "Transformer blew: sparks everywhere!!",
  "ok",
  "x",
  "power  out   (double spaces)",
  "Cafe on Main has no power",
  "Crème brûlée at the Café au coin: no power",
  "underscore__double and percent%%double",
];
const QUERIES = [
  // words, any case, inside words and across word boundaries
  "power",
  "POWER",
  "Out On",
  "er ou",
  "ower",
  "transformer blew",
  "sparks everywhere!!",
  "ETA?",
  "number 1",
  "grid status",
  // LIKE's wildcards and escape character are plain characters to the person searching
  "%",
  "_",
  "\\",
  "50%",
  "100%",
  "a_b",
  "a%b",
  "a\\b",
  "C:\\grid\\feeder7",
  "my_",
  "%_",
  "__",
  "%%",
  "_double",
  // one and two characters: no trigram to narrow by, still the same answer
  "o",
  "E",
  "ok",
  "OK",
  "zz",
  "q",
  // spacing is part of the text
  "power  out",
  "power out",
  // punctuation only
  "!!",
  ":",
  "?",
  // nothing matches
  "qwertyuiop",
  "zebra",
  "Ω",
];

/** Enough matches of one query for three pages. */
const FILLER = Array.from({ length: 2 * STREAM_PAGE + 7 }, (_, i) => `grid status update number ${i}`);

beforeAll(async () => {
  t = await freshDatabase();
  const ctx = await intakeContext({ db: t.database.db, orgId: t.org.id });
  const now = Date.now();
  const at = (k: number) => new Date(now - 20 * 60_000 + k * 1000).toISOString();
  const records = [
    ...[...CA_TEXTS, ...FILLER].map((text, k) => ({ source: "x", text, at: at(k), ...FRESNO })),
    // A word that only another incident's complaint has, and one only a complaint outside any incident has.
    { source: "x", text: "qwertyuiop in Reno", at: at(300), ...RENO },
    {
      source: "x",
      text: "zebra crossing in Fresno",
      at: new Date(now - 6 * 3600_000).toISOString(),
      ...FRESNO,
    },
  ];
  const summary = await ingest(
    ctx,
    records.map((r, index) => ({
      index,
      value: {
        source: r.source,
        externalId: `search-${index}`,
        text: r.text,
        createdAt: r.at,
        author: { handle: `@s${index}` },
        lat: r.lat,
        lon: r.lon,
      },
    })),
  );
  expect(summary.rejected).toBe(0);
  ca = (
    await createIncident(
      t.database.db,
      t.org.id,
      { title: "California", severity: "SEV2", regions: ["CA"] },
      SYSTEM,
    )
  ).id;
  nv = (
    await createIncident(
      t.database.db,
      t.org.id,
      { title: "Nevada", severity: "SEV3", regions: ["NV"] },
      SYSTEM,
    )
  ).id;
  await stampIncidentComplaints(t.database.db, t.org.id, ca);
  await stampIncidentComplaints(t.database.db, t.org.id, nv);
});
afterAll(async () => {
  await t?.close();
});

async function incidentTexts(incidentId: number): Promise<{ id: number; text: string }[]> {
  return t.database.db
    .select({ id: complaints.id, text: complaints.text })
    .from(complaints)
    .where(and(eq(complaints.orgId, t.org.id), eq(complaints.incidentId, incidentId)))
    .orderBy(sql`${complaints.createdAt} desc, ${complaints.id} desc`);
}

/** Every page of the stream for a query, walked with its keyset cursor. */
async function search(
  incidentId: number,
  q: string,
  extra: Record<string, string> = {},
  db: Db = t.database.db,
) {
  const ids: number[] = [];
  const texts: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 20; page++) {
    const params = new URLSearchParams({ q, ...extra, ...(cursor ? { cursor } : {}) });
    const out = await complaintStream(db, t.org.id, incidentId, parseStreamFilter(params));
    ids.push(...out.rows.map((r) => r.id));
    texts.push(...out.rows.map((r) => r.text));
    cursor = out.nextCursor;
    if (!cursor) break;
  }
  return { ids, texts };
}

describe("the room's complaint search", () => {
  it("has every complaint placed in its incident", async () => {
    expect(await incidentTexts(ca)).toHaveLength(CA_TEXTS.length + FILLER.length);
    expect((await incidentTexts(nv)).map((r) => r.text)).toEqual(["qwertyuiop in Reno"]);
  });

  it("finds exactly the complaints whose text contains the query, ignoring case, newest first", async () => {
    const all = await incidentTexts(ca);
    for (const q of QUERIES) {
      const expected = all.filter((r) => r.text.toLowerCase().includes(q.toLowerCase())).map((r) => r.id);
      const { ids } = await search(ca, q);
      expect(ids, `q=${JSON.stringify(q)}`).toEqual(expected);
    }
  });

  it("finds the query's characters as they are, beyond ASCII", async () => {
    // Case folding beyond ASCII follows the database's locale (as ILIKE always has); the same case matches.
    expect((await search(ca, "Café au")).texts).toEqual(["Crème brûlée at the Café au coin: no power"]);
    expect((await search(ca, "brûlée")).texts).toEqual(["Crème brûlée at the Café au coin: no power"]);
    expect((await search(ca, "û")).texts).toEqual(["Crème brûlée at the Café au coin: no power"]);
    expect((await search(ca, "ûx")).ids).toEqual([]);
  });

  it("pages a search with the keyset cursor, every match once, in order", async () => {
    const { texts } = await search(ca, "grid status");
    expect(texts).toHaveLength(FILLER.length);
    expect(new Set(texts).size).toBe(FILLER.length);
    expect(texts).toEqual([...FILLER].reverse());
  });

  it("stays within the incident and combines with the other filters", async () => {
    expect((await search(nv, "qwertyuiop")).texts).toEqual(["qwertyuiop in Reno"]);
    expect((await search(ca, "qwertyuiop")).ids).toEqual([]);
    expect((await search(nv, "power")).ids).toEqual([]);
    // Outside every incident: never shown in a room.
    expect((await search(ca, "zebra")).ids).toEqual([]);
    expect((await search(ca, "power", { region: "NV" })).ids).toEqual([]);
    expect((await search(ca, "power", { region: "CA" })).texts.length).toBeGreaterThan(0);
    expect((await search(ca, "grid status", { answered: "yes" })).ids).toEqual([]);
  });

  it("answers the same from the trigram index alone", async () => {
    const all = await incidentTexts(ca);
    class Rollback extends Error {}
    const plans: string[] = [];
    await t.database.db
      .transaction(async (tx) => {
        // Every other index of complaints goes (until the rollback), and sequential and plain index scans
        // are off: the searches below can only be answered through complaints_incident_text_trgm_idx
        // (a full scan of it for queries with no trigram).
        const others = await queryRows<{ name: string }>(
          tx,
          sql`select indexname as name from pg_indexes where tablename = 'complaints'
              and indexname not in ('complaints_pkey', 'complaints_incident_text_trgm_idx')`,
        );
        for (const { name } of others) await tx.execute(sql.raw(`drop index "${name}"`));
        await tx.execute(sql`set local enable_seqscan = off`);
        await tx.execute(sql`set local enable_indexscan = off`);
        for (const q of QUERIES) {
          const expected = all.filter((r) => r.text.toLowerCase().includes(q.toLowerCase())).map((r) => r.id);
          expect((await search(ca, q, {}, tx)).ids, `q=${JSON.stringify(q)}`).toEqual(expected);
        }
        const plan = await queryRows<Record<string, string>>(
          tx,
          sql`explain select id from complaints where org_id = ${t.org.id} and incident_id = ${ca}
              and text ilike ${"%transformer%"}`,
        );
        plans.push(...plan.map((r) => Object.values(r)[0]));
        throw new Rollback();
      })
      .catch((error) => {
        if (!(error instanceof Rollback)) throw error;
      });
    expect(plans.join("\n")).toContain("complaints_incident_text_trgm_idx");
    const [kept] = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from pg_indexes where indexname = 'complaints_incident_idx'`,
    );
    expect(kept.n).toBe(1);
  });

  it("keeps the trigram index valid on this database", async () => {
    const rows = await queryRows<{ valid: boolean; def: string }>(
      t.database.db,
      sql`select i.indisvalid as valid, pg_get_indexdef(i.indexrelid) as def
          from pg_index i join pg_class c on c.oid = i.indexrelid
          where c.relname = 'complaints_incident_text_trgm_idx'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].valid).toBe(true);
    expect(rows[0].def).toMatch(/gin \(text gin_trgm_ops\) WHERE \(incident_id IS NOT NULL\)/);
  });
});
