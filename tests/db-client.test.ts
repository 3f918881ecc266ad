import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openDatabase, queryRows } from "~db/client.server";
import { complaints, regions, topics, users } from "~db/schema";
import { freshDatabase, type TestDatabase } from "./support/db";

let t: TestDatabase;
beforeAll(async () => {
  t = await freshDatabase();
});
afterAll(async () => {
  await t?.close();
});

describe("database client factory", () => {
  it("uses the driver the environment asks for", () => {
    expect(t.database.driver).toBe(inject("dbDriver"));
  });

  it("has applied every migration", async () => {
    const tables = await queryRows<{ table_name: string }>(
      t.database.db,
      sql`select table_name from information_schema.tables where table_schema = 'public' order by 1`,
    );
    const names = tables.map((r) => r.table_name);
    for (const expected of [
      "organisations",
      "users",
      "sessions",
      "api_tokens",
      "audit_entries",
      "regions",
      "topics",
      "sources",
      "complaints",
      "complaint_counts",
      "spikes",
      "spike_clusters",
      "incidents",
      "incident_events",
      "status_updates",
      "update_variants",
      "channels",
      "deliveries",
      "delivery_attempts",
      "replies",
      "subscribers",
      "templates",
      "components",
    ]) {
      expect(names).toContain(expected);
    }
    const applied = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
    );
    expect(applied[0].n).toBeGreaterThanOrEqual(1);
  });

  it("re-applying migrations is a no-op", async () => {
    const { migrateDatabase } = await import("~db/client.server");
    await migrateDatabase(t.database);
    const [row] = await t.database.db.select({ n: sql<number>`count(*)::int` }).from(regions);
    expect(row.n).toBe(51);
  });

  it("answers ping and raw queries on both drivers", async () => {
    await t.database.ping();
    const rows = await queryRows<{ answer: number }>(t.database.db, sql`select 41 + 1 as answer`);
    expect(rows).toEqual([{ answer: 42 }]);
  });

  it("delivers NOTIFY to a listener", async () => {
    const received = new Promise<string>((resolve) => {
      void t.database.listen("clarion_test", resolve).then(() => t.database.notify("clarion_test", "hello"));
    });
    expect(await received).toBe("hello");
  });

  it("enforces check constraints, foreign keys and uniqueness", async () => {
    const { db } = t.database;
    await expect(
      db.insert(users).values({
        orgId: t.org.id,
        email: "x@example.com",
        name: "X",
        role: "overlord" as never,
        passwordHash: "h",
      }),
    ).rejects.toThrow();
    await expect(
      db.insert(complaints).values({
        orgId: t.org.id,
        source: "x",
        text: "t",
        createdAt: new Date(),
        topicSlug: "no-such-topic",
        raw: {},
      }),
    ).rejects.toThrow();
    const row = {
      orgId: t.org.id,
      source: "x",
      externalId: "dup-1",
      text: "t",
      createdAt: new Date(),
      topicSlug: "other",
      raw: {},
    };
    await db.insert(complaints).values(row);
    await expect(db.insert(complaints).values(row)).rejects.toThrow();
    await expect(
      db.insert(topics).values({ orgId: t.org.id, slug: "Bad Slug!", label: "x" }),
    ).rejects.toThrow();
  });
});

describe.runIf(inject("dbDriver") === "pglite")("embedded data dir", () => {
  it("persists across opens and refuses a second process-level open while locked", async () => {
    const dir = mkdtempSync(join(tmpdir(), "clarion-pglite-"));
    const dataDir = join(dir, "pglite");
    try {
      const first = await openDatabase({ dataDir });
      await first.db.execute(sql`create table kept (v int)`);
      await first.db.execute(sql`insert into kept values (7)`);
      await first.close();
      const again = await openDatabase({ dataDir, migrate: false });
      expect(await queryRows(again.db, sql`select v from kept`)).toEqual([{ v: 7 }]);
      // Contrib extensions the migrations created (pg_trgm) load again with an existing data dir.
      expect(await queryRows(again.db, sql`select similarity('power out', 'power out') as s`)).toEqual([
        { s: 1 },
      ]);
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.runIf(inject("dbDriver") === "postgres")("server", () => {
  it("fails with a clear error when the server is unreachable", async () => {
    await expect(openDatabase({ url: "postgres://nobody@127.0.0.1:1/none" })).rejects.toThrow(
      /ECONNREFUSED|connect/,
    );
  });
});
